"""The surprised scenes of the demo catalog (`kiosk.tools.demo_art.motifs`).

Each takes a seeded generator and a side `s` in pixels and returns an RGBA image:
`burst` (close-up); `fireworks` (horizon); `gift` (close-up); `exclamation` (close-
up); `rocket` (wide); `popcorn` (close-up); `bubbles` (pattern); `shooting_stars`
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
    jitter,
    layer,
    over,
    to_image,
)
from kiosk.tools.demo_art.shapes import (
    blob,
    fill_below,
    ridge,
    scatter,
    star,
)


def burst(rng: np.random.Generator, s: int) -> Image.Image:
    """Surprised, close-up: a spiky burst with speed lines and confetti."""
    bg_hue = float(rng.choice([275, 200, 330, 230, 170, 15])) + rng.uniform(-10, 10)
    cx, cy = rng.uniform(0.3, 0.7), rng.uniform(0.3, 0.7)
    base = to_image(
        gradient(
            s,
            [
                (0.0, hsv(bg_hue, 0.6, 0.95)),
                (0.7, hsv(bg_hue + 20, 0.9, 0.45)),
                (1.0, hsv(bg_hue + 30, 0.95, 0.25)),
            ],
            center=(cx, cy),
        )
    )
    px, py = cx * s, cy * s
    # Speed lines rushing out of the centre.
    lines, d = layer(s)
    for _ in range(int(rng.integers(60, 100))):
        a = rng.uniform(0, 2 * math.pi)
        r0, r1 = rng.uniform(0.2, 0.45) * s, rng.uniform(0.6, 1.0) * s
        w = rng.uniform(0.003, 0.012) * s
        a0, a1 = a - w / r1, a + w / r1
        d.polygon(
            [
                (px + r0 * math.cos(a), py + r0 * math.sin(a)),
                (px + r1 * math.cos(a0), py + r1 * math.sin(a0)),
                (px + r1 * math.cos(a1), py + r1 * math.sin(a1)),
            ],
            fill=alpha((255, 255, 255), rng.uniform(0.25, 0.6)),
        )
    base = over(base, lines)
    if rng.random() < 0.5:  # pop rings around the burst
        rings, d = layer(s)
        for k in range(int(rng.integers(2, 4))):
            rr = s * (0.33 + 0.09 * k)
            d.ellipse(
                [px - rr, py - rr, px + rr, py + rr],
                outline=alpha((255, 255, 255), 0.55 - 0.12 * k),
                width=int(s * 0.008),
            )
        base = over(base, rings)
    # The burst: a spiky star with an outline and an inner star.
    burst, d = layer(s)
    spikes = int(rng.integers(10, 22))
    r_out, r_in = rng.uniform(0.2, 0.32) * s, rng.uniform(0.1, 0.16) * s
    rot = rng.uniform(0, 2 * math.pi)

    def star(ro: float, ri: float) -> list[tuple[float, float]]:
        pts = []
        for i in range(2 * spikes):
            rr = (ro * rng.uniform(0.85, 1.1)) if i % 2 == 0 else ri
            a = rot + math.pi * i / spikes
            pts.append((px + rr * math.cos(a), py + rr * math.sin(a)))
        return pts

    outer = star(r_out, r_in)
    d.polygon(outer, fill=alpha((20, 10, 30), 1.0))
    d.polygon(star(r_out * 0.93, r_in * 0.9), fill=alpha(hsv(rng.uniform(45, 58), 0.95, 1.0), 1))
    d.polygon(star(r_out * 0.55, r_in * 0.55), fill=alpha(hsv(rng.uniform(10, 30), 0.9, 1.0), 1))
    d.ellipse(
        [px - r_in * 0.35, py - r_in * 0.35, px + r_in * 0.35, py + r_in * 0.35],
        fill=alpha((255, 255, 240), 1),
    )
    base = over(base, burst)
    # Confetti flung outward: rectangles and dots in vivid colours.
    confetti, d = layer(s)
    palette = [hsv(h, 0.85, 1.0) for h in (0, 50, 120, 190, 300, 30)]
    for _ in range(int(rng.integers(110, 170))):
        a = rng.uniform(0, 2 * math.pi)
        rr = (0.32 + abs(rng.normal(0, 0.22))) * s
        x, y = px + rr * math.cos(a), py + rr * math.sin(a)
        color = palette[int(rng.integers(len(palette)))]
        size = rng.uniform(0.008, 0.02) * s
        if rng.random() < 0.6:
            t = rng.uniform(0, math.pi)
            dx, dy = math.cos(t) * size, math.sin(t) * size
            ex, ey = -dy * 0.45, dx * 0.45
            d.polygon(
                [
                    (x - dx - ex, y - dy - ey),
                    (x + dx - ex, y + dy - ey),
                    (x + dx + ex, y + dy + ey),
                    (x - dx + ex, y - dy + ey),
                ],
                fill=alpha(color, 1),
            )
        else:
            d.ellipse(
                [x - size * 0.6, y - size * 0.6, x + size * 0.6, y + size * 0.6],
                fill=alpha(color, 1),
            )
    return over(base, confetti)


def fireworks(rng: np.random.Generator, s: int) -> Image.Image:
    """Surprised: fireworks bursting over a dark night sky and a skyline."""
    base = to_image(
        gradient(
            s,
            [
                (0.0, hsv(rng.uniform(230, 260), 0.8, 0.08)),
                (1.0, hsv(rng.uniform(250, 290), 0.7, 0.3)),
            ],
        )
    )
    sparks, d = layer(s)
    for _ in range(int(rng.integers(2, 5))):
        cx, cy = rng.uniform(0.15, 0.85) * s, rng.uniform(0.12, 0.55) * s
        r = s * rng.uniform(0.1, 0.22)
        color = hsv(rng.uniform(0, 360), 0.7, 1.0)
        for i in range(int(rng.integers(24, 40))):
            a = 2 * math.pi * i / 32 + rng.uniform(-0.05, 0.05)
            rr = r * rng.uniform(0.7, 1.0)
            d.line(
                [
                    (cx + rr * 0.25 * math.cos(a), cy + rr * 0.25 * math.sin(a)),
                    (cx + rr * math.cos(a), cy + rr * math.sin(a)),
                ],
                fill=alpha(color, 0.9),
                width=max(2, int(s * 0.003)),
            )
            d.ellipse(
                [
                    cx + rr * math.cos(a) - 4,
                    cy + rr * math.sin(a) - 4,
                    cx + rr * math.cos(a) + 4,
                    cy + rr * math.sin(a) + 4,
                ],
                fill=alpha((255, 255, 230), 1),
            )
    base = over(over(base, sparks, blur=s * 0.008), sparks)
    city, d = layer(s)
    x = 0.0
    while x < s:
        w, h = rng.uniform(0.04, 0.1) * s, rng.uniform(0.08, 0.25) * s
        d.rectangle([x, s - h, x + w, s], fill=alpha((8, 6, 16), 1))
        x += w
    return over(base, city)


def gift(rng: np.random.Generator, s: int) -> Image.Image:
    """Surprised: a gift box bursting open, streamers and stars flying out."""
    bg = float(rng.choice([190, 50, 300, 140])) + rng.uniform(-10, 10)
    base = to_image(
        gradient(
            s,
            [(0.0, hsv(bg, 0.5, 1.0)), (1.0, hsv(bg + 30, 0.7, 0.8))],
            center=(0.5, rng.uniform(0.5, 0.7)),
        )
    )
    art, d = layer(s)
    x, y, w = rng.uniform(0.35, 0.65) * s, rng.uniform(0.65, 0.8) * s, s * rng.uniform(0.12, 0.18)
    box = hsv(float(rng.choice([0, 220, 280, 120])), 0.85, 0.9)
    ribbon = hsv(50, 0.9, 1.0)
    for _ in range(int(rng.integers(8, 16))):
        a = rng.uniform(-math.pi * 0.95, -math.pi * 0.05)
        pts = [
            (
                x + t * s * 0.02 * math.cos(a) + math.sin(t * 0.8) * s * 0.02,
                y - w + t * s * 0.02 * math.sin(a),
            )
            for t in range(int(rng.integers(10, 24)))
        ]
        d.line(
            pts,
            fill=alpha(hsv(rng.uniform(0, 360), 0.8, 1.0), 1),
            width=int(s * 0.01),
            joint="curve",
        )
    for _ in range(int(rng.integers(6, 14))):
        a, rr = rng.uniform(-math.pi, 0), rng.uniform(0.15, 0.5) * s
        sx, sy, r = x + rr * math.cos(a), y - w + rr * math.sin(a), s * rng.uniform(0.015, 0.035)
        d.polygon(
            [
                (
                    sx + (r if i % 2 == 0 else r * 0.45) * math.cos(i * math.pi / 5 - math.pi / 2),
                    sy + (r if i % 2 == 0 else r * 0.45) * math.sin(i * math.pi / 5 - math.pi / 2),
                )
                for i in range(10)
            ],
            fill=alpha((255, 250, 200), 1),
        )
    d.rectangle([x - w, y - w, x + w, y + w * 0.6], fill=alpha(box, 1))
    d.rectangle([x - w * 0.15, y - w, x + w * 0.15, y + w * 0.6], fill=alpha(ribbon, 1))
    tilt = rng.uniform(-0.5, -0.2) * float(rng.choice([-1, 1]))
    lid = [
        (x - w * 1.1, y - w * 1.25),
        (x + w * 1.1, y - w * 1.25),
        (x + w * 1.1, y - w * 1.0),
        (x - w * 1.1, y - w * 1.0),
    ]
    cx, cy = x, y - w * 1.6
    lid = [
        (
            cx + (px - x) * math.cos(tilt) - (py - y + w * 1.12) * math.sin(tilt),
            cy + (px - x) * math.sin(tilt) + (py - y + w * 1.12) * math.cos(tilt),
        )
        for px, py in lid
    ]
    d.polygon(lid, fill=alpha(jitter(rng, box, 5, 0.05, 0.1), 1))
    return over(base, art)


def exclamation(rng: np.random.Generator, s: int) -> Image.Image:
    """Surprised: a pop-art halftone field with a big exclamation mark."""
    h1 = rng.uniform(0, 360)
    base = Image.new("RGBA", (s, s), alpha(hsv(h1, 0.8, 1.0), 1))
    dots, d = layer(s)
    step = s * rng.uniform(0.03, 0.05)
    cx, cy = rng.uniform(0.2, 0.8) * s, rng.uniform(0.2, 0.8) * s
    dot_color = hsv(h1 + rng.uniform(120, 240), 0.9, 0.9)
    for gy in np.arange(0, s + step, step):
        for gx in np.arange((gy / step % 2) * step / 2, s + step, step):
            r = step * 0.45 * (1 - min(1.0, math.hypot(gx - cx, gy - cy) / (0.8 * s)))
            if r > 1:
                d.ellipse([gx - r, gy - r, gx + r, gy + r], fill=alpha(dot_color, 1))
    base = over(base, dots)
    mark, d = layer(s)
    x, y, h = rng.uniform(0.3, 0.7) * s, rng.uniform(0.2, 0.35) * s, s * rng.uniform(0.35, 0.5)
    lean = rng.uniform(-0.15, 0.15) * s
    for off, col in ((s * 0.015, (20, 20, 20)), (0, (255, 255, 255))):
        d.polygon(
            [
                (x - h * 0.12 + off, y + off),
                (x + h * 0.12 + off, y + off),
                (x + h * 0.04 + lean + off, y + h * 0.7 + off),
                (x - h * 0.04 + lean + off, y + h * 0.7 + off),
            ],
            fill=alpha(col, 1),
        )
        bx, by = x + lean * 1.15 + off, y + h * 0.85 + off
        d.ellipse([bx - h * 0.07, by - h * 0.07, bx + h * 0.07, by + h * 0.07], fill=alpha(col, 1))
    return over(base, mark)


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
