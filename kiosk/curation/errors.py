"""The curation package's exceptions: one base, messages a store operator can act on."""

from __future__ import annotations

import errno
from pathlib import Path

from kiosk.diskspace import free_mb

DISK_FULL_ERRNOS = frozenset({errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)})


class CurationError(Exception):
    """Base of every error raised by `kiosk.curation`; the message says what to do."""


class RejectedImage(CurationError):
    """An image was not taken into the pending pool. `reason` is a short code
    (`unreadable`, `unsupported`, `too_small`, `too_large`, `bad_shape` (a sliver,
    see `kiosk.imaging.MAX_ASPECT`), `duplicate`, `unknown_emotion`) for scripts;
    the message is for people."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


class NotFoundError(CurationError):
    """No pending image or catalog item has that id."""


class DiskFullError(CurationError):
    """A write failed for lack of space. Nothing was half-written: what existed before
    is intact and the temporary file is gone."""

    def __init__(self, path: Path, what: str) -> None:
        self.path = path
        free = free_mb(path)
        shown = f"{free:.0f} MB free" if free is not None else "free space unknown"
        super().__init__(
            f"cannot {what}: the disk holding {path} is full ({shown}). Free some space "
            "and try again; nothing already in the catalog or the pool was changed."
        )


class SyncError(CurationError):
    """The fleet sync could not run at all (bad URL, bucket missing, access denied)."""


class GenerationError(CurationError):
    """Image generation could not start (prompts file, endpoint settings)."""


def is_disk_full(exc: BaseException) -> bool:
    return isinstance(exc, OSError) and exc.errno in DISK_FULL_ERRNOS
