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


def test_a_cached_image_whose_file_is_gone_is_not_served(
        tmp_path: Path, write_image: Any) -> None:
    """An operator pulled it (`rm`, `kiosk-admin catalog remove`): before, the page
    cache kept showing it until it was pushed out (3 more pages over 12 s)."""
    path = write_image(tmp_path / "pulled.jpg", 90)
    cache = ImageCache(8)
    cache.get(path, (16, 16))
    assert cache.get(path, (16, 16)).shape == (16, 16, 3) and cache.hits == 1
    path.unlink()
    with pytest.raises(CatalogError, match=r"pulled\.jpg"):
        cache.get(path, (16, 16))
    assert (len(cache), cache.nbytes) == (0, 0)


def test_the_cache_is_bounded_in_bytes_too(tmp_path: Path, write_image: Any) -> None:
    """A page image is 640x640 RGB (1.2 MB): `max_bytes` bounds the memory however
    many images `max_items` allows; the newest image always stays."""
    paths = [write_image(tmp_path / f"{i}.jpg", i * 40) for i in range(6)]
    one = 32 * 32 * 3
    cache = ImageCache(64, max_bytes=3 * one + 10)
    for p in paths:
        cache.get(p, (32, 32))
        assert cache.nbytes <= 3 * one + 10
    assert len(cache) == 3 and cache.nbytes == 3 * one
    assert cache.stats()["bytes"] == 3 * one
    kept = cache.get(paths[-1], (32, 32))
    assert cache.stats()["hits"] == 1
    big = ImageCache(64, max_bytes=one // 2)  # smaller than one image: keeps the newest
    assert big.get(paths[0], (32, 32)).nbytes == one and len(big) == 1
    big.get(paths[1], (32, 32))
    assert len(big) == 1 and big.nbytes == one
    cache.clear()
    assert cache.nbytes == 0 and kept.shape == (32, 32, 3)
    with pytest.raises(ValueError):
        ImageCache(4, max_bytes=0)


def test_the_service_bounds_its_page_images_by_cache_mb(tmp_path: Path) -> None:
    from kiosk.config import load_settings
    from kiosk.recommend.service import RecommendationService

    settings = load_settings(env={}, overrides={"app.data_dir": str(tmp_path),
                                                "recommend.cache_mb": "2.5"})
    with RecommendationService(settings, scan=False) as service:
        assert service.cache.max_bytes == int(2.5 * 2**20)
        assert settings.recommend.cache_mb == 2.5
    assert load_settings(env={}, overrides={}).recommend.cache_mb == 8.0


def test_decode_without_enlarging_keeps_the_aspect(tmp_path: Path, write_image: Any) -> None:
    from kiosk.recommend.images import decode_scaled

    path = write_image(tmp_path / "a.png", 100, size=64)
    assert decode_scaled(path, (128, 96), "cover").shape == (96, 128, 3)
    assert decode_scaled(path, (128, 96), "cover", enlarge=False).shape == (48, 64, 3)
    assert decode_scaled(path, (128, 96), "contain", enlarge=False).shape == (64, 64, 3)
    assert decode_scaled(path, (32, 24), "cover", enlarge=False).shape == (24, 32, 3)



@pytest.mark.parametrize("fit", ["cover", "contain"])
def test_a_page_image_at_its_own_size_is_not_copied_again(
        tmp_path: Path, write_image: Any, fit: str) -> None:
    """The demo catalog's 640x640 images are shown at 640x640: one Pillow image (the
    decode) and one array (numpy over Pillow's bytes). Old code also made a scaled
    copy at the same size (1.6 MB: Pillow keeps RGB in 4 bytes a pixel) and copied
    the array (1.2 MB), both while the decode's own buffers were still held."""
    from PIL import Image

    from kiosk.recommend.images import decode_scaled

    path = write_image(tmp_path / "page.jpg", 30, size=640)
    before = Image.core.get_stats()["new_count"]
    array = decode_scaled(path, (640, 640), fit)
    assert Image.core.get_stats()["new_count"] - before == 1
    assert array.shape == (640, 640, 3) and not array.flags.writeable
    assert not array.flags.owndata  # a view of the bytes Pillow handed numpy
    smaller = decode_scaled(path, (320, 320), fit)  # a real scale still happens
    assert smaller.shape == (320, 320, 3)
