"""The local identity register: which user ids this kiosk enrolled, under which
Rekognition face ids, and when. It is what makes retention and "forget me"
enforceable: the collection itself has no enrolment dates.

SQLite at `<data_dir>/identity.sqlite3` (file mode 0600). Three tables, and no image,
crop or face vector anywhere, only ids and times (a test checks the schema):

* `enrolments(user_id, face_id, enrolled_at, last_seen_at)`;
* `pending_deletions(face_id, user_id, requested_at, reason)`: faces that must leave
  the collection (purged or forgotten). Removing an enrolment moves it here in the
  same transaction, so a face is never lost track of when DeleteFaces fails
  (offline); the service retries them and drops each row once the collection
  confirms. A pending user id is never used again, even if the collection still
  matches it;
* `pending_enrolments(user_id, requested_at)`: an IndexFaces call was sent with this
  user id as its ExternalImageId and its outcome is not known yet (written before the
  call). The row goes when the answer comes; after a timeout it stays, and the
  service reconciles it later (lists the collection for faces with that
  ExternalImageId and deletes them), so a face the service indexed after the client
  gave up is never left in the collection without a local record. Such an id is
  never used again either.

Times are epoch seconds. A connection per operation keeps it safe to use from the
identity worker, the purge schedule and `kiosk-admin` at once. The file is opened by
`kiosk.storage.sqlite` (WAL, schema version in `user_version`: 1 the enrolments and
pending deletions, 2 the pending enrolments; a newer file is refused).
"""

from __future__ import annotations

import contextlib
import logging
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from kiosk.config import Settings
from kiosk.errors import KioskError
from kiosk.identity.errors import RegisterError
from kiosk.storage.sqlite import Schema, connect, open_store

log = logging.getLogger(__name__)

FILENAME = "identity.sqlite3"
DAY_S = 86_400.0
# An enrolment dated this far after now (seconds) is taken as made with the clock ahead.
FUTURE_TOLERANCE_S = DAY_S
_V1 = """
CREATE TABLE IF NOT EXISTS enrolments (
    user_id TEXT PRIMARY KEY,
    face_id TEXT NOT NULL UNIQUE,
    enrolled_at REAL NOT NULL,
    last_seen_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS enrolments_enrolled_at ON enrolments (enrolled_at);
CREATE TABLE IF NOT EXISTS pending_deletions (
    face_id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL,
    requested_at REAL NOT NULL,
    reason TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS pending_deletions_user ON pending_deletions (user_id);
"""
_V2 = """
CREATE TABLE IF NOT EXISTS pending_enrolments (
    user_id TEXT PRIMARY KEY,
    requested_at REAL NOT NULL
);
"""
# IF NOT EXISTS throughout: files written before the steps existed (version 0 or 1
# with every table, version 2 as they are) are adopted with their rows.
SCHEMA = Schema("the identity register", (_V1, _V2),
                remedy="move the file aside (the kiosk then starts an empty register; "
                       "faces it enrolled are then adopted or orphaned, see `kiosk-admin "
                       "identity orphans`)")


@dataclass(frozen=True, slots=True)
class Enrolment:
    user_id: str
    face_id: str
    enrolled_at: float
    last_seen_at: float

    def as_json(self) -> dict[str, Any]:
        return {
            "user_id": self.user_id,
            "face_id": self.face_id,
            "enrolled_at": _iso(self.enrolled_at),
            "last_seen_at": _iso(self.last_seen_at),
        }


@dataclass(frozen=True, slots=True)
class PendingDeletion:
    face_id: str
    user_id: str
    requested_at: float
    reason: str  # "retention" or "forget"

    def as_json(self) -> dict[str, Any]:
        return {
            "face_id": self.face_id,
            "user_id": self.user_id,
            "requested_at": _iso(self.requested_at),
            "reason": self.reason,
        }


