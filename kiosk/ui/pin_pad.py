"""The staff PIN pad behind the hidden corner gesture.

Big digits (touch, or the keyboard's digits, Backspace, Enter and Escape), the
entry shown only as dots, checked with `kiosk.config.check_pin` against the stored
salted hash. While the PIN is still the factory 0000 the pad says so and logs a
warning. Five wrong PINs lock the pad for 60 s; the lock
survives closing and reopening the pad (it lives on this widget, which the
window keeps), and the countdown timer runs only while the pad is shown.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable

from PySide6.QtCore import QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QFont, QHideEvent, QKeyEvent, QPainter, QPaintEvent, QPen, QShowEvent
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from kiosk.config import check_pin, is_factory_pin
from kiosk.ui import icons, theme
from kiosk.ui.widgets import TouchButton

log = logging.getLogger(__name__)

MAX_DIGITS = 8
MAX_TRIES = 5
LOCKOUT_S = 60.0


class PinDots(QWidget):
    """The masked entry: one filled dot per digit typed."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._count = 0
        self._error = False
        self._metrics = theme.Metrics()
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def set_state(self, count: int, error: bool = False) -> None:
        self._count = count
        self._error = error
        self.update()

    def set_metrics(self, m: theme.Metrics) -> None:
        self._metrics = m
        self.setFixedHeight(m.px(56))

    def sizeHint(self) -> QSize:
        return QSize(self._metrics.px(400), self._metrics.px(56))

    def paintEvent(self, event: QPaintEvent) -> None:
        m = self._metrics
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        shown = max(4, self._count)
        r = m.px(14)
        step = m.px(48)
        x0 = self.width() / 2 - step * (shown - 1) / 2
        color = theme.DANGER if self._error else theme.TEXT
        for i in range(shown):
            p.setPen(QPen(color, m.px(3)))
            p.setBrush(color if i < self._count else Qt.BrushStyle.NoBrush)
            p.drawEllipse(QRectF(x0 + i * step - r, self.height() / 2 - r, 2 * r, 2 * r))
        p.end()


