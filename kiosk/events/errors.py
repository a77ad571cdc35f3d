"""The events package's exceptions: one base, messages an operator can act on."""

from __future__ import annotations

from kiosk.errors import DiskFullError, KioskError

__all__ = ["KEPT", "CorruptQueueError", "DiskFullError", "EventsError", "QueueBusyError",
           "QueueNotOpenError", "QueueReadOnlyError", "SchemaError"]

# DiskFullError(kept=…) for the queue
KEPT = ("likes already saved are kept, and uploaded where uploads are configured (to cap "
        "the queue's own size, lower events.max_mb).")


class EventsError(KioskError):
    """Base of every error raised by `kiosk.events`; the message says what an operator
    can do about it."""


class SchemaError(EventsError):
    """The queue database cannot be opened or migrated (newer than this build, corrupt)."""


class CorruptQueueError(SchemaError):
    """The queue database file is damaged (truncated, bad header or pages)."""


class QueueBusyError(EventsError):
    """Another process holds the queue's write lock longer than the retries allow."""


class QueueReadOnlyError(EventsError):
    """The queue's folder cannot be written (a read-only mount): nothing new can be
    saved; what is queued is still uploaded (see `kiosk.events.readonly`)."""


class QueueNotOpenError(EventsError):
    """The queue could not be opened when the kiosk started (a file newer than this
    build, no room, a folder it cannot create): no like can be saved for the rest of the
    run, so a visitor is not asked to try again (`KioskBackend.commit_like`)."""
