"""The calm scenes of the demo catalog (`kiosk.tools.demo_art.motifs`).

Each takes a seeded generator and a side `s` in pixels and returns an RGBA image:
`waves` (horizon); `stones` (close-up); `mist_hills` (horizon); `lily_pond`
(pattern); `zen_garden` (pattern); `moon_lake` (horizon); `bamboo` (close-up);
`clouds` (wide).
"""

from __future__ import annotations

import math

import numpy as np
from PIL import Image, ImageFilter

from kiosk.tools.demo_art.paint import (
    alpha,
    gradient,
    hsv,
    jitter,
    layer,
    over,
    to_image,
    vignette,
)
from kiosk.tools.demo_art.shapes import (
    blob,
    glow,
    ridge,
    scatter,
)


def waves(rng: np.random.Generator, s: int) -> Image.Image:
    """Calm, horizon: pastel waves under a soft sun."""
    top = hsv(rng.uniform(200, 280), 0.22, 0.97)
    mid = hsv(rng.uniform(10, 40), 0.22, 1.0)
    low = hsv(rng.uniform(150, 190), 0.25, 0.92)
    base = to_image(gradient(s, [(0.0, top), (0.55, mid), (1.0, low)], angle=rng.uniform(80, 100)))
    # A soft sun.
    sx, sy, r = rng.uniform(0.2, 0.8) * s, rng.uniform(0.2, 0.45) * s, rng.uniform(0.07, 0.12) * s
    sun, d = layer(s)
    sun_color = hsv(rng.uniform(15, 45), 0.4, 1.0)
    d.ellipse([sx - 1.8 * r, sy - 1.8 * r, sx + 1.8 * r, sy + 1.8 * r], fill=alpha(sun_color, 0.25))
    base = over(base, sun, blur=r * 0.6)
    sun, d = layer(s)
    d.ellipse([sx - r, sy - r, sx + r, sy + r], fill=alpha(sun_color, 0.95))
    base = over(base, sun, blur=r * 0.06)
    # A couple of long soft clouds.
    clouds, d = layer(s)
    for _ in range(int(rng.integers(2, 4))):
        cx, cy = rng.uniform(0, 1) * s, rng.uniform(0.1, 0.45) * s
        w, h = rng.uniform(0.25, 0.5) * s, rng.uniform(0.03, 0.06) * s
        d.ellipse([cx - w, cy - h, cx + w, cy + h], fill=alpha((255, 255, 255), 0.35))
    base = over(base, clouds, blur=s * 0.02)
    # Gentle layered waves, lighter and slower towards the back.
    n = int(rng.integers(4, 7))
    wave_hue = rng.uniform(170, 215)
    for k in range(n):
        waves, d = layer(s)
        y0 = s * (0.55 + 0.4 * k / n)
        amp = s * rng.uniform(0.012, 0.03) * (1 + k / n)
        freq, ph = rng.uniform(0.8, 1.8), rng.uniform(0, 2 * math.pi)
        pts = [
            (x, y0 + amp * math.sin(2 * math.pi * freq * x / s + ph)) for x in range(0, s + 8, 8)
        ]
        color = hsv(wave_hue + 6 * k, 0.18 + 0.06 * k, 0.97 - 0.06 * k)
        d.polygon([*pts, (s, s), (0, s)], fill=alpha(color, 0.85))
        base = over(base, waves, blur=2)
    return base


