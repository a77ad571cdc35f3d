"""The fear scenes of the demo catalog (`kiosk.tools.demo_art.motifs`).

Each takes a seeded generator and a side `s` in pixels and returns an RGBA image:
`spires` (horizon); `bats` (wide); `corridor` (wide); `web` (close-up); `eyes`
(pattern); `haunted_house` (horizon); `deep_sea` (wide); `candle` (close-up).
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
    to_image,
    vignette,
)
from kiosk.tools.demo_art.shapes import (
    blob,
    curve,
    fill_below,
    glow,
    ridge,
    scatter,
    wander,
)


def spires(rng: np.random.Generator, s: int) -> Image.Image:
    """Fear, horizon: fog, black spires and bare branches, eyes in the dark."""
    hue = rng.uniform(160, 260)
    glow_y = rng.uniform(0.45, 0.7)
    base = to_image(
        gradient(
            s,
            [
                (0.0, hsv(hue, 0.45, 0.05)),
                (glow_y, hsv(hue, 0.28, 0.3)),
                (1.0, hsv(hue, 0.4, 0.05)),
            ],
        )
    )
    # A cold glow low in the fog, behind everything.
    lx, ly = rng.uniform(0.3, 0.7) * s, glow_y * s
    light, d = layer(s)
    r = s * rng.uniform(0.18, 0.3)
    d.ellipse(
        [lx - r, ly - r * 0.7, lx + r, ly + r * 0.7],
        fill=alpha(hsv(hue + rng.uniform(-20, 40), 0.3, 0.6), 0.55),
    )
    base = over(base, light, blur=r * 0.45)
    # Looming spires in three depths: the far ones paler with fog, the near ones black.
    for depth, (val, fog_alpha) in enumerate(((0.2, 0.8), (0.1, 0.9), (0.02, 1.0))):
        shapes, d = layer(s)
        for _ in range(int(rng.integers(2, 5))):
            side = float(rng.choice([-1, 1]))
            x0 = (0.5 + side * rng.uniform(0.1, 0.55)) * s
            w = rng.uniform(0.05, 0.12) * s * (1 + depth * 0.6)
            h = rng.uniform(0.35, 0.6) * s * (1 + depth * 0.35)
            lean = -side * rng.uniform(0.02, 0.12) * s * (1 + depth)
            pts = [
                (x0 - w, s),
                (x0 - w * 0.35 + lean * 0.5, s - h * 0.6),
                (x0 - w * 0.1 + lean, s - h),
                (x0 + w * 0.3 + lean * 0.55, s - h * 0.55),
                (x0 + w, s),
            ]
            d.polygon(pts, fill=alpha(hsv(hue, 0.3, val), fog_alpha))
        base = over(base, shapes, blur=3 - depth)
        if depth < 2:  # fog drifting between the layers
            fog, d = layer(s)
            y = rng.uniform(0.6, 0.9) * s
            d.rectangle([0, y, s, s], fill=alpha(hsv(hue, 0.15, 0.4), 0.18))
            base = over(base, fog, blur=s * 0.04)
    # Bare branches reaching in from the top and the sides.
    branches, d = layer(s)

    def branch(x: float, y: float, a: float, ln: float, w: float, depth: int) -> None:
        if depth == 0 or ln < s * 0.01:
            return
        x1, y1 = x + ln * math.cos(a), y + ln * math.sin(a)
        d.line([(x, y), (x1, y1)], fill=alpha((3, 3, 5), 1), width=max(2, int(w)))
        for _ in range(int(rng.integers(2, 4))):
            branch(
                x1,
                y1,
                a + rng.uniform(-0.75, 0.75),
                ln * rng.uniform(0.55, 0.78),
                w * 0.65,
                depth - 1,
            )

    for _ in range(int(rng.integers(1, 3))):
        where = rng.random()
        if where < 0.35:
            x, y, a = 0.0, rng.uniform(0.05, 0.35) * s, rng.uniform(-0.3, 0.2)
        elif where < 0.7:
            x, y, a = float(s), rng.uniform(0.05, 0.35) * s, math.pi + rng.uniform(-0.2, 0.3)
        else:
            x, y, a = rng.uniform(0.15, 0.85) * s, 0.0, math.pi / 2 + rng.uniform(-0.4, 0.4)
        branch(x, y, a, s * rng.uniform(0.2, 0.28), s * 0.02, 7)
    base = over(base, branches, blur=0.8)
    # Two eyes in the dark, sometimes.
    if rng.random() < 0.5:
        eyes, d = layer(s)
        ex, ey, gap = rng.uniform(0.25, 0.75) * s, rng.uniform(0.55, 0.8) * s, s * 0.03
        for dx in (-gap, gap):
            d.ellipse(
                [ex + dx - s * 0.011, ey - s * 0.005, ex + dx + s * 0.011, ey + s * 0.005],
                fill=alpha(hsv(rng.uniform(40, 60), 0.85, 1.0), 0.9),
            )
        base = over(over(base, eyes, blur=s * 0.008), eyes)
    return vignette(base, 1.1, (0, 0, 0), power=1.8)


def bats(rng: np.random.Generator, s: int) -> Image.Image:
    """Fear: a huge pale moon behind a crooked hilltop house, bats flying."""
    hue = rng.uniform(200, 290)
    base = to_image(gradient(s, [(0.0, hsv(hue, 0.5, 0.06)), (1.0, hsv(hue, 0.4, 0.2))]))
    mx, my, mr = rng.uniform(0.3, 0.7) * s, rng.uniform(0.25, 0.4) * s, s * rng.uniform(0.16, 0.24)
    moon, d = layer(s)
    d.ellipse(
        [mx - mr * 1.4, my - mr * 1.4, mx + mr * 1.4, my + mr * 1.4],
        fill=alpha(hsv(rng.uniform(30, 60), 0.25, 0.9), 0.35),
    )
    base = over(base, moon, blur=mr * 0.4)
    moon, d = layer(s)
    d.ellipse(
        [mx - mr, my - mr, mx + mr, my + mr], fill=alpha(hsv(rng.uniform(30, 60), 0.2, 0.92), 1)
    )
    base = over(base, moon)
    land, d = layer(s)
    hx = mx + rng.uniform(-0.15, 0.15) * s
    pts = [
        (x, s * 0.78 - s * 0.12 * math.exp(-(((x - hx) / (0.25 * s)) ** 2)))
        for x in range(0, s + 8, 8)
    ]
    d.polygon([*pts, (s, s), (0, s)], fill=alpha((5, 4, 8), 1))
    top = s * 0.66
    w = s * 0.06
    d.polygon(
        [
            (hx - w, top + s * 0.01),
            (hx + w, top),
            (hx + w * 0.9, top - s * 0.1),
            (hx + w * 1.1, top - s * 0.1),
            (hx, top - s * 0.19),
            (hx - w * 1.2, top - s * 0.09),
            (hx - w, top - s * 0.09),
        ],
        fill=alpha((5, 4, 8), 1),
    )
    d.rectangle(
        [hx - w * 0.3, top - s * 0.06, hx - w * 0.05, top - s * 0.03],
        fill=alpha(hsv(45, 0.8, 0.9), 1),
    )
    base = over(base, land)
    bats, d = layer(s)
    for _ in range(int(rng.integers(4, 12))):
        bx, by, r = (
            rng.uniform(0.05, 0.95) * s,
            rng.uniform(0.05, 0.55) * s,
            s * rng.uniform(0.012, 0.03),
        )
        d.polygon(
            [
                (bx - r * 2, by - r * 0.6),
                (bx - r, by),
                (bx - r * 0.4, by - r * 0.3),
                (bx, by + r * 0.5),
                (bx + r * 0.4, by - r * 0.3),
                (bx + r, by),
                (bx + r * 2, by - r * 0.6),
                (bx + r, by + r * 0.2),
                (bx, by + r * 0.9),
                (bx - r, by + r * 0.2),
            ],
            fill=alpha((3, 3, 6), 1),
        )
    return vignette(over(base, bats), 0.9, power=2)


def corridor(rng: np.random.Generator, s: int) -> Image.Image:
    """Fear: a long dark corridor, a faint light and a shadow at its end."""
    hue = rng.uniform(90, 200)
    base = Image.new("RGBA", (s, s), alpha(hsv(hue, 0.3, 0.05), 1))
    art, d = layer(s)
    vx, vy = rng.uniform(0.4, 0.6) * s, rng.uniform(0.4, 0.55) * s
    w = s * rng.uniform(0.05, 0.09)
    for k in range(12, 0, -1):
        t = k / 12
        x0, x1 = vx - w - (vx - w) * t, vx + w + (s - vx - w) * t
        y0, y1 = vy - w * 1.6 - (vy - w * 1.6) * t, vy + w * 1.4 + (s - vy - w * 1.4) * t
        val = 0.04 + 0.22 * (1 - t) ** 2
        d.rectangle(
            [x0, y0, x1, y1],
            fill=alpha(hsv(hue, 0.25, val), 1),
            outline=alpha(hsv(hue, 0.2, val * 0.5), 1),
            width=3,
        )
    d.rectangle(
        [vx - w, vy - w * 1.6, vx + w, vy + w * 1.4],
        fill=alpha(
            hsv(hue + rng.uniform(-60, 60), rng.uniform(0.1, 0.5), rng.uniform(0.4, 0.8)), 1
        ),
    )
    d.rectangle(
        [vx - w * 0.18, vy - w * 0.9, vx + w * 0.18, vy + w * 1.4], fill=alpha((5, 5, 5), 1)
    )
    d.ellipse([vx - w * 0.22, vy - w * 1.3, vx + w * 0.22, vy - w * 0.85], fill=alpha((5, 5, 5), 1))
    base = over(base, art, blur=1.5)
    return vignette(base, 1.0, power=1.6)


def web(rng: np.random.Generator, s: int) -> Image.Image:
    """Fear: a spider web catching dim light in the dark, its spider waiting."""
    hue = rng.uniform(180, 280)
    cx, cy = rng.uniform(0.3, 0.7), rng.uniform(0.3, 0.6)
    base = to_image(
        gradient(s, [(0.0, hsv(hue, 0.3, 0.28)), (1.0, hsv(hue, 0.5, 0.02))], center=(cx, cy))
    )
    art, d = layer(s)
    px, py = cx * s, cy * s
    spokes = int(rng.integers(10, 16))
    angles = [2 * math.pi * i / spokes + rng.uniform(-0.1, 0.1) for i in range(spokes)]
    silk = alpha(hsv(hue, 0.05, 0.85), 0.7)
    for a in angles:
        d.line(
            [(px, py), (px + 1.2 * s * math.cos(a), py + 1.2 * s * math.sin(a))], fill=silk, width=2
        )
    r = s * 0.03
    while r < 0.75 * s:
        pts = [
            (px + r * math.cos(a) * rng.uniform(0.95, 1.05), py + r * math.sin(a)) for a in angles
        ]
        d.line([*pts, pts[0]], fill=silk, width=2)
        r *= rng.uniform(1.12, 1.22)
    sx, sy = px + rng.uniform(-0.1, 0.1) * s, py + rng.uniform(-0.1, 0.1) * s
    sr = s * rng.uniform(0.02, 0.035)
    for i in range(8):
        a = (i % 4 - 1.5) * 0.45 + (0 if i < 4 else math.pi)
        d.line(
            [
                (sx, sy),
                (sx + sr * 2.2 * math.cos(a), sy + sr * 2.2 * math.sin(a) - sr),
                (sx + sr * 3.2 * math.cos(a), sy + sr * 2.6 * math.sin(a) + sr),
            ],
            fill=alpha((5, 5, 5), 1),
            width=max(2, int(sr * 0.25)),
        )
    d.ellipse([sx - sr, sy - sr * 1.3, sx + sr, sy + sr * 1.3], fill=alpha((5, 5, 5), 1))
    return vignette(over(base, art, blur=0.5), 0.9, power=1.8)


def eyes(rng: np.random.Generator, s: int) -> Image.Image:
    """Fear, pattern: pairs of glowing eyes watching from a pitch-black thicket."""
    hue = rng.uniform(80, 140)
    base = to_image(
        gradient(
            s,
            [(0.0, hsv(rng.uniform(0, 360), 0.5, rng.uniform(0.06, 0.2))), (1.0, (2, 3, 4))],
            angle=rng.uniform(45, 135),
        )
    )
    eyes, d = layer(s)
    for x, y in scatter(rng, s, int(rng.integers(5, 11)), 0.08, 0.16):
        r = s * rng.uniform(0.012, 0.026)
        tilt = rng.uniform(-0.15, 0.15)
        color = hsv(hue + rng.uniform(-30, 30), 0.9, 1.0)
        for side in (-1, 1):
            ex, ey = x + side * r * 2.2, y + side * r * 2.2 * tilt
            d.polygon(
                [
                    (ex - r * 1.2, ey),
                    (ex, ey - r * 0.7),
                    (ex + r * 1.2, ey + side * r * 0.2),
                    (ex, ey + r * 0.5),
                ],
                fill=alpha(color, 1),
            )
            d.ellipse(
                [ex - r * 0.18, ey - r * 0.45, ex + r * 0.18, ey + r * 0.4],
                fill=alpha((5, 5, 5), 1),
            )
    base = over(over(base, eyes, blur=s * 0.012), eyes)
    leaves, d = layer(s)
    for _ in range(60):
        x, y = rng.uniform(0, 1) * s, rng.uniform(0, 1) * s
        blob(
            d, rng, x, y, s * rng.uniform(0.02, 0.05), (3, 5, 6), rng.uniform(0.6, 0.95), squash=0.5
        )
    return vignette(over(base, leaves, blur=1), 0.6)


def haunted_house(rng: np.random.Generator, s: int) -> Image.Image:
    """Fear, horizon: a crooked house on a bare hill, one window lit, a sickly sky."""
    hue = rng.uniform(150, 200)
    base = to_image(
        gradient(
            s,
            [
                (0.0, hsv(hue + 90, 0.5, 0.15)),
                (0.7, hsv(hue, 0.45, 0.45)),
                (1.0, hsv(hue, 0.4, 0.2)),
            ],
        )
    )
    base = glow(
        base,
        rng.uniform(0.15, 0.85) * s,
        rng.uniform(0.15, 0.3) * s,
        s * 0.07,
        hsv(hue - 20, 0.2, 0.95),
        0.9,
    )
    hill, d = layer(s)
    level = rng.uniform(0.68, 0.78)
    pts = ridge(rng, s, level, 0.05, waves=0.6)
    dark = (8, 10, 12)
    fill_below(d, s, pts, dark)
    hx = rng.uniform(0.3, 0.7) * s
    hy = min(y for x, y in pts if abs(x - hx) < s * 0.1) + s * 0.02
    w, h, lean = s * 0.12, s * 0.16, rng.uniform(-0.04, 0.04) * s
    d.polygon(
        [(hx - w, hy), (hx + w, hy), (hx + w + lean, hy - h), (hx - w + lean, hy - h)],
        fill=alpha(dark, 1),
    )
    d.polygon(
        [
            (hx - w * 1.2 + lean, hy - h),
            (hx + lean * 1.5, hy - h * 1.8),
            (hx + w * 1.2 + lean, hy - h),
        ],
        fill=alpha(dark, 1),
    )
    d.rectangle(
        [hx + w * 0.4 + lean, hy - h * 1.75, hx + w * 0.6 + lean, hy - h * 1.3], fill=alpha(dark, 1)
    )
    win = (hx + lean * 0.5 + float(rng.choice([-0.45, 0.45])) * w, hy - h * 0.6)
    d.rectangle(
        [win[0] - w * 0.14, win[1] - w * 0.18, win[0] + w * 0.14, win[1] + w * 0.18],
        fill=alpha(hsv(50, 0.7, 1.0), 1),
    )
    for _ in range(int(rng.integers(1, 3))):
        tx = rng.uniform(0.05, 0.95) * s
        ty = min(y for x, y in pts if abs(x - tx) < s * 0.05)
        trunk = wander(rng, (tx, ty + s * 0.01), -math.pi / 2, 5, s * 0.05, 0.25)
        d.line(trunk, fill=alpha(dark, 1), width=int(s * 0.012))
        for k in range(2, len(trunk)):
            twig = wander(rng, trunk[k], -math.pi / 2 + rng.uniform(-1.2, 1.2), 3, s * 0.035, 0.4)
            d.line(twig, fill=alpha(dark, 1), width=int(s * 0.005))
    base = glow(over(base, hill), win[0], win[1], w * 0.4, hsv(50, 0.7, 1.0), 0.4)
    return vignette(base, 0.7)


def deep_sea(rng: np.random.Generator, s: int) -> Image.Image:
    """Fear, wide: the dark deep, a faint light from far above, a huge shadow passing."""
    hue = rng.uniform(195, 225)
    base = to_image(
        gradient(s, [(0.0, hsv(hue - 15, 0.7, 0.45)), (0.5, hsv(hue, 0.8, 0.15)), (1.0, (1, 3, 8))])
    )
    rays, d = layer(s)
    for _ in range(6):
        x = rng.uniform(0, 1) * s
        d.polygon(
            [
                (x - s * 0.02, 0),
                (x + s * 0.02, 0),
                (x + s * rng.uniform(0.05, 0.2), s * 0.7),
                (x - s * rng.uniform(0.05, 0.2), s * 0.7),
            ],
            fill=alpha(hsv(hue - 20, 0.3, 0.8), 0.1),
        )
    base = over(base, rays, blur=s * 0.02)
    shadow, d = layer(s)
    cx, cy, length = (
        rng.uniform(0.3, 0.7) * s,
        rng.uniform(0.45, 0.7) * s,
        s * rng.uniform(0.5, 0.8),
    )
    direction = float(rng.choice([-1, 1]))
    body = [(cx + direction * length * 0.5, cy)]
    for t in np.linspace(0.45, -0.45, 16):
        body.append((cx + direction * length * t, cy - length * 0.14 * math.cos(t * 3.2)))
    body.append((cx - direction * length * 0.62, cy - length * 0.1))
    body.append((cx - direction * length * 0.55, cy))
    body.append((cx - direction * length * 0.62, cy + length * 0.1))
    for t in np.linspace(-0.45, 0.45, 16):
        body.append((cx + direction * length * t, cy + length * 0.1 * math.cos(t * 3.2)))
    d.polygon(body, fill=alpha((2, 6, 12), 0.85))
    fin = cx - direction * length * 0.05
    d.polygon(
        [
            (fin - length * 0.06, cy - length * 0.1),
            (fin + direction * length * 0.05, cy - length * 0.26),
            (fin + length * 0.08, cy - length * 0.12),
        ],
        fill=alpha((2, 6, 12), 0.85),
    )
    base = over(base, shadow, blur=s * 0.006)
    motes, d = layer(s)
    for _ in range(80):
        x, y, r = rng.uniform(0, 1) * s, rng.uniform(0, 1) * s, s * rng.uniform(0.001, 0.003)
        d.ellipse([x - r, y - r, x + r, y + r], fill=alpha(hsv(hue, 0.2, 0.8), 0.5))
    return vignette(over(base, motes), 0.8)


def candle(rng: np.random.Generator, s: int) -> Image.Image:
    """Fear, close-up: a lone candle flickering in the dark, long shadows behind."""
    hue = rng.uniform(20, 40)
    base = to_image(gradient(s, [(0.0, (6, 4, 4)), (1.0, (2, 2, 3))]))
    cx, top = rng.uniform(0.3, 0.7) * s, rng.uniform(0.45, 0.6) * s
    base = glow(base, cx, top - s * 0.04, s * 0.4, hsv(hue, 0.8, 0.45), 0.45)
    base = glow(base, cx, top - s * 0.04, s * 0.12, hsv(hue + 10, 0.7, 0.9), 0.5)
    things, d = layer(s)
    w = s * rng.uniform(0.05, 0.08)
    d.rectangle([cx - w, top, cx + w, s * 1.1], fill=alpha(hsv(40, 0.15, 0.75), 1))
    d.rectangle([cx + w * 0.3, top, cx + w, s * 1.1], fill=alpha(hsv(40, 0.2, 0.55), 1))
    for _ in range(3):
        dx = rng.uniform(-0.8, 0.8) * w
        d.line(
            [(cx + dx, top), (cx + dx, top + rng.uniform(0.05, 0.15) * s)],
            fill=alpha(hsv(40, 0.1, 0.85), 1),
            width=int(w * 0.3),
        )
    d.line([(cx, top), (cx, top - s * 0.02)], fill=alpha((20, 15, 10), 1), width=int(s * 0.005))
    fh = s * rng.uniform(0.07, 0.1)
    lean = rng.uniform(-0.25, 0.25) * fh
    d.polygon(
        curve(
            [
                (cx, top - s * 0.012),
                (cx - fh * 0.22, top - fh * 0.45),
                (cx + lean, top - fh * 1.2),
                (cx + fh * 0.22, top - fh * 0.45),
                (cx, top - s * 0.012),
            ],
            steps=6,
        ),
        fill=alpha(hsv(hue + 15, 0.75, 1.0), 1),
    )
    d.polygon(
        curve(
            [
                (cx, top - s * 0.015),
                (cx - fh * 0.1, top - fh * 0.35),
                (cx + lean * 0.5, top - fh * 0.75),
                (cx + fh * 0.1, top - fh * 0.35),
                (cx, top - s * 0.015),
            ],
            steps=6,
        ),
        fill=alpha(hsv(55, 0.2, 1.0), 1),
    )
    base = over(base, things)
    return vignette(base, 0.9, (0, 0, 0), power=1.6)
