"""Exhibit mode without a window manager: keep the kiosk on top and focused.

`WindowStaysOnTopHint` is a request to a window manager; on a bare X session (no
window manager, `startx kiosk`) nobody honours it, and any other program's window
(an updater, a crash dialog, a terminal) covers the grid for good. `StayOnTop`
raises and refocuses the kiosk window itself:

- at once (after `SETTLE_MS`, to let a burst of events pass) when the window is
  deactivated, fully covered (Qt reports it as no longer exposed), or minimised;
- every `CHECK_S` seconds while it is shown, for a window that covers only part of
  it (which no event reports): the window is raised, and refocused when neither
  it nor one of its own dialogs has the focus.

The kiosk's own dialogs, popups and tool windows are never covered: after the
main window is raised they are raised above it again, and while one of them has
the focus the main window does not take it away.

Signals:
    reraised(str reason): the window was raised and refocused ("deactivated",
        "covered", "minimised", "not focused").
"""

from __future__ import annotations

import logging
import warnings

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QExposeEvent, QGuiApplication
from PySide6.QtWidgets import QApplication, QWidget

log = logging.getLogger(__name__)

CHECK_S = 2.0  # periodic raise while shown (covers what no event reports)
SETTLE_MS = 150  # after a deactivation/cover event, before raising

# Platforms without window stacking (raise() only warns there): focus is still taken.
NO_RAISE_PLATFORMS = frozenset({"offscreen", "minimal", "eglfs", "linuxfb", "vnc", "wayland"})

_OWN_KINDS = frozenset({
    Qt.WindowType.Dialog, Qt.WindowType.Popup, Qt.WindowType.Tool, Qt.WindowType.ToolTip,
    Qt.WindowType.Sheet, Qt.WindowType.Drawer, Qt.WindowType.SplashScreen,
})


class StayOnTop(QObject):
    """Re-raises and refocuses `window` when covered (see the module docstring)."""

    reraised = Signal(str)

    def __init__(self, window: QWidget, *, check_s: float = CHECK_S,
                 settle_ms: int = SETTLE_MS) -> None:
        super().__init__(window)
        self.setObjectName("stay-on-top")
        self._window = window
        self._reason = ""
        self.count = 0  # re-raises so far (for tests and the log)
        self._soon = QTimer(self)
        self._soon.setObjectName("stay-on-top-soon")
        self._soon.setSingleShot(True)
        self._soon.setInterval(max(0, settle_ms))
        self._soon.timeout.connect(self._reraise)
        self._check = QTimer(self)
        self._check.setObjectName("stay-on-top-check")
        self._check.setInterval(max(1, round(check_s * 1000)))
        self._check.timeout.connect(self._periodic)
        window.installEventFilter(self)
        if window.isVisible():
            self._watch_handle()
            self._check.start()

    def stop(self) -> None:
        """Stop watching (the window is closing or leaving exhibit mode)."""
        self._soon.stop()
        self._check.stop()
        self._window.removeEventFilter(self)
        handle = self._window.windowHandle()
        if handle is not None:
            handle.removeEventFilter(self)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        etype = event.type()
        if obj is self._window:
            if etype == QEvent.Type.Show:
                self._watch_handle()
                self._check.start()
            elif etype == QEvent.Type.Close or (
                etype == QEvent.Type.Hide and not self._window.isMinimized()
            ):  # closed or hidden by the program: stop; minimised: bring it back
                self._soon.stop()
                self._check.stop()
            elif etype == QEvent.Type.WindowDeactivate:
                self._schedule("deactivated")
            elif etype == QEvent.Type.WindowStateChange and self._window.isMinimized():
                self._schedule("minimised")
        elif (etype == QEvent.Type.Expose and isinstance(event, QExposeEvent)
              and _covered(event) and self._window.isVisible()):
            self._schedule("covered")
        return False

    def _watch_handle(self) -> None:
        handle = self._window.windowHandle()
        if handle is not None:
            handle.removeEventFilter(self)  # never twice
            handle.installEventFilter(self)

    def _schedule(self, reason: str) -> None:
        if not self._window.isVisible():
            return
        self._reason = reason
        self._soon.start()

    def _periodic(self) -> None:
        if not self._window.isVisible():
            self._check.stop()
            return
        if not self._own_has_focus():
            self._reason = "not focused"
            self._reraise()
        else:
            self._raise_all()  # partly covered is invisible to events: raise anyway

    def _own_has_focus(self) -> bool:
        active = QApplication.activeWindow()
        return active is not None and (active is self._window or self._is_own(active))

    def _is_own(self, widget: QWidget) -> bool:
        """The kiosk's own dialogs and popups (a plain parentless window is not)."""
        if widget is self._window:
            return True
        kind = widget.windowType()
        parent = widget.parentWidget()
        return kind in _OWN_KINDS or (parent is not None and parent.window() is self._window)

    def _raise_all(self) -> None:
        if QGuiApplication.platformName() in NO_RAISE_PLATFORMS:
            return
        self._window.raise_()
        for top in QApplication.topLevelWidgets():
            if top is not self._window and top.isVisible() and self._is_own(top):
                top.raise_()

    def _reraise(self) -> None:
        window = self._window
        if not window.isVisible():
            return
        active = QApplication.activeWindow()
        if active is not None and active is not window and self._is_own(active):
            self._raise_all()  # our own dialog has the focus: keep it, just stay above others
            return
        if window.isMinimized():  # restore, keeping fullscreen if it was
            window.setWindowState(window.windowState() & ~Qt.WindowState.WindowMinimized)
            window.show()
        self._raise_all()
        window.activateWindow()
        self.count += 1
        reason = self._reason or "covered"
        log.info("exhibit mode: window %s; raised and refocused (#%d)", reason, self.count)
        self.reraised.emit(reason)


def _covered(event: QExposeEvent) -> bool:
    """True for the expose event X11 sends a fully covered window (an empty region).

    `region()` is deprecated in Qt 6 in favour of `QWindow.isExposed()`, but the xcb
    plugin keeps a covered, mapped window "exposed": the region is the only signal."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        return bool(event.region().isEmpty())
