"""The confused scenes of the demo catalog (`kiosk.tools.demo_art.motifs`).

Each takes a seeded generator and a side `s` in pixels and returns an RGBA image:
`colour_clash` (pattern); `maze` (pattern); `adrift` (wide); `rings` (pattern);
`question_marks` (pattern); `puzzle` (close-up); `signposts` (horizon); `swirl`
(pattern).
"""

from __future__ import annotations

import math

import numpy as np
from PIL import Image

from kiosk.tools.demo_art.paint import (
    alpha,
    gradient,
    hsv,
    layer,
    over,
    smooth_path,
    to_image,
    vignette,
)
from kiosk.tools.demo_art.shapes import (
    scatter,
)


def colour_clash(rng: np.random.Generator, s: int) -> Image.Image:
    """Confused, pattern: clashing colour fields, spirals and scribbles."""
    # Mismatched colour fields split along a tilted line.
    h1, h2 = rng.uniform(0, 360), 0.0
    h2 = h1 + rng.uniform(110, 180)
    a = gradient(s, [(0.0, hsv(h1, 0.55, 0.95)), (1.0, hsv(h1 + 40, 0.7, 0.75))], angle=20)
    b = gradient(s, [(0.0, hsv(h2, 0.6, 0.6)), (1.0, hsv(h2 - 30, 0.5, 0.9))], angle=200)
    y, x = np.mgrid[0:s, 0:s].astype(np.float32) / s
    tilt = rng.uniform(-0.8, 0.8)
    wob = 0.04 * np.sin(x * rng.uniform(6, 14) + rng.uniform(0, 6))
    split = (y - 0.5 - tilt * (x - 0.5) + wob)[..., None]
    base = to_image(np.where(split > 0, a, b))
    # A third odd patch.
    patch, d = layer(s)
    px, py, r = rng.uniform(0.2, 0.8) * s, rng.uniform(0.2, 0.8) * s, rng.uniform(0.15, 0.25) * s
    d.rectangle(
        [px - r, py - r, px + r, py + r], fill=alpha(hsv(h1 + rng.uniform(60, 100), 0.5, 0.85), 0.6)
    )
    base = over(base, patch.rotate(rng.uniform(0, 90), center=(px, py)), blur=2)
    # Spirals of clashing colours.
    spirals, d = layer(s)
    for _ in range(int(rng.integers(2, 4))):
        cx, cy = rng.uniform(0.15, 0.85) * s, rng.uniform(0.15, 0.85) * s
        turns = rng.uniform(2.5, 4.5)
        rmax = rng.uniform(0.1, 0.2) * s
        direction = rng.choice([-1, 1])
        pts = []
        for i in range(400):
            t = i / 399
            ang = direction * turns * 2 * math.pi * t
            pts.append((cx + rmax * t * math.cos(ang), cy + rmax * t * math.sin(ang)))
        d.line(
            pts,
            fill=alpha(hsv(rng.uniform(0, 360), 0.8, rng.uniform(0.2, 1.0)), 0.95),
            width=int(s * rng.uniform(0.006, 0.012)),
            joint="curve",
        )
    base = over(base, spirals)
    # Tangled lines wandering across everything, in clashing colours.
    tangle, d = layer(s)
    for _ in range(int(rng.integers(3, 5))):
        pts = smooth_path(
            rng, s, 320, (rng.uniform(0.25, 0.75) * s, rng.uniform(0.25, 0.75) * s), s * 0.01, 0.07
        )
        d.line(
            pts,
            fill=alpha(hsv(rng.uniform(0, 360), 0.85, rng.uniform(0.2, 1.0)), 0.9),
            width=int(s * rng.uniform(0.006, 0.011)),
            joint="curve",
        )
    return over(base, tangle)


