"""The window's input watchers share one application event filter
(`kiosk.ui.input_filters`): an event that is not input enters Python once, not once
per watcher."""

from __future__ import annotations

import sys
from collections.abc import Callable
from types import FrameType
from typing import Any

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from pytestqt.qtbot import QtBot

from kiosk.ui.exhibit import ExhibitGuard, apply_exhibit_mode
from kiosk.ui.input_filters import InputFilters
from kiosk.ui.main_window import MainWindow


def filter_calls(send: Callable[[], Any]) -> list[str]:
    """The Python `eventFilter` methods run while `send()` delivers an event."""
    calls: list[str] = []

    def profile(frame: FrameType, event: str, _arg: object) -> None:
        if event == "call" and frame.f_code.co_name == "eventFilter":
            calls.append(frame.f_code.co_qualname)

    sys.setprofile(profile)
    try:
        send()
    finally:
        sys.setprofile(None)
    return calls


def test_a_timer_or_paint_like_event_enters_python_once(make_window: Any, qtbot: QtBot) -> None:
    window: MainWindow = make_window()
    apply_exhibit_mode(window, keep_awake=False, stay_on_top=False)
    qtbot.waitExposed(window)
    target = QObject()
    calls = filter_calls(lambda: QCoreApplication.sendEvent(target, QEvent(QEvent.Type.User)))
    # one filter for the corner hold, the activity watch, the touch guard and the key guard
    # (four application filters before: four entries into Python for every event)
    assert calls == ["InputFilters.eventFilter"]
    window.close()


def test_input_still_reaches_every_watcher_in_order(make_window: Any, qtbot: QtBot) -> None:
    window: MainWindow = make_window()
    guard = apply_exhibit_mode(window, keep_awake=False, stay_on_top=False)
    qtbot.waitExposed(window)
    assert window.input_filters.watchers() == [
        window.corner_hold, window, window.touch_guard, guard]
    escape = QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_Escape, Qt.KeyboardModifier.NoModifier)
    calls = filter_calls(lambda: QCoreApplication.sendEvent(window, escape))
    # (Qt first offers it as a shortcut override, which only the key guard looks at)
    # the key press: the activity watch, then the key guard, which swallows Escape
    assert calls[-3:] == ["InputFilters.eventFilter", "MainWindow.eventFilter",
                          "ExhibitGuard.eventFilter"]
    assert escape.isAccepted()
    window.close()


class Swallow(QObject):
    def __init__(self, answer: bool) -> None:
        super().__init__()
        self.answer = answer
        self.seen: list[QEvent.Type] = []

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        self.seen.append(event.type())
        return self.answer


def test_a_watcher_that_swallows_ends_the_chain_and_types_not_asked_for_pass_by() -> None:
    filters = InputFilters()
    first, second = Swallow(True), Swallow(False)
    filters.add(first, [QEvent.Type.KeyPress])
    filters.add(second, [QEvent.Type.KeyPress, QEvent.Type.MouseMove])
    target = QObject()
    assert filters.eventFilter(target, QEvent(QEvent.Type.KeyPress)) is True
    assert filters.eventFilter(target, QEvent(QEvent.Type.MouseMove)) is False
    assert filters.eventFilter(target, QEvent(QEvent.Type.Timer)) is False
    assert first.seen == [QEvent.Type.KeyPress]
    assert second.seen == [QEvent.Type.MouseMove]


def test_without_the_window_filters_the_key_guard_is_its_own_application_filter(
        make_window: Any) -> None:
    from PySide6.QtWidgets import QWidget

    plain = QWidget()
    guard = apply_exhibit_mode(plain, keep_awake=False, stay_on_top=False)
    assert isinstance(guard, ExhibitGuard)
    escape = QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_Escape, Qt.KeyboardModifier.NoModifier)
    calls = filter_calls(lambda: QCoreApplication.sendEvent(plain, escape))
    assert "ExhibitGuard.eventFilter" in calls
    QCoreApplication.instance().removeEventFilter(guard)  # type: ignore[union-attr]
    plain.close()


def test_a_hidden_window_still_refuses_close_requests_and_swallows_escape(
        make_window: Any, qtbot: QtBot) -> None:
    """Minimised (a spontaneous hide: Windows' Win+D), the kiosk window is hidden but a
    window-manager close request (the taskbar's Close) must still be refused: the key
    guard was an application filter for the window's whole life, not only while shown.
    The corner hold, the activity watch and the touch guard stay off while hidden."""
    from PySide6.QtGui import QCloseEvent

    window: MainWindow = make_window()
    guard = apply_exhibit_mode(window, keep_awake=False, stay_on_top=False)
    qtbot.waitExposed(window)
    window.hide()
    close = QCloseEvent()
    calls = filter_calls(lambda: QCoreApplication.sendEvent(window, close))
    assert "ExhibitGuard.eventFilter" in calls  # old code: [] (the filter was removed)
    escape = QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_Escape, Qt.KeyboardModifier.NoModifier)
    calls = filter_calls(lambda: QCoreApplication.sendEvent(window, escape))
    assert calls[-2:] == ["InputFilters.eventFilter", "ExhibitGuard.eventFilter"]
    assert "MainWindow.eventFilter" not in calls  # no activity while hidden
    window.show()
    qtbot.waitExposed(window)
    assert window.input_filters.watchers()[-1] is guard
    calls = filter_calls(lambda: QCoreApplication.sendEvent(window, escape))
    assert "MainWindow.eventFilter" in calls  # shown again: the whole chain
    window.close()


def test_hidden_filters_run_only_the_watchers_that_watch_while_hidden() -> None:
    filters = InputFilters()
    shown_only, always = Swallow(False), Swallow(False)
    filters.add(shown_only, [QEvent.Type.KeyPress])
    assert not filters.while_hidden
    filters.add(always, [QEvent.Type.KeyPress], while_hidden=True)
    assert filters.while_hidden
    filters.hidden = True
    assert filters.eventFilter(QObject(), QEvent(QEvent.Type.KeyPress)) is False
    assert shown_only.seen == [] and always.seen == [QEvent.Type.KeyPress]
