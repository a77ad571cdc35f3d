"""The consent card: may the kiosk remember this visitor's face? And "Forget me".

Touch-first and in plain words: Yes / No / More info on big buttons, a visible
countdown, and no answer means No. "More info" says what is kept (a face vector in
the operator's Amazon Rekognition collection, never an image), for how long, and how
to be forgotten. After a lookup found or enrolled the visitor, a small bar offers
"Forget me", with a confirmation; `show_forgotten()` then reports that it is done.

The overlay is a child of the main window (see `attach_consent`); it covers the
window with a scrim while it asks, and only the bar's own area in "offer" mode. It
only shows and reports: the controller owns the decision (`VisitConsent`) and runs
the deletion on a worker.

A lookup that did not work (`show_lookup_failed`) says so in the same bar for a few
seconds, so a visitor who said Yes never believes they are remembered when they are not.

Modes: hidden, ask, info, offer, confirm, forgotten, failed. Every timer stops whenever the
overlay is hidden or closed.

Signals:
    answered(str): "yes", "no" or "timeout" (emitted once per `ask`, after hiding).
    forget_requested(): the visitor confirmed "Forget me".
    mode_changed(str): the overlay now shows another mode (one of MODES); the
        window's touch guard treats it as a screen change.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QPoint, QRect, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QFont, QHideEvent, QMouseEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from kiosk.ui import theme
from kiosk.ui.widgets import TouchButton

DEFAULT_TIMEOUT_S = 15.0
CONFIRM_TIMEOUT_S = 20.0
FORGOTTEN_SHOW_S = 8.0
FAILED_SHOW_S = 6.0
TICK_MS = 250
MODES = ("hidden", "ask", "info", "offer", "confirm", "forgotten", "failed")
_MODAL = frozenset({"ask", "info", "confirm", "forgotten"})


class _Surface(QWidget):
    """A rounded card painted in the theme's surface colour."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.metrics = theme.Metrics()

    def paintEvent(self, event: QPaintEvent) -> None:
        m = self.metrics
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        p.setPen(QPen(theme.OUTLINE, max(1.0, m.scale * 2)))
        p.setBrush(theme.SURFACE)
        rect = QRectF(self.rect()).adjusted(1, 1, -1, -1)
        p.drawRoundedRect(rect, m.radius, m.radius)
        p.end()


def _label(parent: QWidget, name: str) -> QLabel:
    label = QLabel(parent)
    label.setObjectName(name)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    label.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
    return label


