"""Is the primary face still the same person? A cheap appearance signature.

A new person stepping into the visitor's place (little or no gap, boxes
overlapping) keeps the IoU tracker's track, and with it the previous person's
smoothed emotion. The cue used here is the appearance of the face crop from one
frame to the next: a 16x16 grayscale thumbnail of the box, zero-mean and
unit-norm (so overall brightness and contrast do not count), compared by cosine
similarity.

Why this cue: at camera rates (10-30 fps) the same face barely changes between two
frames: a head turn or an expression builds up over many frames, so consecutive
thumbnails stay close, while a different face in the same box changes hairline,
face shape, skin and background at once. Measured with the real detector on a
10-segment `face_video` switch video (10 fps, 20 s, `python -m kiosk.tools.face_video`):
same-person frame-to-frame similarity min 0.85, 1st percentile 0.90, 5th 0.97;
across the 9 switches (two of them the same person changing expression) -0.11 to
0.38. `[vision] switch_similarity` = 0.6 sits in the gap with room on both sides.
A jump of the box alone would miss a switch where both faces sit in the same
place, and an identity embedding would cost a third network per frame.
"""

from __future__ import annotations

import math

import cv2
import numpy as np

from kiosk.domain import Box

SIDE = 16


def signature(image_bgr: np.ndarray, box: Box) -> np.ndarray | None:
    """(256,) float32 unit vector describing the face in `box`, None when the box
    holds no pixels or no contrast."""
    h, w = image_bgr.shape[:2]
    x1, y1 = max(0, math.floor(box.x1)), max(0, math.floor(box.y1))
    x2, y2 = min(w, math.ceil(box.x2)), min(h, math.ceil(box.y2))
    if x2 - x1 < 2 or y2 - y1 < 2:
        return None
    patch = image_bgr[y1:y2, x1:x2]
    if patch.ndim == 3:
        patch = cv2.cvtColor(patch, cv2.COLOR_BGR2GRAY)
    thumb = cv2.resize(patch, (SIDE, SIDE), interpolation=cv2.INTER_AREA).astype(np.float32)
    thumb -= thumb.mean()
    norm = float(np.linalg.norm(thumb))
    if norm < 1e-3:
        return None
    return (thumb / norm).ravel()


def similarity(a: np.ndarray, b: np.ndarray) -> float:
    """Cosine similarity of two signatures, in [-1, 1]."""
    return float(np.dot(a, b))