def maze(rng: np.random.Generator, s: int) -> Image.Image:
    """Confused: a tilted labyrinth in clashing colours with no way out."""
    h1 = rng.uniform(0, 360)
    base = to_image(
        gradient(
            s,
            [(0.0, hsv(h1, 0.5, 0.9)), (1.0, hsv(h1 + 150, 0.5, 0.85))],
            angle=rng.uniform(0, 180),
        )
    )
    walls, d = layer(s)
    n = int(rng.integers(7, 12))
    cell = s * 1.3 / n
    color = hsv(h1 + rng.uniform(60, 120), 0.8, rng.uniform(0.25, 0.5))
    width = max(4, int(cell * 0.18))
    for i in range(n + 1):
        for j in range(n + 1):
            x, y = -0.15 * s + i * cell, -0.15 * s + j * cell
            if rng.random() < 0.55:
                d.line([(x, y), (x + cell, y)], fill=alpha(color, 1), width=width)
            else:
                d.line([(x, y), (x, y + cell)], fill=alpha(color, 1), width=width)
    walls = walls.rotate(rng.uniform(-30, 30), resample=Image.Resampling.BICUBIC)
    base = over(base, walls)
    q, d = layer(s)
    x, y, r = rng.uniform(0.3, 0.7) * s, rng.uniform(0.3, 0.7) * s, s * rng.uniform(0.05, 0.08)
    d.ellipse([x - r, y - r, x + r, y + r], fill=alpha(hsv(h1 + 200, 0.9, 1.0), 1))
    return over(base, q)


def adrift(rng: np.random.Generator, s: int) -> Image.Image:
    """Confused: cubes, rings and triangles drifting at odd angles, shadows pointing
    every which way."""
    base = to_image(
        gradient(
            s,
            [
                (0.0, hsv(rng.uniform(0, 360), 0.25, 0.95)),
                (1.0, hsv(rng.uniform(0, 360), 0.35, 0.8)),
            ],
            angle=rng.uniform(0, 360),
        )
    )
    for _ in range(int(rng.integers(6, 12))):
        art, d = layer(s)
        x, y, r = rng.uniform(0.1, 0.9) * s, rng.uniform(0.1, 0.9) * s, s * rng.uniform(0.04, 0.1)
        col = hsv(rng.uniform(0, 360), 0.75, rng.uniform(0.5, 1.0))
        kind = int(rng.integers(3))
        sh = (rng.uniform(-0.03, 0.03) * s, rng.uniform(-0.03, 0.03) * s)
        for off, c in ((sh, (0, 0, 0)), ((0.0, 0.0), col)):
            ox, oy = x + off[0], y + off[1]
            a = 0.35 if c == (0, 0, 0) else 1.0
            if kind == 0:
                d.rectangle([ox - r, oy - r, ox + r, oy + r], fill=alpha(c, a))
            elif kind == 1:
                d.ellipse(
                    [ox - r, oy - r, ox + r, oy + r], outline=alpha(c, a), width=int(r * 0.35)
                )
            else:
                d.polygon(
                    [(ox, oy - r), (ox + r, oy + r * 0.8), (ox - r, oy + r * 0.8)], fill=alpha(c, a)
                )
        base = over(base, art.rotate(rng.uniform(0, 360), center=(x, y)))
    return base


def rings(rng: np.random.Generator, s: int) -> Image.Image:
    """Confused: concentric rings around two centres that interfere (moiré)."""
    y, x = np.mgrid[0:s, 0:s].astype(np.float32) / s
    c1 = (rng.uniform(0.2, 0.5), rng.uniform(0.2, 0.8))
    c2 = (rng.uniform(0.5, 0.8), rng.uniform(0.2, 0.8))
    f1, f2 = rng.uniform(25, 45), rng.uniform(25, 45)
    r1 = np.sin(np.hypot(x - c1[0], y - c1[1]) * f1 * 2 * np.pi) > 0
    r2 = np.sin(np.hypot(x - c2[0], y - c2[1]) * f2 * 2 * np.pi) > 0
    h1 = rng.uniform(0, 360)
    cols = (
        np.array(
            [
                hsv(h1, 0.7, 0.95),
                hsv(h1 + 120, 0.7, 0.6),
                hsv(h1 + 240, 0.6, 0.8),
                hsv(h1 + 60, 0.2, 0.2),
            ],
            np.float32,
        )
        / 255
    )
    idx = r1.astype(np.int64) + 2 * r2.astype(np.int64)
    return to_image(cols[idx])


