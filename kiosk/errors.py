"""The kiosk's base exception, and the one error every package raises on a full disk.

Each package derives its own base from `KioskError` (`EventsError`, `CurationError`,
…), so `except KioskError` catches every failure the kiosk explains to an operator.
"""

from __future__ import annotations

import errno
from pathlib import Path

from kiosk.diskspace import free_mb

DISK_FULL_ERRNOS = frozenset({errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)})


class KioskError(Exception):
    """An error with a message a store operator can act on."""

    logged = False
    """True when the condition was logged where it was found, once per change of state
    (e.g. the catalog folder going away): a worker that catches it then logs it at
    DEBUG only (`kiosk.workers.runner`)."""


class DiskFullError(KioskError):
    """A write failed for lack of space on the disk holding `path`; raised by every
    package that writes (event queue, catalog, pending pool, sync, generation).

    `what` says what could not be done ("save a like", "copy a.jpg"); `kept` says what
    is safe (nothing half-written, what was committed stays). `free_mb` is the space
    left on that disk, None when it cannot be examined."""

    def __init__(self, path: Path | str, what: str = "save", *, kept: str = "",
                 detail: str = "") -> None:
        self.path = Path(path)
        self.what = what
        self.free_mb = free_mb(self.path)
        free = f"{self.free_mb:.0f} MB free" if self.free_mb is not None else "free space unknown"
        message = (f"cannot {what}: the disk holding {self.path} is full ({free}). "
                   "Free some space on that disk and try again")
        message += f"; {kept}" if kept else "."
        if detail:
            message += f" [{detail}]"
        super().__init__(message)


def is_disk_full(exc: BaseException) -> bool:
    """True for an OSError that means "no space left" (ENOSPC, EDQUOT)."""
    return isinstance(exc, OSError) and exc.errno in DISK_FULL_ERRNOS
