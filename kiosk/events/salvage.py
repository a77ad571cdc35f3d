"""Reading rows out of a queue file as it is: the salvage of a damaged file (every row
that can still be read, copied into a fresh queue) and the JSON-lines export of dead
letters and pending rows (`kiosk-admin events export`).
"""

from __future__ import annotations

import contextlib
import json
import logging
import sqlite3
from pathlib import Path
from typing import IO, Any

from kiosk.events.rows import COLUMNS, iso, parse_row
from kiosk.storage import sqlite as store

log = logging.getLogger(__name__)


SALVAGE_PROBES = 1_000_000  # most row ids looked up one by one in a damaged file


_MAGIC = b"SQLite format 3\x00"


def salvage(damaged: Path, target: sqlite3.Connection,
            queue_name: str = "event queue") -> int:
    """Copy the rows still readable in `damaged` (records, dead letters, counters) into
    `target`; returns the number of records and dead letters saved. `queue_name`
    names the queue in log lines ("event queue", "metrics queue").

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
        log.warning("%s salvage: cannot read %s: %s", queue_name, damaged, exc)
        return 0
    saved = 0
    try:
        top = _max_id(source)
        for table, columns in (
            ("records", f"{COLUMNS}, grp"),
            ("dead", f"{COLUMNS}, grp, error_code, error_message, failed_at"),
        ):
            rows = _readable_rows(source, table, columns, top, queue_name)
            marks = ",".join("?" * len(columns.split(",")))
            with store.immediate(target):  # a failed COMMIT rolls back: target stays usable
                for row in rows:
                    with contextlib.suppress(sqlite3.Error):
                        target.execute(
                            f"INSERT OR IGNORE INTO {table} ({columns}) VALUES ({marks})", row)
                        saved += 1
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


def _readable_rows(source: sqlite3.Connection, table: str, columns: str, top: int,
                   queue_name: str) -> list[Any]:
    """Every row of `table` that can be read: a scan, else one lookup per id."""
    found: dict[int, Any] = {}
    try:
        for raw in source.execute(f"SELECT {columns} FROM {table} ORDER BY id"):
            found[int(raw[0])] = raw
        return list(found.values())
    except sqlite3.Error as exc:
        log.warning("%s salvage: %s scan stopped after %d rows (%s); looking "
                    "rows up one by one", queue_name, table, len(found), exc)
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


def export_rows(conn: sqlite3.Connection, target: IO[str], *, pending: bool = False) -> int:
    """Write the dead letters of `conn` (and with `pending`, the queued rows too) to
    `target` as JSON lines, oldest first; returns the number written."""
    written = 0
    tables = ("dead", "records") if pending else ("dead",)
    for table in tables:
        extra = ", error_code, error_message, failed_at" if table == "dead" else ""
        cursor = conn.execute(f"SELECT {COLUMNS}{extra} FROM {table} ORDER BY id")
        for raw in cursor:
            row = parse_row(raw)
            line: dict[str, Any] = {
                "state": "dead" if table == "dead" else "pending",
                "id": row.id,
                "kind": row.kind.value,
                "operation": row.kind.operation,
                "recordId": row.record_id,
                "sessionId": row.session_id or None,
                "userId": row.user_id,
                "createdAt": iso(row.created_at),
                "attempts": row.attempts,
                "entry": dict(row.body),
            }
            if table == "dead":
                line["error"] = {"code": raw[8], "message": raw[9], "failedAt": iso(raw[10])}
            target.write(json.dumps(line, ensure_ascii=False) + "\n")
            written += 1
    return written
