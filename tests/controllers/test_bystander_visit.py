"""Only the visitor's (primary) face keeps a visit going: a bystander in the
background neither holds the idle timeout off nor inherits the visitor's visit."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import pytest
from pytestqt.qtbot import QtBot

from kiosk.config import load_settings
from kiosk.controllers.visit import VisitController
from kiosk.domain import Box, Emotion, Face
from kiosk.testing import FakeClock
from kiosk.vision.pipeline import TrackInfo, VisionResult
from tests.test_controller import FakeBackend, FakeView, Parts, SyncWorker, result

IDLE_S = 10.0
SIDE = Box(10, 10, 60, 60)


@pytest.fixture
def parts(qtbot: QtBot) -> Iterator[Parts]:
    settings = load_settings(env={}, overrides={"app.idle_timeout_s": str(IDLE_S)})
    view, backend, clock = FakeView(), FakeBackend(), FakeClock()
    controller = VisitController(settings, view, SyncWorker(), backend, clock=clock)
    controller.start()
    yield controller, view, backend, clock
    controller.stop()


def bystander_only(visit: str | None, ended: str | None = None) -> VisionResult:
    """A frame with a face in the background that is not the primary (vision bars a
    face seen beside the visitor from their place while their visit lasts)."""
    return replace(result(visit, None, face=False, ended=ended),
                   faces=(Face(SIDE, 0.99),), tracks=(TrackInfo(2, SIDE),))


def test_a_bystander_in_view_does_not_hold_the_idle_timeout_off(parts: Parts) -> None:
    # Before, any face in view counted as someone there: the visit never idled out.
    controller, _, _, clock = parts
    controller.on_vision_result(result("a", Emotion.HAPPY, started=True))
    first = controller.visit_id
    assert first is not None
    for _ in range(int(IDLE_S) + 1):
        clock.now += 1
        controller.on_vision_result(bystander_only("a" if clock.now < 3 else None))
        controller._check_idle()
    assert controller.attract and controller.visit_id is None
    assert backend_ended(parts) == [first]


def test_a_bystander_who_stays_gets_a_visit_of_their_own(parts: Parts) -> None:
    # Vision ends the visitor's visit after its grace and starts the bystander's,
    # saying it is someone else (`new_person` on its first frame). Before, the
    # bystander went on in the visitor's visit, with their likes and "For you".
    controller, _, backend, clock = parts
    controller.on_vision_result(result("a", Emotion.HAPPY, started=True))
    first = controller.visit_id
    clock.now += 3
    controller.on_vision_result(bystander_only(None, ended="a"))
    clock.now += 0.1
    own = replace(result("b", Emotion.SAD, started=True), new_person=True)
    controller.on_vision_result(own)
    assert controller.visit_id not in (None, first)
    assert backend_ended(parts) == [first]
    assert backend.pages[-1][1] is Emotion.SAD
    # their face back after a look-away (vision: `returning`) goes on in their visit
    second = controller.visit_id
    clock.now += 3
    controller.on_vision_result(result(None, None, ended="b", face=False))
    controller.on_vision_result(replace(result("c", Emotion.SAD, started=True),
                                        returning=True))
    assert controller.visit_id == second


def backend_ended(parts: Parts) -> list[str]:
    return list(parts[2].ended)


def test_a_bystander_is_not_taken_for_the_visitor_by_a_touch(parts: Parts) -> None:
    # A touch while the visitor is out of view makes the next face theirs (the toucher),
    # unless vision saw that face beside the visitor: then it is not them.
    controller, _, _, clock = parts
    controller.on_vision_result(result("a", Emotion.HAPPY, started=True))
    first = controller.visit_id
    clock.now += 1
    controller.on_vision_result(bystander_only("a"))
    controller.on_user_activity()
    clock.now += 2
    controller.on_vision_result(bystander_only(None, ended="a"))
    controller.on_vision_result(replace(result("b", Emotion.SAD, started=True),
                                        new_person=True))
    assert controller.visit_id not in (None, first)
    assert backend_ended(parts) == [first]
