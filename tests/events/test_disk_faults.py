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


# ---------------------------------------------------------------------- the real app

APP_CHILD = Path(__file__).with_name("app_child.py")
DISK_CHILD = Path(__file__).with_name("app_disk_child.py")


def _small_catalog(target: Path) -> Path:
    """Four images per emotion: a quick first scan."""
    import shutil

    from kiosk.resources import catalog_root

    for emotion_dir in catalog_root().iterdir():
        if emotion_dir.is_dir():
            (target / emotion_dir.name).mkdir(parents=True)
            for image in sorted(emotion_dir.iterdir())[:4]:
                shutil.copy(image, target / emotion_dir.name / image.name)
    return target


def _lines(stdout: str, prefix: str) -> list[str]:
    return [line[len(prefix):].strip() for line in stdout.splitlines()
            if line.startswith(prefix)]


@pytest.mark.slow
def test_app_on_a_full_disk_confirms_only_saved_likes_and_says_the_disk_is_full(
    tmp_path: Path,
) -> None:
    require_unshare()
    data, catalog, logs = tmp_path / "data", _small_catalog(tmp_path / "catalog"), tmp_path / "log"
    py, child = sys.executable, str(DISK_CHILD)
    script = (f'"{py}" "{child}" "$0" "{catalog}" "{logs}" full; rm -f "$0/filler.bin"; '
              f'echo DUMP; "{py}" "{child}" "$0" "{catalog}" "{logs}" dump')
    proc = run_in_tmpfs(data, 16 * 1024, ["sh", "-c", script, str(data)], timeout=240)
    out = proc.stdout
    assert proc.returncode == 0 and "DUMP" in out, (out, proc.stderr[-3000:])
    assert _lines(out, "PAGE ") == ["1"] and int(_lines(out, "FILLED")[0]) > 0
    liked = _lines(out, "LIKED")
    failed = [line.split(" ", 1) for line in _lines(out, "FAILED")]
    assert liked and out.index("LIKED") < out.index("FILLED")  # one saved before
    assert failed, f"no like met the full disk: {out}"
    # the visitor reads a short sentence, never the path or the exception
    assert all(str(data) not in toast and "Error" not in toast for _, toast in failed)
    status = json.loads(_lines(out, "STATUS")[0])
    assert "is full" in status["disk"] and "MB free" in status["disk"]
    assert "TIMEOUT" not in out and _lines(out, "EXITED")[0].startswith("0")
    # every like the screen confirmed is in the queue file; no refused one is
    queued = json.loads(out.split("DUMP", 1)[1].strip().splitlines()[0])
    assert sorted(queued) == sorted(liked)
    assert not {item for item, _ in failed} & set(queued)


@pytest.mark.slow
def test_app_on_a_read_only_data_folder_shows_pages_refuses_likes_and_uploads_the_queue(
    tmp_path: Path,
) -> None:
    require_unshare()
    from kiosk.events.testing import FakePersonalizeEvents

    data, catalog, logs = tmp_path / "data", _small_catalog(tmp_path / "catalog"), tmp_path / "log"
    py = sys.executable
    with FakePersonalizeEvents() as endpoint:
        script = (f'"{py}" "{APP_CHILD}" "$0" "{catalog}" exit || exit 3; '
                  'mount -o remount,ro "$0" || exit 4; '
                  f'"{py}" "{DISK_CHILD}" "$0" "{catalog}" "{logs}" readonly {endpoint.url}')
        proc = run_in_tmpfs(data, 16 * 1024, ["sh", "-c", script, str(data)], timeout=240)
        out = proc.stdout
        assert proc.returncode == 0, (out, proc.stderr[-3000:])
        seeded = _lines(out, "LIKED")[0].split()[0]  # the first run's like, in the queue
        # read-only: pages keep coming from the manifest, a like is refused visibly
        assert _lines(out, "PAGE ") == ["1", "2"]
        assert len(_lines(out, "LIKED")) == 1 and _lines(out, "FAILED")
        toast = _lines(out, "FAILED")[0].split(" ", 1)[1]
        assert toast and str(data) not in toast
        status = json.loads(_lines(out, "STATUS")[0])
        assert "cannot be written (Read-only file system)" in status["problem"]
        assert status["uploader"] == "idle" and status["queue_depth"] == 0
        assert "TIMEOUT" not in out and "DRAINED" in out
        assert _lines(out, "EXITED")[0].startswith("0")
        # the queued like was uploaded, once; the refused one never
        received = [c.body for c in endpoint.calls() if c.operation == "PutEvents"]
        items = [e["itemId"] for body in received for e in body["eventList"]]
        assert items == [seeded]  # the refused like (maybe of the same image) is not
    log_text = "".join(p.read_text(encoding="utf-8") for p in logs.glob("*.log*"))
    assert log_text.count("cannot be written (Read-only file system)") >= 1
