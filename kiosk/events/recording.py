"""The record side of the queue: likes, impressions, users and catalog items committed
durably (one INSERT, `synchronous=FULL`), and the spool that keeps an impression or a
PutItems record a lock kept out until the next write or start.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import sqlite3
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, TypeVar

from kiosk.domain import Emotion, Item, Like
from kiosk.errors import KioskError, is_disk_full
from kiosk.events.errors import (
    DiskFullError,
    EventsError,
    QueueBusyError,
    QueueReadOnlyError,
)
from kiosk.events.eviction import EvictionMixin
from kiosk.events.records import (
    Record,
    RecordKind,
    impression_record,
    item_record,
    like_record,
    user_record,
)
from kiosk.events.rows import SPOOL_LOCK_WAIT_S

log = logging.getLogger(__name__)

T = TypeVar("T")
Also = Callable[[sqlite3.Connection], None]


class RecordingMixin(EvictionMixin):
    """`record` and its typed forms; see `kiosk.events.queue`."""

    @property
    def spool_path(self) -> Path:
        """Where records wait that a lock kept out of the database (JSON lines)."""
        return self.path.with_name(self.path.name + ".spool")

    def _spool(self, record: Record, error: Exception) -> None:
        line = json.dumps({
            "kind": record.kind.value, "record_id": record.record_id, "body": record.body,
            "session_id": record.session_id, "user_id": record.user_id,
            "created_at": record.created_at,
        }, ensure_ascii=False)
        try:
            with self.spool_path.open("a", encoding="utf-8") as fh:
                fh.write(line + "\n")
                fh.flush()
                os.fsync(fh.fileno())
        except OSError as exc:
            if is_disk_full(exc):
                raise DiskFullError(self.spool_path, f"keep the {record.kind.value} while "
                                    f"the {self.name} is locked", kept=self.kept,
                                    detail=str(error)) from None
            raise EventsError(f"{error}; keeping it in {self.spool_path} failed too "
                              f"({exc.strerror})") from None
        log.warning("%s: %s %s kept in %s (%s); it is queued at the next start", self.name,
                    record.kind.value, record.record_id, self.spool_path, error)

    def _ingest_spool(self, deadline: float | None = None) -> int:
        """Queue the records a lock kept in the spool file; returns how many. After a
        like, within that like's `deadline` (a lock then leaves the spool for later)."""
        if not self.spool_path.exists() or not self.upgrade:  # a reader leaves it
            return 0
        if self.read_only:
            log.warning("%s: the spool %s stays for a start with a writable "
                        "folder", self.name, self.spool_path)
            return 0
        taking = self.spool_path.with_name(f"{self.spool_path.name}.{os.getpid()}")
        try:
            self.spool_path.replace(taking)
            lines = taking.read_text(encoding="utf-8").splitlines()
        except OSError as exc:
            log.warning("%s: cannot read the spool %s: %s", self.name, self.spool_path, exc)
            return 0
        records = []
        for line in lines:
            try:
                raw = json.loads(line)
                records.append(Record(RecordKind(raw["kind"]), str(raw["record_id"]),
                                      raw["body"], str(raw.get("session_id") or ""),
                                      raw.get("user_id"), float(raw["created_at"])))
            except (ValueError, KeyError, TypeError) as exc:
                log.error("%s: unreadable spool line skipped (%s): %.200s", self.name, exc, line)
        try:
            for record in records:
                self.record(record, _from_spool=True, deadline=deadline)
        except KioskError as exc:  # still locked or full: keep the whole spool for later
            log.warning("%s: spool not queued yet: %s", self.name, exc)
            with contextlib.suppress(OSError), self.spool_path.open("a", encoding="utf-8") as fh:
                fh.write("".join(f"{line}\n" for line in lines))
            taking.unlink(missing_ok=True)
            return 0
        taking.unlink(missing_ok=True)
        if records:
            log.info("%s: %d record(s) from the spool queued", self.name, len(records))
        return len(records)

    def record_like(self, like: Like, *, tap_monotonic: float | None = None) -> int:
        """Commit a like (its id and tap time come with it); returns the row id. Recording
        the same event id twice keeps one row. Raises DiskFullError when there is no room.
        `tap_monotonic`: the tap on the queue's clock (`time.monotonic`): under another
        program's lock the write is given up `lock_wait_s` after the tap, however long it
        waited behind other writes on this thread (QueueBusyError; None: from now)."""
        deadline = None if tap_monotonic is None else tap_monotonic + self.lock_wait_s
        return self.record(like_record(like, self.event_type), deadline=deadline)

    def record_impression(
        self,
        visit_id: str,
        impression: Sequence[str],
        *,
        emotion: Emotion | None = None,
        user_id: str | None = None,
        recommendation_id: str | None = None,
        event_id: str | None = None,
        sent_at: float | None = None,
        spool: bool = True,
    ) -> int:
        """A page shown and left without a like (a liked page's impression rides on the
        like itself). Evicted first when the queue is full; spooled under a lock."""
        return self.record(spool=spool, record=impression_record(
            visit_id, impression, emotion=emotion, user_id=user_id,
            recommendation_id=recommendation_id, event_type=self.impression_event_type,
            event_id=event_id, sent_at=sent_at,
        ))

    def record_user(
        self, user_id: str, emotion: Emotion, properties: Mapping[str, Any] | None = None
    ) -> int:
        return self.record(user_record(user_id, emotion, properties))

    def record_item(self, item: Item, properties: Mapping[str, Any] | None = None,
                    *, spool: bool = True) -> int:
        """PutItems for a catalog item; spooled under a lock (see the module docstring)."""
        return self.record(item_record(item, properties), spool=spool)

    def transact(self, what: str, fn: Callable[[sqlite3.Connection], T]) -> T:
        """`fn(conn)` in one IMMEDIATE transaction on this file, retried while another
        program holds the lock: a caller's own table kept with the queue's rows (the
        fleet's ledger). `what` names it in log lines. Raises QueueReadOnlyError,
        DiskFullError or EventsError (then nothing of `fn` was committed)."""
        if self.read_only:
            raise QueueReadOnlyError(self.read_only)

        def run() -> T:
            with self._write() as conn:
                return fn(conn)

        result: T = self._retrying(what, run)
        return result

    def record(self, record: Record, *, spool: bool = False, also: Also | None = None,
               deadline: float | None = None, _from_spool: bool = False) -> int:
        """Commit one record durably; returns its row id. Raises DiskFullError,
        QueueBusyError (still locked after `lock_wait_s`), CorruptQueueError or
        EventsError; when it raises, nothing was written. With `spool`, a record the
        lock kept out is kept in the spool file instead (returns 0). `also(conn)` runs
        in the same transaction when the record is new (not for a record id already
        queued, nor a spooled record): a caller's bookkeeping of what it queued (the
        fleet's ledger), committed with the row or not at all. `deadline` (the queue's
        clock): retries under a lock end then instead of `lock_wait_s` from now (a like,
        bounded from its tap; see `_retrying`). A record with `spool` and no `deadline`
        waits for the lock at most `SPOOL_LOCK_WAIT_S`, and not at all (one try) while
        the last write found the queue locked: nobody waits on it, and a like queued
        behind it on the same thread must be answered within its own bound."""
        if self.read_only:
            raise QueueReadOnlyError(self.read_only)
        if spool and deadline is None:
            deadline = self._clock() + (
                0.0 if self._locked else min(SPOOL_LOCK_WAIT_S, self.lock_wait_s))
        body = json.dumps(record.body, separators=(",", ":"), ensure_ascii=False)

        def insert() -> tuple[int, bool]:
            with self._write() as conn:
                row = conn.execute(
                    "INSERT INTO records (kind, record_id, grp, session_id, user_id,"
                    " created_at, body) VALUES (?, ?, ?, ?, ?, ?, ?)"
                    " ON CONFLICT (record_id) DO NOTHING RETURNING id",
                    (record.kind.value, record.record_id, record.group, record.session_id,
                     record.user_id, record.created_at, body),
                ).fetchone()
                if row is not None:
                    if also is not None:
                        also(conn)
                    return int(row[0]), True
                row = conn.execute(
                    "SELECT id FROM records WHERE record_id = ?", (record.record_id,)
                ).fetchone()
                return int(row[0]), False

        try:
            row_id, inserted = self._retrying(f"save {_a(record.kind.value)}", insert,
                                              deadline)
        except QueueBusyError as exc:
            if not spool:
                raise
            self._spool(record, exc)
            return 0
        self._disk_full = ""
        if inserted:
            with self._lock:
                self._pending[record.kind.value] = self._pending.get(record.kind.value, 0) + 1
            try:
                self._enforce_bounds()
            except EventsError as exc:  # the record is committed: report, never undo it
                log.error("%s: could not make room after a record: %s", self.name, exc)
            self._notify()
        else:
            log.info("%s: %s %s already queued as row %d", self.name,
                     record.kind.value, record.record_id, row_id)
        if not _from_spool and self.spool_path.exists():
            self._ingest_spool(deadline)
        return row_id


def _a(noun: str) -> str:
    """'an impression', 'an event', 'a user' (log lines)."""
    return f"{'an' if noun[:1] in 'aeio' else 'a'} {noun}"
