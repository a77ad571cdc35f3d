"""The upload side of the queue: batches in order (`next_batch`), acks, dead letters,
failed tries with their backoff, dead letters queued again, and "forget me". On a
read-only folder each of these is kept in memory for the run (`readonly.Ledger`).
"""

from __future__ import annotations

import logging
import sqlite3
import time
from collections.abc import Callable, Iterable, Sequence
from typing import Any, cast

from kiosk.events.connection import QueueConnection
from kiosk.events.errors import (
    CorruptQueueError,
    QueueReadOnlyError,
)
from kiosk.events.records import (
    MAX_BATCH,
    RecordKind,
)
from kiosk.events.rows import (
    COLUMNS,
    CORRUPT_ROW,
    TRANSIENT_DEAD_CODES,
    Batch,
    bump,
    dead_filter,
    delete_rows,
    id_span,
    parse_row,
)

log = logging.getLogger(__name__)


class UploadSideMixin(QueueConnection):
    """What the uploader (and `kiosk-admin events`) calls; see `kiosk.events.queue`."""

    def next_batch(self, kinds: Iterable[RecordKind | str], limit: int = MAX_BATCH) -> Batch | None:
        """The oldest sendable row's group, up to `limit` rows of it in order; None when
        nothing of `kinds` is pending. Rows stay queued until `ack` or `dead_letter`."""
        names = [RecordKind(k).value for k in kinds]
        if not names:
            return None
        for _ in range(100):  # each pass dead-letters at least one unreadable row
            try:
                rows = self._oldest_group(names, max(1, min(limit, MAX_BATCH)))
            except sqlite3.DatabaseError as exc:
                error = self._translate(exc)
                if (isinstance(error, CorruptQueueError) and self._recover_enabled
                        and not self.read_only):
                    self._replace_damaged(error)
                    continue
                raise error from exc
            if not rows:
                return None
            good, bad = [], []
            for raw in rows:
                try:
                    attempts, retry_at = self._ledger.overlay(
                        int(raw[0]), int(raw[7]), float(raw[8] or 0.0))
                    good.append(parse_row((*raw[:7], attempts), retry_at))
                except (ValueError, TypeError, KeyError) as exc:
                    bad.append((int(raw[0]), f"{type(exc).__name__}: {exc}"))
            if not bad:
                return Batch(good[0].kind.operation, tuple(good)) if good else None
            for row_id, why in bad:
                self.dead_letter([row_id], CORRUPT_ROW, f"stored record cannot be read ({why})")
        return None

    def _oldest_group(self, names: list[str], limit: int) -> list[Any]:
        """The raw rows (`COLUMNS`, retry_at) of the oldest pending group of `names`,
        leaving out rows this run already sent or refused without writing it down."""
        conn = self._conn()
        marks = ",".join("?" * len(names))
        skip = self._ledger.handled()
        if not skip:
            first = conn.execute(
                f"SELECT grp, id FROM records WHERE kind IN ({marks}) ORDER BY id LIMIT 1",
                names,
            ).fetchone()
            if first is None:
                return []
            return conn.execute(
                f"SELECT {COLUMNS}, retry_at FROM records WHERE grp = ? AND kind IN"
                f" ({marks}) ORDER BY id LIMIT ?", (first[0], *names, limit),
            ).fetchall()
        floor = min(skip) - 1  # every row below it is still to be offered
        first = next((row for row in conn.execute(
            f"SELECT grp, id FROM records WHERE kind IN ({marks}) AND id > ? ORDER BY id",
            (*names, floor)) if int(row[1]) not in skip), None)
        if first is None:
            return []
        rows: list[Any] = []
        for raw in conn.execute(
                f"SELECT {COLUMNS}, retry_at FROM records WHERE grp = ? AND kind IN"
                f" ({marks}) AND id >= ? ORDER BY id", (first[0], *names, first[1])):
            if int(raw[0]) not in skip:
                rows.append(raw)
                if len(rows) >= limit:
                    break
        return rows

    def _kinds_of(self, ids: list[int]) -> list[tuple[int, str]]:
        """(id, kind) of the pending rows among `ids` (a read: works read-only)."""
        marks = ",".join("?" * len(ids))
        try:
            rows = self._conn().execute(
                f"SELECT id, kind FROM records WHERE id IN ({marks})", ids).fetchall()
        except sqlite3.DatabaseError as exc:
            raise self._translate(exc) from exc
        return [(int(i), str(k)) for i, k in rows]

    def _write_or_hold(
        self, what: str, write: Callable[[], list[str]], ids: list[int],
        hold: Callable[[list[tuple[int, str]]], list[str]],
    ) -> list[str]:
        """`write()` (retried under another program's lock); on a read-only file, or
        one that turns read-only now, `hold` keeps the pending rows among `ids` in this
        run's ledger instead. Returns the kinds of the rows handled."""
        if not self.read_only:
            try:
                return cast(list[str], self._retrying(what, write))
            except QueueReadOnlyError:
                pass
        return hold(self._kinds_of(ids))

    def forget_users(self, user_ids: Iterable[str]) -> int:
        """"Forget me" / retention: delete the queued and dead-lettered records that
        carry these user ids (their likes and their PutUsers record), so nothing of
        theirs is uploaded later. Returns the number of rows deleted."""
        ids = sorted({u for u in user_ids if u})
        if not ids:
            return 0
        marks = ",".join("?" * len(ids))
        if self.read_only:  # never uploaded in this run; the file keeps them
            rows = self._conn().execute(
                f"SELECT id, kind FROM records WHERE user_id IN ({marks})", ids).fetchall()
            self._ledger.mark_dead(rows, "Forgotten", "forgotten while read-only")
            self.refresh_counts()
            raise QueueReadOnlyError(
                f"{len(rows)} queued record(s) of {len(ids)} forgotten user(s) are held back "
                f"for this run but cannot be deleted: {self.read_only}")
        with self._write(durable=True) as conn:
            kinds = [str(r[0]) for r in conn.execute(
                f"DELETE FROM records WHERE user_id IN ({marks}) RETURNING kind", ids
            ).fetchall()]
            dead = conn.execute(f"DELETE FROM dead WHERE user_id IN ({marks})", ids).rowcount
        with self._lock:
            self._forget(kinds)
        self.refresh_counts()
        log.info("forgot %d queued and %d dead-lettered records of %d user(s)",
                 len(kinds), dead, len(ids))
        return len(kinds) + int(dead)

    def ack(self, ids: Iterable[int]) -> int:
        """Delivered: delete the rows and count them as sent."""
        id_list = list(ids)
        if not id_list:
            return 0

        def delete() -> list[str]:
            with self._write(durable=False) as conn:
                kinds = delete_rows(conn, "records", id_list)
                bump(conn, "sent", len(kinds))
            return kinds

        kinds = self._write_or_hold("record a delivery", delete, id_list,
                                    self._ledger.mark_sent)
        with self._lock:
            self._forget(kinds)
            self._totals["sent"] = self._totals.get("sent", 0) + len(kinds)
        return len(kinds)

    def dead_letter(self, ids: Iterable[int], code: str, message: str) -> int:
        """Refused for good: move the rows to the dead-letter table with the error."""
        id_list = list(ids)
        if not id_list:
            return 0
        marks = ",".join("?" * len(id_list))

        def move() -> list[str]:
            with self._write(durable=False) as conn:
                conn.execute(
                    f"INSERT OR REPLACE INTO dead ({COLUMNS}, grp, error_code, error_message,"
                    f" failed_at) SELECT {COLUMNS}, grp, ?, ?, ? FROM records"
                    f" WHERE id IN ({marks})", (code, message[:2000], time.time(), *id_list),
                )
                kinds = delete_rows(conn, "records", id_list)
                bump(conn, "dead", len(kinds))
            return kinds

        kinds = self._write_or_hold(  # read-only: held back, queued again at the next start
            "keep a dead letter", move, id_list,
            lambda rows: self._ledger.mark_dead(rows, code, message))
        with self._lock:
            self._forget(kinds)
            self._dead += len(kinds)
            self._totals["dead"] = self._totals.get("dead", 0) + len(kinds)
        if kinds:
            where = ("held back for this run (read-only folder)" if self.read_only
                     else "moved to dead letters")
            log.warning("%s: %d record(s) %s (%s: %s); rows %s", self.name,
                        len(kinds), where, code, message, id_span(id_list))
        return len(kinds)

    def note_attempt(self, ids: Iterable[int], retry_at: float = 0.0, count: bool = True) -> int:
        """Count a failed try against the rows and keep when the next may start (Unix
        time), so a restart keeps the backoff; returns their highest count. `count`
        False (no connection: the service never saw the try) keeps only the time."""
        id_list = list(ids)
        if not id_list:
            return 0
        marks = ",".join("?" * len(id_list))

        def update() -> list[Any]:
            with self._write(durable=False) as conn:
                return conn.execute(
                    f"UPDATE records SET attempts = attempts + ?, retry_at = ?"
                    f" WHERE id IN ({marks}) RETURNING attempts",
                    (int(count), retry_at, *id_list),
                ).fetchall()

        try:
            if not self.read_only:
                return max((int(r[0]) for r in self._retrying("count a failed try", update)),
                           default=0)
        except QueueReadOnlyError:
            pass
        try:
            stored = self._conn().execute(
                f"SELECT id, attempts FROM records WHERE id IN ({marks})", id_list).fetchall()
        except sqlite3.DatabaseError as exc:
            raise self._translate(exc) from exc
        return self._ledger.note_try(stored, retry_at, count)

    def retry_transient_dead(self) -> int:
        """Queue again the dead letters an outage put there (5xx, throttling, timeouts,
        refused connections; older kiosks dead-lettered after 20 server errors): they
        were never refused by Personalize. Returns the number queued again."""
        if self.read_only:
            return 0
        codes = sorted(TRANSIENT_DEAD_CODES)
        marks = ",".join("?" * len(codes))
        where = f"error_code IN ({marks}) OR error_message LIKE '%server errors)'"
        moved = self._move_dead(where, codes)
        if moved:
            log.warning("%s: %d dead letter(s) from a transient outage queued again", self.name,
                        moved)
            self._notify()
        return int(moved)

    def _move_dead(self, where: str, params: Sequence[object]) -> int:
        """Move the dead letters matching `where` back into the queue, in their original
        place in the order (one transaction); returns how many moved."""
        with self._write() as conn:
            moved = conn.execute(
                f"INSERT OR IGNORE INTO records ({COLUMNS}, grp)"
                f" SELECT id, kind, record_id, session_id, user_id, created_at, body, 0, grp"
                f" FROM dead WHERE {where}", params,
            ).rowcount
            conn.execute(f"DELETE FROM dead WHERE {where}", params)
        self.refresh_counts()
        return int(moved)

    def retry_dead(self, code: str | None = None, kind: RecordKind | str | None = None) -> int:
        """Move dead letters (optionally only one error code or kind) back into the queue,
        in their original place in the order."""
        where, params = dead_filter(code, kind)
        moved = self._move_dead(where, params)
        if moved:
            log.info("%s: %d dead letter(s) queued again", self.name, moved)
            self._notify()
        return int(moved)
