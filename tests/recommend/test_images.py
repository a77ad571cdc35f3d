"""ImageCache: decode + scale, bounded LRU, thread safety, errors."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from kiosk.domain import Emotion, Item
from kiosk.recommend.errors import CatalogError
from kiosk.recommend.images import ImageCache


def test_cover_fills_the_box_and_contain_fits_inside(tmp_path: Path, write_image: Any) -> None:
    path = write_image(tmp_path / "wide.png", 100, size=64)
    cache = ImageCache(8)
    cover = cache.get(path, (40, 20), fit="cover")
    contain = cache.get(path, (40, 20), fit="contain")
    full = cache.get(path)
    assert cover.shape == (20, 40, 3) and cover.dtype == np.uint8
    assert contain.shape == (20, 20, 3)
    assert full.shape == (64, 64, 3)
    assert not cover.flags.writeable  # shared between callers: read-only


def test_lru_is_bounded_and_counts_hits(tmp_path: Path, write_image: Any) -> None:
    paths = [write_image(tmp_path / f"{i}.jpg", i * 40) for i in range(5)]
    cache = ImageCache(3)
    for p in paths:
        cache.get(p, (16, 16))
    assert len(cache) == 3
    first = cache.get(paths[-1], (16, 16))
    assert cache.get(paths[-1], (16, 16)) is first
    stats = cache.stats()
    assert stats["hits"] == 2 and stats["misses"] == 5 and stats["size"] == 3
    cache.get(paths[0], (16, 16))  # evicted earlier: decoded again
    assert cache.stats()["misses"] == 6


def test_item_keys_include_the_checksum(tmp_path: Path, write_image: Any) -> None:
    path = write_image(tmp_path / "a.png", 10)
    cache = ImageCache(4)
    old = cache.get(Item("emotions/happy/a.png", Emotion.HAPPY, str(path), "c1"), (8, 8))
    write_image(path, 200)
    new = cache.get(Item("emotions/happy/a.png", Emotion.HAPPY, str(path), "c2"), (8, 8))
    assert not np.array_equal(old, new)


def test_concurrent_gets_are_safe(tmp_path: Path, write_image: Any) -> None:
    paths = [write_image(tmp_path / f"{i}.png", i * 30) for i in range(6)]
    cache = ImageCache(4)
    with ThreadPoolExecutor(4) as pool:
        shapes = list(pool.map(lambda i: cache.get(paths[i % 6], (12, 12)).shape, range(60)))
    assert set(shapes) == {(12, 12, 3)}
    assert len(cache) <= 4


def test_errors(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jpg"
    bad.write_bytes(b"nope")
    cache = ImageCache(2)
    with pytest.raises(CatalogError, match="cannot decode"):
        cache.get(bad, (10, 10))
    with pytest.raises(CatalogError, match="cannot read"):
        cache.get_bytes(tmp_path / "missing.jpg")
    assert cache.get_bytes(bad) == b"nope"
    with pytest.raises(ValueError):
        cache.get(bad, (10, 10), fit="stretch")
    with pytest.raises(ValueError):
        ImageCache(0)
