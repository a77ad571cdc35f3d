"""A mood picked by hand belongs to the person who picked it: it holds while their
face stays (or nobody is seen), and a newcomer's mood is read by the camera again."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import pytest
from pytestqt.qtbot import QtBot

from kiosk.config import load_settings
from kiosk.controllers.visit import MANUAL_ADOPT_S, VisitController
from kiosk.domain import Emotion
from kiosk.testing import FakeClock
from kiosk.vision.pipeline import VisionResult
from tests.test_controller import FakeBackend, FakeView, Parts, SyncWorker, result


@pytest.fixture
def parts(qtbot: QtBot) -> Iterator[Parts]:
    """The tester's kiosk: a visit lasts 2 min 40 s after the last sign of anyone."""
    settings = load_settings(env={}, overrides={"app.idle_timeout_s": "160"})
    view, backend, clock = FakeView(), FakeBackend(), FakeClock()
    controller = VisitController(settings, view, SyncWorker(), backend, clock=clock)
    controller.start()
    yield controller, view, backend, clock
    controller.stop()


def test_a_newcomer_after_a_picked_mood_is_read_by_the_camera(parts: Parts) -> None:
    """The tester's case: A's face is in view, A picks Sad, A leaves (vision ends A's
    visit), B arrives: B's camera reading drives the page, not A's choice."""
    controller, view, backend, clock = parts
    controller.on_vision_result(result("a", Emotion.HAPPY, started=True))
    controller.on_mood_picked("SAD")
    assert backend.pages[-1][1] is Emotion.SAD
    controller.on_vision_result(result("a", Emotion.HAPPY))  # A still there: A's choice holds
    assert backend.pages[-1][1] is Emotion.SAD and controller.manual
    clock.now += 4
    controller.on_vision_result(result(None, None, ended="a", face=False))
    clock.now += 30
    controller._check_idle()
    controller.on_vision_result(result("b", None, started=True))
    assert controller.visit_id is not None and not controller.manual
    assert view.last("show_emotion") == (None,)  # not A's "Your choice"
    controller.on_next()  # no mood of B's yet: the picker, not a page of A's mood
    assert view.count("open_mood_picker") == 1 and backend.pages[-1][1] is Emotion.SAD
    controller.on_vision_result(result("b", Emotion.ANGRY))
    assert backend.pages[-1][1] is Emotion.ANGRY
    assert view.last("show_emotion")[0].source != "manual"


def test_a_newcomer_with_the_same_mood_gets_a_page_of_their_own(parts: Parts) -> None:
    controller, _, backend, clock = parts
    controller.on_vision_result(result("a", None, started=True))
    controller.on_mood_picked("CALM")
    controller.on_vision_result(result(None, None, ended="a", face=False))
    clock.now += 30
    controller.on_vision_result(result("b", Emotion.CALM, started=True))
    assert len(backend.pages) == 2 and backend.pages[-1][1] is Emotion.CALM
    assert not controller.manual


def test_the_picker_keeps_their_choice_while_their_face_stays(parts: Parts) -> None:
    controller, view, backend, clock = parts
    controller.on_vision_result(result("a", Emotion.HAPPY, started=True))
    controller.on_mood_picked("SAD")
    for _ in range(10):
        clock.now += 20
        controller.on_vision_result(result("a", Emotion.ANGRY))
        controller.on_vision_result(result("a", None, face=False))  # a blink of no face
    assert controller.manual and backend.pages[-1][1] is Emotion.SAD
    assert view.last("show_emotion")[0].source == "manual"


def test_the_picker_nobody_can_see_keeps_their_choice(parts: Parts) -> None:
    """The camera cannot see them (lost, or no face found): the choice holds; when it
    sees a face soon after their touch, that face is theirs, and holds it too."""
    controller, _, backend, clock = parts
    controller.on_camera_state("LOST", "camera 0 not found")
    controller.on_mood_picked("SURPRISED")
    for _ in range(5):
        clock.now += 8
        controller.on_vision_result(result(None, None, face=False))
        controller.on_next()
    assert controller.manual and backend.pages[-1][1] is Emotion.SURPRISED
    clock.now += MANUAL_ADOPT_S - 1
    controller.on_vision_result(result("v9", Emotion.ANGRY, started=True))
    controller.on_vision_result(result("v9", Emotion.ANGRY))
    assert controller.manual and backend.pages[-1][1] is Emotion.SURPRISED
    # ... and when that face leaves and another arrives, the camera reads the newcomer
    controller.on_vision_result(result(None, None, ended="v9", face=False))
    controller.on_vision_result(result("v10", Emotion.ANGRY, started=True))
    assert not controller.manual and backend.pages[-1][1] is Emotion.ANGRY


