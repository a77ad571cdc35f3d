"""Fixtures for the recommend tests: small image catalogs and synthetic items."""

from __future__ import annotations

import colorsys
import io
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from kiosk.domain import Emotion, Item

HUES = {e: i * 45.0 for i, e in enumerate(Emotion)}  # each emotion its own colour


def write_image(path: Path, hue: float = 0.0, size: int = 48, fmt: str | None = None,
                stripes: int = 0) -> Path:
    """A small gradient image (optionally striped, for texture) at `path`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    y, x = np.mgrid[0:size, 0:size] / size
    r, g, b = colorsys.hsv_to_rgb((hue % 360) / 360, 0.8, 0.9)
    rgb = np.stack([r * (0.5 + 0.5 * x), g * (0.5 + 0.5 * y), b * np.ones_like(x)], -1)
    if stripes:
        rgb *= (0.6 + 0.4 * (np.sin(x * stripes * np.pi) > 0))[..., None]
    Image.fromarray((rgb * 255).astype(np.uint8)).save(path, fmt)
    return path


def jpeg_bytes(hue: float = 0.0) -> bytes:
    """A valid small JPEG, in memory."""
    buf = io.BytesIO()
    y, x = np.mgrid[0:32, 0:32] / 32
    Image.fromarray((np.stack([x, y, x * 0 + hue / 360], -1) * 255).astype(np.uint8)).save(
        buf, "JPEG"
    )
    return buf.getvalue()


@pytest.fixture
def catalog_dir(tmp_path: Path) -> Path:
    """Two images per emotion: `<emotion>/<emotion>-1.jpg` and `-2.png`."""
    root = tmp_path / "catalog"
    for emotion, hue in HUES.items():
        write_image(root / emotion.folder / f"{emotion.folder}-1.jpg", hue)
        write_image(root / emotion.folder / f"{emotion.folder}-2.png", hue + 10, stripes=6)
    return root


def synthetic_items(per_emotion: int = 12, clusters: int = 2, seed: int = 0,
                    dim: int = 16) -> tuple[list[Item], np.ndarray, np.ndarray]:
    """Items for every emotion, each in one of `clusters` visual clusters shared across
    emotions; returns (items, features, cluster of each item)."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(clusters, dim)) * 3
    items, feats, cluster = [], [], []
    for emotion in Emotion:
        for i in range(per_emotion):
            c = i % clusters
            items.append(Item(id=f"emotions/{emotion.folder}/{i:03d}.jpg", emotion=emotion,
                              path=f"/nowhere/{emotion.folder}/{i:03d}.jpg"))
            feats.append(centres[c] + rng.normal(size=dim))
            cluster.append(c)
    f = np.array(feats, np.float32)
    return items, f / np.linalg.norm(f, axis=1, keepdims=True), np.array(cluster)


@pytest.fixture(name="write_image")
def _write_image() -> object:
    """`write_image(path, hue=0, size=48, fmt=None, stripes=0)`."""
    return write_image


@pytest.fixture(name="synthetic_items")
def _synthetic_items() -> object:
    """`synthetic_items(per_emotion=12, clusters=2, seed=0, dim=16)`."""
    return synthetic_items
