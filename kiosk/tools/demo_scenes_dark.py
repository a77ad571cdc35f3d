"""More demo-catalog scenes for angry, fear, disgusted and confused (see `demo_motifs`).

Each scene takes a seeded generator and a side `s` in pixels and returns an RGBA
image; its docstring names the emotion and the framing (close-up, wide, pattern
or horizon). The drawing helpers are `demo_art`'s and `demo_shapes`'.
"""

from __future__ import annotations

import math

import numpy as np
from PIL import Image

from kiosk.tools.demo_art import alpha, gradient, hsv, layer, over, to_image, vignette
from kiosk.tools.demo_shapes import blob, curve, fill_below, glow, ridge, scatter, wander

# --------------------------------------------------------------------------- angry


def cracked_earth(rng: np.random.Generator, s: int) -> Image.Image:
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


# --------------------------------------------------------------------------- fear


def eyes_dark(rng: np.random.Generator, s: int) -> Image.Image:
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


# --------------------------------------------------------------------------- disgusted


def bugs(rng: np.random.Generator, s: int) -> Image.Image:
    """Disgusted, pattern: beetles swarming over a sickly green surface."""
    hue = rng.uniform(65, 95)
    base = to_image(
        gradient(
            s,
            [(0.0, hsv(hue, 0.55, 0.6)), (1.0, hsv(hue + 15, 0.6, 0.35))],
            angle=rng.uniform(0, 180),
        )
    )
    crawl, d = layer(s)
    shell = hsv(rng.uniform(20, 40), 0.6, rng.uniform(0.15, 0.3))
    for x, y in scatter(rng, s, int(rng.integers(14, 26)), 0.02, 0.09):
        r = s * rng.uniform(0.025, 0.04)
        a = rng.uniform(0, 2 * math.pi)
        ux, uy = math.cos(a), math.sin(a)
        for k in (-1, 0, 1):  # legs
            for side in (-1, 1):
                bx, by = x + ux * k * r * 0.5, y + uy * k * r * 0.5
                lx = bx - uy * side * r * 1.3 + ux * k * r * 0.5
                ly = by + ux * side * r * 1.3 + uy * k * r * 0.5
                d.line(
                    [(bx, by), (lx, ly)], fill=alpha((15, 12, 8), 1), width=max(2, int(r * 0.12))
                )
        d.ellipse([x - r, y - r, x + r, y + r], fill=alpha(shell, 1))
        hx, hy = x + ux * r * 1.1, y + uy * r * 1.1
        d.ellipse(
            [hx - r * 0.4, hy - r * 0.4, hx + r * 0.4, hy + r * 0.4], fill=alpha((15, 12, 8), 1)
        )
        d.line(
            [(x - ux * r, y - uy * r), (x + ux * r * 0.8, y + uy * r * 0.8)],
            fill=alpha((15, 12, 8), 0.8),
            width=max(2, int(r * 0.08)),
        )
        d.ellipse(
            [x - r * 0.5, y - r * 0.5, x - r * 0.1, y - r * 0.1],
            fill=alpha(hsv(hue, 0.3, 0.8), 0.5),
        )
    return vignette(over(base, crawl, blur=1), 0.5, hsv(hue, 0.6, 0.1))


