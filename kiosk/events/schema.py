"""The queue database's schema, versioned with `PRAGMA user_version`.

`MIGRATIONS[n]` takes a database from version n to n + 1; `migrate` applies the
missing ones through the kiosk's one SQLite policy (`kiosk.storage.sqlite`, as
`SCHEMA`), one transaction each, so a crash mid-migration leaves the previous version
intact. A database newer than this build is refused rather than guessed at.

Tables:
- `records`: pending rows, oldest first by `id` (the upload and eviction order).
- `dead`: rows a permanent error refused, with the error; `retry_dead` moves them
  back under their original `id`, so they keep their place in the order.
- `counters`: totals that survive restarts (`sent`, `evicted`, `dead`).
- `uploader`: per uploader name, who may send now (a lease, so the kiosk and
  `kiosk-admin events flush` never send the same batch at once) and the kiosk
  uploader's last status for `kiosk-admin events status` (`kiosk.events.upload_lease`,
  `kiosk.events.upload_status`).

`records.attempts` counts failed upload tries of a row and `records.retry_at` (Unix
time, 0: now) is when the next try may start, so the backoff survives a restart
exactly as the attempt count does.
"""

from __future__ import annotations

import logging
import sqlite3

from kiosk.events.errors import SchemaError
from kiosk.storage.sqlite import Schema
from kiosk.storage.sqlite import migrate as migrate_store
from kiosk.storage.sqlite import user_version as version  # the file's schema version

log = logging.getLogger(__name__)

MIGRATIONS: tuple[tuple[str, ...], ...] = (
    # 0 -> 1: the queue and the dead-letter table
    (
        """
        CREATE TABLE records (
            id          INTEGER PRIMARY KEY AUTOINCREMENT,
            kind        TEXT NOT NULL,
            record_id   TEXT NOT NULL UNIQUE,
            grp         TEXT NOT NULL,
            session_id  TEXT NOT NULL DEFAULT '',
            user_id     TEXT,
            created_at  REAL NOT NULL,
            body        TEXT NOT NULL,
            attempts    INTEGER NOT NULL DEFAULT 0
        )
        """,
        "CREATE INDEX records_by_group ON records (grp, id)",
        "CREATE INDEX records_by_kind ON records (kind, id)",
        """
        CREATE TABLE dead (
            id             INTEGER PRIMARY KEY,
            kind           TEXT NOT NULL,
            record_id      TEXT NOT NULL,
            grp            TEXT NOT NULL,
            session_id     TEXT NOT NULL DEFAULT '',
            user_id        TEXT,
            created_at     REAL NOT NULL,
            body           TEXT NOT NULL,
            attempts       INTEGER NOT NULL DEFAULT 0,
            error_code     TEXT NOT NULL,
            error_message  TEXT NOT NULL,
            failed_at      REAL NOT NULL
        )
        """,
    ),
    # 1 -> 2: totals that survive restarts
    (
        "CREATE TABLE counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID",
        "INSERT INTO counters (name, value) VALUES ('sent', 0), ('evicted', 0), ('dead', 0)",
    ),
    # 2 -> 3: the backoff survives restarts with the attempt count
    (
        "ALTER TABLE records ADD COLUMN retry_at REAL NOT NULL DEFAULT 0",
    ),
    # 3 -> 4: the upload lease and the uploader's last status (upload_lease, upload_status)
    (
        """
        CREATE TABLE uploader (
            name         TEXT PRIMARY KEY,
            holder       TEXT NOT NULL DEFAULT '',
            lease_until  REAL NOT NULL DEFAULT 0,
            status       TEXT NOT NULL DEFAULT '',
            written_at   REAL NOT NULL DEFAULT 0
        ) WITHOUT ROWID
        """,
    ),
)
LATEST = len(MIGRATIONS)
# The oldest version a read-only queue (a folder that cannot be written, so no upgrade)
# is still read as it is: step 3 -> 4 only adds the `uploader` table, which read-only
# code never writes (`kiosk.events.upload_status` reads it as absent: no record).
READ_ONLY_OLDEST = 3
WHAT = "the event queue"
REMEDY = "move the database aside (the kiosk then starts an empty queue)"
SCHEMA = Schema(WHAT, tuple(";\n".join(step) for step in MIGRATIONS), REMEDY)


def migrate(conn: sqlite3.Connection, target: int = LATEST, path: str = "",
            what: str = WHAT) -> int:
    """Bring the database to `target` (default: the latest) through the kiosk's one
    SQLite policy (`kiosk.storage.sqlite.migrate`: one transaction per step); returns
    the version found. `conn` must be in autocommit mode (`isolation_level=None`).
    `what` names the queue in messages ("the metrics queue"). Raises SchemaError for a
    file newer than this build, never touching it."""
    found = version(conn)
    if found > LATEST:
        raise SchemaError(
            f"{what} database {path} is version {found}, newer than this kiosk "
            f"(knows up to {LATEST}); update the kiosk, or have the newer kiosk rewrite "
            f"it for this one, keeping its pending records (with this kiosk stopped: "
            f"kiosk-admin {'events' if what == WHAT else 'fleet'} downgrade --to {LATEST}), "
            f"or {REMEDY}"
        )
    if found >= target:
        return found
    migrate_store(conn, Schema(what, SCHEMA.steps[:target], REMEDY), path or what)
    return found
