"""Open a SQLite store: one policy for every database the kiosk keeps.

Policy (the same for the event queue, the recommender, the catalog manifest, the
pending pool, the sync state, the identity register and the analytics database):

* **Connection**: a busy timeout (default 10 s) so two processes (the kiosk and
  `kiosk-admin`) wait for each other instead of failing; `check_same_thread=False`
  (each store guards its connection with its own lock, or keeps one per thread);
  autocommit (`isolation_level=None`) unless the store asks for Python's implicit
  transactions.
* **Journal**: WAL, so readers never block the writer. A folder that cannot hold a
  write-ahead log (a file system without shared memory, some network shares) is
  refused with `WalUnavailableError` naming the folder; `require_wal=False` only logs
  it. `synchronous` is FULL (SQLite's default, a commit survives a power cut) unless
  the store chooses NORMAL (a power cut may lose the last commits, never corrupt).
* **Foreign keys** are enforced.
* **Versions**: the schema version lives in `PRAGMA user_version`. `Schema.steps[n]`
  takes a file from version n to n + 1 and is applied in its own `BEGIN IMMEDIATE`
  transaction together with the new version number, after checking the version again
  inside it (another process may have upgraded meanwhile); a crash or an error in a
  step leaves the previous version intact. A step is an SQL script or a function of
  the connection (it must not commit). The first step of a store that existed before
  it was versioned uses `CREATE … IF NOT EXISTS`, so a file written by older code
  (version 0 with its tables) is adopted with its rows.
* **Refusals**, each a `StoreError` (a `KioskError`) whose message names the file
  and what to do: a file newer than this code (`NewerStoreError`; never guessed at,
  never downgraded), a file that is not a SQLite database or is damaged
  (`NotADatabaseError`), a file or folder that cannot be written
  (`ReadOnlyStoreError`), one that cannot be opened or created (`StoreOpenError`),
  one another process holds longer than the busy timeout (`StoreBusyError`). A full
  disk is the kiosk's one `DiskFullError`: SQLITE_FULL, or an I/O error while the disk
  has less than `kiosk.diskspace.FULL_BELOW_MB` free. `translate` gives the same classes for
  errors raised later by a store's own statements.
* **Read-only mode** (`read_only=True`, for listing what a full or read-only disk
  holds, or for reports): never creates, writes or upgrades the file; a file older
  than the code is opened as it is (the caller reads what it knows), a newer one is
  refused. When the folder cannot hold the `-shm` file and no `-wal` file is waiting,
  the file is opened as immutable (no lock files at all).

`open_store` connects and upgrades; stores that open one connection per thread or per
operation call `open_store` once and `connect` for the others.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal
from urllib.parse import quote

from kiosk.diskspace import looks_full
from kiosk.errors import DiskFullError, KioskError

log = logging.getLogger(__name__)

Step = str | Callable[[sqlite3.Connection], None]
Synchronous = Literal["OFF", "NORMAL", "FULL", "EXTRA"]
IsolationLevel = Literal["DEFERRED", "EXCLUSIVE", "IMMEDIATE"] | None  # None: autocommit
DEFAULT_BUSY_TIMEOUT_S = 10.0
DEFAULT_REMEDY = "move the file aside (the kiosk then starts an empty one)"


@dataclass(frozen=True, slots=True)
class Schema:
    """A store's schema as ordered upgrade steps; `version` is the number of steps.

    `what` names the store for an operator ("the identity register"); `remedy` is
    what to do with a file this code cannot use (newer or damaged)."""

    what: str
    steps: Sequence[Step]
    remedy: str = DEFAULT_REMEDY

    @property
    def version(self) -> int:
        return len(self.steps)


class StoreError(KioskError):
    """A SQLite store cannot be opened or used; `path` is its file."""

    def __init__(self, message: str, path: Path | str) -> None:
        super().__init__(message)
        self.path = Path(path)


class StoreOpenError(StoreError):
    """The file cannot be opened or created (missing folder, permissions)."""


class ReadOnlyStoreError(StoreError):
    """The file or its folder cannot be written."""


class WalUnavailableError(StoreError):
    """The folder cannot hold a write-ahead log (no shared memory, a network share)."""


class NewerStoreError(StoreError):
    """The file was written by a newer kiosk (`found` > `known`); it is not touched."""

    def __init__(self, message: str, path: Path | str, found: int, known: int) -> None:
        super().__init__(message, path)
        self.found, self.known = found, known


class NotADatabaseError(StoreError):
    """The file is not a SQLite database, or is damaged."""


class StoreBusyError(StoreError):
    """Another connection held the file longer than the busy timeout."""


def connect(
    path: str | Path,
    what: str,
    *,
    read_only: bool = False,
    busy_timeout_s: float = DEFAULT_BUSY_TIMEOUT_S,
    require_wal: bool = True,
    synchronous: Synchronous = "FULL",
    isolation_level: IsolationLevel = None,
) -> sqlite3.Connection:
    """A connection to `path` set up by the module's policy, without touching the
    schema (see `open_store`). `what` names the store in error messages.

    Raises a `StoreError` subclass or `DiskFullError`."""
    return _connect(Path(path).expanduser(), what, None, read_only=read_only,
                    busy_timeout_s=busy_timeout_s, require_wal=require_wal,
                    synchronous=synchronous, isolation_level=isolation_level)


def _connect(
    path: Path,
    what: str,
    schema: Schema | None,
    *,
    read_only: bool,
    busy_timeout_s: float,
    require_wal: bool,
    synchronous: Synchronous,
    isolation_level: IsolationLevel,
) -> sqlite3.Connection:
    """`connect`; with a `schema`, a file newer than it is refused before anything
    (the journal mode included) is written to it, and a damaged one is named with the
    schema's remedy."""
    remedy = schema.remedy if schema is not None else DEFAULT_REMEDY
    if read_only:
        conn = _connect_read_only(path, what, busy_timeout_s, isolation_level, remedy)
        if schema is not None:
            try:
                _check_not_newer(conn, path, schema)
            except BaseException:
                conn.close()
                raise
        return conn
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
            raise ReadOnlyStoreError(
                f"cannot create the folder of {what} {path}: {exc.strerror}; check that "
                "the data folder (app.data_dir) is writable", path) from None
        raise StoreOpenError(f"cannot create the folder of {what} {path}: {exc.strerror}; "
                             "check app.data_dir", path) from None
    try:
        conn = sqlite3.connect(str(path), timeout=busy_timeout_s,
                               isolation_level=isolation_level, check_same_thread=False)
    except sqlite3.Error as exc:
        raise translate(exc, path, what, remedy) from None
    try:
        if schema is not None:
            _check_not_newer(conn, path, schema)
        mode = str(conn.execute("PRAGMA journal_mode=WAL").fetchone()[0]).lower()
        if mode != "wal":
            message = (f"the folder of {what} {path} cannot hold a write-ahead log "
                       f"(journal mode stays {mode!r}); put app.data_dir on a local disk")
            if require_wal:
                raise WalUnavailableError(message, path)
            log.warning("%s", message)
        conn.execute(f"PRAGMA synchronous={synchronous}")
        conn.execute("PRAGMA foreign_keys=ON")
    except BaseException as exc:
        conn.close()
        if isinstance(exc, sqlite3.Error):
            raise translate(exc, path, what, remedy) from None
        raise
    return conn


