"""Exhibit (kiosk) mode: frameless, fullscreen, on top, no cursor, no escape keys,
screen kept awake where the platform allows, and the hidden admin gesture.

Without a window manager nobody honours "stay on top": `StayOnTop`
(kiosk.ui.stay_on_top) re-raises and refocuses the window when it is covered,
deactivated or minimised, and every few seconds while shown.

What Qt cannot do: Alt+Tab and Alt+F4 are handled by the window manager
before Qt sees them on most desktops; the filter swallows them when they do
arrive, and refuses window-manager close requests. Lock the session down with
the OS (a kiosk user, a single-app compositor such as cage, or Windows
Assigned Access). On Linux, Qt has no screen-saver API: the systemd unit runs
`xset s off -dpms` (X11) or the compositor's idle setting handles DPMS.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QPoint, QRect, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QGuiApplication, QKeyEvent, QMouseEvent, QWindow
from PySide6.QtWidgets import QWidget

from kiosk.ui.input_filters import InputFilters
from kiosk.ui.screens import screen_of
from kiosk.ui.stay_on_top import StayOnTop

log = logging.getLogger(__name__)

CORNER_DP = 80.0

_BLOCKED_KEYS: tuple[tuple[Qt.KeyboardModifier, Qt.Key], ...] = (
    (Qt.KeyboardModifier.AltModifier, Qt.Key.Key_F4),
    (Qt.KeyboardModifier.AltModifier, Qt.Key.Key_Tab),
    (Qt.KeyboardModifier.ControlModifier, Qt.Key.Key_W),
    (Qt.KeyboardModifier.ControlModifier, Qt.Key.Key_Q),
    (Qt.KeyboardModifier.NoModifier, Qt.Key.Key_Escape),
    (Qt.KeyboardModifier.NoModifier, Qt.Key.Key_F11),
)


def is_blocked_key(event: QKeyEvent) -> bool:
    """True for the key combinations that would leave or close the kiosk."""
    mods = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
    key = event.key()
    for need, blocked in _BLOCKED_KEYS:
        if key != blocked:
            continue
        if need == Qt.KeyboardModifier.NoModifier or mods & need:
            return True
    return key == Qt.Key.Key_Backtab and bool(mods & Qt.KeyboardModifier.AltModifier)


class ExhibitGuard(QObject):
    """Application event filter that swallows escape keys and refuses
    window-manager close requests for `window` (a program `close()` still works).
    `EVENTS`: the event types it looks at."""

    EVENTS = frozenset({QEvent.Type.KeyPress, QEvent.Type.ShortcutOverride,
                        QEvent.Type.KeyRelease, QEvent.Type.Close})

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self.setObjectName("exhibit-guard")
        self._window = window
        self.on_top: StayOnTop | None = None  # set by apply_exhibit_mode

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        etype = event.type()
        if etype in (QEvent.Type.KeyPress, QEvent.Type.ShortcutOverride, QEvent.Type.KeyRelease):
            if isinstance(event, QKeyEvent) and is_blocked_key(event):
                event.accept()
                return True
        elif etype == QEvent.Type.Close and obj is self._window and event.spontaneous():
            if isinstance(event, QCloseEvent):
                event.ignore()
            log.info("exhibit mode: ignored a close request from the window manager")
            return True
        return False


def keep_screen_awake(platform: str = sys.platform) -> bool:
    """Ask the OS to keep the display on; True where that was done.

    Windows: SetThreadExecutionState(ES_CONTINUOUS | ES_DISPLAY_REQUIRED |
    ES_SYSTEM_REQUIRED). Linux: nothing here (the systemd unit / xset handles
    DPMS). macOS: run the kiosk under `caffeinate -d`."""
    if platform == "win32":
        try:
            import ctypes

            es_continuous, es_system, es_display = 0x80000000, 0x00000001, 0x00000002
            windll = ctypes.windll  # type: ignore[attr-defined,unused-ignore]
            result = windll.kernel32.SetThreadExecutionState(
                es_continuous | es_system | es_display
            )
            return bool(result)
        except (AttributeError, OSError) as exc:
            log.warning("could not keep the screen awake: %s", exc)
            return False
    log.info("screen keep-awake is left to the OS on %s (systemd unit / xset -dpms)", platform)
    return False


def windowed_geometry(area: QRect, width: int = 1280, height: int = 800) -> QRect:
    """Where a window of `width` x `height` px goes in a screen's available `area`:
    turned to the area's orientation (a landscape size becomes portrait on a portrait
    screen, and the reverse), shrunk to fit the area, and centred on it."""
    if width != height and (area.height() > area.width()) != (height > width):
        width, height = height, width
    rect = QRect(0, 0, min(width, area.width()), min(height, area.height()))
    rect.moveCenter(area.center())
    return rect


def show_windowed(window: QWidget, width: int = 1280, height: int = 800) -> QRect:
    """Show `window` at `width` x `height` px, turned to the screen's orientation,
    shrunk to its available area and centred on it (`windowed_geometry`), so no part
    (the privacy notice, Next) lies off a smaller or portrait screen when no window
    manager places it. Returns the geometry it was given."""
    screen = screen_of(window)
    area = screen.availableGeometry() if screen is not None else QRect(0, 0, width, height)
    rect = windowed_geometry(area, width, height)
    window.setGeometry(rect)
    window.show()
    return rect


def apply_exhibit_mode(window: QWidget, *, keep_awake: bool = True,
                       stay_on_top: bool = True) -> ExhibitGuard:
    """Frameless fullscreen on top, blank cursor, escape keys swallowed, re-raised
    when covered; returns the installed guard (parented to the window, so it goes
    with it; its `on_top` is the StayOnTop watcher, or None)."""
    window.setWindowFlags(
        window.windowFlags()
        | Qt.WindowType.FramelessWindowHint
        | Qt.WindowType.WindowStaysOnTopHint
    )
    window.setCursor(Qt.CursorShape.BlankCursor)
    guard = ExhibitGuard(window)
    filters = getattr(window, "input_filters", None)
    app = QGuiApplication.instance()
    if isinstance(filters, InputFilters):
        # the window's one application filter; for the window's whole life, as the guard's
        # own filter was (a minimised window still refuses a close request)
        filters.add(guard, ExhibitGuard.EVENTS, while_hidden=True)
    elif app is not None:
        app.installEventFilter(guard)
    if keep_awake:
        keep_screen_awake()
    screen = screen_of(window)
    if screen is not None:
        # Without a window manager (a bare X session) fullscreen is only a hint:
        # cover the screen explicitly so the kiosk never comes up as a small window.
        window.setGeometry(screen.geometry())
    if stay_on_top:
        guard.on_top = StayOnTop(window)
    window.showFullScreen()
    return guard


class CornerHold(QObject):
    """The hidden admin gesture: a press held for `hold_s` inside the top-left
    `CORNER_DP` × `CORNER_DP` corner of `window`. No hover or visual hint. `EVENTS`:
    the event types its filter looks at.

    Signals:
        triggered(): the hold completed; the release that follows is swallowed.
    """

    triggered = Signal()
    EVENTS = frozenset({QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonRelease,
                        QEvent.Type.MouseMove})

    def __init__(
        self, window: QWidget, hold_s: float, dp: Callable[[], float] | None = None
    ) -> None:
        super().__init__(window)
        self.setObjectName("corner-hold")
        self._window = window
        self._dp = dp or (lambda: 1.0)
        self._swallow_release = False
        self._timer = QTimer(self)
        self._timer.setObjectName("corner-hold-timer")
        self._timer.setSingleShot(True)
        self._timer.setInterval(max(1, round(hold_s * 1000)))
        self._timer.timeout.connect(self._fire)

    def set_hold_s(self, hold_s: float) -> None:
        self._timer.setInterval(max(1, round(hold_s * 1000)))

    def is_holding(self) -> bool:
        return self._timer.isActive()

    def stop(self) -> None:
        self._timer.stop()

    def corner(self) -> QRect:
        side = round(CORNER_DP * self._dp())
        return QRect(0, 0, side, side)

    def _ours(self, obj: QObject) -> bool:
        if isinstance(obj, QWidget):
            return obj.window() is self._window
        if isinstance(obj, QWindow):
            return obj is self._window.windowHandle()
        return False

    def _fire(self) -> None:
        self._swallow_release = True
        self.triggered.emit()

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        etype = event.type()
        if etype not in self.EVENTS or not isinstance(event, QMouseEvent) or not self._ours(obj):
            return False
        local: QPoint = self._window.mapFromGlobal(event.globalPosition().toPoint())
        inside = self.corner().contains(local)
        if etype == QEvent.Type.MouseButtonPress:
            if inside and not self._timer.isActive():
                self._swallow_release = False
                self._timer.start()
        elif etype == QEvent.Type.MouseMove:
            if not inside:
                self._timer.stop()
        else:
            self._timer.stop()
            if self._swallow_release:
                self._swallow_release = False
                return True
        return False
