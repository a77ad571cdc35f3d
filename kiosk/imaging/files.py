"""Which files are images, and batch arguments expanded to image files."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

# Suffixes the decoders read (the catalog shows a subset: see recommend.catalog).
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp", ".bmp")


def is_image_name(path: Path) -> bool:
    """True for a visible file name with an image suffix (case-insensitive)."""
    return not path.name.startswith(".") and path.suffix.lower() in IMAGE_SUFFIXES


def image_files(folder: Path) -> list[Path]:
    """The image files directly inside `folder`, sorted by name (hidden files and
    sub-folders left out). OSError when the folder cannot be listed."""
    return sorted(p for p in folder.iterdir() if is_image_name(p) and p.is_file())


def expand_image_args(paths: Iterable[Path]) -> list[Path]:
    """Command-line arguments as image files: a folder becomes the images directly
    inside it (sorted); anything else is kept as given, so that a missing or bad
    file is reported by name when it is decoded. A folder with no images (or one
    that cannot be listed) is kept as given, for the caller to report."""
    out: list[Path] = []
    for path in paths:
        if path.is_dir():
            try:
                found = image_files(path)
            except OSError:
                found = []
            if found:
                out.extend(found)
                continue
        out.append(path)
    return out
