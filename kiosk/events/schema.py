"""The queue database's schema, versioned with `PRAGMA user_version`.

`MIGRATIONS[n]` takes a database from version n to n + 1; `migrate` applies the
missing ones in one transaction each, so a crash mid-migration leaves the previous
version intact. A database newer than this build is refused rather than guessed at.

Tables:
- `records`: pending rows, oldest first by `id` (the upload and eviction order).
- `dead`: rows a permanent error refused, with the error; `retry_dead` moves them
  back under their original `id`, so they keep their place in the order.
- `counters`: totals that survive restarts (`sent`, `evicted`, `dead`).

`records.attempts` counts failed upload tries of a row and `records.retry_at` (Unix
time, 0: now) is when the next try may start, so the backoff survives a restart
exactly as the attempt count does.
"""

from __future__ import annotations

import logging
import sqlite3

from kiosk.events.errors import SchemaError

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
)
LATEST = len(MIGRATIONS)


def version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def migrate(conn: sqlite3.Connection, target: int = LATEST) -> int:
    """Bring the database to `target` (default: the latest); returns the version found.
    `conn` must be in autocommit mode (`isolation_level=None`)."""
    found = version(conn)
    if found > LATEST:
        raise SchemaError(
            f"the event queue database is version {found}, newer than this kiosk "
            f"(knows up to {LATEST}); update the kiosk or move the database aside"
        )
    for current in range(found, target):
        conn.execute("BEGIN IMMEDIATE")
        try:
            if version(conn) != current:  # another process migrated meanwhile
                conn.execute("ROLLBACK")
                continue
            for statement in MIGRATIONS[current]:
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {current + 1}")
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        log.info("event queue schema migrated to version %d", current + 1)
    return found
