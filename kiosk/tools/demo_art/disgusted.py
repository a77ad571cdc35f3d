"""The disgusted scenes of the demo catalog (`kiosk.tools.demo_art.motifs`).

Each takes a seeded generator and a side `s` in pixels and returns an RGBA image:
`slime` (close-up); `swamp` (horizon); `mould` (pattern); `sludge` (wide); `bugs`
(pattern); `rotten_apple` (close-up); `rubbish` (horizon); `worms` (pattern).
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
    curve,
    fill_below,
    ridge,
    scatter,
    wander,
)


def slime(rng: np.random.Generator, s: int) -> Image.Image:
    """Disgusted, close-up: oozing green slime with bubbles."""
    hue = rng.uniform(55, 95)
    base = to_image(
        gradient(
            s,
            [
                (0.0, hsv(hue - 25, 0.55, 0.38)),
                (0.5, hsv(hue, 0.6, 0.3)),
                (1.0, hsv(hue - 35, 0.65, 0.18)),
            ],
            angle=rng.uniform(60, 120),
        )
    )
    # Oozing blobs: a metaball field thresholded softly.
    low = 192
    y, x = np.mgrid[0:low, 0:low].astype(np.float32) / low
    field = np.zeros((low, low), np.float32)
    for _ in range(int(rng.integers(6, 12))):
        bx, by = rng.uniform(0.1, 0.9), rng.uniform(0.1, 0.9)
        r = rng.uniform(0.035, 0.09)
        field += r**2 / ((x - bx) ** 2 + (y - by) ** 2 + 1e-4)
    for _ in range(int(rng.integers(3, 6))):  # drips hanging from the blobs
        bx, by = rng.uniform(0.15, 0.85), rng.uniform(0.3, 0.7)
        for k in range(int(rng.integers(5, 10))):
            field += 0.0009 * (1 - k / 12) / ((x - bx) ** 2 + (y - by - 0.028 * k) ** 2 + 1e-4)
    mask = np.clip((field - 1.0) * 6.0, 0, 1)
    edge = np.clip(1 - np.abs(field - 1.0) * 8, 0, 1)
    gloss = np.clip((np.roll(field, (4, 4), axis=(0, 1)) - 2.2) * 1.5, 0, 1) * mask * 0.45

    def up(a: np.ndarray) -> Image.Image:
        return Image.fromarray((a * 255).astype(np.uint8)).resize((s, s), Image.Resampling.BICUBIC)

    mask_img, edge_img, gloss_img = up(mask), up(edge), up(gloss)
    shade = gradient(
        s,
        [(0.0, hsv(hue + 10, 0.75, 0.75)), (1.0, hsv(hue - 15, 0.8, 0.45))],
        angle=rng.uniform(45, 135),
    )
    blob = to_image(shade)
    blob.putalpha(mask_img)
    base = Image.alpha_composite(base, blob)
    rim = Image.new("RGBA", (s, s), alpha(hsv(hue + 20, 0.5, 0.95), 1))
    rim.putalpha(edge_img.point(lambda v: int(v * 0.5)))
    base = Image.alpha_composite(base, rim)
    shine = Image.new("RGBA", (s, s), alpha(hsv(hue + 25, 0.35, 1.0), 1))
    shine.putalpha(gloss_img.filter(ImageFilter.GaussianBlur(s * 0.01)))
    base = Image.alpha_composite(base, shine)
    # Bubbles with highlights.
    bubbles, d = layer(s)
    for _ in range(int(rng.integers(25, 45))):
        bx, by = rng.uniform(0, 1) * s, rng.uniform(0, 1) * s
        r = s * rng.uniform(0.006, 0.03)
        d.ellipse(
            [bx - r, by - r, bx + r, by + r],
            outline=alpha(hsv(hue + 15, 0.4, 0.8), 0.7),
            width=max(2, int(r * 0.18)),
            fill=alpha(hsv(hue, 0.6, 0.5), 0.35),
        )
        d.ellipse(
            [bx - r * 0.5, by - r * 0.6, bx - r * 0.1, by - r * 0.2],
            fill=alpha((240, 240, 200), 0.6),
        )
    base = over(base, bubbles)
    # Murky brown stains.
    stains, d = layer(s)
    for _ in range(int(rng.integers(4, 8))):
        bx, by = rng.uniform(0, 1) * s, rng.uniform(0, 1) * s
        r = s * rng.uniform(0.05, 0.15)
        d.ellipse(
            [bx - r, by - r * 0.7, bx + r, by + r * 0.7],
            fill=alpha(hsv(rng.uniform(25, 40), 0.7, 0.25), 0.35),
        )
    base = over(base, stains, blur=s * 0.03)
    return vignette(base, 0.5, hsv(hue - 30, 0.7, 0.1))


def swamp(rng: np.random.Generator, s: int) -> Image.Image:
    """Disgusted: a murky swamp with dead stumps, scum and rising gas bubbles."""
    hue = rng.uniform(50, 90)
    line = rng.uniform(0.45, 0.6)
    base = to_image(
        gradient(
            s,
            [
                (0.0, hsv(hue + 10, 0.35, 0.45)),
                (line, hsv(hue, 0.45, 0.35)),
                (line + 0.005, hsv(hue - 10, 0.7, 0.28)),
                (1.0, hsv(hue - 25, 0.75, 0.15)),
            ],
        )
    )
    scum, d = layer(s)
    for _ in range(int(rng.integers(30, 60))):
        x, y = rng.uniform(0, 1) * s, rng.uniform(line, 1.0) * s
        w = s * rng.uniform(0.03, 0.12)
        d.ellipse(
            [x - w, y - w * 0.15, x + w, y + w * 0.15],
            fill=alpha(hsv(hue + rng.uniform(-15, 15), 0.8, rng.uniform(0.3, 0.55)), 0.7),
        )
    base = over(base, scum, blur=2)
    stumps, d = layer(s)
    for _ in range(int(rng.integers(2, 5))):
        x = rng.uniform(0.05, 0.95) * s
        h, w = rng.uniform(0.1, 0.35) * s, rng.uniform(0.015, 0.035) * s
        top = line * s + rng.uniform(0.02, 0.15) * s
        d.polygon(
            [
                (x - w, top),
                (x - w * 0.6, top - h),
                (x - w * 0.1, top - h * 1.1),
                (x + w * 0.5, top - h * 0.9),
                (x + w, top),
            ],
            fill=alpha(hsv(30, 0.5, 0.12), 1),
        )
    base = over(base, stumps)
    bubbles, d = layer(s)
    for _ in range(int(rng.integers(15, 35))):
        x, y = rng.uniform(0, 1) * s, rng.uniform(line, 1.0) * s
        r = s * rng.uniform(0.005, 0.02)
        d.ellipse(
            [x - r, y - r, x + r, y + r], outline=alpha(hsv(hue + 20, 0.4, 0.75), 0.8), width=2
        )
    return vignette(over(base, bubbles), 0.6, hsv(hue - 20, 0.6, 0.08))


def mould(rng: np.random.Generator, s: int) -> Image.Image:
    """Disgusted: fuzzy mould colonies spreading across a yellowed dish."""
    base = to_image(
        gradient(
            s,
            [
                (0.0, hsv(rng.uniform(30, 75), rng.uniform(0.2, 0.5), rng.uniform(0.6, 0.85))),
                (1.0, hsv(rng.uniform(25, 60), 0.45, rng.uniform(0.35, 0.55))),
            ],
            center=(0.5, 0.5),
        )
    )
    colonies, d = layer(s)
    for _ in range(int(rng.integers(8, 18))):
        x, y, r = rng.uniform(0.1, 0.9) * s, rng.uniform(0.1, 0.9) * s, s * rng.uniform(0.03, 0.11)
        hue = float(rng.choice([90, 110, 40, 180, 30])) + rng.uniform(-10, 10)
        for k in range(5, 0, -1):
            rr = r * k / 5
            d.ellipse(
                [x - rr, y - rr, x + rr, y + rr],
                fill=alpha(hsv(hue, 0.5 + 0.08 * k, 0.35 + 0.08 * (5 - k)), 0.5),
            )
        for _ in range(12):
            a, rr = rng.uniform(0, 2 * math.pi), r * rng.uniform(0.9, 1.4)
            d.line(
                [(x, y), (x + rr * math.cos(a), y + rr * math.sin(a))],
                fill=alpha(hsv(hue, 0.3, 0.8), 0.3),
                width=2,
            )
    base = over(base, colonies, blur=s * 0.004)
    rim, d = layer(s)
    d.ellipse(
        [s * 0.02, s * 0.02, s * 0.98, s * 0.98],
        outline=alpha((235, 235, 220), 0.4),
        width=int(s * 0.02),
    )
    return vignette(over(base, rim), 0.8, hsv(40, 0.6, 0.1))


def sludge(rng: np.random.Generator, s: int) -> Image.Image:
    """Disgusted: green-brown sludge dripping from rusty pipes into a puddle."""
    hue = rng.uniform(60, 100)
    base = to_image(
        gradient(
            s, [(0.0, hsv(30, 0.4, 0.22)), (1.0, hsv(40, 0.5, 0.1))], angle=rng.uniform(70, 110)
        )
    )
    art, d = layer(s)
    goo = hsv(hue, 0.8, 0.6)
    for _ in range(int(rng.integers(1, 4))):
        x = rng.uniform(0.15, 0.85) * s
        w = s * rng.uniform(0.04, 0.07)
        d.rectangle([x - w, 0, x + w, s * rng.uniform(0.1, 0.3)], fill=alpha(hsv(20, 0.6, 0.3), 1))
        end = s * rng.uniform(0.1, 0.3)
        d.rectangle(
            [x - w * 1.3, end - w * 0.5, x + w * 1.3, end], fill=alpha(hsv(20, 0.6, 0.35), 1)
        )
        for _ in range(int(rng.integers(2, 5))):
            dx = rng.uniform(-0.8, 0.8) * w
            ln = rng.uniform(0.1, 0.5) * s
            r = w * rng.uniform(0.15, 0.35)
            d.rectangle([x + dx - r, end, x + dx + r, end + ln], fill=alpha(goo, 0.95))
            d.ellipse(
                [x + dx - r * 1.6, end + ln - r, x + dx + r * 1.6, end + ln + r * 2.2],
                fill=alpha(goo, 0.95),
            )
    py = s * rng.uniform(0.82, 0.9)
    d.ellipse(
        [s * rng.uniform(0.0, 0.3), py - s * 0.05, s * rng.uniform(0.7, 1.0), py + s * 0.08],
        fill=alpha(jitter(rng, goo, 10, 0.1, 0.15), 0.9),
    )
    return vignette(over(base, art, blur=1.2), 0.6)


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


def rotten_apple(rng: np.random.Generator, s: int) -> Image.Image:
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


def rubbish(rng: np.random.Generator, s: int) -> Image.Image:
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
