"""More demo-catalog scenes for happy, calm, surprised and sad (see `demo_motifs`).

Each scene takes a seeded generator and a side `s` in pixels and returns an RGBA
image; its docstring names the emotion and the framing (close-up, wide, pattern
or horizon). The drawing helpers are `demo_art`'s and `demo_shapes`'.
"""

from __future__ import annotations

import math

import numpy as np
from PIL import Image

from kiosk.tools.demo_art import alpha, gradient, hsv, layer, over, to_image, vignette
from kiosk.tools.demo_shapes import blob, curve, fill_below, glow, ridge, scatter, star

# --------------------------------------------------------------------------- happy


def sunflowers(rng: np.random.Generator, s: int) -> Image.Image:
    """Happy, close-up: big sunflower heads against a deep summer sky."""
    sky = rng.uniform(195, 215)
    base = to_image(gradient(s, [(0.0, hsv(sky, 0.75, 0.9)), (1.0, hsv(sky - 15, 0.35, 1.0))]))
    heads = sorted(
        scatter(rng, s, int(rng.integers(3, 6)), margin=0.1, spacing=0.3), key=lambda p: p[1]
    )
    for x, y in heads:
        r = s * rng.uniform(0.13, 0.22)
        stem, d = layer(s)
        d.line(
            curve([(x, y), (x + rng.uniform(-0.08, 0.08) * s, (y + s) / 2), (x, s * 1.05)]),
            fill=alpha(hsv(105, 0.7, 0.55), 1),
            width=int(r * 0.18),
        )
        leaf_y = y + (s - y) * rng.uniform(0.3, 0.6)
        for side in (-1, 1):
            d.ellipse(
                [
                    x + side * r * 0.9 - r * 0.45,
                    leaf_y - r * 0.2,
                    x + side * r * 0.9 + r * 0.45,
                    leaf_y + r * 0.2,
                ],
                fill=alpha(hsv(100, 0.7, 0.6), 1),
            )
        base = over(base, stem)
        petals, d = layer(s)
        turn = rng.uniform(0, 1)
        for ring, (length, val) in enumerate(((1.0, 0.95), (0.82, 1.0))):
            n = 20
            for i in range(n):
                t = 2 * math.pi * (i + 0.5 * ring + turn) / n
                tip = (x + r * length * math.cos(t), y + r * length * math.sin(t))
                edge = (math.cos(t + math.pi / 2) * r * 0.13, math.sin(t + math.pi / 2) * r * 0.13)
                mid = (x + r * 0.55 * math.cos(t), y + r * 0.55 * math.sin(t))
                d.polygon(
                    [
                        (x, y),
                        (mid[0] + edge[0], mid[1] + edge[1]),
                        tip,
                        (mid[0] - edge[0], mid[1] - edge[1]),
                    ],
                    fill=alpha(hsv(rng.uniform(42, 50), 0.9, val), 1),
                )
        d.ellipse(
            [x - r * 0.42, y - r * 0.42, x + r * 0.42, y + r * 0.42],
            fill=alpha(hsv(25, 0.85, 0.35), 1),
        )
        for _ in range(60):
            a, rr = rng.uniform(0, 2 * math.pi), r * 0.38 * math.sqrt(rng.random())
            px, py, dot = x + rr * math.cos(a), y + rr * math.sin(a), r * 0.025
            d.ellipse([px - dot, py - dot, px + dot, py + dot], fill=alpha(hsv(35, 0.8, 0.55), 1))
        base = over(base, petals)
    return base


