"""A mood picked by hand belongs to the person who picked it: it holds while their
face stays (or nobody is seen), and a newcomer's mood is read by the camera again."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import pytest
from pytestqt.qtbot import QtBot

from kiosk.controllers.visit import MANUAL_ADOPT_S
from kiosk.domain import Emotion, RecommendMode
from kiosk.vision.pipeline import VisionResult
from tests.test_controller import (
    Parts,
    result,
    running_controller,
)


@pytest.fixture
def parts(qtbot: QtBot) -> Iterator[Parts]:
    """The tester's kiosk: a visit lasts 2 min 40 s after the last sign of anyone."""
    yield from running_controller(160)


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


def test_the_picker_back_after_a_glance_away_keeps_their_choice(parts: Parts) -> None:
    """The tester's case: A in view picks Sad, looks away 6 s (vision's visit ends
    after its 3 s grace) with their last touch > 15 s ago, and looks back; vision
    says the face looks like the one before the gap (`returning`): Sad holds. Old
    code: "a new face after a picked mood", the camera read A's mood again."""
    controller, view, backend, clock = parts
    controller.on_vision_result(result("a", Emotion.HAPPY, started=True))
    controller.on_mood_picked("SAD")
    clock.now += 20
    controller.on_vision_result(result("a", Emotion.HAPPY))
    controller.on_vision_result(result(None, None, face=False))
    clock.now += 3
    controller.on_vision_result(result(None, None, ended="a", face=False))
    clock.now += 3
    back = replace(result("a2", Emotion.HAPPY, started=True), returning=True)
    controller.on_vision_result(back)
    controller.on_vision_result(result("a2", Emotion.HAPPY))
    assert controller.manual and backend.pages[-1][1] is Emotion.SAD
    assert view.last("show_emotion")[0].source == "manual"
    # not known to be A (another person, or A in another pose): the camera reads them
    controller.on_vision_result(result(None, None, ended="a2", face=False))
    clock.now += 5
    controller.on_vision_result(result("c", Emotion.HAPPY, started=True))
    assert not controller.manual and backend.pages[-1][1] is Emotion.HAPPY


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


def test_a_newcomer_stepping_straight_in_gets_a_visit_of_their_own(parts: Parts) -> None:
    """The tester's case: A liked two images and opened "For you"; B steps straight
    into A's place (vision's visit goes on). A's visit ends there (its page gets its
    impression) and B's begins: B's page is ranked for B's visit, by B's mood, with
    none of A's likes and "For you" locked. Old code kept A's visit for B: B's next
    page was "For you", picked from A's likes."""
    controller, view, backend, clock = parts
    controller.on_vision_result(result("a", Emotion.SAD, started=True))
    a = controller.visit_id
    assert a is not None and controller.page is not None
    for item in controller.page.item_ids[:2]:
        controller.on_like(item)
    controller.on_mode("personalized")
    assert backend.pages[-1] == (a, Emotion.SAD, "personalized")
    clock.now += 1
    controller.on_vision_result(swapped("a", None))  # B: a fresh smoother, no mood yet
    b = controller.visit_id
    assert b is not None and b != a and backend.ended == [a]
    assert controller.emotion is None and view.last("show_emotion") == (None,)
    assert view.last("set_mode") == (RecommendMode.EMOTION, False)  # "For you" locked
    controller.on_vision_result(result("a", Emotion.SAD))  # B read as sad too
    assert backend.pages[-1][:2] == (b, Emotion.SAD)
    assert controller.page is not None  # not "For you" picked from A's likes
    assert controller.page.mode == RecommendMode.EMOTION
    controller.on_like(controller.page.item_ids[0])
    assert backend.likes[-1][0] == b  # B's like is B's visit's


