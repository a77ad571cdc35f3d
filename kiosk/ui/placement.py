"""Where a floating box (the toast) goes so that it covers nothing it must not.

`free_spot` looks for the lowest place in `bounds` where a box of one of the offered
widths (its height follows from its width: text wraps) overlaps none of the `avoid`
rectangles (buttons, the privacy notice), then the one nearest the horizontal centre,
then the widest. `tier(height)` ranks heights before all that (the toast: two lines
of text before three, three before more), so a narrow box, its words on many lines, is
taken only where no shorter one fits. Candidate left edges are the centre and the
edges of the rectangles in the box's band, so a box can sit beside the sidebar's
privacy notice or between "Choose my mood" and Next instead of over them.
Pure geometry: no widget needed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QRect


def free_spot(bounds: QRect, widths: Sequence[int], height_for: Callable[[int], int],
              avoid: Sequence[QRect], *, clearance: int = 0, step: int = 8,
              bottom_gap: int = 0, tier: Callable[[int], int] | None = None
              ) -> QRect | None:
    """The box's rectangle, or None when no offered width fits anywhere.

    `clearance`: the space kept from each rectangle to avoid and from the edges of
    `bounds`; `bottom_gap`: extra space kept above the bottom edge; `step`: how far
    the box moves up per try; `tier`: see the module."""
    grown = [r.adjusted(-clearance, -clearance, clearance, clearance) for r in avoid]
    left, right = bounds.left() + clearance, bounds.right() + 1 - clearance
    best: tuple[tuple[int, int, int, int], QRect] | None = None
    for w in widths:
        w = min(w, right - left)
        if w <= 0:
            continue
        h = height_for(w)
        centre = bounds.left() + (bounds.width() - w) // 2
        y = bounds.bottom() + 1 - clearance - bottom_gap - h
        while y >= bounds.top() + clearance:
            band = [r for r in grown if r.top() < y + h and r.bottom() >= y]
            xs = {centre}
            for r in band:
                xs.add(r.right() + 1)
                xs.add(r.left() - w)
            fits = [x for x in xs if left <= x <= right - w
                    and not any(QRect(x, y, w, h).intersects(r) for r in band)]
            if fits:
                x = min(fits, key=lambda v: abs(v - centre))
                rank = (0 if tier is None else tier(h), -(y + h), abs(x - centre), -w)
                if best is None or rank < best[0]:
                    best = (rank, QRect(x, y, w, h))
                break
            y -= max(1, step)
    return None if best is None else best[1]
