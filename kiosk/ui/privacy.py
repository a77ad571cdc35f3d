"""The privacy notice shown whenever the camera is being analysed.

It says what is analysed (the facial expression, on this device), that no
image is stored, and what is sent to whom and when, for every combination of
settings, in plain words a shopper reads in a glance:

* `cloud_fallback` (Rekognition fallback): when the device is unsure, a face crop
  may go to Amazon Rekognition;
* `identity` (with `retention_days`): only if the visitor agrees, a face crop goes
  once to Amazon Rekognition, which keeps a face vector for N days;
* `personalize_recommend`: to pick images, the mood and a random ID go to Amazon
  Personalize;
* `personalize_events`: likes and the images shown go to Amazon Personalize with a
  random ID;
* `fleet` (`[fleet] enabled` with audience analytics on): per-bucket visit totals
  (Visits, Engaged, DwellP50, Likes, ...) go to Amazon CloudWatch; alone it reads "Only
  visit totals go to the cloud (Amazon CloudWatch), never an image." (tester round 21:
  the notice said "Nothing is sent to the cloud." while those figures were sent);
* none of them: nothing is sent to the cloud.

With the camera off (lost, or none on purpose) it says so and that nothing is
analysed. With the camera on but mood reading off (vision's models failed to load:
`set_mood_reading`) it says the camera is on and nothing is analysed: no
expression is read and no face crop can be sent, so only what goes with a mood
picked by hand (Personalize) is listed.
"""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import QRect, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFontMetrics, QPainter, QPaintEvent, QPen, QResizeEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSizePolicy, QWidget

from kiosk.ui import theme
from kiosk.ui.icons import Painter, draw_lock


class IconBox(QWidget):
    """A fixed square painting one drawn icon."""

    def __init__(self, icon: Painter, color: QColor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._icon = icon
        self._color = QColor(color)
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)

    def set_side(self, side: int) -> None:
        self.setFixedSize(side, side)

    def sizeHint(self) -> QSize:
        return self.size()

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        self._icon(p, QRectF(self.rect()), self._color)
        p.end()