class ConsentOverlay(QWidget):
    """See the module docstring."""

    answered = Signal(str)
    forget_requested = Signal()
    mode_changed = Signal(str)

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        timeout_s: float = DEFAULT_TIMEOUT_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("consent-overlay")
        self.timeout_s = timeout_s
        self._clock = clock
        self._mode = "hidden"
        self._deadline = 0.0
        self._retention_days = 30
        self._matched = True
        self._pending = False
        self._metrics = theme.Metrics()

        self._timer = QTimer(self)
        self._timer.setObjectName("consent-countdown-timer")
        self._timer.setInterval(TICK_MS)
        self._timer.timeout.connect(self.tick)

        # The card (every modal mode).
        self.card = _Surface(self)
        self.title = _label(self.card, "consent-title")
        self.body = _label(self.card, "consent-body")
        self.countdown = _label(self.card, "consent-countdown")
        self.yes_button = self._button("consent-yes", "primary", self._on_yes)
        self.no_button = self._button("consent-no", "secondary", self._on_no)
        self.info_button = self._button("consent-info", "ghost", self._on_info)
        self.back_button = self._button("consent-back", "ghost", self._on_back)
        self.delete_button = self._button("consent-delete", "danger", self._on_delete)
        self.keep_button = self._button("consent-keep", "secondary", self._on_keep)
        self.ok_button = self._button("consent-ok", "primary", self.close_prompt)
        self._buttons = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        for button in (self.info_button, self.back_button, self.no_button, self.keep_button,
                       self.yes_button, self.delete_button, self.ok_button):
            self._buttons.addWidget(button, 1)
        self._column = QVBoxLayout(self.card)
        self._column.addWidget(self.title)
        self._column.addWidget(self.body)
        self._column.addWidget(self.countdown)
        self._column.addLayout(self._buttons)

        # The bar ("offer" mode): a line of text and "Forget me".
        self.bar = _Surface(self)
        self.bar_text = _label(self.bar, "consent-bar-text")
        self.bar_text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.forget_button = TouchButton("", variant="ghost", parent=self.bar)
        self.forget_button.setObjectName("consent-forget")
        self.forget_button.clicked.connect(self._on_forget)
        self.offer_anchor: Callable[[], QRect | None] | None = None
        self._bar_row = QBoxLayout(QBoxLayout.Direction.LeftToRight, self.bar)
        self._bar_row.addWidget(self.bar_text, 1)
        self._bar_row.addWidget(self.forget_button, 0)

        self.set_metrics(self._metrics)
        self.hide()
        self._show_mode("hidden")

    def _button(self, name: str, variant: str, slot: Callable[[], None]) -> TouchButton:
        button = TouchButton("", variant=variant, parent=self.card)
        button.setObjectName(name)
        button.clicked.connect(lambda _=False: slot())
        return button

    # ------------------------------------------------------------------ API

    def mode(self) -> str:
        return self._mode

    def ask(self, retention_days: int, timeout_s: float | None = None) -> None:
        """Ask the visitor; `answered` follows (a timeout counts as No)."""
        self._retention_days = max(1, int(retention_days))
        if timeout_s is not None:
            self.timeout_s = timeout_s
        self._start_countdown(self.timeout_s)
        self._show_mode("ask")

    def offer_forget(self, matched: bool = True) -> None:
        """The visitor is known (`matched`) or was just enrolled: show "Forget me"."""
        self._matched = matched
        self._timer.stop()
        self._show_mode("offer")

    def show_forgotten(self, pending: bool = False) -> None:
        """Report "Done — your face has been deleted" (`pending`: the collection could
        not be reached yet; the local data is gone and the face follows)."""
        self._pending = pending
        self._start_countdown(FORGOTTEN_SHOW_S)
        self._show_mode("forgotten")

    def show_lookup_failed(self) -> None:
        """Say briefly, in the bar, that remembering did not work this time."""
        self._start_countdown(FAILED_SHOW_S)
        self._show_mode("failed")

    def close_prompt(self) -> None:
        """Hide whatever is shown and stop the timers; emits nothing (a visit that ends
        mid-question has no answer, which means No)."""
        self._timer.stop()
        self._show_mode("hidden")

    def seconds_left(self) -> int:
        return max(0, math.ceil(self._deadline - self._clock()))

    def tick(self) -> None:
        """The countdown (the timer calls it; tests with a fake clock may too)."""
        if self._mode == "hidden":
            self._timer.stop()
            return
        if self._clock() < self._deadline:
            self._update_countdown()
            return
        if self._mode in ("ask", "info"):
            self._finish("timeout")
        elif self._mode == "confirm":
            self.offer_forget(self._matched)  # no answer: keep, as it was
        elif self._mode in ("forgotten", "failed"):
            self.close_prompt()

    # ------------------------------------------------------------------ answers

    def _on_yes(self) -> None:
        self._finish("yes")

    def _on_no(self) -> None:
        self._finish("no")

    def _on_info(self) -> None:
        self._start_countdown(self.timeout_s)  # a visitor reading gets the full time
        self._show_mode("info")

    def _on_back(self) -> None:
        self._start_countdown(self.timeout_s)
        self._show_mode("ask")

    def _on_forget(self) -> None:
        self._start_countdown(CONFIRM_TIMEOUT_S)
        self._show_mode("confirm")

    def _on_delete(self) -> None:
        self._timer.stop()
        self.delete_button.setEnabled(False)  # one request; show_forgotten follows
        self.keep_button.setEnabled(False)
        self.forget_requested.emit()

    def _on_keep(self) -> None:
        self.offer_forget(self._matched)

    def _finish(self, answer: str) -> None:
        if self._mode not in ("ask", "info"):
            return
        self.close_prompt()
        self.answered.emit(answer)

    # ------------------------------------------------------------------ display

    def _start_countdown(self, seconds: float) -> None:
        self._deadline = self._clock() + max(0.0, seconds)
        self._timer.start()

    def _show_mode(self, mode: str) -> None:
        changed = mode != self._mode
        self._mode = mode
        if changed:
            self.mode_changed.emit(mode)
        visible = {
            "ask": (self.info_button, self.no_button, self.yes_button),
            "info": (self.back_button, self.no_button, self.yes_button),
            "confirm": (self.keep_button, self.delete_button),
            "forgotten": (self.ok_button,),
        }.get(mode, ())
        for button in (self.yes_button, self.no_button, self.info_button, self.back_button,
                       self.delete_button, self.keep_button, self.ok_button):
            button.setVisible(button in visible)
            button.setEnabled(True)
        self.countdown.setVisible(mode in ("ask", "info"))
        self.card.setVisible(mode in _MODAL)
        self.bar.setVisible(mode in ("offer", "failed"))
        self.forget_button.setVisible(mode == "offer")
        self.retranslate()
        if mode == "hidden":
            self.hide()
            return
        self._place()
        self.show()
        self.raise_()

    def retranslate(self) -> None:
        mode = self._mode
        self.yes_button.setText(self.tr("Yes, remember me"))
        self.no_button.setText(self.tr("No, thanks"))
        self.info_button.setText(self.tr("More info"))
        self.back_button.setText(self.tr("Back"))
        self.delete_button.setText(self.tr("Delete now"))
        self.keep_button.setText(self.tr("Keep"))
        self.ok_button.setText(self.tr("OK"))
        self.forget_button.setText(self.tr("Forget me"))
        if mode == "failed":
            self.bar_text.setText(self.tr("Sorry, that did not work this time. "
                                          "Nothing is remembered."))
        elif self._matched:
            self.bar_text.setText(self.tr("Welcome back!"))
        else:
            self.bar_text.setText(self.tr("See you next time!"))
        if mode == "info":
            self.title.setText(self.tr("What remembering means"))
            self.body.setText("\n\n".join([
                self.tr("What we keep: a face vector (numbers that describe your face, not a "
                        "picture) in this store's Amazon Rekognition collection (AWS), with a "
                        "random ID. No image of you is ever saved."),
                self._retention_text(),
                self.tr("How to be forgotten: when the kiosk recognises you, tap \"Forget "
                        "me\" and your face is deleted at once. Staff can also delete it."),
                self.tr("If you say No, or do not answer, nothing is kept."),
            ]))
        elif mode == "confirm":
            self.title.setText(self.tr("Forget me?"))
            self.body.setText(self.tr("Your face and what this kiosk learned about you will be "
                                      "deleted now. Your visit goes on without them."))
        elif mode == "forgotten":
            self.title.setText(self.tr("Done — your face has been deleted"))
            if self._pending:
                self.body.setText(self.tr("Your details on this kiosk are gone. The cloud copy "
                                          "is deleted as soon as the kiosk is back online."))
            else:
                self.body.setText(self.tr("Nothing about you is kept any more."))
        else:
            self.title.setText(self.tr("Remember you next time?"))
            self.body.setText(self.tr("May this kiosk remember your face, so it can pick "
                                      "images for you when you come back? If you say No, or "
                                      "do not answer, nothing is kept."))
        self._update_countdown()
        if self._mode != "hidden":
            self._place()

    def _retention_text(self) -> str:
        if self._retention_days == 1:
            return self.tr("How long: it is deleted automatically after 1 day.")
        return self.tr("How long: it is deleted automatically after %1 days.").replace(
            "%1", str(self._retention_days)
        )

    def _update_countdown(self) -> None:
        self.countdown.setText(
            self.tr("No answer in %1 s means No.").replace("%1", str(self.seconds_left()))
        )

    def set_metrics(self, m: theme.Metrics) -> None:
        self._metrics = m
        self.card.metrics = m
        self.bar.metrics = m
        self.title.setFont(theme.font(m.headline, QFont.Weight.Bold))
        self.body.setFont(theme.font(m.body))
        self.countdown.setFont(theme.font(m.small, QFont.Weight.DemiBold))
        self.bar_text.setFont(theme.font(m.small, QFont.Weight.DemiBold))
        for label, color in ((self.title, theme.TEXT), (self.body, theme.TEXT),
                             (self.countdown, theme.TEXT_MUTED), (self.bar_text, theme.TEXT)):
            label.setStyleSheet(f"color: {color.name()}; background: transparent;")
        for button in (self.yes_button, self.no_button, self.info_button, self.back_button,
                       self.delete_button, self.keep_button, self.ok_button,
                       self.forget_button):
            button.set_metrics(m)
            button.setMinimumHeight(m.button_h)
        pad = m.margin
        self._column.setContentsMargins(pad, pad, pad, pad)
        self._column.setSpacing(m.gap)
        self._buttons.setSpacing(m.gap)
        self._bar_row.setContentsMargins(m.px(16), m.px(12), m.px(12), m.px(12))
        self._bar_row.setSpacing(m.gap)
        if self._mode != "hidden":
            self._place()

    def _place(self) -> None:
        """Cover the parent while asking; in "offer" mode only the bar, at the bottom of
        `offer_anchor`'s area (the camera preview), else at the bottom centre."""
        parent = self.parentWidget()
        if parent is None:
            return
        if self._mode in ("offer", "failed"):
            self._place_bar(parent)
            return
        m = self._metrics
        self.setGeometry(parent.rect())
        w = min(parent.width() - 2 * m.margin, m.px(1200))
        shown = self._visible_buttons()
        # The row gives every button the same width: the widest label decides.
        row = max((b.sizeHint().width() for b in shown), default=0) * len(shown)
        row += self._buttons.spacing() * max(0, len(shown) - 1)
        # Too narrow for one row (portrait, long translations): stack, primary on top.
        stacked = row > w - 2 * m.margin
        self._buttons.setDirection(
            QBoxLayout.Direction.BottomToTop if stacked else QBoxLayout.Direction.LeftToRight
        )
        layout_h = self._column.heightForWidth(w) if self._column.hasHeightForWidth() else -1
        h = min(parent.height() - 2 * m.margin,
                max(layout_h, self._column.sizeHint().height()))
        self.card.setGeometry((parent.width() - w) // 2, (parent.height() - h) // 2, w, h)

    def _place_bar(self, parent: QWidget) -> None:
        m = self._metrics
        area = self.offer_anchor() if self.offer_anchor is not None else None
        if area is None or area.isEmpty():
            area = QRect(0, 0, parent.width(), parent.height() - m.margin + m.gap)
        avail = max(m.min_touch, area.width() - 2 * m.gap)
        self._bar_row.setDirection(QBoxLayout.Direction.LeftToRight)
        wide = self._bar_row.sizeHint().width()
        if wide > avail:
            self._bar_row.setDirection(QBoxLayout.Direction.TopToBottom)
            w = avail
        else:
            w = wide
        h = self._bar_row.heightForWidth(w) if self._bar_row.hasHeightForWidth() else -1
        h = max(h, self._bar_row.sizeHint().height())
        x = area.center().x() - w // 2
        y = area.bottom() - h - m.gap
        self.setGeometry(x, max(0, y), w, h)
        self.bar.setGeometry(0, 0, w, h)

    def _visible_buttons(self) -> list[TouchButton]:
        return [b for b in (self.yes_button, self.no_button, self.info_button,
                            self.back_button, self.delete_button, self.keep_button,
                            self.ok_button) if not b.isHidden()]

    # ------------------------------------------------------------------ events

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            watched is self.parentWidget()
            and event.type() == QEvent.Type.Resize
            and self._mode != "hidden"
        ):
            self._place()
        return False

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        event.accept()  # the scrim swallows taps: nothing behind it reacts, nothing is answered

    def hideEvent(self, event: QHideEvent) -> None:
        self._timer.stop()
        super().hideEvent(event)

    def paintEvent(self, event: QPaintEvent) -> None:
        if self._mode not in _MODAL:
            return
        p = QPainter(self)
        p.fillRect(self.rect(), theme.with_alpha(theme.BG, 0.86))
        p.end()


def attach_consent(
    window: QWidget, *, timeout_s: float = DEFAULT_TIMEOUT_S,
    clock: Callable[[], float] = time.monotonic,
) -> ConsentOverlay:
    """Put a `ConsentOverlay` over `window` (the MainWindow): it follows the window's
    size and metrics (MainWindow hands `set_metrics` to every child) and language."""
    overlay = ConsentOverlay(window, timeout_s=timeout_s, clock=clock)
    window.installEventFilter(overlay)
    guard = getattr(window, "touch_guard", None)
    if guard is not None:  # a card appearing or going is a screen change
        overlay.mode_changed.connect(lambda _mode: guard.screen_changed())
    camera = getattr(getattr(window, "main", None), "camera", None)
    if isinstance(camera, QWidget):
        overlay.offer_anchor = lambda: _area_in(window, camera)
    metrics = getattr(window, "metrics", None)
    if callable(metrics):
        overlay.set_metrics(metrics())
    return overlay


def _area_in(window: QWidget, widget: QWidget) -> QRect | None:
    """`widget`'s rectangle in `window` coordinates, None while it is not shown."""
    if not widget.isVisible():
        return None
    return QRect(widget.mapTo(window, QPoint(0, 0)), widget.size())
