"""The attract (idle) screen: a slow Ken Burns slideshow of catalog images under
a big invitation, so passers-by see what the kiosk does and nothing static burns
into the panel.

The slideshow runs on one QTimer only while the screen is shown (`start` /
`stop`); the motion is a pure function of the clock, so tests drive it with a
fake clock instead of sleeping.
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Callable, Sequence

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QHideEvent,
    QImage,
    QLinearGradient,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPixmap,
    QRadialGradient,
    QResizeEvent,
)
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from kiosk.domain import Emotion
from kiosk.ui import icons, theme
from kiosk.ui.privacy import PrivacyNotice
from kiosk.ui.widgets import TouchButton

SLIDE_S = 9.0
FADE_S = 1.6
FRAME_MS = 33
GLOW_FRAME_MS = 100
"""Before the catalog's images come (a first start indexes them while the models load)
only the glows move, a few pixels a second: 10 frames a second show the same motion.
Each frame fills the window with five gradients on the GUI thread and repaints the
row of faces, the button and the notice over them."""
MAX_ZOOM = 1.18


class KenBurns:
    """Start/end zoom and pan of one slide, chosen once per slide index."""

    def __init__(self, index: int) -> None:
        rnd = random.Random(index * 7919 + 17)
        zoom_in = rnd.random() < 0.5
        self.z0, self.z1 = (1.0, MAX_ZOOM) if zoom_in else (MAX_ZOOM, 1.03)
        self.p0 = (rnd.uniform(-1, 1), rnd.uniform(-1, 1))
        self.p1 = (rnd.uniform(-1, 1), rnd.uniform(-1, 1))

    def source_rect(self, size: QSize, t: float, view: QSize | None = None) -> QRectF:
        """The part of a cover-scaled image (of `size`) to show at progress t (0..1)
        in a `view` of that size or smaller (default: the whole image). The part
        has the view's aspect ratio, so the picture is never stretched."""
        e = t * t * (3 - 2 * t)  # smoothstep: no jolt at the ends
        zoom = self.z0 + (self.z1 - self.z0) * e
        vw = min(size.width(), (view or size).width())
        vh = min(size.height(), (view or size).height())
        w, h = vw / zoom, vh / zoom
        px = self.p0[0] + (self.p1[0] - self.p0[0]) * e
        py = self.p0[1] + (self.p1[1] - self.p0[1]) * e
        x = (size.width() - w) / 2 * (1 + px)
        y = (size.height() - h) / 2 * (1 + py)
        return QRectF(x, y, w, h)