def open_store(
    path: str | Path,
    schema: Schema,
    *,
    read_only: bool = False,
    busy_timeout_s: float = DEFAULT_BUSY_TIMEOUT_S,
    require_wal: bool = True,
    synchronous: Synchronous = "FULL",
    isolation_level: IsolationLevel = None,
    file_mode: int | None = None,
) -> sqlite3.Connection:
    """Connect to `path` (see `connect`) and bring it to `schema.version`.

    A new file is created with `file_mode` (e.g. 0o600 for private data) before
    anything is written to it, so its `-wal` and `-shm` files, which SQLite creates
    with the database's mode, are private as well (best effort; Windows ignores most
    bits). Read-only: no upgrade, an older file is returned as it is
    (check `user_version`). Raises a `StoreError` subclass or `DiskFullError`; the
    file is left as it was, or at the last complete step, when one is raised."""
    path = Path(path).expanduser()
    new = not path.exists()
    if new and file_mode is not None and not read_only:
        _create_private(path, file_mode)  # before SQLite writes a byte, -wal and -shm too
    conn = _connect(path, schema.what, schema, read_only=read_only,
                    busy_timeout_s=busy_timeout_s, require_wal=require_wal,
                    synchronous=synchronous, isolation_level=isolation_level)
    if not read_only:
        try:
            migrate(conn, schema, path)
        except BaseException:
            conn.close()
            raise
    if new and file_mode is not None and not read_only:
        with contextlib.suppress(OSError):
            path.chmod(file_mode)
    return conn


def is_empty(path: str | Path) -> bool:
    """Whether `path` is a 0-byte file: it holds nothing (SQLite takes it as a new
    database and writes a header into it at the first connection that may write), so a
    command that only reads or rolls back leaves it alone."""
    try:
        return Path(path).stat().st_size == 0
    except OSError:
        return False


