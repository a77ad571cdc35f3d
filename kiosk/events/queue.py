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
- another process holding the write lock: a write waits at most `busy_timeout_s` per
  try and is retried until `lock_wait_s` has passed, then `QueueBusyError` (the caller
  shows the like as not saved; nothing is half-written);
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
- `record(..., spool=True)` (impressions, PutItems of an approved image): when the
  lock outlasts the retries, the record is appended (fsync'd) to `<queue>.spool`
  instead, and queued from there at the next open or the next successful write, so
  nothing accepted is dropped. Likes are not spooled: a like that cannot be saved is
  refused visibly.
"""

from __future__ import annotations

import contextlib
import json
import logging
import math
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from kiosk.config import Settings
from kiosk.domain import Emotion, Item, Like
from kiosk.errors import DiskFullError, KioskError
from kiosk.events import schema
from kiosk.events.errors import (
    KEPT,
    CorruptQueueError,
    EventsError,
    QueueBusyError,
    QueueReadOnlyError,
    SchemaError,
)
from kiosk.events.readonly import (
    Ledger,
    Snapshot,
    close_quietly,
    is_read_only_error,
    open_snapshot,
    read_only_message,
    write_problem,
)
from kiosk.events.records import (
    DEFAULT_IMPRESSION_EVENT_TYPE,
    MAX_BATCH,
    Record,
    RecordKind,
    impression_record,
    item_record,
    like_record,
    user_record,
)

log = logging.getLogger(__name__)

MB = 1024 * 1024
LOCK_WAIT_S = 20.0  # default bound on retrying a write while another process holds the lock
WAL_LIMIT_BYTES = 4 * MB
_COLUMNS = "id, kind, record_id, session_id, user_id, created_at, body, attempts"
_SQLITE_BUSY = (5, 6)  # SQLITE_BUSY, SQLITE_LOCKED
_SQLITE_CORRUPT = (11, 26)  # SQLITE_CORRUPT, SQLITE_NOTADB
CORRUPT_ROW = "CorruptRow"


@dataclass(frozen=True, slots=True)
class QueuedRow:
    """One pending row as read back for upload."""

    id: int
    kind: RecordKind
    record_id: str
    session_id: str
    user_id: str | None
    created_at: float
    body: Mapping[str, Any]
    attempts: int = 0
    retry_at: float = 0.0  # Unix time before which no new try should start


@dataclass(frozen=True, slots=True)
class Batch:
    """Up to 10 rows for one call: one operation, and for PutEvents one session and user,
    oldest first."""

    operation: str
    rows: tuple[QueuedRow, ...]

    @property
    def ids(self) -> tuple[int, ...]:
        return tuple(r.id for r in self.rows)

    @property
    def session_id(self) -> str:
        return self.rows[0].session_id

    @property
    def user_id(self) -> str | None:
        return self.rows[0].user_id

    @property
    def bodies(self) -> list[Mapping[str, Any]]:
        return [r.body for r in self.rows]

    @property
    def attempts(self) -> int:
        """Failed tries so far (the most of any row)."""
        return max(r.attempts for r in self.rows)

    @property
    def retry_at(self) -> float:
        """Unix time before which the batch should not be tried again (0: now)."""
        return max(r.retry_at for r in self.rows)

    @property
    def oldest(self) -> float:
        """Unix time the oldest row was recorded."""
        return min(r.created_at for r in self.rows)

    def __len__(self) -> int:
        return len(self.rows)


@dataclass(frozen=True, slots=True)
class QueueCounts:
    """Pending rows per kind, dead rows, and the totals kept across restarts."""

    pending: Mapping[str, int]
    dead: int
    sent_total: int
    evicted_total: int
    dead_total: int

    @property
    def pending_total(self) -> int:
        return sum(self.pending.values())


class EventQueue:
    """Thread-safe durable queue; see the module docstring. Listeners added with
    `add_listener` are called (on the recording thread) after each new record."""

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
    ) -> None:
        self.path = Path(path).expanduser()
        self.max_records = int(max_records)
        self.max_bytes = int(max_bytes)
        self.event_type = event_type
        self.impression_event_type = impression_event_type
        self._synchronous = synchronous.upper()
        self._busy_timeout_s = busy_timeout_s
        self.lock_wait_s = LOCK_WAIT_S if lock_wait_s is None else lock_wait_s
        self._recover_enabled = recover
        self._on_connect = on_connect
        self._gen = 0  # bumped when a damaged file is replaced: threads reconnect
        self._closing = threading.Event()
        self.problem = ""  # what an operator should know (a damaged file moved aside)
        self._local = threading.local()
        self._lock = threading.RLock()
        self._conns: list[sqlite3.Connection] = []
        self._listeners: list[Callable[[], None]] = []
        self._closed = False
        self._disk_full = ""
        self._pending: dict[str, int] = {}
        self._dead = 0
        self._totals: dict[str, int] = {}
        self.read_only = ""  # why nothing can be saved (a read-only data folder), or ""
        self._snapshot: Snapshot | None = None  # how a read-only file is read
        self._ledger = Ledger()  # what this run did that could not be written
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise EventsError(f"cannot create the folder for the event queue {self.path}: "
                              f"{exc.strerror}; check events.db_path / app.data_dir") from None
        try:
            cannot_write = write_problem(self.path.parent)
            if cannot_write:
                self._open_read_only(cannot_write)
            self._open_checked()
        except CorruptQueueError as exc:
            if not recover or self.read_only:
                self.close()
                raise
            self._replace_damaged(exc)
        except BaseException:
            self.close()
            raise
        self.refresh_counts()
        self._ingest_spool()

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
            raise EventsError(f"{error}; keeping it in {self.spool_path} failed too "
                              f"({exc.strerror})") from None
        log.warning("event queue: %s %s kept in %s (%s); it is queued at the next start",
                    record.kind.value, record.record_id, self.spool_path, error)

    def _ingest_spool(self) -> int:
        """Queue the records a lock kept in the spool file; returns how many."""
        if not self.spool_path.exists():
            return 0
        if self.read_only:
            log.warning("event queue: the spool %s stays for a start with a writable "
                        "folder", self.spool_path)
            return 0
        taking = self.spool_path.with_name(f"{self.spool_path.name}.{os.getpid()}")
        try:
            self.spool_path.replace(taking)
            lines = taking.read_text(encoding="utf-8").splitlines()
        except OSError as exc:
            log.warning("event queue: cannot read the spool %s: %s", self.spool_path, exc)
            return 0
        records = []
        for line in lines:
            try:
                raw = json.loads(line)
                records.append(Record(RecordKind(raw["kind"]), str(raw["record_id"]),
                                      raw["body"], str(raw.get("session_id") or ""),
                                      raw.get("user_id"), float(raw["created_at"])))
            except (ValueError, KeyError, TypeError) as exc:
                log.error("event queue: unreadable spool line skipped (%s): %.200s", exc, line)
        try:
            for record in records:
                self.record(record, _from_spool=True)
        except KioskError as exc:  # still locked or full: keep the whole spool for later
            log.warning("event queue: spool not queued yet: %s", exc)
            with contextlib.suppress(OSError), self.spool_path.open("a", encoding="utf-8") as fh:
                fh.write("".join(f"{line}\n" for line in lines))
            taking.unlink(missing_ok=True)
            return 0
        taking.unlink(missing_ok=True)
        if records:
            log.info("event queue: %d record(s) from the spool queued", len(records))
        return len(records)

    def _open_read_only(self, why: str) -> None:
        """The folder cannot be written (`why`: "Read-only file system", …): read the
        file as it is, or refuse when there is none."""
        if not self.path.is_file():
            raise QueueReadOnlyError(
                f"cannot create the event queue {self.path} ({why}): likes cannot be "
                "saved. Make the data folder writable (check the disk and how it is "
                "mounted; app.data_dir) and restart the kiosk")
        try:
            self._snapshot = open_snapshot(self.path)
        except (sqlite3.Error, OSError) as exc:
            raise QueueReadOnlyError(
                f"{read_only_message(self.path, why)}; but it cannot be read either "
                f"({exc})") from None
        self.read_only = read_only_message(self.path, why)
        log.error("%s [reading it %s]", self.read_only, self._snapshot.how)

    def _open_checked(self) -> None:
        """Connect, check the file's integrity and bring the schema up to date."""
        try:
            conn = self._conn()
            row = conn.execute("PRAGMA quick_check(1)").fetchone()
            if row is None or str(row[0]).lower() != "ok":
                raise CorruptQueueError(self._corrupt_message(f"quick_check: {row and row[0]}"))
            if self._snapshot is None:
                schema.migrate(conn)
            elif schema.version(conn) != schema.LATEST:
                raise SchemaError(
                    f"the event queue {self.path} is version {schema.version(conn)} (this "
                    f"kiosk reads {schema.LATEST}) and its folder is read-only, so it cannot "
                    "be upgraded; make the folder writable and restart the kiosk")
            self._page_size = int(conn.execute("PRAGMA page_size").fetchone()[0])
        except SchemaError:
            raise
        except sqlite3.DatabaseError as exc:
            raise self._translate(exc) from None

    def _corrupt_message(self, detail: object) -> str:
        return (f"the event queue {self.path} is damaged ({detail}); move the file aside "
                "to start an empty queue (the kiosk does this itself and keeps the old file)")

    @classmethod
    def from_settings(cls, settings: Settings, **kwargs: Any) -> EventQueue:
        return cls(
            settings.events_db,
            max_records=settings.events.max_records,
            max_bytes=int(settings.events.max_mb * MB),
            event_type=settings.personalize.event_type,
            **({"recover": True} | kwargs),
        )

    # ------------------------------------------------------------------ connections

    def _conn(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is not None and not self._closed and self._local.gen == self._gen:
            return conn
        with self._lock:
            if self._closed:
                raise EventsError(f"the event queue {self.path} is closed")
            if self._snapshot is not None:
                return self._keep(self._read_only_conn(self._snapshot))
            try:
                conn = sqlite3.connect(
                    str(self.path), timeout=self._busy_timeout_s,
                    isolation_level=None, check_same_thread=False,
                )
            except sqlite3.Error as exc:
                raise EventsError(f"cannot open the event queue {self.path}: {exc}; "
                                  "check the folder's permissions and free space") from None
            try:
                mode = conn.execute("PRAGMA journal_mode=WAL").fetchone()[0]
                if str(mode).lower() != "wal":
                    log.warning("event queue %s: WAL unavailable (journal mode %s)",
                                self.path, mode)
                conn.execute(f"PRAGMA synchronous={self._synchronous}")
                conn.execute(f"PRAGMA journal_size_limit={WAL_LIMIT_BYTES}")
            except sqlite3.DatabaseError as exc:
                conn.close()
                raise self._translate(exc) from None
            return self._keep(conn)

    def _read_only_conn(self, snapshot: Snapshot) -> sqlite3.Connection:
        try:
            return snapshot.connect(self._busy_timeout_s)
        except sqlite3.Error as exc:
            raise EventsError(f"cannot read the event queue {self.path} ({exc}); "
                              f"{self.read_only}") from None

    def _keep(self, conn: sqlite3.Connection) -> sqlite3.Connection:
        """Register a new connection as this thread's (caller holds `_lock`)."""
        if self._on_connect is not None:
            self._on_connect(conn)
        self._conns.append(conn)
        self._local.conn = conn
        self._local.gen = self._gen
        return conn

    @contextlib.contextmanager
    def _write(self, durable: bool = True) -> Iterator[sqlite3.Connection]:
        """One IMMEDIATE transaction; `durable=False` skips the fsync (acks only)."""
        conn = self._conn()
        relaxed = not durable and self._synchronous not in ("OFF", "NORMAL")
        try:
            if relaxed:
                conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    with contextlib.suppress(sqlite3.Error):
                        conn.execute("ROLLBACK")
                raise
        except sqlite3.DatabaseError as exc:
            raise self._translate(exc) from exc
        finally:
            if relaxed:
                with contextlib.suppress(sqlite3.Error):
                    conn.execute(f"PRAGMA synchronous={self._synchronous}")

    def _translate(self, exc: sqlite3.Error) -> KioskError:
        """The package error for a SQLite failure: DiskFullError, QueueBusyError,
        CorruptQueueError or EventsError."""
        code = int(getattr(exc, "sqlite_errorcode", 0) or 0) & 0xFF
        text = str(exc).lower()
        if is_read_only_error(exc):
            return self._went_read_only(exc)
        if code == sqlite3.SQLITE_FULL or "full" in text:
            error = DiskFullError(self.path, "save to the event queue", kept=KEPT,
                                  detail=str(exc))
            if not self._disk_full:
                log.error("%s", error)
            self._disk_full = str(error)
            return error
        if code in _SQLITE_BUSY or "locked" in text or "busy" in text:
            return QueueBusyError(
                f"the event queue {self.path} is locked by another program ({exc}); "
                "close any tool that has it open (an sqlite3 shell, a backup, a second "
                "kiosk); nothing was lost")
        if code in _SQLITE_CORRUPT or "malformed" in text or "not a database" in text:
            return CorruptQueueError(self._corrupt_message(exc))
        return EventsError(f"event queue {self.path}: {exc}")

    def _went_read_only(self, exc: sqlite3.Error) -> QueueReadOnlyError:
        """A write was refused because the file cannot be written: from now on nothing
        is saved and the upload side keeps its acks in memory (logged once)."""
        if not self.read_only:
            self.read_only = read_only_message(
                self.path, write_problem(self.path.parent) or exc)
            log.error("%s [%s]", self.read_only, exc)
        return QueueReadOnlyError(self.read_only)

    def _retrying(self, what: str, fn: Callable[[], Any]) -> Any:
        """Run a write, retrying while another process holds the lock (each try waits
        up to `busy_timeout_s`) until `lock_wait_s` has passed; a damaged file is
        replaced once (when `recover`) and the write tried again."""
        deadline = time.monotonic() + self.lock_wait_s
        tries = 0
        recovered = False
        while True:
            try:
                return fn()
            except QueueBusyError:
                tries += 1
                if time.monotonic() >= deadline or self._closing.is_set():
                    log.error("event queue: could not %s: still locked after %d tries in "
                              "%.0f s", what, tries, self.lock_wait_s)
                    raise
                if tries == 1:
                    log.warning("event queue %s is locked by another program; retrying "
                                "to %s for up to %.0f s", self.path, what, self.lock_wait_s)
                self._closing.wait(min(0.05 * 2 ** tries, 0.5))
            except CorruptQueueError as exc:
                if recovered or not self._recover_enabled or self.read_only:
                    raise
                self._replace_damaged(exc)
                recovered = True

    # ------------------------------------------------------------------ damage

    def _replace_damaged(self, exc: Exception) -> None:
        """Move the damaged file (and its -wal/-shm) aside, open a fresh queue in its
        place and copy every row that can still be read into it."""
        with self._lock:
            self._gen += 1
            conns, self._conns = self._conns, []
            for conn in conns:
                with contextlib.suppress(sqlite3.Error):
                    conn.close()
            stamp = datetime.now(tz=UTC).strftime("%Y%m%dT%H%M%S")
            aside = self.path.with_name(f"{self.path.name}.damaged-{stamp}")
            n = 1
            while aside.exists():
                n += 1
                aside = self.path.with_name(f"{self.path.name}.damaged-{stamp}-{n}")
            try:
                self.path.replace(aside)
                for suffix in ("-wal", "-shm"):
                    side = self.path.with_name(self.path.name + suffix)
                    if side.exists():
                        side.replace(aside.with_name(aside.name + suffix))
            except OSError as move_error:
                raise CorruptQueueError(
                    f"{exc}; moving it aside failed ({move_error.strerror}): move "
                    f"{self.path} away by hand") from None
            self._open_checked()
            saved = _salvage(aside, self._conn())
        self.refresh_counts()
        self.problem = (f"the event queue was damaged ({exc}); it was moved aside to "
                        f"{aside} and a fresh queue opened ({saved} records saved from it)")
        log.error("%s", self.problem)

    def close(self) -> None:
        self._closing.set()
        with self._lock:
            self._closed = True
            conns, self._conns = self._conns, []
        close_quietly(conns)
        if self._snapshot is not None:
            self._snapshot.close()

    def __enter__(self) -> EventQueue:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ recording

    def record_like(self, like: Like) -> int:
        """Commit a like (its id and tap time come with it); returns the row id. Recording
        the same event id twice keeps one row. Raises DiskFullError when there is no room."""
        return self.record(like_record(like, self.event_type))

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

    def record(self, record: Record, *, spool: bool = False, _from_spool: bool = False
               ) -> int:
        """Commit one record durably; returns its row id. Raises DiskFullError,
        QueueBusyError (still locked after `lock_wait_s`), CorruptQueueError or
        EventsError; when it raises, nothing was written. With `spool`, a record the
        lock kept out is kept in the spool file instead (returns 0)."""
        if self.read_only:
            raise QueueReadOnlyError(self.read_only)
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
                    return int(row[0]), True
                row = conn.execute(
                    "SELECT id FROM records WHERE record_id = ?", (record.record_id,)
                ).fetchone()
                return int(row[0]), False

        try:
            row_id, inserted = self._retrying(f"save a {record.kind.value}", insert)
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
                log.error("event queue: could not make room after a record: %s", exc)
            self._notify()
        else:
            log.info("event queue: %s %s already queued as row %d",
                     record.kind.value, record.record_id, row_id)
        if not _from_spool and self.spool_path.exists():
            self._ingest_spool()
        return row_id

    # ------------------------------------------------------------------ listeners

    def add_listener(self, callback: Callable[[], None]) -> None:
        with self._lock:
            self._listeners.append(callback)

    def remove_listener(self, callback: Callable[[], None]) -> None:
        with self._lock, contextlib.suppress(ValueError):
            self._listeners.remove(callback)

    def _notify(self) -> None:
        with self._lock:
            listeners = list(self._listeners)
        for callback in listeners:
            try:
                callback()
            except Exception:
                log.exception("event queue listener %r failed", callback)

    # ------------------------------------------------------------------ upload side

    def next_batch(self, kinds: Iterable[RecordKind | str], limit: int = MAX_BATCH) -> Batch | None:
        """The oldest sendable row's group, up to `limit` rows of it in order; None when
        nothing of `kinds` is pending. Rows stay queued until `ack` or `dead_letter`."""
        names = [RecordKind(k).value for k in kinds]
        if not names:
            return None
        for _ in range(100):  # each pass dead-letters at least one unreadable row
            try:
                rows = self._oldest_group(names, max(1, min(limit, MAX_BATCH)))
            except sqlite3.DatabaseError as exc:
                error = self._translate(exc)
                if (isinstance(error, CorruptQueueError) and self._recover_enabled
                        and not self.read_only):
                    self._replace_damaged(error)
                    continue
                raise error from exc
            if not rows:
                return None
            good, bad = [], []
            for raw in rows:
                try:
                    attempts, retry_at = self._ledger.overlay(
                        int(raw[0]), int(raw[7]), float(raw[8] or 0.0))
                    good.append(_row((*raw[:7], attempts), retry_at))
                except (ValueError, TypeError, KeyError) as exc:
                    bad.append((int(raw[0]), f"{type(exc).__name__}: {exc}"))
            if not bad:
                return Batch(good[0].kind.operation, tuple(good)) if good else None
            for row_id, why in bad:
                self.dead_letter([row_id], CORRUPT_ROW, f"stored record cannot be read ({why})")
        return None

    def _oldest_group(self, names: list[str], limit: int) -> list[Any]:
        """The raw rows (`_COLUMNS`, retry_at) of the oldest pending group of `names`,
        leaving out rows this run already sent or refused without writing it down."""
        conn = self._conn()
        marks = ",".join("?" * len(names))
        skip = self._ledger.handled()
        if not skip:
            first = conn.execute(
                f"SELECT grp, id FROM records WHERE kind IN ({marks}) ORDER BY id LIMIT 1",
                names,
            ).fetchone()
            if first is None:
                return []
            return conn.execute(
                f"SELECT {_COLUMNS}, retry_at FROM records WHERE grp = ? AND kind IN"
                f" ({marks}) ORDER BY id LIMIT ?", (first[0], *names, limit),
            ).fetchall()
        floor = min(skip) - 1  # every row below it is still to be offered
        first = next((row for row in conn.execute(
            f"SELECT grp, id FROM records WHERE kind IN ({marks}) AND id > ? ORDER BY id",
            (*names, floor)) if int(row[1]) not in skip), None)
        if first is None:
            return []
        rows: list[Any] = []
        for raw in conn.execute(
                f"SELECT {_COLUMNS}, retry_at FROM records WHERE grp = ? AND kind IN"
                f" ({marks}) AND id >= ? ORDER BY id", (first[0], *names, first[1])):
            if int(raw[0]) not in skip:
                rows.append(raw)
                if len(rows) >= limit:
                    break
        return rows

    def _kinds_of(self, ids: list[int]) -> list[tuple[int, str]]:
        """(id, kind) of the pending rows among `ids` (a read: works read-only)."""
        marks = ",".join("?" * len(ids))
        try:
            rows = self._conn().execute(
                f"SELECT id, kind FROM records WHERE id IN ({marks})", ids).fetchall()
        except sqlite3.DatabaseError as exc:
            raise self._translate(exc) from exc
        return [(int(i), str(k)) for i, k in rows]

    def forget_users(self, user_ids: Iterable[str]) -> int:
        """"Forget me" / retention: delete the queued and dead-lettered records that
        carry these user ids (their likes and their PutUsers record), so nothing of
        theirs is uploaded later. Returns the number of rows deleted."""
        ids = sorted({u for u in user_ids if u})
        if not ids:
            return 0
        marks = ",".join("?" * len(ids))
        if self.read_only:  # never uploaded in this run; the file keeps them
            rows = self._conn().execute(
                f"SELECT id, kind FROM records WHERE user_id IN ({marks})", ids).fetchall()
            self._ledger.mark_dead(rows, "Forgotten", "forgotten while read-only")
            self.refresh_counts()
            raise QueueReadOnlyError(
                f"{len(rows)} queued record(s) of {len(ids)} forgotten user(s) are held back "
                f"for this run but cannot be deleted: {self.read_only}")
        with self._write(durable=True) as conn:
            kinds = [str(r[0]) for r in conn.execute(
                f"DELETE FROM records WHERE user_id IN ({marks}) RETURNING kind", ids
            ).fetchall()]
            dead = conn.execute(f"DELETE FROM dead WHERE user_id IN ({marks})", ids).rowcount
        with self._lock:
            self._forget(kinds)
        self.refresh_counts()
        log.info("forgot %d queued and %d dead-lettered records of %d user(s)",
                 len(kinds), dead, len(ids))
        return len(kinds) + int(dead)

    def ack(self, ids: Iterable[int]) -> int:
        """Delivered: delete the rows and count them as sent."""
        id_list = list(ids)
        if not id_list:
            return 0

        def delete() -> list[str]:
            with self._write(durable=False) as conn:
                kinds = _delete(conn, "records", id_list)
                _bump(conn, "sent", len(kinds))
            return kinds

        try:
            kinds = [] if self.read_only else self._retrying("record a delivery", delete)
        except QueueReadOnlyError:
            kinds = []
        if self.read_only:
            kinds = self._ledger.mark_sent(self._kinds_of(id_list))
        with self._lock:
            self._forget(kinds)
            self._totals["sent"] = self._totals.get("sent", 0) + len(kinds)
        return len(kinds)

    def dead_letter(self, ids: Iterable[int], code: str, message: str) -> int:
        """Refused for good: move the rows to the dead-letter table with the error."""
        id_list = list(ids)
        if not id_list:
            return 0
        marks = ",".join("?" * len(id_list))

        def move() -> list[str]:
            with self._write(durable=False) as conn:
                conn.execute(
                    f"INSERT OR REPLACE INTO dead ({_COLUMNS}, grp, error_code, error_message,"
                    f" failed_at) SELECT {_COLUMNS}, grp, ?, ?, ? FROM records"
                    f" WHERE id IN ({marks})", (code, message[:2000], time.time(), *id_list),
                )
                kinds = _delete(conn, "records", id_list)
                _bump(conn, "dead", len(kinds))
            return kinds

        try:
            kinds = [] if self.read_only else self._retrying("keep a dead letter", move)
        except QueueReadOnlyError:
            kinds = []
        if self.read_only:  # held back for this run; queued again at the next start
            kinds = self._ledger.mark_dead(self._kinds_of(id_list), code, message)
        with self._lock:
            self._forget(kinds)
            self._dead += len(kinds)
            self._totals["dead"] = self._totals.get("dead", 0) + len(kinds)
        if kinds:
            where = ("held back for this run (read-only folder)" if self.read_only
                     else "moved to dead letters")
            log.warning("event queue: %d record(s) %s (%s: %s); rows %s",
                        len(kinds), where, code, message, _id_span(id_list))
        return len(kinds)

    def note_attempt(self, ids: Iterable[int], retry_at: float = 0.0) -> int:
        """Count a failed try against the rows and keep when the next may start (Unix
        time), so a restart keeps the backoff; returns their highest count."""
        id_list = list(ids)
        if not id_list:
            return 0
        marks = ",".join("?" * len(id_list))

        def update() -> list[Any]:
            with self._write(durable=False) as conn:
                return conn.execute(
                    f"UPDATE records SET attempts = attempts + 1, retry_at = ?"
                    f" WHERE id IN ({marks}) RETURNING attempts", (retry_at, *id_list),
                ).fetchall()

        try:
            if not self.read_only:
                return max((int(r[0]) for r in self._retrying("count a failed try", update)),
                           default=0)
        except QueueReadOnlyError:
            pass
        try:
            stored = self._conn().execute(
                f"SELECT id, attempts FROM records WHERE id IN ({marks})", id_list).fetchall()
        except sqlite3.DatabaseError as exc:
            raise self._translate(exc) from exc
        return self._ledger.note_try(stored, retry_at)

    def retry_transient_dead(self) -> int:
        """Queue again the dead letters an outage put there (5xx, throttling, timeouts,
        refused connections; older kiosks dead-lettered after 20 server errors): they
        were never refused by Personalize. Returns the number queued again."""
        if self.read_only:
            return 0
        codes = sorted(TRANSIENT_DEAD_CODES)
        marks = ",".join("?" * len(codes))
        where = f"error_code IN ({marks}) OR error_message LIKE '%server errors)'"
        moved = self._move_dead(where, codes)
        if moved:
            log.warning("event queue: %d dead letter(s) from a transient outage queued again",
                        moved)
            self._notify()
        return int(moved)

    def _move_dead(self, where: str, params: Sequence[object]) -> int:
        """Move the dead letters matching `where` back into the queue, in their original
        place in the order (one transaction); returns how many moved."""
        with self._write() as conn:
            moved = conn.execute(
                f"INSERT OR IGNORE INTO records ({_COLUMNS}, grp)"
                f" SELECT id, kind, record_id, session_id, user_id, created_at, body, 0, grp"
                f" FROM dead WHERE {where}", params,
            ).rowcount
            conn.execute(f"DELETE FROM dead WHERE {where}", params)
        self.refresh_counts()
        return int(moved)

    def retry_dead(self, code: str | None = None, kind: RecordKind | str | None = None) -> int:
        """Move dead letters (optionally only one error code or kind) back into the queue,
        in their original place in the order."""
        where, params = _dead_filter(code, kind)
        moved = self._move_dead(where, params)
        if moved:
            log.info("event queue: %d dead letter(s) queued again", moved)
            self._notify()
        return int(moved)

    # ------------------------------------------------------------------ bounds

    def used_bytes(self) -> int:
        """Bytes of the database file in use (free pages left by deletions excluded)."""
        row = self._conn().execute(
            "SELECT p.page_count - f.freelist_count FROM pragma_page_count() AS p,"
            " pragma_freelist_count() AS f"
        ).fetchone()
        return int(row[0]) * self._page_size

    def _enforce_bounds(self) -> None:
        for _ in range(8):
            with self._lock:
                total = sum(self._pending.values()) + self._dead
            used = self.used_bytes()
            over_rows = total - self.max_records
            if over_rows <= 0 and used <= self.max_bytes:
                return
            want = 0
            if over_rows > 0:
                want = over_rows + max(1, self.max_records // 100)
            if used > self.max_bytes:
                per_row = used / max(total, 1)
                want = max(want, math.ceil((used - 0.97 * self.max_bytes) / per_row))
            reason = "max_records" if over_rows > 0 else "max_mb"
            if self._evict(max(1, want), reason) == 0:
                return  # nothing left that may go

    def _evict(self, count: int, reason: str) -> int:
        removed: dict[str, int] = {}
        event_ids: list[str] = []
        with self._write() as conn:
            left = count
            for table, where in (("records", "kind = 'impression'"),
                                 ("dead", "kind = 'impression'"), (None, "")):
                if left <= 0:
                    break
                if table is None:
                    victims = conn.execute(
                        "SELECT id, 'records' FROM records UNION ALL SELECT id, 'dead' FROM dead"
                        " ORDER BY id LIMIT ?", (left,),
                    ).fetchall()
                else:
                    victims = conn.execute(
                        f"SELECT id, '{table}' FROM {table} WHERE {where} ORDER BY id LIMIT ?",
                        (left,),
                    ).fetchall()
                for name in ("records", "dead"):
                    ids = [int(v[0]) for v in victims if v[1] == name]
                    if not ids:
                        continue
                    marks = ",".join("?" * len(ids))
                    gone = conn.execute(
                        f"DELETE FROM {name} WHERE id IN ({marks}) RETURNING kind, record_id", ids
                    ).fetchall()
                    for kind, record_id in gone:
                        key = kind if name == "records" else f"dead_{kind}"
                        removed[key] = removed.get(key, 0) + 1
                        if kind in ("event", "impression"):
                            event_ids.append(record_id)
                    left -= len(gone)
            total = sum(removed.values())
            _bump(conn, "evicted", total)
        if total:
            with self._lock:
                for key, n in removed.items():
                    if key.startswith("dead_"):
                        self._dead -= n
                    else:
                        self._pending[key] = self._pending.get(key, 0) - n
                self._totals["evicted"] = self._totals.get("evicted", 0) + total
                evicted_total = self._totals["evicted"]
            shown = event_ids if len(event_ids) <= 10 else [*event_ids[:5], "…", *event_ids[-5:]]
            log.warning(
                "event queue full (%s): evicted %d record(s) %s, event ids %s; %d evicted so far",
                reason, total, removed, shown, evicted_total,
            )
        return total

    # ------------------------------------------------------------------ status

    def refresh_counts(self) -> QueueCounts:
        """Recount from the database (another process may have changed it). Raises the
        package's errors (see `_translate`), never a raw sqlite3 one."""
        try:
            conn = self._conn()
            pending = dict(
                conn.execute("SELECT kind, count(*) FROM records GROUP BY kind").fetchall())
            dead = int(conn.execute("SELECT count(*) FROM dead").fetchone()[0])
            totals = dict(conn.execute("SELECT name, value FROM counters").fetchall())
        except sqlite3.DatabaseError as exc:
            raise self._translate(exc) from exc
        if self._ledger:  # what this run did without writing it down
            for kind, n in self._ledger.pending_delta().items():
                pending[kind] = pending.get(kind, 0) - n
            sent, refused = self._ledger.counts()
            dead += refused
            totals["sent"] = totals.get("sent", 0) + sent
        with self._lock:
            self._pending = {str(k): int(v) for k, v in pending.items()}
            self._dead = dead
            self._totals = {str(k): int(v) for k, v in totals.items()}
        return self.counts()

    def counts(self) -> QueueCounts:
        with self._lock:
            pending = {k.value: max(0, self._pending.get(k.value, 0)) for k in RecordKind
                       if k is not RecordKind.METRIC or self._pending.get(k.value)}
            return QueueCounts(
                pending=pending,
                dead=max(0, self._dead),
                sent_total=self._totals.get("sent", 0),
                evicted_total=self._totals.get("evicted", 0),
                dead_total=self._totals.get("dead", 0),
            )

    @property
    def disk_full(self) -> str:
        """The operator message of the last failed save, '' once a save succeeds again."""
        return self._disk_full

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
        except sqlite3.DatabaseError as exc:
            raise self._translate(exc) from exc
        return {
            "path": str(self.path),
            "pending": counts.pending_total,
            "pending_by_kind": dict(counts.pending),
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
        """Write the dead letters (and with `pending`, the queued rows too) as JSON lines;
        returns the number written."""
        if isinstance(target, str | Path):
            path = Path(target)
            tmp = path.with_name(path.name + ".part")
            with tmp.open("w", encoding="utf-8") as out:
                written = self.export(out, pending=pending)
            tmp.replace(path)
            return written
        conn = self._conn()
        written = 0
        tables = ("dead", "records") if pending else ("dead",)
        for table in tables:
            extra = ", error_code, error_message, failed_at" if table == "dead" else ""
            cursor = conn.execute(f"SELECT {_COLUMNS}{extra} FROM {table} ORDER BY id")
            for raw in cursor:
                row = _row(raw)
                line: dict[str, Any] = {
                    "state": "dead" if table == "dead" else "pending",
                    "id": row.id,
                    "kind": row.kind.value,
                    "operation": row.kind.operation,
                    "recordId": row.record_id,
                    "sessionId": row.session_id or None,
                    "userId": row.user_id,
                    "createdAt": _iso(row.created_at),
                    "attempts": row.attempts,
                    "entry": dict(row.body),
                }
                if table == "dead":
                    line["error"] = {"code": raw[8], "message": raw[9], "failedAt": _iso(raw[10])}
                target.write(json.dumps(line, ensure_ascii=False) + "\n")
                written += 1
        return written

    def _forget(self, kinds: list[str]) -> None:
        for kind in kinds:
            self._pending[kind] = self._pending.get(kind, 0) - 1


# ---------------------------------------------------------------------- helpers


TRANSIENT_DEAD_CODES = frozenset({
    "ThrottlingException", "Throttling", "TooManyRequestsException", "LimitExceededException",
    "RequestTimeout", "RequestTimeoutException", "ServiceUnavailable",
    "ServiceUnavailableException", "InternalServerError", "InternalServerException",
    "InternalFailure", "SlowDown", "ResourceInUseException", "EndpointConnectionError",
    "ConnectTimeoutError", "ReadTimeoutError", "ConnectionError", "ConnectionClosedError",
    "TimeoutError",
})  # error codes of dead letters that an outage, not Personalize, put there


def _row(raw: Sequence[Any], retry_at: float = 0.0) -> QueuedRow:
    """A stored row; ValueError/TypeError/KeyError when its data cannot be read."""
    body = json.loads(raw[6])
    if not isinstance(body, dict):
        raise ValueError(f"body is {type(body).__name__}, not an object")
    return QueuedRow(
        id=int(raw[0]), kind=RecordKind(raw[1]), record_id=str(raw[2]),
        session_id=str(raw[3] or ""), user_id=raw[4], created_at=float(raw[5]),
        body=body, attempts=int(raw[7]),
        retry_at=retry_at,
    )


SALVAGE_PROBES = 1_000_000  # most row ids looked up one by one in a damaged file
_MAGIC = b"SQLite format 3\x00"


def _salvage(damaged: Path, target: sqlite3.Connection) -> int:
    """Copy the rows still readable in `damaged` (records, dead letters, counters) into
    `target`; returns the number of records and dead letters saved.

    Works on a scratch copy whose header is made to match the file as it is (page
    count, rollback journal), so a truncated file still opens; a table that cannot be
    scanned is read row by row, newest id first, skipping the damaged pages."""
    scratch = damaged.with_name(damaged.name + ".salvage")
    try:
        raw = bytearray(damaged.read_bytes())
        if raw[:16] != _MAGIC:
            return 0  # the header is gone: nothing can be found
        page_size = int.from_bytes(raw[16:18], "big") or 65536
        raw += b"\0" * (-len(raw) % page_size)
        raw[28:32] = (len(raw) // page_size).to_bytes(4, "big")
        raw[18] = raw[19] = 1  # rollback journal: no -wal/-shm needed
        scratch.write_bytes(raw)
        source = sqlite3.connect(str(scratch), isolation_level=None)
    except (OSError, sqlite3.Error) as exc:
        log.warning("event queue salvage: cannot read %s: %s", damaged, exc)
        return 0
    saved = 0
    try:
        top = _max_id(source)
        for table, columns in (
            ("records", f"{_COLUMNS}, grp"),
            ("dead", f"{_COLUMNS}, grp, error_code, error_message, failed_at"),
        ):
            rows = _readable_rows(source, table, columns, top)
            marks = ",".join("?" * len(columns.split(",")))
            target.execute("BEGIN IMMEDIATE")
            for row in rows:
                with contextlib.suppress(sqlite3.Error):
                    target.execute(f"INSERT OR IGNORE INTO {table} ({columns}) VALUES ({marks})",
                                   row)
                    saved += 1
            target.execute("COMMIT")
        with contextlib.suppress(sqlite3.Error):
            for name, value in source.execute("SELECT name, value FROM counters").fetchall():
                target.execute("UPDATE counters SET value = ? WHERE name = ?", (value, name))
    finally:
        source.close()
        with contextlib.suppress(OSError):
            scratch.unlink()
    return saved


def _max_id(source: sqlite3.Connection) -> int:
    for sql in ("SELECT seq FROM sqlite_sequence WHERE name = 'records'",
                "SELECT max(id) FROM records"):
        with contextlib.suppress(sqlite3.Error):
            row = source.execute(sql).fetchone()
            if row and row[0]:
                return int(row[0])
    return 0


def _readable_rows(source: sqlite3.Connection, table: str, columns: str, top: int
                   ) -> list[Any]:
    """Every row of `table` that can be read: a scan, else one lookup per id."""
    found: dict[int, Any] = {}
    try:
        for raw in source.execute(f"SELECT {columns} FROM {table} ORDER BY id"):
            found[int(raw[0])] = raw
        return list(found.values())
    except sqlite3.Error as exc:
        log.warning("event queue salvage: %s scan stopped after %d rows (%s); looking "
                    "rows up one by one", table, len(found), exc)
    for row_id in range(top, max(0, top - SALVAGE_PROBES), -1):
        if row_id in found:
            continue
        try:
            raw = source.execute(f"SELECT {columns} FROM {table} WHERE id = ?",
                                 (row_id,)).fetchone()
        except sqlite3.Error:
            continue
        if raw is not None:
            found[row_id] = raw
    return [found[k] for k in sorted(found)]


def _delete(conn: sqlite3.Connection, table: str, ids: list[int]) -> list[str]:
    marks = ",".join("?" * len(ids))
    rows = conn.execute(f"DELETE FROM {table} WHERE id IN ({marks}) RETURNING kind", ids)
    return [str(r[0]) for r in rows.fetchall()]


def _bump(conn: sqlite3.Connection, name: str, by: int) -> None:
    if by:
        conn.execute("UPDATE counters SET value = value + ? WHERE name = ?", (by, name))


def _dead_filter(code: str | None, kind: RecordKind | str | None) -> tuple[str, tuple[Any, ...]]:
    clauses, params = ["1"], []
    if code:
        clauses.append("error_code = ?")
        params.append(code)
    if kind:
        clauses.append("kind = ?")
        params.append(RecordKind(kind).value)
    return " AND ".join(clauses), tuple(params)


def _id_span(ids: Sequence[int]) -> str:
    return f"{min(ids)}…{max(ids)}" if len(ids) > 1 else str(ids[0])


def _iso(epoch: float) -> str:
    return datetime.fromtimestamp(float(epoch), tz=UTC).isoformat()
