"""The queue under damage and contention: a damaged file is moved aside and a fresh
queue opened (readable rows saved), unreadable rows are dead-lettered, a lock is
waited on with a bounded, retried write, outage dead letters are queued again and a
restart keeps the upload backoff."""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, cast

import pytest

from kiosk.config import load_settings
from kiosk.domain import Emotion, Like
from kiosk.events.errors import CorruptQueueError, QueueBusyError
from kiosk.events.queue import CORRUPT_ROW, EventQueue
from kiosk.events.records import RecordKind, user_record
from kiosk.events.salvage import salvage
from kiosk.events.testing import FakePersonalizeEvents, Mode
from kiosk.events.uploader import Uploader, UploaderState

from .conftest import StatusWatch

ALL = list(RecordKind)


def _fill(db_path: Path, new_like: Callable[..., Like], n: int) -> list[str]:
    with EventQueue(db_path, synchronous="NORMAL") as q:
        likes = [new_like(visit=f"v{i % 3}") for i in range(n)]
        for like in likes:
            q.record_like(like)
    return [like.event_id for like in likes]


def _aside(db_path: Path) -> list[Path]:
    return sorted(p for p in db_path.parent.iterdir() if ".damaged-" in p.name
                  and not p.name.endswith(("-wal", "-shm")))


def test_damaged_header_is_moved_aside_and_a_fresh_queue_opened(
    db_path: Path, new_like: Callable[..., Like], caplog: pytest.LogCaptureFixture
) -> None:
    _fill(db_path, new_like, 3)
    raw = bytearray(db_path.read_bytes())
    raw[0:16] = b"garbage garbage!"  # the SQLite header
    db_path.write_bytes(bytes(raw))
    with pytest.raises(CorruptQueueError, match="move the file aside"):
        EventQueue(db_path)  # recover=False: refused, file untouched
    assert _aside(db_path) == []

    settings = load_settings(env={}, overrides={"events.db_path": str(db_path)})
    with caplog.at_level(logging.ERROR), EventQueue.from_settings(settings) as q:
        aside = _aside(db_path)
        assert len(aside) == 1 and aside[0].read_bytes()[:16] == b"garbage garbage!"
        errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
        assert len(errors) == 1 and str(aside[0]) in errors[0].getMessage()
        assert "fresh queue" in q.status()["problem"]
        q.record_like(new_like())  # works at once
        assert q.counts().pending_total == 1


