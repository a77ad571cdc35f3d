"""The checker behind the no-elided-text test finds what a shopper would see cut."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QWidget
from pytestqt.qtbot import QtBot

from kiosk.ui.text_fit import text_problems
from kiosk.ui.widgets import TouchButton


def _window(qtbot: QtBot) -> QWidget:
    window = QWidget()
    qtbot.addWidget(window)
    window.resize(600, 400)
    return window


def test_an_elided_button_is_found(qtbot: QtBot) -> None:
    window = _window(qtbot)
    button = TouchButton("Approve this image", parent=window)
    button.setObjectName("approve")
    button.setGeometry(10, 10, 90, 60)
    window.show()
    problems = text_problems(window)
    assert problems and "approve" in problems[0] and "elided" in problems[0]
    button.setGeometry(10, 10, 500, 60)
    assert text_problems(window) == []


def test_a_label_too_small_or_outside_its_parent_is_found(qtbot: QtBot) -> None:
    window = _window(qtbot)
    short = QLabel("A sentence that needs more than one line here", window)
    short.setWordWrap(True)
    short.setGeometry(10, 10, 120, 20)
    window.show()
    assert any("height" in p for p in text_problems(window))
    short.setGeometry(10, 10, 580, 200)
    assert text_problems(window) == []
    narrow = QLabel("Unwrapped text", window)
    narrow.setGeometry(10, 250, 30, 40)
    narrow.show()
    assert any("width" in p for p in text_problems(window))
    narrow.setGeometry(550, 250, 200, 40)  # wide enough, but past the window's edge
    assert any("cut off" in p for p in text_problems(window))