def test_a_face_long_after_an_unseen_pick_is_a_newcomer(parts: Parts) -> None:
    controller, _, backend, clock = parts
    controller.on_user_activity()
    controller.on_mood_picked("SAD")
    clock.now += MANUAL_ADOPT_S + 1
    controller._check_idle()
    assert controller.visit_id is not None  # the visit itself goes on until idle
    controller.on_vision_result(result("b", Emotion.HAPPY, started=True))
    assert not controller.manual and backend.pages[-1][1] is Emotion.HAPPY


def swapped(visit: str, emotion: Emotion | None) -> VisionResult:
    """A frame in which another person took the primary's place, no empty frame
    between them: vision's visit goes on (`VisionResult.new_person`)."""
    return replace(result(visit, emotion), new_person=True)


def test_a_newcomer_stepping_straight_in_is_read_by_the_camera(parts: Parts) -> None:
    """The tester's video: A in view picks Sad; B steps straight into A's place (no
    empty frame, so vision's visit goes on): B's own mood drives the page, not A's
    "Sad · Your choice". Old code kept Sad for B's whole 40 s."""
    controller, view, backend, clock = parts
    controller.on_vision_result(result("a", Emotion.HAPPY, started=True))
    controller.on_mood_picked("SAD")
    for _ in range(5):
        clock.now += 5
        controller.on_vision_result(result("a", Emotion.CALM))  # A stays: A's choice
    assert controller.manual and backend.pages[-1][1] is Emotion.SAD
    controller.on_vision_result(swapped("a", None))  # B's fresh smoother: no mood yet
    assert not controller.manual and controller.emotion is None
    assert view.last("show_emotion") == (None,)  # not A's "Your choice"
    controller.on_next()  # no mood of B's yet: the picker, not another page of Sad
    assert view.count("open_mood_picker") == 1 and backend.pages[-1][1] is Emotion.SAD
    clock.now += 1
    controller.on_vision_result(result("a", Emotion.HAPPY))
    assert backend.pages[-1][1] is Emotion.HAPPY
    assert view.last("show_emotion")[0].source != "manual"
    assert controller.visit_id is not None  # one visit all along (pages, likes stay)


def test_a_newcomer_who_picks_keeps_their_own_choice(parts: Parts) -> None:
    """B stepped straight in after A's pick, and picks for themselves: B's choice holds
    while B stays; a third person stepping straight in is read by the camera again."""
    controller, _, backend, clock = parts
    controller.on_vision_result(result("a", None, started=True))
    controller.on_mood_picked("SAD")
    controller.on_vision_result(swapped("a", Emotion.ANGRY))
    assert not controller.manual and backend.pages[-1][1] is Emotion.ANGRY
    controller.on_mood_picked("CALM")
    for _ in range(5):
        clock.now += 5
        controller.on_vision_result(result("a", Emotion.ANGRY))
    assert controller.manual and backend.pages[-1][1] is Emotion.CALM
    controller.on_vision_result(swapped("a", Emotion.SURPRISED))
    assert not controller.manual and backend.pages[-1][1] is Emotion.SURPRISED


def test_a_switch_without_a_pick_leaves_the_camera_visit_alone(parts: Parts) -> None:
    controller, view, backend, _ = parts
    controller.on_vision_result(result("a", Emotion.HAPPY, started=True))
    visit = controller.visit_id
    controller.on_vision_result(swapped("a", Emotion.SAD))
    assert controller.visit_id == visit and not controller.manual
    assert backend.pages[-1][1] is Emotion.SAD
    assert view.last("show_emotion")[0].emotion is Emotion.SAD