def user_version(conn: sqlite3.Connection) -> int:
    """The schema version stored in the file (`PRAGMA user_version`)."""
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def migrate(conn: sqlite3.Connection, schema: Schema, path: str | Path) -> int:
    """Apply the missing steps of `schema`, one transaction each; returns the version
    found before. Raises `NewerStoreError` for a file newer than `schema`, another
    `StoreError` subclass or `DiskFullError` when a step fails (the steps before it
    stay applied). `conn` must not be inside a transaction."""
    path = Path(path)
    found = _check_not_newer(conn, path, schema)
    if found == schema.version:
        return found
    saved = conn.isolation_level
    conn.isolation_level = None  # explicit BEGIN/COMMIT below
    try:
        for current in range(found, schema.version):
            _apply(conn, schema, current, path)
    finally:
        conn.isolation_level = saved
    return found


def translate(exc: sqlite3.Error, path: str | Path, what: str,
              remedy: str = DEFAULT_REMEDY) -> KioskError:
    """The error to raise for a SQLite failure on `path` (see the module docstring);
    `remedy` is what to do with a damaged file (`Schema.remedy`)."""
    path = Path(path)
    code = int(getattr(exc, "sqlite_errorcode", 0) or 0) & 0xFF
    text = str(exc)
    if code == sqlite3.SQLITE_FULL or "database or disk is full" in text or (
            (code == sqlite3.SQLITE_IOERR or "disk I/O error" in text) and looks_full(path)):
        # a full disk also shows as an I/O error (a -wal or -shm file that cannot grow)
        return DiskFullError(path, f"write {what}", kept="what was saved before is kept.",
                             detail=text)
    if code in (sqlite3.SQLITE_NOTADB, sqlite3.SQLITE_CORRUPT):
        return NotADatabaseError(
            f"{what} {path} is not a SQLite database or is damaged ({text}); {remedy}, and "
            "keep the file for a diagnosis", path)
    if code in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
        return StoreBusyError(f"{what} {path} is busy ({text}): another kiosk or kiosk-admin "
                              "process is writing it; try again when it is done", path)
    if code == sqlite3.SQLITE_READONLY or (
            code == sqlite3.SQLITE_CANTOPEN and path.exists()
            and not os.access(path.parent, os.W_OK)):  # e.g. a WAL file on read-only media
        return ReadOnlyStoreError(f"cannot write {what} {path} ({text}); check that the file "
                                  "and its folder are writable (app.data_dir)", path)
    if code == sqlite3.SQLITE_CANTOPEN:
        return StoreOpenError(f"cannot open {what} {path} ({text}); check that the folder "
                              "exists and is writable (app.data_dir)", path)
    return StoreError(f"{what} {path}: {text}", path)


# ---------------------------------------------------------------------- internals


def _create_private(path: Path, file_mode: int) -> None:
    """An empty file at `path` with `file_mode` (SQLite takes an empty file as a new
    database); errors are left for the connection to report."""
    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True)
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, file_mode))