def rainbow(rng: np.random.Generator, s: int) -> Image.Image:
    """Happy, wide: a rainbow over green hills after the rain, a bright sun."""
    base = to_image(
        gradient(
            s,
            [
                (0.0, hsv(rng.uniform(180, 225), rng.uniform(0.35, 0.7), 1.0)),
                (0.7, hsv(185, 0.2, 1.0)),
            ],
        )
    )
    cx, cy = rng.uniform(0.3, 0.7) * s, rng.uniform(0.75, 0.95) * s
    r0 = rng.uniform(0.45, 0.6) * s
    bands, d = layer(s)
    width = s * 0.035
    for i, hue in enumerate((0, 30, 55, 120, 200, 265)):
        r = r0 - i * width
        d.ellipse(
            [cx - r, cy - r, cx + r, cy + r],
            outline=alpha(hsv(hue, 0.7, 1.0), 0.8),
            width=int(width) + 2,
        )
    base = over(base, bands, blur=s * 0.004)
    base = glow(
        base,
        rng.uniform(0.1, 0.9) * s,
        rng.uniform(0.08, 0.2) * s,
        s * 0.12,
        hsv(55, 0.2, 1.0),
        0.95,
    )
    puffs, d = layer(s)
    for _ in range(int(rng.integers(2, 4))):
        x, y = rng.uniform(0.1, 0.9) * s, rng.uniform(0.1, 0.35) * s
        for _ in range(5):
            blob(
                d,
                rng,
                x + rng.uniform(-0.08, 0.08) * s,
                y + rng.uniform(-0.02, 0.02) * s,
                s * rng.uniform(0.04, 0.07),
                (255, 255, 255),
                0.95,
            )
    base = over(base, puffs, blur=s * 0.003)
    hills, d = layer(s)
    green = rng.uniform(75, 135)
    for k in range(3):
        fill_below(
            d,
            s,
            ridge(rng, s, 0.68 + 0.1 * k, 0.04, waves=rng.uniform(0.8, 1.8)),
            hsv(green + 15 * k, 0.6, 0.85 - 0.1 * k),
        )
    return over(base, hills)


def beach(rng: np.random.Generator, s: int) -> Image.Image:
    """Happy, horizon: a sunny beach, turquoise sea, striped parasols and a ball."""
    horizon = rng.uniform(0.38, 0.5)
    shore = horizon + rng.uniform(0.12, 0.2)
    base = to_image(
        gradient(
            s,
            [
                (0.0, hsv(205, 0.6, 1.0)),
                (horizon, hsv(195, 0.25, 1.0)),
                (horizon + 0.001, hsv(180, 0.75, 0.8)),
                (shore, hsv(170, 0.5, 0.95)),
                (shore + 0.001, hsv(42, 0.35, 1.0)),
                (1.0, hsv(38, 0.45, 0.95)),
            ],
        )
    )
    base = glow(
        base, rng.uniform(0.15, 0.85) * s, horizon * s * 0.4, s * 0.09, hsv(50, 0.3, 1.0), 1.0
    )
    foam, d = layer(s)
    d.line(
        ridge(rng, s, shore, 0.006, waves=4), fill=alpha((255, 255, 255), 0.9), width=int(s * 0.008)
    )
    base = over(base, foam, blur=2)
    props, d = layer(s)
    for _ in range(int(rng.integers(1, 4))):
        x, y = rng.uniform(0.1, 0.9) * s, rng.uniform(shore + 0.12, 0.95) * s
        r = s * rng.uniform(0.12, 0.18)
        d.line(
            [(x, y), (x + r * 0.1, y - r * 1.1)],
            fill=alpha((240, 240, 240), 1),
            width=int(s * 0.008),
        )
        top = (x + r * 0.1, y - r * 1.1)
        colors = [hsv(float(rng.choice([0, 200, 45, 330])), 0.75, 1.0), (255, 255, 255)]
        for i in range(8):
            d.pieslice(
                [top[0] - r, top[1] - r * 0.6, top[0] + r, top[1] + r * 0.6],
                180 + i * 22.5,
                180 + (i + 1) * 22.5,
                fill=alpha(colors[i % 2], 1),
            )
    bx, by, br = rng.uniform(0.15, 0.85) * s, rng.uniform(0.8, 0.9) * s, s * 0.05
    for i, hue in enumerate((0, 50, 210, 120)):
        d.pieslice(
            [bx - br, by - br, bx + br, by + br],
            i * 90,
            (i + 1) * 90,
            fill=alpha(hsv(hue, 0.75, 1.0), 1),
        )
    return over(base, props)


# --------------------------------------------------------------------------- calm


