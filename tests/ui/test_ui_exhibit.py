"""Exhibit mode: window flags, cursor, swallowed keys, keep-awake."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QCloseEvent, QKeyEvent
from pytestqt.qtbot import QtBot

from kiosk.ui.exhibit import ExhibitGuard, apply_exhibit_mode, is_blocked_key, keep_screen_awake
from kiosk.ui.main_window import MainWindow


def key(k: Qt.Key, mods: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> QKeyEvent:
    return QKeyEvent(QEvent.Type.KeyPress, k, mods)


def test_escape_keys_are_blocked_and_others_pass() -> None:
    alt, ctrl = Qt.KeyboardModifier.AltModifier, Qt.KeyboardModifier.ControlModifier
    for k, mods in [
        (Qt.Key.Key_F4, alt), (Qt.Key.Key_Tab, alt), (Qt.Key.Key_W, ctrl),
        (Qt.Key.Key_Q, ctrl), (Qt.Key.Key_Escape, Qt.KeyboardModifier.NoModifier),
        (Qt.Key.Key_F11, Qt.KeyboardModifier.NoModifier),
    ]:
        assert is_blocked_key(key(k, mods)), (k, mods)
    assert not is_blocked_key(key(Qt.Key.Key_A))
    assert not is_blocked_key(key(Qt.Key.Key_F4))
    assert not is_blocked_key(key(Qt.Key.Key_W))


def test_apply_exhibit_mode(make_window: Any, qtbot: QtBot) -> None:
    window: MainWindow = make_window()
    guard = apply_exhibit_mode(window, keep_awake=False)
    qtbot.waitExposed(window)
    flags = window.windowFlags()
    assert flags & Qt.WindowType.FramelessWindowHint
    assert flags & Qt.WindowType.WindowStaysOnTopHint
    assert window.cursor().shape() == Qt.CursorShape.BlankCursor
    assert window.isFullScreen()
    assert isinstance(guard, ExhibitGuard)
    assert guard.eventFilter(window, key(Qt.Key.Key_Escape)) is True
    assert guard.eventFilter(window, key(Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier))
    assert guard.eventFilter(window, key(Qt.Key.Key_A)) is False
    # Only window-manager (spontaneous) close requests are refused: the program's own
    # close (admin Exit) still works.
    assert guard.eventFilter(window, QCloseEvent()) is False
    window.close()
    assert not window.isVisible()


def test_keep_screen_awake_is_left_to_the_os_on_linux() -> None:
    assert keep_screen_awake("linux") is False
    assert keep_screen_awake("darwin") is False
