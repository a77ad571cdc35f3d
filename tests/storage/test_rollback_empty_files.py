"""`kiosk-admin` on store files that hold nothing: `touch events.sqlite3
analytics.sqlite3 metrics.sqlite3`, or a database with no table (version 0).

Before, on 0-byte files, `events downgrade` and `fleet downgrade` failed with a raw
`no such table: records` (exit 1), `analytics downgrade` said `… is version 0 already:
nothing to do` (exit 0), and all three wrote a 4096-byte header into the file; `report`
died with a traceback (`no such table: buckets`); `events flush` and the `retry-dead`
commands set a queue up in it. Now the three downgrades say `… is empty (0 bytes):
nothing to roll back` (exit 0), the other commands say the file is empty (exit 1), and
every file is left exactly as it was, with no `-wal` or `-shm` beside it."""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from kiosk.admin import events_cmds, fleet_cmds, report_cmds
from kiosk.config import load_settings
from kiosk.fleet.publisher import open_metrics_queue
from tests.admin_run import run_admin

FILES = ("events.sqlite3", "analytics.sqlite3", "metrics.sqlite3")
ON = {"fleet.enabled": "true", "analytics.enabled": "true"}




def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


@pytest.fixture
def touched(tmp_path: Path) -> Path:
    for name in FILES:
        (tmp_path / name).touch()
    return tmp_path


DOWNGRADES = [(events_cmds, ["events", "downgrade"], "the event queue", FILES[0]),
              (fleet_cmds, ["fleet", "downgrade"], "the metrics queue", FILES[2]),
              (report_cmds, ["analytics", "downgrade"], "the analytics database", FILES[1])]


@pytest.mark.parametrize(("module", "argv", "what", "name"), DOWNGRADES)
def test_a_downgrade_of_a_0_byte_file_has_nothing_to_roll_back_and_leaves_it(
    touched: Path, capsys: pytest.CaptureFixture[str],
    module: Any, argv: list[str], what: str, name: str,
) -> None:
    assert run_admin(module, argv, touched, **ON) == 0
    captured = capsys.readouterr()
    assert captured.out.strip() == (f"{what} {touched / name} is empty (0 bytes): nothing "
                                    "to roll back")
    assert not captured.err
    assert _snapshot(touched) == {name: b"" for name in FILES}  # no write, no -wal/-shm


READERS = [(events_cmds, ["events", "status"], FILES[0]),
           (events_cmds, ["events", "export", "-"], FILES[0]),
           (events_cmds, ["events", "flush"], FILES[0]),
           (events_cmds, ["events", "retry-dead"], FILES[0]),
           (fleet_cmds, ["fleet", "queue"], FILES[2]),
           (fleet_cmds, ["fleet", "retry-dead"], FILES[2]),
           (report_cmds, ["report"], FILES[1]),
           (report_cmds, ["report", "--json"], FILES[1])]


@pytest.mark.parametrize(("module", "argv", "name"), READERS)
def test_other_commands_say_a_0_byte_file_is_empty_and_leave_it(
    touched: Path, capsys: pytest.CaptureFixture[str],
    module: Any, argv: list[str], name: str,
) -> None:
    assert run_admin(module, argv, touched, **ON) == 1
    err = capsys.readouterr().err
    assert f"{touched / name} is empty (0 bytes): nothing" in err
    assert "the kiosk sets it up at its next start" in err
    assert _snapshot(touched) == {name: b"" for name in FILES}


def test_a_database_with_no_table_has_nothing_to_roll_back_or_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    """What the old downgrades left of a 0-byte file: a 4096-byte header in WAL mode,
    version 0, no table. Before: `no such table: records` (exit 1) from the queues'
    downgrades, a traceback from `report`."""
    for name in FILES:
        with contextlib.closing(sqlite3.connect(tmp_path / name)) as conn:
            conn.execute("PRAGMA journal_mode=WAL")
    before = _snapshot(tmp_path)
    for module, argv, what, name in DOWNGRADES:
        assert run_admin(module, argv, tmp_path, **ON) == 0
        captured = capsys.readouterr()
        assert captured.out.strip() == (f"{what} {tmp_path / name} has no tables "
                                        "(version 0): nothing to roll back")
        assert not captured.err
    assert _snapshot(tmp_path) == before
    assert run_admin(report_cmds, ["report"], tmp_path, **ON) == 1
    assert ("has no tables (version 0): nothing recorded yet"
            in capsys.readouterr().err)


def test_the_three_say_the_same_without_a_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    """Before, only `events downgrade` said the kiosk creates the file at its first
    start, and only the fleet's said "(fleet is off)"."""
    for module, argv, what, name in DOWNGRADES:
        kind = what.removeprefix("the ")
        assert run_admin(module, argv, tmp_path, **ON) == 0
        assert capsys.readouterr().out.strip() == (
            f"no {kind} at {tmp_path / name}: nothing to roll back (the kiosk creates it "
            "at its first start)")
    off = {"fleet.enabled": "false", "analytics.enabled": "false"}
    for module, argv, section in ((fleet_cmds, ["fleet", "downgrade"], "fleet"),
                                  (report_cmds, ["analytics", "downgrade"], "analytics")):
        assert run_admin(module, argv, tmp_path, **off) == 0
        assert capsys.readouterr().out.strip().endswith(
            f": nothing to roll back (the kiosk keeps none: [{section}] enabled = false in "
            "these settings)")
    assert sorted(tmp_path.iterdir()) == []


def test_fleet_downgrade_while_in_use_names_the_fleet_commands(
    tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    """Before, the refusal named `kiosk-admin events flush`, which never opens
    metrics.sqlite3."""
    settings = load_settings(overrides={"app.data_dir": str(tmp_path), **ON})
    with open_metrics_queue(settings):  # the kiosk's connection, held open
        assert run_admin(fleet_cmds, ["fleet", "downgrade"], tmp_path, **ON) == 1
    err = capsys.readouterr().err
    assert "in use by another process (the kiosk, or kiosk-admin fleet queue / retry-dead)" in err
    assert "events flush" not in err