def zen_sand(rng: np.random.Generator, s: int) -> Image.Image:
    """Calm, pattern: raked sand seen from above, rings around smooth stones."""
    hue = rng.uniform(30, 45)
    base = to_image(
        gradient(
            s, [(0.0, hsv(hue, 0.15, 0.93)), (1.0, hsv(hue, 0.2, 0.85))], angle=rng.uniform(0, 180)
        )
    )
    stones = scatter(rng, s, int(rng.integers(1, 4)), margin=0.2, spacing=0.35)
    lines, d = layer(s)
    gap = s * rng.uniform(0.022, 0.032)
    for y in np.arange(gap / 2, s, gap):
        d.line([(0, y), (s, y)], fill=alpha(hsv(hue, 0.25, 0.7), 0.45), width=int(s * 0.004))
    for x, y in stones:
        for k in range(1, 9):  # rings clear the straight rakes around each stone
            r = s * 0.07 + k * gap
            d.ellipse(
                [x - r - gap / 2, y - r - gap / 2, x + r + gap / 2, y + r + gap / 2],
                fill=alpha(hsv(hue, 0.15, 0.92), 1) if k == 8 else None,
            )
        for k in range(8, 0, -1):
            r = s * 0.07 + k * gap
            d.ellipse(
                [x - r, y - r, x + r, y + r],
                fill=alpha(hsv(hue, 0.15, 0.92), 1),
                outline=alpha(hsv(hue, 0.25, 0.7), 0.6),
                width=int(s * 0.004),
            )
    base = over(base, lines, blur=1.5)
    rocks, d = layer(s)
    for x, y in stones:
        blob(d, rng, x + s * 0.01, y + s * 0.015, s * 0.075, (60, 55, 50), 0.35)
        blob(d, rng, x, y, s * 0.07, hsv(rng.uniform(20, 220), 0.08, rng.uniform(0.35, 0.6)))
    moss, dm = layer(s)
    for x, y in stones:
        blob(dm, rng, x - s * 0.02, y - s * 0.02, s * 0.03, hsv(95, 0.4, 0.55), 0.8)
    return vignette(over(over(base, rocks, blur=1), moss, blur=2), 0.25, hsv(hue, 0.3, 0.4))


def moon_lake(rng: np.random.Generator, s: int) -> Image.Image:
    """Calm, horizon: a pastel dusk over a still lake, the moon and its reflection."""
    hue = rng.uniform(250, 290)
    horizon = rng.uniform(0.5, 0.62)
    base = to_image(
        gradient(
            s,
            [
                (0.0, hsv(hue, 0.3, 0.75)),
                (horizon, hsv(hue + 70, 0.25, 1.0)),
                (1.0, hsv(hue, 0.3, 0.7)),
            ],
        )
    )
    mx, my, mr = rng.uniform(0.25, 0.75) * s, rng.uniform(0.15, horizon - 0.2) * s, s * 0.05
    base = glow(base, mx, my, mr * 2.5, hsv(hue + 60, 0.1, 1.0), 0.4)
    moon, d = layer(s)
    d.ellipse([mx - mr, my - mr, mx + mr, my + mr], fill=alpha((255, 252, 240), 1))
    ry = 2 * horizon * s - my
    for k in range(6):
        w = mr * (1.4 - 0.15 * k)
        yy = ry + (k - 3) * s * 0.012
        d.line([(mx - w, yy), (mx + w, yy)], fill=alpha((255, 250, 235), 0.55), width=3)
    base = over(base, moon, blur=1.5)
    hills, d = layer(s)
    pts = ridge(rng, s, horizon - 0.05, 0.03, rough=0.004)
    d.polygon([*pts, (s, horizon * s), (0, horizon * s)], fill=alpha(hsv(hue, 0.25, 0.5), 1))
    mirror = [(x, 2 * horizon * s - y) for x, y in pts]
    d.polygon([*mirror, (s, horizon * s), (0, horizon * s)], fill=alpha(hsv(hue, 0.2, 0.6), 0.6))
    base = over(base, hills, blur=1)
    ripples, d = layer(s)
    for _ in range(25):
        y = rng.uniform(horizon + 0.03, 1.0) * s
        x, w = rng.uniform(0, 1) * s, rng.uniform(0.05, 0.2) * s
        d.line([(x, y), (x + w, y)], fill=alpha((255, 255, 255), 0.15), width=2)
    return over(base, ripples, blur=1)


