"""Finding the screen a widget is on without `QWidget.screen()`.

PySide6 (6.11) ties the Python wrapper that `QWidget.screen()` (and
`QWindow.screen()`) returns to the widget's wrapper, as if the widget owned the
screen. When a second widget asks, the wrapper moves to it; if that widget's wrapper
is then freed by the garbage collector (it sits in a reference cycle), the wrapper
is handed back to Python and freed with the application's real `QScreen`. Qt keeps
the dangling screen in its list, and the next widget created crashes the process
(segmentation fault in `QScreen::virtualSiblings`, from `QWidget`'s constructor).
The test suite hit it whenever a collection fell between two out-of-order page
tests. The static `QGuiApplication` look-ups below return the same screen with no
owner, so nothing frees it.
"""

from __future__ import annotations

from PySide6.QtGui import QGuiApplication, QScreen
from PySide6.QtWidgets import QWidget


def screen_of(widget: QWidget) -> QScreen | None:
    """The screen under the centre of `widget`'s window, else the primary screen
    (None only without any screen). Use this, never `widget.screen()`."""
    centre = widget.window().geometry().center()
    return QGuiApplication.screenAt(centre) or QGuiApplication.primaryScreen()
