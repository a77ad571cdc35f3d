"""Face quality gate: is this face crop good enough to read an emotion from?

A face whose shorter side is under `min_face_px` frame pixels, or whose crop is too
blurred (`sharpness` under `min_sharpness`), is *uncertain*: the pipeline does not
classify it, and it never moves the smoothed emotion. Sharpness is measured on the
grayscale crop scaled down to at most `MAX_SIDE` pixels, so a close face and a far one
are judged on a comparable scale (and it stays cheap).

Sharpness is the variance of the Laplacian *at a fixed contrast*: the raw variance, less
`QUANTIZATION` (2), times `REFERENCE_STD`² (40²) over the crop's own gray standard
deviation² (floored at `MIN_STD`, 8). The raw variance scales with the square of the
contrast, so a sharp face in a dark room (or from a camera at low gain) measured as
blurred: the tester's dark video (frame mean 17/255, face sharpness 4-9) was never read.
Measured on the shared faces (`../shared/data/faces`, each in a 640x480 frame 300 px
tall, the real detector's box; 2026-12-02), median and share under 15, old -> new:

  plain (242 faces)                        100 -> 95,   1 % -> 1 %
  darkened x0.3 (242)                       11 -> 92,  69 % -> 2 %
  darkened x0.15, face mean 18 (82)        3.8 -> 43, 100 % -> 10 %
  blurred, Gaussian sigma 2 / 3 measured px (82)  57 % / 100 % -> 61 % / 99 % under 15
  blurred, Gaussian sigma 2 / 3 frame px (242)     3 % / 9 % -> 3 % / 12 % under 15
  darkened x0.3 and blurred sigma 2 / 3 (82)     100 % / 100 % -> 85 % / 100 %

`REFERENCE_STD` is about the median gray std of those crops (40.5), so a typical face
keeps about its old figure and `min_sharpness` its meaning: the Laplacian variance of
the crop as if it had a normal face's contrast. `QUANTIZATION` is what 8-bit rounding
alone gives the Laplacian variance (20 / 12 ~ 1.7): without taking it off, a dark
blurred face read as sharp (darkened and blurred sigma 2 / 3: 4 % / 5 % under 15).
`MIN_STD` keeps an almost flat crop from being scaled up more than 25 times (4 would
take the darkened x0.15 faces from 10 % to 4 % under 15, but scale noise up to 100
times). Not told apart: a camera's sensor noise is detail to this measure, so a dark,
noisy *and* blurred face passes (sigma 2 gray levels of noise: 0 % under 15); the
emotion model's confidence floor is then what keeps a bad reading out.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from kiosk.domain import Box

MAX_SIDE = 128
REFERENCE_STD = 40.0
MIN_STD = 8.0
QUANTIZATION = 2.0


@dataclass(frozen=True, slots=True)
class FaceQuality:
    """`side_px`: shorter side of the box in frame pixels; `sharpness`: variance of the
    Laplacian of the grayscale crop at a fixed contrast (see the module docstring);
    `brightness`: the crop's mean gray level (0-255; 0 when not measured)."""

    side_px: float
    sharpness: float
    too_small: bool
    too_blurred: bool
    brightness: float = 0.0

    @property
    def ok(self) -> bool:
        return not (self.too_small or self.too_blurred)

    @property
    def reason(self) -> str:
        """"" when ok, else "too small" / "too blurred" (for the status screen)."""
        if self.too_small:
            return "too small"
        if self.too_blurred:
            return "too blurred"
        return ""


@dataclass(frozen=True, slots=True)
class CropFigures:
    """What `measure` finds in a face crop: `sharpness` (see the module docstring),
    `raw_sharpness` (the Laplacian variance before the contrast scaling), `mean` and
    `std` of its gray levels (0-255)."""

    sharpness: float
    raw_sharpness: float
    mean: float
    std: float


def crop(image_bgr: np.ndarray, box: Box) -> np.ndarray:
    """The part of `image_bgr` inside `box`, clipped to the frame (may be empty)."""
    h, w = image_bgr.shape[:2]
    x1, y1 = max(0, int(np.floor(box.x1))), max(0, int(np.floor(box.y1)))
    x2, y2 = min(w, int(np.ceil(box.x2))), min(h, int(np.ceil(box.y2)))
    if x2 <= x1 or y2 <= y1:
        return image_bgr[0:0, 0:0]
    return image_bgr[y1:y2, x1:x2]


def measure(image_bgr: np.ndarray, box: Box) -> CropFigures:
    """Sharpness and gray level of the face crop (all 0 for an empty crop)."""
    patch = crop(image_bgr, box)
    if patch.size == 0:
        return CropFigures(0.0, 0.0, 0.0, 0.0)
    gray = cv2.cvtColor(patch, cv2.COLOR_BGR2GRAY) if patch.ndim == 3 else patch
    longest = max(gray.shape[:2])
    if longest > MAX_SIDE:
        scale = MAX_SIDE / longest
        size = (max(1, round(gray.shape[1] * scale)), max(1, round(gray.shape[0] * scale)))
        gray = cv2.resize(gray, size, interpolation=cv2.INTER_AREA)
    raw = float(cv2.Laplacian(gray, cv2.CV_64F).var())
    mean, std = cv2.meanStdDev(gray)
    deviation = float(std.ravel()[0])
    scaled = max(0.0, raw - QUANTIZATION) * (REFERENCE_STD / max(deviation, MIN_STD)) ** 2
    return CropFigures(scaled, raw, float(mean.ravel()[0]), deviation)


def sharpness(image_bgr: np.ndarray, box: Box) -> float:
    """Variance of the Laplacian of the grayscale face crop at a fixed contrast (0 for
    an empty crop; see the module docstring)."""
    return measure(image_bgr, box).sharpness


class QualityGate:
    """Judges face crops against `min_face_px` and `min_sharpness` (VisionSettings)."""

    def __init__(self, min_face_px: float = 40, min_sharpness: float = 15.0) -> None:
        self.min_face_px = min_face_px
        self.min_sharpness = min_sharpness

    def check(self, image_bgr: np.ndarray, box: Box) -> FaceQuality:
        side = min(box.width, box.height)
        too_small = side < self.min_face_px
        # A too-small face is uncertain anyway; don't spend time measuring it.
        figures = CropFigures(0.0, 0.0, 0.0, 0.0) if too_small else measure(image_bgr, box)
        return FaceQuality(
            side_px=side,
            sharpness=figures.sharpness,
            too_small=too_small,
            too_blurred=not too_small and figures.sharpness < self.min_sharpness,
            brightness=figures.mean,
        )
