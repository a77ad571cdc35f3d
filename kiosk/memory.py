"""Process-wide memory settings for the kiosk app (glibc's malloc).

glibc serves a block of 128 KiB or more with its own `mmap` and gives it back to
the system on `free`; but each such `free` raises that threshold (up to 32 MB), so
afterwards the camera frames, QImages and numpy temporaries (about 1 MB each, at
15 frames per second on several threads) come from the per-thread heaps instead,
which return memory to the system only from their top and fragment. Measured on the
kiosk (`python -m kiosk.bench startup`'s run, 12 s in, both models loaded): peak
RSS 435-482 MB with the default against 410-417 MB with the threshold fixed at
128 KiB. `MALLOC_ARENA_MAX=2` made no difference there, so the arenas stay as they are.

Only the app calls `tune_malloc()` (at start, before its threads); tools and tests
keep the defaults. Where glibc is not the C library it does nothing.
"""

from __future__ import annotations

import ctypes
import logging
import sys

log = logging.getLogger(__name__)

M_MMAP_THRESHOLD = -3  # glibc <malloc.h>
MMAP_THRESHOLD_BYTES = 128 * 1024


def tune_malloc() -> bool:
    """Fix glibc's mmap threshold at `MMAP_THRESHOLD_BYTES`; True when it was set."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):  # not glibc (musl has no mallopt)
        return False
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    mallopt.restype = ctypes.c_int
    ok = bool(mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES))
    if not ok:
        log.debug("mallopt(M_MMAP_THRESHOLD) refused; glibc's defaults stay")
    return ok
