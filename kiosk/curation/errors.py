"""The curation package's exceptions: one base, messages a store operator can act on."""

from __future__ import annotations

from kiosk.errors import DISK_FULL_ERRNOS, DiskFullError, KioskError, is_disk_full

__all__ = [
    "DISK_FULL_ERRNOS",
    "KEPT",
    "CurationError",
    "DiskFullError",
    "GenerationError",
    "NotFoundError",
    "RejectedImage",
    "SyncError",
    "is_disk_full",
]

KEPT = "nothing already in the catalog or the pool was changed."  # DiskFullError(kept=…)


class CurationError(KioskError):
    """Base of every error raised by `kiosk.curation`; the message says what to do."""


class RejectedImage(CurationError):
    """An image was not taken into the pending pool. `reason` is a short code
    (`unreadable`, `unsupported`, `too_small`, `too_large`, `bad_shape` (a sliver,
    see `kiosk.imaging.MAX_ASPECT`), `empty_image` (fully transparent or one flat
    colour), `duplicate`, `unknown_emotion`) for scripts;
    the message is for people."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


class NotFoundError(CurationError):
    """No pending image or catalog item has that id."""


class SyncError(CurationError):
    """The fleet sync could not run at all (bad URL, bucket missing, access denied)."""


class GenerationError(CurationError):
    """Image generation could not start (prompts file, endpoint settings)."""
