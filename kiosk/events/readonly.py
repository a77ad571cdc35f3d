"""The event queue on a read-only data folder: open what is on disk, upload it, remember
in memory what this run did with it.

A data folder can turn read-only under a kiosk (an SD card or USB disk the kernel
remounted read-only after I/O errors, a mount made `ro` by mistake). Likes can then
not be saved, but the events already queued can still be uploaded. SQLite cannot
open a WAL database read-only in every state of its side files, so `open_snapshot`
tries, in order (1 and 2 are `kiosk.storage.sqlite`'s read-only mode):

1. `file:…?mode=ro`: works while the `-shm` index exists (after a crash, or while
   another process has the queue open); SQLite reads the `-wal` through it;
2. `file:…?mode=ro&immutable=1` when there is no `-wal` (or an empty one): after a
   clean shutdown the main file is complete, and nothing can change it on a
   read-only folder. Never with a non-empty `-wal`: immutable mode ignores the WAL,
   and the rows committed there would be invisible;
3. a private copy of the file and its `-wal` in a temporary folder, opened normally
   (SQLite replays the WAL into it): a `-wal` without its `-shm`.

`Ledger` keeps what the uploader did while acks could not be written (rows sent,
rows refused for good, failed tries), so nothing is sent twice in one run and the
counts stay true. It is lost at exit: the next start with a writable folder sends
those rows again, under the same event ids (see README "Events").
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import sqlite3
import tempfile
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from kiosk.diskspace import free_mb, looks_full
from kiosk.events.schema import WHAT
from kiosk.storage import sqlite as store

log = logging.getLogger(__name__)


def write_problem(folder: Path) -> str:
    """'' when a file can be created in `folder`, else why not ("Read-only file
    system", "Permission denied"). Tries for real: root ignores permission bits, and
    only the kernel knows whether the mount is read-only."""
    try:
        fd, name = tempfile.mkstemp(prefix=".kiosk-write-probe-", dir=folder)
    except OSError as exc:
        return exc.strerror or str(exc)
    os.close(fd)
    Path(name).unlink(missing_ok=True)
    return ""


def is_read_only_error(exc: BaseException) -> bool:
    """True for a SQLite error that means the file cannot be written (SQLITE_READONLY
    and its extended codes)."""
    code = int(getattr(exc, "sqlite_errorcode", 0) or 0) & 0xFF
    return code == sqlite3.SQLITE_READONLY or "readonly database" in str(exc).lower()


def what_is_lost(name: str) -> str:
    """What a queue that cannot be written stops keeping, for the operator."""
    return "likes cannot be saved" if name == "event queue" else "nothing new can be queued"


def read_only_message(path: Path, detail: object, name: str = "event queue") -> str:
    """The operator sentence for a queue whose file cannot be written. `name`: the
    queue's name in messages ("event queue", or the fleet's "metrics queue")."""
    lead = (f"the {name} {path} cannot be written ({detail}): {what_is_lost(name)}; "
            "what is already queued is still uploaded. ")
    text = str(detail)
    if "No space left" in text or ("Read-only" not in text and looks_full(path.parent)):
        free = free_mb(path.parent)
        room = f" ({free:.1f} MB free)" if free is not None else ""
        return (f"{lead}The disk holding {path.parent} is full{room}: free space on it "
                "(old logs, exports, other files) and restart the kiosk")
    return (f"{lead}Make the data folder writable again (check the disk and how it is "
            "mounted; app.data_dir) and restart the kiosk")


class Snapshot:
    """How this run reads a queue it cannot write: `connect()` gives one more
    connection (one per thread); `close()` removes a private copy, if one was made."""

    def __init__(self, path: Path, copy: Path | None = None) -> None:
        self.path = path
        self._copy = copy  # the private copy read instead of `path` (in its own folder)
        self.how = "from a private copy" if copy is not None else "read-only"  # for the log

    def connect(self, timeout: float) -> sqlite3.Connection:
        """One more connection; raises `kiosk.storage.sqlite.StoreError`."""
        if self._copy is None:
            return store.connect(self.path, WHAT, read_only=True, busy_timeout_s=timeout)
        return store.connect(self._copy, WHAT, busy_timeout_s=timeout)  # replays its -wal

    def close(self) -> None:
        if self._copy is not None:
            shutil.rmtree(self._copy.parent, ignore_errors=True)
            self._copy = None


def open_snapshot(path: Path, name: str = "event queue") -> Snapshot:
    """The best way to read `path` on a read-only folder (see the module docstring):
    steps 1 and 2 are `kiosk.storage.sqlite`'s read-only mode, step 3 is tried when it
    fails with a `-wal` waiting. Raises `kiosk.storage.sqlite.StoreError` or OSError
    when the file cannot be read at all."""
    try:
        store.connect(path, WHAT, read_only=True).close()
        return Snapshot(path)
    except (store.ReadOnlyStoreError, store.StoreOpenError):
        wal = path.with_name(path.name + "-wal")
        if not wal.exists() or wal.stat().st_size == 0:
            raise
    scratch = Path(tempfile.mkdtemp(prefix="kiosk-queue-"))
    snapshot = Snapshot(path, scratch / path.name)
    try:
        shutil.copyfile(path, scratch / path.name)
        shutil.copyfile(wal, scratch / wal.name)
        snapshot.connect(store.DEFAULT_BUSY_TIMEOUT_S).close()
    except BaseException:
        snapshot.close()
        raise
    log.warning("%s %s: its -wal has no -shm index on a read-only folder; "
                "reading a private copy in %s", name, path, scratch)
    return snapshot


@dataclass
class Ledger:
    """What the uploader did with rows whose ack could not be written, by row id.
    Thread-safe; kept for this run only."""

    sent: dict[int, str] = field(default_factory=dict)  # id -> kind
    dead: dict[int, tuple[str, str, str]] = field(default_factory=dict)  # id -> kind, code, msg
    tries: dict[int, tuple[int, float]] = field(default_factory=dict)  # id -> attempts, retry_at
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def __bool__(self) -> bool:
        return bool(self.sent or self.dead or self.tries)

    def handled(self) -> frozenset[int]:
        """Row ids that must not be offered again in this run (sent or refused)."""
        with self._lock:
            return frozenset(self.sent) | frozenset(self.dead)

    def mark_sent(self, kinds: Iterable[tuple[int, str]]) -> list[str]:
        """Rows sent; returns the kinds of those not marked before."""
        with self._lock:
            fresh = [(i, k) for i, k in kinds if i not in self.sent and i not in self.dead]
            for row_id, kind in fresh:
                self.sent[row_id] = kind
                self.tries.pop(row_id, None)
            return [k for _, k in fresh]

    def mark_dead(self, kinds: Iterable[tuple[int, str]], code: str, message: str
                  ) -> list[str]:
        with self._lock:
            fresh = [(i, k) for i, k in kinds if i not in self.sent and i not in self.dead]
            for row_id, kind in fresh:
                self.dead[row_id] = (kind, code, message)
                self.tries.pop(row_id, None)
            return [k for _, k in fresh]

    def note_try(self, stored: Iterable[tuple[int, int]], retry_at: float,
                 count: bool = True) -> int:
        """One more failed try for rows (id, attempts stored in the file), or with
        `count` False only the next try's time; returns the highest count."""
        top = 0
        with self._lock:
            for row_id, attempts in stored:
                tries = max(attempts, self.tries.get(row_id, (0, 0.0))[0]) + int(count)
                self.tries[row_id] = (tries, retry_at)
                top = max(top, tries)
        return top

    def overlay(self, row_id: int, attempts: int, retry_at: float) -> tuple[int, float]:
        """A row's attempts and next-try time, with this run's failed tries."""
        with self._lock:
            held = self.tries.get(row_id)
        return (max(attempts, held[0]), held[1]) if held else (attempts, retry_at)

    def pending_delta(self) -> dict[str, int]:
        """Rows per kind to take off the file's pending counts."""
        out: dict[str, int] = {}
        with self._lock:
            for kind in [*self.sent.values(), *(d[0] for d in self.dead.values())]:
                out[kind] = out.get(kind, 0) + 1
        return out

    def counts(self) -> tuple[int, int]:
        """(sent, refused) in this run."""
        with self._lock:
            return len(self.sent), len(self.dead)


def close_quietly(conns: Iterable[sqlite3.Connection]) -> None:
    for conn in conns:
        with contextlib.suppress(sqlite3.Error):
            conn.close()
