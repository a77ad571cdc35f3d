"""Exhibit mode without a window manager: another window that covers, steals the
focus from or minimises the kiosk is undone by StayOnTop; the kiosk's own dialogs
are left alone. Offscreen Qt does activation and exposure like a bare X server
without a window manager: nobody but the program itself raises a window."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import QEvent
from PySide6.QtGui import QExposeEvent, QRegion
from PySide6.QtWidgets import QApplication, QDialog, QWidget
from pytestqt.qtbot import QtBot

from kiosk.ui.exhibit import apply_exhibit_mode
from kiosk.ui.main_window import MainWindow
from kiosk.ui.stay_on_top import StayOnTop


@pytest.fixture
def kiosk(make_window: Any, qtbot: QtBot) -> Iterator[tuple[MainWindow, StayOnTop]]:
    window: MainWindow = make_window()
    on_top = StayOnTop(window, check_s=0.05, settle_ms=0)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    yield window, on_top
    on_top.stop()


def test_a_foreign_window_taking_the_focus_is_undone(
    kiosk: tuple[MainWindow, StayOnTop], qtbot: QtBot
) -> None:
    window, on_top = kiosk
    intruder = QWidget()  # a parentless plain window: what another program's looks like
    qtbot.addWidget(intruder)
    intruder.resize(400, 300)
    with qtbot.waitSignal(on_top.reraised, timeout=3000) as signal:
        intruder.show()
        intruder.activateWindow()
    assert signal.args[0] in ("deactivated", "not focused")
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=3000)
    assert on_top.count >= 1


def test_a_fully_covered_window_is_raised(
    kiosk: tuple[MainWindow, StayOnTop], qtbot: QtBot
) -> None:
    window, on_top = kiosk
    handle = window.windowHandle()
    assert handle is not None
    with qtbot.waitSignal(on_top.reraised, timeout=3000) as signal:
        QApplication.sendEvent(handle, QExposeEvent(QRegion()))  # what X11 reports
    assert signal.args == ["covered"]


def test_a_minimised_window_comes_back(
    kiosk: tuple[MainWindow, StayOnTop], qtbot: QtBot
) -> None:
    window, on_top = kiosk
    with qtbot.waitSignal(on_top.reraised, timeout=3000) as signal:
        window.showMinimized()
    assert signal.args == ["minimised"]
    qtbot.waitUntil(lambda: not window.isMinimized(), timeout=3000)


def test_the_kiosk_s_own_dialog_keeps_the_focus(
    kiosk: tuple[MainWindow, StayOnTop], qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    window, on_top = kiosk
    raised: list[int] = []
    real = on_top._raise_all

    def counting_raise() -> None:
        raised.append(1)
        real()

    monkeypatch.setattr(on_top, "_raise_all", counting_raise)
    dialog = QDialog(window)
    dialog.show()
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    qtbot.waitUntil(lambda: len(raised) >= 3, timeout=3000)  # periodic checks ran
    assert QApplication.activeWindow() is dialog
    assert on_top.count == 0
    dialog.close()


def test_exhibit_mode_installs_it_and_it_stops_with_the_window(
    make_window: Any, qtbot: QtBot
) -> None:
    window: MainWindow = make_window()
    guard = apply_exhibit_mode(window, keep_awake=False)
    qtbot.waitExposed(window)
    assert isinstance(guard.on_top, StayOnTop)
    assert guard.on_top._check.isActive()
    window.close()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    assert not guard.on_top._check.isActive() and not guard.on_top._soon.isActive()
    assert apply_exhibit_mode(make_window(), keep_awake=False, stay_on_top=False).on_top is None
