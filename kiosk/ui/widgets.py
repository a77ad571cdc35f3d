"""Touch building blocks: a painted pill button, a segmented control, a toast.

Every interactive element is a `QAbstractButton` of at least 48 dp on each
side (see `theme.Metrics.touch`), with a pressed look but no hover look: a
touchscreen has no hover. Widgets that size themselves from the window take a
`set_metrics(Metrics)` call, which `MainWindow` makes on every resize.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from PySide6.QtCore import QRect, QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetrics,
    QHideEvent,
    QPainter,
    QPaintEvent,
    QPen,
)
from PySide6.QtWidgets import QAbstractButton, QButtonGroup, QHBoxLayout, QSizePolicy, QWidget

from kiosk.ui import theme
from kiosk.ui.icons import Painter
from kiosk.ui.label_fit import GAP_SHARE, ICON_SHARE, LabelLayout, fit_label
from kiosk.ui.placement import free_spot, near_spot


class TouchButton(QAbstractButton):
    """A rounded, painted button with an optional drawn icon.

    `variant`: "primary" (accent fill), "secondary" (raised surface), "ghost"
    (outline only), "danger" (red outline: Exit) or "segment" (inside a
    `SegmentedControl`). `size`: "normal"
    or "big" (the Next button, the PIN digits)."""

    def __init__(
        self,
        text: str = "",
        *,
        icon: Painter | None = None,
        variant: str = "secondary",
        size: str = "normal",
        accent: QColor | None = None,
        icon_after: bool = False,
        text_role: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setText(text)
        self._icon = icon
        self._icon_after = icon_after
        self._text_role = text_role or ("title" if size == "big" else "body")
        self._icon_color: QColor | None = None
        self._variant = variant
        self._size = size
        self._accent = QColor(accent) if accent is not None else QColor(theme.NEUTRAL_ACCENT)
        self._metrics = theme.Metrics()
        self._icon_scale = 1.0
        self._radius: int | None = None
        self._dim_disabled = True
        self._opacity = 1.0
        self._fit = False  # shrink / wrap the label to fit instead of eliding it
        self._fitted: tuple[tuple[object, ...], LabelLayout | None] | None = None
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self._apply_font()

    # ------------------------------------------------------------------ styling

    def set_metrics(self, metrics: theme.Metrics) -> None:
        self._metrics = metrics
        self._apply_font()
        self.updateGeometry()
        self.update()

    def set_accent(self, color: QColor) -> None:
        self._accent = QColor(color)
        self.update()

    def set_icon(self, icon: Painter | None, color: QColor | None = None) -> None:
        self._icon = icon
        self._icon_color = QColor(color) if color is not None else None
        self.update()

    def set_variant(self, variant: str) -> None:
        self._variant = variant
        self.update()

    def set_icon_scale(self, scale: float) -> None:
        """Grow or shrink the icon (the Like 'pop' animation)."""
        self._icon_scale = scale
        self.update()

    def set_dim_when_disabled(self, dim: bool) -> None:
        """False: a disabled button keeps its look (a Like that is done, not unavailable)."""
        self._dim_disabled = dim
        self.update()

    def set_opacity(self, opacity: float) -> None:
        """Draw the whole button at this opacity (0..1; a Like fading in after its card
        was drawn), on top of the disabled dimming."""
        self._opacity = max(0.0, min(1.0, opacity))
        self.update()

    def opacity(self) -> float:
        return self._opacity
    def set_fit_text(self, fit: bool) -> None:
        """True: a label too wide for the button is drawn smaller, on two lines or under
        its icon (`kiosk.ui.label_fit`), never elided (a state word such as "Liked")."""
        self._fit = fit
        self.update()

    def fitted_layout(self) -> LabelLayout | None:
        """How the label is drawn in fit mode at the current size (None: it cannot fit)."""
        rect = QRectF(self.rect()).adjusted(1.5, 1.5, -1.5, -1.5)
        padding = min(rect.height() * 0.6, self._metrics.px(64))
        key = (self.text(), self.font().pixelSize(), rect.width(), rect.height(), padding,
               self._icon is not None, self._metrics.caption)
        if self._fitted is None or self._fitted[0] != key:
            self._fitted = (key, self.fit_in(self.text(), self.width(), self.height()))
        return self._fitted[1]

    def fit_in(self, text: str, width: int, height: int) -> LabelLayout | None:
        """How `text` would be drawn in fit mode on this button at `width`×`height`
        (None: it would not fit): a grid asks this before making its cards that size."""
        rect = QRectF(0, 0, width, height).adjusted(1.5, 1.5, -1.5, -1.5)
        padding = min(rect.height() * 0.6, self._metrics.px(64))
        return fit_label(self.font(), text, icon=self._icon is not None,
                         width=rect.width(), height=rect.height(), padding=padding,
                         tight_padding=min(padding, self._metrics.px(10)),
                         min_size=max(12, round(self._metrics.caption * 0.7)))

    def set_radius(self, radius: int | None) -> None:
        """Corner radius in pixels; None: a pill."""
        self._radius = radius
        self.update()

    def _apply_font(self) -> None:
        m = self._metrics
        size = m.title if self._text_role == "title" else m.body
        self.setFont(theme.font(size, QFont.Weight.DemiBold))

    def _height(self) -> int:
        m = self._metrics
        return m.big_button_h if self._size == "big" else m.button_h

    def sizeHint(self) -> QSize:
        h = self._height()
        fm = QFontMetrics(self.font())
        w = fm.horizontalAdvance(self.text()) + h  # half a height of padding each side
        if self._icon is not None and self.text():
            w += int(self.font().pixelSize() * 1.6)
        return QSize(max(w, h), h)

    def minimumSizeHint(self) -> QSize:
        side = max(self._metrics.min_touch, self._height())
        return QSize(side, side)

    # ------------------------------------------------------------------ painting

    def _colors(self) -> tuple[QColor | None, QColor, QColor | None]:
        """(fill, foreground, outline) for the current state."""
        if self._variant == "primary" or (self._variant == "segment" and self.isChecked()):
            fill: QColor | None = QColor(self._accent)
            fg = QColor(theme.ON_ACCENT)
            outline: QColor | None = None
        elif self._variant == "segment":
            fill, fg, outline = None, QColor(theme.TEXT_MUTED), None
        elif self._variant == "ghost":
            fill, fg, outline = None, QColor(theme.TEXT), QColor(theme.OUTLINE)
        elif self._variant == "danger":
            fill, fg, outline = None, QColor(theme.DANGER), QColor(theme.DANGER)
        else:
            fill, fg, outline = QColor(theme.SURFACE_2), QColor(theme.TEXT), QColor(theme.OUTLINE)
        if self.isDown():
            if fill is None:
                fill = QColor(theme.SURFACE_2)
            fill = fill.darker(125) if self._variant == "primary" else fill.lighter(135)
        return fill, fg, outline

    def _text_room(self) -> tuple[float, float, float]:
        """(icon side, icon-text gap, width left for the text) at the current size."""
        rect = QRectF(self.rect()).adjusted(1.5, 1.5, -1.5, -1.5)
        text = self.text()
        icon_side = self.font().pixelSize() * 1.25 if text else rect.height() * 0.5
        gap = self.font().pixelSize() * 0.45 if (text and self._icon) else 0.0
        padding = min(rect.height() * 0.6, self._metrics.px(64))
        avail = rect.width() - padding - (icon_side + gap if self._icon else 0)
        return icon_side, gap, avail

    def clipped_texts(self) -> list[str]:
        """The text when it would be elided at the current size (see kiosk.ui.text_fit)."""
        text = self.text()
        if not text:
            return []
        if self._fit:
            return [] if self.fitted_layout() is not None else [text]
        return [text] if QFontMetrics(self.font()).horizontalAdvance(text) > int(
            self._text_room()[2]) else []

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        dim = 0.38 if not self.isEnabled() and self._dim_disabled else 1.0
        if dim * self._opacity < 1.0:
            p.setOpacity(dim * self._opacity)
        fill, fg, outline = self._colors()
        rect = QRectF(self.rect()).adjusted(1.5, 1.5, -1.5, -1.5)
        radius = rect.height() / 2 if self._radius is None else float(self._radius)
        p.setPen(QPen(outline, max(1.0, self._metrics.scale * 2)) if outline else Qt.PenStyle.NoPen)
        p.setBrush(fill if fill is not None else Qt.BrushStyle.NoBrush)
        p.drawRoundedRect(rect, radius, radius)

        text = self.text()
        layout = self.fitted_layout() if self._fit and text else None
        if layout is not None:
            self._paint_fitted(p, rect, layout, fg)
            p.end()
            return
        fm = QFontMetrics(self.font())
        icon_side, gap, avail = self._text_room()
        shown = fm.elidedText(text, Qt.TextElideMode.ElideRight, max(0, int(avail)))
        text_w = fm.horizontalAdvance(shown) if text else 0
        total = text_w + (icon_side + gap if self._icon else 0)
        x = rect.center().x() - total / 2
        text_x = x + (icon_side + gap if self._icon is not None and not self._icon_after else 0)
        if self._icon is not None:
            icon_x = text_x + text_w + gap if self._icon_after else x
            side = icon_side * self._icon_scale
            icon_rect = QRectF(
                icon_x + icon_side / 2 - side / 2, rect.center().y() - side / 2, side, side
            )
            self._icon(p, icon_rect, self._icon_color or fg)
        if text:
            p.setPen(fg)
            p.setFont(self.font())
            p.drawText(
                QRectF(text_x, rect.top(), text_w + 2, rect.height()),
                int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                shown,
            )
        p.end()


    def _paint_fitted(self, p: QPainter, rect: QRectF, layout: LabelLayout, fg: QColor) -> None:
        font = QFont(self.font())
        font.setPixelSize(layout.size)
        fm = QFontMetrics(font)
        line_h = fm.height()
        text_w = max(fm.horizontalAdvance(line) for line in layout.lines)
        text_h = line_h * len(layout.lines)
        has_icon = self._icon is not None
        icon_side = layout.size * ICON_SHARE if has_icon else 0.0
        gap = layout.size * GAP_SHARE if has_icon else 0.0
        center = rect.center()
        if layout.stacked:
            top = center.y() - (icon_side + gap * 0.5 + text_h) / 2
            icon_center = (center.x(), top + icon_side / 2)
            text_box = QRectF(center.x() - text_w / 2 - 1, top + icon_side + gap * 0.5,
                              text_w + 2, text_h)
        else:
            left = center.x() - (icon_side + gap + text_w) / 2
            icon_center = (left + icon_side / 2, center.y())
            text_box = QRectF(left + icon_side + gap - 1, center.y() - text_h / 2,
                              text_w + 2, text_h)
        if self._icon is not None:
            side = icon_side * self._icon_scale
            self._icon(p, QRectF(icon_center[0] - side / 2, icon_center[1] - side / 2,
                                 side, side), self._icon_color or fg)
        p.setPen(fg)
        p.setFont(font)
        for i, line in enumerate(layout.lines):
            p.drawText(QRectF(text_box.left(), text_box.top() + i * line_h, text_box.width(),
                              line_h), int(Qt.AlignmentFlag.AlignCenter), line)


class SegmentedControl(QWidget):
    """A pill of mutually exclusive segments (the Emotion / For you toggle).

    Signals:
        selected(str key): the visitor tapped a segment that was not current.
    """

    selected = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._group = QButtonGroup(self)
        self._group.setExclusive(True)
        self._buttons: dict[str, TouchButton] = {}
        self._current: str | None = None  # the segment shown as chosen
        self._accent = QColor(theme.NEUTRAL_ACCENT)
        self._metrics = theme.Metrics()
        self._layout = QHBoxLayout(self)
        self._layout.setSpacing(0)
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)

    def add_segment(self, key: str, text: str, icon: Painter | None = None) -> TouchButton:
        button = TouchButton(text, icon=icon, variant="segment", accent=self._accent, parent=self)
        button.setCheckable(True)
        button.setObjectName(f"segment-{key}")
        button.clicked.connect(lambda _=False, k=key: self._on_clicked(k))
        self._group.addButton(button)
        self._buttons[key] = button
        self._layout.addWidget(button)
        return button

    def button(self, key: str) -> TouchButton:
        return self._buttons[key]

    def current(self) -> str | None:
        for key, button in self._buttons.items():
            if button.isChecked():
                return key
        return None

    def set_current(self, key: str) -> None:
        """Show `key` as current without emitting `selected`."""
        if key in self._buttons:
            self._buttons[key].setChecked(True)
            self._current = key

    def set_accent(self, color: QColor) -> None:
        self._accent = QColor(color)
        for button in self._buttons.values():
            button.set_accent(color)
        self.update()

    def set_metrics(self, metrics: theme.Metrics) -> None:
        self._metrics = metrics
        pad = metrics.px(6)
        self._layout.setContentsMargins(pad, pad, pad, pad)
        self.updateGeometry()

    def _on_clicked(self, key: str) -> None:
        # A checked button of an exclusive group stays checked when tapped: only a
        # segment that was not current before the tap is a choice (a tap on the
        # current one reloaded the page, and the visitor lost the images they were
        # looking at: black box, round 19).
        if key == self._current:
            return
        self._current = key
        self.selected.emit(key)

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        rect = QRectF(self.rect()).adjusted(1, 1, -1, -1)
        p.setPen(QPen(theme.OUTLINE, max(1.0, self._metrics.scale * 2)))
        p.setBrush(theme.SURFACE_2)
        p.drawRoundedRect(rect, rect.height() / 2, rect.height() / 2)
        p.end()


class Toast(QWidget):
    """A short message floating above the bottom of its parent, gone after a few seconds."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self._text = ""
        self._avoid: list[QRect] = []
        self._rather_avoid: list[QRect] = []
        self._near: QRect | None = None
        self._cover: QRect | None = None
        self._metrics = theme.Metrics()
        self._timer = QTimer(self)
        self._timer.setObjectName("toast-timer")
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.hide)
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents, True)
        self.hide()

    def text(self) -> str:
        return self._text

    def set_metrics(self, metrics: theme.Metrics) -> None:
        self._metrics = metrics
        if self.isVisible():
            self._place()

    def show_text(self, text: str, duration_ms: int = 3500, *,
                  avoid: Sequence[QRect] = (), rather_avoid: Sequence[QRect] = (),
                  near: QRect | None = None, cover: QRect | None = None) -> None:
        """Show `text` for `duration_ms`, clear of the `avoid` rectangles (the screen's
        buttons and privacy notice, in the parent's coordinates) and, where there is
        room, of `rather_avoid` (the screen's other text): as low as it goes, then as
        near the middle, then as wide (`kiosk.ui.placement.free_spot`). A notice about
        one control (`near`, its rectangle) goes as near it as it can instead
        (`kiosk.ui.placement.near_spot`), clear of `avoid` only. `cover`: a block of
        text the notice, if it overlaps it, covers whole (no clipped words peeking out
        around it) where that stays clear of `avoid` and `near`."""
        self._text = text
        self._avoid = list(avoid)
        self._rather_avoid = list(rather_avoid)
        self._near = near
        self._cover = cover
        self._place()
        self.show()
        self.raise_()
        self.update()
        self._timer.start(duration_ms)

    def _height_for(self, width: int) -> int:
        m = self._metrics
        fm = QFontMetrics(theme.font(m.body, QFont.Weight.DemiBold))
        text_rect = fm.boundingRect(
            0, 0, max(1, width - 2 - 2 * m.margin), 10_000, int(Qt.TextFlag.TextWordWrap),
            self._text)
        return text_rect.height() + m.gap * 2 + 2

    def _place(self) -> None:
        parent = self.parentWidget()
        if parent is None:
            return
        m = self._metrics
        fm = QFontMetrics(theme.font(m.body, QFont.Weight.DemiBold))
        max_w = int(parent.width() * 0.8)
        one_line = fm.boundingRect(self._text).width() + 2 * m.margin + 2
        longest_word = max((fm.horizontalAdvance(word) for word in self._text.split()),
                           default=0) + 2 * m.margin + 2
        # the whole line if it fits, else 80 % of the window down to 30 % (more lines)
        widths = [min(max_w, one_line)] + [
            w for w in (int(parent.width() * f) for f in (0.7, 0.6, 0.5, 0.4, 0.3))
            if longest_word <= w < min(max_w, one_line)]
        # two lines of text before three, three before more (a tall, narrow box)
        line = max(1, fm.boundingRect(0, 0, 100_000, 10_000, 0, self._text).height())
        chrome = m.gap * 2 + 2

        def lines(h: int) -> int:
            return min(4, max(2, round((h - chrome) / line)))

        spot = None
        if self._near is not None:
            spot = near_spot(parent.rect(), widths, self._height_for, self._avoid,
                             self._near, clearance=m.gap // 2, tier=lines)
        beside = spot is not None and self._near is not None and not spot.intersects(
            self._near)  # not standing in the control's place (portrait)
        if beside and spot is not None and self._cover is not None and spot.intersects(
                self._cover):
            pad = math.ceil(0.3 * m.radius) + 1  # the rounded corners show no text
            blockers = [*self._avoid, self._near]
            for cover in (self._cover.adjusted(-pad, -pad, pad, pad), self._cover):
                whole = spot.united(cover)
                if parent.rect().contains(whole) and not any(
                        r is not None and whole.intersects(r) for r in blockers):
                    spot = whole
                    break
        for keep_clear in (self._avoid + self._rather_avoid, self._avoid):
            if spot is not None:
                break
            spot = free_spot(parent.rect(), widths, self._height_for, keep_clear,
                             clearance=m.gap // 2, step=max(1, m.gap // 2), tier=lines)
        if spot is None:  # nothing is free: the old place, low in the middle
            w = widths[0]
            h = self._height_for(w)
            spot = QRect((parent.width() - w) // 2, parent.height() - h - m.margin * 3, w, h)
        self.setGeometry(spot)

    def hideEvent(self, event: QHideEvent) -> None:
        self._timer.stop()
        super().hideEvent(event)

    def clipped_texts(self) -> list[str]:
        """The message when it does not fit the toast (see kiosk.ui.text_fit)."""
        m = self._metrics
        fm = QFontMetrics(theme.font(m.body, QFont.Weight.DemiBold))
        width = self.width() - 2 - 2 * m.margin
        need = fm.boundingRect(0, 0, max(1, width), 100_000, int(Qt.TextFlag.TextWordWrap),
                               self._text)
        fits = need.width() <= width + 1 and need.height() <= self.height() - 2
        return [] if fits or not self._text else [self._text]

    def paintEvent(self, event: QPaintEvent) -> None:
        m = self._metrics
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        rect = QRectF(self.rect()).adjusted(1, 1, -1, -1)
        p.setPen(QPen(theme.OUTLINE, max(1.0, m.scale * 2)))
        p.setBrush(theme.SURFACE_2)
        p.drawRoundedRect(rect, m.radius, m.radius)
        p.setPen(theme.TEXT)
        p.setFont(theme.font(m.body, QFont.Weight.DemiBold))
        p.drawText(
            rect.adjusted(m.margin, 0, -m.margin, 0),
            int(Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap),
            self._text,
        )
        p.end()
