"""Face quality gate: is this face crop good enough to read an emotion from?

A face whose shorter side is under `min_face_px` frame pixels, or whose crop is too
blurred (variance of the Laplacian of the grayscale crop under `min_sharpness`), is
*uncertain*: the pipeline does not classify it, and it never moves the smoothed
emotion. Sharpness is measured on the crop scaled down to at most `MAX_SIDE` pixels,
so a close face and a far one are judged on a comparable scale (and it stays cheap).
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from kiosk.domain import Box

MAX_SIDE = 128


@dataclass(frozen=True, slots=True)
class FaceQuality:
    """`side_px`: shorter side of the box in frame pixels; `sharpness`: variance of the
    Laplacian of the grayscale crop."""

    side_px: float
    sharpness: float
    too_small: bool
    too_blurred: bool

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


def crop(image_bgr: np.ndarray, box: Box) -> np.ndarray:
    """The part of `image_bgr` inside `box`, clipped to the frame (may be empty)."""
    h, w = image_bgr.shape[:2]
    x1, y1 = max(0, int(np.floor(box.x1))), max(0, int(np.floor(box.y1)))
    x2, y2 = min(w, int(np.ceil(box.x2))), min(h, int(np.ceil(box.y2)))
    if x2 <= x1 or y2 <= y1:
        return image_bgr[0:0, 0:0]
    return image_bgr[y1:y2, x1:x2]


def sharpness(image_bgr: np.ndarray, box: Box) -> float:
    """Variance of the Laplacian of the grayscale face crop (0 for an empty crop)."""
    patch = crop(image_bgr, box)
    if patch.size == 0:
        return 0.0
    gray = cv2.cvtColor(patch, cv2.COLOR_BGR2GRAY) if patch.ndim == 3 else patch
    longest = max(gray.shape[:2])
    if longest > MAX_SIDE:
        scale = MAX_SIDE / longest
        size = (max(1, round(gray.shape[1] * scale)), max(1, round(gray.shape[0] * scale)))
        gray = cv2.resize(gray, size, interpolation=cv2.INTER_AREA)
    return float(cv2.Laplacian(gray, cv2.CV_64F).var())


class QualityGate:
    """Judges face crops against `min_face_px` and `min_sharpness` (VisionSettings)."""

    def __init__(self, min_face_px: float = 40, min_sharpness: float = 15.0) -> None:
        self.min_face_px = min_face_px
        self.min_sharpness = min_sharpness

    def check(self, image_bgr: np.ndarray, box: Box) -> FaceQuality:
        side = min(box.width, box.height)
        too_small = side < self.min_face_px
        # A too-small face is uncertain anyway; don't spend time measuring it.
        sharp = 0.0 if too_small else sharpness(image_bgr, box)
        return FaceQuality(
            side_px=side,
            sharpness=sharp,
            too_small=too_small,
            too_blurred=not too_small and sharp < self.min_sharpness,
        )
