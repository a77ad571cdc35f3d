"""Without a camera the screens say what is true: no "Step closer", no endless
"Loading…" for models that wait for pictures, and a window that fits the screen."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QRect
from PySide6.QtWidgets import QWidget

from kiosk.camera.capture import CameraState
from kiosk.ui.admin_status import camera_tile, model_tile
from kiosk.ui.exhibit import show_windowed
from kiosk.ui.main_window import MainWindow
from kiosk.ui.screens import screen_of


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


def test_no_camera_on_purpose_is_no_fault_for_the_visitor(window: MainWindow) -> None:
    """An empty `camera.source` (NONE): the picker invites a choice, the camera tile
    says there is none; a configured camera that is lost keeps its fault texts."""
    window.main.show_waiting("no_face")
    window.set_camera_state(CameraState.NONE, "")
    assert window.mood.subtitle.text() == "Tap your mood and we'll pick images for it."
    assert window.main.camera.unavailable_text() == "No camera here: you choose your mood."
    assert "mood" in window.main.headline.text()  # the mood picker only, as with LOST
    window.set_camera_state(CameraState.LOST, "camera 0 not found")
    assert "unavailable right now" in window.mood.subtitle.text()
    assert "taking a break" in (window.main.camera.unavailable_text() or "")


def test_no_camera_on_purpose_in_korean(window: MainWindow, korean: None) -> None:
    window.set_camera_state(CameraState.NONE, "")
    window.retranslate()
    assert window.mood.subtitle.text() == "기분을 누르시면 어울리는 이미지를 골라 드릴게요."
    assert "카메라가 없어요" in (window.main.camera.unavailable_text() or "")
    tile = camera_tile({"camera_state": "NONE"})
    assert (tile.caption, tile.value) == ("카메라", "꺼짐 — 설정된 카메라 없음")


def test_the_camera_tile_is_neutral_without_a_camera_on_purpose() -> None:
    none = camera_tile({"camera_state": "NONE", "camera_fps": None})
    assert none.value == "Off — none configured" and not none.alert
    assert "mood picker only" in none.detail and "fps" not in none.detail
    lost = camera_tile({"camera_state": "LOST (camera 0 not found)", "camera_fps": 0.0})
    assert lost.value == "Not found" and lost.alert and "camera 0 not found" in lost.detail
    model = model_tile({"camera_state": "NONE"})
    assert model.value == "Not loaded" and model.detail == "Not needed without a camera"


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
    screen = screen_of(window)
    assert screen is not None
    area = screen.availableGeometry()
    rect = show_windowed(window, area.width() + 400, area.height() + 300)
    assert area.contains(rect)
    assert (rect.width(), rect.height()) == (area.width(), area.height())
    small = show_windowed(window, 320, 200)
    assert (small.width(), small.height()) == (320, 200)
    assert small.center() == area.center() or QRect(small).adjusted(-1, -1, 1, 1).contains(
        area.center())
    window.close()


def test_the_window_follows_the_screen_orientation() -> None:
    from kiosk.ui.exhibit import windowed_geometry

    portrait = QRect(0, 0, 1080, 1920)
    assert windowed_geometry(portrait).size().toTuple() == (800, 1280)
    assert windowed_geometry(portrait).center() == portrait.center()
    # a portrait screen with a panel: shrunk to the available area, still portrait
    small = QRect(0, 0, 768, 1326)
    rect = windowed_geometry(small)
    assert small.contains(rect) and (rect.width(), rect.height()) == (768, 1280)
    landscape = QRect(0, 0, 1920, 1080)
    assert windowed_geometry(landscape).size().toTuple() == (1280, 800)
    assert windowed_geometry(QRect(0, 0, 1366, 720)).size().toTuple() == (1280, 720)
    # a size given in portrait turns for a landscape screen too; a square stays square
    assert windowed_geometry(landscape, 800, 1280).size().toTuple() == (1280, 800)
    assert windowed_geometry(portrait, 900, 900).size().toTuple() == (900, 900)


PORTRAIT_CHILD = """
from PySide6.QtWidgets import QApplication, QWidget
from kiosk.ui.exhibit import show_windowed
app = QApplication([])
window = QWidget()
rect = show_windowed(window)
print(app.primaryScreen().availableGeometry().size().toTuple(), rect.size().toTuple(),
      window.geometry().size().toTuple(), flush=True)
"""


def test_windowed_on_a_portrait_screen_opens_a_portrait_window(tmp_path: Any) -> None:
    """A real portrait screen: Qt's offscreen platform with one 1080×1920 screen."""
    import json
    import os
    import subprocess
    import sys
    from pathlib import Path

    config = tmp_path / "screens.json"
    config.write_text(json.dumps({"screens": [{
        "name": "portrait", "x": 0, "y": 0, "width": 1080, "height": 1920,
        "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1}]}))
    env = {**os.environ, "QT_QPA_PLATFORM": f"offscreen:configfile={config}"}
    done = subprocess.run([sys.executable, "-c", PORTRAIT_CHILD], capture_output=True,
                          text=True, timeout=60, env=env,
                          cwd=Path(__file__).resolve().parents[2])
    assert done.returncode == 0, done.stderr
    assert done.stdout.split("\n")[0] == "(1080, 1920) (800, 1280) (800, 1280)"