def bamboo(rng: np.random.Generator, s: int) -> Image.Image:
    """Calm, close-up: green bamboo stalks and leaves in soft morning light."""
    hue = rng.uniform(80, 110)
    base = to_image(
        gradient(
            s,
            [(0.0, hsv(hue - 30, 0.2, 1.0)), (1.0, hsv(hue, 0.35, 0.8))],
            angle=rng.uniform(60, 120),
        )
    )
    for depth in range(3):
        stalks, d = layer(s)
        val, sat = 0.9 - 0.2 * depth, 0.3 + 0.2 * depth
        for _ in range(int(rng.integers(2, 4))):
            x = rng.uniform(0, 1) * s
            w = s * (0.025 + 0.02 * depth) * rng.uniform(0.8, 1.2)
            lean = rng.uniform(-0.05, 0.05) * s
            color = hsv(hue + rng.uniform(-8, 8), sat, val)
            d.polygon(
                [(x - w, s), (x + w, s), (x + lean + w, 0), (x + lean - w, 0)], fill=alpha(color, 1)
            )
            for y in np.arange(rng.uniform(0.1, 0.3) * s, s, rng.uniform(0.18, 0.3) * s):
                xx = x + lean * (1 - y / s)
                d.line(
                    [(xx - w * 1.15, y), (xx + w * 1.15, y)],
                    fill=alpha(hsv(hue, sat + 0.1, val - 0.15), 1),
                    width=int(w * 0.25),
                )
                if rng.random() < 0.5:
                    side = float(rng.choice([-1, 1]))
                    tip = (xx + side * s * rng.uniform(0.12, 0.2), y - s * rng.uniform(0.0, 0.08))
                    mid = ((xx + tip[0]) / 2, (y + tip[1]) / 2)
                    d.polygon(
                        [(xx, y), (mid[0], mid[1] - w * 0.7), tip, (mid[0], mid[1] + w * 0.7)],
                        fill=alpha(hsv(hue + 10, sat + 0.1, val), 1),
                    )
        base = over(base, stalks, blur=s * 0.006 * (2 - depth))
    return vignette(base, 0.3, hsv(hue, 0.4, 0.3))


def clouds(rng: np.random.Generator, s: int) -> Image.Image:
    """Calm, wide: soft pastel clouds drifting across a pale sky."""
    hue = rng.uniform(190, 230)
    base = to_image(
        gradient(
            s,
            [(0.0, hsv(hue, 0.35, 0.95)), (1.0, hsv(hue + 130, 0.15, 1.0))],
            angle=rng.uniform(70, 110),
        )
    )
    for row in range(int(rng.integers(3, 5))):
        puffs, d = layer(s)
        y = s * (0.15 + row * rng.uniform(0.18, 0.24))
        x = rng.uniform(-0.2, 0.4) * s
        while x < 1.2 * s:
            w = rng.uniform(0.2, 0.35) * s
            for _ in range(6):
                blob(
                    d,
                    rng,
                    x + rng.uniform(0, w),
                    y + rng.uniform(-0.03, 0.01) * s,
                    s * rng.uniform(0.04, 0.08),
                    hsv(hue + 140, 0.06, 1.0),
                    0.9,
                    squash=0.75,
                )
            d.rectangle([x, y, x + w, y + s * 0.04], fill=alpha(hsv(hue + 140, 0.06, 1.0), 0.9))
            x += w + rng.uniform(0.1, 0.3) * s
        base = over(base, puffs, blur=s * 0.008)
    birds, d = layer(s)
    for _ in range(int(rng.integers(0, 4))):
        x, y, w = rng.uniform(0.2, 0.8) * s, rng.uniform(0.2, 0.6) * s, s * 0.02
        d.line(
            [(x - w, y - w * 0.4), (x, y), (x + w, y - w * 0.4)],
            fill=alpha(hsv(hue, 0.3, 0.4), 0.7),
            width=3,
        )
    return over(base, birds)


# --------------------------------------------------------------------------- surprised


