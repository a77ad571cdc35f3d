"""The like path end to end on real worker threads: a like is committed on the events
worker (never behind a page or a network wait), the card is confirmed only after the
commit, a queue that cannot be opened refuses likes visibly, and a locked queue
never delays a page."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PySide6.QtCore import QCoreApplication
from pytestqt.qtbot import QtBot

from kiosk.backend import KioskBackend, LikeResult, PageResult
from kiosk.config import load_settings
from kiosk.controllers.visit import VisitController
from kiosk.domain import Emotion, Item, Like, Page, RecommendMode
from kiosk.events.errors import EventsError
from kiosk.events.queue import EventQueue
from kiosk.workers.runner import SerialWorker


class View:
    """Records what the controller shows (GUI thread only)."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, tuple[Any, ...]]] = []

    def __getattr__(self, name: str) -> Callable[..., None]:
        return lambda *args: self.calls.append((name, args))

    def cards_that_fit(self, asked: int) -> int:  # the screen shows a whole page
        return asked

    def names(self) -> list[str]:
        return [n for n, _ in self.calls]


class GatedBackend:
    """Pages and commits that wait on gates, like a slow Personalize call or a lock."""

    def __init__(self) -> None:
        self.page_gate = threading.Event()
        self.page_gate.set()
        self.commit_gate = threading.Event()
        self.commit_gate.set()
        self.catalog_gate = threading.Event()
        self.catalog_gate.set()
        self.committed: list[str] = []
        self.learned: list[str] = []
        self.n = 0

    def attract_images(self, n: int) -> list[np.ndarray]:
        return []

    def page(self, request: int, visit_id: str, emotion: Emotion, user_id: str | None,
             mode: str, page_size: int) -> PageResult:
        assert self.page_gate.wait(30)
        self.n += 1
        items = tuple(Item(f"emotions/{emotion.folder}/{self.n}-{i}.jpg", emotion, "x")
                      for i in range(page_size))
        return PageResult(Page(items, emotion, visit_id, index=self.n),
                          {i.id: np.zeros((4, 4, 3), np.uint8) for i in items}, False, request)

    def commit_like(self, page: Page, item_id: str, tapped_at: float, user_id: str | None,
                    tap_monotonic: float | None = None) -> Like:
        assert self.commit_gate.wait(30)
        self.committed.append(item_id)
        return Like("evt", tapped_at, page.visit_id, item_id, page.emotion, user_id)

    def learn_like(self, like: Like) -> LikeResult:
        self.learned.append(like.item_id)
        return LikeResult(like.item_id, like.event_id, False)

    def end_visit(self, visit_id: str) -> None:
        pass

    def check_catalog(self) -> int:
        assert self.catalog_gate.wait(30)  # a stat on a slow network mount
        return 1

    def moods_with_images(self) -> frozenset[Emotion]:
        return frozenset(Emotion)

    def status(self) -> dict[str, Any]:
        return {}


@pytest.fixture
def wired(qtbot: QtBot) -> Iterator[tuple[VisitController, View, GatedBackend]]:
    settings = load_settings(env={})
    view, backend = View(), GatedBackend()
    recommend, events = SerialWorker("recommend"), SerialWorker("events")
    recommend.start()
    events.start()
    controller = VisitController(settings, view, recommend, backend,  # type: ignore[arg-type]
                                 events_worker=events)
    yield controller, view, backend
    backend.page_gate.set()
    backend.commit_gate.set()
    backend.catalog_gate.set()
    controller.stop()
    recommend.stop(5.0)
    events.stop(5.0)


def _first_page(controller: VisitController, qtbot: QtBot) -> Page:
    controller.visit_id = "v1"
    controller.emotion = Emotion.HAPPY
    controller.on_next()
    qtbot.waitUntil(lambda: controller.page is not None, timeout=10000)
    assert controller.page is not None
    return controller.page


def test_like_is_recorded_while_the_recommend_worker_is_busy(
    wired: tuple[VisitController, View, GatedBackend], qtbot: QtBot
) -> None:
    """(A like on a page being replaced, after Next, is refused instead: its card could
    not say "Liked"; tests/controllers/test_page_change.py.)"""
    controller, view, backend = wired
    page = _first_page(controller, qtbot)
    backend.catalog_gate.clear()  # the recommend worker hangs on a slow catalog mount
    controller._check_catalog()
    controller.on_like(page.item_ids[0])
    qtbot.waitUntil(lambda: "show_like_confirmed" in view.names(), timeout=10000)
    assert backend.committed == [page.item_ids[0]]  # saved while the worker is stuck
    assert backend.learned == []  # learning waits its turn on the recommend thread
    backend.catalog_gate.set()
    qtbot.waitUntil(lambda: backend.learned == [page.item_ids[0]], timeout=10000)


