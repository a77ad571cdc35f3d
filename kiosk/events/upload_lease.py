"""Who uploads from a queue now: the upload lease (the `uploader` table, schema 4).

An uploader claims the lease (`UploadLease.claim`, on the queue `claim_upload`) before
it reads a batch, and renews it before each call; another uploader of the same name
(the running kiosk and `kiosk-admin events flush`) then waits instead of sending the
same batch at the same time. A lease lasts one call (connect + read timeout +
`LEASE_MARGIN_S`), so a crashed or stopped holder never blocks the other for longer,
and ends at once with `release_upload` (idle, waiting to retry, stopping). On a
read-only queue no lease can be written: the claim always succeeds (nothing to
coordinate with but itself).

The same table keeps the kiosk uploader's last status (`kiosk.events.upload_status`).
"""

from __future__ import annotations

import logging
import os
import socket
import sqlite3
import time
import uuid

from kiosk.errors import KioskError
from kiosk.events.connection import QueueConnection

log = logging.getLogger(__name__)

LEASE_POLL_S = 0.5  # how often an uploader looks again while another one sends
LEASE_MARGIN_S = 5.0  # a lease outlasts the longest call by this much


class UploadLeaseMixin(QueueConnection):
    """The lease's side of the queue; see the module docstring."""

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


class UploadLease:
    """One uploader's hold on `queue`'s lease for `name`: `claim` before each call,
    `let_go` when idle, waiting or stopping. `holder` names this process in the table
    (and in the other uploader's "waiting for" line)."""

    def __init__(self, queue: UploadLeaseMixin, name: str, logger: logging.Logger) -> None:
        self.queue = queue
        self.name = name
        self.holder = f"pid {os.getpid()} on {socket.gethostname()} ({uuid.uuid4().hex[:6]})"
        self.held = False
        self._log = logger
        self._waiting_for: str | None = None  # the other uploader holding the lease

    def claim(self, call_s: float) -> bool:
        """Take or renew the lease for one call of up to `call_s`; False while another
        uploader holds it (logged once per other holder)."""
        other = self.queue.claim_upload(self.name, self.holder, call_s + LEASE_MARGIN_S)
        if other is None:
            self.held, self._waiting_for = True, None
            return True
        self.held = False
        if other != self._waiting_for:
            self._log.info("%s: another uploader (%s) is sending from this queue; waiting "
                           "for it", self.name, other)
        self._waiting_for = other
        return False

    def let_go(self) -> None:
        if self.held:
            self.held = False
            self.queue.release_upload(self.name, self.holder)