def rotten_fruit(rng: np.random.Generator, s: int) -> Image.Image:
    """Disgusted, close-up: a rotting apple with mould spots and flies."""
    hue = rng.uniform(35, 60)
    base = to_image(gradient(s, [(0.0, hsv(hue, 0.4, 0.5)), (1.0, hsv(hue + 20, 0.5, 0.25))]))
    fruit, d = layer(s)
    cx, cy, r = rng.uniform(0.4, 0.6) * s, rng.uniform(0.45, 0.6) * s, s * rng.uniform(0.25, 0.32)
    d.ellipse(
        [cx - r * 1.1, cy + r * 0.75, cx + r * 1.1, cy + r * 1.05], fill=alpha((20, 15, 5), 0.5)
    )
    blob(d, rng, cx, cy, r, hsv(rng.uniform(20, 45), 0.7, 0.45), wobble=0.08, squash=0.92)
    for _ in range(int(rng.integers(4, 8))):
        a, rr = rng.uniform(0, 2 * math.pi), r * 0.6 * math.sqrt(rng.random())
        blob(
            d,
            rng,
            cx + rr * math.cos(a),
            cy + rr * math.sin(a),
            r * rng.uniform(0.12, 0.3),
            hsv(rng.uniform(30, 45), 0.8, 0.18),
            0.9,
        )
    for _ in range(int(rng.integers(6, 12))):
        a, rr = rng.uniform(0, 2 * math.pi), r * 0.7 * math.sqrt(rng.random())
        blob(
            d,
            rng,
            cx + rr * math.cos(a),
            cy + rr * math.sin(a),
            r * rng.uniform(0.04, 0.1),
            hsv(rng.uniform(80, 110), 0.25, 0.8),
            0.9,
        )
    d.line(
        [(cx, cy - r * 0.85), (cx + r * 0.1, cy - r * 1.15)],
        fill=alpha((40, 25, 10), 1),
        width=int(r * 0.06),
    )
    base = over(base, fruit, blur=1)
    flies, d = layer(s)
    for x, y in scatter(rng, s, int(rng.integers(3, 7)), 0.1, 0.1):
        f = s * 0.012
        d.ellipse([x - f * 1.6, y - f * 1.4, x, y], fill=alpha((200, 210, 220), 0.45))
        d.ellipse([x, y - f * 1.4, x + f * 1.6, y], fill=alpha((200, 210, 220), 0.45))
        d.ellipse([x - f, y - f * 0.6, x + f, y + f * 0.6], fill=alpha((10, 10, 10), 1))
        loop = wander(rng, (x - f * 3, y), math.pi, 8, f * 1.5, 0.7)
        d.line(loop, fill=alpha((10, 10, 10), 0.3), width=2)
    return vignette(over(base, flies), 0.6, hsv(hue, 0.6, 0.1))


