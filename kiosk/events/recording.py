"""The record side of the queue: likes, impressions, users and catalog items committed
durably (one INSERT, `synchronous=FULL`), and the spool (`kiosk.events.spool`) that
keeps a like, an impression, a PutUsers or a PutItems record another program's lock
kept out, until the next write, the kiosk's spool drain (`kiosk.events.spool_drain`,
every `SPOOL_RETRY_S` while the spool is not empty), the uploader's next pass or the
next start queues it.
"""

from __future__ import annotations

import contextlib
import functools
import json
import logging
import sqlite3
import threading
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
    impression_record,
    item_record,
    like_record,
    user_record,
)
from kiosk.events.rows import SPOOL_LOCK_WAIT_S, QueueCounts
from kiosk.events.spool import MARKER, Spool
from kiosk.events.spool import marker as spool_marker

log = logging.getLogger(__name__)

T = TypeVar("T")
Also = Callable[[sqlite3.Connection], None]


class RecordingMixin(EvictionMixin):
    """`record` and its typed forms; see `kiosk.events.queue`. The queue sets `_spool`
    (its `Spool`, `<queue>.spool`), `_ingesting` and `_spool_listeners` before it opens
    the file."""

    _spool: Spool
    _ingesting: threading.Lock  # one ingest at a time in this process
    _spool_listeners: list[Callable[[], None]]  # told when a record goes to the spool

    def add_spool_listener(self, callback: Callable[[], None]) -> None:
        """`callback()` (on the recording thread) after each record kept in the spool:
        the spool drain wakes up to queue it once the lock goes."""
        with self._lock:
            self._spool_listeners.append(callback)

    def remove_spool_listener(self, callback: Callable[[], None]) -> None:
        with self._lock, contextlib.suppress(ValueError):
            self._spool_listeners.remove(callback)

    @property
    def spool_path(self) -> Path:
        """Where records wait that a lock kept out of the database (JSON lines)."""
        return self._spool.path

    def _keep_in_spool(self, record: Record, error: Exception) -> None:
        """Append `record` to the spool (fsync'd); raises DiskFullError or EventsError
        (then it is nowhere) when that cannot be written either."""
        try:
            self._spool.append(record)
        except OSError as exc:
            if is_disk_full(exc):
                raise DiskFullError(self.spool_path, f"keep the {record.kind.value} while "
                                    f"the {self.name} is locked", kept=self.kept,
                                    detail=str(error)) from None
            raise EventsError(f"{error}; keeping it in {self.spool_path} failed too "
                              f"({exc.strerror or exc})") from None
        log.warning("%s: %s %s kept in %s (%s); it is queued when the lock is let go",
                    self.name, record.kind.value, record.record_id, self.spool_path, error)
        self._count_spool()
        with self._lock:
            listeners = list(self._spool_listeners)
        for callback in listeners:
            try:
                callback()
            except Exception:  # the record is kept: a listener's failure must not unsay it
                log.exception("%s spool listener %r failed", self.name, callback)

    def _count_spool(self) -> None:
        """Count the records waiting in the spool for `counts().spooled` (the admin
        panel's "waiting"), as `status()`'s "spooled" does. Reads the spool's files, so
        only on the threads that write, take or recount (never the GUI thread: its
        `counts()` is a memory read); a failure keeps the last count. Counted also where
        this queue cannot queue them (read-only, a reader): they wait all the same."""
        if not self._spool.waiting():
            n = 0
        else:
            try:
                n = len(self._spool.waiting_records(self._conn()))
            except (OSError, sqlite3.Error, KioskError) as exc:
                log.debug("%s: spool not counted: %s", self.name, exc)
                return
        with self._lock:
            self._spooled = n

    def refresh_counts(self) -> QueueCounts:
        """Recount from the database and the spool (another process may have changed
        them)."""
        self._count_spool()
        return super().refresh_counts()

    def spool_waiting(self) -> bool:
        """Whether records may wait in the spool (the spool drain and the uploader then
        try `ingest_spool` every `SPOOL_RETRY_S`). One stat: cheap."""
        return self.upgrade and not self.read_only and self._spool.waiting()

    def ingest_spool(self, deadline: float | None = None, *, retry: bool = False) -> int:
        """Queue the records a lock kept in the spool; returns how many were new. Each
        taken file is committed whole in one transaction with its marker (see
        `kiosk.events.spool`): exactly once however often this runs, in however many
        threads or processes, and across a crash at any point. Waits for the lock until
        `deadline` (the queue's clock; None: `SPOOL_LOCK_WAIT_S`, or one try while the
        last write found the queue locked); a lock then leaves the files for later.
        `retry`: one of the periodic tries (the spool drain's, the uploader's): one try
        without waiting, and a lock that still holds is logged at DEBUG only (the
        record's own WARNING said it was kept; before, each try every 2 s logged an
        ERROR and a WARNING for as long as the lock held)."""
        if not self.spool_waiting():
            return 0
        if not self._ingesting.acquire(blocking=False):
            return 0  # another thread of this process is at it
        try:
            return self._ingest_taken(self._clock() if retry else deadline, quiet=retry)
        finally:
            self._ingesting.release()

    def _ingest_taken(self, deadline: float | None, quiet: bool = False) -> int:
        if deadline is None:
            deadline = self._clock() + (
                0.0 if self._locked else min(SPOOL_LOCK_WAIT_S, self.lock_wait_s))
        try:
            taken = self._spool.take()
        except OSError as exc:
            log.warning("%s: cannot take the spool %s: %s", self.name, self.spool_path, exc)
            return 0
        queued = 0
        for path in taken:
            try:
                records = self._spool.read(path)
            except FileNotFoundError:
                self._spool.done(path)  # another process queued it meanwhile
                continue
            except OSError as exc:  # left for the next ingest
                log.warning("%s: cannot read the spool %s: %s", self.name, path, exc)
                continue
            try:
                added = self._retrying("queue the spool",
                                       functools.partial(self._commit_taken, path, records),
                                       deadline, fallback=True, quiet=quiet)
            except KioskError as exc:  # still locked, or full: the files stay for later
                # a periodic retry: the lock, or the full disk (logged by the queue
                # when it filled), is said once, not every SPOOL_RETRY_S
                level = (logging.DEBUG if quiet and isinstance(
                    exc, QueueBusyError | DiskFullError) else logging.WARNING)
                log.log(level, "%s: spool %s not queued yet (kept for later): %s",
                        self.name, path.name, exc)
                break
            self._spool.done(path)
            if added is None:
                continue  # queued before (a crash before its file was deleted)
            queued += sum(added.values())
            with self._lock:
                for kind, n in added.items():
                    self._pending[kind] = self._pending.get(kind, 0) + n
            log.info("%s: %d record(s) from the spool queued (%d already were)", self.name,
                     sum(added.values()), len(records) - sum(added.values()))
        self._count_spool()  # what is left (a lock that still holds), before listeners
        if queued:
            try:
                self._enforce_bounds()
            except EventsError as exc:
                log.error("%s: could not make room after the spool: %s", self.name, exc)
            self._notify()
        return queued

    def _commit_taken(self, path: Path, records: list[Record]) -> dict[str, int] | None:
        """One transaction: `path`'s records (each once: a record id already queued is
        kept as it is) and its marker; None, writing nothing, when its marker says it was
        committed before or another process has queued and deleted it."""
        with self._write() as conn:
            name = spool_marker(path)
            if not path.exists() or conn.execute(
                    "SELECT 1 FROM counters WHERE name = ?", (name,)).fetchone():
                return None
            for (old,) in conn.execute("SELECT name FROM counters WHERE name LIKE ?",
                                       (f"{MARKER}%",)).fetchall():
                if not path.with_name(str(old)[len(MARKER):]).exists():  # its file is gone
                    conn.execute("DELETE FROM counters WHERE name = ?", (old,))
            added: dict[str, int] = {}
            for record in records:
                if self._insert(conn, record) is not None:
                    added[record.kind.value] = added.get(record.kind.value, 0) + 1
            conn.execute("INSERT INTO counters (name, value) VALUES (?, ?)",
                         (name, len(records)))
            return added

    @staticmethod
    def _insert(conn: sqlite3.Connection, record: Record) -> int | None:
        """INSERT `record` unless its record id is queued already; its new row id."""
        body = json.dumps(record.body, separators=(",", ":"), ensure_ascii=False)
        row = conn.execute(
            "INSERT INTO records (kind, record_id, grp, session_id, user_id,"
            " created_at, body) VALUES (?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (record_id) DO NOTHING RETURNING id",
            (record.kind.value, record.record_id, record.group, record.session_id,
             record.user_id, record.created_at, body),
        ).fetchone()
        return None if row is None else int(row[0])

    def record_like(self, like: Like, *, tap_monotonic: float | None = None) -> int:
        """Keep a like durably (its id and tap time come with it); returns the row id, or
        0 when another program's lock kept it in the spool (fsync'd, as durable; queued
        from there, exactly once, when the lock is let go). Recording the same event id
        twice keeps one row. `tap_monotonic`: the tap on the queue's clock
        (`time.monotonic`): under a lock the like waits for it until
        `SPOOL_LOCK_WAIT_S` after the tap, however long it waited behind other writes
        on this thread (None: from now), so its visitor reads "Liked" within that. Raises
        DiskFullError or EventsError only when neither the queue nor the spool can take
        it (no room, a read-only folder): then it is nowhere, and must be shown so."""
        start = self._clock() if tap_monotonic is None else tap_monotonic
        return self.record(like_record(like, self.event_type), spool=True,
                           deadline=start + min(SPOOL_LOCK_WAIT_S, self.lock_wait_s))

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
        """PutUsers for a visitor identity has just enrolled (its face is in the
        Rekognition collection by now); spooled under a lock as a like is (returns 0),
        queued from there exactly once, with its user id (so "Forget me" finds it).
        Before, it was retried for `LOCK_WAIT_S` on the identity thread and then
        refused, and the caller only logged it: the enrolment stood, the record was
        lost."""
        return self.record(user_record(user_id, emotion, properties), spool=True)

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
               deadline: float | None = None) -> int:
        """Commit one record durably; returns its row id. Raises DiskFullError,
        QueueBusyError (still locked after `lock_wait_s`), CorruptQueueError or
        EventsError; when it raises, nothing was written. With `spool`, a record the
        lock kept out is kept in the spool file instead (fsync'd; returns 0), and queued
        from there by the next write, the uploader's next pass or the next start.
        `also(conn)` runs in the same transaction when the record is new (not for a
        record id already queued, nor a spooled record): a caller's bookkeeping of what
        it queued (the fleet's ledger), committed with the row or not at all. `deadline`
        (the queue's clock): retries under a lock end then instead of `lock_wait_s` from
        now (a like, bounded from its tap; see `_retrying`). A record with `spool` and
        no `deadline` waits for the lock at most `SPOOL_LOCK_WAIT_S`, and not at all
        (one try) while the last write found the queue locked: nobody waits on it, and
        a like queued behind it on the same thread must be answered within its own
        bound."""
        if self.read_only:
            raise QueueReadOnlyError(self.read_only)
        if spool and deadline is None:
            deadline = self._clock() + (
                0.0 if self._locked else min(SPOOL_LOCK_WAIT_S, self.lock_wait_s))

        def insert() -> tuple[int, bool]:
            with self._write() as conn:
                row_id = self._insert(conn, record)
                if row_id is not None:
                    if also is not None:
                        also(conn)
                    return row_id, True
                row = conn.execute(
                    "SELECT id FROM records WHERE record_id = ?", (record.record_id,)
                ).fetchone()
                return int(row[0]), False

        try:
            row_id, inserted = self._retrying(f"save {_a(record.kind.value)}", insert,
                                              deadline, fallback=spool)
        except QueueBusyError as exc:
            if not spool:
                raise
            self._keep_in_spool(record, exc)
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
        if self._spool.waiting():  # the lock is gone: what it kept out comes in now
            self.ingest_spool(deadline)
        return row_id


def _a(noun: str) -> str:
    """'an impression', 'an event', 'a user' (log lines)."""
    return f"{'an' if noun[:1] in 'aeio' else 'a'} {noun}"
