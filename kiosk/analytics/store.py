"""The analytics database: closed buckets and k-anonymous mixes in SQLite (WAL).

Tables (opened by `kiosk.storage.sqlite`; schema version in `PRAGMA user_version`,
1: the two tables, 2: `buckets.uploads_failing`, 3: `mix_pending`):
- `buckets`: one row per closed bucket, keyed by its start (epoch seconds); the
  numbers of `BucketStats` (dwell as a histogram, camera seconds per state as JSON).
  A bucket written twice (two processes, a restart within one bucket) adds up.
- `mix`: emotion mix, pages and likes by emotion and liked items over `[start, end)`,
  written only when it covers at least k visits (the recorder enforces it; the store
  refuses smaller ones too, so no code path can write one).
- `mix_pending`: at most one row, the mix the recorder holds and has not written yet
  (the open bucket's and any carried below k), as its last early write left it, so a
  crash does not lose it: the next start takes it over (`take_pending`). No report
  reads its figures, only its visits ("waiting for k"). It is replaced in the same
  transaction that writes a mix out of it, so nothing is counted twice.

Only the analytics thread writes; `kiosk-admin report` and the admin panel's
Audience view read through their own connections.
"""

from __future__ import annotations

import contextlib
import enum
import json
import logging
import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from kiosk.analytics.bucket import BucketStats, Mix, merge_histograms
from kiosk.errors import KioskError
from kiosk.storage.sqlite import Schema, connect, immediate, open_store, user_version

log = logging.getLogger(__name__)

_V1 = """
CREATE TABLE IF NOT EXISTS buckets (
    start REAL PRIMARY KEY, span_s REAL NOT NULL,
    visits INTEGER NOT NULL, engaged INTEGER NOT NULL,
    dwell_hist TEXT NOT NULL, dwell_sum_s REAL NOT NULL,
    pages INTEGER NOT NULL, likes INTEGER NOT NULL, mood_picks INTEGER NOT NULL,
    consent_yes INTEGER NOT NULL, consent_no INTEGER NOT NULL,
    camera_s TEXT NOT NULL, fps_mean REAL, vision_p95_ms REAL,
    queue_depth INTEGER, queue_delta INTEGER NOT NULL, dead_letters INTEGER,
    disk_free_mb REAL, crashes INTEGER NOT NULL, restarts INTEGER NOT NULL,
    suppressed_visits INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS mix (
    start REAL NOT NULL, end REAL NOT NULL, visits INTEGER NOT NULL,
    emotions TEXT NOT NULL, pages_by_emotion TEXT NOT NULL,
    likes_by_emotion TEXT NOT NULL, items TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS mix_by_start ON mix (start);
"""
_V2 = "ALTER TABLE buckets ADD COLUMN uploads_failing INTEGER NOT NULL DEFAULT 0"
_V3 = """
CREATE TABLE IF NOT EXISTS mix_pending (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    start REAL NOT NULL, end REAL NOT NULL, visits INTEGER NOT NULL,
    emotions TEXT NOT NULL, pages_by_emotion TEXT NOT NULL,
    likes_by_emotion TEXT NOT NULL, items TEXT NOT NULL
);
"""
SCHEMA = Schema("the analytics database", (_V1, _V2, _V3),
                remedy="move the file aside (the kiosk then starts an empty one)")
# what the retention purge deletes: (table, rows older than the cutoff)
_OLDER = (("buckets", "start < ?"), ("mix", "end <= ?"), ("mix_pending", "end <= ?"))
_BUCKET_COLS = (
    "start", "span_s", "visits", "engaged", "dwell_hist", "dwell_sum_s", "pages", "likes",
    "mood_picks", "consent_yes", "consent_no", "camera_s", "fps_mean", "vision_p95_ms",
    "queue_depth", "queue_delta", "dead_letters", "disk_free_mb", "crashes", "restarts",
    "suppressed_visits", "uploads_failing",
)


class Keep(enum.Enum):
    """`AnalyticsStore.write(pending=KEEP)`: leave the pending mix as it is."""

    KEEP = "keep"


KEEP = Keep.KEEP


class AnalyticsError(KioskError):
    """The analytics database cannot be opened or written; the message says what to do."""


