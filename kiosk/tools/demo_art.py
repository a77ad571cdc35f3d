"""The demo catalog's procedural art: drawing helpers and the motifs of each emotion.

Each scene takes a seeded generator and a side in pixels and returns an RGBA
image. Each emotion has its own palette, shapes and motion language; the table of
every emotion's motifs (these scenes and those of `demo_scenes_light` and
`demo_scenes_dark`) is `kiosk.tools.demo_motifs.MOTIFS`. Only numpy and Pillow
are used.
"""

from __future__ import annotations

import colorsys
import math
from collections.abc import Callable, Sequence

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

RGB = tuple[int, int, int]
Art = Callable[[np.random.Generator, int], Image.Image]


# --------------------------------------------------------------------------- helpers


def hsv(h: float, s: float, v: float) -> RGB:
    """A colour from hue in degrees, saturation and value in 0..1."""
    r, g, b = colorsys.hsv_to_rgb((h % 360) / 360.0, min(max(s, 0), 1), min(max(v, 0), 1))
    return round(r * 255), round(g * 255), round(b * 255)


def jitter(
    rng: np.random.Generator, color: RGB, hue: float = 8, sat: float = 0.06, val: float = 0.06
) -> RGB:
    h, s, v = colorsys.rgb_to_hsv(*(c / 255 for c in color))
    return hsv(
        h * 360 + rng.uniform(-hue, hue), s + rng.uniform(-sat, sat), v + rng.uniform(-val, val)
    )


def gradient(
    size: int,
    stops: Sequence[tuple[float, RGB]],
    angle: float = 90.0,
    center: tuple[float, float] | None = None,
) -> np.ndarray:
    """A float32 HxWx3 (0..1) gradient: linear along `angle` (degrees, 90 = top to
    bottom) or radial from `center` (fractions of the size) when given."""
    y, x = np.mgrid[0:size, 0:size].astype(np.float32) / (size - 1)
    if center is not None:
        t = np.hypot(x - center[0], y - center[1]) / math.sqrt(2)
    else:
        a = math.radians(angle)
        t = (x - 0.5) * math.cos(a) + (y - 0.5) * math.sin(a)
        span = abs(math.cos(a)) + abs(math.sin(a))
        t = t / span + 0.5
    t = np.clip(t, 0.0, 1.0)
    pos = np.array([p for p, _ in stops], np.float32)
    cols = np.array([c for _, c in stops], np.float32) / 255.0
    out = np.empty((size, size, 3), np.float32)
    for ch in range(3):
        out[..., ch] = np.interp(t, pos, cols[:, ch])
    return out


def to_image(array: np.ndarray) -> Image.Image:
    return Image.fromarray((np.clip(array, 0, 1) * 255 + 0.5).astype(np.uint8), "RGB").convert(
        "RGBA"
    )


def layer(size: int) -> tuple[Image.Image, ImageDraw.ImageDraw]:
    img = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    return img, ImageDraw.Draw(img)


def over(base: Image.Image, top: Image.Image, blur: float = 0.0) -> Image.Image:
    """Composite `top` onto `base`, blurring it first (premultiplied: no dark fringes)."""
    if blur:
        top = top.convert("RGBa").filter(ImageFilter.GaussianBlur(blur)).convert("RGBA")
    return Image.alpha_composite(base, top)


def vignette(
    base: Image.Image, strength: float, color: RGB = (0, 0, 0), power: float = 2.0
) -> Image.Image:
    size = base.width
    y, x = np.mgrid[0:size, 0:size].astype(np.float32) / (size - 1)
    r = np.hypot(x - 0.5, y - 0.5) / math.sqrt(0.5)
    alpha = np.clip(r**power * strength, 0, 1)
    top = np.zeros((size, size, 4), np.uint8)
    top[..., :3] = color
    top[..., 3] = (alpha * 255).astype(np.uint8)
    return Image.alpha_composite(base, Image.fromarray(top, "RGBA"))


def smooth_path(
    rng: np.random.Generator,
    size: int,
    n: int,
    start: tuple[float, float],
    step: float,
    turn: float,
) -> list[tuple[float, float]]:
    """A wandering, looping curve: a random walk with inertia that steers back inside."""
    x, y = start
    a = rng.uniform(0, 2 * math.pi)
    da = 0.0
    pts = []
    for _ in range(n):
        da = 0.92 * da + rng.normal(0, turn)
        dx, dy = 0.5 * size - x, 0.5 * size - y
        if math.hypot(dx, dy) > 0.38 * size:  # near the edge: turn towards the middle
            target = math.atan2(dy, dx)
            a += 0.15 * math.atan2(math.sin(target - a), math.cos(target - a))
        a += da
        x += math.cos(a) * step
        y += math.sin(a) * step
        pts.append((x, y))
    return pts


def alpha(color: RGB, a: float) -> tuple[int, int, int, int]:
    return (*color, int(max(0, min(1, a)) * 255))


def sunburst(
    base: Image.Image, x: float, y: float, n: int, offset: float,
    fill: tuple[int, int, int, int],
) -> Image.Image:
    """Rays of light from (x, y): n wedges, each half a period wide, turned by
    `offset` radians, softly blurred."""
    s = base.width
    rays, d = layer(s)
    for i in range(n):
        a0 = offset + 2 * math.pi * i / n
        a1 = a0 + math.pi / n
        far = 2 * s
        d.polygon(
            [
                (x, y),
                (x + far * math.cos(a0), y + far * math.sin(a0)),
                (x + far * math.cos(a1), y + far * math.sin(a1)),
            ],
            fill=fill,
        )
    return over(base, rays, blur=s * 0.004)


# --------------------------------------------------------------------------- emotions


def happy(rng: np.random.Generator, s: int) -> Image.Image:
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
    base = sunburst(base, sx, sy, n, offset, alpha(hsv(50 + warm, 0.35, 1.0), 0.28))
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
    base = sunburst(base, cx * s, cy * s, n, 0.0, alpha(hsv(48 + warm, 0.3, 1.0), 0.22))
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


def sad(rng: np.random.Generator, s: int) -> Image.Image:
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


def angry(rng: np.random.Generator, s: int) -> Image.Image:
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


def calm(rng: np.random.Generator, s: int) -> Image.Image:
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


def surprised(rng: np.random.Generator, s: int) -> Image.Image:
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


def fear(rng: np.random.Generator, s: int) -> Image.Image:
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


def disgusted(rng: np.random.Generator, s: int) -> Image.Image:
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


def confused(rng: np.random.Generator, s: int) -> Image.Image:
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


# --------------------------------------------------------------------------- more motifs
# Each emotion has several motifs (scenes), so its 24 images differ in subject,
# composition and palette, not only in colour. `render` takes them in turn.


def flowers(rng: np.random.Generator, s: int) -> Image.Image:
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


def storm(rng: np.random.Generator, s: int) -> Image.Image:
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


def pop_dots(rng: np.random.Generator, s: int) -> Image.Image:
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


def bats_moon(rng: np.random.Generator, s: int) -> Image.Image:
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


def shapes_adrift(rng: np.random.Generator, s: int) -> Image.Image:
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
