"""A like is counted once, when it is saved: a card confirmed "Liked" again (a saved
like tapped again, or the card back on a later page) is no new like in the audience
numbers, the report or the fleet's "Likes" metric (found by a fresh tester: 3 likes
showed as 6)."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from kiosk.analytics import AnalyticsStore, Recorder
from kiosk.analytics.report import build_report
from kiosk.analytics.taps import RecordingView, record_like
from kiosk.app import Kiosk
from kiosk.backend import KioskBackend, PageResult
from kiosk.config import load_settings
from kiosk.controllers.visit import VisitController
from kiosk.events.errors import EventsError
from kiosk.fleet.metrics import bucket_datums
from kiosk.testing import FakeClock
from tests.test_controller import QueuedWorker


class SyncWorker(QueuedWorker):
    """Runs each job at once on the calling thread (an error with no `on_error` is
    raised, as `QueuedWorker.run_one` does)."""

    def submit(self, fn: Callable[..., Any], *args: Any,
               on_result: Callable[[Any], None] | None = None,
               on_error: Callable[[BaseException], None] | None = None) -> None:
        super().submit(fn, *args, on_result=on_result, on_error=on_error)
        self.run()


class ScreenLog:
    """The view: records every call by name."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, tuple[Any, ...]]] = []

    def __getattr__(self, name: str) -> Callable[..., None]:
        return lambda *args: self.calls.append((name, args))

    def cards_that_fit(self, asked: int) -> int:  # the screen shows a whole page
        return asked

    def count(self, name: str) -> int:
        return sum(1 for n, _ in self.calls if n == name)


@pytest.fixture
def backend(tmp_path: Path) -> Iterator[KioskBackend]:
    settings = load_settings(env={}, overrides={"app.data_dir": str(tmp_path / "data")})
    b = KioskBackend.from_settings(settings)
    b.image_size = (32, 32)
    b.open()
    yield b
    b.close()


def test_three_likes_count_three_however_often_they_are_confirmed(
    qtbot: QtBot, tmp_path: Path, backend: KioskBackend
) -> None:
    settings = load_settings(env={}, overrides={"app.data_dir": str(tmp_path / "data")})
    clock = FakeClock(1_700_000_000.0)
    store = AnalyticsStore(tmp_path / "analytics.sqlite3", k=1)
    rec = Recorder(store, k=1, clock=clock)
    backend.like_listeners.append(functools.partial(record_like, rec))
    screen = ScreenLog()
    controller = VisitController(settings, RecordingView(screen, rec), SyncWorker(), backend)

    controller.on_mood_picked("happy")
    page = controller.page
    assert page is not None and len(page.items) == 3
    for item_id in page.item_ids:  # three likes, each saved
        controller.on_like(item_id)
    for item_id in page.item_ids:  # tapped again: the saved cards say "Liked" again
        controller.on_like(item_id)
    # the page comes back (a re-rank showing the liked cards again): "Liked" once more
    controller._on_page(PageResult(page, {}, False, controller._request))
    assert screen.count("show_like_confirmed") == 9  # the screen was told 9 times

    assert rec.snapshot().likes == 3
    clock.advance(rec.bucket_s)
    rec.close_all()
    report = build_report(store, since=0, until=clock())
    buckets = [b for b in store.buckets() if b.likes]
    store.close()
    t = report["totals"]
    assert (t["likes"], t["pages"]) == (3, 2)
    assert t["like_rate"] == 1.5
    assert report["like_rate_by_emotion"] == {"HAPPY": 1.5}
    assert sorted(report["top_items"], key=lambda i: i["item"]) == [
        {"item": item_id, "likes": 1} for item_id in sorted(page.item_ids)]
    assert len(buckets) == 1
    likes = [d["Value"] for d in bucket_datums(buckets[0], "lobby", "k1")
             if d["MetricName"] == "Likes"]
    assert likes == [3.0]  # the fleet's "Likes" metric


def test_a_like_that_is_not_saved_is_not_counted(
    qtbot: QtBot, tmp_path: Path, backend: KioskBackend
) -> None:
    settings = load_settings(env={}, overrides={"app.data_dir": str(tmp_path / "data")})
    rec = Recorder(None)
    backend.like_listeners.append(functools.partial(record_like, rec))
    controller = VisitController(settings, RecordingView(ScreenLog(), rec), SyncWorker(),
                                 backend)
    controller.on_mood_picked("calm")
    assert controller.page is not None
    queue = backend.queue
    assert queue is not None

    def refused(_like: object, **_: object) -> int:  # likes cannot be saved now (the disk is full)
        raise EventsError("the disk is full")

    saving, queue.record_like = queue.record_like, refused  # type: ignore[method-assign,assignment]
    try:
        controller.on_like(controller.page.item_ids[0])
    finally:
        queue.record_like = saving  # type: ignore[method-assign]
    assert rec.snapshot().likes == 0


def test_the_app_counts_a_like_once_when_its_card_is_tapped_again(
    qtbot: QtBot, tmp_path: Path
) -> None:
    settings = load_settings(env={}, overrides={
        "camera.source": "", "app.data_dir": str(tmp_path / "d"),
        "app.log_dir": str(tmp_path / "log"), "app.idle_timeout_s": "60",
    })
    kiosk = Kiosk(settings)
    qtbot.addWidget(kiosk.window)
    kiosk.start()
    rec = kiosk.analytics
    assert rec is not None
    try:
        kiosk.window.wake()
        kiosk.window.mood_picked.emit("calm")
        qtbot.waitUntil(lambda: kiosk.controller.page is not None, timeout=90000)
        page = kiosk.controller.page
        assert page is not None
        liked = page.item_ids[0]
        kiosk.controller.on_like(liked)
        qtbot.waitUntil(lambda: liked in kiosk.controller._liked_saved, timeout=10000)
        assert rec.snapshot().likes == 1
        kiosk.controller.on_like(liked)  # the "Liked" card tapped again
        assert rec.snapshot().likes == 1
    finally:
        assert kiosk.shutdown() == []
