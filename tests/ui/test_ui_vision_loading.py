"""While vision's models load (30-42 s on a first start under load), the attract screen
offers what works now, the mood picker, instead of asking a visitor already in front
of it to "Step closer" and then doing nothing; it says "Step closer" again once vision
is ready. A normal start (ready in 2-5 s) never changes the text."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from kiosk.camera.capture import CameraState
from kiosk.config import load_settings
from kiosk.controllers.visit import VISION_GRACE_S, VisitController
from kiosk.ui.adapter import ViewAdapter
from kiosk.ui.main_window import MainWindow, Screen
from kiosk.ui.testing import FakeClock
from tests.test_controller import FakeBackend, FakeView, SyncWorker

Kiosk = tuple[VisitController, MainWindow, FakeClock]


@pytest.fixture
def kiosk(make_window: Any, clock: FakeClock) -> Iterator[Kiosk]:
    window = make_window()
    settings = load_settings(env={}, overrides={"app.idle_timeout_s": "60"})
    controller = VisitController(settings, ViewAdapter(window), SyncWorker(), FakeBackend(),
                                 vision_loads=True, clock=clock)
    controller.start()
    controller.on_camera_state(CameraState.LIVE.value, "")
    yield controller, window, clock
    controller.stop()


def headline(window: MainWindow) -> str:
    return window.attract.headline.text() + " / " + window.attract.subline.text()


def test_a_slow_model_load_offers_the_mood_picker_until_vision_is_ready(kiosk: Kiosk) -> None:
    controller, window, clock = kiosk
    clock.advance(VISION_GRACE_S - 1)
    controller._check_idle()
    assert "Step closer" in headline(window)  # the grace: a normal start says nothing else
    clock.advance(1)
    controller._check_idle()
    assert headline(window) == ("Tell us your mood — we'll pick images for it"
                                " / Tap anywhere to start.")
    window.attract.touched.emit()  # a tap opens what works now
    assert window.current_screen() is Screen.MOOD
    controller._enter_attract()
    window.show_attract([])
    controller.on_vision_ready("cpu, 2 threads")
    assert headline(window).startswith("Step closer")
    window.attract.touched.emit()
    assert window.current_screen() is Screen.MAIN


def test_korean_texts_follow_the_same_switch(kiosk: Kiosk, korean: Any) -> None:
    controller, window, clock = kiosk
    window.attract.retranslate()
    camera_text = window.attract.headline.text()
    clock.advance(VISION_GRACE_S)
    controller._check_idle()
    assert window.attract.headline.text() != camera_text
    assert "기분" in window.attract.headline.text()
    controller.on_vision_ready("cpu")
    assert window.attract.headline.text() == camera_text


def test_a_normal_start_never_changes_the_attract_text(qtbot: QtBot) -> None:
    view, clock = FakeView(), FakeClock()
    settings = load_settings(env={}, overrides={"app.idle_timeout_s": "60"})
    controller = VisitController(settings, view, SyncWorker(), FakeBackend(),
                                 vision_loads=True, clock=clock)
    controller.start()
    clock.advance(3)
    controller._check_idle()
    controller.on_vision_ready("cpu")
    clock.advance(VISION_GRACE_S * 3)
    controller._check_idle()
    controller.stop()
    assert view.count("set_vision_ready") == 0


def test_failed_vision_keeps_offering_the_picker_when_the_camera_comes_back(
        kiosk: Kiosk) -> None:
    """The camera can report LIVE after vision failed (it opened later): the attract
    screen must not say "Step closer" for a camera that reads no moods."""
    controller, window, _ = kiosk
    controller.on_vision_failed("the emotion model file is missing")
    controller.on_camera_state(CameraState.LIVE.value, "")
    assert "Step closer" not in headline(window)
    window.attract.touched.emit()
    assert window.current_screen() is Screen.MOOD