@contextlib.contextmanager
def immediate(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """One `BEGIN IMMEDIATE` transaction on `conn` (a connection in autocommit mode,
    `isolation_level=None`): committed when the block ends, rolled back when it raises.
    A failing rollback is suppressed so that the block's own error is the one raised;
    `sqlite3.Error` from BEGIN or COMMIT propagates for the store to translate."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            with contextlib.suppress(sqlite3.Error):
                conn.execute("ROLLBACK")
        raise


def write_refused(conn: sqlite3.Connection, path: str | Path, what: str
                  ) -> ReadOnlyStoreError | None:
    """Why `conn` cannot write its file (`ReadOnlyStoreError`), or None when it can,
    or when another process is writing it now (not waited for). On a read-only mount
    where an earlier run left the `-wal` and `-shm` files (a kill, a power cut), SQLite
    opens the file as if it could write it and refuses only the first write; meanwhile
    it re-reads the file at every read, so `PRAGMA data_version` moves on although
    nothing changed. A stand-in write (the schema version set to itself, rolled back)
    asks now. `conn` must not be inside a transaction."""
    timeout = int(conn.execute("PRAGMA busy_timeout").fetchone()[0])
    saved = conn.isolation_level
    conn.isolation_level = None  # explicit BEGIN/ROLLBACK below
    try:
        conn.execute("PRAGMA busy_timeout = 0")
        with contextlib.suppress(_RolledBack), immediate(conn):
            conn.execute(f"PRAGMA user_version = {user_version(conn)}")
            raise _RolledBack
    except sqlite3.Error as exc:
        error = translate(exc, path, what)
        return error if isinstance(error, ReadOnlyStoreError) else None
    finally:
        conn.execute(f"PRAGMA busy_timeout = {timeout}")
        conn.isolation_level = saved
    return None


def write_lock_held(path: str | Path, wait_s: float) -> bool:
    """True when another connection holds `path`'s write lock for longer than `wait_s`
    (an sqlite3 shell in `BEGIN EXCLUSIVE`, a stuck tool): a save would wait for it.
    Asks with `BEGIN IMMEDIATE` at once rolled back, so it holds the lock for no longer
    than that and a writer waiting meanwhile (the kiosk, with its busy timeout) goes on.
    Never creates the file (`mode=rw`), and never opens a WAL file nobody has open (no
    `-wal` beside it: no one can hold its lock). False on any other error: the caller's
    other checks (full disk, read-only folder, damaged file) say what it is."""
    path = Path(path)
    try:
        with path.open("rb") as fh:
            header = fh.read(20)
    except OSError:
        return False
    wal_mode = len(header) == 20 and header[18] == 2  # the file's read/write versions
    if wal_mode and not Path(f"{path}-wal").exists():
        return False
    try:
        conn = sqlite3.connect(f"file:{quote(str(path.resolve()))}?mode=rw", uri=True,
                               timeout=wait_s, isolation_level=None)
    except sqlite3.Error:
        return False
    try:
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("ROLLBACK")
    except sqlite3.Error as exc:
        code = int(getattr(exc, "sqlite_errorcode", 0) or 0) & 0xFF
        return code in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)
    finally:
        conn.close()
    return False


class _RolledBack(Exception):
    """`write_refused`'s stand-in write is never committed."""


def _check_not_newer(conn: sqlite3.Connection, path: Path, schema: Schema) -> int:
    try:
        found = user_version(conn)
    except sqlite3.Error as exc:
        raise translate(exc, path, schema.what, schema.remedy) from None
    if found > schema.version:
        raise NewerStoreError(
            f"{schema.what} {path} is version {found}, newer than this kiosk (knows up to "
            f"{schema.version}); update the kiosk, or {schema.remedy}",
            path, found, schema.version)
    return found


def _apply(conn: sqlite3.Connection, schema: Schema, current: int, path: Path) -> None:
    """Step `current` -> `current + 1` in one IMMEDIATE transaction."""
    step = schema.steps[current]
    try:
        with immediate(conn):
            if user_version(conn) != current:  # another process upgraded meanwhile
                return
            if isinstance(step, str):
                for statement in _statements(step):
                    conn.execute(statement)
            else:
                step(conn)
            conn.execute(f"PRAGMA user_version = {current + 1}")
    except sqlite3.Error as exc:
        raise translate(exc, path, schema.what, schema.remedy) from None
    log.info("%s %s: schema upgraded to version %d", schema.what, path, current + 1)


def _statements(script: str) -> Iterator[str]:
    """The statements of an SQL script, one by one (`executescript` would commit the
    open transaction first)."""
    buffer = ""
    for part in script.split(";"):
        buffer += part + ";"
        if sqlite3.complete_statement(buffer):
            if _has_sql(buffer):
                yield buffer
            buffer = ""
    if _has_sql(buffer.removesuffix(";")):
        yield buffer  # unterminated last statement: let SQLite name the error


def _has_sql(text: str) -> bool:
    lines = (line.split("--", 1)[0] for line in text.splitlines())
    return bool("".join(lines).strip(" \t\r\n;"))


def _connect_read_only(
    path: Path, what: str, busy_timeout_s: float, isolation_level: IsolationLevel,
    remedy: str,
) -> sqlite3.Connection:
    if not path.is_file():
        raise StoreOpenError(f"{what} {path} does not exist; check app.data_dir", path)
    uri = f"file:{quote(str(path.resolve()))}?mode=ro"
    try:
        return _open_uri(uri, busy_timeout_s, isolation_level)
    except sqlite3.Error as exc:
        code = int(getattr(exc, "sqlite_errorcode", 0) or 0) & 0xFF
        wal = Path(f"{path}-wal")
        if code != sqlite3.SQLITE_CANTOPEN or (wal.exists() and wal.stat().st_size > 0):
            raise translate(exc, path, what, remedy) from None
    # a WAL file on read-only media without its -shm: nothing waits in a -wal, so the
    # file alone is the whole database
    log.info("%s %s: read-only folder, opened as immutable", what, path)
    try:
        return _open_uri(f"{uri}&immutable=1", busy_timeout_s, isolation_level)
    except sqlite3.Error as exc:
        raise translate(exc, path, what, remedy) from None


def _open_uri(uri: str, busy_timeout_s: float, isolation_level: IsolationLevel
              ) -> sqlite3.Connection:
    conn = sqlite3.connect(uri, uri=True, timeout=busy_timeout_s,
                           isolation_level=isolation_level, check_same_thread=False)
    try:
        conn.execute("PRAGMA user_version").fetchone()  # reads the header: NOTADB here
        conn.execute("PRAGMA query_only=ON")
    except BaseException:
        conn.close()
        raise
    return conn
