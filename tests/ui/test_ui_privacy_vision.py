"""The privacy notices and the mood picker tell the truth for every camera state x
vision state (tester round 15: with a damaged model file the camera tile showed the
live picture while the notice said "The camera is off. Nothing is analysed." and the
picker "The camera is unavailable right now").

camera LIVE + vision ready or loading: what is read and sent (the usual notice);
camera LIVE + vision failed: the camera is on, nothing is analysed; no face crop can
go to Rekognition; the picker says mood reading is off; the picture stays;
camera LOST or NONE: the camera is off, nothing is analysed, whatever vision does."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from kiosk.camera.capture import CameraState
from kiosk.config import load_settings
from kiosk.controllers.visit import VISION_GRACE_S, VisitController
from kiosk.ui.adapter import ViewAdapter
from kiosk.ui.main_window import MainWindow, Screen
from kiosk.ui.testing import FakeClock
from tests.test_controller import FakeBackend, SyncWorker

CAMERA_ON = "The camera is on, but nothing is analysed right now: mood reading is off."
CAMERA_OFF = "The camera is off. Nothing is analysed."
READ = "Your facial expression is read on this device to pick images."
PICKER_READING_OFF = "Mood reading is off right now — just tap your mood."
PICKER_CAMERA_OFF = "The camera is unavailable right now — just tap your mood."
PICKER_USUAL = "Tap your mood and we'll pick images for it."


def notices(window: MainWindow) -> list[str]:
    """The three privacy notices: the main screen's, the attract screen's, the footer's."""
    return [window.main.privacy.text(), window.attract.privacy.text(),
            window.privacy.text()]


@pytest.mark.parametrize(("camera", "vision", "notice", "picker"), [
    (CameraState.LIVE, "ready", READ, PICKER_USUAL),
    (CameraState.LIVE, "loading", READ, PICKER_USUAL),
    (CameraState.LIVE, "failed", CAMERA_ON, PICKER_READING_OFF),
    (CameraState.STALLED, "failed", CAMERA_ON, PICKER_READING_OFF),
    (CameraState.LOST, "ready", CAMERA_OFF, PICKER_CAMERA_OFF),
    (CameraState.LOST, "loading", CAMERA_OFF, PICKER_CAMERA_OFF),
    (CameraState.LOST, "failed", CAMERA_OFF, PICKER_CAMERA_OFF),
    (CameraState.NONE, "ready", CAMERA_OFF, PICKER_USUAL),
    (CameraState.NONE, "failed", CAMERA_OFF, PICKER_USUAL),
])
def test_each_camera_and_vision_state_is_told_truthfully(
        make_window: Any, camera: CameraState, vision: str, notice: str, picker: str) -> None:
    window = make_window()
    # the order the app sees: the camera first, then vision's outcome (and back)
    for _ in range(2):
        window.set_camera_state(camera, "")
        if vision == "loading":
            window.set_vision_ready(False)
        elif vision == "failed":
            window.set_vision_failed("model file retinaface_mobilenet025.pt: unreadable")
        for text in notices(window):
            assert text.startswith(notice), (camera, vision, text)
        assert window.mood.subtitle.text() == picker


def test_failed_vision_keeps_the_live_picture_and_sends_no_face_crop(make_window: Any) -> None:
    window = make_window()
    window.set_privacy({"cloud_fallback": True, "identity": True, "retention_days": 30,
                        "personalize_recommend": True})
    window.set_camera_state(CameraState.LIVE, "")
    assert "Amazon Rekognition" in window.main.privacy.text()
    window.set_vision_failed("model file face_expression_net.pt: unreadable")
    text = window.main.privacy.text()
    assert text.startswith(CAMERA_ON) and "No image is stored." in text
    assert "Rekognition" not in text and "face crop" not in text  # nothing reads a face
    assert "Amazon Personalize" in text  # a mood picked by hand still goes there
    window.set_privacy({})
    assert window.main.privacy.text().endswith("Nothing is sent to the cloud.")
    assert not window.main.camera.is_unavailable()  # the camera is on: it is shown
    assert window.main.badge.detail.text() == "Or choose your mood below"
    window.set_camera_state(CameraState.LIVE, "camera 0 live (640x480)")
    window.set_status({"camera_state": "LIVE", "camera_fps": 25.0})
    assert "face_expression_net.pt" in window.admin.tiles["camera"].detail.text()  # why


def test_korean_says_the_camera_is_on(make_window: Any, korean: Any) -> None:
    window = make_window(1080, 1920)
    window.set_camera_state(CameraState.LIVE, "")
    window.set_vision_failed("model file retinaface_mobilenet025.pt: unreadable")
    for text in notices(window):
        assert text.startswith("카메라는 켜져 있지만"), text
    assert "꺼져 있어요. 아무것도" not in window.main.privacy.text()
    assert window.mood.subtitle.text() == "지금은 기분을 읽지 않아요 — 기분을 눌러 주세요."


@pytest.fixture
def kiosk(make_window: Any, clock: FakeClock) -> Iterator[tuple[VisitController, MainWindow]]:
    window = make_window()
    settings = load_settings(env={}, overrides={"app.idle_timeout_s": "60"})
    controller = VisitController(settings, ViewAdapter(window), SyncWorker(), FakeBackend(),
                                 vision_loads=True, clock=clock)
    controller.start()
    controller.on_camera_state(CameraState.LIVE.value, "")
    yield controller, window
    controller.stop()


def test_the_controller_tells_the_view_vision_failed_not_the_camera_lost(
        kiosk: tuple[VisitController, MainWindow], clock: FakeClock) -> None:
    controller, window = kiosk
    clock.advance(VISION_GRACE_S)
    controller._check_idle()  # still loading: the usual notice (what will be read)
    assert window.main.privacy.text().startswith(READ)
    controller.on_vision_failed("model file retinaface_mobilenet025.pt: unreadable")
    assert window.main.privacy.text().startswith(CAMERA_ON)
    assert window.mood.subtitle.text() == PICKER_READING_OFF
    controller.on_camera_state(CameraState.STALLED.value, "no new frame for 5 s")
    controller.on_camera_state(CameraState.LIVE.value, "")  # the camera comes back
    assert window.main.privacy.text().startswith(CAMERA_ON)  # still nothing is read
    controller.on_camera_state(CameraState.LOST.value, "camera unplugged")
    assert window.main.privacy.text() == CAMERA_OFF
    assert window.mood.subtitle.text() == PICKER_CAMERA_OFF


def test_a_mood_picked_after_vision_failed_is_not_taken_back_by_a_camera_report(
        make_window: Any) -> None:
    window = make_window()
    window.set_camera_state(CameraState.LIVE, "")
    window.show_attract([])
    window.wake()
    assert window.current_screen() is Screen.MAIN
    window.set_vision_failed("model file face_expression_net.pt: unreadable")
    assert window.current_screen() is Screen.MOOD  # as before: only the picker works
    window.mood.picked.emit("HAPPY")
    assert window.current_screen() is Screen.MAIN
    window.set_camera_state(CameraState.LIVE, "")  # e.g. after a stall
    assert window.current_screen() is Screen.MAIN
