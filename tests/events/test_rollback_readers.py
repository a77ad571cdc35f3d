"""After `kiosk-admin events|fleet downgrade`, the commands that only read the queue
(`events status`, `events export`, `fleet queue`) leave it at the version the older
kiosk knows: they open it read-only and never upgrade it. Before, `events status`
put a rolled-back queue back to version 4 and the older kiosk refused it for the
whole run (no like saved)."""

from __future__ import annotations

import contextlib
import json
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from kiosk.admin import events_cmds, fleet_cmds
from kiosk.config import load_settings
from kiosk.domain import Emotion, Like
from kiosk.events.queue import EventQueue
from kiosk.events.schema import LATEST
from kiosk.fleet.publisher import open_metrics_queue
from tests.admin_run import run_admin


def _version(path: Path) -> int:
    with contextlib.closing(sqlite3.connect(path)) as conn:
        return int(conn.execute("PRAGMA user_version").fetchone()[0])




@pytest.fixture
def rolled_back(db_path: Path, new_like: Callable[..., Like],
                capsys: pytest.CaptureFixture[str]) -> Path:
    """The data folder of a kiosk whose event queue `events downgrade` took to 3."""
    with EventQueue(db_path) as q:
        rows = [q.record_like(new_like()) for _ in range(3)]
        q.record_user("user-1", Emotion.HAPPY)
        q.dead_letter(rows[:1], "InvalidInputException", "bad item")
    assert _version(db_path) == LATEST == 4
    assert run_admin(events_cmds, ["events", "downgrade"], db_path.parent) == 0
    assert "version 4 -> 3" in capsys.readouterr().out
    assert _version(db_path) == 3
    return db_path.parent


def test_events_status_reads_a_rolled_back_queue_without_upgrading_it(
    rolled_back: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    assert run_admin(events_cmds, ["events", "status"], rolled_back) == 0
    status = json.loads(capsys.readouterr().out)
    assert (status["schema_version"], status["pending"], status["dead"]) == (3, 3, 1)
    assert status["read_only"] is None  # not "the folder cannot be written"
    assert status["uploader_state"] is None  # version 3 has no uploader table
    assert _version(rolled_back / "events.sqlite3") == 3


def test_events_export_reads_a_rolled_back_queue_without_upgrading_it(
    rolled_back: Path, tmp_path: Path,
) -> None:
    out = tmp_path / "export.jsonl"
    assert run_admin(events_cmds, ["events", "export", "--pending", str(out)], rolled_back) == 0
    assert len(out.read_text(encoding="utf-8").splitlines()) == 4
    assert _version(rolled_back / "events.sqlite3") == 3


def test_a_writing_command_still_upgrades_and_a_too_old_file_is_named(
    rolled_back: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    path = rolled_back / "events.sqlite3"
    assert run_admin(events_cmds, ["events", "retry-dead"], rolled_back) == 0
    assert _version(path) == 4  # retry-dead writes: it may upgrade
    with contextlib.closing(sqlite3.connect(path)) as conn:
        conn.execute("PRAGMA user_version = 2")
    assert run_admin(events_cmds, ["events", "status"], rolled_back) == 1
    assert "is version 2; this command reads versions 3 to 4" in capsys.readouterr().err
    assert _version(path) == 2


def test_status_reads_a_queue_the_kiosk_has_open(
    db_path: Path, new_like: Callable[..., Like], capsys: pytest.CaptureFixture[str],
) -> None:
    with EventQueue(db_path) as kiosk:
        kiosk.record_like(new_like())
        assert run_admin(events_cmds, ["events", "status"], db_path.parent) == 0
        assert json.loads(capsys.readouterr().out)["pending"] == 1
        kiosk.record_like(new_like())  # the kiosk still writes after it
        assert kiosk.refresh_counts().pending_total == 2


def test_fleet_queue_reads_a_rolled_back_metrics_queue_without_upgrading_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    on = {"fleet.enabled": "true"}
    open_metrics_queue(load_settings(overrides={"app.data_dir": str(tmp_path), **on})).close()
    metrics = tmp_path / "metrics.sqlite3"
    assert run_admin(fleet_cmds, ["fleet", "downgrade"], tmp_path, **on) == 0
    assert _version(metrics) == 3
    capsys.readouterr()
    assert run_admin(fleet_cmds, ["fleet", "queue"], tmp_path, **on) == 0
    assert json.loads(capsys.readouterr().out)["schema_version"] == 3
    assert _version(metrics) == 3


def test_fleet_downgrade_without_a_metrics_queue_has_nothing_to_roll_back(
    tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    """Fleet off, so no metrics.sqlite3: the rollback steps go on (exit 0), instead of
    "does not exist; check --data-dir" (exit 1)."""
    off = {"fleet.enabled": "false"}
    assert run_admin(fleet_cmds, ["fleet", "downgrade"], tmp_path, **off) == 0
    out = capsys.readouterr().out
    assert "no metrics queue" in out and ("nothing to roll back (the kiosk keeps none: "
                                          "[fleet] enabled = false in these settings)") in out
    assert not (tmp_path / "metrics.sqlite3").exists()
    missing = tmp_path / "no-such-folder"
    assert run_admin(fleet_cmds, ["fleet", "downgrade"], missing) == 1
    assert f"the data folder {missing} does not exist" in capsys.readouterr().err


def test_events_downgrade_without_a_queue_has_nothing_to_roll_back(
    tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    """A data folder with no events.sqlite3 (a kiosk never started there): like `fleet
    downgrade` and `analytics downgrade`, exit 0 and say so, instead of "does not exist;
    check --data-dir" (exit 1) that stopped the README's rollback steps."""
    assert run_admin(events_cmds, ["events", "downgrade"], tmp_path) == 0
    captured = capsys.readouterr()
    assert f"no event queue at {tmp_path / 'events.sqlite3'}" in captured.out
    assert "nothing to roll back" in captured.out and not captured.err
    assert not (tmp_path / "events.sqlite3").exists()
    missing = tmp_path / "no-such-folder"
    assert run_admin(events_cmds, ["events", "downgrade"], missing) == 1
    assert f"the data folder {missing} does not exist" in capsys.readouterr().err


def test_the_self_test_checks_a_rolled_back_queue_without_upgrading_it(
    rolled_back: Path,
) -> None:
    from kiosk.selftest import check_events_db

    check = check_events_db(load_settings(overrides={"app.data_dir": str(rolled_back)}))
    assert check.status == "WARN" and "3 pending, 1 dead letters" in check.detail
    assert _version(rolled_back / "events.sqlite3") == 3
