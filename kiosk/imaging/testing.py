"""Small odd image files for tests at every decoding entry point.

`make_odd_files(folder)` writes each case of `GOOD` and `BAD` (names as keys)
and returns their paths. Good files decode to `GOOD_SIZE` pixels (w, h) as shown,
upright; `GOOD_PIXEL[name]` is the RGB the centre pixel must have (or None when
only the shape matters), on white (`good_pixel` for another background: the catalog
composites on the card's colour). Each good file shows something besides its centre's
colour (a `MARK` square), so none is a blank the catalog refuses. Bad files must fail
with ImageError of `BAD[name]` kind. `make_catalog_odd_files` writes the files a
catalog folder may hold that the kiosk does not show (`CATALOG_ODD`).
The files are tiny (the 20000×20000 PNG bomb is about 48 KB).
"""

from __future__ import annotations

import functools
import io
from pathlib import Path

import numpy as np
from PIL import Image

W, H = 320, 256  # at least 256 a side: the review pool's minimum
GOOD_SIZE = (W, H)

# name -> expected centre pixel (RGB) after decoding; None: any colour.
GOOD_PIXEL: dict[str, tuple[int, int, int] | None] = {
    "plain.jpg": None,
    "exif_rotated.jpg": None,      # stored 256×320 with orientation 6: shown 320×256
    "cmyk.jpg": (255, 0, 0),       # pure red in CMYK
    "palette_transparent.png": (255, 255, 255),  # transparent index on the white background
    "rgba_hidden.png": (255, 255, 255),  # alpha 0 over hidden green: white, not green
    "gray16.png": (156, 156, 156),  # 40000 / 257, not clipped to 255
    "gray.png": (90, 90, 90),
    "bom_named.png": (10, 200, 30),  # a text BOM means nothing to an image: decodes
}
GOOD = tuple(GOOD_PIXEL)
TRANSPARENT_CENTRE = frozenset({"palette_transparent.png", "rgba_hidden.png"})
MARK = (20, H - 80, 80, H - 20)  # (left, top, right, bottom): a square of another colour


def good_pixel(name: str, background: tuple[int, int, int] = (255, 255, 255)
               ) -> tuple[int, int, int] | None:
    """`GOOD_PIXEL[name]` with transparent pixels composited on `background`."""
    return background if name in TRANSPARENT_CENTRE else GOOD_PIXEL[name]

BAD: dict[str, str] = {
    "truncated.jpg": "truncated",   # cut at 55 %
    "no_eoi.jpg": "truncated",      # only the end marker missing
    "truncated.png": "truncated",   # cut at 55 %
    "no_iend.png": "truncated",     # only the IEND chunk missing
    "wide.png": "aspect",           # 4000×1
    "tall.png": "aspect",           # 10×8000
    "bomb.png": "too_large",        # 20000×20000 in about 48 KB
    "empty.jpg": "empty",
    "folder.jpg": "folder",         # a directory with an image name
    "text.jpg": "not_image",        # UTF-8 text with a BOM, named .jpg
}


def _jpeg(image: Image.Image, **kw: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=90, **kw)
    return buffer.getvalue()


def _png(image: Image.Image, **kw: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "PNG", **kw)
    return buffer.getvalue()


def textured(width: int = W, height: int = H, seed: int = 0) -> Image.Image:
    """A noisy RGB picture (compresses like a photo, so cuts land in pixel data)."""
    rng = np.random.default_rng(seed)
    return Image.fromarray(rng.integers(0, 256, (height, width, 3), dtype=np.uint8), "RGB")