def rocket(rng: np.random.Generator, s: int) -> Image.Image:
    """Surprised, wide: a toy rocket blasting off in a burst of smoke and stars."""
    hue = rng.uniform(180, 300)
    base = to_image(gradient(s, [(0.0, hsv(hue, 0.6, 0.55)), (1.0, hsv(hue + 40, 0.45, 1.0))]))
    x, y = rng.uniform(0.35, 0.65) * s, rng.uniform(0.25, 0.4) * s
    lean = math.radians(rng.uniform(-25, 25))
    sparks, d = layer(s)
    for _ in range(int(rng.integers(12, 25))):
        sx, sy = rng.uniform(0, 1) * s, rng.uniform(0, 0.7) * s
        star(
            d,
            sx,
            sy,
            s * rng.uniform(0.01, 0.025),
            s * 0.005,
            4,
            hsv(float(rng.choice([50, 320, 180])), 0.4, 1.0),
        )
    base = over(base, sparks)
    smoke, d = layer(s)
    tail = (x - math.sin(lean) * s * 0.2, y + math.cos(lean) * s * 0.2)
    for k in range(40):
        t = k / 40
        cx = tail[0] - math.sin(lean) * t * s * 0.5 + rng.normal(0, 0.05 * t) * s
        cy = tail[1] + math.cos(lean) * t * s * 0.5 + t * t * s * 0.2
        blob(d, rng, cx, cy, s * (0.03 + 0.1 * t), hsv(hue, 0.05, 1.0), 0.85)
    base = over(base, smoke, blur=s * 0.004)
    body, d = layer(s)
    length, width = s * 0.28, s * 0.07

    def at(u: float, v: float) -> tuple[float, float]:
        """Rocket coordinates: u along (0 tail, 1 nose), v across (-1..1)."""
        return (
            x + math.sin(lean) * (u - 0.5) * length + math.cos(lean) * v * width,
            y - math.cos(lean) * (u - 0.5) * length + math.sin(lean) * v * width,
        )

    flame = [at(0.05, -0.6), at(-0.35 - rng.uniform(0, 0.2), 0), at(0.05, 0.6)]
    d.polygon(flame, fill=alpha(hsv(35, 0.9, 1.0), 1))
    d.polygon([at(0.05, -0.35), at(-0.15, 0), at(0.05, 0.35)], fill=alpha(hsv(55, 0.5, 1.0), 1))
    accent = hsv(float(rng.choice([0, 350, 20])), 0.85, 0.95)
    d.polygon([at(0.25, -1), at(0.0, -1.7), at(0.0, -1), at(0.25, -1)], fill=alpha(accent, 1))
    d.polygon([at(0.25, 1), at(0.0, 1.7), at(0.0, 1)], fill=alpha(accent, 1))
    d.polygon(
        [at(0.0, -1), at(0.75, -1), at(1.0, 0), at(0.75, 1), at(0.0, 1)],
        fill=alpha((245, 245, 250), 1),
    )
    d.polygon([at(0.75, -1), at(1.0, 0), at(0.75, 1)], fill=alpha(accent, 1))
    wx, wy = at(0.55, 0)
    d.ellipse(
        [wx - width * 0.45, wy - width * 0.45, wx + width * 0.45, wy + width * 0.45],
        fill=alpha(hsv(195, 0.6, 0.9), 1),
        outline=alpha((120, 120, 140), 1),
        width=4,
    )
    return over(base, body)


def popcorn(rng: np.random.Generator, s: int) -> Image.Image:
    """Surprised, close-up: popcorn bursting out of a striped tub in every direction."""
    hue = float(rng.choice([50, 185, 330, 270])) + rng.uniform(-10, 10)
    cx, top = rng.uniform(0.35, 0.65) * s, rng.uniform(0.6, 0.72) * s
    base = to_image(
        gradient(
            s,
            [(0.0, hsv(hue, 0.35, 1.0)), (1.0, hsv(hue + 20, 0.7, 0.85))],
            center=(cx / s, top / s),
        )
    )
    rays, d = layer(s)
    for i in range(16):
        a = math.pi + math.pi * (i + 0.5) / 16
        d.line(
            [(cx, top), (cx + s * math.cos(a), top + s * math.sin(a))],
            fill=alpha((255, 255, 255), 0.25),
            width=int(s * 0.012),
        )
    base = over(base, rays, blur=s * 0.004)
    tub, d = layer(s)
    w0, w1 = s * 0.2, s * 0.14
    stripe = hsv(float(rng.choice([0, 210, 140])), 0.8, 0.9)
    for k in range(6):
        x0 = cx - w0 + 2 * w0 * k / 6
        x1 = cx - w0 + 2 * w0 * (k + 1) / 6
        b0 = cx - w1 + 2 * w1 * k / 6
        b1 = cx - w1 + 2 * w1 * (k + 1) / 6
        d.polygon(
            [(x0, top), (x1, top), (b1, s * 1.02), (b0, s * 1.02)],
            fill=alpha(stripe if k % 2 == 0 else (250, 248, 240), 1),
        )
    kernel = hsv(48, 0.2, 1.0)
    for _ in range(14):  # the heap in the tub
        blob(
            d,
            rng,
            cx + rng.uniform(-0.85, 0.85) * w0,
            top - rng.uniform(0, 0.05) * s,
            s * rng.uniform(0.025, 0.035),
            kernel,
        )
    base = over(base, tub)
    fly, d = layer(s)
    for _ in range(int(rng.integers(14, 24))):
        a = rng.uniform(math.pi * 1.05, math.pi * 1.95)
        r = rng.uniform(0.12, 0.55) * s
        x, y = cx + r * math.cos(a), top + r * math.sin(a)
        size = s * rng.uniform(0.018, 0.03)
        d.line(
            [
                (x - math.cos(a) * size * 2.5, y - math.sin(a) * size * 2.5),
                (x - math.cos(a) * size * 4.5, y - math.sin(a) * size * 4.5),
            ],
            fill=alpha((255, 255, 255), 0.7),
            width=max(2, int(size * 0.25)),
        )
        for _ in range(3):
            blob(
                d,
                rng,
                x + rng.uniform(-0.6, 0.6) * size,
                y + rng.uniform(-0.6, 0.6) * size,
                size * rng.uniform(0.6, 0.9),
                kernel,
            )
        d.ellipse(
            [x - size * 0.3, y - size * 0.3, x + size * 0.1, y + size * 0.1],
            fill=alpha(hsv(38, 0.5, 0.95), 0.8),
        )
    return over(base, fly)


