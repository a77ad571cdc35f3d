"""Keeping the queue within its bounds (`max_records` rows, `max_bytes` of used pages):
the oldest impressions-only records go first, then the oldest of everything else;
each pass is logged with the event ids and counted.
"""

from __future__ import annotations

import logging
import math

from kiosk.events.connection import QueueConnection
from kiosk.events.rows import bump

log = logging.getLogger(__name__)


class EvictionMixin(QueueConnection):
    """`used_bytes` and the eviction run after each new record."""

    def used_bytes(self) -> int:
        """Bytes of the database file in use (free pages left by deletions excluded)."""
        row = self._conn().execute(
            "SELECT p.page_count - f.freelist_count FROM pragma_page_count() AS p,"
            " pragma_freelist_count() AS f"
        ).fetchone()
        return int(row[0]) * self._page_size

    def _enforce_bounds(self) -> None:
        for _ in range(8):
            with self._lock:
                total = sum(self._pending.values()) + self._dead
            used = self.used_bytes()
            over_rows = total - self.max_records
            if over_rows <= 0 and used <= self.max_bytes:
                return
            want = 0
            if over_rows > 0:
                want = over_rows + max(1, self.max_records // 100)
            if used > self.max_bytes:
                per_row = used / max(total, 1)
                want = max(want, math.ceil((used - 0.97 * self.max_bytes) / per_row))
            reason = "max_records" if over_rows > 0 else "max_mb"
            if self._evict(max(1, want), reason) == 0:
                return  # nothing left that may go

    def _evict(self, count: int, reason: str) -> int:
        removed: dict[str, int] = {}
        event_ids: list[str] = []
        with self._write() as conn:
            left = count
            for table, where in (("records", "kind = 'impression'"),
                                 ("dead", "kind = 'impression'"), (None, "")):
                if left <= 0:
                    break
                if table is None:
                    victims = conn.execute(
                        "SELECT id, 'records' FROM records UNION ALL SELECT id, 'dead' FROM dead"
                        " ORDER BY id LIMIT ?", (left,),
                    ).fetchall()
                else:
                    victims = conn.execute(
                        f"SELECT id, '{table}' FROM {table} WHERE {where} ORDER BY id LIMIT ?",
                        (left,),
                    ).fetchall()
                for name in ("records", "dead"):
                    ids = [int(v[0]) for v in victims if v[1] == name]
                    if not ids:
                        continue
                    marks = ",".join("?" * len(ids))
                    gone = conn.execute(
                        f"DELETE FROM {name} WHERE id IN ({marks}) RETURNING kind, record_id", ids
                    ).fetchall()
                    for kind, record_id in gone:
                        key = kind if name == "records" else f"dead_{kind}"
                        removed[key] = removed.get(key, 0) + 1
                        if kind in ("event", "impression"):
                            event_ids.append(record_id)
                    left -= len(gone)
            total = sum(removed.values())
            bump(conn, "evicted", total)
        if total:
            with self._lock:
                for key, n in removed.items():
                    if key.startswith("dead_"):
                        self._dead -= n
                    else:
                        self._pending[key] = self._pending.get(key, 0) - n
                self._totals["evicted"] = self._totals.get("evicted", 0) + total
                evicted_total = self._totals["evicted"]
            shown = event_ids if len(event_ids) <= 10 else [*event_ids[:5], "…", *event_ids[-5:]]
            log.warning(
                "%s full (%s): evicted %d record(s) %s, event ids %s; %d evicted so far", self.name,
                reason, total, removed, shown, evicted_total,
            )
        return total
