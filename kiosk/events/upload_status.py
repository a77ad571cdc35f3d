"""What an uploader saw: its state (`UploaderState`), the snapshot its listeners and the
status screen get (`UploaderStatus`), and the record the kiosk's uploader keeps in its
queue (the `uploader` table, schema 4) so that `kiosk-admin events status` over SSH
tells "waiting" (retry_at) from "failing" (last_error after last_success_at) without
asking the kiosk.

`StatusRecorder` writes the record (`record_uploader_status`) at most every
`RECORD_INTERVAL_S` while a drain progresses, at once when something changes; the
queue's `uploader_record` reads it back. A read-only queue writes nothing and may be
version 3, without the table: no record.
"""

from __future__ import annotations

import enum
import json
import logging
import sqlite3
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from kiosk.errors import KioskError
from kiosk.events.connection import QueueConnection

log = logging.getLogger(__name__)

RECORD_INTERVAL_S = 5.0  # the status written to the queue while a drain progresses


class UploaderState(enum.StrEnum):
    STOPPED = "stopped"
    IDLE = "idle"  # nothing to send
    SENDING = "sending"
    BACKOFF = "backoff"  # throttled or server errors; waiting to retry
    OFFLINE = "offline"  # connection failures; probing at a short interval
    BLOCKED = "blocked"  # credentials or permissions; an operator must act


@dataclass(frozen=True, slots=True)
class UploaderStatus:
    """A snapshot for the status screen and `kiosk-admin events status`. `online` is None
    until a call has been tried."""

    state: UploaderState
    online: bool | None
    last_error: str | None
    last_error_at: float | None
    last_success_at: float | None
    pending: int
    pending_by_kind: dict[str, int] = field(default_factory=dict)
    dead: int = 0
    sent_total: int = 0
    evicted_total: int = 0
    disk_full: str | None = None
    retry_in_s: float | None = None
    slow_endpoint: str | None = None  # the read timeout had to grow (kiosk.events.uploader)
    # the queue itself failed on the last try (a full disk, a lock, damage), not AWS: the
    # panel must not say "AWS answers with errors" (tester round 21); None: it worked
    queue_error: str | None = None

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["state"] = self.state.value
        return out


class UploaderStatusMixin(QueueConnection):
    """The status record's side of the queue; see the module docstring."""

    def record_uploader_status(self, name: str, holder: str, status: dict[str, Any]) -> None:
        """Keep `status` (JSON-ready) as what `name`'s uploader saw last; never raises
        (a busy or full disk only leaves the previous record)."""
        if self.read_only:
            return
        text = json.dumps(status, sort_keys=True)
        try:
            with self._write(durable=False) as conn:
                conn.execute(
                    "INSERT INTO uploader (name, holder, status, written_at)"
                    " VALUES (?, '', ?, ?) ON CONFLICT (name) DO UPDATE SET"
                    " status = excluded.status, written_at = excluded.written_at",
                    (name, text, time.time()))
        except (KioskError, sqlite3.Error) as exc:
            log.debug("%s: could not record the uploader status: %s", self.name, exc)

    def uploader_record(self, name: str) -> dict[str, Any] | None:
        """What `name`'s uploader recorded last, with `recorded_at` (Unix time) and the
        lease's holder while it runs; None when nothing was recorded (also when a
        read-only version-3 queue has no `uploader` table: nothing was ever recorded)."""
        try:
            row = self._conn().execute(
                "SELECT status, written_at, holder, lease_until FROM uploader WHERE name = ?",
                (name,)).fetchone()
        except sqlite3.OperationalError as exc:
            if self._snapshot is not None and "no such table" in str(exc):
                return None
            raise self._translate(exc) from exc
        except sqlite3.DatabaseError as exc:
            raise self._translate(exc) from exc
        if row is None or not row[0]:
            return None
        try:
            out: dict[str, Any] = dict(json.loads(row[0]))
        except (ValueError, TypeError):
            return None
        out["recorded_at"] = float(row[1])
        out["uploading_now"] = str(row[2]) if float(row[3]) > time.time() else None
        return out


class StatusRecorder:
    """Writes an uploader's status to its queue: `write(fields)` with the JSON-ready
    fields (state, online, last_error, last_error_at, last_success_at, retry_at as Unix
    time, slow_endpoint), skipped within RECORD_INTERVAL_S of the last unless `force`.
    Off (`enabled` False) for any uploader but the kiosk's."""

    def __init__(self, queue: UploaderStatusMixin, name: str, holder: str, *,
                 enabled: bool = True, clock: Callable[[], float] = time.monotonic) -> None:
        self.queue = queue
        self.name = name
        self.holder = holder
        self.enabled = enabled
        self._clock = clock
        self._last = 0.0

    def due(self, force: bool = False) -> bool:
        """Whether a `write` now would be kept (`force`: something changed)."""
        return self.enabled and (force or self._clock() - self._last >= RECORD_INTERVAL_S)

    def write(self, fields: dict[str, Any]) -> None:
        self._last = self._clock()
        self.queue.record_uploader_status(self.name, self.holder, fields)
