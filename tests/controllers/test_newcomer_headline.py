"""The previous shopper's mood headline is never shown over a newcomer (black box,
1080x1920 Korean, three people 4 s apart: for 0.2-0.5 s after the next face showed in
the camera tile, the header still said "행복해 보이셔서 골랐어요", "Because you look
happy", of the one before). Vision's verdict on a face comes a step after the tile shows
it, so once the visitor's face has been gone for vision's grace the page stays but its
headline gives way to "Step closer…"; the visitor recognised back gets it at once, a
face not known either way reads "Still reading your mood…" until its own first steady
mood, and someone else gets a visit of their own (placeholders, then their page)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import pytest
from PySide6.QtCore import QCoreApplication
from pytestqt.qtbot import QtBot

from kiosk.config import load_settings
from kiosk.controllers.visit import VisitController
from kiosk.domain import Emotion
from kiosk.testing import FakeClock
from kiosk.ui import texts
from kiosk.ui.i18n import install_translator
from kiosk.ui.main_window import MainWindow
from tests.test_controller import (
    FakeBackend,
    FakeView,
    Parts,
    SyncWorker,
    result,
    running_controller,
)


@pytest.fixture
def parts(qtbot: QtBot) -> Iterator[Parts]:
    yield from running_controller()


def pending(view: FakeView) -> str:
    """What the view was last told of the page's headline ("" never told: its own)."""
    calls = [args for name, args in view.calls if name == "set_headline_pending"]
    return str(calls[-1][0]) if calls else ""


def happy_visitor_leaves(parts: Parts) -> None:
    """A, read happy, has their page; they leave and vision's visit of them ends."""
    controller, view, _, clock = parts
    controller.on_vision_result(result("a", Emotion.HAPPY, started=True))
    assert controller.page is not None and pending(view) == ""
    clock.now += 1
    controller.on_vision_result(result("a", None, face=False))
    assert pending(view) == ""  # a look away, a detector dropout: the headline stays
    clock.now += 3
    controller.on_vision_result(result(None, None, ended="a", face=False))
    assert pending(view) == "no_face"  # whoever comes next is read afresh


def test_the_headline_waits_once_the_visitors_face_is_gone_for_the_grace(
        parts: Parts) -> None:
    """Old code: the headline "Because you look happy" stood until vision's verdict on
    the next face, a step after the camera tile showed them."""
    controller, view, _, _ = parts
    happy_visitor_leaves(parts)
    page = controller.page
    assert page is not None and view.last("show_page")[0] is page  # the page stays
    assert view.count("clear_page") == 0


def test_the_visitor_recognised_back_gets_their_headline_at_once(parts: Parts) -> None:
    controller, view, backend, clock = parts
    happy_visitor_leaves(parts)
    page = controller.page
    clock.now += 1
    controller.on_vision_result(replace(result("a2", Emotion.SAD, started=True,
                                               returning=True), reading_steady=False))
    assert pending(view) == "" and controller.page is page and controller.visit_id == "a"
    assert view.count("clear_page") == 0 and len(backend.pages) == 1


def test_someone_else_gets_placeholders_then_their_own_headline(parts: Parts) -> None:
    controller, view, backend, clock = parts
    happy_visitor_leaves(parts)
    clock.now += 1
    b = replace(result("b", Emotion.SAD, started=True, someone_else=True),
                reading_steady=False)
    controller.on_vision_result(b)
    assert controller.visit_id not in (None, "a") and controller.page is None
    assert backend.ended == ["a"]
    assert view.last("clear_page") == () and pending(view) == ""
    controller.on_vision_result(result("b", Emotion.SAD))  # their first steady mood
    assert controller.page is not None and controller.page.emotion is Emotion.SAD


def test_a_face_not_known_either_way_is_read_before_the_headline_is_theirs(
        parts: Parts) -> None:
    """Neither `returning` nor `someone_else` (looks only, or descriptors missing): the
    visit goes on, read afresh. Old code: "Because you look happy" over them until their
    own mood's page was drawn."""
    controller, view, backend, clock = parts
    happy_visitor_leaves(parts)
    clock.now += 1
    controller.on_vision_result(replace(result("b", Emotion.SAD, started=True),
                                        reading_steady=False))
    assert controller.visit_id == "a" and pending(view) == "unsure"
    controller.on_vision_result(replace(result("b", Emotion.SAD), reading_steady=False))
    assert pending(view) == "unsure"  # not steady yet: no mood of theirs to show
    controller.on_vision_result(result("b", Emotion.SAD))
    assert backend.pages[-1][:2] == ("a", Emotion.SAD)
    assert controller.page is not None and controller.page.emotion is Emotion.SAD
    assert pending(view) == ""  # the page of their mood, with its headline
    assert view.calls.index(("set_headline_pending", ("",))) > max(
        i for i, (name, _) in enumerate(view.calls) if name == "show_page")


