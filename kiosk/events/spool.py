"""The spool: records another program's lock kept out of the queue's database (a like
after its short wait, an impression, a new visitor's PutUsers, an approved image's
PutItems), waiting in an append-only file beside it (`<queue>.spool`, one JSON line
each) until the queue can take them.

An append is fsync'd before it returns (and the folder too when it creates the file),
so a record in the spool is as durable as a committed row. It is taken for queueing
by renaming the file to a name of its own (`<queue>.spool.<pid>-<random>`): records
spooled meanwhile start a new spool file, and an append that opened the file just
before the rename finds out (its file is no longer the spool) and writes to the new
one. The taken file is deleted only once its records are committed (`RecordingMixin.
ingest_spool`, which writes the file's name into the same transaction, so a crash
between the commit and the delete never queues it twice); one left by a crash, or by
a lock that kept it out, is found and queued by the next ingest. Between processes
(the kiosk and `kiosk-admin`), appends and takes hold the file's `flock` where the
platform has one.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import sqlite3
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path

from kiosk.events.records import Record, RecordKind
from kiosk.events.rows import iso

try:  # POSIX: appends and takes of two processes are serialised on the file
    import fcntl
except ImportError:  # pragma: no cover - Windows: one process at a time
    fcntl = None  # type: ignore[assignment]

log = logging.getLogger(__name__)

MARKER = "spool:"
"""`counters` rows named `spool:<taken file's name>`: that file's records are committed
(written in their transaction; pruned once the file is gone)."""


class Spool:
    """The spool file of one queue (`path`) and the taken files waiting beside it."""

    def __init__(self, path: Path, name: str = "event queue") -> None:
        self.path = path
        self.name = name
        self._lock = threading.Lock()  # an append and a take of this process
        # taken files not yet queued (None: not looked for yet, at the first take)
        self._left: set[Path] | None = None

    def waiting(self) -> bool:
        """Whether anything may wait to be queued (one stat; cheap enough per write)."""
        return self._left is None or bool(self._left) or self.path.exists()

    def append(self, record: Record) -> None:
        """Add `record` durably (fsync'd); raises OSError when it cannot be written."""
        data = json.dumps({
            "kind": record.kind.value, "record_id": record.record_id, "body": record.body,
            "session_id": record.session_id, "user_id": record.user_id,
            "created_at": record.created_at,
        }, ensure_ascii=False).encode("utf-8") + b"\n"
        with self._lock:
            while True:
                created = not self.path.exists()
                fd = os.open(self.path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o644)
                try:
                    with _flocked(fd):
                        if not _is_file(fd, self.path):  # taken since it was opened
                            continue
                        size = os.fstat(fd).st_size
                        # a line cut short by a power cut must not swallow this one
                        cut = size > 0 and os.pread(fd, 1, size - 1) != b"\n"
                        os.write(fd, b"\n" + data if cut else data)
                        os.fsync(fd)
                finally:
                    os.close(fd)
                if created:
                    _sync_folder(self.path.parent)
                return

    def take(self) -> list[Path]:
        """Rename the spool file to a taken file of this process, and return every taken
        file waiting (this one, and any a crash or an earlier lock left), oldest first.
        Raises OSError when the folder cannot be read or the file renamed."""
        with self._lock:
            with contextlib.suppress(FileNotFoundError):
                fd = os.open(self.path, os.O_RDONLY)
                try:
                    with _flocked(fd):
                        if _is_file(fd, self.path):
                            taken = self.path.with_name(
                                f"{self.path.name}.{os.getpid()}-{uuid.uuid4().hex[:8]}")
                            self.path.replace(taken)
                            _sync_folder(self.path.parent)
                finally:
                    os.close(fd)
            found = [p for p in self.path.parent.glob(f"{self.path.name}.*") if p.is_file()]
            self._left = set(found)
        return sorted(found, key=_age)

    def read(self, taken: Path) -> list[Record]:
        """The records of a taken file; an unreadable line (a power cut mid-append) is
        logged and skipped. Raises OSError when the file cannot be read."""
        records = []
        for line in taken.read_text(encoding="utf-8", errors="replace").splitlines():
            if not line.strip():
                continue
            try:
                raw = json.loads(line)
                records.append(Record(RecordKind(raw["kind"]), str(raw["record_id"]),
                                      raw["body"], str(raw.get("session_id") or ""),
                                      raw.get("user_id"), float(raw["created_at"])))
            except (ValueError, KeyError, TypeError) as exc:
                log.error("%s: unreadable spool line skipped (%s): %.200s", self.name, exc,
                          line)
        return records

    def waiting_records(self, conn: sqlite3.Connection) -> list[Record]:
        """The records still in the spool (read, not taken: an export), oldest first;
        a taken file whose marker in `conn` says it was queued is left out."""
        files = sorted((p for p in self.path.parent.glob(f"{self.path.name}.*")
                        if p.is_file()), key=_age)
        records: list[Record] = []
        for path in [*files, self.path]:
            try:
                if path != self.path and conn.execute(
                        "SELECT 1 FROM counters WHERE name = ?", (marker(path),)).fetchone():
                    continue
                records += self.read(path)
            except (OSError, sqlite3.Error):
                continue
        return records

    def done(self, taken: Path) -> None:
        """`taken`'s records are committed (or another process queued it): delete it (a
        failure only leaves it to be found again, and its marker says it was queued)."""
        if self._left is not None:
            self._left.discard(taken)
        try:
            taken.unlink(missing_ok=True)
        except OSError as exc:
            log.warning("%s: cannot delete the queued spool %s: %s", self.name, taken, exc)
            return
        _sync_folder(taken.parent)


def spooled_line(record: Record) -> dict[str, object]:
    """A spooled record as `EventQueue.export` writes it (as a queued row's line)."""
    return {
        "state": "spooled",
        "kind": record.kind.value,
        "operation": record.kind.operation,
        "recordId": record.record_id,
        "sessionId": record.session_id or None,
        "userId": record.user_id,
        "createdAt": iso(record.created_at),
        "attempts": 0,
        "entry": dict(record.body),
    }


def marker(taken: Path) -> str:
    return f"{MARKER}{taken.name}"


@contextlib.contextmanager
def _flocked(fd: int) -> Iterator[None]:
    if fcntl is None:
        yield
        return
    fcntl.flock(fd, fcntl.LOCK_EX)
    try:
        yield
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)


def _is_file(fd: int, path: Path) -> bool:
    """Whether the open `fd` is still the file at `path` (not renamed away since)."""
    try:
        now = path.stat()
    except FileNotFoundError:
        return False
    mine = os.fstat(fd)
    return (now.st_dev, now.st_ino) == (mine.st_dev, mine.st_ino)


def _sync_folder(folder: Path) -> None:
    """Make a created, renamed or deleted name durable (POSIX; a no-op elsewhere)."""
    with contextlib.suppress(OSError, AttributeError):
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _age(path: Path) -> tuple[float, str]:
    try:
        return path.stat().st_mtime, path.name
    except OSError:
        return 0.0, path.name
