"""Crash safety: a child process records likes and uploads them while it is SIGKILLed at
random (seeded) points: while recording, or while a PutEvents call is in flight (after
the endpoint got it, before the answer). After a last restart drains the queue, every
event id the child had committed has arrived at the endpoint, and each call cut off
mid-flight was sent again with the same event ids."""

from __future__ import annotations

import queue as queue_module
import random
import signal
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from kiosk.events.testing import FakePersonalizeEvents, Received

CHILD = Path(__file__).with_name("crash_child.py")
SEED = 20_240_611
ROUNDS = 5

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")


class Child:
    """One child process and a thread that forwards its output lines."""

    def __init__(self, db: Path, url: str, *args: str) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, str(CHILD), str(db), url, *args],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
        )
        self.lines: queue_module.Queue[str | None] = queue_module.Queue()
        self._ended = False
        self._reader = threading.Thread(target=self._read, name="kiosk-test-crash-reader",
                                         daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.put(line.strip())
        self.lines.put(None)

    def next_line(self, timeout: float = 30.0) -> str | None:
        """The next output line; None once the output has ended."""
        if self._ended:
            return None
        line = self.lines.get(timeout=timeout)
        self._ended = line is None
        return line

    def kill(self) -> None:
        # Popen.kill, not poll() + os.kill: the endpoint's thread may be killing and
        # reaping the same child at this moment (a call in flight), and then poll() says
        # "running" (the other thread holds the wait lock) while the pid is already gone
        # (ProcessLookupError under load); Popen.kill ignores a child already reaped
        self.proc.kill()
        self.proc.wait(10)

    def rest(self) -> list[str]:
        """Every line still coming, once the process has ended."""
        out: list[str] = []
        while (line := self.next_line()) is not None:
            out.append(line)
        self._reader.join(10)
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.close()
        self.proc.stdout.close()
        return out


def _event_ids(lines: list[str]) -> list[str]:
    return [x for x in lines if x and x != "READY" and not x.startswith("DRAINED")]


def test_sigkill_at_random_points_loses_no_event(tmp_path: Path) -> None:
    rng = random.Random(SEED)
    db = tmp_path / "events.sqlite3"
    committed: list[str] = []
    cut_off: list[list[str]] = []
    lock = threading.Lock()
    target: dict[str, object] = {"child": None, "at": 0, "seen": 0}

    def on_request(received: Received) -> None:  # runs on the endpoint's thread
        with lock:
            child = target["child"]
            if not isinstance(child, Child):
                return
            target["seen"] = int(str(target["seen"])) + 1
            if target["seen"] != target["at"]:
                return
            target["child"] = None
        child.kill()  # before the answer: the rows were sent but cannot be acked
        cut_off.append(received.event_ids)

    with FakePersonalizeEvents(on_request=on_request) as endpoint:
        for _ in range(ROUNDS):
            count = rng.randint(15, 60)
            child = Child(db, endpoint.url, "record", str(count))
            assert child.next_line() == "READY"
            if rng.random() < 0.5:  # kill while recording
                lines: list[str] = []
                stop_after = rng.randint(1, count)
                while len(_event_ids(lines)) < stop_after:
                    line = child.next_line()
                    assert line is not None, "child died on its own"
                    lines.append(line)
                child.kill()
            else:  # kill with a call in flight
                with lock:
                    target.update(child=child, at=rng.randint(1, max(1, count // 7)), seen=0)
                lines = []
                while (line := child.next_line()) is not None and not line.startswith("DRAIN"):
                    lines.append(line)
                with lock:
                    target["child"] = None
                child.kill()
            committed += _event_ids(lines + child.rest())

        final = Child(db, endpoint.url, "drain")
        lines = final.rest()
        assert final.proc.wait(30) == 0
        assert "DRAINED True" in lines

        received = endpoint.event_ids()
        accepted = set(endpoint.accepted_event_ids)

    assert len(committed) > ROUNDS
    missing = [i for i in committed if i not in accepted]
    assert not missing, f"{len(missing)} committed event ids never arrived"
    assert cut_off, "no round killed the child mid-call"
    for ids in cut_off:
        assert all(received.count(i) >= 2 for i in ids), "a cut-off call was not resent"
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("SELECT count(*) FROM records").fetchone() == (0,)
        assert conn.execute("SELECT count(*) FROM dead").fetchone() == (0,)
    finally:
        conn.close()
