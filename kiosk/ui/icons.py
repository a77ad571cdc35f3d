"""Vector icons drawn with QPainter: the eight emotion faces, heart, arrows, lock.

The kiosk's font (DejaVu Sans) has no colour emoji, so every pictogram is drawn
here, in a 100×100 design box scaled to the target rectangle: crisp at any size,
tinted with the emotion's accent colour.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QBrush, QColor, QPainter, QPainterPath, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from kiosk.domain import Emotion
from kiosk.ui import theme

INK = theme.ON_ACCENT


def _begin(p: QPainter, rect: QRectF) -> None:
    side = min(rect.width(), rect.height())
    p.save()
    p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    p.translate(rect.center().x() - side / 2, rect.center().y() - side / 2)
    p.scale(side / 100.0, side / 100.0)


def _pen(color: QColor, width: float) -> QPen:
    pen = QPen(color, width)
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    return pen


def _dot(p: QPainter, x: float, y: float, r: float, color: QColor = INK) -> None:
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(color)
    p.drawEllipse(QPointF(x, y), r, r)


def _stroke(p: QPainter, path: QPainterPath, width: float = 6.0, color: QColor = INK) -> None:
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.setPen(_pen(color, width))
    p.drawPath(path)


def _line(p: QPainter, x1: float, y1: float, x2: float, y2: float, width: float = 6.0) -> None:
    p.setPen(_pen(INK, width))
    p.drawLine(QPointF(x1, y1), QPointF(x2, y2))


def _curve(x1: float, y1: float, cx: float, cy: float, x2: float, y2: float) -> QPainterPath:
    path = QPainterPath(QPointF(x1, y1))
    path.quadTo(QPointF(cx, cy), QPointF(x2, y2))
    return path


# --------------------------------------------------------------------------- faces


def _happy(p: QPainter) -> None:
    _stroke(p, _curve(26, 46, 34, 32, 42, 46))
    _stroke(p, _curve(58, 46, 66, 32, 74, 46))
    mouth = QPainterPath(QPointF(27, 58))
    mouth.cubicTo(QPointF(30, 86), QPointF(70, 86), QPointF(73, 58))
    mouth.closeSubpath()
    p.setPen(_pen(INK, 4))
    p.setBrush(INK)
    p.drawPath(mouth)
    tongue = QPainterPath(QPointF(38, 74))
    tongue.cubicTo(QPointF(44, 68), QPointF(56, 68), QPointF(62, 74))
    tongue.cubicTo(QPointF(56, 80), QPointF(44, 80), QPointF(38, 74))
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QColor("#FF7A8A"))
    p.drawPath(tongue)


def _sad(p: QPainter) -> None:
    _line(p, 24, 36, 40, 29)
    _line(p, 76, 36, 60, 29)
    _dot(p, 34, 46, 5.5)
    _dot(p, 66, 46, 5.5)
    _stroke(p, _curve(33, 76, 50, 60, 67, 76))
    tear = QPainterPath(QPointF(72, 52))
    tear.cubicTo(QPointF(66, 62), QPointF(66, 68), QPointF(72, 68))
    tear.cubicTo(QPointF(78, 68), QPointF(78, 62), QPointF(72, 52))
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QColor("#DDF0FF"))
    p.drawPath(tear)


def _angry(p: QPainter) -> None:
    _line(p, 22, 30, 43, 40, 7)
    _line(p, 78, 30, 57, 40, 7)
    _dot(p, 35, 49, 5.5)
    _dot(p, 65, 49, 5.5)
    _stroke(p, _curve(34, 76, 50, 64, 66, 76), 7)


def _confused(p: QPainter) -> None:
    _line(p, 25, 34, 42, 34)
    _stroke(p, _curve(58, 30, 67, 20, 77, 28))
    _dot(p, 34, 45, 5.5)
    _dot(p, 67, 42, 5.5)
    wave = QPainterPath(QPointF(30, 72))
    wave.cubicTo(QPointF(38, 62), QPointF(44, 80), QPointF(52, 70))
    wave.cubicTo(QPointF(58, 62), QPointF(64, 74), QPointF(70, 66))
    _stroke(p, wave)


def _disgusted(p: QPainter) -> None:
    left = QPainterPath(QPointF(26, 36))
    left.lineTo(QPointF(40, 44))
    left.lineTo(QPointF(26, 52))
    right = QPainterPath(QPointF(74, 36))
    right.lineTo(QPointF(60, 44))
    right.lineTo(QPointF(74, 52))
    _stroke(p, left)
    _stroke(p, right)
    mouth = QPainterPath(QPointF(30, 70))
    mouth.cubicTo(QPointF(38, 64), QPointF(44, 74), QPointF(50, 68))
    mouth.cubicTo(QPointF(56, 62), QPointF(62, 74), QPointF(70, 68))
    _stroke(p, mouth)
    tongue = QPainterPath(QPointF(52, 70))
    tongue.cubicTo(QPointF(52, 84), QPointF(64, 84), QPointF(64, 71))
    p.setPen(_pen(INK, 3))
    p.setBrush(QColor("#FF7A8A"))
    p.drawPath(tongue)


def _surprised(p: QPainter) -> None:
    _stroke(p, _curve(24, 28, 34, 18, 44, 26))
    _stroke(p, _curve(56, 26, 66, 18, 76, 28))
    for x in (34, 66):
        _dot(p, x, 43, 8.5)
        _dot(p, x + 2.5, 40.5, 2.6, QColor("#FFFFFF"))
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(INK)
    p.drawEllipse(QRectF(40, 58, 20, 24))


def _calm(p: QPainter) -> None:
    _stroke(p, _curve(25, 44, 34, 53, 43, 44))
    _stroke(p, _curve(57, 44, 66, 53, 75, 44))
    _stroke(p, _curve(36, 66, 50, 76, 64, 66))
    p.setPen(Qt.PenStyle.NoPen)
    blush = QColor("#FF7F9E")
    blush.setAlphaF(0.7)
    p.setBrush(blush)
    p.drawEllipse(QRectF(16, 54, 14, 8))
    p.drawEllipse(QRectF(70, 54, 14, 8))


def _fear(p: QPainter) -> None:
    _line(p, 24, 30, 41, 24)
    _line(p, 76, 30, 59, 24)
    for x in (34, 66):
        p.setPen(_pen(INK, 4))
        p.setBrush(QColor("#FFFFFF"))
        p.drawEllipse(QPointF(x, 43), 9, 9)
        _dot(p, x, 44, 3.6)
    mouth = QPainterPath(QPointF(32, 72))
    for i, x in enumerate(range(38, 71, 6)):
        mouth.lineTo(QPointF(x, 66 if i % 2 == 0 else 72))
    _stroke(p, mouth, 5)
    drop = QPainterPath(QPointF(84, 18))
    drop.cubicTo(QPointF(78, 28), QPointF(78, 34), QPointF(84, 34))
    drop.cubicTo(QPointF(90, 34), QPointF(90, 28), QPointF(84, 18))
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QColor("#DDF0FF"))
    p.drawPath(drop)


_FACES: dict[Emotion, Callable[[QPainter], None]] = {
    Emotion.HAPPY: _happy,
    Emotion.SAD: _sad,
    Emotion.ANGRY: _angry,
    Emotion.CONFUSED: _confused,
    Emotion.DISGUSTED: _disgusted,
    Emotion.SURPRISED: _surprised,
    Emotion.CALM: _calm,
    Emotion.FEAR: _fear,
}


def draw_face(p: QPainter, rect: QRectF, emotion: Emotion | None) -> None:
    """An emoji-like face for `emotion`, or a dashed 'searching' face for None."""
    _begin(p, rect)
    if emotion is None:
        pen = _pen(theme.TEXT_MUTED, 5)
        pen.setStyle(Qt.PenStyle.DashLine)
        p.setPen(pen)
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawEllipse(QPointF(50, 50), 44, 44)
        _dot(p, 36, 44, 5, theme.TEXT_MUTED)
        _dot(p, 64, 44, 5, theme.TEXT_MUTED)
        p.setPen(_pen(theme.TEXT_MUTED, 5))
        p.drawLine(QPointF(38, 68), QPointF(62, 68))
    else:
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(theme.accent_for(emotion))
        p.drawEllipse(QPointF(50, 50), 46, 46)
        _FACES[emotion](p)
    p.restore()


# --------------------------------------------------------------------------- symbols


def heart_path() -> QPainterPath:
    path = QPainterPath(QPointF(50, 88))
    path.cubicTo(QPointF(20, 66), QPointF(6, 50), QPointF(8, 33))
    path.cubicTo(QPointF(10, 17), QPointF(24, 9), QPointF(36, 11))
    path.cubicTo(QPointF(44, 12), QPointF(48, 18), QPointF(50, 23))
    path.cubicTo(QPointF(52, 18), QPointF(56, 12), QPointF(64, 11))
    path.cubicTo(QPointF(76, 9), QPointF(90, 17), QPointF(92, 33))
    path.cubicTo(QPointF(94, 50), QPointF(80, 66), QPointF(50, 88))
    path.closeSubpath()
    return path


def draw_heart(p: QPainter, rect: QRectF, color: QColor, filled: bool) -> None:
    _begin(p, rect)
    p.setPen(_pen(color, 8))
    p.setBrush(QBrush(color) if filled else Qt.BrushStyle.NoBrush)
    p.drawPath(heart_path())
    p.restore()


def draw_chevron(p: QPainter, rect: QRectF, color: QColor, direction: str = "right") -> None:
    _begin(p, rect)
    path = QPainterPath()
    if direction == "right":
        path.moveTo(36, 18)
        path.lineTo(68, 50)
        path.lineTo(36, 82)
    else:
        path.moveTo(64, 18)
        path.lineTo(32, 50)
        path.lineTo(64, 82)
    _stroke(p, path, 11, color)
    p.restore()


def draw_lock(p: QPainter, rect: QRectF, color: QColor) -> None:
    _begin(p, rect)
    shackle = QPainterPath(QPointF(32, 46))
    shackle.lineTo(QPointF(32, 32))
    shackle.cubicTo(QPointF(32, 8), QPointF(68, 8), QPointF(68, 32))
    shackle.lineTo(QPointF(68, 46))
    _stroke(p, shackle, 9, color)
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(color)
    p.drawRoundedRect(QRectF(20, 42, 60, 48), 9, 9)
    p.restore()


def draw_check(p: QPainter, rect: QRectF, color: QColor) -> None:
    _begin(p, rect)
    path = QPainterPath(QPointF(20, 52))
    path.lineTo(QPointF(42, 74))
    path.lineTo(QPointF(80, 28))
    _stroke(p, path, 11, color)
    p.restore()


def draw_sparkle(p: QPainter, rect: QRectF, color: QColor) -> None:
    """A four-point star: the 'For you' mark."""
    _begin(p, rect)
    path = QPainterPath(QPointF(50, 6))
    path.quadTo(QPointF(56, 44), QPointF(94, 50))
    path.quadTo(QPointF(56, 56), QPointF(50, 94))
    path.quadTo(QPointF(44, 56), QPointF(6, 50))
    path.quadTo(QPointF(44, 44), QPointF(50, 6))
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(color)
    p.drawPath(path)
    p.restore()


def draw_backspace(p: QPainter, rect: QRectF, color: QColor) -> None:
    _begin(p, rect)
    body = QPainterPath(QPointF(8, 50))
    body.lineTo(QPointF(32, 22))
    body.lineTo(QPointF(90, 22))
    body.lineTo(QPointF(90, 78))
    body.lineTo(QPointF(32, 78))
    body.closeSubpath()
    _stroke(p, body, 7, color)
    p.setPen(_pen(color, 7))
    p.drawLine(QPointF(48, 38), QPointF(72, 62))
    p.drawLine(QPointF(72, 38), QPointF(48, 62))
    p.restore()


def draw_camera_off(p: QPainter, rect: QRectF, color: QColor) -> None:
    _begin(p, rect)
    p.setPen(_pen(color, 6))
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.drawRoundedRect(QRectF(12, 30, 60, 44), 8, 8)
    lens = QPainterPath(QPointF(72, 44))
    lens.lineTo(QPointF(90, 34))
    lens.lineTo(QPointF(90, 70))
    lens.lineTo(QPointF(72, 60))
    _stroke(p, lens, 6, color)
    p.setPen(_pen(color, 7))
    p.drawLine(QPointF(12, 14), QPointF(88, 88))
    p.restore()


Painter = Callable[[QPainter, QRectF, QColor], None]


def heart_icon(filled: bool) -> Painter:
    def paint(p: QPainter, rect: QRectF, color: QColor) -> None:
        draw_heart(p, rect, color, filled)

    return paint


def chevron_icon(direction: str) -> Painter:
    def paint(p: QPainter, rect: QRectF, color: QColor) -> None:
        draw_chevron(p, rect, color, direction)

    return paint


def face_icon(emotion: Emotion | None) -> Painter:
    def paint(p: QPainter, rect: QRectF, color: QColor) -> None:
        draw_face(p, rect, emotion)

    return paint


class FaceIcon(QWidget):
    """A square widget showing one emotion face (None: the 'searching' face)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._emotion: Emotion | None = None
        self._side = 64
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)

    def set_emotion(self, emotion: Emotion | None) -> None:
        if emotion != self._emotion:
            self._emotion = emotion
            self.update()

    def emotion(self) -> Emotion | None:
        return self._emotion

    def set_side(self, side: int) -> None:
        self._side = side
        self.setFixedSize(side, side)

    def sizeHint(self) -> QSize:
        return QSize(self._side, self._side)

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        draw_face(p, QRectF(self.rect()).adjusted(1, 1, -1, -1), self._emotion)
        p.end()
