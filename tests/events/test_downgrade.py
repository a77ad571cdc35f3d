"""`kiosk-admin events downgrade` / `fleet downgrade`: a queue upgraded to version 4 is
rewritten for an older kiosk (version 3) keeping every pending record, and only while
no other process has it open."""

from __future__ import annotations

import contextlib
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from kiosk.admin import events_cmds, fleet_cmds
from kiosk.config import load_settings
from kiosk.domain import Emotion, Like
from kiosk.events.downgrade import downgrade
from kiosk.events.errors import EventsError, QueueBusyError, SchemaError
from kiosk.events.queue import EventQueue
from kiosk.events.schema import LATEST, migrate
from kiosk.fleet.publisher import open_metrics_queue
from tests.admin_run import run_admin


def _db(path: Path) -> contextlib.closing[sqlite3.Connection]:
    """A connection closed at the block's end (sqlite3's own `with` only commits)."""
    return contextlib.closing(sqlite3.connect(path, isolation_level=None))


def _rows(path: Path) -> dict[str, list[Any]]:
    with _db(path) as conn:
        return {table: conn.execute(f"SELECT * FROM {table} ORDER BY 1").fetchall()
                for table in ("records", "dead", "counters")}


def _schema(conn: sqlite3.Connection) -> list[tuple[str, str]]:
    return conn.execute("SELECT name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'"
                        " ORDER BY name").fetchall()


def _version(path: Path) -> int:
    with _db(path) as conn:
        return int(conn.execute("PRAGMA user_version").fetchone()[0])


@pytest.fixture
def upgraded(db_path: Path, new_like: Callable[..., Like]) -> Path:
    """A version-4 queue as a kiosk leaves it: pending rows of three kinds, one with a
    stored backoff, a dead letter, totals, the upload lease and a status record."""
    with EventQueue(db_path) as q:
        rows = [q.record_like(new_like()) for _ in range(3)]
        q.record_user("user-1", Emotion.HAPPY)
        q.dead_letter(rows[:1], "InvalidInputException", "bad item")
        q.ack(rows[1:2])
        q.note_attempt(rows[2:], retry_at=time.time() + 60)
        assert q.claim_upload("uploader", "pid 1 on kiosk", 30.0) is None
        q.record_uploader_status("uploader", "pid 1 on kiosk", {"state": "idle"})
    assert _version(db_path) == LATEST == 4
    return db_path


def test_a_version_4_queue_becomes_what_a_version_3_kiosk_creates_keeping_its_rows(
    upgraded: Path, tmp_path: Path,
) -> None:
    """An older kiosk refused the upgraded file for the whole run (likes not saved);
    moving it aside left its pending events unsent. Now it is rewritten for version 3."""
    before = _rows(upgraded)
    assert len(before["records"]) == 2 and len(before["dead"]) == 1

    done = downgrade(upgraded)
    assert (done.found, done.version, done.pending, done.dead) == (4, 3, 2, 1)
    assert _version(upgraded) == 3
    assert _rows(upgraded) == before  # the backoff (attempts, retry_at) and totals too
    fresh = sqlite3.connect(tmp_path / "v3.sqlite3", isolation_level=None)
    migrate(fresh, target=3)
    with _db(upgraded) as conn:
        assert _schema(conn) == _schema(fresh)  # exactly what a version-3 kiosk makes
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    fresh.close()

    with EventQueue(upgraded) as again:  # this kiosk's next start upgrades it again
        assert again.counts().pending_total == 2 and again.counts().dead == 1
    assert _version(upgraded) == 4


def test_it_refuses_while_the_kiosk_has_the_queue_open(upgraded: Path) -> None:
    with EventQueue(upgraded) as running:
        with pytest.raises(QueueBusyError, match="stop the kiosk first"):
            downgrade(upgraded)
        assert running.counts().pending_total == 2  # the kiosk goes on as before
    assert _version(upgraded) == 4
    assert downgrade(upgraded).version == 3  # once it stopped


def test_what_it_will_not_do(upgraded: Path, tmp_path: Path) -> None:
    with pytest.raises(EventsError, match="does not exist; check --data-dir"):
        downgrade(tmp_path / "missing.sqlite3")
    with pytest.raises(EventsError, match="back to version 3 at the oldest"):
        downgrade(upgraded, to=2)
    with _db(upgraded) as conn:
        conn.execute("PRAGMA user_version = 9")
    with pytest.raises(SchemaError, match="version 9, newer than this kiosk"):
        downgrade(upgraded)
    with _db(upgraded) as conn:
        conn.execute("PRAGMA user_version = 3")
    done = downgrade(upgraded)
    assert (done.found, done.version) == (3, 3) and "nothing to do" in done.summary()


def test_a_newer_queue_is_refused_naming_the_downgrade(upgraded: Path) -> None:
    with _db(upgraded) as conn:
        conn.execute("PRAGMA user_version = 5")
    with pytest.raises(SchemaError, match=r"kiosk-admin events downgrade --to 4\)"):
        EventQueue(upgraded)




def test_kiosk_admin_events_and_fleet_downgrade(
    upgraded: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    assert run_admin(events_cmds, ["events", "downgrade"], **{"events.db_path": str(upgraded)}) == 0
    out = capsys.readouterr().out
    assert f"the event queue {upgraded}: version 4 -> 3, 2 pending and 1 dead-lettered" in out

    metrics = tmp_path / "metrics.sqlite3"
    settings = load_settings(overrides={"fleet.db_path": str(metrics)})
    open_metrics_queue(settings).close()
    assert run_admin(fleet_cmds, ["fleet", "downgrade", "--to", "3"],
                  **{"fleet.db_path": str(metrics)}) == 0
    assert "the metrics queue" in capsys.readouterr().out and _version(metrics) == 3

    with _db(metrics) as conn:
        conn.execute("PRAGMA user_version = 5")
    with pytest.raises(SchemaError, match=r"kiosk-admin fleet downgrade --to 4\)"):
        open_metrics_queue(settings)
    assert run_admin(fleet_cmds, ["fleet", "downgrade"], **{"fleet.db_path": str(metrics)}) == 1
    assert "newer than this kiosk" in capsys.readouterr().err