def test_visits_follow_the_person_not_the_look_away(parts: Parts) -> None:
    """What audience analytics count (`visit_began`/`visit_ended`): a shopper who
    looks away (vision ends its visit after its grace, a new one when they look back)
    is one visit, with a dwell up to the last time they were seen, not the idle wait;
    another person stepping straight in is a second visit."""
    controller, _, _, clock = parts
    began: list[str] = []
    ended: list[tuple[str, float]] = []
    moods: list[tuple[str, str]] = []
    controller.visit_began.connect(began.append)
    controller.visit_ended.connect(lambda v, d: ended.append((v, d)))
    controller.emotion_changed.connect(lambda v, e: moods.append((v, e)))
    for n in range(5):  # seen 7 s, away 5 s (vision's visit ends after 3 s), 5 times
        controller.on_vision_result(result(f"v{n}", Emotion.HAPPY, started=True,
                                            returning=n > 0))
        clock.now += 7
        controller.on_vision_result(result(f"v{n}", Emotion.HAPPY))
        clock.now += 3
        controller.on_vision_result(result(None, None, ended=f"v{n}", face=False))
        clock.now += 2
    assert len(began) == 1 and ended == [] and moods == [(began[0], "HAPPY")]
    controller.on_vision_result(result("v5", Emotion.HAPPY, started=True, returning=True))
    clock.now += 2
    controller.on_vision_result(swapped("v5", Emotion.SAD))  # B steps straight in
    assert len(began) == 2 and ended == [(began[0], pytest.approx(62.0))]
    clock.now += 5
    controller.on_vision_result(result("v5", Emotion.SAD))
    controller.on_vision_result(result(None, None, ended="v5", face=False))
    clock.now += 200
    controller._check_idle()  # the idle timeout ends B's visit: 5 s, not 205
    assert ended[1] == (began[1], pytest.approx(5.0))
    assert moods[1:] == [(began[1], "SAD")]


def test_a_newcomer_after_a_pick_gets_a_visit_of_their_own(parts: Parts) -> None:
    """The fresh tester's case: A picks Calm unseen, likes two images and opens "For
    you"; 18.8 s after A's last touch a face arrives (not adopted as A's: over
    MANUAL_ADOPT_S). Old code: the camera read the newcomer, but in A's visit, and the
    newcomer was shown "For you" pages made from A's likes."""
    controller, view, backend, clock = parts
    controller.on_user_activity()
    controller.on_mood_picked("CALM")
    a = controller.visit_id
    assert a is not None and controller.page is not None
    for item in controller.page.item_ids[:2]:
        controller.on_like(item)
    controller.on_mode("personalized")
    clock.now += MANUAL_ADOPT_S + 3.8
    controller._check_idle()
    controller.on_vision_result(result("b", Emotion.SURPRISED, started=True))
    b = controller.visit_id
    assert b is not None and b != a and backend.ended == [a]
    assert not controller.manual
    assert view.last("set_mode") == (RecommendMode.EMOTION, False)  # "For you" locked
    controller.on_vision_result(result("b", Emotion.SURPRISED))
    assert backend.pages[-1][:2] == (b, Emotion.SURPRISED)
    assert controller.page is not None and controller.page.mode == RecommendMode.EMOTION


def _pick_in_the_gap(parts: Parts, *, other: bool) -> str:
    """A shops (visit `a`), their face is lost; 0.4 s later a mood is picked with nobody
    in view; 1.7 s later a face arrives, `other`: known not to be A. Returns A's visit."""
    controller, _view, _backend, clock = parts
    controller.on_vision_result(result("a", Emotion.SAD, started=True))
    first = controller.visit_id
    assert first is not None
    clock.now += 5
    controller.on_vision_result(result(None, None, ended="a", face=False))  # A gone
    clock.now += 0.4
    controller.on_mood_picked("CALM")
    clock.now += 1.7
    controller.on_vision_result(result("b", Emotion.HAPPY, started=True, someone_else=other))
    return first


def test_a_stranger_who_picked_in_the_gap_gets_a_visit_of_their_own(parts: Parts) -> None:
    """Tester round 14 (2 of 2): the pick went into A's open visit and the stranger who
    made it was shown "For you · Calm" from A's likes, their own likes filed under A's
    session. Now: their own visit, their picked mood, A's likes stay A's."""
    controller, _view, backend, _clock = parts
    first = _pick_in_the_gap(parts, other=True)
    assert controller.visit_id != first  # old code: A's visit went on
    assert controller.manual and controller.emotion is Emotion.CALM
    assert backend.pages[-1][:2] == (controller.visit_id, Emotion.CALM)


def test_the_visitor_back_after_picking_in_the_gap_goes_on(parts: Parts) -> None:
    controller, _view, _backend, _clock = parts
    first = _pick_in_the_gap(parts, other=False)  # not known to be someone else
    assert controller.visit_id == first
    assert controller.manual and controller.emotion is Emotion.CALM
