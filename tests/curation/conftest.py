"""Fixtures for the operator tools: real images, a catalog folder, a real event queue,
the pending pool, settings pointing at all of them."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from kiosk.config import Settings
from kiosk.curation.pool import PendingPool
from kiosk.domain import Emotion
from kiosk.events.queue import EventQueue
from kiosk.recommend.catalog import Catalog

ImageMaker = Callable[..., bytes]

_counter = iter(range(1_000_000))


def image_bytes(
    width: int = 320, height: int = 256, fmt: str = "JPEG", seed: int | None = None
) -> bytes:
    """A real, unique (random pattern) image encoded as `fmt`."""
    rng = np.random.default_rng(next(_counter) if seed is None else seed)
    base = rng.integers(0, 256, (max(1, height // 16), max(1, width // 16), 3), dtype=np.uint8)
    image = Image.fromarray(base).resize((width, height), Image.Resampling.BILINEAR)
    buffer = io.BytesIO()
    image.save(buffer, fmt, **({"quality": 90} if fmt == "JPEG" else {}))
    return buffer.getvalue()


@pytest.fixture
def make_image() -> ImageMaker:
    return image_bytes


@pytest.fixture
def write_image(tmp_path: Path) -> Callable[..., Path]:
    """`write_image(name, **image_bytes kwargs)`: an image file in an incoming folder."""
    folder = tmp_path / "incoming"
    folder.mkdir(exist_ok=True)

    def write(name: str = "", **kwargs: object) -> Path:
        path = folder / (name or f"img-{next(_counter)}.jpg")
        path.write_bytes(image_bytes(**kwargs))  # type: ignore[arg-type]
        return path

    return write


@pytest.fixture
def catalog_root(tmp_path: Path) -> Path:
    root = tmp_path / "catalog"
    for emotion in Emotion:
        (root / emotion.folder).mkdir(parents=True)
    return root


@pytest.fixture
def settings(tmp_path: Path, data_dir: Path, catalog_root: Path) -> Settings:
    return Settings().with_overrides(
        {"app.data_dir": str(data_dir), "recommend.catalog_dir": str(catalog_root)}, "test"
    )


@pytest.fixture
def catalog(settings: Settings, catalog_root: Path) -> Iterator[Catalog]:
    cat = Catalog(catalog_root, settings.data_dir / "catalog.sqlite3")
    cat.rescan()
    yield cat
    cat.close()


@pytest.fixture
def queue(settings: Settings) -> Iterator[EventQueue]:
    q = EventQueue.from_settings(settings)
    yield q
    q.close()


@pytest.fixture
def pool(settings: Settings, catalog: Catalog, queue: EventQueue) -> Iterator[PendingPool]:
    p = PendingPool.from_settings(settings, catalog, queue)
    yield p
    p.close()


def visible_files(folder: Path) -> list[str]:
    """What the catalog scan would consider: non-hidden files."""
    return sorted(p.name for p in folder.iterdir() if not p.name.startswith("."))


def all_files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())
