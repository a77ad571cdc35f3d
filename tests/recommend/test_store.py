"""The recommender's SQLite store: versioned schema, files written before versioning,
files it must not touch."""

from __future__ import annotations

import logging
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from kiosk.domain import Emotion
from kiosk.recommend.embedded import EmbeddedRecommender
from kiosk.recommend.store import SCHEMA, RecommenderStore

# Written by the recommender before its schema was versioned (user_version 0):
# angry/001 and angry/002 liked together by user u7, angry/003 passed over,
# happy/004 liked by an anonymous visitor.
UNVERSIONED = Path(__file__).parent / "data" / "recommender-unversioned.sqlite3"
A, B, C = "emotions/angry/001.jpg", "emotions/angry/002.jpg", "emotions/angry/003.jpg"
D = "emotions/happy/004.jpg"


@pytest.fixture
def world(synthetic_items: Any) -> Any:
    return synthetic_items(per_emotion=12, clusters=2, seed=1)


def open_at(world: Any, path: Path) -> EmbeddedRecommender:
    items, feats, _ = world
    rec = EmbeddedRecommender(path, seed=3)
    rec.set_catalog(items, feats)
    return rec


def version(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute("PRAGMA user_version").fetchone()[0])
    finally:
        conn.close()


def test_a_file_from_before_versioning_opens_with_its_counts(world: Any, tmp_path: Path) -> None:
    path = tmp_path / "recommender.sqlite3"
    shutil.copy(UNVERSIONED, path)
    assert version(path) == 0
    rec = open_at(world, path)
    try:
        assert rec.read_only == ""
        assert rec.stats(A, Emotion.ANGRY) == (1, 1)
        assert rec.stats(C, Emotion.ANGRY) == (0, 1)
        assert rec.stats(D, Emotion.HAPPY) == (1, 1)
        assert rec.colikes(A, B) == 1
        assert rec._user_history("u7") == [A, B]
        # ...and keeps counting on top of them.
        rec.record_impression("v", Emotion.ANGRY, [C])
        rec.record_like("v", Emotion.ANGRY, C, user_id="u7")
    finally:
        rec.close()
    assert version(path) == SCHEMA.version
    again = open_at(world, path)
    try:
        assert again.stats(C, Emotion.ANGRY) == (1, 2)
        assert again._user_history("u7") == [A, B, C]
    finally:
        again.close()


def test_a_file_from_a_newer_kiosk_is_left_alone(world: Any, tmp_path: Path) -> None:
    path = tmp_path / "recommender.sqlite3"
    shutil.copy(UNVERSIONED, path)
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA.version + 1}")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    rec = open_at(world, path)
    try:
        assert "newer than this kiosk" in rec.read_only and str(path) in rec.read_only
        assert rec.stats(A, Emotion.ANGRY) == (0, 0)  # learns in memory meanwhile
        rec.record_impression("v", Emotion.ANGRY, [A])
        rec.record_like("v", Emotion.ANGRY, A)
        assert rec.stats(A, Emotion.ANGRY) == (1, 1)
    finally:
        rec.close()
    assert path.read_bytes() == before


def test_a_damaged_file_is_named_and_not_overwritten(world: Any, tmp_path: Path) -> None:
    path = tmp_path / "recommender.sqlite3"
    path.write_bytes(b"not a database at all" * 100)
    rec = open_at(world, path)
    try:
        assert "not a SQLite database" in rec.read_only and "move the file aside" in rec.read_only
        assert len(rec.page("v", Emotion.HAPPY).items) == 3
    finally:
        rec.close()
    assert path.read_bytes() == b"not a database at all" * 100


class _FullDisk:
    """A connection whose writes fail as SQLite's do on a full disk."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db, self.full = db, True

    def __enter__(self) -> _FullDisk:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def executemany(self, sql: str, rows: object) -> object:
        if self.full:
            raise sqlite3.OperationalError("database or disk is full")
        with self.db:
            return self.db.executemany(sql, rows)  # type: ignore[arg-type]


def test_a_full_disk_is_said_once_naming_the_file_until_counts_save_again(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    # tester round 21: an ERROR every 20-30 s while the disk stayed full, naming no file
    path = tmp_path / "recommender.sqlite3"
    store = RecommenderStore(path)
    full = _FullDisk(store._db)
    store._db = full  # type: ignore[assignment]
    with caplog.at_level(logging.DEBUG, logger="kiosk.recommend.store"):
        for _ in range(5):
            store.add_stats("emotions/happy/a.jpg", "happy", (1, 1, 0, 0))
            store.flush()
        errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
        assert len(errors) == 1 and str(path) in errors[0] and "disk is full" in errors[0]
        assert store.pending > 0  # kept in memory
        full.full = False
        store.flush()
    assert store.pending == 0
    assert any("saved to" in r.getMessage() and "again" in r.getMessage()
               for r in caplog.records if r.levelno == logging.INFO)
    store._db = full.db
    assert store.stats("emotions/happy/a.jpg", "happy") == (5, 5)
    store.close()