def _has_buckets(conn: sqlite3.Connection) -> bool:
    """Whether the file has the `buckets` table (a version-0 file of older code does)."""
    try:
        return conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND "
                            "name = 'buckets'").fetchone() is not None
    except sqlite3.Error:
        return True  # the reads themselves name the problem


class AnalyticsStore:
    """Read and write buckets and mixes in `path`; one connection per thread.

    `read_only=True` (a report): the file is opened read-only at its own version, never
    created or upgraded, so a file rolled back for an older kiosk stays rolled back;
    version 2 has no pending mix (read as none), version 1 no `uploads_failing` (0)."""

    def __init__(self, path: str | Path, k: int = 5, *, read_only: bool = False) -> None:
        self.path = Path(path).expanduser()
        self.k = int(k)
        self.read_only = read_only
        self._local = threading.local()
        self._lock = threading.Lock()
        self._conns: list[sqlite3.Connection] = []
        self.version = SCHEMA.version
        if read_only:
            try:
                conn = open_store(self.path, SCHEMA, read_only=True)
                self.version = user_version(conn)
            except KioskError as exc:  # missing, newer, damaged
                raise AnalyticsError(str(exc)) from exc
            if self.version == 0 and not _has_buckets(conn):  # nothing to read
                conn.close()
                raise AnalyticsError(
                    f"{SCHEMA.what} {self.path} has no tables (version 0): nothing recorded "
                    "yet; the kiosk sets it up at its next start")
            self._keep(conn)
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise AnalyticsError(f"cannot create the folder of {self.path}: {exc.strerror}; "
                                 "check analytics.db_path / app.data_dir") from None
        try:
            conn = open_store(self.path, SCHEMA, synchronous="NORMAL")
        except KioskError as exc:  # StoreError (newer, damaged, read-only), DiskFullError
            raise AnalyticsError(str(exc)) from exc
        self._keep(conn)

    def _conn(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is not None:
            return conn
        try:
            conn = connect(self.path, SCHEMA.what, read_only=self.read_only,
                           synchronous="NORMAL")
        except KioskError as exc:
            raise AnalyticsError(str(exc)) from None
        self._keep(conn)
        return conn

    def _keep(self, conn: sqlite3.Connection) -> None:
        """`conn` is this thread's connection, closed by `close`."""
        with self._lock:
            self._conns.append(conn)
        self._local.conn = conn

    @contextlib.contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        conn = self._conn()
        try:
            with immediate(conn):
                yield conn
        except sqlite3.Error as exc:
            raise AnalyticsError(f"analytics database {self.path}: {exc}") from exc

    def close(self) -> None:
        with self._lock:
            conns, self._conns = self._conns, []
        for conn in conns:
            with contextlib.suppress(sqlite3.Error):
                conn.close()
        self._local = threading.local()

    # ------------------------------------------------------------------ writing

    def write(self, bucket: BucketStats, mix: Mix | None = None,
              pending: Mix | Keep | None = KEEP) -> None:
        """Commit a closed bucket (added to any row already there for its start) and,
        when it covers at least k visits, a mix; `pending` (None: none) replaces the
        pending mix in the same transaction (default: left as it is). Raises
        AnalyticsError."""
        self.write_many([(bucket, mix)], pending)

    def write_many(self, rows: list[tuple[BucketStats, Mix | None]],
                   pending: Mix | Keep | None = KEEP) -> None:
        """`write` of several buckets and `pending` in one transaction."""
        for _bucket, mix in rows:
            if mix is not None and mix.visits < self.k:
                raise ValueError(f"a mix of {mix.visits} visits is below k={self.k}")
        with self._tx() as conn:
            for bucket, mix in rows:
                _write_bucket(conn, bucket)
                if mix is not None and not mix.empty:
                    _insert_mix(conn, "mix", mix)
            if not isinstance(pending, Keep):
                conn.execute("DELETE FROM mix_pending")
                if pending is not None and not pending.empty:
                    _insert_mix(conn, "mix_pending (id, start, end, visits, emotions,"
                                " pages_by_emotion, likes_by_emotion, items)", pending, row_id=1)

    def set_pending(self, pending: Mix | None) -> None:
        """Replace the pending mix (None: none). Raises AnalyticsError."""
        self.write_many([], pending)

    def pending(self) -> Mix | None:
        """The pending mix (what a recorder holds below k or in its open bucket, as its
        last early write left it), or None (always for a version-2 file)."""
        if self.version < 3:  # read-only, as it is: no `mix_pending` table yet
            return None
        row = self._conn().execute(
            "SELECT start, end, visits, emotions, pages_by_emotion, likes_by_emotion, items"
            " FROM mix_pending").fetchone()
        return None if row is None else _mix(row)

    def take_pending(self) -> Mix | None:
        """At a start: the pending mix a previous run (killed before it wrote it) left.
        One of at least k visits is written out as a mix now, and None returned;
        a smaller one is returned and stays until the recorder replaces it (its next
        early write or close), so a second crash before then does not lose it either."""
        with self._tx() as conn:
            mix = settle_pending(conn, self.k)
        if mix is None or mix.visits < self.k:
            return mix
        log.info("analytics: the mix of %d visits a stopped run left is written", mix.visits)
        return None

    def purge(self, retention_days: float, now: float | None = None) -> int:
        """Delete buckets and mixes older than the retention at `now` (default: the wall
        clock; the recorder passes the time it can confirm, `kiosk.wallclock`); returns
        rows deleted."""
        cutoff = (time.time() if now is None else now) - retention_days * 86400.0
        with self._tx() as conn:
            n = sum(conn.execute(f"DELETE FROM {table} WHERE {where}", (cutoff,)).rowcount
                    for table, where in _OLDER)
        if n:
            log.info("analytics: %d rows older than %.0f days deleted", n, retention_days)
        return int(n)

    def count_older(self, retention_days: float, now: float) -> int:
        """How many rows `purge(retention_days, now)` would delete."""
        cutoff = now - retention_days * 86400.0
        conn = self._conn()
        try:
            return sum(int(conn.execute(f"SELECT COUNT(*) FROM {table} WHERE {where}",
                                        (cutoff,)).fetchone()[0]) for table, where in _OLDER)
        except sqlite3.Error as exc:
            raise AnalyticsError(f"analytics database {self.path}: {exc}") from exc

    def newest_end(self, before: float) -> float | None:
        """The end of the newest bucket that starts before `before` (None: none): what a
        stopped run wrote last, when `before` is this run's first bucket."""
        try:
            row = self._conn().execute("SELECT MAX(start + span_s) FROM buckets WHERE start < ?",
                                       (before,)).fetchone()
        except sqlite3.Error as exc:
            raise AnalyticsError(f"analytics database {self.path}: {exc}") from exc
        return None if row is None or row[0] is None else float(row[0])

    # ------------------------------------------------------------------ reading

    def buckets(self, since: float = 0.0, until: float | None = None) -> list[BucketStats]:
        """Buckets starting in `[since, until)`, oldest first."""
        cols = _BUCKET_COLS if self.version >= 2 else (*_BUCKET_COLS[:-1], "0")
        rows = self._conn().execute(
            f"SELECT {', '.join(cols)} FROM buckets WHERE start >= ? AND start < ?"
            " ORDER BY start", (since, until if until is not None else float("inf")),
        ).fetchall()
        return [_from_row(r) for r in rows]

    def mixes(self, since: float = 0.0, until: float | None = None) -> list[Mix]:
        """Mixes that end after `since` and start before `until`, oldest first."""
        rows = self._conn().execute(
            "SELECT start, end, visits, emotions, pages_by_emotion, likes_by_emotion, items"
            " FROM mix WHERE end > ? AND start < ? ORDER BY start",
            (since, until if until is not None else float("inf")),
        ).fetchall()
        return [_mix(r) for r in rows]


# ---------------------------------------------------------------------- rows


def settle_pending(conn: sqlite3.Connection, k: int) -> Mix | None:
    """Inside a transaction on `conn`: the pending mix (None: none); one of at least
    `k` visits is written out as a mix and its row deleted, as a start does
    (`AnalyticsStore.take_pending`, `kiosk.analytics.downgrade`)."""
    row = conn.execute(
        "SELECT start, end, visits, emotions, pages_by_emotion, likes_by_emotion, items"
        " FROM mix_pending").fetchone()
    if row is None:
        return None
    mix = _mix(row)
    if mix.visits >= k:
        _insert_mix(conn, "mix", mix)
        conn.execute("DELETE FROM mix_pending")
    return mix


def _write_bucket(conn: sqlite3.Connection, bucket: BucketStats) -> None:
    old = conn.execute(
        f"SELECT {', '.join(_BUCKET_COLS)} FROM buckets WHERE start = ?", (bucket.start,)
    ).fetchone()
    merged = _merge(_from_row(old), bucket) if old else bucket
    conn.execute(
        f"INSERT OR REPLACE INTO buckets ({', '.join(_BUCKET_COLS)})"
        f" VALUES ({', '.join('?' * len(_BUCKET_COLS))})", _to_row(merged),
    )


def _insert_mix(conn: sqlite3.Connection, table: str, mix: Mix, row_id: int | None = None) -> None:
    values: tuple[Any, ...] = (mix.start, mix.end, mix.visits, _j(mix.emotions),
                               _j(mix.pages_by_emotion), _j(mix.likes_by_emotion), _j(mix.items))
    if row_id is not None:
        values = (row_id, *values)
    conn.execute(f"INSERT INTO {table} VALUES ({', '.join('?' * len(values))})", values)


def _mix(r: Any) -> Mix:
    return Mix(float(r[0]), float(r[1]), int(r[2]), json.loads(r[3]), json.loads(r[4]),
               json.loads(r[5]), json.loads(r[6]))


def _j(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), sort_keys=True)


