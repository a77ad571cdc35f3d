"""The durable event queue: likes, impressions, new users and catalog items wait here
until the uploader has delivered them to Amazon Personalize.

SQLite in WAL mode. A record is one INSERT in one transaction with `synchronous=FULL`,
so when `record_like` returns the like survives a crash or a power cut; the uploader's
deletes run with `synchronous=NORMAL` (a delete lost to a power cut only means the same
event id is sent again, which Personalize ignores). Every thread gets its own
connection, so the GUI thread's inserts never queue behind the uploader's reads.

Bounded by `max_records` (pending and dead rows) and `max_bytes` (used pages of the
database file; the WAL adds at most its 4 MB size limit): when over, the oldest
impressions-only records go first, then the oldest of everything else, each pass
logged and counted. A full disk raises `DiskFullError` and shows in `status()`;
what was committed stays.

Faults:
- another process holding the write lock (an sqlite3 shell, an operator's export): a
  write waits at most `busy_timeout_s` per try and is retried until `lock_wait_s` has
  passed, then `QueueBusyError` (nothing is half-written). That is for records that
  are not spooled (the fleet's metrics, `transact`). A like waits for the lock until
  `SPOOL_LOCK_WAIT_S` (2 s) after its tap (`record_like(..., tap_monotonic=...)`), not
  after its write began: one queued behind another like or an impression on the events
  thread gets only what is left of its own 2 s; then it is kept in the spool (below)
  and `record_like` returns as for any saved like, so its visitor reads "Liked" within
  about 2 s of the tap however long the lock is held. A like is refused (visibly) only
  when the spool cannot be written either (no room, a read-only folder);
- a damaged file (truncated, bad header, bad pages; found by `PRAGMA quick_check` at
  open or by any later query): with `recover=True` the file is moved aside (kept,
  named in the log and in `problem`), every row still readable is copied into a fresh
  queue, and work goes on; with `recover=False` it raises `CorruptQueueError`;
- a row whose stored data cannot be read is moved to the dead letters (code
  `CorruptRow`) instead of stopping the uploader;
- a read-only data folder (at start, or a write refused as read-only later): the
  file is read as it is (`kiosk.events.readonly`), `read_only` says why, every
  record raises `QueueReadOnlyError` (a like is refused visibly) and the upload side
  keeps working: acks, dead letters and failed tries are kept in memory for this run,
  so nothing is offered twice; the next start with a writable folder sends what this
  run sent again (same event ids);
- the spool (`kiosk.events.spool`): a like after its wait, and `record(...,
  spool=True)` (impressions, a new visitor's PutUsers, PutItems of an approved image:
  nobody waits on these, so they wait for the lock at most `SPOOL_LOCK_WAIT_S`, and make
  one try without waiting while the last write found the queue locked, so a like queued
  behind one on the events thread keeps its own bound) go to `<queue>.spool`, appended
  and fsync'd, as durable as a committed row. They are queued from there, each exactly
  once and with its own record id, session, user and sent time (`ingest_spool`: one
  transaction per taken file, its name written with its rows, so a second ingest, a
  second process or a crash at any point queues nothing twice), by the kiosk's spool
  drain (woken by the spool, then every `rows.SPOOL_RETRY_S` until it is empty, uploads
  on or off: `kiosk.events.spool_drain`), the next write that succeeds, the uploader's
  next pass or the next start; then they are uploaded like any other. Nothing accepted
  is dropped; `forget_users` queues the spool first, so what waits there of a forgotten
  user is deleted with the rest.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import IO, Any

from kiosk.config import Settings
from kiosk.events import schema
from kiosk.events.errors import KEPT
from kiosk.events.recording import RecordingMixin
from kiosk.events.records import (
    DEFAULT_IMPRESSION_EVENT_TYPE,
    EVENT_KINDS,
    RecordKind,
)
from kiosk.events.rows import (
    CORRUPT_ROW,
    LOCK_WAIT_S,
    MB,
    TRANSIENT_DEAD_CODES,
    WAL_LIMIT_BYTES,
    Batch,
    QueueCounts,
    QueuedRow,
)
from kiosk.events.salvage import export_rows
from kiosk.events.spool import Spool, spooled_line
from kiosk.events.upload_lease import UploadLeaseMixin
from kiosk.events.upload_side import UploadSideMixin
from kiosk.events.upload_status import UploaderStatusMixin

__all__ = ["CORRUPT_ROW", "LOCK_WAIT_S", "MB", "TRANSIENT_DEAD_CODES", "WAL_LIMIT_BYTES",
           "Batch", "EventQueue", "QueueCounts", "QueuedRow"]

log = logging.getLogger(__name__)


class EventQueue(RecordingMixin, UploadSideMixin, UploadLeaseMixin, UploaderStatusMixin):
    """Thread-safe durable queue; see the module docstring. Listeners added with
    `add_listener` are called (on the recording thread) after each new record.

    Its parts, one job each: `connection` (file, connections, errors, damage,
    counts), `recording` (+ `eviction`), `upload_side`, `upload_lease`, `upload_status`,
    `salvage` (and export). `clock` is what a write's retries are bounded on (the
    monotonic clock a like's tap is read on) and `pause(seconds)` the wait between
    tries (default: a wait that `close` cuts short); tests pass a fake clock's."""

    def __init__(
        self,
        path: str | Path,
        *,
        max_records: int = 200_000,
        max_bytes: int = 256 * MB,
        event_type: str = "like",
        impression_event_type: str = DEFAULT_IMPRESSION_EVENT_TYPE,
        synchronous: str = "FULL",
        busy_timeout_s: float = 2.0,
        lock_wait_s: float | None = None,
        recover: bool = False,
        on_connect: Callable[[sqlite3.Connection], None] | None = None,
        name: str = "event queue",
        kinds: tuple[RecordKind, ...] = EVENT_KINDS,
        upgrade: bool = True,
        kept: str = KEPT,
        clock: Callable[[], float] = time.monotonic,
        pause: Callable[[float], object] | None = None,
    ) -> None:
        super().__init__(
            path, max_records=max_records, max_bytes=max_bytes, event_type=event_type,
            impression_event_type=impression_event_type, synchronous=synchronous,
            busy_timeout_s=busy_timeout_s,
            lock_wait_s=LOCK_WAIT_S if lock_wait_s is None else lock_wait_s,
            recover=recover, on_connect=on_connect, name=name, kinds=kinds,
            upgrade=upgrade, kept=kept, clock=clock, pause=pause,
        )
        self._spool = Spool(self.path.with_name(self.path.name + ".spool"), self.name)
        self._ingesting = threading.Lock()
        self._spool_listeners = []
        self._open()
        self.refresh_counts()
        self.ingest_spool()

    @classmethod
    def from_settings(cls, settings: Settings, **kwargs: Any) -> EventQueue:
        return cls(
            settings.events_db,
            max_records=settings.events.max_records,
            max_bytes=int(settings.events.max_mb * MB),
            event_type=settings.personalize.event_type,
            **({"recover": True} | kwargs),
        )

    def forget_users(self, user_ids: Iterable[str]) -> int:
        """"Forget me" / retention (`UploadSideMixin.forget_users`), with what a lock
        kept in the spool queued first, so their records waiting there (a like, their
        PutUsers) are deleted with the rest instead of being queued after it and
        uploaded. An ingest on another thread of this process (the spool drain's) ends
        before this one, and none begins until the delete is committed."""
        with self._ingesting:
            if self.spool_waiting():
                self._ingest_taken(None)
            return super().forget_users(user_ids)

    # ------------------------------------------------------------------ status

    def dead_summary(self) -> dict[str, int]:
        """Dead letters per error code."""
        rows = self._conn().execute(
            "SELECT error_code, count(*) FROM dead GROUP BY error_code ORDER BY 2 DESC"
        ).fetchall()
        return {str(code): int(n) for code, n in rows}

    def status(self) -> dict[str, Any]:
        """A JSON-ready snapshot for the admin command and the status screen."""
        counts = self.refresh_counts()
        try:
            dead_by_error = self.dead_summary()
            used = self.used_bytes()
            version = schema.version(self._conn())
            spooled = Counter(r.kind.value for r in self._spool.waiting_records(self._conn()))
        except sqlite3.DatabaseError as exc:
            raise self._translate(exc) from exc
        return {
            "path": str(self.path),
            "pending": counts.pending_total,
            "pending_by_kind": dict(counts.pending),
            # kept in the spool while a lock kept them out; queued at the next write
            "spooled": sum(spooled.values()),
            "spooled_by_kind": dict(spooled),
            "dead": counts.dead,
            "dead_by_error": dead_by_error,
            "sent_total": counts.sent_total,
            "evicted_total": counts.evicted_total,
            "used_bytes": used,
            "max_bytes": self.max_bytes,
            "max_records": self.max_records,
            "disk_full": self._disk_full or None,
            "read_only": self.read_only or None,
            "schema_version": version,
            "problem": self.problem or None,
        }

    def integrity_problems(self, limit: int = 10) -> list[str]:
        """SQLite's full `PRAGMA integrity_check` of the file: [] when sound, else up to
        `limit` problems as SQLite words them (the self-test shows them)."""
        try:
            rows = self._conn().execute(f"PRAGMA integrity_check({int(limit)})").fetchall()
        except sqlite3.DatabaseError as exc:
            return [str(exc)]
        found = [str(r[0]) for r in rows]
        return [] if found == ["ok"] else found

    # ------------------------------------------------------------------ export

    def export(self, target: str | Path | IO[str], *, pending: bool = False) -> int:
        """Write the dead letters (and with `pending`, the queued rows too, then the
        records waiting in the spool, `"state": "spooled"`) as JSON lines; returns the
        number written. A file is written whole or not at all."""
        if isinstance(target, str | Path):
            path = Path(target)
            tmp = path.with_name(path.name + ".part")
            with tmp.open("w", encoding="utf-8") as out:
                written = self.export(out, pending=pending)
            tmp.replace(path)
            return written
        conn = self._conn()
        written = export_rows(conn, target, pending=pending)
        if pending:
            for record in self._spool.waiting_records(conn):
                target.write(json.dumps(spooled_line(record), ensure_ascii=False) + "\n")
                written += 1
        return written

