"""The touch guard: a screen that has just appeared takes no touch that began before it.

Each screen change (attract → mood picker or main, main → mood picker, the PIN pad,
the admin panel, the review screen, the consent card) ignores a release without its
press and every tap in the first `touch_guard.SETTLE_S` seconds; after that, taps act.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from kiosk.camera.capture import CameraState
from kiosk.domain import Emotion
from kiosk.ui import touch_guard
from kiosk.ui.consent import attach_consent
from kiosk.ui.main_window import MainWindow
from kiosk.ui.testing import FakeClock, settle, solid_image


def _tap(qtbot: QtBot, widget: QWidget) -> None:
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def test_a_second_tap_right_after_choose_my_mood_picks_nothing(
    window: MainWindow, qtbot: QtBot, clock: FakeClock
) -> None:
    """No camera: "Choose my mood" then a fast tap where a tile now is must not pick."""
    window.set_camera_state(CameraState.LOST, "")
    window.show_attract([solid_image("#336699")])
    settle(window)
    picked: list[str] = []
    window.mood_picked.connect(picked.append)
    _tap(qtbot, window.attract.mood_button)
    assert window.current_screen() == "mood"
    clock.advance(touch_guard.SETTLE_S / 2)
    _tap(qtbot, window.mood.tile(Emotion.DISGUSTED))
    assert picked == [] and window.current_screen() == "mood"
    assert window.touch_guard.swallowed >= 2  # its press and its release
    clock.advance(touch_guard.SETTLE_S)
    _tap(qtbot, window.mood.tile(Emotion.HAPPY))
    assert picked == ["HAPPY"] and window.current_screen() == "main"


def test_a_release_without_its_press_is_ignored(
    window: MainWindow, qtbot: QtBot
) -> None:
    """A finger that went down on the previous screen lifts on attract: no wake."""
    settle(window)
    woke: list[bool] = []
    window.attract.touched.connect(lambda: woke.append(True))
    qtbot.mouseRelease(window.attract, Qt.MouseButton.LeftButton, pos=QPoint(960, 300))
    assert woke == [] and window.current_screen() == "attract"
    qtbot.mouseClick(window.attract, Qt.MouseButton.LeftButton, pos=QPoint(960, 300))
    assert woke == [True] and window.current_screen() == "main"


def test_a_press_held_across_a_screen_change_does_not_act_on_the_new_screen(
    window: MainWindow, qtbot: QtBot, clock: FakeClock
) -> None:
    """A finger rests on the main screen as the visit ends: lifting it on the attract
    screen must not wake the kiosk again."""
    window.wake()
    settle(window)
    point = QPoint(960, 300)
    qtbot.mousePress(window.main, Qt.MouseButton.LeftButton, pos=point)
    window.show_attract([solid_image("#336699")])
    assert window.current_screen() == "attract"
    clock.advance(1.0)  # long after the settle time: the press is still from before
    qtbot.mouseRelease(window.attract, Qt.MouseButton.LeftButton, pos=point)
    assert window.current_screen() == "attract"


def _open_pin(window: MainWindow) -> QWidget:
    window.open_pin_pad()
    return window.pin.digit_buttons["1"]


def _open_admin(window: MainWindow) -> QWidget:
    window.open_pin_pad()
    settle(window)
    for digit in "0000":
        window.pin.press_digit(digit)
    window.pin.submit()
    return window.admin.buttons["reload_catalog"]


def _open_review(window: MainWindow) -> QWidget:
    _open_admin(window)
    window.show_curation([])
    return window.curation.close_button


def _open_mood(window: MainWindow) -> QWidget:
    window.wake()
    window.open_mood_picker()
    return window.mood.back_button


def _open_main(window: MainWindow) -> QWidget:
    window.wake()
    return window.main.next_button


SCREENS: dict[str, Callable[[MainWindow], QWidget]] = {
    "main": _open_main, "mood": _open_mood, "pin": _open_pin, "admin": _open_admin,
    "curation": _open_review,
}


@pytest.mark.parametrize("screen", sorted(SCREENS))
def test_every_screen_ignores_taps_while_it_settles(
    window: MainWindow, qtbot: QtBot, clock: FakeClock, screen: str
) -> None:
    settle(window)
    target = SCREENS[screen](window)
    assert window.current_screen() == screen
    acted: list[Any] = []
    for signal in (window.next_requested, window.admin_action_requested,
                   window.mood_picker_requested):
        signal.connect(lambda *args: acted.append(args))
    before = (window.current_screen(), window.pin.entry_length())
    _tap(qtbot, target)
    assert acted == []
    assert (window.current_screen(), window.pin.entry_length()) == before
    clock.advance(touch_guard.SETTLE_S)
    _tap(qtbot, target)
    changed = (window.current_screen(), window.pin.entry_length()) != before
    assert acted or changed, f"the tap on {screen} did nothing after the settle time"


def test_the_consent_card_ignores_a_tap_as_it_appears(
    window: MainWindow, qtbot: QtBot, clock: FakeClock
) -> None:
    overlay = attach_consent(window, clock=clock)
    window.wake()
    settle(window)
    answers: list[str] = []
    overlay.answered.connect(answers.append)
    overlay.ask(retention_days=30)
    _tap(qtbot, overlay.yes_button)
    assert answers == [] and overlay.mode() == "ask"
    clock.advance(touch_guard.SETTLE_S)
    _tap(qtbot, overlay.no_button)
    assert answers == ["no"]
    overlay.close_prompt()


def test_the_corner_hold_release_does_not_type_a_digit(
    window: MainWindow, qtbot: QtBot, clock: FakeClock
) -> None:
    """The hold that opens the PIN pad ends on the pad; the next taps type normally."""
    window.wake()
    settle(window)
    qtbot.mousePress(window, Qt.MouseButton.LeftButton, pos=QPoint(10, 10))
    qtbot.waitUntil(lambda: window.current_screen() == "pin", timeout=2000)
    qtbot.mouseRelease(window, Qt.MouseButton.LeftButton, pos=QPoint(10, 10))
    assert window.pin.entry_length() == 0
    clock.advance(touch_guard.SETTLE_S)
    _tap(qtbot, window.pin.digit_buttons["7"])
    _tap(qtbot, window.pin.digit_buttons["8"])
    assert window.pin.entry_length() == 2
