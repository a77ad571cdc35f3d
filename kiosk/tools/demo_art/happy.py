"""The happy scenes of the demo catalog (`kiosk.tools.demo_art.motifs`).

Each takes a seeded generator and a side `s` in pixels and returns an RGBA image:
`sunburst` (horizon); `balloons` (wide); `meadow` (wide); `citrus` (close-up);
`kites` (wide); `sunflowers` (close-up); `rainbow` (horizon); `beach` (horizon).
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
    light_rays,
    over,
    smooth_path,
    to_image,
)
from kiosk.tools.demo_art.shapes import (
    blob,
    curve,
    fill_below,
    glow,
    ridge,
    scatter,
)


def sunburst(rng: np.random.Generator, s: int) -> Image.Image:
    """Happy: a sunburst over rolling hills, balls bouncing along arcs."""
    warm = rng.uniform(-12, 12)
    sky = gradient(
        s,
        [
            (0.0, hsv(48 + warm, 0.55, 1.0)),
            (0.55, hsv(32 + warm, 0.75, 1.0)),
            (1.0, hsv(10 + warm, 0.75, 0.97)),
        ],
        center=(cx := rng.uniform(0.25, 0.75), cy := rng.uniform(0.2, 0.45)),
    )
    base = to_image(sky)
    # Sunburst rays: alternating lighter wedges from the sun.
    n = int(rng.integers(14, 24))
    offset = rng.uniform(0, 2 * math.pi)
    sx, sy = cx * s, cy * s
    base = light_rays(base, sx, sy, n, offset, alpha(hsv(50 + warm, 0.35, 1.0), 0.28))
    # The sun with a glow.
    r = s * rng.uniform(0.09, 0.14)
    glow, d = layer(s)
    d.ellipse(
        [sx - 2.2 * r, sy - 2.2 * r, sx + 2.2 * r, sy + 2.2 * r],
        fill=alpha(hsv(55 + warm, 0.3, 1.0), 0.55),
    )
    base = over(base, glow, blur=r * 0.6)
    sun, d = layer(s)
    d.ellipse([sx - r, sy - r, sx + r, sy + r], fill=alpha(hsv(52 + warm, 0.25, 1.0), 1.0))
    base = over(base, sun)
    # Rolling hills at the bottom.
    hills, d = layer(s)
    for k in range(int(rng.integers(2, 4))):
        h0 = s * (0.78 + 0.07 * k)
        amp, freq, ph = s * rng.uniform(0.03, 0.07), rng.uniform(1.0, 2.2), rng.uniform(0, 6)
        pts = [
            (x, h0 + amp * math.sin(freq * 2 * math.pi * x / s + ph)) for x in range(0, s + 8, 8)
        ]
        green = hsv(95 + 25 * k + warm, 0.65, 0.8 - 0.08 * k)
        d.polygon([*pts, (s, s), (0, s)], fill=alpha(green, 1))
    base = over(base, hills)
    # Balls bouncing along arcs: a dotted trail of their hops, then the ball itself.
    balls, d = layer(s)
    lanes = rng.permutation(4)[: int(rng.integers(2, 4))]
    for lane in lanes:
        color = hsv(float(rng.choice([355, 190, 320, 280, 170, 20])) + rng.uniform(-8, 8), 0.8, 1.0)
        rad = s * rng.uniform(0.03, 0.055)
        ground = rng.uniform(0.8, 0.9) * s
        hop_len, hop_h = rng.uniform(0.1, 0.17) * s, rng.uniform(0.12, 0.3) * s
        hops = rng.uniform(2.2, 3.4)
        direction = float(rng.choice([-1, 1]))
        x0 = (0.08 + 0.08 * lane) * s if direction > 0 else (0.92 - 0.08 * lane) * s

        def at(
            t: float,
            x0: float = x0,
            step: float = direction * hop_len,
            hop_h: float = hop_h,
            top: float = ground - rad,
        ) -> tuple[float, float]:
            frac, k = t % 1.0, int(t)
            return x0 + step * t, top - hop_h * 0.75**k * 4 * frac * (1 - frac)

        for j in range(int(hops * 10)):
            tx, ty = at(j / 10)
            dot = rad * (0.1 + 0.14 * j / (hops * 10))
            d.ellipse(
                [tx - dot, ty - dot, tx + dot, ty + dot],
                fill=alpha((255, 255, 255), 0.2 + 0.5 * j / (hops * 10)),
            )
        bx, by = at(hops)
        shadow = rad * (1.0 - 0.5 * (ground - rad - by) / hop_h)
        d.ellipse(
            [bx - shadow, ground - shadow * 0.2, bx + shadow, ground + shadow * 0.2],
            fill=alpha((60, 90, 30), 0.35),
        )
        d.ellipse([bx - rad, by - rad, bx + rad, by + rad], fill=alpha(color, 1.0))
        d.ellipse(
            [bx - rad * 0.55, by - rad * 0.65, bx - rad * 0.05, by - rad * 0.2],
            fill=alpha((255, 255, 255), 0.75),
        )
    return over(base, balls)


def balloons(rng: np.random.Generator, s: int) -> Image.Image:
    """Happy, variant: balloons rising through a sunburst from a corner."""
    warm = rng.uniform(-15, 15)
    cx, cy = float(rng.choice([0.05, 0.95])), rng.uniform(0.0, 0.15)
    base = to_image(
        gradient(
            s,
            [
                (0.0, hsv(50 + warm, 0.45, 1.0)),
                (0.6, hsv(30 + warm, 0.7, 1.0)),
                (1.0, hsv(345 + warm, 0.55, 0.95)),
            ],
            center=(cx, cy),
        )
    )
    n = int(rng.integers(12, 20))
    base = light_rays(base, cx * s, cy * s, n, 0.0, alpha(hsv(48 + warm, 0.3, 1.0), 0.22))
    flock, d = layer(s)
    count = int(rng.integers(5, 10))
    for _ in range(count):
        rx = s * rng.uniform(0.045, 0.085)
        ry = rx * 1.2
        x = rng.uniform(0.12, 0.88) * s
        y = rng.uniform(0.15, 0.75) * s
        color = hsv(
            float(rng.choice([355, 20, 45, 190, 320, 280])) + rng.uniform(-8, 8),
            rng.uniform(0.7, 0.9),
            1.0,
        )
        sway = rng.uniform(-0.06, 0.06) * s
        string = [
            (x + sway * math.sin(t / 8) * (t / 40), y + ry + t * s * 0.006) for t in range(0, 41)
        ]
        d.line(string, fill=alpha((120, 80, 60), 0.7), width=max(2, int(s * 0.002)))
        knot = y + ry * 1.12
        d.polygon(
            [(x, y + ry * 0.95), (x - rx * 0.15, knot), (x + rx * 0.15, knot)], fill=alpha(color, 1)
        )
        d.ellipse([x - rx, y - ry, x + rx, y + ry], fill=alpha(color, 0.97))
        d.ellipse(
            [x - rx * 0.55, y - ry * 0.65, x - rx * 0.15, y - ry * 0.15],
            fill=alpha((255, 255, 255), 0.55),
        )
    base = over(base, flock)
    sparkle, d = layer(s)
    for _ in range(int(rng.integers(20, 40))):
        x, y, r = rng.uniform(0, 1) * s, rng.uniform(0, 1) * s, s * rng.uniform(0.002, 0.006)
        d.ellipse([x - r, y - r, x + r, y + r], fill=alpha((255, 255, 235), 0.8))
    return over(base, sparkle, blur=1)


def meadow(rng: np.random.Generator, s: int) -> Image.Image:
    """Happy: big daisies and tulips in a meadow under a bright sky."""
    sky = rng.uniform(190, 215)
    horizon = rng.uniform(0.35, 0.6)
    base = to_image(
        gradient(
            s,
            [
                (0.0, hsv(sky, 0.45, 1.0)),
                (horizon, hsv(sky - 20, 0.2, 1.0)),
                (horizon + 0.01, hsv(rng.uniform(85, 115), 0.7, 0.85)),
                (1.0, hsv(rng.uniform(95, 130), 0.8, 0.55)),
            ],
        )
    )
    petals, d = layer(s)
    n = int(rng.integers(7, 15))
    for _ in range(n):
        x, y = rng.uniform(0.05, 0.95) * s, rng.uniform(horizon + 0.05, 1.0) * s
        r = s * rng.uniform(0.03, 0.09) * (0.5 + (y / s - horizon))
        d.line(
            [(x, y), (x + rng.uniform(-0.02, 0.02) * s, s)],
            fill=alpha(hsv(110, 0.7, 0.45), 1),
            width=max(3, int(r * 0.12)),
        )
        petal = hsv(
            float(rng.choice([0, 50, 330, 30, 280, 55])) + rng.uniform(-8, 8),
            rng.uniform(0.0, 0.85),
            1.0,
        )
        k = int(rng.integers(6, 11))
        for i in range(k):
            a = 2 * math.pi * i / k
            px, py = x + r * 0.75 * math.cos(a), y + r * 0.75 * math.sin(a)
            d.ellipse(
                [px - r * 0.42, py - r * 0.42, px + r * 0.42, py + r * 0.42], fill=alpha(petal, 1)
            )
        d.ellipse(
            [x - r * 0.38, y - r * 0.38, x + r * 0.38, y + r * 0.38],
            fill=alpha(hsv(45, 0.9, 1.0), 1),
        )
    return over(base, petals)


def citrus(rng: np.random.Generator, s: int) -> Image.Image:
    """Happy: citrus slices scattered on a bright, flat background (seen from above)."""
    bg = hsv(float(rng.choice([175, 330, 200, 50])) + rng.uniform(-10, 10), 0.45, 0.98)
    base = Image.new("RGBA", (s, s), alpha(bg, 1))
    fruit, d = layer(s)
    for _ in range(int(rng.integers(6, 12))):
        x, y, r = rng.uniform(0, 1) * s, rng.uniform(0, 1) * s, s * rng.uniform(0.06, 0.13)
        hue = float(rng.choice([30, 52, 85, 10]))
        d.ellipse([x - r, y - r, x + r, y + r], fill=alpha(hsv(hue, 0.9, 0.95), 1))
        d.ellipse(
            [x - r * 0.88, y - r * 0.88, x + r * 0.88, y + r * 0.88],
            fill=alpha(hsv(hue + 5, 0.25, 1.0), 1),
        )
        rot = rng.uniform(0, 2 * math.pi)
        for i in range(10):
            a0, a1 = rot + 2 * math.pi * i / 10 + 0.05, rot + 2 * math.pi * (i + 1) / 10 - 0.05
            d.polygon(
                [
                    (x + r * 0.1 * math.cos((a0 + a1) / 2), y + r * 0.1 * math.sin((a0 + a1) / 2)),
                    (x + r * 0.8 * math.cos(a0), y + r * 0.8 * math.sin(a0)),
                    (x + r * 0.8 * math.cos(a1), y + r * 0.8 * math.sin(a1)),
                ],
                fill=alpha(hsv(hue, 0.75, 1.0), 1),
            )
    shadow = fruit.copy()
    base = over(base, Image.new("RGBA", (s, s), (0, 0, 0, 0)))
    base.alpha_composite(shadow.point(lambda v: v // 4), (int(s * 0.01), int(s * 0.012)))
    return over(base, fruit)


def kites(rng: np.random.Generator, s: int) -> Image.Image:
    """Happy: colourful kites with ribbon tails high in a clear sky with clouds."""
    sky = rng.uniform(195, 215)
    base = to_image(
        gradient(
            s,
            [(0.0, hsv(sky, 0.75, 0.9)), (1.0, hsv(sky - 10, 0.3, 1.0))],
            angle=rng.uniform(60, 120),
        )
    )
    clouds, d = layer(s)
    for _ in range(int(rng.integers(3, 7))):
        cx, cy, w = rng.uniform(0, 1) * s, rng.uniform(0.4, 1.0) * s, rng.uniform(0.08, 0.16) * s
        for k in range(4):
            ox = (k - 1.5) * w * 0.6
            d.ellipse(
                [
                    cx + ox - w * 0.5,
                    cy - w * 0.4 - (k % 2) * w * 0.2,
                    cx + ox + w * 0.5,
                    cy + w * 0.3,
                ],
                fill=alpha((255, 255, 255), 0.95),
            )
    base = over(base, clouds, blur=s * 0.004)
    kite, d = layer(s)
    for _ in range(int(rng.integers(1, 4))):
        x, y, r = rng.uniform(0.25, 0.75) * s, rng.uniform(0.2, 0.5) * s, s * rng.uniform(0.1, 0.17)
        rot = rng.uniform(-0.5, 0.5)
        pts = [
            (
                x + r * math.sin(rot) * k1 + r * math.cos(rot) * k2,
                y - r * math.cos(rot) * k1 + r * math.sin(rot) * k2,
            )
            for k1, k2 in ((1.3, 0), (0, 0.8), (-1.6, 0), (0, -0.8))
        ]
        cols = [hsv(h, 0.9, 1.0) for h in rng.permutation([0, 50, 130, 210, 290])[:2]]
        d.polygon([pts[0], pts[1], pts[2]], fill=alpha(cols[0], 1))
        d.polygon([pts[0], pts[3], pts[2]], fill=alpha(cols[1], 1))
        tail = smooth_path(rng, s, 60, pts[2], s * 0.008, 0.12)
        d.line([pts[2], *tail], fill=alpha((250, 250, 250), 0.9), width=max(2, int(s * 0.003)))
        for tx, ty in tail[8::10]:
            d.polygon(
                [
                    (tx - r * 0.15, ty - r * 0.1),
                    (tx + r * 0.15, ty + r * 0.1),
                    (tx + r * 0.15, ty - r * 0.1),
                    (tx - r * 0.15, ty + r * 0.1),
                ],
                fill=alpha(cols[0], 1),
            )
    return over(base, kite)


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
