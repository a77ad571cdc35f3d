"""The sad scenes of the demo catalog (`kiosk.tools.demo_art.motifs`).

Each takes a seeded generator and a side `s` in pixels and returns an RGBA image:
`rain_sea` (horizon); `rainy_window` (close-up); `bare_tree` (wide); `umbrella`
(wide); `wilted` (close-up); `leaves` (pattern); `bench` (wide); `snow_cabin`
(horizon).
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
)


def rain_sea(rng: np.random.Generator, s: int) -> Image.Image:
    """Sad: rain over a flat sea under a pale low moon."""
    hue = rng.uniform(205, 225)
    horizon = rng.uniform(0.66, 0.8)
    sky = gradient(
        s,
        [
            (0.0, hsv(hue, 0.35, 0.32)),
            (horizon, hsv(hue - 5, 0.2, 0.62)),
            (1.0, hsv(hue, 0.3, 0.25)),
        ],
    )
    base = to_image(sky)
    # A pale moon low in the sky, with a blurred halo and its reflection.
    mx, my, mr = rng.uniform(0.2, 0.8) * s, (horizon - rng.uniform(0.12, 0.25)) * s, s * 0.05
    halo, d = layer(s)
    d.ellipse(
        [mx - 3 * mr, my - 3 * mr, mx + 3 * mr, my + 3 * mr], fill=alpha(hsv(hue, 0.1, 0.9), 0.25)
    )
    base = over(base, halo, blur=mr)
    moon, d = layer(s)
    d.ellipse([mx - mr, my - mr, mx + mr, my + mr], fill=alpha(hsv(hue, 0.08, 0.88), 0.9))
    base = over(base, moon, blur=2)
    # Low horizon: a flat sea with faint lines and the moon's broken reflection.
    sea, d = layer(s)
    hy = horizon * s
    d.rectangle([0, hy, s, s], fill=alpha(hsv(hue + 5, 0.35, 0.28), 1.0))
    for _ in range(40):
        y = rng.uniform(hy + 4, s)
        w = rng.uniform(0.05, 0.25) * s * (y - hy) / (s - hy)
        x = mx + rng.normal(0, s * 0.02)
        d.line([(x - w / 2, y), (x + w / 2, y)], fill=alpha(hsv(hue, 0.08, 0.8), 0.35), width=3)
    for _ in range(60):
        y = rng.uniform(hy, s)
        x = rng.uniform(0, s)
        d.line(
            [(x, y), (x + rng.uniform(20, 120), y)], fill=alpha(hsv(hue, 0.25, 0.45), 0.3), width=2
        )
    base = over(base, sea, blur=1.5)
    # Hills far away, on the horizon.
    hills, d = layer(s)
    pts = [
        (x, hy - s * 0.03 * (1 + math.sin(x / s * 7 + rng.uniform(0, 6))) * rng.uniform(0.6, 1))
        for x in range(0, s + 16, 16)
    ]
    d.polygon([*pts, (s, hy + 2), (0, hy + 2)], fill=alpha(hsv(hue + 10, 0.3, 0.3), 0.9))
    base = over(base, hills, blur=2)
    # Falling rain: long thin slanted streaks.
    rain, d = layer(s)
    slant = rng.uniform(-0.25, 0.1)
    for _ in range(int(rng.integers(220, 380))):
        x, y = rng.uniform(-0.2, 1.1) * s, rng.uniform(-0.1, 1.0) * s
        ln = rng.uniform(0.04, 0.12) * s
        d.line(
            [(x, y), (x + slant * ln, y + ln)],
            fill=alpha(hsv(hue, 0.08, 0.9), rng.uniform(0.2, 0.5)),
            width=3,
        )
    base = over(base, rain, blur=1)
    return vignette(base, 0.45, hsv(hue, 0.5, 0.1))


def rainy_window(rng: np.random.Generator, s: int) -> Image.Image:
    """Sad, variant: blurred city lights behind a window pane covered in raindrops."""
    hue = rng.uniform(200, 230)
    base = to_image(gradient(s, [(0.0, hsv(hue, 0.35, 0.3)), (1.0, hsv(hue + 10, 0.3, 0.18))]))
    bokeh, d = layer(s)
    for _ in range(int(rng.integers(25, 45))):
        x, y = rng.uniform(0, 1) * s, rng.uniform(0.3, 1.0) * s
        r = rng.uniform(0.02, 0.07) * s
        warm = rng.random() < 0.2
        color = hsv(
            rng.uniform(30, 45) if warm else hue + rng.uniform(-15, 15),
            0.35 if warm else 0.2,
            rng.uniform(0.45, 0.75),
        )
        d.ellipse([x - r, y - r, x + r, y + r], fill=alpha(color, rng.uniform(0.25, 0.55)))
    base = over(base, bokeh, blur=s * 0.012)
    drops, d = layer(s)
    for _ in range(int(rng.integers(70, 120))):
        x, y = rng.uniform(0, 1) * s, rng.uniform(0, 1) * s
        r = s * rng.uniform(0.004, 0.014)
        if rng.random() < 0.3:  # a drop running down, leaving a trail
            d.line(
                [(x, y - r * rng.uniform(4, 14)), (x, y)],
                fill=alpha(hsv(hue, 0.1, 0.8), 0.18),
                width=max(2, int(r * 0.8)),
            )
        d.ellipse([x - r, y - r * 1.1, x + r, y + r * 1.1], fill=alpha(hsv(hue, 0.3, 0.15), 0.55))
        d.ellipse(
            [x - r * 0.75, y - r * 0.85, x + r * 0.6, y + r * 0.7],
            fill=alpha(hsv(hue, 0.15, 0.55), 0.6),
        )
        d.ellipse(
            [x - r * 0.45, y - r * 0.6, x - r * 0.05, y - r * 0.2], fill=alpha((235, 240, 250), 0.7)
        )
    base = over(base, drops, blur=1)
    return vignette(base, 0.6, hsv(hue, 0.5, 0.08))


def bare_tree(rng: np.random.Generator, s: int) -> Image.Image:
    """Sad: a lone leafless tree on a grey field, leaves drifting down."""
    hue = rng.uniform(195, 240)
    ground = rng.uniform(0.68, 0.82)
    base = to_image(
        gradient(
            s,
            [
                (0.0, hsv(hue, 0.12, rng.uniform(0.55, 0.75))),
                (ground, hsv(hue, 0.08, 0.8)),
                (ground + 0.005, hsv(hue + 20, 0.15, 0.45)),
                (1.0, hsv(hue + 20, 0.2, 0.3)),
            ],
        )
    )
    tree, d = layer(s)
    x0 = rng.uniform(0.25, 0.75) * s

    def limb(x: float, y: float, a: float, ln: float, w: float, depth: int) -> None:
        if depth == 0:
            return
        x1, y1 = x + ln * math.cos(a), y + ln * math.sin(a)
        d.line([(x, y), (x1, y1)], fill=alpha(hsv(hue, 0.15, 0.18), 1), width=max(2, int(w)))
        for _ in range(2):
            limb(
                x1, y1, a + rng.uniform(-0.6, 0.6), ln * rng.uniform(0.6, 0.8), w * 0.66, depth - 1
            )

    limb(
        x0,
        ground * s,
        -math.pi / 2 + rng.uniform(-0.15, 0.15),
        s * rng.uniform(0.16, 0.24),
        s * 0.03,
        8,
    )
    base = over(base, tree, blur=0.6)
    leaves, d = layer(s)
    for _ in range(int(rng.integers(10, 30))):
        x, y, r = rng.uniform(0, 1) * s, rng.uniform(0.1, 1.0) * s, s * rng.uniform(0.006, 0.012)
        d.ellipse(
            [x - r, y - r * 0.5, x + r, y + r * 0.5],
            fill=alpha(hsv(rng.uniform(20, 40), 0.35, 0.5), 0.9),
        )
    base = over(base, leaves)
    return vignette(base, 0.5, hsv(hue, 0.3, 0.2))


def umbrella(rng: np.random.Generator, s: int) -> Image.Image:
    """Sad: a single umbrella on a wet night street, lamps reflected in puddles."""
    hue = rng.uniform(200, 235)
    base = to_image(
        gradient(
            s, [(0.0, hsv(hue, 0.4, 0.12)), (0.55, hsv(hue, 0.3, 0.3)), (1.0, hsv(hue, 0.35, 0.15))]
        )
    )
    lamps, d = layer(s)
    for _ in range(int(rng.integers(2, 5))):
        x, y = rng.uniform(0.05, 0.95) * s, rng.uniform(0.15, 0.45) * s
        r = s * 0.04
        d.ellipse([x - r, y - r, x + r, y + r], fill=alpha(hsv(40, 0.35, 0.8), 0.7))
        d.rectangle(
            [x - r * 0.6, 1.1 * s - y - r * 3, x + r * 0.6, 1.1 * s - y + r * 3],
            fill=alpha(hsv(40, 0.3, 0.6), 0.3),
        )
    base = over(base, lamps, blur=s * 0.02)
    fig, d = layer(s)
    x, y, r = rng.uniform(0.3, 0.7) * s, rng.uniform(0.45, 0.6) * s, s * rng.uniform(0.1, 0.15)
    canopy = hsv(hue + rng.uniform(-20, 20), 0.3, 0.35)
    d.pieslice([x - r, y - r * 0.8, x + r, y + r * 0.8], 180, 360, fill=alpha(canopy, 1))
    d.line([(x, y), (x, y + r * 1.2)], fill=alpha((20, 20, 25), 1), width=max(3, int(s * 0.004)))
    d.rectangle([x - r * 0.25, y + r * 0.1, x + r * 0.25, y + r * 1.9], fill=alpha((15, 15, 22), 1))
    d.ellipse([x - r * 0.16, y - r * 0.05, x + r * 0.16, y + r * 0.27], fill=alpha((15, 15, 22), 1))
    base = over(base, fig)
    rain, d = layer(s)
    for _ in range(int(rng.integers(150, 260))):
        px, py, ln = rng.uniform(0, 1) * s, rng.uniform(0, 1) * s, rng.uniform(0.02, 0.06) * s
        d.line([(px, py), (px - ln * 0.15, py + ln)], fill=alpha(hsv(hue, 0.1, 0.85), 0.3), width=2)
    return vignette(over(base, rain, blur=0.8), 0.7, (0, 0, 5))


def wilted(rng: np.random.Generator, s: int) -> Image.Image:
    """Sad: a drooping flower in a glass on a muted grey-blue table."""
    hue = rng.uniform(190, 250)
    table = rng.uniform(0.65, 0.78)
    base = to_image(
        gradient(
            s,
            [
                (0.0, hsv(hue, 0.1, 0.6)),
                (table, hsv(hue, 0.12, 0.45)),
                (table + 0.005, hsv(hue + 10, 0.18, 0.35)),
                (1.0, hsv(hue + 10, 0.2, 0.22)),
            ],
            angle=rng.uniform(80, 100),
        )
    )
    art, d = layer(s)
    x = rng.uniform(0.3, 0.7) * s
    w, h = s * rng.uniform(0.06, 0.1), s * rng.uniform(0.18, 0.26)
    bottom = table * s + s * 0.05
    d.rectangle(
        [x - w, bottom - h, x + w, bottom],
        fill=alpha(hsv(hue, 0.05, 0.85), 0.35),
        outline=alpha(hsv(hue, 0.05, 0.95), 0.6),
        width=3,
    )
    top = (x, bottom - h)
    bend = rng.uniform(0.6, 1.0) * float(rng.choice([-1, 1]))
    pts = [
        (
            x + bend * s * 0.18 * math.sin(t / 20 * math.pi / 2) ** 2,
            top[1] - s * 0.25 * math.sin(t / 20 * math.pi * 0.75),
        )
        for t in range(21)
    ]
    d.line([(x, bottom), *pts], fill=alpha(hsv(90, 0.3, 0.35), 1), width=max(3, int(s * 0.006)))
    hx, hy = pts[-1]
    petal = hsv(rng.uniform(320, 360), 0.3, 0.55)
    for i in range(6):
        a = math.pi / 2 + (i - 2.5) * 0.35
        d.ellipse(
            [
                hx + math.cos(a) * s * 0.03 - s * 0.02,
                hy + math.sin(a) * s * 0.04 - s * 0.02,
                hx + math.cos(a) * s * 0.03 + s * 0.02,
                hy + math.sin(a) * s * 0.04 + s * 0.035,
            ],
            fill=alpha(petal, 1),
        )
    for _ in range(int(rng.integers(2, 5))):
        px, py = hx + rng.uniform(-0.08, 0.08) * s, rng.uniform(table - 0.02, table + 0.1) * s
        d.ellipse(
            [px - s * 0.015, py - s * 0.006, px + s * 0.015, py + s * 0.006], fill=alpha(petal, 0.9)
        )
    return vignette(over(base, art, blur=0.6), 0.6, hsv(hue, 0.3, 0.15))


def leaves(rng: np.random.Generator, s: int) -> Image.Image:
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


def bench(rng: np.random.Generator, s: int) -> Image.Image:
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


def snow_cabin(rng: np.random.Generator, s: int) -> Image.Image:
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