def bubbles(rng: np.random.Generator, s: int) -> Image.Image:
    """Surprised, close-up: big iridescent soap bubbles floating up."""
    hue = rng.uniform(160, 200)
    base = to_image(
        gradient(
            s,
            [(0.0, hsv(hue, 0.5, 0.9)), (1.0, hsv(hue + 60, 0.45, 0.7))],
            center=(rng.uniform(0.3, 0.7), rng.uniform(0.3, 0.7)),
        )
    )
    for x, y in scatter(rng, s, int(rng.integers(5, 10)), 0.05, 0.15):
        r = s * rng.uniform(0.05, 0.17)
        film, d = layer(s)
        d.ellipse([x - r, y - r, x + r, y + r], fill=alpha((255, 255, 255), 0.08))
        for k, h in enumerate((300, 200, 60, 150)):
            inset = r * 0.04 * k
            d.arc(
                [x - r + inset, y - r + inset, x + r - inset, y + r - inset],
                rng.uniform(0, 360),
                rng.uniform(120, 300) + 200,
                fill=alpha(hsv(h, 0.6, 1.0), 0.65),
                width=max(3, int(r * 0.05)),
            )
        d.ellipse(
            [x - r * 0.55, y - r * 0.6, x - r * 0.2, y - r * 0.3], fill=alpha((255, 255, 255), 0.85)
        )
        base = over(base, film, blur=r * 0.03)
    return base


def shooting_stars(rng: np.random.Generator, s: int) -> Image.Image:
    """Surprised, horizon: a shower of shooting stars over hills at blue hour."""
    hue = rng.uniform(225, 265)
    base = to_image(
        gradient(
            s,
            [
                (0.0, hsv(hue, 0.75, 0.3)),
                (0.75, hsv(hue + 50, 0.5, 0.7)),
                (1.0, hsv(hue + 80, 0.4, 0.9)),
            ],
        )
    )
    sky, d = layer(s)
    for _ in range(120):
        x, y, r = rng.uniform(0, 1) * s, rng.uniform(0, 0.7) * s, s * rng.uniform(0.001, 0.004)
        d.ellipse([x - r, y - r, x + r, y + r], fill=alpha((255, 255, 240), rng.uniform(0.4, 1)))
    base = over(base, sky)
    trails, d = layer(s)
    angle = math.radians(rng.uniform(20, 50)) * float(rng.choice([-1, 1]))
    for _ in range(int(rng.integers(4, 9))):
        x, y = rng.uniform(0.1, 0.9) * s, rng.uniform(0.05, 0.5) * s
        length = s * rng.uniform(0.15, 0.35)
        color = hsv(float(rng.choice([50, 180, 320])), 0.35, 1.0)
        for k in range(12):
            t0, t1 = k / 12, (k + 1) / 12
            d.line(
                [
                    (x - math.cos(angle) * length * t0, y - math.sin(abs(angle)) * length * t0),
                    (x - math.cos(angle) * length * t1, y - math.sin(abs(angle)) * length * t1),
                ],
                fill=alpha(color, 1 - t0),
                width=max(2, int(s * 0.006 * (1 - t0))),
            )
        star(d, x, y, s * 0.018, s * 0.006, 4, (255, 255, 255))
    base = over(over(base, trails, blur=s * 0.006), trails)
    hills, d = layer(s)
    fill_below(d, s, ridge(rng, s, 0.82, 0.04, waves=1.2), hsv(hue + 20, 0.5, 0.2))
    fill_below(d, s, ridge(rng, s, 0.9, 0.03, waves=2.0), hsv(hue + 30, 0.5, 0.12))
    return over(base, hills)


