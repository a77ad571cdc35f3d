"""`kiosk-admin events status` checks for real whether a like could be saved now: it
reads the queue read-only, so before it printed `"disk_full": null, "read_only": null,
"problem": null` and exit 0 while the kiosk refused every like (tester round 15: a full
tmpfs, a read-only bind mount, an sqlite3 shell in `BEGIN EXCLUSIVE`)."""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import kiosk.diskspace
from kiosk.admin import events_cmds
from kiosk.domain import Like
from kiosk.events import health
from kiosk.events.queue import EventQueue
from kiosk.storage.sqlite import write_lock_held
from tests.admin_run import run_admin


def _status(db: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, dict[str, Any], str]:
    code = run_admin(events_cmds, ["events", "status"], None, **{"events.db_path": str(db)})
    out = capsys.readouterr()
    return code, json.loads(out.out), out.err


@pytest.fixture
def made(db_path: Path, new_like: Callable[..., Like]) -> Path:
    with EventQueue(db_path) as q:
        q.record_like(new_like())
    return db_path


def test_a_healthy_queue_says_null_and_exits_0(
    made: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, status, err = _status(made, capsys)
    assert code == 0 and err == ""
    assert (status["disk_full"], status["read_only"], status["locked"],
            status["problem"]) == (None, None, None, None)
    assert status["pending"] == 1


def test_a_full_disk_is_named_with_exit_1(
    made: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(kiosk.diskspace, "free_mb", lambda path: 0.2)  # the queue's < 1 MB
    code, status, err = _status(made, capsys)
    assert code == 1
    assert "is full" in status["disk_full"] and str(made) in status["disk_full"]
    assert status["problem"] == status["disk_full"] and status["pending"] == 1
    assert err.startswith("kiosk-admin events status: cannot save to the event queue")
    assert "Free some space" in err


@pytest.mark.skipif(not hasattr(os, "statvfs"), reason="POSIX mounts")
def test_a_read_only_mount_is_named_with_exit_1(
    made: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    real = os.statvfs

    def read_only_mount(path: Any) -> os.statvfs_result:
        fields = list(real(path))
        fields[8] |= os.ST_RDONLY  # f_flag, as `mount -o remount,ro,bind` sets it
        return os.statvfs_result(fields)

    monkeypatch.setattr(os, "statvfs", read_only_mount)
    code, status, err = _status(made, capsys)
    assert code == 1
    assert "Read-only file system" in status["read_only"]
    assert "likes cannot be saved" in status["read_only"]
    assert status["disk_full"] is None and status["problem"] == status["read_only"]
    assert "Make the data folder writable" in err


def test_a_lock_another_program_holds_is_named_and_released_for_the_kiosk(
    made: Path, new_like: Callable[..., Like], monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setattr(health, "LOCK_PROBE_S", 0.05)
    kiosk = EventQueue(made, busy_timeout_s=5.0)  # the running kiosk, file open
    holder = sqlite3.connect(made, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")  # an sqlite3 shell
    try:
        code, status, err = _status(made, capsys)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert code == 1
    assert "locked by another program" in status["locked"]
    # likes are kept in the spool meanwhile: no "likes cannot be saved" (new user's trial)
    assert "kept in its spool file" in status["locked"]
    assert "cannot be saved" not in status["locked"]
    assert status["problem"] == status["locked"] and "sqlite3 shell" in err
    # the probe's own lock is gone with it: the kiosk saves at once, and so says status
    code, status, err = _status(made, capsys)
    assert (code, status["locked"], err) == (0, None, "")
    kiosk.record_like(new_like())
    kiosk.close()
    assert _status(made, capsys)[1]["pending"] == 2


def test_the_lock_probe_leaves_a_file_nobody_has_open_as_it_is(made: Path) -> None:
    before = made.read_bytes()
    assert not write_lock_held(made, 0.05)
    assert not Path(f"{made}-wal").exists() and not Path(f"{made}-shm").exists()
    assert made.read_bytes() == before
    assert not write_lock_held(made.with_name("missing.sqlite3"), 0.05)
    assert not made.with_name("missing.sqlite3").exists()


@pytest.mark.skipif(not hasattr(os, "geteuid"), reason="POSIX permissions")
def test_a_folder_the_user_cannot_write_is_read_only(tmp_path: Path) -> None:
    if os.geteuid() == 0:  # root writes through permission bits, and so does the kiosk
        assert health.cannot_write(tmp_path / "q.sqlite3") == ""
        return
    tmp_path.chmod(0o555)
    try:
        assert "Permission denied" in health.cannot_write(tmp_path / "q.sqlite3")
    finally:
        tmp_path.chmod(0o755)
