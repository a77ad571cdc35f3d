"""The angry scenes of the demo catalog (`kiosk.tools.demo_art.motifs`).

Each takes a seeded generator and a side `s` in pixels and returns an RGBA image:
`shatter` (close-up); `volcano` (wide); `flames` (pattern); `lightning` (wide);
`lava_cracks` (pattern); `scribble` (close-up); `red_sea` (horizon); `thorns`
(close-up).
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
    ridge,
    wander,
)


def shatter(rng: np.random.Generator, s: int) -> Image.Image:
    """Angry, close-up: jagged shards flung out of a hot core, cracks of light."""
    cx, cy = rng.uniform(0.3, 0.7), rng.uniform(0.35, 0.65)
    bg = gradient(
        s,
        [(0.0, hsv(rng.uniform(0, 8), 0.95, 0.55)), (0.35, hsv(355, 0.95, 0.25)), (1.0, (8, 2, 4))],
        center=(cx, cy),
    )
    base = to_image(bg)
    px, py = cx * s, cy * s
    # A hot core.
    core, d = layer(s)
    d.ellipse(
        [px - s * 0.1, py - s * 0.1, px + s * 0.1, py + s * 0.1], fill=alpha(hsv(25, 0.9, 1.0), 0.8)
    )
    base = over(base, core, blur=s * 0.05)
    # Jagged shards flung outward from the core.
    shards, d = layer(s)
    for _ in range(int(rng.integers(26, 44))):
        a = rng.uniform(0, 2 * math.pi)
        r0 = rng.uniform(0.05, 0.5) * s
        ln = rng.uniform(0.12, 0.45) * s
        wid = rng.uniform(0.02, 0.07) * s
        x0, y0 = px + r0 * math.cos(a), py + r0 * math.sin(a)
        tip = (x0 + ln * math.cos(a), y0 + ln * math.sin(a))
        side = (math.cos(a + math.pi / 2) * wid, math.sin(a + math.pi / 2) * wid)
        kink = rng.uniform(0.3, 0.7)
        mid = (
            x0 + ln * kink * math.cos(a) + side[0] * rng.uniform(0.5, 1.5),
            y0 + ln * kink * math.sin(a) + side[1] * rng.uniform(0.5, 1.5),
        )
        back = (x0 - side[0] * 0.6, y0 - side[1] * 0.6)
        shade = rng.random()
        if shade < 0.45:
            color = hsv(rng.uniform(352, 368), 0.9, rng.uniform(0.55, 0.95))
        elif shade < 0.75:
            color = hsv(0, 0.0, rng.uniform(0.02, 0.1))
        else:
            color = hsv(rng.uniform(10, 30), 0.95, 1.0)
        d.polygon(
            [back, mid, tip, (x0 + side[0] * 0.3, y0 + side[1] * 0.3)],
            fill=alpha(color, rng.uniform(0.75, 1.0)),
        )
    base = over(base, shards)
    # Zigzag cracks of light.
    cracks, d = layer(s)
    for _ in range(int(rng.integers(3, 6))):
        a = rng.uniform(0, 2 * math.pi)
        x, y = px, py
        pts = [(x, y)]
        for _ in range(int(rng.integers(6, 11))):
            a += rng.uniform(-0.9, 0.9)
            step = rng.uniform(0.04, 0.1) * s
            x, y = x + step * math.cos(a), y + step * math.sin(a)
            pts.append((x, y))
        d.line(
            pts,
            fill=alpha(hsv(rng.uniform(30, 50), 0.7, 1.0), 0.95),
            width=int(s * rng.uniform(0.005, 0.009)),
        )
    base = over(over(base, cracks, blur=s * 0.012), cracks)
    return vignette(base, 0.8, (0, 0, 0), power=2.5)


def volcano(rng: np.random.Generator, s: int) -> Image.Image:
    """Angry: an erupting volcano against a smoky red sky, lava running down."""
    base = to_image(
        gradient(
            s,
            [
                (0.0, (20, 5, 5)),
                (rng.uniform(0.35, 0.65), hsv(rng.uniform(-15, 30), 0.9, rng.uniform(0.3, 0.6))),
                (1.0, (15, 5, 5)),
            ],
        )
    )
    smoke, d = layer(s)
    peak = (rng.uniform(0.35, 0.65) * s, rng.uniform(0.35, 0.5) * s)
    for _ in range(30):
        r = s * rng.uniform(0.05, 0.14)
        x, y = peak[0] + rng.normal(0, 0.12) * s, peak[1] - rng.uniform(0.05, 0.4) * s
        d.ellipse([x - r, y - r, x + r, y + r], fill=alpha((35, 25, 25), 0.5))
    base = over(base, smoke, blur=s * 0.02)
    mountain, d = layer(s)
    w = rng.uniform(0.45, 0.7) * s
    d.polygon(
        [
            (peak[0] - w, s),
            (peak[0] - s * 0.05, peak[1]),
            (peak[0] + s * 0.05, peak[1]),
            (peak[0] + w, s),
        ],
        fill=alpha((18, 10, 10), 1),
    )
    for _ in range(int(rng.integers(3, 7))):
        x, y = peak[0] + rng.uniform(-0.04, 0.04) * s, peak[1]
        pts = [(x, y)]
        for _ in range(14):
            x += rng.uniform(-0.03, 0.03) * s
            y += (s - peak[1]) / 14
            pts.append((x, y))
        d.line(pts, fill=alpha(hsv(rng.uniform(10, 35), 1.0, 1.0), 1), width=int(s * 0.008))
    base = over(over(base, mountain, blur=s * 0.01), mountain)
    sparks, d = layer(s)
    for _ in range(int(rng.integers(40, 90))):
        a = rng.uniform(-math.pi * 0.9, -math.pi * 0.1)
        rr = rng.uniform(0.02, 0.3) * s
        x, y = peak[0] + rr * math.cos(a), peak[1] + rr * math.sin(a)
        r = s * rng.uniform(0.004, 0.01)
        d.ellipse([x - r, y - r, x + r, y + r], fill=alpha(hsv(rng.uniform(15, 45), 0.9, 1.0), 1))
    return vignette(over(base, sparks), 0.6)


def flames(rng: np.random.Generator, s: int) -> Image.Image:
    """Angry: tongues of fire rising from the bottom into black."""
    base = to_image(
        gradient(
            s, [(0.0, (4, 2, 2)), (0.6, (30, 4, 4)), (1.0, hsv(rng.uniform(0, 12), 0.95, 0.7))]
        )
    )
    for layer_no, (hue, val) in enumerate(((0, 0.75), (18, 0.95), (42, 1.0))):
        fire, d = layer(s)
        for _ in range(int(rng.integers(5, 10))):
            x = rng.uniform(-0.05, 1.05) * s
            h = rng.uniform(0.35, 0.85) * s * (1 - 0.25 * layer_no)
            w = rng.uniform(0.06, 0.14) * s
            sway = rng.uniform(-0.1, 0.1) * s
            pts = [(x - w, s)]
            for t in np.linspace(0, 1, 12):
                pts.append(
                    (x - w * (1 - t) + sway * t * t + s * 0.015 * math.sin(t * 9), s - h * t)
                )
            for t in np.linspace(1, 0, 12):
                pts.append((x + w * (1 - t) + sway * t * t, s - h * t))
            d.polygon(pts, fill=alpha(hsv(hue + rng.uniform(-5, 5), 0.95, val), 0.9))
        base = over(base, fire, blur=s * 0.006)
    return vignette(base, 0.7, power=2.2)


def lightning(rng: np.random.Generator, s: int) -> Image.Image:
    """Angry: forked lightning out of heavy red-black clouds."""
    base = to_image(
        gradient(
            s,
            [(0.0, (10, 0, 2)), (1.0, hsv(rng.uniform(345, 365), 0.9, 0.35))],
            angle=rng.uniform(70, 110),
        )
    )
    clouds, d = layer(s)
    for _ in range(50):
        r = s * rng.uniform(0.06, 0.16)
        x, y = rng.uniform(-0.1, 1.1) * s, rng.uniform(-0.1, 0.35) * s
        d.ellipse(
            [x - r, y - r * 0.6, x + r, y + r * 0.6],
            fill=alpha(hsv(355, 0.6, rng.uniform(0.08, 0.25)), 0.8),
        )
    base = over(base, clouds, blur=s * 0.012)
    bolts, d = layer(s)
    for _ in range(int(rng.integers(1, 4))):
        x, y = rng.uniform(0.15, 0.85) * s, rng.uniform(0.15, 0.3) * s
        pts = [(x, y)]
        while y < s * rng.uniform(0.75, 1.0):
            x += rng.uniform(-0.06, 0.06) * s
            y += rng.uniform(0.04, 0.09) * s
            pts.append((x, y))
            if rng.random() < 0.25:
                bx, by = x, y
                branch = [(bx, by)]
                for _ in range(4):
                    bx += rng.uniform(-0.07, 0.07) * s
                    by += rng.uniform(0.03, 0.06) * s
                    branch.append((bx, by))
                d.line(branch, fill=alpha((255, 230, 220), 0.8), width=int(s * 0.004))
        d.line(pts, fill=alpha((255, 245, 240), 1), width=int(s * 0.014))
    return over(over(base, bolts, blur=s * 0.015), bolts)


def lava_cracks(rng: np.random.Generator, s: int) -> Image.Image:
    """Angry, pattern: scorched ground split by cracks glowing with lava."""
    hue = rng.uniform(0, 15)
    base = to_image(
        gradient(
            s,
            [(0.0, hsv(hue + 10, 0.6, 0.22)), (1.0, hsv(hue, 0.7, 0.12))],
            center=(rng.uniform(0.3, 0.7), rng.uniform(0.3, 0.7)),
        )
    )
    cracks, d = layer(s)
    for _ in range(int(rng.integers(9, 15))):
        start = (rng.uniform(0, 1) * s, rng.uniform(0, 1) * s)
        path = wander(
            rng,
            start,
            rng.uniform(0, 2 * math.pi),
            int(rng.integers(8, 16)),
            s * rng.uniform(0.03, 0.06),
            0.5,
        )
        width = int(s * rng.uniform(0.008, 0.018))
        d.line(
            path, fill=alpha(hsv(hue + rng.uniform(5, 30), 1.0, 1.0), 1), width=width, joint="curve"
        )
        for _ in range(2):
            k = int(rng.integers(1, len(path)))
            branch = wander(rng, path[k], rng.uniform(0, 2 * math.pi), 4, s * 0.03, 0.6)
            d.line(branch, fill=alpha(hsv(hue + 20, 1.0, 1.0), 0.9), width=max(2, width // 2))
    base = over(over(base, cracks, blur=s * 0.012), cracks, blur=s * 0.002)
    return vignette(base, 0.7, (0, 0, 0))


def scribble(rng: np.random.Generator, s: int) -> Image.Image:
    """Angry, close-up: a furious tangle of black and red scribbles on crumpled paper."""
    paper = hsv(rng.uniform(30, 50), rng.uniform(0.05, 0.15), 0.93)
    base = to_image(
        gradient(s, [(0.0, paper), (1.0, hsv(35, 0.15, 0.8))], angle=rng.uniform(0, 180))
    )
    folds, d = layer(s)
    for _ in range(6):
        x0, y0, x1, y1 = (rng.uniform(-0.2, 1.2) * s for _ in range(4))
        d.line([(x0, y0), (x1, y1)], fill=alpha((120, 110, 100), 0.15), width=int(s * 0.01))
    base = over(base, folds, blur=s * 0.01)
    cx, cy = rng.uniform(0.35, 0.65) * s, rng.uniform(0.35, 0.65) * s
    for color, width, loops in (((25, 20, 20), 0.007, 90), (hsv(358, 0.9, 0.8), 0.011, 45)):
        ink, d = layer(s)
        pts = []
        for _ in range(loops):
            pts.append((cx + rng.normal(0, 0.17) * s, cy + rng.normal(0, 0.15) * s))
        d.line(curve(pts, steps=6), fill=alpha(color, 0.9), width=int(s * width), joint="curve")
        base = over(base, ink, blur=1)
    return vignette(base, 0.35, hsv(20, 0.4, 0.3))


def red_sea(rng: np.random.Generator, s: int) -> Image.Image:
    """Angry, horizon: a raging sea of heavy swells and flying spray under a blood-red sky."""
    hue = rng.uniform(350, 370)
    horizon = rng.uniform(0.35, 0.5)
    base = to_image(
        gradient(s, [(0.0, (15, 2, 4)), (horizon, hsv(hue + 18, 0.95, 0.9)), (1.0, (10, 2, 4))])
    )
    clouds, d = layer(s)
    for _ in range(22):
        x, y = rng.uniform(-0.1, 1.1) * s, rng.uniform(-0.05, horizon * 0.75) * s
        blob(d, rng, x, y, s * rng.uniform(0.06, 0.15), hsv(hue, 0.7, 0.16), 0.8, squash=0.45)
    base = over(base, clouds, blur=s * 0.01)
    for k in range(5):
        waves, d = layer(s)
        level = horizon + 0.04 + 0.13 * k
        pts = ridge(
            rng,
            s,
            level,
            0.02 + 0.012 * k,
            rough=0.002 + 0.001 * k,
            waves=rng.uniform(1.5, 3.0) - 0.2 * k,
        )
        fill_below(d, s, pts, hsv(hue - 5, 0.75, 0.1 + 0.05 * k))
        d.line(pts, fill=alpha(hsv(hue + 25, 0.35, 0.95), 0.85), width=max(2, int(s * 0.004 * k)))
        crests = sorted(pts, key=lambda p: p[1])[: 3 + k]
        for x, y in crests:
            for _ in range(8 + 4 * k):
                a = rng.uniform(-math.pi, 0)
                r = rng.uniform(0.005, 0.05 + 0.015 * k) * s
                dot = s * rng.uniform(0.002, 0.006)
                sx, sy = x + r * math.cos(a), y + r * math.sin(a)
                d.ellipse(
                    [sx - dot, sy - dot, sx + dot, sy + dot],
                    fill=alpha(hsv(hue + 25, 0.3, 1.0), 0.8),
                )
        base = over(base, waves, blur=1)
    return vignette(base, 0.6)


def thorns(rng: np.random.Generator, s: int) -> Image.Image:
    """Angry, close-up: black thorny vines across a hot red glow."""
    hue = rng.uniform(350, 375)
    base = to_image(
        gradient(
            s,
            [(0.0, hsv(hue + 15, 0.9, 0.95)), (0.6, hsv(hue, 0.95, 0.5)), (1.0, (20, 2, 4))],
            center=(rng.uniform(0.3, 0.7), rng.uniform(0.3, 0.7)),
        )
    )
    vines, d = layer(s)
    for _ in range(int(rng.integers(3, 6))):
        side = int(rng.integers(4))
        start = [
            (0.0, rng.uniform(0, 1) * s),
            (s, rng.uniform(0, 1) * s),
            (rng.uniform(0, 1) * s, 0.0),
            (rng.uniform(0, 1) * s, float(s)),
        ][side]
        heading = [0, math.pi, math.pi / 2, -math.pi / 2][side] + rng.uniform(-0.5, 0.5)
        path = curve(wander(rng, start, heading, 8, s * 0.14, 0.35), steps=8)
        width = s * rng.uniform(0.012, 0.022)
        d.line(path, fill=alpha((12, 4, 6), 1), width=int(width), joint="curve")
        for i in range(4, len(path) - 1, 5):
            (x0, y0), (x1, y1) = path[i], path[i + 1]
            a = math.atan2(y1 - y0, x1 - x0) + float(rng.choice([-1, 1])) * math.pi / 2.6
            length = s * rng.uniform(0.03, 0.05)
            normal = (
                math.cos(a + math.pi / 2) * width * 0.6,
                math.sin(a + math.pi / 2) * width * 0.6,
            )
            d.polygon(
                [
                    (x0 + normal[0], y0 + normal[1]),
                    (x0 - normal[0], y0 - normal[1]),
                    (x0 + length * math.cos(a), y0 + length * math.sin(a)),
                ],
                fill=alpha((12, 4, 6), 1),
            )
    return vignette(over(base, vines), 0.5)
