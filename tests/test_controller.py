"""The visit flow (and the admin actions), with a fake view, a synchronous worker and a
fake back end."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import numpy as np
import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from kiosk.backend import LikeResult, PageResult, Thumbnail
from kiosk.camera.capture import CameraState
from kiosk.config import Settings, load_settings
from kiosk.controllers.admin import RESTART_EXIT_CODE, AdminController
from kiosk.controllers.curation import CurationController
from kiosk.controllers.seams import Backend, View
from kiosk.controllers.visit import LIKE_NOTICE_SEEN_S, NEWCOMER_WAIT_S, VisitController
from kiosk.domain import Box, Emotion, EmotionReading, Face, Item, Like, Page, RecommendMode
from kiosk.errors import DiskFullError
from kiosk.events import QueueNotOpenError, QueueReadOnlyError
from kiosk.recommend.catalog import RescanReport, SkippedFile
from kiosk.recommend.errors import CatalogError
from kiosk.status import BackendStatus, KioskStatus, QueueStatus
from kiosk.testing import FakeClock
from kiosk.vision.pipeline import TrackInfo, VisionResult

if TYPE_CHECKING:
    from kiosk.ui.main_window import MainWindow


class SyncWorker:
    """Runs jobs at once on the calling thread (Picard's FakeThreadPool idea)."""

    def submit(self, fn: Callable[..., Any], *args: Any,
               on_result: Callable[[Any], None] | None = None,
               on_error: Callable[[BaseException], None] | None = None) -> None:
        try:
            result = fn(*args)
        except Exception as exc:
            if on_error is not None:
                on_error(exc)
            return
        if on_result is not None:
            on_result(result)


class FakeBackend(Backend):
    """The controller's `Backend` over made-up items: pages count up, likes are kept in
    memory, and a visit is ready for "For you" after `ready_after` likes."""

    def __init__(self) -> None:
        self.pages: list[tuple[str, Emotion, str]] = []
        self.likes: list[tuple[str, str]] = []
        self.ended: list[str] = []
        self.discarded: list[Page] = []  # pages superseded before they were drawn
        self.fail_like: bool | Exception = False  # True: a plain OSError; or this error
        self.ready_after = 2
        self.counter = 0
        self.pending: list[str] = []  # curation keys awaiting review
        self.page_error: Exception | None = None  # raised by page() while set
        self.empty_pages = False  # page() answers with no items (an empty mood)
        self.attract_calls = 0
        self.catalog_generation = 1  # check_catalog's answer (it grows when the catalog is back)
        self.moods = frozenset(Emotion)  # moods_with_images' answer

    def attract_images(self, count: int) -> list[np.ndarray]:
        self.attract_calls += 1
        return [np.zeros((4, 4, 3), np.uint8)] * count

    def page(self, request: int, visit_id: str, emotion: Emotion, user_id: str | None,
             mode: str, page_size: int) -> PageResult:
        if self.page_error is not None:
            raise self.page_error
        self.pages.append((visit_id, emotion, mode))
        if self.empty_pages:
            return PageResult(Page((), emotion, visit_id), {}, False, request)
        items = []
        for _ in range(page_size):
            self.counter += 1
            items.append(Item(f"emotions/{emotion.folder}/{self.counter}.jpg", emotion, "x"))
        personalized = self._ready(visit_id) and mode != RecommendMode.EMOTION
        page = Page(tuple(items), emotion, visit_id, mode=RecommendMode.PERSONALIZED
                    if personalized else RecommendMode.EMOTION)
        return PageResult(page, {i.id: np.zeros((4, 4, 3), np.uint8) for i in items},
                          self._ready(visit_id), request)

    def _ready(self, visit_id: str) -> bool:
        return sum(1 for v, _ in self.likes if v == visit_id) >= self.ready_after

    def commit_like(self, page: Page, item_id: str, tapped_at: float, user_id: str | None,
                    tap_monotonic: float | None = None) -> Like:
        if isinstance(self.fail_like, Exception):
            raise self.fail_like
        if self.fail_like:
            raise OSError("database or disk is full")
        self.likes.append((page.visit_id, item_id))
        return Like("evt", tapped_at, page.visit_id, item_id, page.emotion, user_id)

    def learn_like(self, like: Like) -> LikeResult:
        return LikeResult(like.item_id, like.event_id, self._ready(like.visit_id))

    def discard_page(self, page: Page) -> None:
        self.discarded.append(page)

    def end_visit(self, visit_id: str, shown: Page | None) -> None:
        self.ended.append(visit_id)

    def check_catalog(self) -> int:
        return self.catalog_generation

    def moods_with_images(self) -> frozenset[Emotion]:
        return self.moods

    def status(self) -> BackendStatus:
        return BackendStatus(queue=QueueStatus(depth=len(self.likes), dead_letters=0))

    def rescan(self) -> RescanReport:
        return RescanReport(added=("emotions/happy/new.jpg",),
                            removed=("emotions/happy/broken-cut.jpg",), unchanged=94,
                            skipped=(SkippedFile("emotions/sad/x.gif", "unsupported"),) * 3,
                            seconds=0.0070821)

    def pending_thumbnails(self) -> list[Thumbnail]:
        return [(key, Emotion.HAPPY, np.zeros((4, 4, 3), np.uint8), f"{key}.jpg")
                for key in self.pending]

    def approve(self, key: str) -> list[Thumbnail]:
        self.pending.remove(key)
        return self.pending_thumbnails()

    def reject(self, key: str) -> list[Thumbnail]:
        self.pending.remove(key)
        return self.pending_thumbnails()


class FakeView(View):
    """The controller's `View`, recording each call as (method name, args).

    It subclasses the protocol, so mypy rejects a missing method or a wrong signature,
    and a call the protocol does not have fails with AttributeError (no catch-all)."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, tuple[Any, ...]]] = []

    def _record(self, name: str, *args: Any) -> None:
        self.calls.append((name, args))

    def show_frame(self, image_bgr: Any, boxes: list[tuple[float, float, float, float, bool]]
                   ) -> None:
        self._record("show_frame", image_bgr, boxes)

    def show_emotion(self, reading: EmotionReading | None) -> None:
        self._record("show_emotion", reading)

    def show_page_mood(self, emotion: Emotion) -> None:
        self._record("show_page_mood", emotion)

    def show_page(self, page: Page, images: dict[str, Any]) -> None:
        self._record("show_page", page, images)

    def set_mode(self, mode: RecommendMode, personalization_ready: bool) -> None:
        self._record("set_mode", mode, personalization_ready)

    def set_camera_state(self, state: CameraState, message: str) -> None:
        self._record("set_camera_state", state, message)

    def set_vision_ready(self, ready: bool) -> None:
        self._record("set_vision_ready", ready)

    def set_vision_failed(self, message: str) -> None:
        self._record("set_vision_failed", message)

    def show_attract(self, images: list[Any]) -> None:
        self._record("show_attract", images)

    def drop_attract(self) -> None:
        self._record("drop_attract")

    def wake(self) -> None:
        self._record("wake")

    def set_page_leaving(self, leaving: bool) -> None:
        self._record("set_page_leaving", leaving)

    def set_page_held(self, held: bool) -> None:
        self._record("set_page_held", held)

    def clear_page(self) -> None:
        self._record("clear_page")

    def set_moods_with_images(self, moods: frozenset[Emotion]) -> None:
        self._record("set_moods_with_images", moods)

    def show_page_not_changed(self) -> None:
        self._record("show_page_not_changed")

    def show_like_confirmed(self, item_id: str) -> None:
        self._record("show_like_confirmed", item_id)

    def show_like_failed(self, item_id: str, message: str, lasting: bool = False,
                         on_screen: bool = True) -> None:
        self._record("show_like_failed", item_id, message, lasting, on_screen)

    def clear_visitor_notice(self) -> None:
        self._record("clear_visitor_notice")

    def set_status(self, status: KioskStatus) -> None:
        self._record("set_status", status)

    def show_message(self, text: str) -> None:
        self._record("show_message", text)

    def show_operator_result(self, text: str, failed: bool) -> None:
        self._record("show_operator_result", text, failed)

    def show_curation(self, items: list[Thumbnail]) -> None:
        self._record("show_curation", items)

    def show_curation_error(self, item_id: str, message: str) -> None:
        self._record("show_curation_error", item_id, message)

    def show_waiting(self, reason: str) -> None:
        self._record("show_waiting", reason)

    def set_headline_pending(self, reason: str) -> None:
        self._record("set_headline_pending", reason)

    def open_mood_picker(self) -> None:
        self._record("open_mood_picker")

    def close_mood_picker(self) -> None:
        self._record("close_mood_picker")

    def last(self, name: str) -> tuple[Any, ...]:
        """The arguments of the last call of `name` (IndexError if it was never called)."""
        return [args for n, args in self.calls if n == name][-1]

    def count(self, name: str) -> int:
        return sum(1 for n, _ in self.calls if n == name)


Parts = tuple[VisitController, FakeView, FakeBackend, FakeClock]


def running_controller(idle_timeout_s: float = 20, backend: Any = None) -> Iterator[Parts]:
    """The body of a `parts` fixture: a started `VisitController` on a `FakeView`, a
    `FakeBackend` (or `backend`) and a `FakeClock`, stopped after the test."""
    settings = load_settings(env={}, overrides={"app.idle_timeout_s": str(idle_timeout_s)})
    view, clock = FakeView(), FakeClock()
    backend = backend if backend is not None else FakeBackend()
    controller = VisitController(settings, view, SyncWorker(), backend, clock=clock)
    controller.start()
    yield controller, view, backend, clock
    controller.stop()
"""What the `parts` fixture yields."""


def reading(emotion: Emotion, confidence: float = 0.9) -> EmotionReading:
    return EmotionReading(emotion, confidence, {emotion: confidence})


def result(visit: str | None, emotion: Emotion | None, *, started: bool = False,
           ended: str | None = None, face: bool = True, returning: bool = False,
           someone_else: bool = False) -> VisionResult:
    box = Box(100, 100, 200, 200)
    return VisionResult(
        frame_seq=1, timestamp=0.0,
        faces=(Face(box, 0.99),) if face else (),
        tracks=(TrackInfo(1, box),) if face else (),
        primary_track_id=1 if face else None, primary_box=box if face else None,
        reading=reading(emotion) if emotion else None, raw_reading=None, uncertain=False,
        visit_id=visit, visit_started=started, visit_ended=ended is not None,
        ended_visit_id=ended, returning=returning, someone_else=someone_else,
    )


@pytest.fixture
def settings() -> Settings:
    return load_settings(env={}, overrides={"app.idle_timeout_s": "10"})


@pytest.fixture
def parts(qtbot: QtBot, settings: Settings) -> Iterator[Parts]:
    view, backend, clock = FakeView(), FakeBackend(), FakeClock()
    controller = VisitController(settings, view, SyncWorker(), backend,
                                 clock=clock)
    controller.start()
    yield controller, view, backend, clock
    controller.stop()


def test_starts_in_attract_with_catalog_images(parts: Parts) -> None:
    controller, view, _, _ = parts
    assert controller.attract
    assert len(view.last("show_attract")[0]) == 8


def test_the_attract_images_are_let_go_during_a_visit_and_back_before_it_ends(
        parts: Parts) -> None:
    """A visit's pages are decoded without the slideshow's 8 images held beside them
    (9.4 MB for the demo catalog); they are fetched again `ATTRACT_PREFETCH_S` before
    the idle timeout, so the attract screen shows slides at once. Old code kept them."""
    from kiosk.controllers.visit import ATTRACT_PREFETCH_S

    controller, view, backend, clock = parts
    assert backend.attract_calls == 1 and len(controller._attract_images) == 8
    controller.on_vision_result(result("v1", Emotion.HAPPY, started=True))
    assert not controller.attract and view.count("drop_attract") == 1
    assert controller._attract_images == []
    idle = controller.settings.app.idle_timeout_s
    clock.now += idle - ATTRACT_PREFETCH_S - 0.5  # nobody in view since
    controller._check_idle()
    assert backend.attract_calls == 1  # not yet
    clock.now += 1.0
    controller._check_idle()
    assert backend.attract_calls == 2 and len(controller._attract_images) == 8
    assert not controller.attract
    clock.now += ATTRACT_PREFETCH_S
    controller._check_idle()
    assert controller.attract and len(view.last("show_attract")[0]) == 8
    assert backend.attract_calls == 2  # the prefetched ones, not another decode


def test_attract_images_that_come_during_a_visit_are_not_kept(parts: Parts) -> None:
    controller, view, backend, _ = parts
    controller.on_vision_result(result("v1", Emotion.HAPPY, started=True))
    shown = view.count("show_attract")
    controller._on_attract_images(backend.attract_images(8))  # e.g. the start-up's, late
    assert controller._attract_images == []
    assert view.count("show_attract") == shown


class QueuedWorker:
    """Keeps jobs until `run()`, as the recommend worker does while it is busy (a
    first start's catalog indexing holds it for seconds); a job's error goes to its
    `on_error`, as the real worker sends it."""

    def __init__(self) -> None:
        self.jobs: list[tuple[Callable[[], Any], Callable[[Any], None] | None,
                              Callable[[BaseException], None] | None]] = []

    def submit(self, fn: Callable[..., Any], *args: Any,
               on_result: Callable[[Any], None] | None = None,
               on_error: Callable[[BaseException], None] | None = None) -> None:
        self.jobs.append((functools.partial(fn, *args), on_result, on_error))

    def run(self) -> None:
        while self.jobs:
            self.run_one()

    def run_one(self) -> None:
        fn, on_result, on_error = self.jobs.pop(0)
        try:
            value = fn()
        except Exception as exc:
            if on_error is None:
                raise
            on_error(exc)
            return
        if on_result is not None:
            on_result(value)


def test_a_queued_attract_fetch_is_not_decoded_once_a_visit_began(
        qtbot: QtBot, settings: Settings) -> None:
    """On a first start the start-up's attract fetch waits behind the catalog indexing;
    a visitor who woke the screen meanwhile does not see the slideshow, so its 8 images
    are not decoded (they raised the start's peak memory by about 8 MB as the first
    pages were made). Old code decoded them and threw them away. Before the visit ends
    they are fetched, and decoded, again."""
    from kiosk.controllers.visit import ATTRACT_PREFETCH_S

    view, backend, clock, worker = FakeView(), FakeBackend(), FakeClock(), QueuedWorker()
    controller = VisitController(settings, view, worker, backend, clock=clock)
    controller.start()
    try:
        assert len(worker.jobs) == 1  # the start-up's attract fetch, queued
        controller.on_vision_result(result("v1", Emotion.HAPPY, started=True))
        assert not controller.attract
        worker.run()
        assert backend.attract_calls == 0 and controller._attract_images == []
        assert view.last("show_page")[0].emotion is Emotion.HAPPY  # the page still came
        clock.now += settings.app.idle_timeout_s - ATTRACT_PREFETCH_S + 0.5
        controller._check_idle()  # the prefetch before the visit ends is decoded
        worker.run()
        assert backend.attract_calls == 1 and len(controller._attract_images) == 8
    finally:
        controller.stop()


def test_a_skipped_attract_fetch_is_asked_again_when_the_attract_screen_is_back(
        qtbot: QtBot, settings: Settings) -> None:
    """A visit that began and ended while the fetch waited: the slideshow gets images."""
    view, backend, clock, worker = FakeView(), FakeBackend(), FakeClock(), QueuedWorker()
    controller = VisitController(settings, view, worker, backend, clock=clock)
    controller.start()
    try:
        controller.on_vision_result(result("v1", None, started=True))
        clock.now += settings.app.idle_timeout_s + 1
        controller._check_idle()
        assert controller.attract
        worker.run()
        assert backend.attract_calls == 1
        assert len(view.last("show_attract")[0]) == 8
    finally:
        controller.stop()


def test_visitor_arrives_emotion_settles_grid_fills(parts: Parts) -> None:
    controller, view, backend, _ = parts
    controller.on_vision_result(result("v1", None, started=True))
    assert view.count("wake") == 1 and not controller.attract
    assert backend.pages == []  # no emotion yet, no page
    controller.on_vision_result(result("v1", Emotion.HAPPY))
    assert backend.pages == [("v1", Emotion.HAPPY, "auto")]
    page = view.last("show_page")[0]
    assert page.emotion is Emotion.HAPPY and len(page.items) == 3
    # the same emotion again does not re-rank
    controller.on_vision_result(result("v1", Emotion.HAPPY))
    assert len(backend.pages) == 1
    # a real change does
    controller.on_vision_result(result("v1", Emotion.SAD))
    assert backend.pages[-1] == ("v1", Emotion.SAD, "auto")


def test_next_pages_and_like_counts_once(parts: Parts) -> None:
    controller, view, backend, _ = parts
    controller.on_vision_result(result("v1", Emotion.CALM, started=True))
    first = view.last("show_page")[0]
    controller.on_next()
    second = view.last("show_page")[0]
    assert set(first.item_ids).isdisjoint(second.item_ids)
    item = second.item_ids[0]
    controller.on_like(item)
    controller.on_like(item)  # double tap
    assert backend.likes == [("v1", item)]
    assert view.last("show_like_confirmed") == (item,)
    controller.on_like("emotions/calm/not-on-screen.jpg")
    assert len(backend.likes) == 1


def test_personalization_switches_mode_when_ready(parts: Parts) -> None:
    controller, view, backend, _ = parts
    controller.on_vision_result(result("v1", Emotion.HAPPY, started=True))
    page = view.last("show_page")[0]
    controller.on_like(page.item_ids[0])
    assert view.last("set_mode") == ("emotion", False)
    controller.on_like(page.item_ids[1])
    assert view.last("set_mode") == ("emotion", True)  # ready: the next page is "For you"
    controller.on_next()
    assert view.last("show_page")[0].mode == "personalized"
    assert view.last("set_mode") == ("personalized", True)
    controller.on_mode("emotion")  # forced
    assert backend.pages[-1][2] == "emotion"
    assert view.last("set_mode")[0] == "emotion"


def test_failed_like_is_reported_and_can_be_retried(parts: Parts) -> None:
    controller, view, backend, _ = parts
    controller.on_vision_result(result("v1", Emotion.HAPPY, started=True))
    item = view.last("show_page")[0].item_ids[0]
    backend.fail_like = True
    controller.on_like(item)
    assert view.last("show_like_failed")[0] == item
    assert "disk is full" in view.last("show_like_failed")[1]
    assert view.last("show_like_failed")[2] is False  # may pass: "Please try again"
    backend.fail_like = False
    controller.on_like(item)
    assert backend.likes == [("v1", item)]


@pytest.mark.parametrize("error", [
    DiskFullError("/data/events.sqlite3", "save to the event queue"),
    QueueReadOnlyError("the event queue /data/events.sqlite3 is read-only"),
    QueueNotOpenError("likes cannot be saved: the event queue cannot be opened (newer)"),
], ids=["disk full", "read-only", "never opened"])
def test_a_like_that_no_retry_can_save_is_reported_as_lasting(
        parts: Parts, error: Exception) -> None:
    """A full disk or a read-only queue fails every retry: the view is told it lasts (it
    then says "Likes can't be saved right now", not "try again"). Old code: no such flag."""
    controller, view, backend, _ = parts
    controller.on_vision_result(result("v1", Emotion.HAPPY, started=True))
    item = view.last("show_page")[0].item_ids[0]
    backend.fail_like = error
    controller.on_like(item)
    assert view.last("show_like_failed") == (item, str(error), True, True)


def test_a_like_answer_after_its_visit_ended_is_not_shown_to_the_next_person(
        qtbot: QtBot, settings: Settings) -> None:
    """The like's commit comes back (failed, or saved) after a newcomer took the
    visitor's place: the newcomer reads no "Your like could not be saved" and sees no
    "Liked" on their own card of that image. Old code showed both on their screen."""
    view, backend, clock, events = FakeView(), FakeBackend(), FakeClock(), QueuedWorker()
    controller = VisitController(settings, view, SyncWorker(), backend, clock=clock,
                                 events_worker=events)
    controller.start()
    try:
        controller.on_vision_result(result("v1", Emotion.HAPPY, started=True))
        first = view.last("show_page")[0].item_ids
        controller.on_like(first[0])  # both answered only once the newcomer is here
        controller.on_like(first[1])
        controller._next_person("v2")
        clock.now += NEWCOMER_WAIT_S  # the newcomer waited for their answers in vain
        controller._check_held_switch()
        controller.on_vision_result(result("v2", Emotion.HAPPY))
        assert controller.visit_id not in (None, "v1") and controller.page is not None
        backend.fail_like = True  # a read-only data disk
        events.run_one()
        backend.fail_like = False
        events.run_one()  # saved, but after its visit ended
        assert view.count("show_like_failed") == 0
        assert view.count("show_like_confirmed") == 0
    finally:
        controller.stop()


def test_a_visitor_notice_is_cleared_when_the_next_person_comes(on_screen: OnScreen) -> None:
    """Read-only data disk: "Your like could not be saved. Please try again." is for the
    visitor who tapped; a newcomer stepping into their place (and the attract screen)
    does not read it. Old code left the toast up for its 3.5 s."""
    from kiosk.ui import notices

    controller, window, backend, clock = on_screen
    controller.on_vision_result(result("v1", Emotion.HAPPY, started=True))
    page = controller.page
    assert page is not None
    backend.fail_like = True
    controller.on_like(page.item_ids[0])
    assert window.toast.isVisible() and window.toast.text() == notices.like_not_saved()
    controller._next_person("v2")
    assert window.toast.isVisible()  # the tapper reads it first (`LIKE_NOTICE_SEEN_S`)
    clock.now += LIKE_NOTICE_SEEN_S
    controller._check_held_switch()
    assert not window.toast.isVisible()
    controller.on_like(page.item_ids[0])  # ignored: not on screen any more
    controller.on_vision_result(result("v2", Emotion.SAD))
    assert controller.page is not None
    controller.on_like(controller.page.item_ids[0])
    assert window.toast.isVisible()  # the newcomer's own failure is theirs to read
    controller._enter_attract()  # idle: the attract screen
    assert window.current_screen() == "attract" and not window.toast.isVisible()


def test_visitor_leaves_then_attract_after_idle(parts: Parts) -> None:
    controller, view, backend, clock = parts
    controller.on_vision_result(result("v1", Emotion.HAPPY, started=True))
    controller.on_vision_result(result(None, None, ended="v1", face=False))
    assert backend.ended == []  # gone from view is not gone: the visit waits for idle
    assert controller.visit_id == "v1" and not controller.attract
    clock.now += 9
    controller._check_idle()
    assert not controller.attract
    clock.now += 2
    controller._check_idle()
    assert controller.attract
    assert backend.ended == ["v1"] and controller.visit_id is None
    assert view.last("show_emotion") == (None,)
    # a new visitor gets a new visit and a fresh ranking
    controller.on_vision_result(result("v2", Emotion.HAPPY, started=True))
    assert backend.pages[-1][0] == "v2"


def test_a_shopper_who_steps_away_briefly_keeps_the_visit_likes_and_for_you(
    parts: Parts,
) -> None:
    """Vision's face grace (3 s) runs out while the shopper steps back for 5 s: the
    visit, its likes and "For you" stay; only idle_timeout_s with nobody ends it."""
    controller, view, backend, clock = parts
    controller.on_vision_result(result("v1", Emotion.HAPPY, started=True))
    page = view.last("show_page")[0]
    controller.on_like(page.item_ids[0])
    controller.on_like(page.item_ids[1])
    assert view.last("set_mode") == ("emotion", True)
    clock.now += 1
    controller.on_vision_result(result("v1", None, face=False))
    clock.now += 3
    controller.on_vision_result(result(None, None, ended="v1", face=False))
    clock.now += 2
    controller._check_idle()
    # back, read afresh; vision: the face looks like theirs before the gap
    controller.on_vision_result(result("v2", None, started=True, returning=True))
    controller.on_vision_result(result("v2", Emotion.HAPPY))
    assert controller.visit_id == "v1" and backend.ended == []
    controller.on_like(page.item_ids[0])  # still counted once
    assert len(backend.likes) == 2
    controller.on_next()
    assert backend.pages[-1][0] == "v1"
    assert view.last("show_page")[0].mode == "personalized"
    # a touch keeps the visit while the face is out of view
    controller.on_vision_result(result(None, None, ended="v2", face=False))
    for _ in range(3):
        clock.now += 8
        controller.on_user_activity()
        controller._check_idle()
    assert controller.visit_id == "v1"
    clock.now += 10
    controller._check_idle()
    assert controller.attract and backend.ended == ["v1"]


def test_face_leaving_clears_the_box_and_the_card_says_looking(
    qtbot: QtBot, settings: Settings,
) -> None:
    from kiosk.domain import Frame

    seq = iter(range(1, 100))
    view = FakeView()
    controller = VisitController(
        settings, view, SyncWorker(), FakeBackend(),
        latest_frame=lambda: Frame(np.zeros((4, 4, 3), np.uint8), seq=next(seq), timestamp=0.0),
    )
    controller.on_vision_result(result("v1", Emotion.SAD, started=True))
    controller._show_preview()
    assert len(view.last("show_frame")[1]) == 1
    shown = view.count("show_emotion")
    # the face is gone, but vision still holds the smoothed reading (its grace)
    gone = result("v1", Emotion.SAD, face=False)
    controller.on_vision_result(gone)
    controller.on_vision_result(gone)
    controller._show_preview()
    assert view.last("show_frame")[1] == []
    assert [args for n, args in view.calls if n == "show_emotion"][shown:] == [(None,)]
    controller.on_vision_result(result("v1", Emotion.SAD))  # back within the grace
    assert view.last("show_emotion")[0].emotion is Emotion.SAD


def test_next_with_no_mood_yet_opens_the_mood_picker(parts: Parts) -> None:
    controller, view, backend, _ = parts
    controller.on_user_activity()  # woken by a touch, nobody in view
    assert not controller.attract
    controller.on_next()
    assert view.count("open_mood_picker") == 1 and backend.pages == []


def test_a_wait_that_lasts_explains_itself(parts: Parts) -> None:
    controller, view, _, clock = parts
    controller.on_user_activity()
    clock.now += 2
    controller._check_idle()
    assert view.count("show_waiting") == 0  # a moment of "Finding images" is fine
    clock.now += 3
    controller._check_idle()
    assert view.last("show_waiting") == ("no_face",)
    controller.on_vision_result(result("v1", None, started=True))
    controller._check_idle()
    assert view.last("show_waiting") == ("unsure",)
    controller.on_vision_result(result("v1", Emotion.CALM))
    assert view.last("show_waiting") == ("",) and controller.page is not None


def test_a_page_that_fails_says_why_and_next_retries(parts: Parts) -> None:
    controller, view, backend, _ = parts
    backend.page_error = OSError("catalog folder unreadable")
    controller.on_mood_picked("CALM")
    assert controller.page is None
    assert view.last("show_waiting") == ("failed",)
    backend.page_error = None
    controller.on_next()
    assert controller.page is not None and controller.page.emotion is Emotion.CALM
    assert view.last("show_waiting") == ("",)


def test_a_known_page_error_is_logged_once_not_on_every_next(
        parts: Parts, caplog: pytest.LogCaptureFixture) -> None:
    controller, view, backend, _ = parts
    caplog.set_level(logging.DEBUG, logger="kiosk.controllers.visit")
    backend.page_error = CatalogError("catalog folder /tmp/nocat does not exist; "
                                      "set recommend.catalog_dir to a folder")
    controller.on_mood_picked("CALM")
    for _ in range(3):
        controller.on_next()
    assert view.last("show_waiting") == ("failed",)  # the visitor text is unchanged
    visit = [r for r in caplog.records if r.name == "kiosk.controllers.visit"
             and r.levelno >= logging.WARNING]
    # one line (the worker logs the ERROR itself), no traceback, not one per Next
    assert [(r.levelno, "does not exist" in r.getMessage(), r.exc_info) for r in visit] == [
        (logging.WARNING, True, None)]
    # an unexpected failure is an ERROR here; after a page that worked, a relapse is news
    backend.page_error = OSError("catalog folder unreadable")
    controller.on_next()
    backend.page_error = None
    controller.on_next()
    backend.page_error = OSError("catalog folder unreadable")
    controller.on_next()
    errors = [r.getMessage() for r in caplog.records if r.name == "kiosk.controllers.visit"
              and r.levelno >= logging.ERROR]
    assert errors == ["no page for CALM: catalog folder unreadable"] * 2


def test_a_mood_with_no_images_says_so_instead_of_an_empty_grid(parts: Parts) -> None:
    controller, view, backend, _ = parts
    backend.empty_pages = True
    controller.on_mood_picked("DISGUSTED")
    assert view.count("show_page") == 0 and controller.page is None
    assert view.last("show_waiting") == ("failed",)
    backend.empty_pages = False
    controller.on_mood_picked("CALM")
    assert controller.page is not None and view.last("show_waiting") == ("",)


OnScreen = tuple[VisitController, "MainWindow", FakeBackend, FakeClock]
"""What the `on_screen` fixture yields: the controller driving the real window."""


@pytest.fixture
def on_screen(qtbot: QtBot, settings: Settings) -> Iterator[OnScreen]:
    """The controller driving the real window (through the real adapter)."""
    from kiosk.ui.adapter import ViewAdapter
    from kiosk.ui.main_window import MainWindow

    window = MainWindow.from_settings(settings, touch_settle_s=0.0)  # taps at once
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    qtbot.waitExposed(window)
    backend, clock = FakeBackend(), FakeClock()
    controller = VisitController(settings, ViewAdapter(window), SyncWorker(),
                                 backend, clock=clock)
    for signal, slot in ((window.next_requested, controller.on_next),
                         (window.like_requested, controller.on_like),
                         (window.mode_requested, controller.on_mode),
                         (window.mood_picked, controller.on_mood_picked)):
        signal.connect(slot)  # as kiosk.app wires them
    controller.start()
    controller.on_camera_state("LIVE", "")
    yield controller, window, backend, clock
    controller.stop()
    window.main.stop_animations()
    window.attract.stop()
    window.close()


def test_on_screen_nobody_in_view_is_explained_and_next_reaches_a_page(on_screen: OnScreen,
                                                                         qtbot: QtBot) -> None:
    controller, window, _, clock = on_screen
    controller.on_user_activity()  # the tap on attract that woke the kiosk
    assert window.current_screen() == "main"
    assert window.main.headline.text() == "Finding images for you…"
    clock.now += 5
    controller._check_idle()
    assert window.main.headline.text() != "Finding images for you…"
    assert "Choose my mood" in window.main.subline.text()
    qtbot.mouseClick(window.main.next_button, Qt.MouseButton.LeftButton)
    assert window.current_screen() == "mood"
    qtbot.mouseClick(window.mood.tile(Emotion.CALM), Qt.MouseButton.LeftButton)
    assert window.current_screen() == "main"
    assert controller.page is not None and window.main.page() is controller.page


def test_on_screen_a_for_you_page_says_which_mood_it_answers(on_screen: OnScreen) -> None:
    controller, window, backend, _ = on_screen
    controller.on_vision_result(result("v1", Emotion.HAPPY, started=True))
    page = controller.page
    assert page is not None
    controller.on_like(page.item_ids[0])
    controller.on_like(page.item_ids[1])
    controller.on_mode("personalized")
    assert controller.page is not None and controller.page.mode == "personalized"
    assert window.main.headline.text() == "For you · Happy"
    controller.on_mood_picked("SAD")
    assert backend.pages[-1] == ("v1", Emotion.SAD, "personalized")
    assert controller.page is not None and controller.page.emotion is Emotion.SAD
    assert controller.page.mode == "personalized"
    assert window.main.headline.text() == "For you · Sad"


def test_the_next_visitor_starts_with_for_you_locked_and_the_default_mode(parts: Parts) -> None:
    controller, view, backend, clock = parts
    controller.on_vision_result(result("v1", Emotion.HAPPY, started=True))
    page = view.last("show_page")[0]
    controller.on_like(page.item_ids[0])
    controller.on_like(page.item_ids[1])
    controller.on_mode("personalized")
    assert view.last("set_mode") == ("personalized", True)
    controller.on_vision_result(result(None, None, ended="v1", face=False))
    clock.now += 11
    controller._check_idle()
    assert controller.attract
    assert view.last("set_mode") == ("emotion", False)  # locked again, shown as such
    controller.on_vision_result(result("v2", Emotion.CALM, started=True))
    assert backend.pages[-1] == ("v2", Emotion.CALM, "auto")


def test_touch_keeps_the_visit_alive(parts: Parts) -> None:
    controller, _, _, clock = parts
    controller.on_mood_picked("SAD")
    for _ in range(5):
        clock.now += 8
        controller.on_user_activity()
        controller._check_idle()
    assert not controller.attract


def test_camera_lost_and_mood_picker_drives_recommendations(parts: Parts) -> None:
    controller, view, backend, _ = parts
    controller.on_camera_state("LOST", "camera 0 not found")
    assert view.last("set_camera_state") == ("LOST", "camera 0 not found")
    controller.on_mood_picked("surprised")
    assert backend.pages[-1][1] is Emotion.SURPRISED
    assert view.last("show_emotion")[0].source == "manual"
    # camera emotions don't override a mood picked by hand during that visit
    controller.on_vision_result(result("v9", Emotion.ANGRY, started=True))
    assert backend.pages[-1][1] is Emotion.SURPRISED


def test_stale_page_is_dropped(parts: Parts) -> None:
    controller, view, _, _ = parts
    controller.on_vision_result(result("v1", Emotion.HAPPY, started=True))
    shown = view.count("show_page")
    stale = PageResult(Page((), Emotion.HAPPY, "v1"), {}, False, request=-5)
    controller._on_page(stale)
    assert view.count("show_page") == shown


def test_admin_actions(parts: Parts, qtbot: QtBot) -> None:
    _, view, backend, _ = parts
    curation = CurationController(view, SyncWorker(), backend)
    admin = AdminController(view, SyncWorker(), backend, curation=curation)
    with qtbot.waitSignal(admin.exit_requested) as blocker:
        admin.on_admin_action("restart")
    assert blocker.args == [RESTART_EXIT_CODE]
    admin.on_admin_action("reload_catalog")
    assert "1 added" in view.last("show_operator_result")[0]
    admin.refresh_status()
    assert view.last("set_status")[0].as_dict()["queue_depth"] == len(backend.likes)


def test_preview_shows_only_new_frames(qtbot: QtBot, settings: Settings) -> None:
    from kiosk.domain import Frame

    frames = [Frame(np.zeros((4, 4, 3), np.uint8), seq=1, timestamp=0.0)]
    view = FakeView()
    controller = VisitController(settings, view, SyncWorker(), FakeBackend(),
                                 latest_frame=lambda: frames[-1])
    controller._show_preview()
    controller._show_preview()
    assert view.count("show_frame") == 1
    frames.append(Frame(np.zeros((4, 4, 3), np.uint8), seq=2, timestamp=0.1))
    controller._show_preview()
    assert view.count("show_frame") == 2


def test_a_liked_image_that_comes_back_says_liked_and_a_tap_on_it_resolves(parts: Parts) -> None:
    """A new mood ranks afresh, so an image liked earlier in the visit can come back:
    its card is shown "Liked", and a tap on it is answered (the card said "Saving…"
    until the controller confirms) without counting the like twice."""
    controller, view, backend, _ = parts
    controller.on_vision_result(result("v1", Emotion.HAPPY, started=True))
    item = view.last("show_page")[0].item_ids[0]
    controller.on_like(item)
    assert backend.likes == [("v1", item)]
    # the next page shows the same image again (as a fresh ranking may)
    backend.counter = 0
    controller.on_next()
    assert item in view.last("show_page")[0].item_ids
    after_page = [args for name, args in view.calls if name == "show_like_confirmed"]
    assert after_page[-1] == (item,)
    calls = len(view.calls)
    controller.on_like(item)  # the shopper taps its heart
    assert view.calls[calls:] == [("show_like_confirmed", (item,))]
    assert backend.likes == [("v1", item)]  # still counted once


def test_likes_of_a_past_visit_are_not_shown_as_liked(parts: Parts) -> None:
    controller, view, backend, clock = parts
    controller.on_vision_result(result("v1", Emotion.HAPPY, started=True))
    item = view.last("show_page")[0].item_ids[0]
    controller.on_like(item)
    controller.on_vision_result(result(None, None, ended="v1", face=False))
    clock.now += 11
    controller._check_idle()  # the visit ends after the idle timeout
    assert controller.visit_id is None
    backend.counter = 0
    controller.on_vision_result(result("v2", Emotion.HAPPY, started=True))
    assert item in view.last("show_page")[0].item_ids
    shown = len([c for c in view.calls if c[0] == "show_like_confirmed"])
    assert shown == 1  # only the first visit's own confirmation
    controller.on_like(item)  # a new visitor's like is a new like
    assert backend.likes == [("v1", item), ("v2", item)]


def test_the_catalog_coming_back_refills_the_screens_without_a_touch(parts: Parts) -> None:
    controller, view, backend, clock = parts
    assert controller.catalog_timer.isActive()
    shown = view.count("show_attract")
    controller._check_catalog()  # the first answer: start-up's own images are on screen
    assert view.count("show_attract") == shown and backend.attract_calls == 1
    # the catalog folder is missing: no page for the visitor who picked a mood
    backend.page_error = CatalogError("catalog folder /media/usb does not exist")
    controller.on_mood_picked("CALM")
    assert controller.page is None and view.last("show_waiting") == ("failed",)
    controller._check_catalog()  # nothing new: nothing asked again
    assert len(backend.pages) == 0 and backend.attract_calls == 1
    # it is mounted: the back end's next check opens it (its generation moves on)
    backend.page_error = None
    backend.catalog_generation = 2
    controller._check_catalog()
    assert controller.page is not None and controller.page.emotion is Emotion.CALM
    assert view.last("show_waiting") == ("",)
    # the attract images are not needed during the visit: fetched afresh before it ends
    assert len(backend.pages) == 1 and backend.attract_calls == 1
    controller._check_catalog()  # once only
    assert len(backend.pages) == 1 and backend.attract_calls == 1
    clock.now += controller.settings.app.idle_timeout_s
    controller._check_idle()
    assert controller.attract and backend.attract_calls == 2
    assert len(view.last("show_attract")[0]) == 8
