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
"""

from __future__ import annotations

import contextlib
import json
import logging
import math
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
from kiosk.events import schema
from kiosk.events.errors import DiskFullError, EventsError, SchemaError
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
WAL_LIMIT_BYTES = 4 * MB
_COLUMNS = "id, kind, record_id, session_id, user_id, created_at, body, attempts"


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
        busy_timeout_s: float = 10.0,
        on_connect: Callable[[sqlite3.Connection], None] | None = None,
    ) -> None:
        self.path = Path(path).expanduser()
        self.max_records = int(max_records)
        self.max_bytes = int(max_bytes)
        self.event_type = event_type
        self.impression_event_type = impression_event_type
        self._synchronous = synchronous.upper()
        self._busy_timeout_s = busy_timeout_s
        self._on_connect = on_connect
        self._local = threading.local()
        self._lock = threading.RLock()
        self._conns: list[sqlite3.Connection] = []
        self._listeners: list[Callable[[], None]] = []
        self._closed = False
        self._disk_full = ""
        self._pending: dict[str, int] = {}
        self._dead = 0
        self._totals: dict[str, int] = {}
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise EventsError(f"cannot create the folder for the event queue {self.path}: "
                              f"{exc.strerror}; check events.db_path / app.data_dir") from None
        conn = self._conn()
        try:
            schema.migrate(conn)
        except sqlite3.DatabaseError as exc:
            self.close()
            raise SchemaError(f"the event queue {self.path} cannot be opened ({exc}); "
                              "move the file aside to start an empty queue") from None
        self._page_size = int(conn.execute("PRAGMA page_size").fetchone()[0])
        self.refresh_counts()

    @classmethod
    def from_settings(cls, settings: Settings, **kwargs: Any) -> EventQueue:
        return cls(
            settings.events_db,
            max_records=settings.events.max_records,
            max_bytes=int(settings.events.max_mb * MB),
            event_type=settings.personalize.event_type,
            **kwargs,
        )

    # ------------------------------------------------------------------ connections

    def _conn(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is not None and not self._closed:
            return conn
        with self._lock:
            if self._closed:
                raise EventsError(f"the event queue {self.path} is closed")
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
            except sqlite3.OperationalError as exc:
                conn.close()
                raise self._translate(exc) from None
            except sqlite3.DatabaseError as exc:
                conn.close()
                raise SchemaError(f"the event queue {self.path} cannot be read ({exc}); "
                                  "move the file aside to start an empty queue") from None
            if self._on_connect is not None:
                self._on_connect(conn)
            self._conns.append(conn)
            self._local.conn = conn
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
        except sqlite3.OperationalError as exc:
            raise self._translate(exc) from exc
        finally:
            if relaxed:
                with contextlib.suppress(sqlite3.Error):
                    conn.execute(f"PRAGMA synchronous={self._synchronous}")

    def _translate(self, exc: sqlite3.Error) -> EventsError:
        if getattr(exc, "sqlite_errorcode", None) == sqlite3.SQLITE_FULL or "full" in str(exc):
            error = DiskFullError(self.path, str(exc))
            if not self._disk_full:
                log.error("%s", error)
            self._disk_full = str(error)
            return error
        return EventsError(f"event queue {self.path}: {exc}")

    def close(self) -> None:
        with self._lock:
            self._closed = True
            conns, self._conns = self._conns, []
        for conn in conns:
            with contextlib.suppress(sqlite3.Error):
                conn.close()

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
    ) -> int:
        """A page shown and left without a like (a liked page's impression rides on the
        like itself). Evicted first when the queue is full."""
        return self.record(impression_record(
            visit_id, impression, emotion=emotion, user_id=user_id,
            recommendation_id=recommendation_id, event_type=self.impression_event_type,
            event_id=event_id, sent_at=sent_at,
        ))

    def record_user(
        self, user_id: str, emotion: Emotion, properties: Mapping[str, Any] | None = None
    ) -> int:
        return self.record(user_record(user_id, emotion, properties))

    def record_item(self, item: Item, properties: Mapping[str, Any] | None = None) -> int:
        return self.record(item_record(item, properties))

    def record(self, record: Record) -> int:
        body = json.dumps(record.body, separators=(",", ":"), ensure_ascii=False)
        inserted = True
        with self._write() as conn:
            row = conn.execute(
                "INSERT INTO records (kind, record_id, grp, session_id, user_id, created_at, body)"
                " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (record_id) DO NOTHING RETURNING id",
                (record.kind.value, record.record_id, record.group, record.session_id,
                 record.user_id, record.created_at, body),
            ).fetchone()
            if row is None:
                inserted = False
                row = conn.execute(
                    "SELECT id FROM records WHERE record_id = ?", (record.record_id,)
                ).fetchone()
        row_id = int(row[0])
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
        marks = ",".join("?" * len(names))
        conn = self._conn()
        try:
            first = conn.execute(
                f"SELECT grp FROM records WHERE kind IN ({marks}) ORDER BY id LIMIT 1", names
            ).fetchone()
            if first is None:
                return None
            rows = conn.execute(
                f"SELECT {_COLUMNS} FROM records WHERE grp = ? AND kind IN ({marks})"
                " ORDER BY id LIMIT ?", (first[0], *names, max(1, min(limit, MAX_BATCH))),
            ).fetchall()
        except sqlite3.OperationalError as exc:
            raise self._translate(exc) from exc
        batch = tuple(_row(r) for r in rows)
        return Batch(batch[0].kind.operation, batch) if batch else None

    def forget_users(self, user_ids: Iterable[str]) -> int:
        """"Forget me" / retention: delete the queued and dead-lettered records that
        carry these user ids (their likes and their PutUsers record), so nothing of
        theirs is uploaded later. Returns the number of rows deleted."""
        ids = sorted({u for u in user_ids if u})
        if not ids:
            return 0
        marks = ",".join("?" * len(ids))
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
        with self._write(durable=False) as conn:
            kinds = _delete(conn, "records", id_list)
            _bump(conn, "sent", len(kinds))
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
        with self._write(durable=False) as conn:
            conn.execute(
                f"INSERT OR REPLACE INTO dead ({_COLUMNS}, grp, error_code, error_message,"
                f" failed_at) SELECT {_COLUMNS}, grp, ?, ?, ? FROM records WHERE id IN ({marks})",
                (code, message[:2000], time.time(), *id_list),
            )
            kinds = _delete(conn, "records", id_list)
            _bump(conn, "dead", len(kinds))
        with self._lock:
            self._forget(kinds)
            self._dead += len(kinds)
            self._totals["dead"] = self._totals.get("dead", 0) + len(kinds)
        if kinds:
            log.warning("event queue: %d record(s) moved to dead letters (%s: %s); rows %s",
                        len(kinds), code, message, _id_span(id_list))
        return len(kinds)

    def note_attempt(self, ids: Iterable[int]) -> int:
        """Count a server-side failure against the rows; returns their highest count."""
        id_list = list(ids)
        if not id_list:
            return 0
        marks = ",".join("?" * len(id_list))
        with self._write(durable=False) as conn:
            row = conn.execute(
                f"UPDATE records SET attempts = attempts + 1 WHERE id IN ({marks})"
                " RETURNING attempts", id_list,
            ).fetchall()
        return max((int(r[0]) for r in row), default=0)

    def retry_dead(self, code: str | None = None, kind: RecordKind | str | None = None) -> int:
        """Move dead letters (optionally only one error code or kind) back into the queue,
        in their original place in the order."""
        where, params = _dead_filter(code, kind)
        with self._write() as conn:
            moved = conn.execute(
                f"INSERT OR IGNORE INTO records ({_COLUMNS}, grp)"
                f" SELECT id, kind, record_id, session_id, user_id, created_at, body, 0, grp"
                f" FROM dead WHERE {where}", params,
            ).rowcount
            conn.execute(f"DELETE FROM dead WHERE {where}", params)
        self.refresh_counts()
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
        """Recount from the database (another process may have changed it)."""
        conn = self._conn()
        pending = dict(conn.execute("SELECT kind, count(*) FROM records GROUP BY kind").fetchall())
        dead = int(conn.execute("SELECT count(*) FROM dead").fetchone()[0])
        totals = dict(conn.execute("SELECT name, value FROM counters").fetchall())
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
        return {
            "path": str(self.path),
            "pending": counts.pending_total,
            "pending_by_kind": dict(counts.pending),
            "dead": counts.dead,
            "dead_by_error": self.dead_summary(),
            "sent_total": counts.sent_total,
            "evicted_total": counts.evicted_total,
            "used_bytes": self.used_bytes(),
            "max_bytes": self.max_bytes,
            "max_records": self.max_records,
            "disk_full": self._disk_full or None,
            "schema_version": schema.version(self._conn()),
        }

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


def _row(raw: Sequence[Any]) -> QueuedRow:
    return QueuedRow(
        id=int(raw[0]), kind=RecordKind(raw[1]), record_id=str(raw[2]),
        session_id=str(raw[3] or ""), user_id=raw[4], created_at=float(raw[5]),
        body=json.loads(raw[6]), attempts=int(raw[7]),
    )


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
