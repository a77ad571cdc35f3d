"""The queue's file and connections: opening (integrity check, schema, a read-only
folder), one connection per thread, write transactions, SQLite errors turned into
the package's, bounded retries under another program's lock, a damaged file moved
aside and salvaged; and the in-memory counts and listeners every part updates.
`QueueConnection` is the base of `kiosk.events.queue.EventQueue`; see that module.
"""

from __future__ import annotations

import contextlib
import logging
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Self, cast, get_args

from kiosk.errors import DiskFullError, KioskError, is_disk_full
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
    what_is_lost,
    write_problem,
)
from kiosk.events.records import (
    DEFAULT_IMPRESSION_EVENT_TYPE,
    EVENT_KINDS,
    RecordKind,
)
from kiosk.events.rows import (
    LOCK_WAIT_S,
    MB,
    WAL_LIMIT_BYTES,
    QueueCounts,
)
from kiosk.events.salvage import salvage
from kiosk.storage import sqlite as store

log = logging.getLogger(__name__)


class QueueConnection:
    """The queue's file, connections and in-memory counts (see the module docstring).
    Built by `EventQueue`, which then calls `_open`."""

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
        lock_wait_s: float = LOCK_WAIT_S,
        recover: bool = False,
        on_connect: Callable[[sqlite3.Connection], None] | None = None,
        name: str = "event queue",
        kinds: tuple[RecordKind, ...] = EVENT_KINDS,
        upgrade: bool = True,
        kept: str = KEPT,
        clock: Callable[[], float] = time.monotonic,
        pause: Callable[[float], object] | None = None,
    ) -> None:
        self.path = Path(path).expanduser()
        # False: a command that only reads (`kiosk-admin events status`): the file is
        # read as it is, never created, written or upgraded (a rolled-back file stays
        # at the version the older kiosk knows)
        self.upgrade = upgrade
        self.name = name  # in log lines and messages: "event queue", "metrics queue"
        self.kept = kept  # what a full disk leaves safe, in its DiskFullError
        self.kinds = kinds  # what it holds: its counts list these, and any other found
        self.max_records = int(max_records)
        self.max_bytes = int(max_bytes)
        self.event_type = event_type
        self.impression_event_type = impression_event_type
        if synchronous.upper() not in get_args(store.Synchronous):
            raise ValueError(f"synchronous must be one of {get_args(store.Synchronous)}, "
                             f"not {synchronous!r}")
        self._synchronous = cast(store.Synchronous, synchronous.upper())
        self._busy_timeout_s = busy_timeout_s
        self.lock_wait_s = lock_wait_s
        # the time a write's retries are bounded on (a like's tap is read on it: the
        # visit controller's clock, `time.monotonic`), and the wait between tries
        self._clock = clock
        self._recover_enabled = recover
        self._on_connect = on_connect
        self._gen = 0  # bumped when a damaged file is replaced: threads reconnect
        self._closing = threading.Event()
        self._pause: Callable[[float], object] = pause or self._closing.wait
        self.problem = ""  # what an operator should know (a damaged file moved aside)
        self._local = threading.local()
        self._lock = threading.RLock()
        self._conns: list[sqlite3.Connection] = []
        self._listeners: list[Callable[[], None]] = []
        self._closed = False
        self._disk_full = ""
        self._locked = ""  # the last write given up for another program's lock, or ""
        self._pending: dict[str, int] = {}
        self._dead = 0
        self._spooled = 0  # records in the spool (counted by `RecordingMixin`)
        self._totals: dict[str, int] = {}
        self._page_size = 4096  # the file's, read at open
        self.read_only = ""  # why nothing can be saved (a read-only data folder), or ""
        self._snapshot: Snapshot | None = None  # how a read-only file is read
        self._ledger = Ledger()  # what this run did that could not be written

    def _open(self) -> None:
        """Open the file: as it is when its folder cannot be written; a damaged one moved
        aside and salvaged with `recover`, else raised. Nothing is left open on error."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            if is_disk_full(exc):
                raise DiskFullError(self.path.parent, f"create the folder for the {self.name}",
                                    kept=self.kept, detail=str(exc)) from None
            raise EventsError(f"cannot create the folder for the {self.name} {self.path}: "
                              f"{exc.strerror}; check events.db_path / app.data_dir") from None
        try:
            if not self.upgrade:
                self._open_as_is()
            else:
                cannot_write = write_problem(self.path.parent)
                if cannot_write:
                    self._open_read_only(cannot_write)
            self._open_checked()
        except CorruptQueueError as exc:
            if not self._recover_enabled or self.read_only:
                self.close()
                raise
            self._replace_damaged(exc)
        except BaseException:
            self.close()
            raise

    def _open_read_only(self, why: str) -> None:
        """The folder cannot be written (`why`: "Read-only file system", …): read the
        file as it is, or refuse when there is none."""
        if not self.path.is_file():
            raise QueueReadOnlyError(
                f"cannot create the {self.name} {self.path} ({why}): "
                f"{what_is_lost(self.name)}. Make the data folder writable (check the "
                "disk and how it is mounted; app.data_dir) and restart the kiosk")
        try:
            self._snapshot = open_snapshot(self.path, self.name)
        except (store.StoreError, OSError) as exc:
            raise QueueReadOnlyError(
                f"{read_only_message(self.path, why, self.name)}; but it cannot be read either "
                f"({exc})") from None
        self.read_only = read_only_message(self.path, why, self.name)
        log.error("%s [reading it %s]", self.read_only, self._snapshot.how)

    def _open_as_is(self) -> None:
        """`upgrade=False`: read the file read-only at its own version (a file
        another process has open is read through its write-ahead log)."""
        if not self.path.is_file():
            raise EventsError(f"no {self.name} at {self.path}; check --data-dir / --config")
        try:
            self._snapshot = open_snapshot(self.path, self.name)
        except store.StoreError as exc:
            raise self._from_store(exc) from None
        except OSError as exc:
            raise EventsError(f"cannot read the {self.name} {self.path}: {exc}") from None

    def _open_checked(self) -> None:
        """Connect, check the file's integrity and bring the schema up to date."""
        try:
            conn = self._conn()
            row = conn.execute("PRAGMA quick_check(1)").fetchone()
            if row is None or str(row[0]).lower() != "ok":
                raise CorruptQueueError(self._corrupt_message(f"quick_check: {row and row[0]}"))
            if self._snapshot is None:
                schema.migrate(conn, path=str(self.path), what=f"the {self.name}")
            elif not schema.READ_ONLY_OLDEST <= schema.version(conn) <= schema.LATEST:
                if not self.upgrade:
                    raise SchemaError(
                        f"the {self.name} {self.path} is version {schema.version(conn)}; "
                        f"this command reads versions {schema.READ_ONLY_OLDEST} to "
                        f"{schema.LATEST} without changing the file (a newer file: use the "
                        "kiosk-admin of the kiosk that wrote it; an older one: start the "
                        "kiosk once, it upgrades the file)")
                raise SchemaError(
                    f"the {self.name} {self.path} is version {schema.version(conn)} (this "
                    f"kiosk reads {schema.READ_ONLY_OLDEST} to {schema.LATEST}) and its folder "
                    "is read-only, so it cannot be upgraded; make the folder writable and "
                    "restart the kiosk")
            self._page_size = int(conn.execute("PRAGMA page_size").fetchone()[0])
        except SchemaError:
            raise
        except store.StoreError as exc:
            raise self._from_store(exc) from None
        except sqlite3.DatabaseError as exc:
            raise self._translate(exc) from None

    def _corrupt_message(self, detail: object) -> str:
        return (f"the {self.name} {self.path} is damaged ({detail}); move the file aside "
                "to start an empty queue (the kiosk does this itself and keeps the old file)")

    # ------------------------------------------------------------------ connections

    def _conn(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is not None and not self._closed and self._local.gen == self._gen:
            return conn
        with self._lock:
            if self._closed:
                raise EventsError(f"the {self.name} {self.path} is closed")
            if self._snapshot is not None:
                return self._keep(self._read_only_conn(self._snapshot))
            try:  # the kiosk's one SQLite policy (WAL, busy timeout, synchronous)
                conn = store.connect(self.path, f"the {self.name}",
                                     busy_timeout_s=self._busy_timeout_s,
                                     require_wal=False, synchronous=self._synchronous)
            except store.StoreError as exc:
                raise self._from_store(exc) from None
            try:
                conn.execute(f"PRAGMA journal_size_limit={WAL_LIMIT_BYTES}")
            except sqlite3.DatabaseError as exc:
                conn.close()
                raise self._translate(exc) from None
            return self._keep(conn)

    def _from_store(self, exc: store.StoreError) -> KioskError:
        """The package's error for one `kiosk.storage.sqlite` raised while opening: a
        damaged file is a CorruptQueueError (so it is moved aside and salvaged)."""
        if isinstance(exc, store.NotADatabaseError):
            return CorruptQueueError(self._corrupt_message(exc))
        if isinstance(exc, store.StoreBusyError):
            return QueueBusyError(f"{exc}; nothing was written")
        if isinstance(exc, store.NewerStoreError):
            return SchemaError(str(exc))
        if isinstance(exc, store.ReadOnlyStoreError):
            return QueueReadOnlyError(str(exc))
        return EventsError(f"cannot open the {self.name}: {exc}")

    def _read_only_conn(self, snapshot: Snapshot) -> sqlite3.Connection:
        try:
            return snapshot.connect(self._busy_timeout_s)
        except store.StoreError as exc:
            raise EventsError(f"cannot read the {self.name} {self.path} ({exc}); "
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
            with store.immediate(conn):
                yield conn
        except sqlite3.DatabaseError as exc:
            raise self._translate(exc) from exc
        finally:
            if relaxed:
                with contextlib.suppress(sqlite3.Error):
                    conn.execute(f"PRAGMA synchronous={self._synchronous}")

    def _translate(self, exc: sqlite3.Error) -> KioskError:
        """The package error for a SQLite failure, classified by the kiosk's one table
        (`kiosk.storage.sqlite.translate`) and worded for the queue: DiskFullError,
        QueueReadOnlyError, QueueBusyError, CorruptQueueError or EventsError."""
        if is_read_only_error(exc):
            return self._went_read_only(exc)
        kind = store.translate(exc, self.path, f"the {self.name}")
        if isinstance(kind, DiskFullError):
            error = DiskFullError(self.path, f"save to the {self.name}", kept=self.kept,
                                  detail=str(exc))
            if not self._disk_full:
                log.error("%s", error)
            self._disk_full = str(error)
            return error
        if isinstance(kind, store.StoreBusyError):
            return QueueBusyError(
                f"the {self.name} {self.path} is locked by another program ({exc}); "
                "close any tool that has it open (an sqlite3 shell, a backup, a second "
                "kiosk); nothing was written")
        if isinstance(kind, store.NotADatabaseError):
            return CorruptQueueError(self._corrupt_message(exc))
        return EventsError(f"{self.name} {self.path}: {exc}")

    def _went_read_only(self, exc: sqlite3.Error) -> QueueReadOnlyError:
        """A write was refused because the file cannot be written: from now on nothing
        is saved and the upload side keeps its acks in memory (logged once)."""
        if not self.read_only:
            self.read_only = read_only_message(
                self.path, write_problem(self.path.parent) or exc, self.name)
            log.error("%s [%s]", self.read_only, exc)
        return QueueReadOnlyError(self.read_only)

    def _retrying(self, what: str, fn: Callable[[], Any], deadline: float | None = None,
                  fallback: bool = False, quiet: bool = False) -> Any:
        """Run a write, retrying while another process holds the lock (each try waits
        up to `busy_timeout_s`) until `lock_wait_s` has passed; a damaged file is
        replaced once (when `recover`) and the write tried again.

        `deadline` (on the queue's clock): a write that must be answered by then however
        long it waited for this thread, such as a like queued behind another like on the
        events worker (`record_like(..., tap_monotonic=...)`): each try waits for the
        lock only until then and none begins after it. One try is always made (without
        waiting when the deadline has passed), so a lock let go meanwhile still saves it.
        `fallback`: the caller keeps the write elsewhere when the lock outlasts the wait
        (the spool), so giving up is logged at INFO, not as an ERROR: nothing is lost;
        `quiet`: a periodic retry of something already logged (the spool's), at DEBUG."""
        began = self._clock()
        end = began + self.lock_wait_s if deadline is None else deadline
        tries = 0
        recovered = False
        while True:
            try:
                with self._busy_until(deadline):
                    result = fn()
                self._locked = ""
                return result
            except QueueBusyError as exc:
                tries += 1
                left = end - self._clock()
                if left <= 0 or self._closing.is_set():
                    log.log(logging.DEBUG if quiet else logging.INFO if fallback
                            else logging.ERROR,
                            "%s: could not %s: still locked after %d tries in %.1f s",
                            self.name, what, tries, self._clock() - began)
                    self._locked = str(exc)
                    raise
                if tries == 1:
                    log.warning("%s %s is locked by another program; retrying to %s for "
                                "up to %.1f s", self.name, self.path, what, left)
                backoff = min(0.05 * 2 ** tries, 0.5)
                self._pause(backoff if deadline is None else min(backoff, left))
            except CorruptQueueError as exc:
                if recovered or not self._recover_enabled or self.read_only:
                    raise
                self._replace_damaged(exc)
                recovered = True

    @contextlib.contextmanager
    def _busy_until(self, deadline: float | None) -> Iterator[None]:
        """One try's wait for another program's lock: `busy_timeout_s`, or only what is
        left until `deadline` (none when it has passed: SQLite answers busy at once)."""
        left = None if deadline is None else max(0.0, deadline - self._clock())
        if left is None or left >= self._busy_timeout_s:
            yield
            return
        conn = self._conn()
        try:
            conn.execute(f"PRAGMA busy_timeout = {int(left * 1000)}")
        except sqlite3.DatabaseError as exc:
            raise self._translate(exc) from exc
        try:
            yield
        finally:
            with contextlib.suppress(sqlite3.Error):  # closed: a damaged file replaced
                conn.execute(f"PRAGMA busy_timeout = {int(self._busy_timeout_s * 1000)}")

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
            saved = salvage(aside, self._conn(), self.name)
        self.refresh_counts()
        self.problem = (f"the {self.name} was damaged ({exc}); it was moved aside to "
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

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

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
                log.exception("%s listener %r failed", self.name, callback)

    # ------------------------------------------------------------------ counts

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
                       if k in self.kinds or self._pending.get(k.value)}
            return QueueCounts(
                pending=pending,
                dead=max(0, self._dead),
                sent_total=self._totals.get("sent", 0),
                evicted_total=self._totals.get("evicted", 0),
                dead_total=self._totals.get("dead", 0),
                spooled=self._spooled,
            )

    @property
    def disk_full(self) -> str:
        """The operator message of the last failed save, '' once a save succeeds again."""
        return self._disk_full

    @property
    def locked(self) -> str:
        """Why the last write was given up (another program held the lock through every
        retry), '' once a write succeeds again."""
        return self._locked

    def _forget(self, kinds: list[str]) -> None:
        for kind in kinds:
            self._pending[kind] = self._pending.get(kind, 0) - 1
