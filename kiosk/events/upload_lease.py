"""Who uploads now, and what the kiosk's uploader last saw: the `uploader` table.

The lease: an uploader claims it (`claim_upload`) before it reads a batch and sends it,
and renews it with each claim; another uploader of the same name (the running kiosk and
`kiosk-admin events flush`) then waits instead of sending the same batch at the same
time. A lease ends by itself after its `ttl_s` (a crashed or stopped holder never blocks
the other for longer) and at once with `release_upload`. On a read-only queue no lease
can be written: the claim always succeeds (nothing to coordinate with but itself); a
read-only queue may also be version 3, without the table (`uploader_record`: None).

The status: the kiosk's uploader writes its state, last error and next try there
(`record_uploader_status`), so `kiosk-admin events status` over SSH tells "waiting"
from "failing" without asking the kiosk (`uploader_record`).
"""

from __future__ import annotations

import json
import logging
import sqlite3
import time
from typing import Any

from kiosk.errors import KioskError
from kiosk.events.connection import QueueConnection

log = logging.getLogger(__name__)


class UploadLeaseMixin(QueueConnection):
    """The `uploader` table's side of the queue; see the module docstring."""

    def claim_upload(self, name: str, holder: str, ttl_s: float) -> str | None:
        """Take or renew the lease for `name`: None when `holder` has it now, else the
        other holder's name (its lease is still running)."""
        if self.read_only:
            return None
        now = time.time()

        def claim() -> int:
            with self._write(durable=False) as conn:
                return int(conn.execute(
                    "INSERT INTO uploader (name, holder, lease_until) VALUES (?, ?, ?)"
                    " ON CONFLICT (name) DO UPDATE SET holder = excluded.holder,"
                    " lease_until = excluded.lease_until"
                    " WHERE uploader.holder = excluded.holder OR uploader.lease_until < ?",
                    (name, holder, now + ttl_s, now)).rowcount)

        if self._retrying("claim the upload lease", claim):
            return None
        row = self._conn().execute(
            "SELECT holder FROM uploader WHERE name = ?", (name,)).fetchone()
        return str(row[0]) if row else None

    def release_upload(self, name: str, holder: str) -> None:
        """End `holder`'s lease now (idle or stopping); never raises."""
        if self.read_only:
            return
        try:
            with self._write(durable=False) as conn:
                conn.execute("UPDATE uploader SET lease_until = 0 WHERE name = ? AND holder = ?",
                             (name, holder))
        except (KioskError, sqlite3.Error) as exc:  # ends by itself after its ttl
            log.debug("%s: could not release the upload lease: %s", self.name, exc)

    def record_uploader_status(self, name: str, holder: str, status: dict[str, Any]) -> None:
        """Keep `status` (JSON-ready) as what `name`'s uploader saw last; never raises
        (a busy or full disk only leaves the previous record)."""
        if self.read_only:
            return
        text = json.dumps(status, sort_keys=True)
        try:
            with self._write(durable=False) as conn:
                conn.execute(
                    "INSERT INTO uploader (name, holder, status, written_at)"
                    " VALUES (?, '', ?, ?) ON CONFLICT (name) DO UPDATE SET"
                    " status = excluded.status, written_at = excluded.written_at",
                    (name, text, time.time()))
        except (KioskError, sqlite3.Error) as exc:
            log.debug("%s: could not record the uploader status: %s", self.name, exc)

    def uploader_record(self, name: str) -> dict[str, Any] | None:
        """What `name`'s uploader recorded last, with `recorded_at` (Unix time) and the
        lease's holder while it runs; None when nothing was recorded (also when a
        read-only version-3 queue has no `uploader` table: nothing was ever recorded)."""
        try:
            row = self._conn().execute(
                "SELECT status, written_at, holder, lease_until FROM uploader WHERE name = ?",
                (name,)).fetchone()
        except sqlite3.OperationalError as exc:
            if self.read_only and "no such table" in str(exc):
                return None
            raise self._translate(exc) from exc
        except sqlite3.DatabaseError as exc:
            raise self._translate(exc) from exc
        if row is None or not row[0]:
            return None
        try:
            out: dict[str, Any] = dict(json.loads(row[0]))
        except (ValueError, TypeError):
            return None
        out["recorded_at"] = float(row[1])
        out["uploading_now"] = str(row[2]) if float(row[3]) > time.time() else None
        return out
