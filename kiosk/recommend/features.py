"""Content features of a catalog image: a compact colour + texture vector.

Computed once per image when the catalog imports it (no model download): the
embedded recommender compares items by the cosine similarity of these vectors to
learn a visitor's visual taste from a couple of likes.

Layout (`FEATURE_DIM` = 48 floats, L2-normalised as a whole):

| slice   | what                                                        |
|---------|-------------------------------------------------------------|
| 0:12    | hue histogram (12 bins), weighted by saturation × value     |
| 12:16   | saturation histogram (4 bins)                               |
| 16:20   | value (brightness) histogram (4 bins)                       |
| 20:23   | mean saturation, mean value, colourfulness (Hasler–Süsstrunk)|
| 23:32   | 3×3 grid of mean value (layout: low horizon, vignette, …)   |
| 32:33   | edge density (Canny)                                        |
| 33:41   | gradient-orientation histogram (8 bins, magnitude-weighted) |
| 41:42   | sharpness: log variance of the Laplacian                    |
| 42:48   | mean R, G, B and their standard deviations                  |

Each block is scaled so that no single block dominates the cosine similarity.
"""

from __future__ import annotations

import cv2
import numpy as np
from PIL import Image

FEATURE_DIM = 48
FEATURE_VERSION = 1  # bump when the layout changes: the catalog recomputes stored vectors
_SIDE = 128  # features are computed on a thumbnail this wide: fast and resolution-independent

# Relative weight of each block in the final vector.
_W_HUE, _W_SAT, _W_VAL, _W_STATS, _W_GRID, _W_TEXTURE, _W_RGB = 1.0, 0.6, 0.6, 0.8, 0.6, 0.8, 0.6


def image_features(image: Image.Image | np.ndarray) -> np.ndarray:
    """`FEATURE_DIM` float32 values, L2-normalised, for a PIL image or an RGB uint8 array."""
    rgb = _thumbnail(image)
    hsv = cv2.cvtColor(rgb, cv2.COLOR_RGB2HSV_FULL).astype(np.float32)
    hue = hsv[..., 0] / 256.0  # 0..1, wraps
    sat = hsv[..., 1] / 255.0
    val = hsv[..., 2] / 255.0

    chroma = sat * val
    hue_counts = np.bincount(
        np.minimum((hue * 12).astype(np.int64), 11).ravel(), weights=chroma.ravel(), minlength=12
    )
    hue_hist = hue_counts / max(float(chroma.sum()), 1e-6) * min(1.0, float(chroma.mean()) * 4)
    sat_hist = np.histogram(sat, bins=4, range=(0.0, 1.0))[0] / sat.size
    val_hist = np.histogram(val, bins=4, range=(0.0, 1.0))[0] / val.size

    r, g, b = (rgb[..., i].astype(np.float32) / 255.0 for i in range(3))
    rg, yb = r - g, 0.5 * (r + g) - b
    colourfulness = float(np.hypot(rg.std(), yb.std()) + 0.3 * np.hypot(rg.mean(), yb.mean()))
    stats = np.array([sat.mean(), val.mean(), min(colourfulness * 2.0, 1.0)], np.float32)

    h, w = val.shape
    grid = np.array(
        [val[i * h // 3:(i + 1) * h // 3, j * w // 3:(j + 1) * w // 3].mean()
         for i in range(3) for j in range(3)],
        np.float32,
    )

    gray = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    edges = cv2.Canny(gray, 60, 160)
    edge_density = float(np.count_nonzero(edges)) / edges.size
    gx = cv2.Sobel(gray, cv2.CV_32F, 1, 0, ksize=3)
    gy = cv2.Sobel(gray, cv2.CV_32F, 0, 1, ksize=3)
    magnitude = np.hypot(gx, gy)
    angle = (np.arctan2(gy, gx) % np.pi) / np.pi  # orientation, 0..1 (sign-free)
    orient_sum = np.bincount(
        np.minimum((angle * 8).astype(np.int64), 7).ravel(), weights=magnitude.ravel(), minlength=8
    )
    orient = orient_sum / max(float(orient_sum.sum()), 1e-6)
    lap_var = float(cv2.Laplacian(gray, cv2.CV_32F).var())
    sharpness = np.log1p(lap_var) / 10.0
    texture = np.concatenate([[min(edge_density * 5.0, 1.0)], orient, [sharpness]])

    rgb_stats = np.array([r.mean(), g.mean(), b.mean(), r.std(), g.std(), b.std()], np.float32)

    vector = np.concatenate([
        _W_HUE * hue_hist,
        _W_SAT * sat_hist,
        _W_VAL * val_hist,
        _W_STATS * stats,
        _W_GRID * grid / 3.0,
        _W_TEXTURE * texture,
        _W_RGB * rgb_stats,
    ]).astype(np.float32)
    assert vector.shape == (FEATURE_DIM,)
    return normalize(vector)


def normalize(vector: np.ndarray) -> np.ndarray:
    """L2-normalise the last axis (zero vectors stay zero)."""
    norm = np.linalg.norm(vector, axis=-1, keepdims=True)
    return (vector / np.maximum(norm, 1e-12)).astype(np.float32)


def to_blob(vector: np.ndarray) -> bytes:
    return np.asarray(vector, dtype="<f4").tobytes()


def from_blob(blob: bytes | None) -> np.ndarray:
    """The stored vector, or zeros when missing or of another layout."""
    if not blob or len(blob) != FEATURE_DIM * 4:
        return np.zeros(FEATURE_DIM, np.float32)
    return np.frombuffer(blob, dtype="<f4").astype(np.float32)


def _thumbnail(image: Image.Image | np.ndarray) -> np.ndarray:
    pil = Image.fromarray(image) if isinstance(image, np.ndarray) else image
    if pil.mode != "RGB":
        pil = pil.convert("RGB")
    scale = _SIDE / max(pil.size)
    size = (max(8, round(pil.width * scale)), max(8, round(pil.height * scale)))
    pil = pil.resize(size, Image.Resampling.BILINEAR, reducing_gap=2.0)
    return np.ascontiguousarray(np.asarray(pil, dtype=np.uint8))