def test_truncated_file_keeps_what_can_still_be_read(
    db_path: Path, new_like: Callable[..., Like]
) -> None:
    ids = _fill(db_path, new_like, 400)
    data = db_path.read_bytes()
    db_path.write_bytes(data[: len(data) * 55 // 100])
    with EventQueue(db_path, recover=True) as q:
        assert len(_aside(db_path)) == 1
        saved = q.counts().pending_total
        assert 0 < saved < len(ids)  # the readable part came over, in order
        batch = q.next_batch(ALL)
        assert batch is not None and batch.rows[0].record_id == ids[0]
        assert q.integrity_problems() == []


def test_damage_found_while_running_is_recovered_by_the_reader(
    db_path: Path, new_like: Callable[..., Like]
) -> None:
    _fill(db_path, new_like, 300)
    with EventQueue(db_path, recover=True) as q:
        assert q.integrity_problems() == []
        page_size = q._page_size
        with db_path.open("r+b") as fh:  # scribble over pages in the middle of the file
            fh.seek(page_size * 3)
            fh.write(b"\xff" * page_size * 4)
        raised: list[BaseException] = []

        def uploader_like_reader() -> None:  # a new thread: its own connection
            try:
                for _ in range(3):
                    batch = q.next_batch(ALL)
                    if batch is not None:
                        q.ack(batch.ids)
            except BaseException as exc:
                raised.append(exc)

        reader = threading.Thread(target=uploader_like_reader)
        reader.start()
        reader.join(30)
        assert raised == []  # never a raw sqlite3 error
        assert len(_aside(db_path)) == 1
        assert q.integrity_problems() == []
        q.record_like(new_like())
        assert "fresh queue" in q.status()["problem"]


def test_unreadable_row_is_dead_lettered_not_blocking(
    queue: EventQueue, db_path: Path, new_like: Callable[..., Like]
) -> None:
    good = [new_like() for _ in range(3)]
    for like in good:
        queue.record_like(like)
    with sqlite3.connect(db_path) as conn:
        conn.execute("UPDATE records SET body = '{not json' WHERE record_id = ?",
                     (good[1].event_id,))
    batch = queue.next_batch(ALL)
    assert batch is not None
    assert [r.record_id for r in batch.rows] == [good[0].event_id, good[2].event_id]
    assert queue.dead_summary() == {CORRUPT_ROW: 1}


def test_a_locked_queue_is_waited_on_then_refused_with_a_plain_message(
    db_path: Path, new_like: Callable[..., Like]
) -> None:
    # a record that is not spooled (`record` without spool: the fleet's metrics) is
    # refused after its bounded wait; a like is not refused: after its own short wait it
    # is kept in the spool (since round 22; before, it was refused too, and gone)
    with EventQueue(db_path, busy_timeout_s=0.05, lock_wait_s=0.3) as q:
        other = sqlite3.connect(db_path, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        like = new_like()
        try:
            started = time.monotonic()
            with pytest.raises(QueueBusyError, match="locked by another program") as err:
                q.record(user_record("user-1", Emotion.HAPPY))
            assert time.monotonic() - started < 5.0  # bounded
            # old text said "nothing was lost"
            assert "nothing was lost" not in str(err.value)
            assert "nothing was written" in str(err.value)
            started = time.monotonic()
            assert q.record_like(like) == 0  # in the spool, not refused
            assert time.monotonic() - started < 5.0
            assert like.event_id in q.spool_path.read_text()
            assert q.refresh_counts().pending_total == 0  # nothing half-written
        finally:
            other.execute("ROLLBACK")
            other.close()
        assert q.ingest_spool() == 1
        assert q.refresh_counts().pending == {"event": 1, "impression": 0, "user": 0,
                                              "item": 0}


def test_a_lock_released_in_time_saves_the_like(
    db_path: Path, new_like: Callable[..., Like], caplog: pytest.LogCaptureFixture
) -> None:
    with EventQueue(db_path, busy_timeout_s=0.05, lock_wait_s=30.0) as q:
        other = sqlite3.connect(db_path, isolation_level=None, check_same_thread=False)
        other.execute("BEGIN IMMEDIATE")
        like = new_like()
        done = threading.Event()
        errors: list[BaseException] = []

        def record() -> None:
            try:
                q.record_like(like)
            except BaseException as exc:
                errors.append(exc)
            done.set()

        with caplog.at_level(logging.WARNING):
            worker = threading.Thread(target=record)
            worker.start()
            deadline = time.monotonic() + 10
            while "is locked by another program" not in caplog.text:
                assert time.monotonic() < deadline
                done.wait(0.01)
            assert not done.is_set()  # still waiting, not failed
            other.execute("COMMIT")
            other.close()
            assert done.wait(10)
            worker.join()
        assert errors == []
        assert q.refresh_counts().pending_total == 1


def test_outage_dead_letters_are_queued_again_permanent_ones_stay(
    queue: EventQueue, new_like: Callable[..., Like]
) -> None:
    likes = [new_like() for _ in range(4)]
    for like in likes:
        queue.record_like(like)
    batch = queue.next_batch(ALL)
    assert batch is not None
    ids = list(batch.ids)
    queue.dead_letter(ids[:1], "InternalFailure", "boom (20 server errors)")
    queue.dead_letter(ids[1:2], "ThrottlingException", "Rate exceeded")
    queue.dead_letter(ids[2:3], "InvalidInputException", "bad itemId")
    assert queue.retry_transient_dead() == 2
    assert queue.dead_summary() == {"InvalidInputException": 1}
    again = queue.next_batch(ALL)
    assert again is not None
    assert [r.record_id for r in again.rows] == [likes[0].event_id, likes[1].event_id,
                                                 likes[3].event_id]


def test_restart_keeps_the_backoff_and_the_rows(
    queue: EventQueue, db_path: Path, endpoint: FakePersonalizeEvents,
    make_uploader: Callable[..., Uploader], new_like: Callable[..., Like],
) -> None:
    endpoint.set_mode(Mode.ERROR_500)
    queue.record_like(new_like())
    first = make_uploader(base_backoff_s=30.0, max_backoff_s=60.0)
    seen = StatusWatch(first)
    first.start()
    assert seen.wait(lambda s: s.state is UploaderState.BACKOFF)
    assert first.stop()
    calls = len(endpoint.calls())
    assert calls >= 1
    with sqlite3.connect(db_path) as conn:
        attempts, retry_at = conn.execute("SELECT attempts, retry_at FROM records").fetchone()
    assert attempts == calls and retry_at > time.time()  # stored with the rows

    endpoint.set_mode(Mode.SUCCEED)
    second = make_uploader(base_backoff_s=30.0, max_backoff_s=60.0)
    seen = StatusWatch(second)
    second.start()
    assert seen.wait(lambda s: s.state is UploaderState.BACKOFF)  # waits, as before
    assert not endpoint.wait_for(lambda e: len(e.calls()) > calls, timeout=0.5)
    assert second.flush(10.0)  # an operator's flush skips the wait
    assert queue.counts().dead == 0 and queue.counts().sent_total == 1


def test_uploader_survives_an_unexpected_error(
    queue: EventQueue, endpoint: FakePersonalizeEvents,
    make_uploader: Callable[..., Uploader], new_like: Callable[..., Like],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    queue.record_like(new_like())
    real = queue.next_batch
    failures = iter([RuntimeError("boom"), None])

    def flaky(*args: object, **kwargs: object) -> object:
        exc = next(failures, None)
        if exc is not None:
            raise exc
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(queue, "next_batch", flaky)
    uploader = make_uploader(base_backoff_s=0.01, max_backoff_s=0.02)
    seen = StatusWatch(uploader)
    uploader.start()
    assert seen.wait(lambda s: s.sent_total == 1 and s.pending == 0)
    assert uploader.status().state is not UploaderState.STOPPED
    assert "boom" in (uploader.status().last_error or "")


def test_impression_under_a_lasting_lock_is_kept_and_queued_later(
    db_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with EventQueue(db_path, busy_timeout_s=0.05, lock_wait_s=0.2) as q:
        other = sqlite3.connect(db_path, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        try:
            with caplog.at_level(logging.WARNING):
                assert q.record_impression("v1", ["a", "b"], event_id="imp-1") == 0
            assert q.spool_path.is_file() and "imp-1" in q.spool_path.read_text()
            assert "queued when the lock is let go" in caplog.text
        finally:
            other.execute("ROLLBACK")
            other.close()
    with EventQueue(db_path) as q:  # the next start takes it in
        batch = q.next_batch(ALL)
        assert batch is not None and batch.rows[0].record_id == "imp-1"
        assert not q.spool_path.exists()


def test_a_full_disk_under_a_lasting_lock_says_the_disk_is_full(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The spool that keeps an impression out of a locked queue cannot be written for
    lack of space: the error says the disk is full, not a bare "No space left"."""
    import errno
    import os

    from kiosk.errors import DiskFullError

    real_open = os.open

    def no_space(path: Any, *args: Any, **kwargs: Any) -> Any:
        if str(path).endswith(".spool"):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))
        return real_open(path, *args, **kwargs)

    with EventQueue(db_path, busy_timeout_s=0.05, lock_wait_s=0.2) as q:
        other = sqlite3.connect(db_path, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        monkeypatch.setattr(os, "open", no_space)
        try:
            with pytest.raises(DiskFullError) as raised:
                q.record_impression("v1", ["a", "b"], event_id="imp-1")
        finally:
            other.execute("ROLLBACK")
            other.close()
    assert f"the disk holding {q.spool_path} is full" in str(raised.value)


class _CommitFails:
    """A connection whose COMMIT fails, as on a disk that filled during the salvage."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def execute(self, sql: str, params: Sequence[object] = ()) -> sqlite3.Cursor:
        if sql == "COMMIT":
            raise sqlite3.OperationalError("database or disk is full")
        return self.conn.execute(sql, params)

    @property
    def in_transaction(self) -> bool:
        return self.conn.in_transaction


def test_salvage_whose_commit_fails_leaves_the_fresh_queue_usable(
    tmp_path: Path, db_path: Path, new_like: Callable[..., Like]
) -> None:
    _fill(db_path, new_like, 5)
    with EventQueue(tmp_path / "fresh.sqlite3") as fresh:
        conn = fresh._conn()
        with pytest.raises(sqlite3.OperationalError, match="full"):
            salvage(db_path, cast(sqlite3.Connection, _CommitFails(conn)))
        assert not conn.in_transaction  # rolled back, not left open
        assert fresh.refresh_counts().pending_total == 0
        fresh.record_like(new_like())  # the next write starts its own transaction
        assert fresh.refresh_counts().pending_total == 1
