"""The touch guard: a screen that has just appeared takes no touch that began before it.

A tap that changes the screen (wake the attract screen, "Choose my mood", Unlock,
a consent card popping up) must not also act on the screen it revealed: the
release, a synthesized mouse event or a quick second tap would land on whatever
now sits under the finger (one tap on "Choose my mood" picked "Disgusted"). The
usual guard, as an application event filter over one window:

* a release (mouse or touch) whose press was not seen since the last screen
  change is swallowed, and so is a drag (move with a button held) without its press;
* every press in the first `settle_s` seconds after a screen change is swallowed,
  together with its release.

The window calls `screen_changed()` on every screen change. One event reaches the
application's filters once per receiver (the QWindow, then the widget, then its
parents when ignored); the guard decides once per event and repeats that decision
for the later deliveries of the same event (same type and timestamp).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QInputEvent, QMouseEvent, QWindow
from PySide6.QtWidgets import QWidget

log = logging.getLogger(__name__)

SETTLE_S = 0.35
"""Seconds after a screen change during which presses are ignored (a fast second
tap is ~0.15-0.3 s; a deliberate tap on a new screen comes later)."""

_T = QEvent.Type
_MOUSE_PRESS = frozenset({_T.MouseButtonPress, _T.MouseButtonDblClick})
_TOUCH_PRESS = frozenset({_T.TouchBegin})
_MOUSE_REST = frozenset({_T.MouseButtonRelease, _T.MouseMove})
_TOUCH_REST = frozenset({_T.TouchUpdate, _T.TouchEnd})
_GUARDED = _MOUSE_PRESS | _TOUCH_PRESS | _MOUSE_REST | _TOUCH_REST | {_T.TouchCancel}


class TouchGuard(QObject):
    """Application event filter for `window` (install it while the window is shown).

    `clock` is monotonic seconds (a fake clock in tests). No signals. `EVENTS`: the
    event types its filter looks at."""

    clock: Callable[[], float]
    EVENTS = _GUARDED

    def __init__(
        self,
        window: QWidget,
        *,
        settle_s: float = SETTLE_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(window)
        self.setObjectName("touch-guard")
        self._window = window
        self.clock = clock
        self.settle_s = settle_s
        self._changed_at = -1e18
        self._mouse_down = False
        self._touch_down = False
        self._last: tuple[int, int, bool] | None = None  # (type, timestamp, swallowed)
        self.swallowed = 0  # events swallowed so far (for tests and the log)

    def screen_changed(self) -> None:
        """A new screen (or a modal card) is showing: start the settle time, and
        forget presses made on the previous one."""
        self._changed_at = self.clock()
        self._mouse_down = False
        self._touch_down = False
        self._last = None

    def settled(self) -> bool:
        """True once the settle time since the last screen change is over."""
        return self.remaining_s() <= 0.0

    def remaining_s(self) -> float:
        """Seconds left of the settle time (0 when settled)."""
        return max(0.0, self.settle_s - (self.clock() - self._changed_at))

    def _ours(self, obj: QObject) -> bool:
        if isinstance(obj, QWidget):
            return obj.window() is self._window
        if isinstance(obj, QWindow):
            return obj is self._window.windowHandle()
        return False

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        etype = event.type()
        if etype not in _GUARDED or not isinstance(event, QInputEvent) or not self._ours(obj):
            return False
        key = (int(etype.value), int(event.timestamp()))
        if self._last is not None and self._last[:2] == key:
            return self._last[2]  # the same event, delivered to the next receiver
        swallow = self._decide(etype, event)
        self._last = (*key, swallow)
        if swallow:
            self.swallowed += 1
            log.debug("touch guard: ignored %s on %s", etype.name, type(obj).__name__)
        return swallow

    def _decide(self, etype: QEvent.Type, event: QInputEvent) -> bool:
        if etype in _MOUSE_PRESS or etype in _TOUCH_PRESS:
            if not self.settled():
                return True  # its release finds no press and is swallowed too
            if etype in _MOUSE_PRESS:
                self._mouse_down = True
            else:
                self._touch_down = True
            return False
        if etype == _T.TouchCancel:
            self._touch_down = False
            return False
        if etype == _T.MouseMove:
            held = isinstance(event, QMouseEvent) and bool(event.buttons())
            return held and not self._mouse_down
        if etype in _MOUSE_REST:  # release
            swallow = not self._mouse_down
            if isinstance(event, QMouseEvent) and not event.buttons():
                self._mouse_down = False
            return swallow
        # touch update / end
        swallow = not self._touch_down
        if etype == _T.TouchEnd:
            self._touch_down = False
        return swallow
