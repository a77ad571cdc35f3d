"""Crash-safe file writes for the catalog and the pending pool.

A file appears under its final name only when it is complete and on disk: the
bytes go to a hidden temporary name in the same folder (`.<name>.<random>.part`,
which the catalog scan skips because of the leading dot), are flushed and
fsynced, and the temporary file is renamed over the final name with
`os.replace` (atomic on POSIX and Windows within one file system). Any failure
removes the temporary file, so a full disk never leaves half an image behind.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import secrets
import shutil
import time
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from kiosk.curation.errors import KEPT, CurationError, DiskFullError, is_disk_full
from kiosk.diskspace import fsync_dir

# the stem rule lives with the item ids it makes; MAX_STEM re-exported for callers here
from kiosk.recommend.catalog_names import MAX_STEM as MAX_STEM
from kiosk.recommend.catalog_names import readable_stem

PART_SUFFIX = ".part"
_LEGACY_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")  # `legacy_stem`


def temp_name(dest: Path) -> Path:
    """A hidden, unique temporary path beside `dest`."""
    return dest.with_name(f".{dest.name}.{secrets.token_hex(4)}{PART_SUFFIX}")


def write_bytes_atomic(dest: Path, data: bytes, *, what: str) -> None:
    """Write `data` to `dest` all-or-nothing; `what` names the action in errors."""
    with _atomic(dest, what) as out:
        out.write(data)


def copy_atomic(src: Path, dest: Path, *, what: str) -> None:
    """Copy `src` to `dest` all-or-nothing."""
    with src.open("rb") as fh, _atomic(dest, what) as out:
        shutil.copyfileobj(fh, out, 1024 * 1024)


@contextlib.contextmanager
def _atomic(dest: Path, what: str) -> Iterator[BinaryIO]:
    tmp = temp_name(dest)
    try:
        with tmp.open("xb") as out:
            yield out
            out.flush()
            os.fsync(out.fileno())
        tmp.replace(dest)
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        if is_disk_full(exc):
            raise DiskFullError(dest.parent, what, kept=KEPT) from exc
        raise CurationError(f"cannot {what}: {dest}: {exc.strerror or exc}") from exc
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    fsync_dir(dest.parent)


def sweep_parts(folder: Path, older_than_s: float = 3600.0, prefix: str = ".") -> int:
    """Delete temporary files left by a crash (`<prefix>….part`, older than the limit)."""
    removed = 0
    cutoff = time.time() - older_than_s
    with contextlib.suppress(OSError):
        for path in folder.iterdir():
            if not (path.name.startswith(prefix) and path.name.endswith(PART_SUFFIX)):
                continue
            with contextlib.suppress(OSError):
                if path.stat().st_mtime <= cutoff:
                    path.unlink()
                    removed += 1
    return removed


def safe_stem(name: str) -> str:
    """The readable stem of file name `name` for the catalog: the file's item id is
    `emotions/<emotion>/<stem><ext>` (a Personalize itemId, at most 256 characters), so
    a name copied by hand and the same name imported give the same id.

    `kiosk.recommend.catalog_names.readable_stem` (the one rule: a name copied by hand
    with invisible characters gets this stem as its id too), "image" when nothing is
    left."""
    return readable_stem(name) or "image"


def legacy_stem(name: str) -> str:
    """`safe_stem` as builds before readable names had it (ASCII letters, digits and
    `._-` only): an approval those builds left half done named its file so."""
    stem = _LEGACY_UNSAFE.sub("-", Path(name).stem).strip(".-_")
    return stem[:MAX_STEM].rstrip(".-_") or "image"


def unique_path(folder: Path, stem: str, ext: str, tag: str) -> Path:
    """`folder/stem.ext`, or with `-tag` (then a counter) when that name is taken. A name
    is taken in any Unicode form too: on Linux `고양이.jpg` written decomposed (by a Mac) is
    another file, but the catalog gives both the one item id."""
    try:
        taken = {unicodedata.normalize("NFC", p.name) for p in folder.iterdir()}
    except OSError:
        taken = set()

    def free(path: Path) -> bool:
        return not path.exists() and unicodedata.normalize("NFC", path.name) not in taken

    candidate = folder / f"{stem}{ext}"
    if free(candidate):
        return candidate
    candidate = folder / f"{stem}-{tag}{ext}"
    n = 2
    while not free(candidate):
        candidate = folder / f"{stem}-{tag}-{n}{ext}"
        n += 1
    return candidate


def sha256_file(path: Path) -> str:
    """The sha256 hex digest of the file at `path`, read in 1 MiB chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()
