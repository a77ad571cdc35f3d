"""Black-box fault test: the real kiosk in its own process, driven through its widgets
(app_child.py), through the queue cases a kiosk meets: a damaged queue file, a queue
locked by another program (with the kiosk killed while the like is pending), and a
kill -9 right after the card said "Liked". The card says "Liked" only when the like is
in the queue file; a damaged file is kept aside and named in the log."""

from __future__ import annotations

import os
import queue as queue_module
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.resources import catalog_root

CHILD = Path(__file__).with_name("app_child.py")
REPO = Path(__file__).resolve().parents[2]

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL"),
]


class App:
    """The kiosk process and a thread forwarding its report lines."""

    def __init__(self, data: Path, catalog: Path, mode: str) -> None:
        env = {**os.environ, "QT_QPA_PLATFORM": "offscreen",
               "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")])}
        self.proc = subprocess.Popen(
            [sys.executable, str(CHILD), str(data), str(catalog), mode],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env,
        )
        self.lines: queue_module.Queue[str | None] = queue_module.Queue()
        self.seen: list[str] = []
        reader = threading.Thread(target=self._read, name="kiosk-test-app-reader", daemon=True)
        reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.put(line.strip())
        self.lines.put(None)

    def expect(self, prefix: str, timeout: float = 90.0) -> str:
        """The next line starting with `prefix` (earlier lines are kept in `seen`)."""
        while True:
            line = self.lines.get(timeout=timeout)
            if line is None:
                raise AssertionError(f"the kiosk ended before {prefix!r}; it said {self.seen}")
            self.seen.append(line)
            if line.startswith(prefix):
                return line

    def kill(self) -> None:
        if self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait(30)

    def finish(self) -> None:
        try:
            self.proc.wait(60)
        finally:
            self.kill()
            assert self.proc.stdout is not None
            self.proc.stdout.close()


@pytest.fixture
def folders(tmp_path: Path) -> Iterator[tuple[Path, Path]]:
    """A data folder and a small catalog (four images per emotion: a quick first scan)."""
    data, catalog = tmp_path / "data", tmp_path / "catalog"
    data.mkdir()
    for emotion_dir in catalog_root().iterdir():
        if emotion_dir.is_dir():
            (catalog / emotion_dir.name).mkdir(parents=True)
            for image in sorted(emotion_dir.iterdir())[:4]:
                shutil.copy(image, catalog / emotion_dir.name / image.name)
    yield data, catalog


def _queued_items(db: Path) -> list[str]:
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT body FROM records WHERE kind = 'event'").fetchall()
    import json

    return [json.loads(body)["itemId"] for (body,) in rows]


def test_damaged_queue_is_moved_aside_and_likes_are_saved(folders: tuple[Path, Path]) -> None:
    data, catalog = folders
    db = data / "events.sqlite3"
    db.write_bytes(b"SQLite format 3\x00" + b"\x07" * 8192)  # damaged header and pages
    app = App(data, catalog, "exit")
    try:
        pending = app.expect("PENDING").split()
        assert pending[2] == "Saving…"
        liked = app.expect("LIKED").split()
        assert liked[1] == pending[1] and liked[2] == "Liked"
        assert "moved aside" in app.expect("PROBLEM")
        assert app.expect("EXITED") == "EXITED 0"  # every clean-up finished in its budget
    finally:
        app.finish()
    aside = list(data.glob("events.sqlite3.damaged-*"))
    assert aside and aside[0].read_bytes().startswith(b"SQLite format 3\x00\x07")
    assert _queued_items(db) == [liked[1]]
    log_text = "".join(p.read_text(encoding="utf-8") for p in (data / "log").glob("*.log*"))
    assert f"moved aside to {aside[0]}" in log_text


def test_locked_queue_shows_pending_never_liked_and_a_kill_loses_no_promise(
    folders: tuple[Path, Path],
) -> None:
    data, catalog = folders
    db = data / "events.sqlite3"
    first = App(data, catalog, "exit")  # create the queue, then hold its write lock
    try:
        first.expect("LIKED")
        first.expect("EXITED")
    finally:
        first.finish()
    assert len(_queued_items(db)) == 1
    lock = sqlite3.connect(db, isolation_level=None)
    lock.execute("BEGIN IMMEDIATE")
    try:
        app = App(data, catalog, "wait")
        try:
            app.expect("PENDING")
            app.kill()  # killed while the card says "Saving…"
        finally:
            app.finish()
        assert not any(line.startswith("LIKED") for line in app.seen)
    finally:
        lock.execute("ROLLBACK")
        lock.close()
    assert len(_queued_items(db)) == 1  # nothing was promised, nothing half-written

    third = App(data, catalog, "wait")  # no lock: "Liked", then kill -9 at once
    try:
        liked = third.expect("LIKED").split()[1]
        third.kill()
    finally:
        third.finish()
    assert liked in _queued_items(db) and len(_queued_items(db)) == 2
