"""`kiosk-admin analytics downgrade`: an analytics database upgraded to version 3
(`mix_pending`) is rewritten for an older kiosk (version 2), which refused it before
(so a rollback lost the audience analytics), and only while no other process has it
open."""

from __future__ import annotations

import argparse
import contextlib
import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from kiosk.admin import report_cmds
from kiosk.analytics.bucket import BucketStats, Mix
from kiosk.analytics.downgrade import AnalyticsBusyError, downgrade
from kiosk.analytics.store import SCHEMA, AnalyticsError, AnalyticsStore, _to_row
from kiosk.config import load_settings
from kiosk.storage.sqlite import NewerStoreError, Schema, open_store

T0 = 1_700_000_000.0
# what the version-2 build opens its file with (the steps before dbec016 added _V3)
V2 = Schema(SCHEMA.what, SCHEMA.steps[:2], remedy=SCHEMA.remedy)


def _db(path: Path) -> contextlib.closing[sqlite3.Connection]:
    return contextlib.closing(sqlite3.connect(path, isolation_level=None))


def _version(path: Path) -> int:
    with _db(path) as conn:
        return int(conn.execute("PRAGMA user_version").fetchone()[0])


def _schema(path: Path) -> list[tuple[str, str]]:
    with _db(path) as conn:
        return conn.execute("SELECT name, sql FROM sqlite_master WHERE name NOT LIKE "
                            "'sqlite_%' ORDER BY name").fetchall()


def _rows(path: Path) -> dict[str, list[Any]]:
    with _db(path) as conn:
        return {t: conn.execute(f"SELECT * FROM {t} ORDER BY 1").fetchall()
                for t in ("buckets", "mix")}


def _pending(visits: int) -> Mix:
    return Mix(T0 + 300, T0 + 360, visits, {"HAPPY": visits},
               {"HAPPY": 3, "SAD": 1}, {"HAPPY": 2}, {"item-7": 2})


def _v3(path: Path, pending: Mix | None) -> Path:
    """A version-3 store as a kiosk leaves it: a closed bucket, its mix, a pending mix."""
    store = AnalyticsStore(path, k=5)
    store.write(BucketStats(T0, 300, visits=6, pages=9, likes=2),
                Mix(T0, T0 + 300, 6, {"SAD": 6}, {"SAD": 9}, {"SAD": 2}, {"item-1": 2}),
                pending=pending)
    store.close()
    assert _version(path) == SCHEMA.version == 3
    return path


