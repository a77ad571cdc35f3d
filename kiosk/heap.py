"""Give the C heap's free pages back to the system after a burst of short-lived memory.

glibc's malloc keeps what a thread frees in that thread's arena for later use, and
past the first large block it frees, it also serves blocks of up to that size from
the arena instead of mapping them (the "dynamic mmap threshold"), so a burst of large
temporaries leaves its pages resident, in an arena the rest of the kiosk may never
allocate from again. Two bursts happen only on a first start: tracing the vision
models (`kiosk.vision.factory`) and decoding every catalog image to index it
(`kiosk.recommend.catalog`). `release_free_heap()` after each asks glibc to return
every wholly free page of every arena (`malloc_trim(0)`); it changes no allocation
policy (a fixed mmap threshold would, and slowed a vision step by half: see the
README), so steady inference is not slowed. Measured on the 2-core machine, a first
start of the source install: 15 MB returned at the end of the catalog indexing
(395.6 → 380.5 MB resident), 10 MB after the model load when it traced on the vision
thread (306 → 296 MB; a normal start's load: 290 → 286 MB).

A kiosk left running also trims once at the end of every visit (on the recommend
thread, `kiosk.backend.KioskBackend.end_visit`): a visit's page decodes and the
vision thread's short-lived buffers leave free pages in the arenas that a trim gives
back; at DEBUG each trim logs the resident size it returned. Measured on the bundle
(README "Memory"): see "A running kiosk's own memory".

No Qt; callable from any thread (ctypes releases the GIL around the call, which takes
a few milliseconds).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import logging
import os
import sys
from collections.abc import Callable

log = logging.getLogger(__name__)


@functools.cache
def _malloc_trim() -> Callable[[int], int] | None:
    """glibc's `malloc_trim`, or None elsewhere (macOS, Windows, musl)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        trim = libc.malloc_trim
    except (OSError, AttributeError):  # not glibc
        return None
    trim.argtypes = [ctypes.c_size_t]
    trim.restype = ctypes.c_int
    return trim


def release_free_heap(why: str = "") -> bool:
    """Return the C heap's wholly free pages to the system (`malloc_trim(0)`); True when
    glibc did release some, False when none or where there is no glibc."""
    trim = _malloc_trim()
    if trim is None:
        return False
    before = resident_kb()
    released = bool(trim(0))
    after = resident_kb()
    if log.isEnabledFor(logging.DEBUG):
        log.debug("free heap pages returned%s: %s (resident %.1f -> %.1f MB)",
                  f" after {why}" if why else "", released, before / 1024, after / 1024)
    return released


def resident_kb() -> int:
    """This process's resident size in kB (/proc/self/statm), 0 where there is none."""
    try:
        with open("/proc/self/statm", "rb") as statm:
            pages = int(statm.read().split()[1])
    except (OSError, ValueError, IndexError):
        return 0
    return pages * (os.sysconf("SC_PAGE_SIZE") // 1024)
