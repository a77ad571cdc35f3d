"""Rolling a store back for an older kiosk build: the steps every `kiosk-admin …
downgrade` shares (`kiosk.events.downgrade` for the event and metrics queues,
`kiosk.analytics.downgrade` for the analytics database).

A downgrade runs only while no other process has the file open (`only_connection`):
leaving the write-ahead log mode needs the only connection, so asking for it is the
test. `step_down` applies the steps and sets the version in one transaction, so a
failure leaves the file as it was, and puts the file back in WAL mode as the kiosk
keeps it. The next start of a newer build upgrades the file again.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Mapping, Sequence

from kiosk.storage.sqlite import Step, immediate

# the end of every "in use" refusal: what the operator does about it
STOP_FIRST = "stop the kiosk first (systemctl --user stop kiosk), then run this again"
IN_USE_WAIT_S = 2.0  # how long a busy file is waited for before it counts as in use


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
