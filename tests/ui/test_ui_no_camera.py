"""Without a camera the screens say what is true: no "Step closer", no endless
"Loading…" for models that wait for pictures, and a window that fits the screen."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QRect
from PySide6.QtWidgets import QWidget

from kiosk.camera.capture import CameraState
from kiosk.ui.admin_status import model_tile
from kiosk.ui.exhibit import show_windowed
from kiosk.ui.main_window import MainWindow


def test_the_header_asks_for_a_mood_not_a_step_closer_when_the_camera_is_off(
    qtbot: Any,
) -> None:
    window = MainWindow()
    qtbot.addWidget(window)
    window.main.show_waiting("no_face")
    assert "Step closer" in window.main.headline.text()
    window.set_camera_state(CameraState.LOST, "camera 0 not found")
    assert "Step closer" not in window.main.headline.text()
    assert "mood" in window.main.headline.text()
    window.set_camera_state(CameraState.LIVE, "")
    assert "Step closer" in window.main.headline.text()


def test_the_model_tile_says_the_models_wait_for_the_camera() -> None:
    lost = model_tile({"camera_state": "LOST (camera 0 not found (backend auto))"})
    assert lost.value == "Not loaded" and "camera" in lost.detail
    starting = model_tile({"camera_state": "OPENING"})
    assert starting.value == "Loading…"
    loaded = model_tile({"camera_state": "LOST", "model_device": "cpu, 2 threads",
                         "inference_ms": 12.0})
    assert loaded.value != "Not loaded"


def test_a_window_is_shrunk_to_the_screen_and_centred(qtbot: Any) -> None:
    window = QWidget()
    qtbot.addWidget(window)
    screen = window.screen()
    area = screen.availableGeometry()
    rect = show_windowed(window, area.width() + 400, area.height() + 300)
    assert area.contains(rect)
    assert (rect.width(), rect.height()) == (area.width(), area.height())
    small = show_windowed(window, 320, 200)
    assert (small.width(), small.height()) == (320, 200)
    assert small.center() == area.center() or QRect(small).adjusted(-1, -1, 1, 1).contains(
        area.center())
    window.close()
