"""Colour and layer helpers of the demo catalog's art (numpy and Pillow only).

Colours are RGB tuples (`hsv`), with an alpha in 0..1 where drawn (`alpha`); a
scene paints RGBA layers (`layer`) at pixel coordinates of a square of side `s`
and composites them (`over`, with an optional premultiplied blur).
"""

from __future__ import annotations

import colorsys
import math
from collections.abc import Sequence

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

RGB = tuple[int, int, int]


def hsv(h: float, s: float, v: float) -> RGB:
    """A colour from hue in degrees, saturation and value in 0..1."""
    r, g, b = colorsys.hsv_to_rgb((h % 360) / 360.0, min(max(s, 0), 1), min(max(v, 0), 1))
    return round(r * 255), round(g * 255), round(b * 255)


def jitter(
    rng: np.random.Generator, color: RGB, hue: float = 8, sat: float = 0.06, val: float = 0.06
) -> RGB:
    """The colour moved by up to ±hue degrees, ±sat and ±val, at random."""
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
    """An RGBA image from a float HxWx3 array in 0..1."""
    return Image.fromarray((np.clip(array, 0, 1) * 255 + 0.5).astype(np.uint8), "RGB").convert(
        "RGBA"
    )


def layer(size: int) -> tuple[Image.Image, ImageDraw.ImageDraw]:
    """A transparent RGBA layer of side `size` and its drawing context."""
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
    """Darken (or tint) towards the corners: alpha grows as radius^power × strength."""
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
    """An RGBA fill from a colour and an opacity in 0..1 (clipped)."""
    return (*color, int(max(0, min(1, a)) * 255))


def light_rays(
    base: Image.Image,
    x: float,
    y: float,
    n: int,
    offset: float,
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