def stones(rng: np.random.Generator, s: int) -> Image.Image:
    """Calm: a stack of smooth stones by still pastel water."""
    sky = hsv(rng.uniform(20, 60), 0.12, 0.98)
    water = hsv(rng.uniform(170, 210), 0.18, 0.9)
    line = rng.uniform(0.55, 0.7)
    base = to_image(
        gradient(
            s,
            [
                (0.0, sky),
                (line, hsv(rng.uniform(180, 220), 0.1, 0.97)),
                (line + 0.003, water),
                (1.0, jitter(rng, water, 10, 0.05)),
            ],
        )
    )
    rock, d = layer(s)
    x = rng.uniform(0.3, 0.7) * s
    y = (line + rng.uniform(0.12, 0.22)) * s
    for k in range(int(rng.integers(3, 7))):
        w = s * rng.uniform(0.08, 0.15) * (1 - 0.1 * k)
        h = w * rng.uniform(0.35, 0.5)
        shade = hsv(rng.uniform(20, 220), 0.08, rng.uniform(0.45, 0.75))
        d.ellipse([x - w, y - h * 2, x + w, y], fill=alpha(shade, 1))
        y -= h * 1.75
        x += rng.uniform(-0.01, 0.01) * s
    base = over(base, rock)
    reflection = rock.transpose(Image.Transpose.FLIP_TOP_BOTTOM).point(lambda v: v // 3)
    shift = int(2 * line * s - s)
    base.alpha_composite(reflection.filter(ImageFilter.GaussianBlur(s * 0.006)), (0, shift))
    return base


def mist_hills(rng: np.random.Generator, s: int) -> Image.Image:
    """Calm: layered misty mountain ranges fading into a pastel dawn."""
    hue = rng.uniform(0, 360)
    base = to_image(gradient(s, [(0.0, hsv(hue, 0.15, 0.98)), (1.0, hsv(hue + 40, 0.2, 0.95))]))
    n = int(rng.integers(4, 7))
    for k in range(n):
        hills, d = layer(s)
        y0 = s * (0.35 + 0.55 * k / n)
        amp = s * rng.uniform(0.04, 0.1)
        f1, f2, p1, p2 = rng.uniform(1, 3), rng.uniform(3, 7), rng.uniform(0, 6), rng.uniform(0, 6)
        pts = [
            (
                x,
                y0
                - amp
                * (math.sin(f1 * x / s * 6.28 + p1) * 0.7 + math.sin(f2 * x / s * 6.28 + p2) * 0.3),
            )
            for x in range(0, s + 8, 8)
        ]
        color = hsv(hue + 25 + 8 * k, 0.12 + 0.07 * k, 0.92 - 0.1 * k)
        d.polygon([*pts, (s, s), (0, s)], fill=alpha(color, 1))
        base = over(base, hills, blur=s * 0.004 * (n - k))
    return base


def lily_pond(rng: np.random.Generator, s: int) -> Image.Image:
    """Calm: lily pads and a few blossoms on a still pond, seen from above."""
    hue = rng.uniform(160, 200)
    base = to_image(
        gradient(
            s,
            [(0.0, hsv(hue, 0.3, 0.75)), (1.0, hsv(hue + 15, 0.35, 0.6))],
            center=(rng.uniform(0.3, 0.7), rng.uniform(0.3, 0.7)),
        )
    )
    ripples, d = layer(s)
    for _ in range(int(rng.integers(2, 5))):
        x, y = rng.uniform(0.1, 0.9) * s, rng.uniform(0.1, 0.9) * s
        for k in range(1, 5):
            r = s * 0.03 * k
            d.ellipse(
                [x - r, y - r, x + r, y + r],
                outline=alpha((255, 255, 255), 0.25 - 0.05 * k),
                width=3,
            )
    base = over(base, ripples, blur=1)
    pads, d = layer(s)
    for _ in range(int(rng.integers(5, 11))):
        x, y, r = rng.uniform(0, 1) * s, rng.uniform(0, 1) * s, s * rng.uniform(0.05, 0.1)
        a = rng.uniform(0, 360)
        d.pieslice(
            [x - r, y - r, x + r, y + r],
            a + 25,
            a + 360,
            fill=alpha(hsv(rng.uniform(95, 130), 0.45, 0.65), 1),
        )
        if rng.random() < 0.4:
            for i in range(8):
                b = 2 * math.pi * i / 8
                px, py = x + r * 0.3 * math.cos(b), y + r * 0.3 * math.sin(b)
                d.ellipse(
                    [px - r * 0.22, py - r * 0.22, px + r * 0.22, py + r * 0.22],
                    fill=alpha(hsv(rng.uniform(320, 350), 0.25, 1.0), 1),
                )
    return over(base, pads, blur=0.6)


def zen_garden(rng: np.random.Generator, s: int) -> Image.Image:
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
