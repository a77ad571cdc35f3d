"""Fixtures for the UI tests: a shown MainWindow on a fake clock, Korean on demand."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication, QEvent
from pytestqt.qtbot import QtBot

from kiosk.ui.i18n import install_translator
from kiosk.ui.main_window import MainWindow
from kiosk.ui.testing import FakeClock


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def make_window(qtbot: QtBot, clock: FakeClock) -> Iterator[Any]:
    """`make_window(width=1920, height=1080, **MainWindow kwargs)`: shown, closed after."""
    made: list[MainWindow] = []

    def make(width: int = 1920, height: int = 1080, **kwargs: Any) -> MainWindow:
        kwargs.setdefault("corner_hold_s", 0.05)
        win = MainWindow(clock=clock, **kwargs)
        qtbot.addWidget(win)
        win.resize(width, height)
        win.show()
        qtbot.waitExposed(win)
        made.append(win)
        return win

    yield make
    for win in made:
        win.close()
        win.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


@pytest.fixture
def window(make_window: Any) -> MainWindow:
    win: MainWindow = make_window()
    return win


@pytest.fixture
def korean(qapp: QCoreApplication) -> Iterator[None]:
    assert install_translator(qapp, "ko")
    yield
    install_translator(qapp, "en")