def test_a_face_not_known_either_way_with_the_pages_mood_gets_its_headline(
        parts: Parts) -> None:
    controller, view, backend, clock = parts
    happy_visitor_leaves(parts)
    page = controller.page
    clock.now += 1
    controller.on_vision_result(replace(result("b", Emotion.HAPPY, started=True),
                                        reading_steady=False))
    assert pending(view) == "unsure"
    controller.on_vision_result(result("b", Emotion.HAPPY))
    assert pending(view) == "" and controller.page is page and len(backend.pages) == 1


def test_a_face_not_known_either_way_gets_its_page_though_the_grid_was_tapped(
        parts: Parts) -> None:
    """A tap just before (the visitor leaning aside, or the newcomer) would hold a new
    mood back from a shopper using the grid (`mood_hold`); a face read afresh gets the
    page of its first steady mood at once, as a newcomer's first mood does. Old code:
    held for 2 s, "Because you look happy" over a sad newcomer."""
    controller, view, backend, clock = parts
    happy_visitor_leaves(parts)
    controller.on_next()  # a tap, nobody in view
    assert pending(view) == "no_face"  # Next's page answers the visit's mood, not them
    clock.now += 1
    controller.on_vision_result(replace(result("b", None, started=True),
                                        reading_steady=False))
    controller.on_vision_result(result("b", Emotion.SAD))
    assert backend.pages[-1][1] is Emotion.SAD and pending(view) == ""


def test_a_mood_picked_while_the_headline_waits_is_the_pickers(parts: Parts) -> None:
    controller, view, backend, _ = parts
    happy_visitor_leaves(parts)
    controller.on_mood_picked("CALM")
    assert backend.pages[-1][1] is Emotion.CALM and pending(view) == ""


def test_the_wait_ends_with_the_visit(parts: Parts) -> None:
    controller, view, _, clock = parts
    happy_visitor_leaves(parts)
    clock.now += 30
    controller._check_idle()
    assert controller.attract and pending(view) == ""


@pytest.mark.parametrize("language", ["en", "ko"])
def test_on_screen_the_header_over_the_page_waits_for_the_next_face(
        qtbot: QtBot, qapp: QCoreApplication, language: str) -> None:
    """The real window at 1080x1920, as on the black box: the header never names the
    last shopper's mood while the next face is not known to be theirs."""
    from kiosk.ui.adapter import ViewAdapter

    assert install_translator(qapp, language)
    settings = load_settings(env={}, overrides={"app.idle_timeout_s": "20"})
    window = MainWindow.from_settings(settings, touch_settle_s=0.0)
    qtbot.addWidget(window)
    window.resize(1080, 1920)
    window.show()
    qtbot.waitExposed(window)
    clock = FakeClock()
    controller = VisitController(settings, ViewAdapter(window), SyncWorker(),
                                 FakeBackend(), clock=clock)
    try:
        controller.start()
        controller.on_camera_state("LIVE", "")
        controller.on_vision_result(result("a", Emotion.HAPPY, started=True))
        happy = texts.because_you_look(Emotion.HAPPY)
        assert window.main.headline.text() == happy
        page = window.main.page()
        clock.now += 4
        controller.on_vision_result(result(None, None, ended="a", face=False))
        step_closer = window.main.headline.text()
        assert step_closer not in ("", happy) and window.main.page() is page
        if language == "ko":
            assert step_closer.startswith("가까이 와 보세요")
        clock.now += 1
        controller.on_vision_result(replace(result("b", None, started=True),
                                            reading_steady=False))
        reading = window.main.headline.text()
        assert reading not in (step_closer, happy) and window.main.page() is page
        if language == "ko":
            assert reading.startswith("기분을 읽고 있어요")
        controller.on_vision_result(result("b", Emotion.HAPPY))
        assert window.main.headline.text() == happy
    finally:
        controller.stop()
        window.main.stop_animations()
        window.attract.stop()
        window.close()
        install_translator(qapp, "en")