def garbage(rng: np.random.Generator, s: int) -> Image.Image:
    """Disgusted, horizon: a reeking rubbish heap of bin bags, cans and bottles, flies above."""
    hue = rng.uniform(55, 80)
    base = to_image(
        gradient(
            s,
            [
                (0.0, hsv(hue, 0.45, 0.7)),
                (0.6, hsv(hue + 10, 0.5, 0.5)),
                (1.0, hsv(hue + 20, 0.5, 0.2)),
            ],
        )
    )
    level = rng.uniform(0.55, 0.7)
    heap, d = layer(s)
    fill_below(
        d,
        s,
        ridge(rng, s, level, 0.06, rough=0.004, waves=rng.uniform(0.6, 1.2)),
        hsv(hue - 30, 0.45, 0.28),
    )
    base = over(base, heap)
    junk, d = layer(s)
    spots = sorted(scatter(rng, s, int(rng.integers(9, 15)), 0.05, 0.12), key=lambda p: p[1])
    for x, y in spots:
        y = level * s + (y / s) * (1 - level) * s * 0.9
        kind = rng.random()
        r = s * rng.uniform(0.05, 0.09)
        if kind < 0.45:  # a black bin bag, tied at the top
            bag = hsv(rng.uniform(0, 360), 0.1, rng.uniform(0.08, 0.16))
            blob(d, rng, x, y, r, bag, wobble=0.12, squash=0.85)
            d.polygon(
                [(x, y - r * 0.7), (x - r * 0.25, y - r * 1.2), (x + r * 0.25, y - r * 1.2)],
                fill=alpha(bag, 1),
            )
            d.arc(
                [x - r * 0.6, y - r * 0.6, x + r * 0.2, y + r * 0.2],
                200,
                260,
                fill=alpha((200, 200, 200), 0.5),
                width=max(2, int(r * 0.08)),
            )
        elif kind < 0.75:  # a can on its side
            color = hsv(rng.uniform(0, 360), 0.7, 0.7)
            w, h = r * 0.9, r * 0.45
            d.rectangle([x - w, y - h, x + w, y + h], fill=alpha(color, 1))
            d.rectangle([x - w, y - h * 0.3, x + w, y + h * 0.1], fill=alpha((230, 230, 225), 1))
            d.ellipse(
                [x + w - h * 0.5, y - h, x + w + h * 0.5, y + h], fill=alpha((170, 170, 165), 1)
            )
        else:  # a green bottle
            color = hsv(rng.uniform(90, 150), 0.6, 0.45)
            tilt = rng.uniform(-0.5, 0.5)
            tip = (x + math.sin(tilt) * r * 1.6, y - math.cos(tilt) * r * 1.6)
            d.line([(x, y), tip], fill=alpha(color, 0.9), width=int(r * 0.55))
            d.line(
                [tip, (tip[0] + math.sin(tilt) * r * 0.6, tip[1] - math.cos(tilt) * r * 0.6)],
                fill=alpha(color, 0.9),
                width=int(r * 0.22),
            )
    base = over(base, junk)
    stink, d = layer(s)
    for _ in range(int(rng.integers(3, 6))):
        x = rng.uniform(0.1, 0.9) * s
        pts = [(x + s * 0.02 * math.sin(t * 0.9), level * s - t * s * 0.02) for t in range(14)]
        d.line(pts, fill=alpha(hsv(hue + 20, 0.6, 0.85), 0.5), width=int(s * 0.006))
    for _ in range(int(rng.integers(15, 35))):
        x, y, r = rng.uniform(0, 1) * s, rng.uniform(0.15, level) * s, s * 0.005
        d.ellipse([x - r, y - r, x + r, y + r], fill=alpha((15, 15, 10), 0.9))
    return vignette(over(base, stink, blur=1), 0.5, hsv(hue, 0.6, 0.1))


def worms(rng: np.random.Generator, s: int) -> Image.Image:
    """Disgusted, pattern: pale worms writhing in wet brown mud."""
    hue = rng.uniform(20, 35)
    base = to_image(
        gradient(s, [(0.0, hsv(hue, 0.55, 0.3)), (1.0, hsv(hue + 5, 0.6, 0.18))], center=(0.5, 0.5))
    )
    wet, d = layer(s)
    for _ in range(25):
        blob(
            d,
            rng,
            rng.uniform(0, 1) * s,
            rng.uniform(0, 1) * s,
            s * rng.uniform(0.02, 0.06),
            hsv(hue, 0.3, 0.5),
            0.25,
            squash=0.5,
        )
    base = over(base, wet, blur=s * 0.005)
    crawl, d = layer(s)
    for _ in range(int(rng.integers(8, 14))):
        start = (rng.uniform(0.05, 0.95) * s, rng.uniform(0.05, 0.95) * s)
        body = curve(wander(rng, start, rng.uniform(0, 2 * math.pi), 6, s * 0.04, 0.7), steps=6)
        w = s * rng.uniform(0.012, 0.02)
        d.line(
            body, fill=alpha(hsv(rng.uniform(345, 365), 0.4, 0.55), 1), width=int(w), joint="curve"
        )
        d.line(body[1:-1], fill=alpha(hsv(355, 0.3, 0.72), 0.8), width=max(2, int(w * 0.35)))
        band = body[len(body) // 3]
        d.ellipse(
            [band[0] - w * 0.7, band[1] - w * 0.7, band[0] + w * 0.7, band[1] + w * 0.7],
            fill=alpha(hsv(350, 0.5, 0.5), 1),
        )
    return vignette(over(base, crawl, blur=1), 0.5)


# --------------------------------------------------------------------------- confused


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


def warped_checker(rng: np.random.Generator, s: int) -> Image.Image:
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