def question_marks(rng: np.random.Generator, s: int) -> Image.Image:
    """Confused, pattern: question marks of every size and colour, tilted every way."""
    hues = rng.uniform(0, 360, size=3)
    base = to_image(
        gradient(
            s,
            [(0.0, hsv(hues[0], 0.35, 0.9)), (1.0, hsv(hues[1], 0.35, 0.75))],
            angle=rng.uniform(0, 180),
        )
    )
    for x, y in scatter(rng, s, int(rng.integers(8, 15)), 0.05, 0.12):
        mark, d = layer(s)
        r = s * rng.uniform(0.04, 0.1)
        tilt = rng.uniform(-0.6, 0.6)
        color = hsv(rng.uniform(0, 360), 0.7, rng.uniform(0.35, 0.9))

        def rot(
            px: float, py: float, x: float = x, y: float = y, tilt: float = tilt
        ) -> tuple[float, float]:
            return (
                x + px * math.cos(tilt) - py * math.sin(tilt),
                y + px * math.sin(tilt) + py * math.cos(tilt),
            )

        hook = [
            rot(r * math.cos(t), -r * 0.6 + r * math.sin(t))
            for t in np.linspace(math.pi * 1.0, math.pi * 2.45, 20)
        ]
        hook += [rot(0, r * 0.55)]
        d.line(hook, fill=alpha(color, 1), width=int(r * 0.32), joint="curve")
        dx, dy = rot(0, r * 1.05)
        d.ellipse([dx - r * 0.2, dy - r * 0.2, dx + r * 0.2, dy + r * 0.2], fill=alpha(color, 1))
        base = over(base, mark)
    return base


def puzzle(rng: np.random.Generator, s: int) -> Image.Image:
    """Confused, close-up: a jigsaw with pieces missing, swapped and adrift."""
    hue = rng.uniform(0, 360)
    base = to_image(gradient(s, [(0.0, hsv(hue + 180, 0.3, 0.3)), (1.0, hsv(hue + 200, 0.3, 0.2))]))
    n = int(rng.integers(4, 7))
    cell = s / n
    color = {
        (i, j): hsv(hue + 150 * i / n + 100 * j / n, 0.6, 0.95 - 0.3 * j / n)
        for i in range(n)
        for j in range(n)
    }
    cells = list(color)
    for _ in range(int(rng.integers(2, 4))):  # swapped pieces: colours out of place
        a, b = (cells[int(k)] for k in rng.choice(len(cells), 2, replace=False))
        color[a], color[b] = color[b], color[a]
    missing = {
        cells[int(k)] for k in rng.choice(len(cells), int(rng.integers(2, 4)), replace=False)
    }
    board, d = layer(s)
    tab = cell * 0.17
    for (i, j), c in color.items():
        if (i, j) not in missing:
            d.rectangle([i * cell, j * cell, (i + 1) * cell, (j + 1) * cell], fill=alpha(c, 1))
    for k in range(1, n):
        d.line([(k * cell, 0), (k * cell, s)], fill=alpha((30, 30, 40), 0.35), width=2)
        d.line([(0, k * cell), (s, k * cell)], fill=alpha((30, 30, 40), 0.35), width=2)
    for i, j in cells:  # a tab on the right and bottom edges, either way
        for di, dj in ((1, 0), (0, 1)):
            other = (i + di, j + dj)
            if other not in color:
                continue
            mine = rng.random() < 0.5
            owner = (i, j) if mine else other
            if owner in missing:
                continue
            cx = (i + 0.5 + 0.5 * di) * cell + (tab * 0.8 if mine else -tab * 0.8) * di
            cy = (j + 0.5 + 0.5 * dj) * cell + (tab * 0.8 if mine else -tab * 0.8) * dj
            box = [cx - tab, cy - tab, cx + tab, cy + tab]
            d.ellipse(box, fill=alpha(color[owner], 1))
            # the outline of the part that sticks out (right, left, down or up)
            start, end = {
                (1, 0, True): (-143, 143),
                (1, 0, False): (37, 323),
                (0, 1, True): (-53, 233),
                (0, 1, False): (127, 413),
            }[(di, dj, mine)]
            d.arc(box, start, end, fill=alpha((30, 30, 40), 0.35), width=2)
    base = over(base, board)
    for i, j in missing:  # the missing pieces float above, turned
        piece, d = layer(int(cell * 1.6))
        m = cell * 0.3
        d.rectangle([m, m, m + cell, m + cell], fill=alpha(color[(i, j)], 1))
        d.ellipse(
            [m + cell - tab * 0.2, m + cell / 2 - tab, m + cell + tab * 1.8, m + cell / 2 + tab],
            fill=alpha(color[(i, j)], 1),
        )
        turned = piece.rotate(rng.uniform(-40, 40), resample=Image.Resampling.BICUBIC)
        shadow, _ = layer(s)
        x, y = int(rng.uniform(0.05, 0.75) * s), int(rng.uniform(0.05, 0.75) * s)
        shadow.paste((0, 0, 0, 90), (x + 10, y + 14), turned)
        base = over(base, shadow, blur=s * 0.01)
        top, _ = layer(s)
        top.paste(turned, (x, y), turned)
        base = over(base, top)
    return vignette(base, 0.35, (10, 10, 20))