# --------------------------------------------------------------------------- sad


def autumn_leaves(rng: np.random.Generator, s: int) -> Image.Image:
    """Sad, pattern: brown leaves fallen on wet grey paving, a few still falling."""
    hue = rng.uniform(200, 230)
    base = to_image(
        gradient(
            s, [(0.0, hsv(hue, 0.12, 0.45)), (1.0, hsv(hue, 0.15, 0.3))], angle=rng.uniform(0, 180)
        )
    )
    slabs, d = layer(s)
    gap = s * rng.uniform(0.16, 0.24)
    for y in np.arange(0, s, gap):
        d.line([(0, y), (s, y)], fill=alpha(hsv(hue, 0.15, 0.22), 0.8), width=int(s * 0.005))
        off = rng.uniform(0, gap)
        for x in np.arange(off, s, gap * 1.5):
            d.line(
                [(x, y), (x, y + gap)], fill=alpha(hsv(hue, 0.15, 0.22), 0.8), width=int(s * 0.005)
            )
    base = over(base, slabs, blur=1)
    leaves, d = layer(s)
    for x, y in scatter(rng, s, int(rng.integers(14, 26)), 0.0, 0.06):
        r = s * rng.uniform(0.035, 0.07)
        a = rng.uniform(0, 2 * math.pi)
        color = hsv(rng.uniform(15, 38), rng.uniform(0.5, 0.75), rng.uniform(0.35, 0.6))
        tip = (x + r * math.cos(a), y + r * math.sin(a))
        back = (x - r * math.cos(a), y - r * math.sin(a))
        side = (math.cos(a + math.pi / 2) * r * 0.5, math.sin(a + math.pi / 2) * r * 0.5)
        d.polygon(
            curve(
                [back, (x + side[0], y + side[1]), tip, (x - side[0], y - side[1]), back], steps=6
            ),
            fill=alpha(color, 0.95),
        )
        d.line([back, tip], fill=alpha(hsv(25, 0.5, 0.25), 0.8), width=2)
    base = over(base, leaves, blur=1)
    puddle, d = layer(s)
    px, py = rng.uniform(0.2, 0.8) * s, rng.uniform(0.2, 0.8) * s
    blob(d, rng, px, py, s * rng.uniform(0.12, 0.2), hsv(hue, 0.2, 0.6), 0.35, squash=0.6)
    base = over(base, puddle, blur=s * 0.01)
    return vignette(base, 0.55, hsv(hue, 0.3, 0.1))


