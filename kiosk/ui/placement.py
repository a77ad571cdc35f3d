"""Where a floating box (the toast) goes so that it covers nothing it must not.

`free_spot` looks for the lowest place in `bounds` where a box of one of the offered
widths (its height follows from its width: text wraps) overlaps none of the `avoid`
rectangles (buttons, the privacy notice), then the one nearest the horizontal centre,
then the widest. `tier(height)` ranks heights before all that (the toast: two lines
of text before three, three before more), so a narrow box, its words on many lines, is
taken only where no shorter one fits. Candidate left edges are the centre and the
edges of the rectangles in the box's band, so a box can sit beside the sidebar's
privacy notice or between "Choose my mood" and Next instead of over them.
`near_spot` places a notice about one control (the "For you" toggle's) beside it, else
over it, else as near as it fits (about 13 ms at 1080x1920, 5 ms at 1920x1080 on the
2-core build machine; `free_spot`: 6 and 1 ms).
Pure geometry: no widget needed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QRect


def _inset(bounds: QRect, avoid: Sequence[QRect], clearance: int
           ) -> tuple[list[QRect], tuple[int, int, int, int]]:
    """The rectangles to avoid grown by `clearance`, and the room `clearance` leaves
    inside `bounds`: (left, top, right, bottom), right and bottom exclusive."""
    grown = [r.adjusted(-clearance, -clearance, clearance, clearance) for r in avoid]
    return grown, (bounds.left() + clearance, bounds.top() + clearance,
                   bounds.right() + 1 - clearance, bounds.bottom() + 1 - clearance)


def free_spot(bounds: QRect, widths: Sequence[int], height_for: Callable[[int], int],
              avoid: Sequence[QRect], *, clearance: int = 0, step: int = 8,
              bottom_gap: int = 0, tier: Callable[[int], int] | None = None
              ) -> QRect | None:
    """The box's rectangle, or None when no offered width fits anywhere.

    `clearance`: the space kept from each rectangle to avoid and from the edges of
    `bounds`; `bottom_gap`: extra space kept above the bottom edge; `step`: how far
    the box moves up per try; `tier`: see the module."""
    grown, (left, top, right, bottom) = _inset(bounds, avoid, clearance)
    best: tuple[tuple[int, int, int, int], QRect] | None = None
    for w in widths:
        w = min(w, right - left)
        if w <= 0:
            continue
        h = height_for(w)
        centre = bounds.left() + (bounds.width() - w) // 2
        y = bottom - bottom_gap - h
        while y >= top:
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



def near_spot(bounds: QRect, widths: Sequence[int], height_for: Callable[[int], int],
              avoid: Sequence[QRect], near: QRect, *, clearance: int = 0,
              tier: Callable[[int], int] | None = None) -> QRect | None:
    """A box for a notice about one control (`near`, its rectangle): beside it (the
    `clearance` from it) if a box fits there, else over it, centred and at least as
    large (the notice stands in for the control while it shows: no half-hidden
    control around it), else as near as a box fits; None when none fits anywhere.
    Never over an `avoid` rectangle (those inside `near`, its own parts, are left
    out). `tier` as for `free_spot`: fewer lines of text first. Over the control the
    box keeps only 2 px from its neighbours: the control's own gaps to them are all
    the room there is (a portrait toggle: 24 px above and below)."""
    others = [r for r in avoid if not near.contains(r)]
    beside = _nearest(bounds, widths, height_for, [*others, near], near,
                      clearance=clearance, tier=tier)
    if beside is not None and _gap(beside, near) <= 2 * clearance + 1:
        return beside
    over = _nearest(bounds, [near.width()], lambda w: max(near.height(), height_for(w)),
                    others, near, clearance=min(clearance, 2), tier=tier)
    if over is not None and over.contains(near.center()):
        return over
    return beside


def _gap(box: QRect, near: QRect) -> int:
    """The distance between two rectangles (0 when they touch or overlap)."""
    dx = max(0, near.left() - box.right(), box.left() - near.right())
    dy = max(0, near.top() - box.bottom(), box.top() - near.bottom())
    return round((dx * dx + dy * dy) ** 0.5)


def _nearest(bounds: QRect, widths: Sequence[int], height_for: Callable[[int], int],
             avoid: Sequence[QRect], near: QRect, *, clearance: int,
             tier: Callable[[int], int] | None) -> QRect | None:
    """As `free_spot`, but nearest to `near` rather than lowest: by `tier`, then by the
    gap to `near`, then by how far the centres are apart, then the widest. A nearest
    box touches an edge of `bounds` or of a rectangle to avoid, or lines up with
    `near` (above, below, beside, centred), so only those places are tried."""
    grown, (left, top, right, bottom) = _inset(bounds, avoid, clearance)
    best: tuple[tuple[int, int, int, int], QRect] | None = None
    for w in widths:
        w = min(w, right - left)
        if w <= 0:
            continue
        h = height_for(w)
        ys = {top, bottom - h, near.top() - clearance - h, near.bottom() + 1 + clearance,
              near.top() + (near.height() - h) // 2}
        ys |= {r.bottom() + 1 for r in grown} | {r.top() - h for r in grown}
        for y in sorted(v for v in ys if top <= v <= bottom - h):
            band = [r for r in grown if r.top() < y + h and r.bottom() >= y]
            xs = {left, right - w, near.left() - clearance - w, near.right() + 1 + clearance,
                  near.left() + (near.width() - w) // 2, near.left(), near.right() + 1 - w}
            for r in band:
                xs.add(r.right() + 1)
                xs.add(r.left() - w)
            for x in xs:
                if not left <= x <= right - w:
                    continue
                box = QRect(x, y, w, h)
                if any(box.intersects(r) for r in band):
                    continue
                centres = box.center() - near.center()
                rank = (0 if tier is None else tier(h), _gap(box, near),
                        abs(centres.x()) + abs(centres.y()), -w)
                if best is None or rank < best[0]:
                    best = (rank, box)
    return None if best is None else best[1]
