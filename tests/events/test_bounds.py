"""A bounded queue: what goes first when it is full, and a full disk reported without
losing what was committed."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from kiosk.domain import Emotion, Like
from kiosk.events.errors import DiskFullError
from kiosk.events.queue import EventQueue
from kiosk.events.records import RecordKind


def _ids(path: Path, table: str = "records") -> list[str]:
    conn = sqlite3.connect(path)
    try:
        return [r[0] for r in conn.execute(f"SELECT record_id FROM {table} ORDER BY id")]
    finally:
        conn.close()


def test_impressions_go_first_then_the_oldest_events(
    db_path: Path, new_like: Callable[..., Like], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="kiosk.events.queue")
    with EventQueue(db_path, max_records=100, synchronous="NORMAL") as q:
        likes = [new_like(f"visit-{n}") for n in range(3)]
        for like in likes:
            q.record_like(like)
        for n in range(10):
            q.record_impression(f"visit-{n}", ["a", "b"], emotion=Emotion.SAD)
        assert q.counts().evicted_total == 0
        later = [new_like(f"visit-{n}") for n in range(87)]
        for like in later:
            q.record_like(like)  # 100 rows: exactly full
        assert q.counts().evicted_total == 0
        q.record_like(extra := new_like())  # 101: evict 2 (the excess and 1% headroom)
        counts = q.counts()
        assert counts.pending["impression"] == 8
        assert counts.pending["event"] == 91
        assert counts.evicted_total == 2
        for like in [new_like() for _ in range(10)]:
            q.record_like(like)
        counts = q.counts()
        assert counts.pending["impression"] == 0  # all impressions before any like
        assert counts.pending_total <= 100
        remaining = _ids(db_path)
        assert likes[0].event_id not in remaining  # then the oldest likes
        assert later[-1].event_id in remaining and extra.event_id in remaining
        assert counts.evicted_total == 3 + 87 + 1 + 10 + 10 - counts.pending_total
    assert "event queue full (max_records)" in caplog.text
    assert "evicted" in caplog.text


def test_dead_letters_count_toward_the_bound_and_age_like_the_rest(
    db_path: Path, new_like: Callable[..., Like]
) -> None:
    with EventQueue(db_path, max_records=100, synchronous="NORMAL") as q:
        old = [q.record_like(new_like()) for _ in range(3)]
        q.dead_letter(old, "InvalidInputException", "bad")
        for _ in range(97):
            q.record_like(new_like())
        assert q.counts().evicted_total == 0
        q.record_like(new_like())
        counts = q.counts()
        assert counts.dead == 1 and counts.evicted_total == 2  # the two oldest: dead ones
        assert counts.pending_total + counts.dead <= 100


def test_size_bound_keeps_used_bytes_under_the_limit(
    db_path: Path, new_like: Callable[..., Like], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="kiosk.events.queue")
    limit = 256 * 1024
    with EventQueue(db_path, max_bytes=limit, synchronous="OFF") as q:
        last = None
        for n in range(1500):
            last = new_like(f"visit-{n}", properties={"note": "x" * 500})
            q.record_like(last)
            assert q.used_bytes() <= limit
        counts = q.counts()
        assert counts.evicted_total > 0
        assert counts.pending_total + counts.evicted_total == 1500
        assert last is not None and _ids(db_path)[-1] == last.event_id
        assert q.refresh_counts().pending_total == counts.pending_total
    assert "event queue full (max_mb)" in caplog.text


def test_full_disk_is_reported_and_nothing_committed_is_lost(
    db_path: Path, new_like: Callable[..., Like], caplog: pytest.LogCaptureFixture
) -> None:
    with EventQueue(db_path) as q:  # create the schema at full size first
        q.record_like(new_like())
        pages = q.used_bytes() // 4096 + 1

    def tiny_disk(conn: sqlite3.Connection) -> None:
        conn.execute(f"PRAGMA max_page_count = {pages + 3}")

    saved: list[str] = []
    with EventQueue(db_path, on_connect=tiny_disk) as q:
        saved.append(_ids(db_path)[0])
        error = None
        for _ in range(2000):
            like = new_like(properties={"note": "y" * 300})
            try:
                q.record_like(like)
            except DiskFullError as exc:
                error = exc
                break
            saved.append(like.event_id)
        assert error is not None, "the tiny database never filled up"
        assert len(saved) > 5
        assert "is full" in str(error) and "events.max_mb" in str(error)
        assert q.status()["disk_full"] == str(error)
        assert "is full" in caplog.text
        assert _ids(db_path) == saved  # every committed like is still there

        # the queue keeps working: uploads free room and recording resumes
        batch = q.next_batch(list(RecordKind))
        assert batch is not None
        q.ack(batch.ids)
        resumed = new_like()
        q.record_like(resumed)
        assert q.disk_full == "" and q.status()["disk_full"] is None
        assert _ids(db_path) == [*saved[len(batch):], resumed.event_id]


@pytest.mark.parametrize("free_mb", [0.2, 5000.0])
def test_a_disk_io_error_on_a_full_disk_says_the_disk_is_full(
    db_path: Path, new_like: Callable[..., Like], monkeypatch: pytest.MonkeyPatch,
    free_mb: float
) -> None:
    """On a full disk SQLite may say only "disk I/O error" (a -wal or -shm file that
    cannot grow): the queue says what analytics and the catalog say, that the disk is
    full, how much is free and what to do; with room on the disk it stays an I/O error."""
    import contextlib

    import kiosk.diskspace
    from kiosk.events.errors import EventsError
    from kiosk.storage import sqlite as store

    @contextlib.contextmanager
    def failing_write(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
        error = sqlite3.OperationalError("disk I/O error")
        error.sqlite_errorcode = sqlite3.SQLITE_IOERR_WRITE
        raise error
        yield conn  # a generator, as store.immediate; never reached

    with EventQueue(db_path) as q:
        q.record_like(new_like())
        monkeypatch.setattr(kiosk.diskspace, "free_mb", lambda path: free_mb)
        monkeypatch.setattr(store, "immediate", failing_write)
        with pytest.raises(EventsError if free_mb > 1 else DiskFullError) as raised:
            q.record_like(new_like())
        if free_mb > 1:
            assert not isinstance(raised.value, DiskFullError)
            assert "disk I/O error" in str(raised.value) and q.disk_full == ""
        else:
            message = str(raised.value)
            assert f"the disk holding {db_path} is full" in message, message
            assert "events.max_mb" in message and "disk I/O error" in message
            assert q.status()["disk_full"] == message


def test_no_room_for_the_queues_folder_says_the_disk_is_full(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import errno
    import os

    def no_space(self: Path, *args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(self))

    monkeypatch.setattr(Path, "mkdir", no_space)
    with pytest.raises(DiskFullError) as raised:
        EventQueue(tmp_path / "new" / "events.sqlite3")
    assert f"the disk holding {tmp_path / 'new'} is full" in str(raised.value)


def test_disk_full_error_message_names_the_file(tmp_path: Path) -> None:
    error = DiskFullError(tmp_path / "events.sqlite3")
    assert str(tmp_path / "events.sqlite3") in str(error)
    assert error.free_mb is not None and "MB free" in str(error)

