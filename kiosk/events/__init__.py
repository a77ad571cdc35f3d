"""Events: the durable queue (`EventQueue`) and the uploader that drains it into Amazon
Personalize (`Uploader`). The queue's parts, one job each: `connection` (file,
connections, errors, a damaged file), `recording` and `eviction`, `upload_side`,
`upload_lease` (who sends now), `upload_status` (what the uploader saw), `salvage` (and
export), `readonly` (a read-only data folder), `rows`, `schema` (and `downgrade`, for a
rollback to an older kiosk). The uploader's own parts: `read_timeout` (how long a call
waits for its answer).

The uploader is imported on first use (`kiosk.events.Uploader`), so code that only
records likes does not load botocore.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kiosk.events.errors import (
    CorruptQueueError,
    EventsError,
    QueueBusyError,
    QueueNotOpenError,
    QueueReadOnlyError,
    SchemaError,
)
from kiosk.events.queue import CORRUPT_ROW, Batch, EventQueue, QueueCounts, QueuedRow
from kiosk.events.records import Record, RecordKind, Targets

if TYPE_CHECKING:
    from kiosk.events.uploader import Uploader, UploaderState, UploaderStatus

__all__ = [
    "CORRUPT_ROW", "Batch", "CorruptQueueError", "EventQueue", "EventsError", "QueueBusyError",
    "QueueCounts", "QueueNotOpenError", "QueueReadOnlyError", "QueuedRow", "Record",
    "RecordKind", "SchemaError", "Targets", "Uploader", "UploaderState", "UploaderStatus",
]


def __getattr__(name: str) -> Any:
    if name in ("Uploader", "UploaderState", "UploaderStatus"):
        from kiosk.events import uploader

        return getattr(uploader, name)
    raise AttributeError(f"module 'kiosk.events' has no attribute {name!r}")
