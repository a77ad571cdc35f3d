"""The analytics database file: files written before `kiosk.storage` keep their rows;
a newer or damaged file is refused with what to do."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from kiosk.analytics.bucket import BucketStats, Mix
from kiosk.analytics.store import AnalyticsError, AnalyticsStore, _to_row
from kiosk.errors import KioskError

T0 = 1_700_000_000.0
# The tables as the store created them before versioned steps (version 1; version 2
# added buckets.uploads_failing with an ALTER TABLE; version 3 the mix_pending table).
_TODAY_V1 = """
CREATE TABLE buckets (
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
CREATE TABLE mix (
    start REAL NOT NULL, end REAL NOT NULL, visits INTEGER NOT NULL,
    emotions TEXT NOT NULL, pages_by_emotion TEXT NOT NULL,
    likes_by_emotion TEXT NOT NULL, items TEXT NOT NULL
);
CREATE INDEX mix_by_start ON mix (start);
"""
BUCKET = BucketStats(T0, 300, visits=6, pages=9, likes=2, camera_s={"LIVE": 300.0},
                     fps_mean=14.5, uploads_failing=0)


def _file(path: Path, version: int) -> None:
    with sqlite3.connect(path) as conn:
        conn.executescript(_TODAY_V1)
        row = _to_row(BUCKET)
        if version >= 2:
            conn.execute("ALTER TABLE buckets ADD COLUMN uploads_failing INTEGER NOT NULL"
                         " DEFAULT 0")
        else:
            row = row[:-1]
        conn.execute(f"INSERT INTO buckets VALUES ({','.join('?' * len(row))})", row)
        conn.execute("INSERT INTO mix VALUES (?, ?, 6, '{\"SAD\": 6}', '{}', '{}', '[]')",
                     (T0, T0 + 300))
        conn.execute(f"PRAGMA user_version = {version}")
    conn.close()


@pytest.mark.parametrize("version", [1, 2])
def test_a_database_written_before_versioned_steps_keeps_its_rows(
    tmp_path: Path, version: int
) -> None:
    path = tmp_path / "analytics.sqlite3"
    _file(path, version)
    store = AnalyticsStore(path, k=5)
    try:
        assert store.buckets() == [BUCKET]
        assert [m.emotions for m in store.mixes()] == [{"SAD": 6}]
        store.write(BucketStats(T0 + 300, 300, visits=5, uploads_failing=2),
                    Mix(T0 + 300, T0 + 600, visits=5, emotions={"HAPPY": 5}))
        assert [b.uploads_failing for b in store.buckets()] == [0, 2]
    finally:
        store.close()
    with sqlite3.connect(path) as check:
        assert check.execute("PRAGMA user_version").fetchone()[0] == 3
        assert check.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    check.close()


def test_a_newer_database_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "analytics.sqlite3"
    _file(path, 2)
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA user_version = 9")
    conn.close()
    before = path.read_bytes()
    with pytest.raises(AnalyticsError, match="version 9, newer than this kiosk") as caught:
        AnalyticsStore(path)
    assert isinstance(caught.value, KioskError)  # every package error is a KioskError
    assert path.read_bytes() == before


def test_a_damaged_database_says_to_move_it_aside(tmp_path: Path) -> None:
    path = tmp_path / "analytics.sqlite3"
    path.write_bytes(b"not sqlite at all " * 300)
    with pytest.raises(AnalyticsError, match=r"not a SQLite database.*move the file aside"):
        AnalyticsStore(path)