def empty_bench(rng: np.random.Generator, s: int) -> Image.Image:
    """Sad, wide: an empty park bench under a street lamp in blue evening fog."""
    hue = rng.uniform(205, 235)
    ground = rng.uniform(0.72, 0.8)
    base = to_image(
        gradient(
            s,
            [(0.0, hsv(hue, 0.4, 0.3)), (ground, hsv(hue, 0.2, 0.55)), (1.0, hsv(hue, 0.3, 0.25))],
        )
    )
    trees, d = layer(s)
    for _ in range(int(rng.integers(4, 8))):
        x, h = rng.uniform(0, 1) * s, rng.uniform(0.25, 0.5) * s
        d.rectangle(
            [x - s * 0.006, ground * s - h * 0.6, x + s * 0.006, ground * s],
            fill=alpha(hsv(hue, 0.25, 0.35), 0.6),
        )
        blob(d, rng, x, ground * s - h * 0.7, h * 0.3, hsv(hue, 0.25, 0.38), 0.6)
    base = over(base, trees, blur=s * 0.01)
    lx = rng.uniform(0.2, 0.8) * s
    ly = ground * s - s * 0.45
    base = glow(base, lx, ly, s * 0.18, hsv(40, 0.35, 0.9), 0.3)
    things, d = layer(s)
    d.rectangle(
        [lx - s * 0.006, ly, lx + s * 0.006, ground * s + s * 0.01], fill=alpha((25, 28, 35), 1)
    )
    d.polygon(
        [
            (lx - s * 0.025, ly),
            (lx + s * 0.025, ly),
            (lx + s * 0.015, ly - s * 0.035),
            (lx - s * 0.015, ly - s * 0.035),
        ],
        fill=alpha((25, 28, 35), 1),
    )
    d.ellipse(
        [lx - s * 0.014, ly - s * 0.028, lx + s * 0.014, ly - s * 0.002],
        fill=alpha(hsv(45, 0.45, 1.0), 1),
    )
    bx = lx + float(rng.choice([-1, 1])) * s * rng.uniform(0.14, 0.22)
    bw, seat = s * rng.uniform(0.14, 0.2), ground * s - s * 0.05
    dark = (22, 24, 30)
    for leg in (-0.85, 0.85):
        d.rectangle(
            [bx + leg * bw - s * 0.004, seat, bx + leg * bw + s * 0.004, ground * s + s * 0.01],
            fill=alpha(dark, 1),
        )
    d.rectangle([bx - bw, seat - s * 0.01, bx + bw, seat], fill=alpha(dark, 1))
    for k in range(3):
        y = seat - s * (0.03 + 0.022 * k)
        d.rectangle([bx - bw, y - s * 0.008, bx + bw, y], fill=alpha(dark, 1))
    base = over(base, things)
    fog, d = layer(s)
    d.rectangle([0, ground * s - s * 0.06, s, s], fill=alpha(hsv(hue, 0.1, 0.7), 0.18))
    return vignette(over(base, fog, blur=s * 0.03), 0.6, hsv(hue, 0.5, 0.08))


def snowfall(rng: np.random.Generator, s: int) -> Image.Image:
    """Sad, horizon: a lone cabin on a snowy plain, one window lit, snow falling."""
    hue = rng.uniform(205, 235)
    horizon = rng.uniform(0.55, 0.68)
    base = to_image(
        gradient(
            s,
            [
                (0.0, hsv(hue, 0.3, 0.35)),
                (horizon, hsv(hue, 0.12, 0.7)),
                (horizon + 0.001, hsv(hue, 0.08, 0.82)),
                (1.0, hsv(hue, 0.12, 0.62)),
            ],
        )
    )
    far, d = layer(s)
    fill_below(d, s, ridge(rng, s, horizon, 0.015, rough=0.002), hsv(hue, 0.1, 0.78))
    base = over(base, far, blur=2)
    cabin, d = layer(s)
    cx, cy, w = rng.uniform(0.2, 0.8) * s, (horizon + rng.uniform(0.03, 0.08)) * s, s * 0.09
    d.rectangle([cx - w, cy - w * 0.9, cx + w, cy], fill=alpha(hsv(20, 0.35, 0.25), 1))
    d.polygon(
        [(cx - w * 1.25, cy - w * 0.85), (cx, cy - w * 1.8), (cx + w * 1.25, cy - w * 0.85)],
        fill=alpha(hsv(hue, 0.08, 0.9), 1),
    )
    win = cx + float(rng.choice([-0.5, 0.5])) * w
    d.rectangle(
        [win - w * 0.2, cy - w * 0.6, win + w * 0.2, cy - w * 0.25],
        fill=alpha(hsv(40, 0.6, 1.0), 1),
    )
    base = glow(over(base, cabin), win, cy - w * 0.42, w * 0.5, hsv(40, 0.6, 1.0), 0.35)
    trees, d = layer(s)
    for _ in range(int(rng.integers(2, 6))):
        x, h = rng.uniform(0, 1) * s, s * rng.uniform(0.08, 0.16)
        y = (horizon + rng.uniform(0.0, 0.1)) * s
        d.polygon(
            [(x, y - h), (x - h * 0.3, y), (x + h * 0.3, y)], fill=alpha(hsv(hue, 0.2, 0.3), 1)
        )
    base = over(base, trees)
    snow, d = layer(s)
    for _ in range(int(rng.integers(250, 400))):
        x, y, r = rng.uniform(0, 1) * s, rng.uniform(0, 1) * s, s * rng.uniform(0.002, 0.007)
        d.ellipse([x - r, y - r, x + r, y + r], fill=alpha((255, 255, 255), rng.uniform(0.5, 0.9)))
    return vignette(over(base, snow, blur=1), 0.5, hsv(hue, 0.4, 0.1))