@functools.cache
def odd_bytes() -> dict[str, bytes | None]:
    """Every case's bytes; None for `folder.jpg` (a directory). Made once per process."""
    plain = _jpeg(textured())
    # Stored portrait (H×W), orientation 6 = "rotate 90° clockwise to show".
    exif = Image.Exif()
    exif[0x0112] = 6
    rotated = _jpeg(textured(H, W, seed=1), exif=exif.tobytes())
    palette = Image.new("P", (W, H), 0)
    palette.putpalette([0, 0, 0, 200, 30, 30] + [0, 0, 0] * 254)
    palette.paste(1, (0, 0, W, 20))  # an opaque red band at the top
    rgba = np.zeros((H, W, 4), np.uint8)
    rgba[..., 1] = 255  # green hidden under alpha 0
    left, top, right, bottom = MARK
    rgba[top:bottom, left:right] = (30, 60, 220, 255)  # an opaque blue square
    gray16 = Image.fromarray(np.full((H, W), 40000, np.uint16))
    gray16.paste(10000, MARK)
    cmyk = Image.new("CMYK", (W, H), (0, 255, 255, 0))
    cmyk.paste((0, 0, 0, 255), MARK)
    gray = Image.new("L", (W, H), 90)
    gray.paste(220, MARK)
    bom = Image.new("RGB", (W, H), (10, 200, 30))
    bom.paste((250, 250, 250), MARK)
    big_png = _png(textured(seed=3))
    big_jpeg = _jpeg(textured(640, 480, seed=4))
    return {
        "plain.jpg": plain,
        "exif_rotated.jpg": rotated,
        "cmyk.jpg": _jpeg(cmyk),
        "palette_transparent.png": _png(palette, transparency=0),
        "rgba_hidden.png": _png(Image.fromarray(rgba, "RGBA")),
        "gray16.png": _png(gray16),
        "gray.png": _png(gray),
        "bom_named.png": _png(bom),
        "truncated.jpg": big_jpeg[: int(len(big_jpeg) * 0.55)],
        "no_eoi.jpg": big_jpeg[:-2],
        "truncated.png": big_png[: int(len(big_png) * 0.55)],
        "no_iend.png": big_png[:-12],
        "wide.png": _png(Image.new("RGB", (4000, 1), (1, 2, 3))),
        "tall.png": _png(Image.new("RGB", (10, 8000), (1, 2, 3))),
        "bomb.png": _png(Image.new("1", (20000, 20000))),
        "empty.jpg": b"",
        "folder.jpg": None,
        "text.jpg": "\ufeffnot an image, just text\n".encode(),
    }


def make_odd_files(folder: Path, names: tuple[str, ...] | None = None) -> dict[str, Path]:
    """Write the cases (all, or `names`) into `folder`; returns name -> path."""
    folder.mkdir(parents=True, exist_ok=True)
    out = {}
    for name, data in odd_bytes().items():
        if names is not None and name not in names:
            continue
        path = folder / name
        if data is None:
            path.mkdir(exist_ok=True)
        else:
            path.write_bytes(data)
        out[name] = path
    return out


# Files a catalog folder may hold that the kiosk must not show, or show with a note
# (tester round 25 D7/D8): name -> what a rescan says. "note": used, with a note.
CATALOG_ODD: dict[str, str] = {
    "clear.png": "empty",          # every pixel alpha 0
    "faint.png": "empty",          # alpha 3 of 255 over black: nothing a visitor sees
    "flat.png": "empty",           # one flat colour
    "flat.jpg": "empty",           # one flat colour, with JPEG's own noise
    "anim.gif": "format",          # two frames
    "pages.tif": "format",         # two pages
    "photo.tiff": "format",
    "gif_named.png": "format",     # a GIF under a PNG name
    "notes.txt": "format",
    "logo.png": "shown",           # a white square on a transparent field
    "bad_exif.jpg": "note",        # an EXIF block cut short: Pillow's "Corrupt EXIF data"
}
# An EXIF block whose first directory claims 3 entries and holds 4 bytes of one.
CUT_EXIF = b"Exif\x00\x00II*\x00\x08\x00\x00\x00\x03\x00\x12\x01\x03\x00"


def _saved(image: Image.Image, fmt: str, **kw: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **kw)
    return buffer.getvalue()


@functools.cache
def catalog_odd_bytes() -> dict[str, bytes]:
    """The bytes of each `CATALOG_ODD` case, at least 256 pixels a side."""
    faint = np.zeros((H, W, 4), np.uint8)
    faint[..., 3] = 3
    faint[40:200, 60:260, :3] = 255  # a white shape, nearly all transparent
    logo = np.zeros((H, W, 4), np.uint8)
    logo[64:192, 96:224] = (255, 255, 255, 255)
    return {
        "clear.png": _png(Image.new("RGBA", (W, H), (0, 0, 0, 0))),
        "faint.png": _png(Image.fromarray(faint, "RGBA")),
        "flat.png": _png(Image.new("RGB", (W, H), (200, 30, 30))),
        "flat.jpg": _jpeg(Image.new("RGB", (W, H), (40, 120, 200))),
        "anim.gif": _saved(textured(seed=5), "GIF", save_all=True,
                           append_images=[textured(seed=6)]),
        "pages.tif": _saved(textured(seed=7), "TIFF", save_all=True,
                            append_images=[textured(seed=8)]),
        "photo.tiff": _saved(textured(seed=9), "TIFF"),
        "gif_named.png": _saved(textured(seed=10), "GIF"),
        "notes.txt": b"a list of images to buy\n",
        "logo.png": _png(Image.fromarray(logo, "RGBA")),
        "bad_exif.jpg": _jpeg(textured(seed=11), exif=CUT_EXIF),
    }


def make_catalog_odd_files(folder: Path) -> dict[str, Path]:
    """Write every `CATALOG_ODD` case into `folder`; returns name -> path."""
    folder.mkdir(parents=True, exist_ok=True)
    out = {}
    for name, data in catalog_odd_bytes().items():
        out[name] = folder / name
        out[name].write_bytes(data)
    return out
