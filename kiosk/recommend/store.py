"""The embedded recommender's write-behind store (`recommender.sqlite3`).

Tables: `stats` (per item × emotion folder: likes, impressions, and the pooled
likes/impressions that fed the look-alike model), `colikes` (sparse, a < b: how
often two items were liked in one visit) and `user_likes` (a recognised user's
likes, for their taste on a later visit; "forget me" deletes them).

The file is opened through `kiosk.storage.sqlite` (WAL, `synchronous=NORMAL`: a
power cut may lose the last flush, never corrupt the file) with a versioned schema
(`SCHEMA`, `PRAGMA user_version`): version 1 is the layout written before the schema
was versioned, so a file from that code (version 0 with its tables) is adopted with
its counts. Further changes go in as new steps.

Counts are added in memory (`add_stats`, `add_colike`, `add_user_like`) and
written in one transaction by `flush`; a failed write keeps them pending and is
retried by the next flush. When the file cannot be opened (full disk, read-only
folder) the store lives in memory until the next start and `read_only` says why; so
does a file on a read-only mount that SQLite opened as writable (an earlier run's
`-wal` and `-shm` left there: `kiosk.storage.sqlite.write_refused`), with its counts.
Not thread-safe on its own: `EmbeddedRecommender` holds one lock around it.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterator, Sequence
from pathlib import Path

from kiosk.errors import KioskError
from kiosk.storage import Schema, migrate, open_store, write_refused

log = logging.getLogger(__name__)

WHAT = "the recommender database"

_V1 = """
CREATE TABLE IF NOT EXISTS stats (
    item_id TEXT NOT NULL,
    emotion TEXT NOT NULL,
    likes INTEGER NOT NULL DEFAULT 0,
    impressions INTEGER NOT NULL DEFAULT 0,
    pooled_likes INTEGER NOT NULL DEFAULT 0,        -- from emotion-mode pages only
    pooled_impressions INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (item_id, emotion)
);
CREATE TABLE IF NOT EXISTS colikes (
    a TEXT NOT NULL,                -- a < b
    b TEXT NOT NULL,
    n INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (a, b)
);
CREATE TABLE IF NOT EXISTS user_likes (
    user_id TEXT NOT NULL,
    item_id TEXT NOT NULL,
    emotion TEXT NOT NULL,
    at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS user_likes_user ON user_likes (user_id, at);
"""

SCHEMA = Schema(WHAT, steps=(_V1,))

StatsRow = tuple[str, str, int, int, int, int]  # item, emotion folder, 4 counts


class RecommenderStore:
    """Per-item counts, co-likes and user likes in SQLite, written behind."""

    def __init__(self, db_path: str | Path = ":memory:"):
        self.read_only = ""  # why the database cannot be written (full disk, read-only)
        self._path = str(db_path)
        self._save_failing = False  # the last flush failed: its ERROR is out (once)
        self._pending_stats: dict[tuple[str, str], list[int]] = {}
        self._pending_colikes: dict[tuple[str, str], int] = {}
        self._pending_users: list[tuple[str, str, str, float]] = []
        if str(db_path) == ":memory:":
            self._db = _memory()
            return
        try:
            self._db = open_store(db_path, SCHEMA, synchronous="NORMAL",
                                  isolation_level="DEFERRED")
        except KioskError as exc:  # full disk, read-only folder, newer or damaged file
            self.read_only = str(exc)
            log.error("%s; learning from likes in memory only until the next start",
                      self.read_only)
            self._db = _memory()
            return
        refused = write_refused(self._db, db_path, WHAT)
        if refused is not None:  # a read-only mount with an earlier run's -wal/-shm
            self.read_only = str(refused)
            log.error("%s; learning from likes in memory only until the next start (the "
                      "counts saved before are kept)", self.read_only)
            self._db = _copy_to_memory(self._db)

    # ------------------------------------------------------------------ reading

    def stats_rows(self) -> Iterator[StatsRow]:
        """Every stored (item, emotion folder, likes, impressions, pooled likes,
        pooled impressions) row (flush first to include pending counts)."""
        for row in self._db.execute(
            "SELECT item_id, emotion, likes, impressions, pooled_likes, pooled_impressions "
            "FROM stats"
        ):
            yield row[0], row[1], int(row[2]), int(row[3]), int(row[4]), int(row[5])

    def colike_rows(self) -> Iterator[tuple[str, str, int]]:
        """Every stored co-like pair (a < b, times liked in one visit)."""
        for a, b, n in self._db.execute("SELECT a, b, n FROM colikes"):
            yield a, b, int(n)

    def like_totals(self) -> dict[str, int]:
        """Stored likes per item over all emotions."""
        return {
            key: int(total or 0)
            for key, total in self._db.execute(
                "SELECT item_id, SUM(likes) FROM stats GROUP BY item_id"
            )
        }

    def stats(self, item_id: str, folder: str) -> tuple[int, int]:
        """(likes, impressions) of one item in one emotion folder, pending included."""
        self.flush()
        row = self._db.execute(
            "SELECT likes, impressions FROM stats WHERE item_id = ? AND emotion = ?",
            (item_id, folder),
        ).fetchone()
        return (int(row[0]), int(row[1])) if row else (0, 0)

    def user_history(self, user_id: str, limit: int) -> list[str]:
        """The user's latest `limit` liked item ids, oldest first, each once."""
        self.flush()
        rows = self._db.execute(
            "SELECT item_id FROM user_likes WHERE user_id = ? ORDER BY at DESC, rowid DESC "
            "LIMIT ?",
            (user_id, limit),
        ).fetchall()
        return list(dict.fromkeys(r[0] for r in reversed(rows)))

    # ------------------------------------------------------------------ writing

    @property
    def pending(self) -> int:
        """Rows waiting for the next flush."""
        return len(self._pending_stats) + len(self._pending_colikes) + len(self._pending_users)

    def add_stats(self, item_id: str, folder: str, counts: Sequence[int]) -> None:
        """Add (likes, impressions, pooled likes, pooled impressions) to an item."""
        pending = self._pending_stats.setdefault((item_id, folder), [0, 0, 0, 0])
        for i, value in enumerate(counts):
            pending[i] += value

    def add_colike(self, a: str, b: str) -> None:
        """One more visit liked both (a < b)."""
        self._pending_colikes[(a, b)] = self._pending_colikes.get((a, b), 0) + 1

    def add_user_like(self, user_id: str, item_id: str, folder: str, at: float) -> None:
        """A recognised user liked an item (at: Unix time, seconds)."""
        self._pending_users.append((user_id, item_id, folder, at))

    def forget_users(self, user_ids: set[str]) -> int:
        """Delete these users' likes, pending and stored; returns the rows deleted."""
        self._pending_users = [row for row in self._pending_users if row[0] not in user_ids]
        marks = ",".join("?" * len(user_ids))
        with self._db:
            deleted = self._db.execute(
                f"DELETE FROM user_likes WHERE user_id IN ({marks})", sorted(user_ids)
            ).rowcount
        return int(deleted)

    def flush(self) -> None:
        """Write the pending counts (one transaction); on failure they stay pending."""
        if not self.pending:
            return
        try:
            with self._db:
                self._db.executemany(
                    """INSERT INTO stats (item_id, emotion, likes, impressions,
                                          pooled_likes, pooled_impressions)
                       VALUES (?, ?, ?, ?, ?, ?)
                       ON CONFLICT (item_id, emotion) DO UPDATE SET
                           likes = likes + excluded.likes,
                           impressions = impressions + excluded.impressions,
                           pooled_likes = pooled_likes + excluded.pooled_likes,
                           pooled_impressions =
                               pooled_impressions + excluded.pooled_impressions""",
                    [(k, e, *v) for (k, e), v in self._pending_stats.items()],
                )
                self._db.executemany(
                    """INSERT INTO colikes (a, b, n) VALUES (?, ?, ?)
                       ON CONFLICT (a, b) DO UPDATE SET n = n + excluded.n""",
                    [(a, b, n) for (a, b), n in self._pending_colikes.items()],
                )
                self._db.executemany(
                    "INSERT INTO user_likes (user_id, item_id, emotion, at) "
                    "VALUES (?, ?, ?, ?)",
                    self._pending_users,
                )
        except sqlite3.Error as exc:
            # once per failing spell (tester round 21: an ERROR every 20-30 s while the
            # disk stayed full, without the file's name); the retries at DEBUG
            log.log(logging.DEBUG if self._save_failing else logging.ERROR,
                    "recommender: cannot save counts to %s: %s (kept in memory and retried "
                    "at each flush; free space on its disk%s)", self._path, exc,
                    "" if self._save_failing else "; said once until it saves again")
            self._save_failing = True
            return
        if self._save_failing:
            self._save_failing = False
            log.info("recommender: counts saved to %s again", self._path)
        self._pending_stats.clear()
        self._pending_colikes.clear()
        self._pending_users.clear()

    def close(self) -> None:
        """Flush and close the connection."""
        self.flush()
        self._db.close()


def _copy_to_memory(source: sqlite3.Connection) -> sqlite3.Connection:
    """An in-memory store holding what `source` holds (empty when it cannot be read);
    `source` is closed."""
    memory = sqlite3.connect(":memory:", check_same_thread=False, isolation_level="DEFERRED")
    try:
        source.backup(memory)
    except sqlite3.Error as exc:
        log.warning("recommender: cannot copy the counts into memory (%s); starting empty", exc)
        memory.close()
        return _memory()
    finally:
        source.close()
    migrate(memory, SCHEMA, ":memory:")
    return memory


def _memory() -> sqlite3.Connection:
    """An in-memory store with the current schema."""
    conn = sqlite3.connect(":memory:", check_same_thread=False, isolation_level="DEFERRED")
    migrate(conn, SCHEMA, ":memory:")
    return conn