def _to_row(b: BucketStats) -> tuple[Any, ...]:
    return (
        b.start, b.span_s, b.visits, b.engaged, _j(b.dwell_hist), b.dwell_sum_s, b.pages,
        b.likes, b.mood_picks, b.consent_yes, b.consent_no, _j(b.camera_s), b.fps_mean,
        b.vision_p95_ms, b.queue_depth, b.queue_delta, b.dead_letters, b.disk_free_mb,
        b.crashes, b.restarts, b.suppressed_visits, b.uploads_failing,
    )


def _from_row(r: Any) -> BucketStats:
    return BucketStats(
        start=float(r[0]), span_s=float(r[1]), visits=int(r[2]), engaged=int(r[3]),
        dwell_hist=merge_histograms([json.loads(r[4])]), dwell_sum_s=float(r[5]),
        pages=int(r[6]), likes=int(r[7]), mood_picks=int(r[8]), consent_yes=int(r[9]),
        consent_no=int(r[10]), camera_s={k: float(v) for k, v in json.loads(r[11]).items()},
        fps_mean=r[12], vision_p95_ms=r[13], queue_depth=r[14], queue_delta=int(r[15]),
        dead_letters=r[16], disk_free_mb=r[17], crashes=int(r[18]), restarts=int(r[19]),
        suppressed_visits=int(r[20]), uploads_failing=int(r[21]),
    )