class PrivacyNotice(QWidget):
    """Lock icon + what happens to the visitor's face. `compact` drops the
    background card (for the attract screen's overlay)."""

    def __init__(self, parent: QWidget | None = None, *, compact: bool = False) -> None:
        super().__init__(parent)
        self._compact = compact
        self._cloud = False
        self._identity = False
        self._analytics = False  # audience analytics on: say visits are only counted
        self._retention_days = 30
        self._recommend = False
        self._events = False
        self._fleet = False  # visit totals go to CloudWatch ([fleet] with analytics on)
        self._active = True
        self._reading = True  # False: the camera is on but reads no moods (set_mood_reading)
        self._text_px: int | None = None  # the text's pixel size when set (set_text_px)
        self._metrics = theme.Metrics()
        self._icon = IconBox(draw_lock, theme.TEXT_MUTED, self)
        self.label = QLabel(self)
        self.label.setObjectName("privacy-text")
        self.label.setWordWrap(True)
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.label.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self._layout = QHBoxLayout(self)
        self._layout.addWidget(self._icon, 0, Qt.AlignmentFlag.AlignTop)
        self._layout.addWidget(self.label, 1)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        self.set_metrics(self._metrics)
        self.retranslate()

    def set_flags(self, flags: Mapping[str, object]) -> None:
        self._cloud = bool(flags.get("cloud_fallback", False))
        self._identity = bool(flags.get("identity", False))
        self._analytics = bool(flags.get("analytics", False))
        days = flags.get("retention_days", 30)
        self._retention_days = max(1, int(days)) if isinstance(days, int | float) else 30
        self._recommend = bool(flags.get("personalize_recommend", False))
        self._events = bool(flags.get("personalize_events", False))
        self._fleet = bool(flags.get("fleet", False))
        self.retranslate()

    def set_camera_active(self, active: bool) -> None:
        self._active = active
        self.retranslate()

    def set_mood_reading(self, on: bool) -> None:
        """False: vision is unavailable (its models failed), so nothing the camera sees
        is analysed, though the camera may be on (tester round 15: "The camera is off"
        over a live preview)."""
        self._reading = on
        self.retranslate()

    def text(self) -> str:
        return self.label.text()

    def set_metrics(self, metrics: theme.Metrics) -> None:
        self._metrics = metrics
        pad = 0 if self._compact else metrics.px(22)
        self._layout.setContentsMargins(pad, pad, pad, pad)
        self._layout.setSpacing(metrics.px(16))
        self._icon.set_side(metrics.px(30))
        self.label.setFont(theme.font(self._text_px or metrics.small))
        self.label.setStyleSheet(f"color: {theme.TEXT_MUTED.name()}; background: transparent;")
        self._fit_height()

    def set_text_px(self, px: int | None) -> None:
        """The text's pixel size; None: the theme's `small` (see `height_for`)."""
        if px != self._text_px:
            self._text_px = px
            self.label.setFont(theme.font(px or self._metrics.small))
            self._fit_height()

    def text_px(self) -> int:
        return self.label.font().pixelSize()

    def height_for(self, width: int, px: int) -> int:
        """The notice's height at `width` with its text at `px` pixels, all of it
        wrapped (the landscape sidebar picks the largest text that fits its room)."""
        margins = self._layout.contentsMargins()
        text_w = (width - margins.left() - margins.right()
                  - self._icon.width() - self._layout.spacing())
        metrics = QFontMetrics(theme.font(px))
        box = metrics.boundingRect(QRect(0, 0, max(1, text_w), 1_000_000),
                                   int(Qt.TextFlag.TextWordWrap), self.label.text())
        return box.height() + margins.top() + margins.bottom()

    def retranslate(self) -> None:
        if not self._active:
            self.label.setText(self.tr("The camera is off. Nothing is analysed."))
            self._fit_height()
            return
        lines = [
            self.tr("Your facial expression is read on this device to pick images.")
            if self._reading
            else self.tr("The camera is on, but nothing is analysed right now: mood reading is off."),  # noqa: E501
            self.tr("No image is stored."),
        ]
        crops = self._reading and (self._cloud or self._identity)  # no reading: no face crop
        if self._analytics:
            lines.append(self.tr("Visits are counted only as totals, never one by one."))
        if crops and self._cloud:
            lines.append(self.tr("When the device is unsure, a face crop may be sent to Amazon Rekognition (AWS) for analysis."))  # noqa: E501
        if crops and self._identity:
            lines.append(self.tr("Only if you agree to be remembered, a face crop is sent once to Amazon Rekognition (AWS), which keeps a face vector (not a picture) for %n day(s).", "", self._retention_days))  # noqa: E501
        if self._recommend:
            lines.append(self.tr("To pick images, your mood and a random ID are sent to Amazon Personalize (AWS)."))  # noqa: E501
        if self._events:
            lines.append(self.tr("Your likes and the images shown are sent to Amazon Personalize (AWS) with a random ID."))  # noqa: E501
        others = crops or self._recommend or self._events
        if self._fleet and others:
            lines.append(self.tr("Visit totals are sent to Amazon CloudWatch (AWS)."))
        elif self._fleet:
            lines.append(self.tr("Only visit totals go to the cloud (Amazon CloudWatch), never an image."))  # noqa: E501
        if not (others or self._fleet):
            lines.append(self.tr("Nothing is sent to the cloud."))
        self.label.setText(" ".join(lines))
        self._fit_height()

    def _fit_height(self) -> None:
        """Grow to the wrapped text's height (nested box layouts do not do it reliably)."""
        margins = self._layout.contentsMargins()
        text_w = (self.width() - margins.left() - margins.right()
                  - self._icon.width() - self._layout.spacing())
        if text_w <= 0:
            return
        need = self.label.heightForWidth(text_w) + margins.top() + margins.bottom()
        if need > 0 and need != self.height():
            self.setFixedHeight(need)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_height()
        self._layout.setGeometry(self.rect())  # a layout resized while hidden is stale

    def paintEvent(self, event: QPaintEvent) -> None:
        if self._compact:
            return
        m = self._metrics
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        p.setPen(QPen(theme.OUTLINE, max(1.0, m.scale * 2)))
        p.setBrush(theme.SURFACE)
        r = QRectF(self.rect()).adjusted(1, 1, -1, -1)
        p.drawRoundedRect(r, m.radius * 0.75, m.radius * 0.75)
        p.end()
