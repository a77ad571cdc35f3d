"""The mood picker: eight big tiles, one per emotion, for when the camera is
unavailable or the visitor prefers to say how they feel."""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt, Signal
from PySide6.QtGui import QFont, QFontMetrics, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import (
    QAbstractButton,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from kiosk.domain import Emotion
from kiosk.ui import icons, texts, theme
from kiosk.ui.widgets import TouchButton


class MoodTile(QAbstractButton):
    """A big tile: the emotion's drawn face above its name."""

    def __init__(self, emotion: Emotion, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.emotion = emotion
        self._metrics = theme.Metrics()
        self.setObjectName(f"mood-{emotion.folder}")
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.retranslate()

    def retranslate(self) -> None:
        self.setText(texts.emotion_name(self.emotion))

    def set_metrics(self, m: theme.Metrics) -> None:
        self._metrics = m
        self.setFont(theme.font(m.title, QFont.Weight.DemiBold))
        self.setMinimumSize(m.touch(150), m.touch(150))
        self.updateGeometry()

    def sizeHint(self) -> QSize:
        return QSize(self._metrics.px(320), self._metrics.px(280))

    def minimumSizeHint(self) -> QSize:
        side = self._metrics.touch(150)
        return QSize(side, side)

    def clipped_texts(self) -> list[str]:
        """The name when it would be elided at the current size (kiosk.ui.text_fit)."""
        room = self.width() - 4 - self._metrics.gap
        fits = QFontMetrics(self.font()).horizontalAdvance(self.text()) <= room
        return [] if fits else [self.text()]

    def paintEvent(self, event: QPaintEvent) -> None:
        m = self._metrics
        accent = theme.accent_for(self.emotion)
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        rect = QRectF(self.rect()).adjusted(2, 2, -2, -2)
        fill = theme.SURFACE_2.lighter(130) if self.isDown() else theme.SURFACE
        p.setBrush(fill)
        p.setPen(QPen(accent if self.isDown() else theme.OUTLINE, m.px(4 if self.isDown() else 2)))
        p.drawRoundedRect(rect, m.radius, m.radius)
        fm = QFontMetrics(self.font())
        text_h = fm.height()
        side = min(rect.width() * 0.5, rect.height() - text_h - m.px(56))
        top = rect.top() + (rect.height() - side - text_h - m.px(18)) / 2
        icons.draw_face(p, QRectF(rect.center().x() - side / 2, top, side, side), self.emotion)
        p.setPen(theme.TEXT)
        p.setFont(self.font())
        p.drawText(
            QRectF(rect.left(), top + side + m.px(18), rect.width(), text_h),
            int(Qt.AlignmentFlag.AlignCenter),
            fm.elidedText(self.text(), Qt.TextElideMode.ElideRight, int(rect.width() - m.gap)),
        )
        p.end()


class MoodPicker(QWidget):
    """Signals:
    picked(str emotion): the Emotion value of the tapped tile ("HAPPY").
    back(): the visitor tapped Back.
    """

    picked = Signal(str)
    back = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._metrics = theme.Metrics()
        self._camera_off = False
        self._reading_off = False  # the camera is on, vision failed (set_reading_off)
        self._portrait: bool | None = None
        self._offered = frozenset(Emotion)  # the moods with images (set_moods_with_images)
        self.back_button = TouchButton(
            "", icon=icons.chevron_icon("left"), variant="ghost", parent=self
        )
        self.back_button.setObjectName("mood-back")
        self.back_button.clicked.connect(self.back)
        self.title = QLabel(self)
        self.title.setObjectName("mood-title")
        self.subtitle = QLabel(self)
        self.subtitle.setObjectName("mood-subtitle")
        for label in (self.title, self.subtitle):
            label.setWordWrap(True)
            label.setTextFormat(Qt.TextFormat.PlainText)
        self.tiles = [MoodTile(e, self) for e in Emotion]
        for tile in self.tiles:
            tile.clicked.connect(lambda _=False, e=tile.emotion: self.picked.emit(e.value))
        self._grid = QGridLayout()
        top = QHBoxLayout()
        top.addWidget(self.back_button)
        top.addStretch(1)
        self._layout = QVBoxLayout(self)
        self._layout.addLayout(top)
        self._layout.addWidget(self.title)
        self._layout.addWidget(self.subtitle)
        self._layout.addLayout(self._grid, 1)
        self._place_tiles(portrait=False)
        self.retranslate()

    def set_camera_off(self, off: bool) -> None:
        """`off`: a camera that is configured but lost (its fault text); not for a
        kiosk with no camera on purpose, where the usual invitation is true."""
        self._camera_off = off
        self.retranslate()

    def set_reading_off(self, off: bool) -> None:
        """`off`: the camera is on but reads no moods (vision's models failed): the
        picker says mood reading is off, not that the camera is (tester round 15)."""
        self._reading_off = off
        self.retranslate()

    def set_moods_with_images(self, moods: frozenset[Emotion]) -> None:
        """Offer only the moods the catalog has images for (tester round 8, finding 6:
        a picked Scared with no fear images gave other moods' images under a Scared
        headline). While none has (an empty catalog), every mood stays: its page then
        says it could not be shown."""
        shown = frozenset(moods) or frozenset(Emotion)
        if shown == self._offered:
            return
        self._offered = shown
        for tile in self.tiles:
            tile.setVisible(tile.emotion in shown)
        self._place_tiles(self._portrait or False, again=True)

    def offered(self) -> list[Emotion]:
        """The moods the picker offers now, in its order."""
        return [t.emotion for t in self.tiles if t.emotion in self._offered]

    def tile(self, emotion: Emotion) -> MoodTile:
        return next(t for t in self.tiles if t.emotion == emotion)

    def retranslate(self) -> None:
        self.back_button.setText(self.tr("Back"))
        self.title.setText(self.tr("How are you feeling?"))
        self.subtitle.setText(
            self.tr("The camera is unavailable right now — just tap your mood.")
            if self._camera_off
            else self.tr("Mood reading is off right now — just tap your mood.")
            if self._reading_off
            else self.tr("Tap your mood and we'll pick images for it.")
        )
        for tile in self.tiles:
            tile.retranslate()

    def set_metrics(self, m: theme.Metrics) -> None:
        self._metrics = m
        self._layout.setContentsMargins(m.margin, m.margin, m.margin, m.margin)
        self._layout.setSpacing(m.px(16))
        self._grid.setSpacing(m.gap)
        self._grid.setContentsMargins(0, m.gap, 0, 0)
        self.title.setFont(theme.font(m.headline, QFont.Weight.Bold))
        self.title.setStyleSheet(f"color: {theme.TEXT.name()};")
        self.subtitle.setFont(theme.font(m.body))
        self.subtitle.setStyleSheet(f"color: {theme.TEXT_MUTED.name()};")
        self.back_button.setMinimumWidth(m.px(220))

    def set_portrait(self, portrait: bool) -> None:
        self._place_tiles(portrait)

    def _place_tiles(self, portrait: bool, again: bool = False) -> None:
        if portrait == self._portrait and not again:
            return
        self._portrait = portrait
        cols = 2 if portrait else 4
        for tile in self.tiles:
            self._grid.removeWidget(tile)
        offered = [t for t in self.tiles if t.emotion in self._offered]
        for i, tile in enumerate(offered):
            self._grid.addWidget(tile, i // cols, i % cols)