class IdentityRegister:
    """Thread-safe register of enrolments and pending deletions (module docstring)."""

    def __init__(
        self, path: str | Path, *, clock: Callable[[], float] = time.time,
        busy_timeout_s: float = 10.0,
    ) -> None:
        self.path = Path(path).expanduser()
        self._clock = clock
        self._busy_timeout_s = busy_timeout_s
        try:
            open_store(self.path, SCHEMA, busy_timeout_s=busy_timeout_s,
                       isolation_level="DEFERRED", file_mode=0o600).close()
        except KioskError as exc:  # StoreError, DiskFullError
            raise RegisterError(str(exc)) from exc

    @classmethod
    def from_settings(cls, settings: Settings, **kwargs: Any) -> IdentityRegister:
        return cls(register_path(settings), **kwargs)

    @contextlib.contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        """One connection and one transaction (committed on success)."""
        try:
            conn = connect(self.path, SCHEMA.what, busy_timeout_s=self._busy_timeout_s,
                           isolation_level="DEFERRED")
        except KioskError as exc:
            raise RegisterError(str(exc)) from None
        try:
            with conn:
                yield conn
        except sqlite3.DatabaseError as exc:
            raise RegisterError(f"identity register {self.path}: {exc}") from exc
        finally:
            conn.close()

    # ------------------------------------------------------------------ enrolments

    def add(self, user_id: str, face_id: str, enrolled_at: float | None = None) -> Enrolment:
        """Record an enrolment (and settle its pending enrolment, same transaction)."""
        now = self._clock() if enrolled_at is None else enrolled_at
        with self._connect() as conn:
            conn.execute(
                "INSERT INTO enrolments (user_id, face_id, enrolled_at, last_seen_at)"
                " VALUES (?, ?, ?, ?)",
                (user_id, face_id, now, now),
            )
            conn.execute("DELETE FROM pending_enrolments WHERE user_id = ?", (user_id,))
        return Enrolment(user_id, face_id, now, now)

    # ------------------------------------------------------------------ pending enrolments

    def intend(self, user_id: str) -> None:
        """IndexFaces is about to be sent with `user_id` as its ExternalImageId."""
        with self._connect() as conn:
            conn.execute(
                "INSERT OR REPLACE INTO pending_enrolments (user_id, requested_at) VALUES (?, ?)",
                (user_id, self._clock()),
            )

    def intent_settled(self, user_ids: Iterable[str]) -> int:
        """The outcome is known (no face was indexed, or it was deleted): drop the rows."""
        ids = [(u,) for u in user_ids]
        if not ids:
            return 0
        with self._connect() as conn:
            cur = conn.executemany("DELETE FROM pending_enrolments WHERE user_id = ?", ids)
        return cur.rowcount

    def unsettled(self, older_than_s: float = 0.0) -> list[tuple[str, float]]:
        """(user_id, requested_at) of IndexFaces calls with no known outcome, sent more
        than `older_than_s` ago."""
        cutoff = self._clock() - older_than_s
        with self._connect() as conn:
            rows = conn.execute(
                "SELECT user_id, requested_at FROM pending_enrolments WHERE requested_at <= ?"
                " ORDER BY requested_at", (cutoff,),
            ).fetchall()
        return [(str(r[0]), float(r[1])) for r in rows]

    def has_unsettled(self) -> bool:
        with self._connect() as conn:
            return conn.execute(
                "SELECT 1 FROM pending_enrolments LIMIT 1").fetchone() is not None

    def adopt(self, user_id: str, face_id: str) -> Enrolment:
        """Record a matched face this register did not know (enrolled by another kiosk on
        the same collection, or before the register was reset): its retention counts
        from now, the earliest this kiosk knows of it."""
        now = self._clock()
        with self._connect() as conn:
            conn.execute(
                "INSERT OR IGNORE INTO enrolments (user_id, face_id, enrolled_at, last_seen_at)"
                " VALUES (?, ?, ?, ?)",
                (user_id, face_id, now, now),
            )
        return self.get(user_id) or Enrolment(user_id, face_id, now, now)

    def get(self, user_id: str) -> Enrolment | None:
        with self._connect() as conn:
            row = conn.execute(
                "SELECT user_id, face_id, enrolled_at, last_seen_at FROM enrolments"
                " WHERE user_id = ?", (user_id,),
            ).fetchone()
        return Enrolment(*row) if row else None

    def touch(self, user_id: str, when: float | None = None) -> bool:
        """Note that the visitor came back (a match)."""
        with self._connect() as conn:
            cur = conn.execute(
                "UPDATE enrolments SET last_seen_at = ? WHERE user_id = ?",
                (self._clock() if when is None else when, user_id),
            )
        return cur.rowcount > 0

    def enrolments(self) -> list[Enrolment]:
        with self._connect() as conn:
            rows = conn.execute(
                "SELECT user_id, face_id, enrolled_at, last_seen_at FROM enrolments"
                " ORDER BY enrolled_at, user_id"
            ).fetchall()
        return [Enrolment(*r) for r in rows]

    def count_expired(self, older_than_days: float, now: float | None = None) -> int:
        """How many enrolments are older than the cutoff, or dated in the future (see
        `purge_older_than`); two indexed range scans."""
        cutoff, future = self._cutoffs(older_than_days, now)
        with self._connect() as conn:
            row = conn.execute(
                "SELECT COUNT(*) FROM enrolments WHERE enrolled_at < ? OR enrolled_at > ?",
                (cutoff, future),
            ).fetchone()
        return int(row[0])

    def purge_older_than(self, days: float, now: float | None = None) -> list[Enrolment]:
        """Remove the enrolments made more than `days` ago and return them; their faces
        become pending deletions (same transaction) until the collection confirms.

        An enrolment dated more than `FUTURE_TOLERANCE_S` after now was made while the
        clock ran ahead (a kiosk without a battery-backed clock, corrected later by
        NTP): its age cannot be known, and kept by its date it would outlive the
        retention by as long as the clock was ahead (years, for a clock that started
        in 2030). It is removed with the expired ones, with a WARNING; a clock that
        jumps ahead only removes faces early, which privacy allows."""
        cutoff, future = self._cutoffs(days, now)
        with self._connect() as conn:
            rows = [Enrolment(*r) for r in conn.execute(
                "SELECT user_id, face_id, enrolled_at, last_seen_at FROM enrolments"
                " WHERE enrolled_at < ? OR enrolled_at > ? ORDER BY enrolled_at",
                (cutoff, future),
            ).fetchall()]
            self._move_to_pending(conn, rows, "retention")
        ahead = [r for r in rows if r.enrolled_at > future]
        if ahead:
            log.warning("identity: %d enrolment(s) dated up to %.0f days in the future (the "
                        "clock was ahead when they were made, or went back since): their age "
                        "cannot be known, so they are removed with the expired ones; check the "
                        "system clock (NTP)", len(ahead),
                        (max(r.enrolled_at for r in ahead) - (future - FUTURE_TOLERANCE_S))
                        / DAY_S)
        return rows

    def forget(self, user_id: str, extra_face_ids: Iterable[str] = ()) -> list[str]:
        """Remove the user's enrolment at once; return every face id of theirs that must
        leave the collection (now pending deletion, with `extra_face_ids`, e.g. the face
        a search matched)."""
        with self._connect() as conn:
            rows = [Enrolment(*r) for r in conn.execute(
                "SELECT user_id, face_id, enrolled_at, last_seen_at FROM enrolments"
                " WHERE user_id = ?", (user_id,),
            ).fetchall()]
            self._move_to_pending(conn, rows, "forget")
            now = self._clock()
            for face_id in extra_face_ids:
                conn.execute(
                    "INSERT OR IGNORE INTO pending_deletions"
                    " (face_id, user_id, requested_at, reason) VALUES (?, ?, ?, 'forget')",
                    (face_id, user_id, now),
                )
            faces = conn.execute(
                "SELECT face_id FROM pending_deletions WHERE user_id = ? ORDER BY face_id",
                (user_id,),
            ).fetchall()
        return [str(f[0]) for f in faces]

    def _move_to_pending(
        self, conn: sqlite3.Connection, rows: list[Enrolment], reason: str
    ) -> None:
        now = self._clock()
        for row in rows:
            conn.execute("DELETE FROM enrolments WHERE user_id = ?", (row.user_id,))
            conn.execute(
                "INSERT OR IGNORE INTO pending_deletions (face_id, user_id, requested_at, reason)"
                " VALUES (?, ?, ?, ?)",
                (row.face_id, row.user_id, now, reason),
            )

    # ------------------------------------------------------------------ pending deletions

    def pending(self, face_ids: Iterable[str] | None = None) -> list[PendingDeletion]:
        with self._connect() as conn:
            rows = conn.execute(
                "SELECT face_id, user_id, requested_at, reason FROM pending_deletions"
                " ORDER BY requested_at, face_id"
            ).fetchall()
        out = [PendingDeletion(*r) for r in rows]
        if face_ids is not None:
            wanted = set(face_ids)
            out = [p for p in out if p.face_id in wanted]
        return out

    def has_pending(self) -> bool:
        with self._connect() as conn:
            return conn.execute("SELECT 1 FROM pending_deletions LIMIT 1").fetchone() is not None

    def is_forgotten(self, user_id: str) -> bool:
        """The user id was purged or forgotten, or its enrolment's outcome is unknown:
        it must not be used again."""
        with self._connect() as conn:
            return conn.execute(
                "SELECT 1 FROM pending_deletions WHERE user_id = ?"
                " UNION ALL SELECT 1 FROM pending_enrolments WHERE user_id = ? LIMIT 1",
                (user_id, user_id),
            ).fetchone() is not None

    def deletion_confirmed(self, face_ids: Iterable[str]) -> int:
        """The collection no longer holds these faces: drop their pending rows."""
        ids = list(face_ids)
        if not ids:
            return 0
        with self._connect() as conn:
            cur = conn.executemany(
                "DELETE FROM pending_deletions WHERE face_id = ?", [(f,) for f in ids]
            )
        return cur.rowcount

    # ------------------------------------------------------------------ export

    def export(self) -> dict[str, Any]:
        """Everything held, for `kiosk-admin identity export`. An enrolment dated in the
        future (see `purge_older_than`) carries `"dated_in_future": true`."""
        _, future = self._cutoffs(0.0, None)
        enrolments = []
        for e in self.enrolments():
            row = e.as_json()
            if e.enrolled_at > future:  # the next purge removes it: its age is unknown
                row["dated_in_future"] = True
            enrolments.append(row)
        return {
            "register": str(self.path),
            "enrolments": enrolments,
            "pending_deletions": [p.as_json() for p in self.pending()],
            "pending_enrolments": [
                {"user_id": u, "requested_at": _iso(t)} for u, t in self.unsettled()
            ],
        }

    def columns(self) -> dict[str, dict[str, str]]:
        """table -> column -> declared type (the schema, for checks)."""
        with self._connect() as conn:
            tables = [r[0] for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
            )]
            return {
                t: {str(c[1]): str(c[2]) for c in conn.execute(f"PRAGMA table_info({t})")}
                for t in tables
            }

    def _cutoffs(self, days: float, now: float | None) -> tuple[float, float]:
        """(expired before, dated in the future after), in epoch seconds."""
        if days < 0:
            raise ValueError("days must be zero or more")
        at = self._clock() if now is None else now
        return at - days * DAY_S, at + FUTURE_TOLERANCE_S


def register_path(settings: Settings) -> Path:
    return settings.data_dir / FILENAME


def _iso(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).isoformat(timespec="seconds")
