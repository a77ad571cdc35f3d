"""Rolling a store back for an older kiosk build: the steps every `kiosk-admin …
downgrade` shares (`kiosk.events.downgrade` for the event and metrics queues,
`kiosk.analytics.downgrade` for the analytics database).

A downgrade runs only while no other process has the file open (`only_connection`):
leaving the write-ahead log mode needs the only connection, so asking for it is the
test. `step_down` applies the steps and sets the version in one transaction, so a
failure leaves the file as it was, and puts the file back in WAL mode as the kiosk
keeps it. The next start of a newer build upgrades the file again.

A file that holds nothing (0 bytes, or a database without a table: version 0) has
nothing to roll back; a 0-byte file is never opened (SQLite would write its header
into it), so it is left exactly as it was (`Refused`, kind "empty").
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Mapping, Sequence
from pathlib import Path

from kiosk.storage import sqlite as store
from kiosk.storage.sqlite import Step, immediate

# the end of every "in use" refusal: what the operator does about it
STOP_FIRST = "stop the kiosk first (systemctl --user stop kiosk), then run this again"
IN_USE_WAIT_S = 2.0  # how long a busy file is waited for before it counts as in use


class Refused(Exception):
    """A downgrade this file cannot have, with what to do; `kind` says which check:
    "missing" (no such file), "empty" (it holds nothing: nothing to roll back, not an
    error), "version" (`to` out of reach), "unreadable", "newer"
    (a version this build does not know) or "busy" (another process has it open).
    Each store's `downgrade` turns it into its own error type."""

    def __init__(self, message: str, kind: str) -> None:
        super().__init__(message)
        self.kind = kind


def open_for_step_down(path: Path, what: str, to: int, oldest: int,
                       latest: int) -> tuple[sqlite3.Connection, int]:
    """The file at `path` opened for `step_down` to version `to`, and its version.
    Raises Refused: no such file, `to` outside `oldest`..`latest`, unreadable, or a
    version newer than `latest`, or "empty" (0 bytes, or no table). The caller closes
    the connection, and before stepping down asks `require_only(conn, …)`."""
    if not path.is_file():
        raise Refused(f"{what} {path} does not exist; check --data-dir / --config", "missing")
    if store.is_empty(path):  # before connecting: that writes a header into the file
        raise Refused(f"{what} {path} is empty (0 bytes): nothing to roll back", "empty")
    if not oldest <= to <= latest:
        raise Refused(f"{what} can be taken back to version {oldest} at the oldest "
                      f"(asked: {to}); move {path} aside for an older kiosk", "version")
    try:
        conn = store.connect(path, what, busy_timeout_s=IN_USE_WAIT_S, require_wal=False)
    except store.StoreError as exc:
        raise Refused(str(exc), "unreadable") from None
    try:
        found = store.user_version(conn)
    except sqlite3.Error as exc:
        conn.close()
        raise Refused(str(store.translate(exc, path, what)), "unreadable") from None
    if found == 0 and not _has_tables(conn):
        conn.close()
        raise Refused(f"{what} {path} has no tables (version 0): nothing to roll back",
                      "empty")
    if found > latest:
        conn.close()
        raise Refused(f"{what} {path} is version {found}, newer than this kiosk (knows up "
                      f"to {latest}); downgrade it with the kiosk that wrote it", "newer")
    return conn, found


def _has_tables(conn: sqlite3.Connection) -> bool:
    try:
        return conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' "
                            "LIMIT 1").fetchone() is not None
    except sqlite3.Error:
        return True  # the caller's own statements name the problem


def require_only(conn: sqlite3.Connection, what: str, path: Path, users: str) -> None:
    """Raise Refused ("busy") unless `conn` is the file's only connection
    (`only_connection`); `users` names who else may hold it open."""
    if not only_connection(conn):
        raise Refused(f"{what} {path} is in use by another process ({users}): {STOP_FIRST}",
                      "busy")


def only_connection(conn: sqlite3.Connection) -> bool:
    """Whether `conn` is its file's only connection; if so the file is left in
    rollback-journal mode for `step_down`, else as it was (WAL). Leaving WAL mode is
    refused ("database is locked") while another connection is open."""
    try:
        mode = str(conn.execute("PRAGMA journal_mode=DELETE").fetchone()[0]).lower()
    except sqlite3.OperationalError as exc:
        if "locked" not in str(exc) and "busy" not in str(exc):
            raise
        mode = "wal"
    if mode == "wal":
        with contextlib.suppress(sqlite3.Error):
            conn.execute("PRAGMA journal_mode=WAL")
        return False
    return True


def step_down(conn: sqlite3.Connection, found: int, to: int,
              steps: Mapping[int, Sequence[Step]]) -> None:
    """Take the file from version `found` down to `to` in one transaction:
    `steps[n]` (SQL, or a function of the connection that must not commit) takes
    version n to n - 1. Then WAL mode again. `conn` is in autocommit mode and, by
    `only_connection`, the file's only connection. Raises sqlite3.Error (the file
    left as it was) for the caller to translate."""
    with immediate(conn):
        for version in range(found, to, -1):
            for step in steps[version]:
                if isinstance(step, str):
                    conn.execute(step)
                else:
                    step(conn)
        conn.execute(f"PRAGMA user_version = {int(to)}")
    conn.execute("PRAGMA journal_mode=WAL")  # as the kiosk keeps it
