"""The window's side of the picker giving way (`MainWindow.close_mood_picker`) and of
impressions counting only while the main screen shows (`main_screen_visible`)."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from kiosk.camera.capture import CameraState
from kiosk.ui.main_window import MainWindow


def test_close_mood_picker_shows_the_main_screen_unless_only_the_picker_works(
        window: MainWindow, qtbot: QtBot) -> None:
    seen: list[bool] = []
    window.main_screen_visible.connect(seen.append)
    window.wake()
    assert window.current_screen() == "main" and seen[-1] is True
    window.open_mood_picker()
    assert window.current_screen() == "mood" and seen[-1] is False
    window.close_mood_picker()
    assert window.current_screen() == "main" and seen[-1] is True  # old code: no such call
    window.close_mood_picker()  # not on the picker: nothing changes
    assert window.current_screen() == "main"
    window.show_attract([])
    window.close_mood_picker()
    assert window.current_screen() == "attract" and seen[-1] is False
    # no camera: the picker is the only way to a page, it stays
    window.wake()
    window.set_camera_state(CameraState.LOST, "Camera disconnected")
    assert window.current_screen() == "mood"
    window.close_mood_picker()
    assert window.current_screen() == "mood"
