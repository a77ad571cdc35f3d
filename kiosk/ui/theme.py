"""Colours, type scale and touch metrics of the kiosk's dark theme.

Sizes are designed for a 1080-pixel shorter side (1920×1080 landscape or
1080×1920 portrait) and scaled by the window's shorter side, so the same layout
reads from one metre on a 4K panel. Touch targets never go below 48 dp, where
1 dp is the screen's logical DPI / 96 (1 px at 96 dpi).

One accent colour per emotion; every text/background pair used here meets WCAG
AA (4.5:1), which `tests/ui/test_theme.py` checks with `contrast_ratio`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor, QFont, QPainter, QPen
from PySide6.QtWidgets import QWidget

from kiosk.domain import Emotion
from kiosk.ui.screens import screen_of

# --------------------------------------------------------------------------- colours

BG = QColor("#0F1218")
SURFACE = QColor("#181C24")
SURFACE_2 = QColor("#232A35")
OUTLINE = QColor("#343C4A")
TEXT = QColor("#F4F6FA")
TEXT_MUTED = QColor("#AEB7C6")
ON_ACCENT = QColor("#12151B")
LIKE = QColor("#FF4F7B")
DANGER = QColor("#FF6B6B")
NEUTRAL_ACCENT = QColor("#7DD3FC")
FOR_YOU_ACCENT = QColor("#F58BC8")

EMOTION_ACCENTS: dict[Emotion, QColor] = {
    Emotion.HAPPY: QColor("#FFC83D"),
    Emotion.SAD: QColor("#5B9DFF"),
    Emotion.ANGRY: QColor("#FF6B57"),
    Emotion.CONFUSED: QColor("#C792FF"),
    Emotion.DISGUSTED: QColor("#9BD46A"),
    Emotion.SURPRISED: QColor("#FF9A3D"),
    Emotion.CALM: QColor("#3DD6C6"),
    Emotion.FEAR: QColor("#8E9BFF"),
}

FONT_FAMILIES = [
    "DejaVu Sans",
    # Hangul: Debian `fonts-noto-cjk`; the others are the Windows / macOS defaults.
    "Noto Sans CJK KR",
    "Noto Sans KR",
    "NanumGothic",
    "Malgun Gothic",
    "Apple SD Gothic Neo",
    "sans-serif",
]


def accent_for(emotion: Emotion | None) -> QColor:
    """The accent colour of an emotion (a neutral sky blue for none)."""
    return QColor(EMOTION_ACCENTS[emotion]) if emotion is not None else QColor(NEUTRAL_ACCENT)


def with_alpha(color: QColor, alpha: float) -> QColor:
    out = QColor(color)
    out.setAlphaF(max(0.0, min(1.0, alpha)))
    return out


# --------------------------------------------------------------------------- contrast


def relative_luminance(color: QColor) -> float:
    """WCAG 2.x relative luminance of an opaque sRGB colour."""

    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    return (
        0.2126 * channel(color.redF())
        + 0.7152 * channel(color.greenF())
        + 0.0722 * channel(color.blueF())
    )


def contrast_ratio(a: QColor, b: QColor) -> float:
    """WCAG contrast ratio between two opaque colours (1 to 21)."""
    la, lb = relative_luminance(a), relative_luminance(b)
    hi, lo = max(la, lb), min(la, lb)
    return (hi + 0.05) / (lo + 0.05)


# --------------------------------------------------------------------------- metrics

DESIGN_SHORT_SIDE = 1080.0
MIN_TOUCH_DP = 48.0


@dataclass(frozen=True)
class Metrics:
    """Pixel sizes for one window size and screen density."""

    scale: float = 1.0  # window's shorter side / 1080
    dp: float = 1.0  # pixels per dp (logical DPI / 96)

    def px(self, base: float) -> int:
        """A design size (pixels at 1080p) at this window's scale."""
        return max(1, round(base * self.scale))

    def touch(self, base: float) -> int:
        """A touch-target side: the scaled design size, never below 48 dp."""
        return max(self.px(base), math.ceil(MIN_TOUCH_DP * self.dp))

    @property
    def min_touch(self) -> int:
        return math.ceil(MIN_TOUCH_DP * self.dp)

    # type scale (pixel sizes at 1080p: body 28, readable from one metre)
    @property
    def caption(self) -> int:
        return self.px(22)

    @property
    def small(self) -> int:
        return self.px(24)

    @property
    def body(self) -> int:
        return self.px(28)

    @property
    def title(self) -> int:
        return self.px(36)

    @property
    def headline(self) -> int:
        return self.px(52)

    @property
    def display(self) -> int:
        return self.px(76)

    # spacing
    @property
    def gap(self) -> int:
        return self.px(24)

    @property
    def margin(self) -> int:
        return self.px(40)

    @property
    def radius(self) -> int:
        return self.px(28)

    @property
    def button_h(self) -> int:
        return self.touch(84)

    @property
    def big_button_h(self) -> int:
        return self.touch(112)


def metrics_for(width: int, height: int, dpi: float = 96.0) -> Metrics:
    """Metrics for a window of `width`×`height` logical pixels on a `dpi` screen."""
    short = max(1, min(width, height))
    scale = max(0.5, short / DESIGN_SHORT_SIDE)
    return Metrics(scale=scale, dp=max(0.5, dpi / 96.0))


def metrics_for_widget(widget: QWidget) -> Metrics:
    screen = screen_of(widget)
    dpi = screen.logicalDotsPerInch() if screen is not None else 96.0
    return metrics_for(widget.width(), widget.height(), dpi)


def font(pixel_size: int, weight: QFont.Weight = QFont.Weight.Normal) -> QFont:
    """The UI font at a pixel size, with CJK fallbacks for Korean."""
    f = QFont()
    f.setFamilies(FONT_FAMILIES)
    f.setPixelSize(max(1, pixel_size))
    f.setWeight(weight)
    f.setHintingPreference(QFont.HintingPreference.PreferNoHinting)
    return f


def paint_card(widget: QWidget, m: Metrics) -> None:
    """Fill `widget` as a card: the surface colour in a rounded rectangle of `m.radius`
    with a 2 dp outline (the admin panel's status tiles, the review screen's tiles).
    Call from the widget's `paintEvent`."""
    p = QPainter(widget)
    p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    p.setPen(QPen(OUTLINE, max(1.0, m.scale * 2)))
    p.setBrush(SURFACE)
    p.drawRoundedRect(QRectF(widget.rect()).adjusted(1, 1, -1, -1), m.radius, m.radius)
    p.end()
