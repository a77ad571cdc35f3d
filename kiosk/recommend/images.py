"""Decoded, scaled catalog images for the grid, with a bounded LRU cache.

The Qt image worker calls `ImageCache.get` from a worker thread (decoding a
768-pixel JPEG takes milliseconds, too long for the GUI thread) and converts the
returned RGB array to a QImage; nothing here imports Qt. Thread-safe: two threads
asking for the same image may both decode it, but the cache stays consistent.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps

from kiosk.domain import Item
from kiosk.imaging import ImageError, ImagePolicy, load_image
from kiosk.recommend.errors import CatalogError

log = logging.getLogger(__name__)

FIT_MODES = ("cover", "contain")
# The card an image is drawn on (kiosk.ui.theme.SURFACE; a test keeps the two equal):
# transparent pixels are composited on it, so a logo on a transparent PNG sits on the
# card instead of in a white box, and `kiosk.imaging.blank` judges what a visitor sees.
CARD_BACKGROUND = (0x18, 0x1C, 0x24)
CARD_POLICY = ImagePolicy(background=CARD_BACKGROUND)


class ImageCache:
    """Decode + scale images to a target size, keeping the most recently used ones
    in memory: at most `max_items` of them and at most `max_bytes` of pixels (None:
    no byte bound). The newest image is always kept, even one larger than
    `max_bytes`, so a page never decodes its own images twice.

    `get(item, (w, h))` returns a read-only HxWx3 uint8 RGB array; a cached one only
    while its file is still there (one stat: an image pulled from the catalog folder
    is not shown again from the cache, the decode names the missing file). With `fit="cover"`
    (the grid's square tiles) the image fills the box and is centre-cropped; with
    "contain" it fits inside the box, keeping its aspect ratio.

    Why a byte bound: a page image is 640x640 RGB (1.2 MB), and in a 60 s run of the
    kiosk with Next pressed every 2 s only 2 of 116 requests hit (pages rarely repeat
    an image), while 32 cached images held 38 MB (`[recommend] cache_mb`).
    """

    def __init__(self, max_items: int = 64, max_bytes: int | None = None):
        if max_items < 1:
            raise ValueError("max_items must be at least 1")
        if max_bytes is not None and max_bytes < 1:
            raise ValueError("max_bytes must be at least 1 (or None: no byte bound)")
        self.max_items = max_items
        self.max_bytes = max_bytes
        self._lock = threading.Lock()
        self._entries: OrderedDict[tuple[str, str, int, int, str], np.ndarray] = OrderedDict()
        self._bytes = 0
        self.hits = 0
        self.misses = 0

    def get(
        self, item: Item | str | Path, size: tuple[int, int] | None = None, fit: str = "cover"
    ) -> np.ndarray:
        """The image of `item` (an Item or a file path) scaled to `size` (width, height);
        `size` None: full resolution. Raises CatalogError if the file cannot be decoded."""
        if fit not in FIT_MODES:
            raise ValueError(f"fit must be one of {FIT_MODES}, not {fit!r}")
        path, stamp = (item.path, item.checksum) if isinstance(item, Item) else (str(item), "")
        width, height = size if size is not None else (0, 0)
        if size is not None and (width < 1 or height < 1):
            raise ValueError(f"size must be positive, not {size}")
        key = (path, stamp, width, height, fit)
        with self._lock:
            cached = self._entries.get(key)
        if cached is not None and Path(path).exists():  # one stat: a pulled file is not served
            with self._lock:
                if key in self._entries:
                    self._entries.move_to_end(key)
                self.hits += 1
            return cached
        with self._lock:
            if cached is not None:  # gone since (rm, kiosk-admin catalog remove): dropped
                gone = self._entries.pop(key, None)
                self._bytes -= gone.nbytes if gone is not None else 0
            self.misses += 1
        array = decode_scaled(path, size, fit)
        with self._lock:
            old = self._entries.pop(key, None)  # another thread decoded it meanwhile
            if old is not None:
                self._bytes -= old.nbytes
            self._entries[key] = array
            self._bytes += array.nbytes
            while len(self._entries) > 1 and (
                    len(self._entries) > self.max_items
                    or (self.max_bytes is not None and self._bytes > self.max_bytes)):
                _, evicted = self._entries.popitem(last=False)
                self._bytes -= evicted.nbytes
        return array

    def get_bytes(self, item: Item | str | Path) -> bytes:
        """The file's encoded bytes (not cached: the OS cache does that well)."""
        path = item.path if isinstance(item, Item) else str(item)
        try:
            return Path(path).read_bytes()
        except OSError as exc:
            raise CatalogError(f"cannot read image {path}: {exc.strerror}") from exc

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._bytes = 0

    @property
    def nbytes(self) -> int:
        """Bytes of pixels held now."""
        with self._lock:
            return self._bytes

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)

    def stats(self) -> dict[str, int]:
        with self._lock:
            return {"size": len(self._entries), "max": self.max_items,
                    "bytes": self._bytes, "max_bytes": self.max_bytes or 0,
                    "hits": self.hits, "misses": self.misses}


def decode_scaled(path: str | Path, size: tuple[int, int] | None, fit: str = "cover",
                  *, enlarge: bool = True) -> np.ndarray:
    """Decode one image file under the one image policy (`kiosk.imaging`: limits,
    truncation check, EXIF orientation, transparency on the card's colour) and scale it
    (high-quality downsampling). With `enlarge` False an image smaller than `size`
    is not scaled up: the box shrinks to the image, keeping its aspect ratio (an
    upscaled copy holds no more detail, only more bytes: 800x800 RGB is 1.9 MB, the
    640x640 catalog image 1.2 MB). Raises CatalogError naming the file."""
    try:
        # libjpeg may decode at a reduced scale when the target is much smaller.
        draft = 2 * max(size) if size is not None else None
        image = load_image(path, draft_side=draft, policy=CARD_POLICY)
    except ImageError as exc:
        raise CatalogError(f"cannot decode image {exc}") from exc
    if size is not None and not enlarge:
        grow = (max if fit == "cover" else min)(size[0] / image.width, size[1] / image.height)
        if grow > 1:
            size = (max(1, round(size[0] / grow)), max(1, round(size[1] / grow)))
    if size is not None and image.size != tuple(size):  # at that size already: no copy
        if fit == "cover":
            image = ImageOps.fit(image, size, Image.Resampling.LANCZOS)
        else:
            image = ImageOps.contain(image, size, Image.Resampling.LANCZOS)
    return _frozen_pixels(image)


def _frozen_pixels(image: Image.Image) -> np.ndarray:
    """The image's pixels as a read-only HxWx3 uint8 array, copied once.

    `np.asarray` already copies (Pillow hands numpy its bytes), and a read-only array
    over those bytes is what the cache and the window share; a second `.copy()` made
    every page image exist three times at once while it was decoded."""
    array = np.asarray(image, dtype=np.uint8)
    if array.flags.writeable:  # a Pillow that shares its own buffer: keep ours apart
        array = array.copy()
    array.flags.writeable = False
    return array
