"""Hand back the code pages that only starting up used.

A process's resident size counts every page of a shared library's code it has ever
touched. `import torch` touches about 70 MB of `libtorch_cpu.so`'s code while it
registers its ~2,000 operators, code the kiosk never runs again: the kiosk's steady
work (the vision models, Qt's painting, the SQLite queue) uses a small part of it.
Those pages are clean copies of the file on disk (code is mapped read-only and never
written), so `release_code_pages()` asks the kernel to unmap them from this process
(`madvise(MADV_DONTNEED)` on each read-only, executable, file-backed mapping that holds
no private page); a page needed again is mapped again from the page cache on its next
use (a minor fault, no disk read while the file stays cached). Nothing is lost: a
mapping with any private (written) page, or without a file behind it (JIT code), is
left alone. Measured (README "Memory"): after `import torch` and a model's first
passes, 251 -> 191 MB resident.

What this changes is this process's resident set (RSS, and PSS), the figure an
operator's tools and issue #15's target read: the pages stay in the system's page
cache, which the kernel frees first when memory runs short, rather than mapped into
the kiosk, where it frees them last. Linux only; a no-op elsewhere. Called after the
vision models are loaded (`kiosk.vision.factory`) and at the end of every visit
(`kiosk.backend.KioskBackend.end_visit`), beside `kiosk.heap.release_free_heap`.

No Qt; callable from any thread. Reading /proc/self/smaps takes a few milliseconds.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import logging
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from kiosk.heap import resident_kb

log = logging.getLogger(__name__)

MADV_DONTNEED = 4  # <sys/mman.h>, the same on every Linux architecture
SMAPS = Path("/proc/self/smaps")


@dataclass(frozen=True, slots=True)
class Mapping:
    """One mapping of /proc/self/smaps: its address range, permissions ("r-xp"), the
    file behind it ("" for none), and its resident and private-anonymous sizes in kB."""

    start: int
    end: int
    perms: str
    path: str
    rss_kb: int
    anonymous_kb: int

    @property
    def clean_code(self) -> bool:
        """Read-only executable code of a file, none of it written by this process."""
        return (self.perms == "r-xp" and self.path.startswith("/")
                and not self.path.endswith("(deleted)")
                and self.rss_kb > 0 and self.anonymous_kb == 0)


def parse_smaps(lines: Iterable[str]) -> Iterator[Mapping]:
    """The mappings of an smaps text (proc(5)): a header line per mapping
    ("START-END PERMS OFFSET DEV INODE [PATH]") followed by "Key: N kB" lines."""
    head: list[str] | None = None
    rss = anon = 0
    for line in lines:
        first = line.split(maxsplit=5)
        if not first:
            continue
        if "-" in first[0] and not first[0].endswith(":"):
            if head is not None:
                yield _mapping(head, rss, anon)
            head, rss, anon = first, 0, 0
        elif first[0] == "Rss:":
            rss = int(first[1])
        elif first[0] == "Anonymous:":
            anon = int(first[1])
    if head is not None:
        yield _mapping(head, rss, anon)


def _mapping(head: list[str], rss: int, anon: int) -> Mapping:
    start, _, end = head[0].partition("-")
    path = head[5].strip() if len(head) > 5 else ""
    return Mapping(int(start, 16), int(end, 16), head[1], path, rss, anon)


@functools.cache
def _madvise() -> Callable[[int, int, int], int] | None:
    """libc's `madvise`, or None where this is not Linux."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        madvise = libc.madvise
    except (OSError, AttributeError):
        return None
    madvise.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int]
    madvise.restype = ctypes.c_int
    return madvise


def release_code_pages(why: str = "", smaps: Path = SMAPS) -> int:
    """Unmap the resident pages of every clean code mapping (`Mapping.clean_code`) from
    this process; return how many kB were resident in them (0 where there is no /proc
    or no madvise). A mapping the kernel refuses is skipped with a DEBUG line."""
    madvise = _madvise()
    if madvise is None:
        return 0
    try:
        with smaps.open(encoding="utf-8", errors="replace") as text:
            mappings = [m for m in parse_smaps(text) if m.clean_code]
    except OSError as exc:
        log.debug("code pages kept: %s unreadable (%s)", smaps, exc)
        return 0
    before = resident_kb()
    released = 0
    for m in mappings:
        if madvise(m.start, m.end - m.start, MADV_DONTNEED) == 0:
            released += m.rss_kb
        else:
            log.debug("code pages of %s kept: madvise errno %d", m.path, ctypes.get_errno())
    if log.isEnabledFor(logging.DEBUG):
        log.debug("code pages handed back%s: %.1f MB in %d mappings (resident %.1f -> "
                  "%.1f MB)", f" after {why}" if why else "", released / 1024,
                  len(mappings), before / 1024, resident_kb() / 1024)
    return released