class PinPad(QWidget):
    """Signals:
    accepted(): the right PIN was entered.
    cancelled(): the operator tapped Cancel.
    """

    accepted = Signal()
    cancelled = Signal()

    def __init__(
        self,
        pin_hash: str = "",
        parent: QWidget | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(parent)
        self._pin_hash = pin_hash
        self._factory = False
        self._clock = clock
        self._entry = ""
        self._wrong = 0
        self._locked_until = 0.0
        self._error = ""
        self._metrics = theme.Metrics()
        self._timer = QTimer(self)
        self._timer.setObjectName("pin-lockout-timer")
        self._timer.setInterval(1000)
        self._timer.timeout.connect(self._refresh)

        self.title = QLabel(self)
        self.title.setObjectName("pin-title")
        self.status = QLabel(self)
        self.status.setObjectName("pin-status")
        for label in (self.title, self.status):
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            label.setTextFormat(Qt.TextFormat.PlainText)
            label.setWordWrap(True)
        self.dots = PinDots(self)
        self.digit_buttons: dict[str, TouchButton] = {}
        self._keys = QGridLayout()
        for i, digit in enumerate("123456789"):
            self._keys.addWidget(self._digit(digit), i // 3, i % 3)
        self.clear_button = TouchButton(
            "", variant="ghost", size="big", text_role="body", parent=self
        )
        self.clear_button.setObjectName("pin-clear")
        self.clear_button.clicked.connect(self.clear)
        self.back_button = TouchButton(
            "", icon=icons.draw_backspace, variant="ghost", size="big", parent=self
        )
        self.back_button.setObjectName("pin-backspace")
        self.back_button.clicked.connect(self.backspace)
        self._keys.addWidget(self.clear_button, 3, 0)
        self._keys.addWidget(self._digit("0"), 3, 1)
        self._keys.addWidget(self.back_button, 3, 2)
        self.cancel_button = TouchButton("", variant="secondary", size="big", parent=self)
        self.cancel_button.setObjectName("pin-cancel")
        self.cancel_button.clicked.connect(self._on_cancel)
        self.ok_button = TouchButton("", variant="primary", size="big", parent=self)
        self.ok_button.setObjectName("pin-ok")
        self.ok_button.clicked.connect(self.submit)

        actions = QHBoxLayout()
        actions.addWidget(self.cancel_button, 1)
        actions.addWidget(self.ok_button, 1)
        self._column = QVBoxLayout()
        self._column.addWidget(self.title)
        self._column.addWidget(self.dots)
        self._column.addWidget(self.status)
        self._column.addLayout(self._keys)
        self._column.addLayout(actions)
        self._actions = actions
        outer = QHBoxLayout(self)
        outer.addStretch(1)
        outer.addLayout(self._column)
        outer.addStretch(1)
        self._outer = outer
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # the keyboard's digits type too
        self.set_pin_hash(pin_hash)

    def _digit(self, digit: str) -> TouchButton:
        button = TouchButton(digit, variant="secondary", size="big", parent=self)
        button.setObjectName(f"pin-digit-{digit}")
        button.clicked.connect(lambda _=False, d=digit: self.press_digit(d))
        self.digit_buttons[digit] = button
        return button

    # ------------------------------------------------------------------ API

    def set_pin_hash(self, pin_hash: str) -> None:
        self._pin_hash = pin_hash
        self._factory = is_factory_pin(pin_hash)
        if self._factory:
            log.warning("the staff PIN is still the factory 0000: set your own with "
                        "`kiosk-admin pin` and put the hash in [ui] admin_pin_hash")
        self.retranslate()

    def is_factory_pin(self) -> bool:
        """True while the PIN is the factory 0000 (the admin panel warns about it)."""
        return self._factory

    def entry_length(self) -> int:
        return len(self._entry)

    def is_locked(self) -> bool:
        return self._clock() < self._locked_until

    def seconds_left(self) -> int:
        # rounded first: 60.000000001 s of float noise is still "60 s"
        return max(0, math.ceil(round(self._locked_until - self._clock(), 3)))

    def reset(self) -> None:
        """Clear the entry and message (not the lock-out)."""
        self._entry = ""
        self._error = ""
        self._refresh()

    def press_digit(self, digit: str) -> None:
        if self.is_locked() or len(self._entry) >= MAX_DIGITS:
            return
        self._entry += digit
        self._error = ""
        self._refresh()

    def backspace(self) -> None:
        self._entry = self._entry[:-1]
        self._refresh()

    def clear(self) -> None:
        self._entry = ""
        self._refresh()

    def submit(self) -> None:
        if self.is_locked() or not self._entry:
            return
        entry, self._entry = self._entry, ""
        if check_pin(entry, self._pin_hash):
            self._wrong = 0
            self._error = ""
            self._refresh()
            self.accepted.emit()
            return
        self._wrong += 1
        # A store should see that someone tried to guess the staff PIN (never the
        # digits tried: they may be one off the real PIN).
        if self._wrong >= MAX_TRIES:
            log.warning("admin PIN pad locked for %d s after %d wrong PINs in a row",
                        LOCKOUT_S, self._wrong)
            self._wrong = 0
            self._locked_until = self._clock() + LOCKOUT_S
            if self.isVisible():
                self._timer.start()
        else:
            log.warning("wrong admin PIN entered (%d of %d tries before the pad locks)",
                        self._wrong, MAX_TRIES)
        self._error = "wrong"
        self._refresh()

    def _on_cancel(self) -> None:
        self.reset()
        self.cancelled.emit()

    # ------------------------------------------------------------------ display

    def _refresh(self) -> None:
        locked = self.is_locked()
        if not locked and self._timer.isActive():
            self._timer.stop()
        for button in [*self.digit_buttons.values(), self.ok_button, self.back_button,
                       self.clear_button]:
            button.setEnabled(not locked)
        self.dots.set_state(len(self._entry), error=self._error == "wrong")
        self.status.setText(self._status_text(locked))
        color = theme.DANGER if (locked or self._error) else theme.TEXT_MUTED
        self.status.setStyleSheet(f"color: {color.name()};")

    def _status_text(self, locked: bool) -> str:
        if locked:
            # a no-break space keeps "60 s" together when the line wraps
            return self.tr("Too many wrong tries. Try again in %1 s.").replace(
                "%1 ", "%1\u00a0").replace("%1", str(self.seconds_left()))
        if self._error == "wrong":
            left = MAX_TRIES - self._wrong
            return self.tr("Wrong PIN. %1 tries left.").replace("%1", str(left))
        if self._factory:
            return self.tr("Enter the staff PIN (still the factory PIN: change it)")
        return self.tr("Enter the staff PIN")

    def retranslate(self) -> None:
        self.title.setText(self.tr("Staff access"))
        self.clear_button.setText(self.tr("Clear"))
        self.cancel_button.setText(self.tr("Cancel"))
        self.ok_button.setText(self.tr("Unlock"))
        self._refresh()

    def set_metrics(self, m: theme.Metrics) -> None:
        self._metrics = m
        self.title.setFont(theme.font(m.headline, QFont.Weight.Bold))
        self.title.setStyleSheet(f"color: {theme.TEXT.name()};")
        self.status.setFont(theme.font(m.body))
        self._keys.setSpacing(m.px(20))
        self._actions.setSpacing(m.px(20))
        self._column.setSpacing(m.px(24))
        self._outer.setContentsMargins(m.margin, m.margin, m.margin, m.margin)
        w, h = m.touch(168), m.touch(124)
        for button in [*self.digit_buttons.values(), self.clear_button, self.back_button]:
            button.setFixedSize(w, h)
            button.set_radius(m.radius)
        for button in (self.cancel_button, self.ok_button):
            button.set_radius(m.radius)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Digits (main row or keypad), Backspace, Delete (clear), Enter, Escape."""
        key = event.key()
        text = event.text()
        if len(text) == 1 and text.isdigit() and text.isascii():
            self.press_digit(text)
        elif key == Qt.Key.Key_Backspace:
            self.backspace()
        elif key == Qt.Key.Key_Delete:
            self.clear()
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.submit()
        elif key == Qt.Key.Key_Escape:
            self._on_cancel()
        else:
            super().keyPressEvent(event)
            return
        event.accept()

    def showEvent(self, event: QShowEvent) -> None:
        if self.is_locked():
            self._timer.start()
        self._refresh()
        super().showEvent(event)
        self.setFocus(Qt.FocusReason.OtherFocusReason)

    def hideEvent(self, event: QHideEvent) -> None:
        self._timer.stop()
        super().hideEvent(event)
