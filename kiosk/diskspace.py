"""The disk under a path: free space (for "disk full" messages and the self-test),
whether it looks full, and making a rename in a folder durable."""

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
