"""The queue's rows as the rest of the kiosk sees them (`QueuedRow`, `Batch`,
`QueueCounts`), its table columns and limits, and the small SQL helpers its parts
share.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from kiosk.events.records import (
    RecordKind,
)

MB = 1024 * 1024


# default bound on retrying a write while another process holds the lock (records that
# are not spooled: the fleet's metrics, `transact`)
LOCK_WAIT_S = 20.0
# a spooled write's bound: a like's from its tap (its visitor waits on "Saving…"), an
# impression's, a new visitor's PutUsers or an approved image's PutItems from its write
# (nobody waits on it, and it must not hold the events worker, a like queued behind it,
# nor the identity thread, for LOCK_WAIT_S); what the lock keeps out goes to the spool
# (fsync'd, queued once the lock goes: `kiosk.events.spool`)
SPOOL_LOCK_WAIT_S = 2.0
# while records wait in the spool: how often the spool drain (`kiosk.events.spool_drain`)
# and an idle uploader try to queue them (one try each, without waiting for the lock)
SPOOL_RETRY_S = 2.0


WAL_LIMIT_BYTES = 4 * MB


COLUMNS = "id, kind, record_id, session_id, user_id, created_at, body, attempts"


CORRUPT_ROW = "CorruptRow"


TRANSIENT_DEAD_CODES = frozenset({
    "ThrottlingException", "Throttling", "TooManyRequestsException", "LimitExceededException",
    "RequestTimeout", "RequestTimeoutException", "ServiceUnavailable",
    "ServiceUnavailableException", "InternalServerError", "InternalServerException",
    "InternalFailure", "SlowDown", "ResourceInUseException", "EndpointConnectionError",
    "ConnectTimeoutError", "ReadTimeoutError", "ConnectionError", "ConnectionClosedError",
    "TimeoutError",
})  # error codes of dead letters that an outage, not Personalize, put there


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
    retry_at: float = 0.0  # Unix time before which no new try should start


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

    @property
    def attempts(self) -> int:
        """Failed tries so far (the most of any row)."""
        return max(r.attempts for r in self.rows)

    @property
    def retry_at(self) -> float:
        """Unix time before which the batch should not be tried again (0: now)."""
        return max(r.retry_at for r in self.rows)

    @property
    def oldest(self) -> float:
        """Unix time the oldest row was recorded."""
        return min(r.created_at for r in self.rows)

    def __len__(self) -> int:
        return len(self.rows)


@dataclass(frozen=True, slots=True)
class QueueCounts:
    """Pending rows per kind, dead rows, the totals kept across restarts, and the
    records another program's lock kept in the spool (`spooled`: waiting to be queued,
    counted when the spool is written, taken or the counts are refreshed)."""

    pending: Mapping[str, int]
    dead: int
    sent_total: int
    evicted_total: int
    dead_total: int
    spooled: int = 0

    @property
    def pending_total(self) -> int:
        return sum(self.pending.values())


def parse_row(raw: Sequence[Any], retry_at: float = 0.0) -> QueuedRow:
    """A stored row; ValueError/TypeError/KeyError when its data cannot be read."""
    body = json.loads(raw[6])
    if not isinstance(body, dict):
        raise ValueError(f"body is {type(body).__name__}, not an object")
    return QueuedRow(
        id=int(raw[0]), kind=RecordKind(raw[1]), record_id=str(raw[2]),
        session_id=str(raw[3] or ""), user_id=raw[4], created_at=float(raw[5]),
        body=body, attempts=int(raw[7]),
        retry_at=retry_at,
    )


def delete_rows(conn: sqlite3.Connection, table: str, ids: list[int]) -> list[str]:
    marks = ",".join("?" * len(ids))
    rows = conn.execute(f"DELETE FROM {table} WHERE id IN ({marks}) RETURNING kind", ids)
    return [str(r[0]) for r in rows.fetchall()]


def bump(conn: sqlite3.Connection, name: str, by: int) -> None:
    if by:
        conn.execute("UPDATE counters SET value = value + ? WHERE name = ?", (by, name))


def dead_filter(code: str | None, kind: RecordKind | str | None) -> tuple[str, tuple[Any, ...]]:
    clauses, params = ["1"], []
    if code:
        clauses.append("error_code = ?")
        params.append(code)
    if kind:
        clauses.append("kind = ?")
        params.append(RecordKind(kind).value)
    return " AND ".join(clauses), tuple(params)


def id_span(ids: Sequence[int]) -> str:
    return f"{min(ids)}…{max(ids)}" if len(ids) > 1 else str(ids[0])


def iso(epoch: float) -> str:
    return datetime.fromtimestamp(float(epoch), tz=UTC).isoformat()
