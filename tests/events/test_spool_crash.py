"""Likes kept in the spool survive SIGKILL at any step, and are queued exactly once: a
child process records likes into a queue this test holds locked (`BEGIN EXCLUSIVE`) and
is killed mid-way; then children that queue the spool kill themselves after taking it
(nothing committed) and after committing it (its file not yet deleted), the rows already
uploaded (acked) in between. Every event id a child printed (its `record_like` had
returned: "Liked") is queued once, and nothing more."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.events.queue import EventQueue
from kiosk.events.records import RecordKind

CHILD = Path(__file__).with_name("spool_child.py")

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")


def child(db: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, str(CHILD), str(db), *args],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)


def record_then_kill(db: Path, count: int, kill_after: int) -> list[str]:
    """Event ids the child answered as saved before it was killed."""
    proc = child(db, "record", str(count))
    assert proc.stdout is not None and proc.stdin is not None
    assert proc.stdout.readline().strip() == "READY"
    saved = [proc.stdout.readline().strip() for _ in range(kill_after)]
    proc.kill()  # SIGKILL, mid-way through the next like
    proc.wait(30)
    proc.stdout.close()
    proc.stdin.close()
    return saved


def ingest_killed_at(db: Path, step: str) -> int:
    proc = child(db, "ingest", step)
    out, _ = proc.communicate(timeout=60)
    assert "QUEUED" not in out
    return proc.returncode


def queued(db: Path) -> list[str]:
    with sqlite3.connect(db) as conn:
        return [str(r[0]) for r in conn.execute("SELECT record_id FROM records")]


def test_spooled_likes_survive_sigkill_and_are_queued_once(tmp_path: Path) -> None:
    db = tmp_path / "events.sqlite3"
    EventQueue(db).close()
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")  # an sqlite3 shell holds the lock throughout
    try:
        saved = record_then_kill(db, 12, 5)
        saved += record_then_kill(db, 12, 7)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert len(set(saved)) == 12 and queued(db) == []
    # killed after taking the spool, before committing: nothing queued, nothing lost
    assert ingest_killed_at(db, "taken") == -signal.SIGKILL
    assert queued(db) == []
    # killed after committing a taken file, before deleting it (a crash between the
    # commit and the delete), and those rows are uploaded before the next start
    assert ingest_killed_at(db, "committed") == -signal.SIGKILL
    first = queued(db)
    assert first and set(first) < set(saved)  # one file of several: the rest still wait
    with sqlite3.connect(db) as conn:  # uploaded: the rows go
        conn.execute("DELETE FROM records")
    sent = list(first)
    with EventQueue(db) as queue:  # finds the committed file again: not queued twice
        batch = queue.next_batch([RecordKind.EVENT])
        while batch is not None:
            sent += [r.record_id for r in batch.rows]
            queue.ack(batch.ids)
            batch = queue.next_batch([RecordKind.EVENT])
        assert not queue.spool_waiting()
    assert sorted(sent) == sorted(saved)  # every saved like, each once
    with EventQueue(db) as queue:
        assert queued(db) == [] and not queue.spool_waiting()
    assert list(tmp_path.glob("events.sqlite3.spool*")) == []
