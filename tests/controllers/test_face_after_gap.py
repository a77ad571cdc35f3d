"""A face that comes after the visitor was out of view longer than vision's grace (so
vision starts a visit of its own for it) goes on in the visitor's visit only when it
is not known to be someone else: a face clearly unlike theirs before the gap
(`someone_else`) is a newcomer, with a visit of their own, so they never see "For you"
pages made from the previous shopper's likes, even when the screen was touched while
nobody was in view (`tests/controllers/test_taps_and_newcomers.py`). A face only
somewhat like theirs (neither `returning` nor `someone_else`: one person after a head
turn can score 0.75) goes on in the visit."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pytestqt.qtbot import QtBot

from kiosk.config import load_settings
from kiosk.controllers.visit import VisitController
from kiosk.domain import Emotion
from kiosk.testing import FakeClock
from tests.controllers.test_picked_mood_owner import swapped
from tests.test_controller import FakeBackend, FakeView, Parts, SyncWorker, result


def make(qtbot: QtBot, **overrides: str) -> Parts:
    settings = load_settings(env={}, overrides={"app.idle_timeout_s": "20", **overrides})
    view, backend, clock = FakeView(), FakeBackend(), FakeClock()
    controller = VisitController(settings, view, SyncWorker(), backend, clock=clock)
    controller.start()
    return controller, view, backend, clock


@pytest.fixture
def parts(qtbot: QtBot) -> Iterator[Parts]:
    made = make(qtbot)
    yield made
    made[0].stop()


def a_likes_then_leaves(parts: Parts) -> str:
    """A in view, likes two images (For you opens), leaves; vision's visit of A ends
    after its grace. Returns A's visit id."""
    controller, view, _, clock = parts
    controller.on_vision_result(result("a", Emotion.SAD, started=True))
    page = view.last("show_page")[0]
    controller.on_like(page.item_ids[0])
    controller.on_like(page.item_ids[1])
    assert view.last("set_mode") == ("emotion", True)  # For you is open for A
    clock.now += 1
    controller.on_vision_result(result("a", None, face=False))
    clock.now += 3
    controller.on_vision_result(result(None, None, ended="a", face=False))
    assert controller.visit_id == "a"
    return "a"


def test_another_face_after_the_grace_gets_a_visit_of_its_own(parts: Parts) -> None:
    """The fresh tester's video: A (sad) leaves; 3 s of empty scene, B (not known to be
    A) arrives; B is replaced straight away by C. Old code: "visitor back in view:
    visit … goes on" for B, so B and C went on in A's visit with A's likes and "For
    you"; C's switch was told (`new_person`) but B's arrival was not."""
    controller, view, backend, clock = parts
    a = a_likes_then_leaves(parts)
    clock.now += 2
    controller.on_vision_result(result("b", Emotion.SURPRISED, started=True, someone_else=True))
    b = controller.visit_id
    assert b not in (None, a) and backend.ended == [a]
    assert view.last("set_mode") == ("emotion", False)  # For you locked for B
    assert backend.pages[-1][:2] == (b, Emotion.SURPRISED)
    clock.now += 8
    controller.on_vision_result(swapped("b", Emotion.HAPPY))  # C steps straight in
    c = controller.visit_id
    assert c not in (None, a, b) and backend.ended == [a, b]
    controller.on_vision_result(result("b", Emotion.HAPPY))
    assert backend.pages[-1][:2] == (c, Emotion.HAPPY)
    assert {v for v, _ in backend.likes} == {a}


def test_the_visitor_back_looking_like_themselves_keeps_the_visit(parts: Parts) -> None:
    controller, view, backend, clock = parts
    a = a_likes_then_leaves(parts)
    clock.now += 2
    controller.on_vision_result(result("a2", None, started=True, returning=True))
    controller.on_vision_result(result("a2", Emotion.SAD))
    assert controller.visit_id == a and backend.ended == []
    controller.on_next()
    assert backend.pages[-1][0] == a and view.last("set_mode")[1]  # For you still open


def test_a_face_only_somewhat_like_the_visitor_goes_on_in_the_visit(parts: Parts) -> None:
    """Review of the 0.8 rule: a shopper who liked two images turned to a friend for 4 s
    and came back at another angle (likeness 0.75: neither `returning`, 0.8, nor
    `someone_else`, under 0.6). Their visit ended, and their likes' "For you" with it."""
    controller, view, backend, clock = parts
    a = a_likes_then_leaves(parts)
    clock.now += 2
    controller.on_vision_result(result("a2", None, started=True))
    controller.on_vision_result(result("a2", Emotion.SAD))
    assert controller.visit_id == a and backend.ended == []
    controller.on_next()
    assert backend.pages[-1][0] == a and view.last("set_mode")[1]  # For you still open


def test_without_the_switch_check_any_face_back_goes_on(qtbot: QtBot) -> None:
    """`vision.switch_similarity` 0: the camera does not tell faces apart (`returning`
    is never set), so a face back within the idle timeout goes on, as before."""
    parts = make(qtbot, **{"vision.switch_similarity": "0"})
    try:
        controller, _, backend, clock = parts
        a = a_likes_then_leaves(parts)
        clock.now += 2
        controller.on_vision_result(result("b", Emotion.SURPRISED, started=True,
                                           someone_else=True))
        assert controller.visit_id == a and backend.ended == []
    finally:
        parts[0].stop()
