"""The fleet's ledger: how much of each bucket's counts has been queued for CloudWatch.

A table of its own in the metrics queue's file (`fleet_ledger`: bucket start -> the
counts queued for it, JSON), added to in the same transaction as each queued row
(`EventQueue.record(..., also=...)`), so it says exactly what the queue was given:
never a row without its entry, nor an entry without its row.

What it is for: the analytics store saves an open bucket's counts early (each minute,
after a like), but the fleet gets a bucket when it closes. A run killed before that
(`kill -9`, a power cut, the watchdog) leaves visits and likes in the store that never
reached the queue; the next start compares the store with the ledger and queues the
difference once (`FleetPublisher.publish_unsent`). Every start also leaves an entry
for its open bucket (zero counts if nothing went yet), so the next start knows where
this run began even if it queued nothing.

The counts are `kiosk.analytics.bucket.COUNT_FIELDS` and the dwell histogram; gauges
(camera time, latency, queue depth) are never caught up: they describe a bucket only
as a whole. A damaged metrics queue is replaced by an empty one and with it the ledger:
that start then catches nothing up (it cannot know what was sent), rather than
sending a bucket twice.
"""

from __future__ import annotations

import json
import sqlite3

from kiosk.analytics.bucket import COUNT_FIELDS, BucketStats, counts_only

CREATE = ("CREATE TABLE IF NOT EXISTS fleet_ledger "
          "(start REAL PRIMARY KEY, counts TEXT NOT NULL) WITHOUT ROWID")


def _dump(counts: BucketStats) -> str:
    body: dict[str, object] = {name: getattr(counts, name) for name in COUNT_FIELDS}
    body["dwell_hist"] = list(counts.dwell_hist)
    return json.dumps(body, separators=(",", ":"), sort_keys=True)


def _load(start: float, span_s: float, text: str) -> BucketStats:
    body = json.loads(text)
    out = BucketStats(start, span_s)
    for name in COUNT_FIELDS:
        setattr(out, name, type(getattr(out, name))(body.get(name, 0)))
    hist = [int(n) for n in body.get("dwell_hist", [])]
    out.dwell_hist = (hist + [0] * len(out.dwell_hist))[:len(out.dwell_hist)]
    return out


def add(conn: sqlite3.Connection, counts: BucketStats) -> None:
    """Add `counts` (its `counts_only` part) to the entry of its bucket (inside the
    caller's transaction)."""
    conn.execute(CREATE)
    old = handed(conn, counts.start, counts.span_s)
    total = counts_only(counts)
    for name in COUNT_FIELDS:
        setattr(total, name, getattr(total, name) + getattr(old, name))
    total.dwell_hist = [a + b for a, b in zip(total.dwell_hist, old.dwell_hist, strict=True)]
    conn.execute("INSERT OR REPLACE INTO fleet_ledger (start, counts) VALUES (?, ?)",
                 (counts.start, _dump(total)))


def mark(conn: sqlite3.Connection, start: float) -> None:
    """Leave an entry for the bucket at `start` (a run began in it), keeping its counts."""
    conn.execute(CREATE)
    conn.execute("INSERT OR IGNORE INTO fleet_ledger (start, counts) VALUES (?, ?)",
                 (start, _dump(BucketStats(start, 0.0))))


def handed(conn: sqlite3.Connection, start: float, span_s: float = 0.0) -> BucketStats:
    """The counts queued for the bucket at `start` (all zero when none were)."""
    conn.execute(CREATE)
    row = conn.execute("SELECT counts FROM fleet_ledger WHERE start = ?", (start,)).fetchone()
    return BucketStats(start, span_s) if row is None else _load(start, span_s, str(row[0]))


def last_start(conn: sqlite3.Connection) -> float | None:
    """The newest bucket with an entry: where the previous run was last seen (None for
    a new ledger)."""
    conn.execute(CREATE)
    row = conn.execute("SELECT MAX(start) FROM fleet_ledger").fetchone()
    return None if row is None or row[0] is None else float(row[0])


def prune(conn: sqlite3.Connection, before: float) -> int:
    """Drop entries of buckets older than `before` (CloudWatch takes nothing older)."""
    conn.execute(CREATE)
    return int(conn.execute("DELETE FROM fleet_ledger WHERE start < ?", (before,)).rowcount)


def unsent(stored: BucketStats, queued: BucketStats) -> BucketStats:
    """The counts of `stored` (the analytics store's row) not yet in `queued` (the
    ledger's), never below zero (a bucket the store failed to write was still queued)."""
    out = counts_only(stored)
    for name in COUNT_FIELDS:
        setattr(out, name, max(0, getattr(stored, name) - getattr(queued, name)))
    out.dwell_hist = [max(0, a - b) for a, b in zip(stored.dwell_hist, queued.dwell_hist,
                                                     strict=True)]
    return out
