"""The events package's exceptions: one base, messages an operator can act on."""

from __future__ import annotations

from pathlib import Path

from kiosk.diskspace import free_mb


class EventsError(Exception):
    """Base of every error raised by `kiosk.events`; the message says what an operator
    can do about it."""


class SchemaError(EventsError):
    """The queue database cannot be opened or migrated (newer than this build, corrupt)."""


class DiskFullError(EventsError):
    """A record could not be saved because the disk (or the queue's database) is full.

    Nothing already committed is lost; the queue keeps working and saves again as soon
    as there is room (uploads free space, an operator frees the disk)."""

    def __init__(self, path: Path, detail: str = "") -> None:
        self.path = path
        self.free_mb = free_mb(path)
        free = f"{self.free_mb:.0f} MB free" if self.free_mb is not None else "free space unknown"
        message = (
            f"cannot save to the event queue {path}: the disk is full ({free}). "
            "Free space on that disk or lower events.max_mb; likes already saved are kept "
            "and will still be uploaded."
        )
        if detail:
            message += f" [{detail}]"
        super().__init__(message)