def signposts(rng: np.random.Generator, s: int) -> Image.Image:
    """Confused, wide: a signpost whose arrows point every way, on an open plain."""
    hue = rng.uniform(170, 300)
    horizon = rng.uniform(0.62, 0.75)
    base = to_image(
        gradient(
            s,
            [
                (0.0, hsv(hue, 0.4, 0.85)),
                (horizon, hsv(hue + 40, 0.25, 1.0)),
                (horizon + 0.001, hsv(hue + 160, 0.35, 0.7)),
                (1.0, hsv(hue + 170, 0.4, 0.5)),
            ],
        )
    )
    post, d = layer(s)
    for n, px in enumerate(sorted(rng.uniform(0.2, 0.8, size=int(rng.integers(1, 3))))):
        x = px * s
        d.rectangle(
            [x - s * 0.012, s * 0.15, x + s * 0.012, (horizon + 0.12) * s],
            fill=alpha(hsv(25, 0.5, 0.35), 1),
        )
        for k in range(int(rng.integers(4, 7))):
            y = s * (0.2 + 0.075 * k) + n * s * 0.03
            a = rng.uniform(-0.5, 0.5) + (0 if rng.random() < 0.5 else math.pi)
            length, h = s * rng.uniform(0.16, 0.26), s * 0.028
            ux, uy = math.cos(a), math.sin(a)
            tail = (x - ux * length * 0.15, y - uy * length * 0.15)
            head = (x + ux * length, y + uy * length)
            color = hsv(rng.uniform(0, 360), 0.65, 0.9)
            d.polygon(
                [
                    (tail[0] - uy * h, tail[1] + ux * h),
                    (head[0] - ux * h - uy * h, head[1] - uy * h + ux * h),
                    head,
                    (head[0] - ux * h + uy * h, head[1] - uy * h - ux * h),
                    (tail[0] + uy * h, tail[1] - ux * h),
                ],
                fill=alpha(color, 1),
            )
    return over(base, post)


def swirl(rng: np.random.Generator, s: int) -> Image.Image:
    """Confused, pattern: a checkerboard bent into a swirl, an optical puzzle."""
    y, x = np.mgrid[0:s, 0:s].astype(np.float32) / s
    cx, cy = rng.uniform(0.3, 0.7), rng.uniform(0.3, 0.7)
    dx, dy = x - cx, y - cy
    r = np.hypot(dx, dy)
    twist = rng.uniform(2.5, 5.0) * float(rng.choice([-1, 1]))
    a = np.arctan2(dy, dx) + twist * np.exp(-r * 2.5)
    u, v = cx + r * np.cos(a), cy + r * np.sin(a)
    cells = rng.uniform(6, 11)
    check = ((np.floor(u * cells) + np.floor(v * cells)) % 2).astype(np.float32)
    c1 = np.array(hsv(rng.uniform(0, 360), 0.6, 0.95), np.float32) / 255
    c2 = np.array(hsv(rng.uniform(0, 360), 0.7, 0.35), np.float32) / 255
    img = check[..., None] * c1 + (1 - check[..., None]) * c2
    base = to_image(img)
    return vignette(base, 0.35, (20, 20, 30))
