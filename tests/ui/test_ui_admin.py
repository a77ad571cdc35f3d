"""The hidden corner gesture, the PIN pad and the admin panel."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt
from pytestqt.qtbot import QtBot

from kiosk.config import hash_pin
from kiosk.ui import pin_pad
from kiosk.ui.main_window import MainWindow
from kiosk.ui.testing import FakeClock, settle


def enter(qtbot: QtBot, window: MainWindow, pin: str) -> None:
    settle(window)  # the pad has just appeared: give the touch guard its settle time
    for digit in pin:
        qtbot.mouseClick(window.pin.digit_buttons[digit], Qt.MouseButton.LeftButton)
    qtbot.mouseClick(window.pin.ok_button, Qt.MouseButton.LeftButton)


def test_corner_long_press_opens_the_pin_pad(window: MainWindow, qtbot: QtBot) -> None:
    window.wake()
    qtbot.mousePress(window, Qt.MouseButton.LeftButton, pos=QPoint(10, 10))
    assert window.corner_hold.is_holding()
    qtbot.waitUntil(lambda: window.current_screen() == "pin", timeout=2000)
    qtbot.mouseRelease(window, Qt.MouseButton.LeftButton, pos=QPoint(10, 10))
    assert window.current_screen() == "pin"  # the release did not reach anything else


def test_short_press_or_press_elsewhere_does_not_open(window: MainWindow, qtbot: QtBot) -> None:
    window.wake()
    qtbot.mousePress(window, Qt.MouseButton.LeftButton, pos=QPoint(10, 10))
    qtbot.mouseRelease(window, Qt.MouseButton.LeftButton, pos=QPoint(10, 10))
    assert not window.corner_hold.is_holding()
    qtbot.mousePress(window, Qt.MouseButton.LeftButton, pos=QPoint(400, 400))
    assert not window.corner_hold.is_holding()
    qtbot.mouseRelease(window, Qt.MouseButton.LeftButton, pos=QPoint(400, 400))
    assert window.current_screen() == "main"


def test_right_pin_opens_admin(make_window: Any, qtbot: QtBot) -> None:
    window: MainWindow = make_window(admin_pin_hash=hash_pin("2468"))
    window.wake()
    window.open_pin_pad()
    assert window.current_screen() == "pin"
    enter(qtbot, window, "2468")
    assert window.current_screen() == "admin"
    settle(window)
    qtbot.mouseClick(window.admin.close_button, Qt.MouseButton.LeftButton)
    assert window.current_screen() == "main"  # back where the operator came from


def test_default_pin_is_0000_until_set(window: MainWindow, qtbot: QtBot) -> None:
    window.open_pin_pad()
    enter(qtbot, window, "0000")
    assert window.current_screen() == "admin"


def test_wrong_pin_is_rejected(window: MainWindow, qtbot: QtBot) -> None:
    window.open_pin_pad()
    enter(qtbot, window, "1234")
    assert window.current_screen() == "pin"
    assert window.pin.entry_length() == 0
    assert "Wrong PIN" in window.pin.status.text()
    assert "4 tries left" in window.pin.status.text()
    qtbot.mouseClick(window.pin.cancel_button, Qt.MouseButton.LeftButton)
    assert window.current_screen() == "attract"


def test_five_wrong_pins_lock_the_pad_for_60_s(
    window: MainWindow, qtbot: QtBot, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    window.open_pin_pad()
    with caplog.at_level(logging.WARNING, logger="kiosk.ui.pin_pad"):
        for _ in range(pin_pad.MAX_TRIES):
            enter(qtbot, window, "9999")
    assert window.pin.is_locked()
    assert "Try again in 60\u00a0s" in window.pin.status.text()  # kept on one line
    assert not window.pin.ok_button.isEnabled()
    assert not window.pin.clear_button.isEnabled()  # fresh tester 7: Clear stayed lit
    # a store sees the guessing in the log (fresh tester 7: nothing was logged)
    lines = [r.getMessage() for r in caplog.records if r.name == "kiosk.ui.pin_pad"]
    assert sum("wrong admin PIN" in m for m in lines) == pin_pad.MAX_TRIES - 1
    assert any("locked for 60 s" in m for m in lines)
    assert not any("9999" in m for m in lines)
    enter(qtbot, window, "0000")  # ignored while locked
    assert window.current_screen() == "pin"
    # Closing and reopening the pad does not lift the lock.
    qtbot.mouseClick(window.pin.cancel_button, Qt.MouseButton.LeftButton)
    window.open_pin_pad()
    assert window.pin.is_locked()
    clock.advance(pin_pad.LOCKOUT_S + 1)
    assert not window.pin.is_locked()
    window.pin.reset()
    enter(qtbot, window, "0000")
    assert window.current_screen() == "admin"


@pytest.mark.parametrize("action", ["restart", "reload_catalog", "flush_events"])
def test_admin_buttons_emit_actions(window: MainWindow, qtbot: QtBot, action: str) -> None:
    window.open_pin_pad()
    enter(qtbot, window, "0000")
    with qtbot.waitSignal(window.admin_action_requested, timeout=1000) as blocker:
        settle(window)
        qtbot.mouseClick(window.admin.buttons[action], Qt.MouseButton.LeftButton)
    assert blocker.args == [action]


def test_admin_panel_shows_status(window: MainWindow) -> None:
    window.set_status({
        "camera_state": "LOST", "camera_fps": 0.0, "model_device": "cuda",
        "inference_ms": 7.6, "online": False, "queue_depth": 12, "dead_letters": 2,
        "catalog_counts": {"HAPPY": 10, "SAD": 5}, "crash_count": 1, "backend": "personalize",
        "uploads_configured": True,
    })
    tiles = window.admin.tiles
    assert tiles["camera"].value.text() == "Not found"
    assert tiles["camera"].detail.text() == "0.0 fps"
    assert tiles["model"].value.text() == "Graphics card (CUDA)"
    assert tiles["model"].detail.text() == "8 ms per face"
    assert tiles["network"].value.text() == "Offline"
    assert tiles["events"].value.text() == "12 waiting"
    assert "2 could not be sent" in tiles["events"].detail.text()
    assert "offline" in tiles["events"].detail.text()
    assert tiles["catalog"].value.text() == "15 images"
    assert tiles["catalog"].detail.text() == "Happy 10 · Sad 5"
    assert tiles["crashes"].value.text() == "1"
    assert "Recommendations: Amazon Personalize" in tiles["other"].detail.text()


def test_idle_attract_waits_while_the_operator_works(window: MainWindow, qtbot: QtBot) -> None:
    window.wake()
    window.open_pin_pad()
    enter(qtbot, window, "0000")
    window.show_attract([])
    assert window.current_screen() == "admin"
    settle(window)
    qtbot.mouseClick(window.admin.close_button, Qt.MouseButton.LeftButton)
    assert window.current_screen() == "attract"
