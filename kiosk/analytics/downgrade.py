"""Rolling the analytics database back for an older kiosk build (`kiosk-admin
analytics downgrade`).

A build refuses an analytics database newer than it knows, so an older build (version
2: before `mix_pending`) started on a file this one upgraded records no audience
analytics for the whole run, and moving the file aside loses what it holds.
`downgrade` rewrites the file for the older build instead: 3 -> 2 drops `mix_pending`,
the mix the recorder held and had not written yet. Its pages and likes were below k
visits, never reportable, and the summary says how many are dropped; one of at least
k visits (left by a killed run) is written out as a mix first, as this build's next
start would have done. Every bucket and mix is kept.

With the steps of `kiosk.storage.downgrade`: only while no other process has the file
open (a running kiosk, `kiosk-admin report`), in one transaction.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from kiosk.analytics.bucket import Mix
from kiosk.analytics.store import SCHEMA, AnalyticsError, settle_pending
from kiosk.storage import sqlite as store
from kiosk.storage.downgrade import Refused, open_for_step_down, require_only, step_down

LATEST = SCHEMA.version
OLDEST = 2  # the oldest version a file can be taken back to (3 -> 2 is the only step)


class AnalyticsBusyError(AnalyticsError):
    """Another process has the analytics database open: stop the kiosk first."""


@dataclass(frozen=True, slots=True)
class Downgraded:
    """What `downgrade` found and left: the versions, and the pending mix (None: none)
    it dropped (below `k` visits) or wrote out as a mix (at least `k`)."""

    path: Path
    found: int
    version: int
    k: int
    pending: Mix | None = None
    nothing: str = ""  # why the file holds nothing to roll back (empty), if it does not

    def summary(self) -> str:
        """The line `kiosk-admin analytics downgrade` prints."""
        if self.nothing:
            return self.nothing
        what = SCHEMA.what
        if self.found == self.version:
            return f"{what} {self.path} is version {self.found} already: nothing to do"
        return (f"{what} {self.path}: version {self.found} -> {self.version}, "
                f"{self._pending()}; every bucket and mix kept; install the older kiosk "
                "now (a newer one upgrades the file again at its next start)")

    def _pending(self) -> str:
        mix = self.pending
        if mix is None:
            return "no pending mix"
        pages, likes = sum(mix.pages_by_emotion.values()), sum(mix.likes_by_emotion.values())
        if mix.visits >= self.k:
            return (f"the pending mix of {mix.visits} visits ({pages} pages, {likes} likes) "
                    "written out as a mix first")
        return (f"dropped the pending mix below k = {self.k}: {mix.visits} visits, "
                f"{pages} pages, {likes} likes (never reportable)")


def downgrade(path: str | Path, to: int = OLDEST, k: int = 5) -> Downgraded:
    """Take the analytics database at `path` back to version `to` (one already there
    or older is left alone: `found` says; one that holds nothing, not even opened:
    `nothing` says); `k` is `[analytics] k_anonymity`. Raises
    AnalyticsError with what to do: no such file, a version this build does not know
    (too new, or `to` older than `OLDEST`), the file in use (AnalyticsBusyError: stop
    the kiosk first) or unreadable."""
    path = Path(path).expanduser()
    what = SCHEMA.what
    try:
        conn, found = open_for_step_down(path, what, to, OLDEST, LATEST)
    except Refused as exc:
        if exc.kind == "empty":
            return Downgraded(path, 0, 0, k, nothing=str(exc))
        raise AnalyticsError(str(exc)) from None
    try:
        if found <= to:
            return Downgraded(path, found, found, k)
        try:
            require_only(conn, what, path, "the kiosk, or kiosk-admin report")
        except Refused as exc:
            raise AnalyticsBusyError(str(exc)) from None
        pending: list[Mix | None] = [None]

        def settle(c: sqlite3.Connection) -> None:
            pending[0] = settle_pending(c, k)

        step_down(conn, found, to, {3: (settle, "DROP TABLE IF EXISTS mix_pending")})
        return Downgraded(path, found, to, k, pending[0])
    except sqlite3.Error as exc:
        raise AnalyticsError(str(store.translate(exc, path, what))) from None
    finally:
        conn.close()
