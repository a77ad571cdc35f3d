"""The disk under a path: free space (for "disk full" messages and the self-test),
whether it looks full or is mounted read-only, and making a rename in a folder
durable."""

from __future__ import annotations

import os
import shutil
from pathlib import Path


def free_mb(path: Path) -> float | None:
    """Megabytes free on the disk of `path`, or of its nearest existing parent; None
    when no part of the path can be examined."""
    for candidate in (path, *path.parents):
        try:
            return shutil.disk_usage(candidate).free / 1e6
        except OSError:
            continue
    return None


FULL_BELOW_MB = 1.0
"""Less free space than this (MB) and the disk is taken as full: the cause of a write
that failed with only a vague error (SQLite's "disk I/O error" when it cannot grow its
-wal or -shm file on a full disk)."""


def looks_full(path: Path) -> bool:
    """True when the disk of `path` has less than FULL_BELOW_MB free (False when it
    cannot be examined)."""
    free = free_mb(path)
    return free is not None and free < FULL_BELOW_MB


def mounted_read_only(path: Path) -> bool:
    """True when the disk of `path` (or of its nearest existing parent) is mounted
    read-only (statvfs ST_RDONLY: a `mount -o ro`, a read-only bind mount, a disk the
    kernel remounted read-only after I/O errors). False when it cannot be examined, and
    on Windows (no statvfs)."""
    statvfs = getattr(os, "statvfs", None)
    if statvfs is None:
        return False
    for candidate in (path, *path.parents):
        try:
            return bool(statvfs(candidate).f_flag & os.ST_RDONLY)
        except OSError:
            continue
    return False


def fsync_dir(folder: Path) -> None:
    """Make a rename in `folder` durable (POSIX). A no-op on Windows, where folders cannot
    be opened and a rename is already as durable as the platform makes it; an OSError
    (folder gone, a file system without folder fsync) is ignored, as the rename stands."""
    if os.name == "nt":
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
