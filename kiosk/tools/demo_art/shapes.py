"""Shape helpers of the demo catalog's art, shared by the scenes of every emotion.

Each helper draws one kind of shape on a Pillow `ImageDraw` (RGBA layers from
`paint.layer`), at pixel coordinates of a square of side `s`; colours are RGB
tuples (`paint.hsv`) with an alpha in 0..1. Only numpy and Pillow are used.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from PIL import Image, ImageDraw

from kiosk.tools.demo_art.paint import RGB, alpha, layer, over

Point = tuple[float, float]


def ridge(
    rng: np.random.Generator,
    s: int,
    level: float,
    amp: float,
    *,
    rough: float = 0.0,
    waves: float = 1.5,
    step: int = 8,
) -> list[Point]:
    """A skyline from x = 0 to s around height `level` (fraction of s): sine swells
    of `amp` (fraction of s) over `waves` periods, plus a random walk of `rough`
    (fraction of s per step) for rocky ridges."""
    phase = rng.uniform(0, 2 * math.pi)
    walk = 0.0
    pts = []
    for x in range(0, s + step, step):
        walk = 0.9 * walk + rng.normal(0, rough * s) if rough else 0.0
        y = level * s + amp * s * math.sin(waves * 2 * math.pi * x / s + phase) + walk
        pts.append((float(x), y))
    return pts


def fill_below(
    d: ImageDraw.ImageDraw, s: int, pts: Sequence[Point], color: RGB, a: float = 1.0
) -> None:
    """Fill the area under a skyline (hills, sea, ground)."""
    d.polygon([*pts, (s, s), (0, s)], fill=alpha(color, a))


def blob(
    d: ImageDraw.ImageDraw,
    rng: np.random.Generator,
    x: float,
    y: float,
    r: float,
    color: RGB,
    a: float = 1.0,
    *,
    wobble: float = 0.15,
    squash: float = 1.0,
    n: int = 28,
) -> None:
    """An irregular round shape (stone, cloud puff, spot) of radius about r."""
    harmonics = [(k, rng.uniform(0, wobble) / k, rng.uniform(0, 2 * math.pi)) for k in (2, 3, 5)]
    pts = []
    for i in range(n):
        t = 2 * math.pi * i / n
        rr = r * (1 + sum(w * math.sin(k * t + ph) for k, w, ph in harmonics))
        pts.append((x + rr * math.cos(t), y + rr * math.sin(t) * squash))
    d.polygon(pts, fill=alpha(color, a))


def star(
    d: ImageDraw.ImageDraw,
    x: float,
    y: float,
    outer: float,
    inner: float,
    points: int,
    color: RGB,
    a: float = 1.0,
    turn: float = 0.0,
) -> None:
    """A star (or a spiky burst when inner is small and points many)."""
    pts = []
    for i in range(2 * points):
        r = outer if i % 2 == 0 else inner
        t = turn + math.pi * i / points - math.pi / 2
        pts.append((x + r * math.cos(t), y + r * math.sin(t)))
    d.polygon(pts, fill=alpha(color, a))


def glow(base: Image.Image, x: float, y: float, r: float, color: RGB, a: float) -> Image.Image:
    """A soft round light (sun, lamp, window) of radius about r."""
    top, d = layer(base.width)
    d.ellipse([x - r, y - r, x + r, y + r], fill=alpha(color, a))
    return over(base, top, blur=r * 0.5)


def curve(points: Sequence[Point], steps: int = 12) -> list[Point]:
    """A smooth curve through `points` (Catmull-Rom), for stems, worms and threads."""
    p = [points[0], *points, points[-1]]
    out: list[Point] = []
    for i in range(1, len(p) - 2):
        (x0, y0), (x1, y1), (x2, y2), (x3, y3) = p[i - 1], p[i], p[i + 1], p[i + 2]
        for k in range(steps):
            t = k / steps
            t2, t3 = t * t, t * t * t
            out.append(
                (
                    0.5
                    * (
                        2 * x1
                        + (x2 - x0) * t
                        + (2 * x0 - 5 * x1 + 4 * x2 - x3) * t2
                        + (3 * x1 - x0 - 3 * x2 + x3) * t3
                    ),
                    0.5
                    * (
                        2 * y1
                        + (y2 - y0) * t
                        + (2 * y0 - 5 * y1 + 4 * y2 - y3) * t2
                        + (3 * y1 - y0 - 3 * y2 + y3) * t3
                    ),
                )
            )
    out.append(points[-1])
    return out


def wander(
    rng: np.random.Generator, start: Point, heading: float, steps: int, length: float, turn: float
) -> list[Point]:
    """Points of a path that turns a little at each step (worms, vines, cracks)."""
    x, y = start
    pts = [start]
    for _ in range(steps):
        heading += rng.normal(0, turn)
        x, y = x + length * math.cos(heading), y + length * math.sin(heading)
        pts.append((x, y))
    return pts


def scatter(
    rng: np.random.Generator, s: int, count: int, margin: float = 0.0, spacing: float = 0.0
) -> list[Point]:
    """Up to `count` points inside the square (inset by `margin`, fraction of s),
    at least `spacing` (fraction of s) apart where room allows."""
    pts: list[Point] = []
    for _ in range(count * 20):
        if len(pts) == count:
            break
        x, y = (rng.uniform(margin, 1 - margin) * s for _ in range(2))
        if all(math.hypot(x - a, y - b) >= spacing * s for a, b in pts):
            pts.append((x, y))
    return pts
