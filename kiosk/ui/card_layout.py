"""How a page of cards fills the area it has: rows × columns, and each card's parts.

A card is an image and its Like button: below the image, or beside it on a card much
wider than tall (`HORIZONTAL`). A card is *usable* when its Like is at least the
theme's touch minimum on both sides, its words fit it whole (`label_fits`), and its
image is at least `min_image_side` on both sides and no more than `MAX_IMAGE_ASPECT`
times wider than tall or taller than wide (not a strip). `choose_grid` picks, for `n`
cards in a `width`×`height` area, the usual arrangement (one row in landscape up to
four, a column in portrait up to three…) when it is usable, else the usable rows ×
columns with the biggest image; None when no arrangement of `n` is usable: `capacity`
is then the most cards that fit (`[recommend] page_size` 25 at 1366×768 gave 4 rows of
7 strips, images 20 px tall). Pure geometry: the grid and the cards use it, and so do
the tests.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QRect, QRectF

from kiosk.ui import theme

HORIZONTAL = 1.55  # a card wider than this × its height has its Like beside the image
IMAGE_SHARE = 0.62  # of a horizontal card's inner width
HORIZONTAL_IMAGE_ASPECT = 1.3  # at most this wide over tall, beside the Like
MAX_IMAGE_ASPECT = 3.0
MIN_IMAGE_DP = 96.0  # two touch targets: a picture a shopper can make out at arm's length
MAX_CARDS = 25  # `[recommend] page_size` allows 1-25


def min_image_side(m: theme.Metrics) -> int:
    return math.ceil(MIN_IMAGE_DP * m.dp)


def card_pad(m: theme.Metrics) -> int:
    return m.px(14)


def card_parts(width: int, height: int, m: theme.Metrics) -> tuple[QRectF, QRect]:
    """A `width`×`height` card's image rectangle and Like button, in its coordinates.
    The button is `big_button_h` tall on a roomy card, less on a short one so the
    image keeps its minimum, never under the touch minimum."""
    pad = card_pad(m)
    inner_w, inner_h = width - 2 * pad, height - 2 * pad
    if width > height * HORIZONTAL:
        image = QRectF(pad, pad, min(inner_w * IMAGE_SHARE, inner_h * HORIZONTAL_IMAGE_ASPECT),
                       inner_h)
        h = max(m.min_touch, min(m.big_button_h, inner_h))
        left = int(image.right()) + pad
        return image, QRect(left, (height - h) // 2, width - left - pad, h)
    h = max(m.min_touch, min(m.big_button_h, inner_h - pad - min_image_side(m)))
    button = QRect(pad, height - h - pad, inner_w, h)
    return QRectF(pad, pad, inner_w, inner_h - h - pad), button


LabelFits = Callable[[int, int], bool]
"""Whether the Like's words (every state: Like, Saving…, Liked) fit a button this size."""


def usable(width: int, height: int, m: theme.Metrics, label_fits: LabelFits | None = None
           ) -> bool:
    """Whether a card of this size shows its image and a tappable Like whose words fit
    (see the module)."""
    image, button = card_parts(width, height, m)
    side = min_image_side(m)
    return (button.width() >= m.min_touch and button.height() >= m.min_touch
            and image.width() >= side and image.height() >= side
            and max(image.width(), image.height())
            <= MAX_IMAGE_ASPECT * min(image.width(), image.height())
            and (label_fits is None or label_fits(button.width(), button.height())))


@dataclass(frozen=True)
class GridChoice:
    rows: int
    columns: int
    card_width: int
    card_height: int


def usual_columns(n: int, portrait: bool) -> int:
    """The arrangement used when it fits: a row of up to four in landscape (then about
    1.8 columns per row), a column of up to three in portrait (then 2, then 3)."""
    n = max(1, n)
    if portrait:
        return 1 if n <= 3 else 2 if n <= 8 else 3
    return n if n <= 4 else math.ceil(math.sqrt(n * 1.8))


def _cell(n: int, cols: int, width: int, height: int, gap: int) -> GridChoice:
    rows = math.ceil(n / cols)
    return GridChoice(rows, cols, (width - (cols - 1) * gap) // cols,
                      (height - (rows - 1) * gap) // rows)


def choose_grid(n: int, width: int, height: int, m: theme.Metrics, *,
                portrait: bool, label_fits: LabelFits | None = None) -> GridChoice | None:
    """Rows × columns for `n` usable cards in the area, or None (see the module)."""
    n = max(1, n)
    gap = m.gap
    usual = _cell(n, min(n, usual_columns(n, portrait)), width, height, gap)
    if usable(usual.card_width, usual.card_height, m, label_fits):
        return usual
    best: tuple[tuple[float, int], GridChoice] | None = None
    for cols in range(1, n + 1):
        cell = _cell(n, cols, width, height, gap)
        if not usable(cell.card_width, cell.card_height, m, label_fits):
            continue
        image, _ = card_parts(cell.card_width, cell.card_height, m)
        rank = (-min(image.width(), image.height()), cell.rows * cols - n)
        if best is None or rank < best[0]:
            best = (rank, cell)
    return None if best is None else best[1]


def capacity(width: int, height: int, m: theme.Metrics, *, portrait: bool,
             most: int = MAX_CARDS, label_fits: LabelFits | None = None) -> int:
    """The most cards (up to `most`) that can all be usable in the area (0: not one)."""
    for n in range(most, 0, -1):
        if choose_grid(n, width, height, m, portrait=portrait,
                       label_fits=label_fits) is not None:
            return n
    return 0
