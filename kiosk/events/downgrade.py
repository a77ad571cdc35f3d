"""Rolling a queue file back for an older kiosk build (`kiosk-admin events downgrade`,
`kiosk-admin fleet downgrade`).

A build refuses a queue newer than it knows (`kiosk.events.schema.migrate`), so after
a rollback the older kiosk would refuse every like of the run ("likes cannot be saved:
… is version 4, newer than this kiosk (knows up to 3) …"), and moving the file aside,
as that message says, leaves its pending events unsent. `downgrade` rewrites the file
for the older build instead: `DOWNGRADES[n]` takes version n back to n - 1 and keeps
every pending event, dead letter, stored backoff and total (4 -> 3 drops the
`uploader` table: the upload lease and the last status, which version 3 never had).

It runs only while no other process has the file open (a running kiosk, `kiosk-admin
events flush`): leaving the write-ahead log mode, which it asks first, needs the only
connection. The steps and the version are one transaction, so a failure leaves the
file as it was (`kiosk.storage.downgrade`, shared with `kiosk-admin analytics
downgrade`). The next start of a newer build upgrades it again.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from kiosk.events.errors import EventsError, QueueBusyError, SchemaError
from kiosk.events.schema import LATEST, WHAT
from kiosk.storage import sqlite as store
from kiosk.storage.downgrade import Refused, open_for_step_down, require_only, step_down

DOWNGRADES: dict[int, tuple[str, ...]] = {
    4: ("DROP TABLE IF EXISTS uploader",),  # the upload lease and the uploader's status
}
OLDEST = min(DOWNGRADES) - 1  # the oldest version a file can be taken back to
_ERRORS: dict[str, type[EventsError]] = {"newer": SchemaError}  # else EventsError


@dataclass(frozen=True, slots=True)
class Downgraded:
    """What `downgrade` found and left: the versions, and the rows it kept."""

    what: str
    path: Path
    found: int
    version: int
    pending: int
    dead: int
    nothing: str = ""  # why the file holds nothing to roll back (empty), if it does not

    def summary(self) -> str:
        """The line `kiosk-admin … downgrade` prints."""
        if self.nothing:
            return self.nothing
        kept = f"{self.pending} pending and {self.dead} dead-lettered record(s)"
        if self.found == self.version:
            return (f"{self.what} {self.path} is version {self.found} already: nothing "
                    f"to do ({kept})")
        return (f"{self.what} {self.path}: version {self.found} -> {self.version}, {kept} "
                "kept; install the older kiosk now (a newer one upgrades the file again "
                "at its next start)")


def downgrade(path: str | Path, to: int = OLDEST, what: str = WHAT,
              users: str = "the kiosk, or kiosk-admin events flush") -> Downgraded:
    """Take the queue file at `path` back to version `to` (one already there or older
    is left alone: `found` says; one that holds nothing, not even opened: `nothing`
    says). `what` names it in messages ("the metrics queue"), `users` who else may
    hold it open ("the kiosk, or kiosk-admin fleet retry-dead").
    Raises EventsError with what to do: no such file, a version this build
    does not know (too new, or `to` older than `OLDEST`), the file in use
    (QueueBusyError: stop the kiosk first) or unreadable."""
    path = Path(path).expanduser()
    try:
        conn, found = open_for_step_down(path, what, to, OLDEST, LATEST)
    except Refused as exc:
        if exc.kind == "empty":
            return Downgraded(what, path, 0, 0, 0, 0, nothing=str(exc))
        raise _ERRORS.get(exc.kind, EventsError)(str(exc)) from None
    try:
        if found > to:
            try:
                require_only(conn, what, path, users)
            except Refused as exc:
                raise QueueBusyError(str(exc)) from None
            step_down(conn, found, to, DOWNGRADES)
        pending, dead = (int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
                         for table in ("records", "dead"))
        return Downgraded(what, path, found, min(found, to), pending, dead)
    except sqlite3.Error as exc:
        raise EventsError(str(store.translate(exc, path, what))) from None
    finally:
        conn.close()

