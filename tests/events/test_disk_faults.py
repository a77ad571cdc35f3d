"""Genuine disk faults for the event queue: a data folder that is really read-only (EROFS
from a read-only tmpfs mount) and a disk that is really full (ENOSPC from a small
tmpfs), made with `unshare -rm` (tests/events/tmpfs.py; skipped with the reason where
user namespaces are not permitted)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from tests.events.tmpfs import require_unshare, run_in_tmpfs

CHILD = Path(__file__).with_name("fs_child.py")


@pytest.mark.parametrize("state", ["clean", "crashed", "wal-only"])
def test_read_only_folder_refuses_likes_and_uploads_the_queue_once_per_run(
    tmp_path: Path, state: str
) -> None:
    require_unshare()
    folder = tmp_path / "data"
    proc = run_in_tmpfs(folder, 4096, [sys.executable, str(CHILD), str(folder), "readonly",
                                       state])
    assert proc.returncode == 0, proc.stderr[-3000:]
    seen = json.loads(proc.stdout)
    expected_files = {"clean": ["events.sqlite3"],
                      "crashed": ["events.sqlite3", "events.sqlite3-shm", "events.sqlite3-wal"],
                      "wal-only": ["events.sqlite3", "events.sqlite3-wal"]}[state]
    assert seen["files"] == expected_files
    # the cause is named, a like is refused (never "saved"), nothing is written
    assert "Read-only file system" in seen["read_only"] and "app.data_dir" in seen["read_only"]
    assert seen["status"]["read_only"] == seen["read_only"]
    assert seen["status"]["pending"] == 26
    assert seen["like"].startswith("refused: ") and "Read-only file system" in seen["like"]
    assert seen["files_after"] == expected_files
    # every queued event arrives exactly once in this run, and the user record too
    assert sorted(seen["sent"]) == sorted(seen["recorded"])
    assert len(seen["sent"]) == 25 and seen["users"] == 1
    assert seen["upload"]["flushed"] is True
    assert seen["upload"]["calls_after_second_flush"] == seen["upload"]["calls"]
    assert seen["counts"] == 0 and seen["upload"]["status"]["sent_total"] == 26
    # writable again: the acks this run could not write resume; what it sent is sent
    # again under the same event ids (Personalize trains on the first of an id only)
    assert seen["again_read_only"] == ""
    assert seen["again_pending"] == 26
    assert sorted(seen["again_sent"]) == sorted(seen["recorded"])
    assert seen["again_left"] == 0