def test_card_is_confirmed_only_after_the_commit_returns(
    wired: tuple[VisitController, View, GatedBackend], qtbot: QtBot
) -> None:
    controller, view, backend = wired
    page = _first_page(controller, qtbot)
    backend.commit_gate.clear()  # the queue is slow (a lock, a slow disk)
    controller.on_like(page.item_ids[1])
    QCoreApplication.processEvents()  # deliver anything queued: nothing may confirm yet
    assert "show_like_confirmed" not in view.names()
    backend.commit_gate.set()
    qtbot.waitUntil(lambda: "show_like_confirmed" in view.names(), timeout=10000)
    assert backend.committed == [page.item_ids[1]]


def test_queue_that_cannot_be_opened_refuses_likes_visibly(tmp_path: Path) -> None:
    blocker = tmp_path / "data"
    blocker.write_text("a file where the data folder should be")
    settings = load_settings(env={}, overrides={"app.data_dir": str(blocker),
                                                 "personalize.tracking_id": "tracker"})
    backend = KioskBackend.from_settings(settings)
    assert backend.open_events() is None
    assert "likes cannot be saved" in backend.open_error
    page = Page((Item("emotions/happy/a.jpg", Emotion.HAPPY, "x"),), Emotion.HAPPY, "v1")
    with pytest.raises(EventsError, match="likes cannot be saved"):
        backend.commit_like(page, "emotions/happy/a.jpg", 1.0, None)
    status = backend.status()
    assert "likes cannot be saved" in status.problem
    assert "event queue cannot be opened" in status.uploads_off  # not "not configured"


def test_damaged_queue_is_replaced_and_the_operator_told(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "events.sqlite3").write_bytes(b"SQLite format 3\x00" + b"\x07" * 5000)
    settings = load_settings(env={}, overrides={"app.data_dir": str(data)})
    backend = KioskBackend.from_settings(settings)
    queue = backend.open_events()
    assert queue is not None
    try:
        page = Page((Item("emotions/happy/a.jpg", Emotion.HAPPY, "x"),), Emotion.HAPPY, "v1")
        like = backend.commit_like(page, "emotions/happy/a.jpg", 1.0, None)
        assert like.item_id == "emotions/happy/a.jpg"
        assert queue.counts().pending_total == 1
        assert "moved aside" in backend.status().problem
        assert list(data.glob("events.sqlite3.damaged-*"))
    finally:
        backend.close_events()


def test_a_locked_queue_never_delays_a_page(tmp_path: Path) -> None:
    """Impressions go to the events thread (`defer_event`); the page returns at once."""
    db = tmp_path / "events.sqlite3"
    queue = EventQueue(db, busy_timeout_s=0.05, lock_wait_s=0.2)
    deferred: list[tuple[Any, ...]] = []

    class Recommender:
        def page(self, visit_id: str, emotion: Emotion, *args: Any) -> Page:
            item = Item("emotions/sad/a.jpg", emotion, "x")
            return Page((item,), emotion, visit_id, index=len(deferred) + 1)

        def image(self, item_id: str, size: tuple[int, int]) -> np.ndarray:
            return np.zeros((4, 4, 3), np.uint8)

        def impression(self, page: Page) -> None:
            pass

        def personalization_ready(self, visit_id: str) -> bool:
            return False

    backend = KioskBackend(Recommender(), queue)  # type: ignore[arg-type]
    backend.defer_event = lambda fn, *args: deferred.append((fn, *args))
    other = sqlite3.connect(db, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        backend.page(1, "v1", Emotion.SAD, None, RecommendMode.AUTO, 1)
        backend.page(2, "v1", Emotion.SAD, None, RecommendMode.AUTO, 1)  # Next: the first is left
        assert len(deferred) == 1  # handed over, not written on this thread
        fn, page = deferred[0]
        fn(page)  # on the events thread: waits within its bound, logs, never raises
        assert queue.counts().pending_total == 0
    finally:
        other.execute("ROLLBACK")
        other.close()
    # the lock outlasted its bound: the impression waits in the spool, and the next
    # write (or start) queues it
    assert queue.spool_path.is_file()
    queue.record_user("user-1", Emotion.SAD)
    assert queue.refresh_counts().pending.get("impression") == 1
    assert not queue.spool_path.exists()
    queue.close()
