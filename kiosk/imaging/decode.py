"""Decode an image file or bytes under the one policy: header limits first, then a
checked full decode, EXIF orientation, transparency on a defined background, and
every colour mode (CMYK, palette, 16-bit, grayscale) as 8-bit RGB.

    image = load_image(path, max_side=512)   # PIL RGB, upright, fully loaded
    rgb = load_rgb(path)                     # HxWx3 uint8, read-only
    bgr = load_bgr(path, max_side=1920)      # the same for OpenCV code
    info = probe(data, name="upload.png")    # format and size, no pixel decoded

Every failure is an `ImageError` naming the file, with `kind` saying why:
a truncated file (JPEG without its end marker, PNG without IEND or cut inside
the pixel data) is an error, never a grey-filled picture that gets classified.
Thread-safe: nothing global is changed (Pillow's LOAD_TRUNCATED_IMAGES is read,
never set).

Damaged EXIF data never prints Pillow's raw warning ("Corrupt EXIF data. Expecting
to read 12 bytes but only got 4."): a filter added once at import silences exactly
those messages, and `kiosk.imaging.exif` finds the fault for a line naming the file
(`EXIF_DAMAGED`, in the caller's `notes`); the picture is still used.
"""

from __future__ import annotations

import io
import logging
import re
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from kiosk.imaging.errors import ImageError
from kiosk.imaging.exif import EXIF_WARNINGS, exif_problem
from kiosk.imaging.policy import DEFAULT_POLICY, ImagePolicy

log = logging.getLogger(__name__)

Source = str | Path | bytes
_SIXTEEN_BIT = frozenset({"I;16", "I;16B", "I;16L", "I;16N", "I"})
_ALPHA_MODES = frozenset({"RGBA", "LA", "PA", "RGBa", "La"})
NOT_READABLE = "not an image the kiosk can read; use JPEG, PNG or WebP"
EXIF_DAMAGED = ("its EXIF data (camera details, orientation) is damaged ({}); the image is "
                "still used; save it again in an image editor to mend it")
BLANK_SPREAD = 8  # levels (0-255): an image whose 64-px thumbnail spans no more is blank
# Once, not per decode (see kiosk.imaging.exif); the same entry is in pyproject's pytest
# filterwarnings (pytest resets the filters per test).
warnings.filterwarnings("ignore", message=EXIF_WARNINGS, category=UserWarning)


@dataclass(frozen=True, slots=True)
class ImageInfo:
    """What a header says: Pillow's format name ("JPEG", "PNG", …) and the size in
    pixels as stored (before EXIF rotation)."""

    format: str
    width: int
    height: int


def read_bytes(source: Source, name: str | None = None,
               policy: ImagePolicy = DEFAULT_POLICY) -> tuple[bytes, str]:
    """The encoded bytes of `source` and the name to report it by; ImageError for a
    missing file, a folder, an empty or oversized file, or an OS read error."""
    if isinstance(source, bytes):
        label = name or "image data"
        policy.check_bytes(label, len(source))
        return source, label
    path = Path(source)
    label = name or str(path)
    try:
        if path.is_dir():
            raise ImageError(label, "folder", "is a folder, not an image file")
        size = path.stat().st_size
    except FileNotFoundError:
        raise ImageError(label, "missing", "no such file; check the path") from None
    except OSError as exc:
        raise ImageError(label, "unreadable", f"cannot read it ({exc.strerror})") from None
    policy.check_bytes(label, size)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ImageError(label, "missing", "the file disappeared while it was read") from None
    except OSError as exc:
        raise ImageError(label, "unreadable", f"cannot read it ({exc.strerror})") from None
    policy.check_bytes(label, len(data))  # it may have changed since the stat
    return data, label


def probe(source: Source, *, name: str | None = None,
          policy: ImagePolicy = DEFAULT_POLICY) -> ImageInfo:
    """Format and size from the header only, checked against `policy`."""
    data, label = read_bytes(source, name, policy)
    with _opened(data, label, policy) as image:
        return ImageInfo(str(image.format), image.width, image.height)


def load_image(source: Source, *, name: str | None = None, max_side: int | None = None,
               draft_side: int | None = None, policy: ImagePolicy = DEFAULT_POLICY,
               notes: list[str] | None = None) -> Image.Image:
    """The image as a fully loaded, upright 8-bit RGB PIL image.

    `max_side` (pixels) shrinks it to fit a max_side × max_side box, keeping the
    aspect ratio; JPEGs are then decoded at a reduced scale by libjpeg, so a
    24 MP photo for a 512-pixel thumbnail never exists at full size in memory.
    `draft_side` asks for that reduced JPEG decode alone (both sides kept at least
    `draft_side` pixels), for callers that crop or scale themselves. What is wrong
    but does not lose the picture (damaged EXIF data) is appended to `notes` as one
    line naming the file, for the caller's report; without `notes` it is logged at
    DEBUG (a grid or camera decode would repeat it at every decode)."""
    if max_side is not None and max_side < 1:
        raise ValueError(f"max_side must be positive, not {max_side}")
    if draft_side is None:
        draft_side = max_side
    data, label = read_bytes(source, name, policy)
    with _opened(data, label, policy) as image:
        fmt = image.format
        if fmt == "PNG":
            _verify_png(data, label)
        elif fmt in ("JPEG", "MPO"):
            _check_jpeg_end(data, label)
            if draft_side is not None and draft_side > 0:
                image.draft(None, (draft_side, draft_side))
        _load_pixels(image, label)
        upright = _exif_upright(image, label, notes)
    rgb = to_rgb(upright, policy.background)
    if max_side is not None and max(rgb.size) > max_side:
        rgb.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    return rgb