def test_a_version_3_store_becomes_what_the_version_2_kiosk_opens(tmp_path: Path) -> None:
    path = _v3(tmp_path / "analytics.sqlite3", _pending(3))
    with pytest.raises(NewerStoreError, match="version 3, newer than this kiosk"):
        open_store(path, V2).close()  # the rollback as it was: the file refused
    before = _rows(path)

    done = downgrade(path)
    assert (done.found, done.version) == (3, 2)
    assert ("version 3 -> 2, dropped the pending mix below k = 5: 3 visits, 4 pages, "
            "2 likes (never reportable); every bucket and mix kept") in done.summary()
    assert _version(path) == 2 and _rows(path) == before
    fresh = tmp_path / "v2.sqlite3"
    open_store(fresh, V2).close()
    assert _schema(path) == _schema(fresh)  # exactly what a version-2 kiosk creates
    with _db(path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    open_store(path, V2).close()  # the older kiosk opens it now

    again = AnalyticsStore(path, k=5)  # and this one upgrades it again at its next start
    assert again.pending() is None and len(again.mixes()) == 1
    again.close()
    assert _version(path) == 3
    assert "already: nothing to do" in downgrade(path, to=3).summary()


def test_a_pending_mix_of_k_visits_is_written_out_not_dropped(tmp_path: Path) -> None:
    """A killed run can leave one of at least k visits: the next start of this build
    would have written it, so the downgrade does, before dropping the table."""
    path = _v3(tmp_path / "analytics.sqlite3", _pending(5))
    done = downgrade(path, k=5)
    assert "the pending mix of 5 visits (4 pages, 2 likes) written out" in done.summary()
    store = open_store(path, V2)
    mixes = store.execute("SELECT visits, items FROM mix ORDER BY start").fetchall()
    store.close()
    assert mixes == [(6, '{"item-1":2}'), (5, '{"item-7":2}')]


def test_it_refuses_while_the_kiosk_has_the_store_open(tmp_path: Path) -> None:
    path = _v3(tmp_path / "analytics.sqlite3", _pending(3))
    running = AnalyticsStore(path, k=5)
    try:
        with pytest.raises(AnalyticsBusyError, match=r"in use by another process .*"
                           r"stop the kiosk first \(systemctl --user stop kiosk\)"):
            downgrade(path)
        assert running.pending() == _pending(3)  # the kiosk goes on as before
    finally:
        running.close()
    assert _version(path) == 3
    assert downgrade(path).version == 2  # once it stopped


def test_what_it_will_not_do(tmp_path: Path) -> None:
    with pytest.raises(AnalyticsError, match="does not exist; check --data-dir"):
        downgrade(tmp_path / "missing.sqlite3")
    path = _v3(tmp_path / "analytics.sqlite3", None)
    with pytest.raises(AnalyticsError, match="back to version 2 at the oldest"):
        downgrade(path, to=1)
    with _db(path) as conn:
        conn.execute("PRAGMA user_version = 9")
    with pytest.raises(AnalyticsError, match="version 9, newer than this kiosk"):
        downgrade(path)


def _admin(argv: list[str], **overrides: str) -> int:
    parser = argparse.ArgumentParser(prog="kiosk-admin")
    report_cmds.register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    args.settings = load_settings(overrides=overrides)
    result: int = args.func(args)
    return result


def test_kiosk_admin_analytics_downgrade(tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    path = _v3(tmp_path / "analytics.sqlite3", None)
    db = {"analytics.db_path": str(path), "analytics.k_anonymity": "3"}
    running = AnalyticsStore(path)
    try:
        assert _admin(["analytics", "downgrade"], **db) == 1
    finally:
        running.close()
    assert "kiosk-admin analytics downgrade: " in capsys.readouterr().err
    assert _admin(["analytics", "downgrade", "--to", "2"], **db) == 0
    out = capsys.readouterr().out
    assert f"the analytics database {path}: version 3 -> 2, no pending mix" in out
    assert _version(path) == 2


def test_kiosk_admin_report_leaves_a_rolled_back_store_at_version_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    """`report` after `analytics downgrade` put the file back to version 3 (it opened it
    for writing), so the older kiosk refused it again. It reads it read-only now."""
    path = _v3(tmp_path / "analytics.sqlite3", _pending(3))
    db = {"analytics.db_path": str(path), "analytics.k_anonymity": "5"}
    assert _admin(["analytics", "downgrade"], **db) == 0
    capsys.readouterr()
    assert _admin(["report", "--json", "--since", "2023-01-01"], **db) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["totals"]["visits"] == 6
    assert _version(path) == 2
    open_store(path, V2).close()  # the older kiosk still opens it


def test_a_version_1_store_is_reported_as_it_is(tmp_path: Path) -> None:
    """A file from before `uploads_failing` is read without upgrading it (read as 0)."""
    path = tmp_path / "analytics.sqlite3"
    with contextlib.closing(open_store(path, Schema(SCHEMA.what, SCHEMA.steps[:1]))) as conn:
        row = _to_row(BucketStats(T0, 300, visits=4, pages=2))[:-1]
        conn.execute(f"INSERT INTO buckets VALUES ({', '.join('?' * len(row))})", row)
    store = AnalyticsStore(path, read_only=True)
    try:
        assert [(b.visits, b.uploads_failing) for b in store.buckets()] == [(4, 0)]
        assert store.pending() is None
    finally:
        store.close()
    assert _version(path) == 1
    with pytest.raises(AnalyticsError, match="does not exist"):
        AnalyticsStore(tmp_path / "missing.sqlite3", read_only=True)
    assert not (tmp_path / "missing.sqlite3").exists()


def test_analytics_downgrade_without_a_file_has_nothing_to_roll_back(
    tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    assert _admin(["analytics", "downgrade"], **{"app.data_dir": str(tmp_path)}) == 0
    assert "nothing to roll back" in capsys.readouterr().out
    assert not (tmp_path / "analytics.sqlite3").exists()
    missing = tmp_path / "elsewhere"
    assert _admin(["analytics", "downgrade"], **{"app.data_dir": str(missing)}) == 1
    assert f"the data folder {missing} does not exist" in capsys.readouterr().err
