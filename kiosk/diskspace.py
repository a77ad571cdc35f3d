"""Free space on the disk holding a path (for "disk full" messages and the self-test)."""

from __future__ import annotations

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