def load_rgb(source: Source, *, name: str | None = None, max_side: int | None = None,
             policy: ImagePolicy = DEFAULT_POLICY) -> np.ndarray:
    """`load_image` as a read-only HxWx3 uint8 RGB array."""
    array = np.asarray(load_image(source, name=name, max_side=max_side, policy=policy),
                       dtype=np.uint8).copy()
    array.flags.writeable = False
    return array


def load_bgr(source: Source, *, name: str | None = None, max_side: int | None = None,
             policy: ImagePolicy = DEFAULT_POLICY) -> np.ndarray:
    """`load_image` as a read-only HxWx3 uint8 BGR array (OpenCV's order)."""
    rgb = np.asarray(load_image(source, name=name, max_side=max_side, policy=policy),
                     dtype=np.uint8)
    array = np.ascontiguousarray(rgb[:, :, ::-1])
    array.flags.writeable = False
    return array


def to_rgb(image: Image.Image, background: tuple[int, int, int]) -> Image.Image:
    """Any Pillow mode as 8-bit RGB: 16-bit gray scaled (not clipped), transparency
    composited on `background`, CMYK/palette/gray/YCbCr converted."""
    mode = image.mode
    if mode in _SIXTEEN_BIT:
        gray = np.asarray(image, dtype=np.float64) / 257.0
        image = Image.fromarray(np.clip(gray + 0.5, 0, 255).astype(np.uint8), "L")
        mode = "L"
    elif mode == "F":
        image = Image.fromarray(np.clip(np.asarray(image), 0, 255).astype(np.uint8), "L")
        mode = "L"
    if mode in _ALPHA_MODES or "transparency" in image.info:
        rgba = image.convert("RGBA")
        base = Image.new("RGBA", rgba.size, (*background, 255))
        return Image.alpha_composite(base, rgba).convert("RGB")
    return image if mode == "RGB" else image.convert("RGB")


@contextmanager
def _opened(data: bytes, label: str, policy: ImagePolicy) -> Iterator[Image.Image]:
    """Open the header (no pixels yet) and apply the size policy to it."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        claimed = re.search(r"\((\d+) pixels\)", str(exc))
        count = f"{int(claimed.group(1)):,} pixels" if claimed else "too many pixels"
        raise ImageError(
            label, "too_large", f"{count} is more than the limit of {policy.max_pixels:,}; "
            "scale it down (for example to 4000 pixels on the long side)",
        ) from None
    except UnidentifiedImageError:
        raise ImageError(
            label, "not_image", NOT_READABLE) from None
    except Exception as exc:  # Pillow raises many types for a damaged header
        raise ImageError(label, "corrupt", f"damaged image header ({exc})") from None
    # Not closed on the way out: it reads from memory (no file handle), and the
    # decoded image is handed on without a copy.
    policy.check_size(label, image.width, image.height)
    yield image


def _load_pixels(image: Image.Image, label: str) -> None:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image.load()
    except OSError as exc:
        if "truncated" in str(exc).lower():
            raise ImageError(label, "truncated", _TRUNCATED) from None
        raise ImageError(label, "corrupt", f"damaged pixel data ({exc})") from None
    except Exception as exc:  # Pillow raises many types for bad data
        raise ImageError(
            label, "corrupt", f"damaged pixel data ({type(exc).__name__}: {exc})"
        ) from None


_TRUNCATED = "the file is cut short (truncated); copy or download it again"


def _verify_png(data: bytes, label: str) -> None:
    """Pillow's PNG verify walks every chunk's CRC up to IEND without decoding."""
    try:
        with Image.open(io.BytesIO(data)) as check:
            check.verify()
    except Exception as exc:
        if "truncated" in str(exc).lower() or isinstance(exc, EOFError):
            raise ImageError(label, "truncated", _TRUNCATED) from None
        raise ImageError(label, "corrupt", f"damaged PNG ({exc})") from None


def _check_jpeg_end(data: bytes, label: str) -> None:
    """A JPEG's last scan (SOS, FFDA) must be followed by its end marker (EOI, FFD9).

    Entropy-coded data never contains FFD9 (byte stuffing), so a file cut inside
    the last scan has no EOI after it; an EXIF thumbnail's EOI comes earlier."""
    sos = data.rfind(b"\xff\xda")
    if sos < 0 or data.find(b"\xff\xd9", sos) < 0:
        raise ImageError(label, "truncated", _TRUNCATED)


def _exif_upright(image: Image.Image, label: str, notes: list[str] | None) -> Image.Image:
    """The image turned as its EXIF orientation says (what Pillow could read of a
    damaged block; none: as stored), with a line in `notes` when the block is damaged.
    In place: the image is ours, and a copy of every decoded image costs time."""
    problem = exif_problem(image.info.get("exif"))
    try:
        ImageOps.exif_transpose(image, in_place=True)
    except Exception as exc:  # a damaged EXIF block must not lose the picture
        problem = problem or f"{type(exc).__name__}: {exc}"
    if problem:
        note = f"{label}: {EXIF_DAMAGED.format(problem)}"
        if notes is None:
            log.debug("%s", note)
        else:
            notes.append(note)
    return image


def blank(image: Image.Image) -> bool:
    """True when `image` shows nothing: every pixel one colour (a fully transparent
    image composited on its background is one too), within `BLANK_SPREAD` levels on
    a 64-pixel thumbnail, so JPEG noise or a stray pixel does not make a flat card
    a picture, while a thin line drawing still is one."""
    small = image.resize((min(64, image.width), min(64, image.height)), Image.Resampling.BOX)
    extrema = small.getextrema()
    bands = extrema if isinstance(extrema[0], tuple) else (extrema,)
    return all(float(hi) - float(lo) <= BLANK_SPREAD for lo, hi in bands)
