"""What a lock kept in the spool is queued once the lock goes, without another write and
with uploads off (the default): the kiosk's spool drain (`kiosk.events.spool_drain`).
Before, with no uploader running, a like kept in the spool waited for the next write or
the next start (hours on a quiet evening, `events status` saying `spooled` meanwhile).

The lock is a second connection in `BEGIN EXCLUSIVE`; the queue's retries run on a
`FakeClock` (`Locked`). The threaded tests wait on events the queue fires, never sleep."""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from kiosk.app import Kiosk
from kiosk.config import load_settings
from kiosk.domain import Emotion, Item, Like, Page
from kiosk.events import spool_drain
from kiosk.events.queue import EventQueue
from kiosk.events.spool_drain import SpoolDrain
from tests.events.conftest import Locked, make_like, pending, spooled_ids


def test_a_step_queues_the_spool_once_the_lock_has_gone(locked: Locked) -> None:
    queue = locked.queue
    like = make_like()
    assert queue.record_like(like, tap_monotonic=locked.clock.now) == 0
    drain = SpoolDrain(queue, retry_s=2.0)
    assert drain.step() == 2.0  # still locked: tried again in 2 s, the like kept
    assert spooled_ids(queue) == [like.event_id]
    locked.release()  # and no other write comes
    assert drain.step() is None  # queued; nothing left: wait until woken
    assert [r["recordId"] for r in pending(queue)] == [like.event_id]
    assert spooled_ids(queue) == [] and not queue.spool_waiting()


def test_nothing_spooled_means_no_try_and_no_timed_wait(
        locked: Locked, monkeypatch: pytest.MonkeyPatch) -> None:
    locked.release()
    tries: list[object] = []

    def ingest(*args: object, **kwargs: object) -> int:
        tries.append(args)
        return 0

    monkeypatch.setattr(locked.queue, "ingest_spool", ingest)
    assert SpoolDrain(locked.queue).step() is None  # sleeps until a record is spooled
    assert tries == []


def test_retries_under_a_lock_log_no_error_or_warning(
        locked: Locked, caplog: pytest.LogCaptureFixture) -> None:
    # before, each periodic try (the uploader's, every 2 s) logged an ERROR "could not
    # queue the spool" and a WARNING for as long as the lock held
    queue = locked.queue
    assert queue.record_like(make_like(), tap_monotonic=locked.clock.now) == 0
    drain = SpoolDrain(queue)
    caplog.clear()  # the like's own WARNING said it was kept
    with caplog.at_level("DEBUG", logger="kiosk.events"):
        for _ in range(3):
            assert drain.step() == drain.retry_s
    assert [r.getMessage() for r in caplog.records if r.levelno >= 30] == []
    assert "not queued yet" in caplog.text  # at DEBUG


def test_the_thread_wakes_on_a_spooled_record_and_queues_it_when_the_lock_goes(
        locked: Locked) -> None:
    queue = locked.queue
    queued = threading.Event()
    queue.add_listener(queued.set)  # told when rows come in (the spool's among them)
    tried = threading.Event()
    drain = SpoolDrain(queue, retry_s=0.02)
    real_step = drain.step

    def step() -> float | None:
        wait = real_step()
        if wait is not None:
            tried.set()  # a try under the lock: the spool was not empty
        return wait

    drain.step = step  # type: ignore[method-assign]
    drain.start()
    try:
        like = make_like()
        assert queue.record_like(like, tap_monotonic=locked.clock.now) == 0
        assert tried.wait(10.0)  # woken by the spooled like, tried, kept it
        assert spooled_ids(queue) == [like.event_id] and not queued.is_set()
        locked.release()
        assert queued.wait(10.0)  # no write of ours: the drain's next try
        assert [r["recordId"] for r in pending(queue)] == [like.event_id]
        assert spooled_ids(queue) == []
    finally:
        assert drain.stop(5.0)


def test_a_kiosk_with_uploads_off_queues_its_spool_when_the_lock_goes(
        qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # the like goes through the events worker's `commit_like`, as a tap's does; the
    # reader is `kiosk-admin events status`'s (a queue opened with upgrade=False)
    monkeypatch.setattr(spool_drain, "SPOOL_RETRY_S", 0.05)
    (tmp_path / "catalog" / "happy").mkdir(parents=True)
    settings = load_settings(env={}, overrides={
        "camera.source": "", "recommend.catalog_dir": str(tmp_path / "catalog"),
        "app.data_dir": str(tmp_path / "data"), "app.log_dir": str(tmp_path / "log"),
    })
    assert not settings.aws_events_enabled
    app = Kiosk(settings)
    qtbot.addWidget(app.window)
    app.start()
    holder: sqlite3.Connection | None = None
    try:
        qtbot.waitUntil(lambda: app.spool_drain is not None, timeout=10000)
        queue = app.backend.queue
        assert isinstance(queue, EventQueue) and app.uploader is None
        queue.lock_wait_s = 0.1  # the like's wait for the lock, shortened
        holder = sqlite3.connect(queue.path, isolation_level=None)
        holder.execute("BEGIN EXCLUSIVE")  # an sqlite3 shell
        item = Item("emotions/happy/a.jpg", Emotion.HAPPY, str(tmp_path / "a.jpg"))
        liked: list[Like] = []
        app.events_worker.submit(app.backend.commit_like, Page((item,), Emotion.HAPPY,
                                 "visit-1"), item.id, time.time(), None,
                                 on_result=liked.append)
        qtbot.waitUntil(lambda: len(liked) == 1, timeout=10000)
        assert spooled(queue.path) == 1
        holder.execute("ROLLBACK")  # let go; nothing else is liked
        qtbot.waitUntil(lambda: spooled(queue.path) == 0, timeout=10000)  # old: forever
        with EventQueue(queue.path, upgrade=False) as reader:
            assert reader.status()["pending_by_kind"]["event"] == 1
    finally:
        if holder is not None:
            holder.close()
        assert app.shutdown() == []


def spooled(db: Path) -> int:
    with EventQueue(db, upgrade=False) as reader:
        return int(reader.status()["spooled"])
