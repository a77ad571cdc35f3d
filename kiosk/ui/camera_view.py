"""The live camera preview: a mirrored (selfie) view with the detected faces.

Frames arrive at camera rate, so `show_frame` only keeps a reference and asks
for a repaint; the scaled, mirrored pixmap is made at most once per painted
frame, and never while the preview is hidden.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QImage, QPainter, QPainterPath, QPaintEvent, QPen, QPixmap
from PySide6.QtWidgets import QSizePolicy, QWidget

from kiosk.ui import icons, theme

FaceBoxes = Sequence[tuple[Any, bool]]


def as_rect(box: Any) -> QRectF:
    """A face box as QRectF: accepts QRectF/QRect, `(x, y, w, h)` or a
    `kiosk.domain.Box` (x1, y1, x2, y2)."""
    if isinstance(box, QRectF):
        return QRectF(box)
    if hasattr(box, "x1"):
        return QRectF(box.x1, box.y1, box.x2 - box.x1, box.y2 - box.y1)
    if hasattr(box, "x") and callable(box.x):
        return QRectF(box.x(), box.y(), box.width(), box.height())
    x, y, w, h = box
    return QRectF(float(x), float(y), float(w), float(h))


class CameraView(QWidget):
    """Mirrored preview with face brackets (accent for the visitor being read)."""

    def __init__(
        self, parent: QWidget | None = None, clock: Callable[[], float] = time.monotonic
    ) -> None:
        super().__init__(parent)
        self._clock = clock
        self._frame: QImage | None = None
        self._boxes: list[tuple[QRectF, bool]] = []
        self._pixmap: QPixmap | None = None
        self._pixmap_key: tuple[int, int, int] | None = None
        self._frame_serial = 0
        self._unavailable: str | None = None
        self._accent = QColor(theme.NEUTRAL_ACCENT)
        self._metrics = theme.Metrics()
        self._show_fps = False
        self._fps = 0.0
        self._fps_window: list[float] = []
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent, False)

    # ------------------------------------------------------------------ API

    def show_frame(self, image: QImage, face_boxes: FaceBoxes = ()) -> None:
        self._frame = image
        self._boxes = [(as_rect(box), bool(primary)) for box, primary in face_boxes]
        self._frame_serial += 1
        if self._show_fps:
            now = self._clock()
            self._fps_window = [t for t in self._fps_window if now - t < 1.0] + [now]
            self._fps = float(len(self._fps_window))
        if self.isVisible():
            self.update()

    def set_unavailable(self, message: str | None) -> None:
        """Show a 'camera off' placeholder with `message` (None: live again)."""
        self._unavailable = message
        if message is not None:
            self._frame = None
            self._pixmap = None
            self._boxes = []
        self.update()

    def is_unavailable(self) -> bool:
        return self._unavailable is not None

    def unavailable_text(self) -> str | None:
        """The placeholder's line (None while the picture shows)."""
        return self._unavailable

    def set_accent(self, color: QColor) -> None:
        self._accent = QColor(color)
        self.update()

    def set_show_fps(self, show: bool) -> None:
        self._show_fps = show
        self.update()

    def set_metrics(self, metrics: theme.Metrics) -> None:
        self._metrics = metrics
        self.update()

    def clear(self) -> None:
        self._frame = None
        self._pixmap = None
        self._boxes = []
        self.update()

    # ------------------------------------------------------------------ painting

    def _mapping(self) -> tuple[float, float, float]:
        """(scale, x offset, y offset) of the frame drawn to cover the widget."""
        assert self._frame is not None
        iw, ih = self._frame.width(), self._frame.height()
        s = max(self.width() / max(1, iw), self.height() / max(1, ih))
        return s, (self.width() - iw * s) / 2, (self.height() - ih * s) / 2

    def _scaled_pixmap(self) -> QPixmap:
        """The visible part of the frame, scaled to the widget and mirrored.

        Only the centre crop that covers the widget is scaled (never the whole frame
        expanded around it), so an extreme frame shape costs what the widget costs."""
        key = (self._frame_serial, self.width(), self.height())
        if self._pixmap is None or self._pixmap_key != key:
            assert self._frame is not None
            s, _, _ = self._mapping()
            iw, ih = self._frame.width(), self._frame.height()
            cw = min(iw, max(1, round(self.width() / s)))
            ch = min(ih, max(1, round(self.height() / s)))
            visible = self._frame.copy((iw - cw) // 2, (ih - ch) // 2, cw, ch)
            scaled = visible.scaled(
                max(1, self.width()), max(1, self.height()),
                Qt.AspectRatioMode.IgnoreAspectRatio,
                Qt.TransformationMode.SmoothTransformation,
            ).flipped(Qt.Orientation.Horizontal)
            self._pixmap = QPixmap.fromImage(scaled)
            self._pixmap_key = key
        return self._pixmap

    def paintEvent(self, event: QPaintEvent) -> None:
        m = self._metrics
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        rect = QRectF(self.rect())
        clip = QPainterPath()
        clip.addRoundedRect(rect, m.radius, m.radius)
        p.setClipPath(clip)
        p.fillRect(rect, theme.SURFACE_2)
        if self._frame is None or self._frame.isNull():
            self._paint_placeholder(p, rect)
        else:
            pix = self._scaled_pixmap()
            p.drawPixmap(
                QPointF((self.width() - pix.width()) / 2, (self.height() - pix.height()) / 2), pix
            )
            self._paint_boxes(p)
            if self._show_fps:
                p.setFont(theme.font(m.caption, QFont.Weight.Bold))
                p.setPen(theme.TEXT)
                p.drawText(
                    rect.adjusted(m.gap, m.gap, -m.gap, -m.gap),
                    int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop),
                    f"{self._fps:.0f} fps",
                )
        p.end()

    def _paint_placeholder(self, p: QPainter, rect: QRectF) -> None:
        m = self._metrics
        side = min(rect.width(), rect.height()) * 0.3
        top = rect.top() + rect.height() * 0.18
        icon_rect = QRectF(rect.center().x() - side / 2, top, side, side)
        icons.draw_camera_off(p, icon_rect, theme.TEXT_MUTED)
        if self._unavailable:
            p.setPen(theme.TEXT_MUTED)
            p.setFont(theme.font(m.small))
            p.drawText(
                QRectF(rect.left() + m.gap, icon_rect.bottom() + m.gap / 2,
                       rect.width() - 2 * m.gap, rect.bottom() - icon_rect.bottom() - m.gap),
                int(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop
                    | Qt.TextFlag.TextWordWrap),
                self._unavailable,
            )

    def widget_rect(self, box: QRectF) -> QRectF:
        """Where a box in frame pixels appears in the mirrored, cover-scaled preview."""
        assert self._frame is not None
        s, ox, oy = self._mapping()
        mirrored_x = self._frame.width() - (box.x() + box.width())
        return QRectF(ox + mirrored_x * s, oy + box.y() * s, box.width() * s, box.height() * s)

    def boxes(self) -> list[tuple[QRectF, bool]]:
        return list(self._boxes)

    def has_cached_pixmap(self) -> bool:
        return self._pixmap is not None and self._pixmap_key is not None and (
            self._pixmap_key[0] == self._frame_serial
        )

    def _paint_boxes(self, p: QPainter) -> None:
        for box, primary in self._boxes:
            r = self.widget_rect(box)
            color = self._accent if primary else QColor(255, 255, 255, 150)
            width = self._metrics.px(6 if primary else 3)
            self._paint_brackets(p, r, color, width)

    @staticmethod
    def _paint_brackets(p: QPainter, r: QRectF, color: QColor, width: float) -> None:
        """Four rounded corner brackets: reads as 'seen', not as a mugshot frame."""
        pen = QPen(color, width)
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
        p.setPen(pen)
        p.setBrush(Qt.BrushStyle.NoBrush)
        arm = min(r.width(), r.height()) * 0.28
        for cx, cy, dx, dy in (
            (r.left(), r.top(), 1, 1),
            (r.right(), r.top(), -1, 1),
            (r.left(), r.bottom(), 1, -1),
            (r.right(), r.bottom(), -1, -1),
        ):
            path = QPainterPath(QPointF(cx, cy + dy * arm))
            path.lineTo(QPointF(cx, cy))
            path.lineTo(QPointF(cx + dx * arm, cy))
            p.drawPath(path)
