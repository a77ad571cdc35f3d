"""Lay out a button's icon and words so that the whole label fits, never elided.

A Like button on a page of many images (`[recommend] page_size` up to 25) is narrow:
"좋아요 완료" (Liked) at the normal size did not fit and was elided to "좋아요…", which
reads as "still saving". `fit_label` finds, for a box, the biggest font size (down to
`min_size`) at which the label fits whole, trying in order of preference:

1. icon and words on one line, shrinking the font to at most `ONE_LINE_FLOOR` of its size;
2. then, at every size down to `min_size`, with less padding: one line, words on two
   lines beside the icon, the icon above one line, the icon above two lines.

None: it does not fit even at `min_size` (the caller elides, and `clipped_texts` says so).

`one_line_font` is the plain text's case (the main screen's headline, `HeaderText`):
the font, shrunk down to a floor, in which a text fits one line of a width.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from PySide6.QtGui import QFont, QFontMetrics

ONE_LINE_FLOOR = 0.8  # shrink one line to this share of the size before wrapping
ICON_SHARE = 1.25  # icon side / font pixel size (as TouchButton draws it)
GAP_SHARE = 0.45  # icon-to-words gap / font pixel size


@dataclass(frozen=True)
class LabelLayout:
    """How to draw a label: font pixel size, its lines, and the icon beside or above."""

    size: int
    lines: tuple[str, ...]
    stacked: bool  # icon above the words (else to their left)
    padding: float  # total horizontal padding used


def _two_lines(text: str) -> tuple[str, str] | None:
    """`text` split at the space nearest its middle, or None (one word)."""
    spaces = [i for i, ch in enumerate(text) if ch == " "]
    if not spaces:
        return None
    cut = min(spaces, key=lambda i: abs(len(text) / 2 - i))
    return text[:cut], text[cut + 1:]


def _fits(font: QFont, size: int, lines: tuple[str, ...], stacked: bool, icon: bool,
          width: float, height: float, padding: float) -> bool:
    f = QFont(font)
    f.setPixelSize(size)
    fm = QFontMetrics(f)
    text_w = max(fm.horizontalAdvance(line) for line in lines)
    text_h = fm.height() * len(lines)
    icon_side = size * ICON_SHARE if icon else 0.0
    gap = size * GAP_SHARE if icon else 0.0
    if stacked:
        return text_w <= width - padding and text_h + icon_side + gap * 0.5 <= height * 0.9
    return text_w + icon_side + gap <= width - padding and text_h <= height * 0.9


def fit_label(font: QFont, text: str, *, icon: bool, width: float, height: float,
              padding: float, tight_padding: float, min_size: int) -> LabelLayout | None:
    """The layout with the biggest font at which `text` (and the icon) fit the box."""
    base = font.pixelSize()
    one = (text,)
    floor = max(min_size, int(base * ONE_LINE_FLOOR))
    for size in range(base, floor - 1, -1):
        if _fits(font, size, one, False, icon, width, height, padding):
            return LabelLayout(size, one, False, padding)
    two = _two_lines(text)
    for size in range(base, min_size - 1, -1):
        candidates: list[tuple[tuple[str, ...], bool]] = [(one, False)]
        if two is not None:
            candidates.append((two, False))
        if icon:
            candidates.append((one, True))
            if two is not None:
                candidates.append((two, True))
        for lines, stacked in candidates:
            if _fits(font, size, lines, stacked, icon, width, height, tight_padding):
                return LabelLayout(size, lines, stacked, tight_padding)
    return None


def one_line_font(base: QFont, text: str, width: int, floor: float) -> QFont:
    """`base`, or a copy at a smaller pixel size (not below `floor` times it) in which
    `text` fits on one line of `width` pixels; at the floor when even that is too
    wide (the text then wraps)."""
    advance = QFontMetrics(base).horizontalAdvance(text)
    if not text or width <= 0 or advance <= width or base.pixelSize() <= 0:
        return base
    size = base.pixelSize()
    fitted = QFont(base)
    fitted.setPixelSize(max(1, math.ceil(size * floor), math.floor(size * width / advance)))
    # rounding and kerning: step down until it fits, or the floor is reached
    while (fitted.pixelSize() > math.ceil(size * floor)
           and QFontMetrics(fitted).horizontalAdvance(text) > width):
        fitted.setPixelSize(fitted.pixelSize() - 1)
    return fitted