def _merge(a: BucketStats, b: BucketStats) -> BucketStats:
    """Two partial rows of the same bucket (a restart within it): counts add, gauges
    keep the worse (latency, lowest disk) or the later value."""
    camera = dict(a.camera_s)
    for k, v in b.camera_s.items():
        camera[k] = camera.get(k, 0.0) + v
    return BucketStats(
        start=a.start, span_s=max(a.span_s, b.span_s), visits=a.visits + b.visits,
        engaged=a.engaged + b.engaged, dwell_hist=merge_histograms([a.dwell_hist, b.dwell_hist]),
        dwell_sum_s=a.dwell_sum_s + b.dwell_sum_s, pages=a.pages + b.pages,
        likes=a.likes + b.likes, mood_picks=a.mood_picks + b.mood_picks,
        consent_yes=a.consent_yes + b.consent_yes, consent_no=a.consent_no + b.consent_no,
        camera_s=camera, fps_mean=b.fps_mean if b.fps_mean is not None else a.fps_mean,
        vision_p95_ms=_max(a.vision_p95_ms, b.vision_p95_ms),
        queue_depth=_max(a.queue_depth, b.queue_depth), queue_delta=a.queue_delta + b.queue_delta,
        dead_letters=b.dead_letters if b.dead_letters is not None else a.dead_letters,
        disk_free_mb=_min(a.disk_free_mb, b.disk_free_mb), crashes=a.crashes + b.crashes,
        restarts=a.restarts + b.restarts,
        suppressed_visits=a.suppressed_visits + b.suppressed_visits,
        uploads_failing=a.uploads_failing + b.uploads_failing,
    )


def _max(a: Any, b: Any) -> Any:
    return b if a is None else a if b is None else max(a, b)


def _min(a: Any, b: Any) -> Any:
    return b if a is None else a if b is None else min(a, b)