class FaceRow(QWidget):
    """The eight mood faces in a row: says 'this is about moods' without words.

    The row is drawn once per size into a pixmap, and a paint copies it: the
    slideshow behind repaints the row with every frame (30 a second), and drawing the
    faces took about 330 calls into Qt from Python each time, on the GUI thread,
    while the models load beside it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._side = 64
        self._strip: QPixmap | None = None
        self._strip_key: tuple[int, int, float] = (0, 0, 0.0)
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents, True)
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)

    def set_side(self, side: int) -> None:
        self._side = side
        n = len(Emotion)
        self.setFixedSize(n * side + (n - 1) * side // 4, side)

    def strip(self) -> QPixmap:
        """The faces as drawn at the current size (made when the size changed)."""
        dpr = self.devicePixelRatioF()
        key = (self.width(), self.height(), dpr)
        if self._strip is None or key != self._strip_key:
            strip = QPixmap(max(1, round(self.width() * dpr)), max(1, round(self.height() * dpr)))
            strip.setDevicePixelRatio(dpr)
            strip.fill(Qt.GlobalColor.transparent)
            p = QPainter(strip)
            step = self._side + self._side // 4
            for i, emotion in enumerate(Emotion):
                icons.draw_face(p, QRectF(i * step, 0, self._side, self._side), emotion)
            p.end()
            self._strip, self._strip_key = strip, key
        return self._strip

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        p.drawPixmap(0, 0, self.strip())
        p.end()


class AttractScreen(QWidget):
    """Signals:
    touched(): the visitor touched the screen outside the button.
    mood_clicked(): "Choose my mood".
    """

    touched = Signal()
    mood_clicked = Signal()

    def __init__(
        self, parent: QWidget | None = None, clock: Callable[[], float] = time.monotonic
    ) -> None:
        super().__init__(parent)
        self._clock = clock
        self._images: list[QImage] = []
        self._cache: dict[int, QPixmap] = {}
        self._started_at = clock()
        self._camera_ok = True
        self._vision_ok = True  # the camera can read moods (models loaded)
        self._metrics = theme.Metrics()
        self._timer = QTimer(self)
        self._timer.setObjectName("attract-frame-timer")
        self._timer.setInterval(GLOW_FRAME_MS)
        self._timer.timeout.connect(self.update)

        self.headline = QLabel(self)
        self.headline.setObjectName("attract-headline")
        self.headline.setWordWrap(True)
        self.subline = QLabel(self)
        self.subline.setObjectName("attract-subline")
        self.subline.setWordWrap(True)
        for label in (self.headline, self.subline):
            label.setTextFormat(Qt.TextFormat.PlainText)
            label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents, True)
        self.mood_button = TouchButton(
            "", icon=icons.face_icon(Emotion.HAPPY), variant="primary", size="big", parent=self
        )
        self.mood_button.setObjectName("attract-mood-button")
        self.mood_button.clicked.connect(self.mood_clicked)
        self.privacy = PrivacyNotice(self, compact=True)
        self.privacy.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents, True)

        self.faces = FaceRow(self)
        self._layout = QVBoxLayout(self)
        self._layout.addStretch(1)
        self._layout.addWidget(self.faces)
        self._layout.addWidget(self.headline)
        self._layout.addWidget(self.subline)
        row = QHBoxLayout()
        row.addWidget(self.mood_button)
        row.addStretch(1)
        self._layout.addLayout(row)
        self._layout.addWidget(self.privacy)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        # every frame covers the whole screen (paintEvent fills it first), so the window
        # under it is not painted again at each frame
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent, True)
        self.retranslate()

    # ------------------------------------------------------------------ API

    def set_images(self, images: Sequence[QImage]) -> None:
        self._images = [img for img in images if not img.isNull()]
        self._cache.clear()
        self._started_at = self._clock()
        self._timer.setInterval(self.frame_ms())
        self.update()

    def frame_ms(self) -> int:
        """The frame interval: the slideshow's, or the slower glows' (no images)."""
        return FRAME_MS if self._images else GLOW_FRAME_MS

    def image_count(self) -> int:
        return len(self._images)

    def start(self) -> None:
        self._started_at = self._clock()
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()

    def is_running(self) -> bool:
        return self._timer.isActive()

    def set_camera_available(self, ok: bool) -> None:
        self._camera_ok = ok
        self.privacy.set_camera_active(ok)
        self.retranslate()

    def set_vision_ready(self, ok: bool) -> None:
        """False while the models that read moods are not ready (loading, or failed):
        the texts invite to the mood picker, as without a camera."""
        self._vision_ok = ok
        self.retranslate()

    def slide_at(self, now: float | None = None) -> tuple[int, float]:
        """(slide index, progress 0..1) at `now` (default: the clock)."""
        elapsed = max(0.0, (self._clock() if now is None else now) - self._started_at)
        index = int(elapsed // SLIDE_S)
        return index, (elapsed % SLIDE_S) / SLIDE_S

    def retranslate(self) -> None:
        if self._camera_ok and self._vision_ok:
            self.headline.setText(self.tr("Step closer — we'll pick images for your mood"))
            self.subline.setText(self.tr("Look at the screen for a moment, or tap to start."))
        else:
            self.headline.setText(self.tr("Tell us your mood — we'll pick images for it"))
            self.subline.setText(self.tr("Tap anywhere to start."))
        self.mood_button.setText(self.tr("Choose my mood"))
        self.privacy.retranslate()

    def set_metrics(self, m: theme.Metrics) -> None:
        self._metrics = m
        margin = m.px(88)
        self._layout.setContentsMargins(margin, margin, margin, m.px(64))
        self._layout.setSpacing(m.px(28))
        self.headline.setFont(theme.font(m.display, QFont.Weight.Bold))
        self.headline.setStyleSheet(f"color: {theme.TEXT.name()}; background: transparent;")
        self.headline.setMaximumWidth(int(max(self.width(), 1) * 0.8) or 16_777_215)
        self.subline.setFont(theme.font(m.title))
        self.subline.setStyleSheet(f"color: {theme.TEXT.name()}; background: transparent;")
        self.mood_button.setMinimumWidth(m.px(460))
        self.faces.set_side(m.px(72))

    # ------------------------------------------------------------------ events

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self.touched.emit()
        super().mouseReleaseEvent(event)

    def hideEvent(self, event: QHideEvent) -> None:
        self.stop()
        self._cache.clear()  # no slideshow pixmap stays behind the main screen
        super().hideEvent(event)

    def resizeEvent(self, event: QResizeEvent) -> None:
        self.headline.setMaximumWidth(int(self.width() * 0.8))

    # ------------------------------------------------------------------ painting

    def _pixmap(self, index: int) -> QPixmap:
        """Slide `index`'s image as a pixmap at the image's own size (800 px from the
        back end), not scaled up to the screen first: the paint scales it anyway, as
        the zoom moves every frame. Three screen-sized pixmaps took 44 MB at 1920x1080;
        these take 2.4 MB each. Only the two slides of a cross-fade are kept."""
        key = index % len(self._images)
        pix = self._cache.get(key)
        if pix is None:
            pix = QPixmap.fromImage(self._images[key])
            while len(self._cache) >= 2:
                self._cache.pop(next(iter(self._cache)))
            self._cache[key] = pix
        return pix

    def _draw_slide(self, p: QPainter, index: int, t: float, opacity: float) -> None:
        pix = self._pixmap(index)
        # The motion is planned on the image cover-scaled to the screen (2 % headroom
        # for the zoom), then read from the unscaled pixmap.
        target = QSize(math.ceil(self.width() * 1.02), math.ceil(self.height() * 1.02))
        cover = pix.size().scaled(target, Qt.AspectRatioMode.KeepAspectRatioByExpanding)
        src = KenBurns(index).source_rect(cover, t, self.size())
        k = pix.width() / max(1, cover.width())
        p.setOpacity(opacity)
        p.drawPixmap(QRectF(self.rect()), pix,
                     QRectF(src.x() * k, src.y() * k, src.width() * k, src.height() * k))
        p.setOpacity(1.0)

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
        p.fillRect(self.rect(), theme.BG)
        now = self._clock()
        if self._images:
            # Slide i is on screen from i*SLIDE_S - FADE_S (fading in) to
            # (i+1)*SLIDE_S; its motion runs over that whole span, so it never jumps.
            index, t = self.slide_at(now)
            local = t * SLIDE_S
            span = SLIDE_S + FADE_S
            self._draw_slide(p, index, (local + FADE_S) / span, 1.0)
            if local > SLIDE_S - FADE_S:
                into = local - (SLIDE_S - FADE_S)
                self._draw_slide(p, index + 1, into / span, into / FADE_S)
        else:
            self._paint_glow(p, now)
        # Legibility: darken towards the text at the bottom.
        grad = QLinearGradient(QPointF(0, 0), QPointF(0, self.height()))
        grad.setColorAt(0.0, theme.with_alpha(theme.BG, 0.15))
        grad.setColorAt(0.45, theme.with_alpha(theme.BG, 0.35))
        grad.setColorAt(1.0, theme.with_alpha(theme.BG, 0.94))
        p.fillRect(self.rect(), grad)
        p.end()

    def _paint_glow(self, p: QPainter, now: float) -> None:
        """No images yet: slowly drifting accent glows (still nothing static)."""
        colors = list(theme.EMOTION_ACCENTS.values())
        for i, color in enumerate(colors[:4]):
            phase = now / 23.0 + i * 1.7
            cx = self.width() * (0.5 + 0.35 * math.sin(phase))
            cy = self.height() * (0.4 + 0.25 * math.cos(phase * 0.8))
            radius = max(self.width(), self.height()) * 0.45
            glow = QRadialGradient(QPointF(cx, cy), radius)
            glow.setColorAt(0.0, theme.with_alpha(QColor(color), 0.35))
            glow.setColorAt(1.0, theme.with_alpha(QColor(color), 0.0))
            p.fillRect(self.rect(), glow)
