"""A queue whose writes are refused as read-only while the kiosk runs (SQLite's own
SQLITE_READONLY, from `PRAGMA query_only`): likes are refused with the cause, the upload
side goes on with its acks, dead letters and failed tries kept in memory for the run,
and the file keeps every row for the next start. The genuine read-only mount is in
test_disk_faults.py."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from kiosk.backend import KioskBackend
from kiosk.domain import Like
from kiosk.events.errors import QueueReadOnlyError
from kiosk.events.queue import EventQueue
from kiosk.events.records import RecordKind

ALL = tuple(RecordKind)


def _refuse_writes(queue: EventQueue) -> None:
    queue._conn().execute("PRAGMA query_only = 1")  # this thread's connection


def _stored(db: Path) -> int:
    with sqlite3.connect(db) as conn:
        return int(conn.execute("SELECT count(*) FROM records").fetchone()[0])


def test_write_refused_as_read_only_keeps_uploading_from_memory(
    queue: EventQueue, db_path: Path, new_like: Callable[..., Like]
) -> None:
    likes = [new_like(f"visit-{n % 2}") for n in range(12)]
    for like in likes:
        queue.record_like(like)
    _refuse_writes(queue)
    with pytest.raises(QueueReadOnlyError, match="cannot be written"):
        queue.record_like(new_like())
    assert "readonly" in queue.read_only and queue.status()["read_only"] == queue.read_only
    with pytest.raises(QueueReadOnlyError):  # refused at once from now on
        queue.record_like(new_like())

    sent: list[str] = []
    failing = queue.next_batch(ALL)
    assert failing is not None
    assert queue.note_attempt(failing.ids, retry_at=123.0) == 1
    again = queue.next_batch(ALL)
    assert again is not None and again.ids == failing.ids  # offered again, tries kept
    assert again.attempts == 1 and again.retry_at == 123.0
    assert queue.dead_letter(again.ids[:1], "InvalidInputException", "bad") == 1
    while (batch := queue.next_batch(ALL)) is not None:
        assert queue.ack(batch.ids) == len(batch)
        sent.extend(r.record_id for r in batch.rows)
    refused = {failing.rows[0].record_id}
    assert sorted(sent) == sorted({like.event_id for like in likes} - refused)
    counts = queue.refresh_counts()
    assert counts.pending_total == 0 and counts.sent_total == 11 and counts.dead == 1
    assert queue.retry_transient_dead() == 0
    assert _stored(db_path) == 12  # nothing written: every row is there for the next start
    queue.close()
    with EventQueue(db_path) as reopened:
        assert reopened.read_only == ""
        assert reopened.refresh_counts().pending_total == 12


def test_forget_me_while_read_only_holds_the_users_back_and_says_so(
    queue: EventQueue, new_like: Callable[..., Like]
) -> None:
    queue.record_like(new_like("v1", user_id="u-1"))
    queue.record_like(new_like("v2", user_id="u-2"))
    _refuse_writes(queue)
    with pytest.raises(QueueReadOnlyError):
        queue.record_like(new_like())
    with pytest.raises(QueueReadOnlyError, match="1 queued record"):
        queue.forget_users(["u-1"])
    batch = queue.next_batch(ALL)
    assert batch is not None and batch.user_id == "u-2"  # u-1 is never offered
    queue.ack(batch.ids)
    assert queue.next_batch(ALL) is None


def test_an_ack_written_as_another_thread_finds_the_file_read_only_still_counts(
    queue: EventQueue, new_like: Callable[..., Like], monkeypatch: pytest.MonkeyPatch
) -> None:
    for _ in range(3):
        queue.record_like(new_like())
    retrying = queue._retrying

    def written_then_read_only(what: str, fn: Callable[[], object]) -> object:
        out = retrying(what, fn)  # the delete is committed...
        queue.read_only = "the recording thread just found the folder read-only"
        return out

    monkeypatch.setattr(queue, "_retrying", written_then_read_only)
    batch = queue.next_batch(ALL)
    assert batch is not None and len(batch) == 3
    assert queue.ack(batch.ids) == 3  # counted as sent, not held back as still pending
    counts = queue.counts()
    assert counts.pending_total == 0 and counts.sent_total == 3


def test_backend_refuses_likes_and_names_the_cause_while_uploads_go_on(
    queue: EventQueue, new_like: Callable[..., Like]
) -> None:
    from kiosk.domain import Emotion, Item, Page

    queue.record_like(new_like())
    _refuse_writes(queue)
    backend = KioskBackend(queue=queue)
    page = Page(items=(Item("emotions/happy/a.jpg", Emotion.HAPPY, "a.jpg"),),
                emotion=Emotion.HAPPY, visit_id="visit-9", index=0)
    with pytest.raises(QueueReadOnlyError):
        backend.commit_like(page, "emotions/happy/a.jpg", 1.0, None)
    status = backend.status()
    assert "cannot be written" in status.problem
    assert status.queue is not None and status.queue.depth == 1


def test_a_metrics_queue_that_cannot_be_written_speaks_of_itself_not_of_likes(
    tmp_path: Path, new_like: Callable[..., Like]
) -> None:
    """The fleet's metrics queue is an EventQueue named "metrics queue": its read-only
    sentence told the operator "likes cannot be saved" under the event queue's name."""
    with EventQueue(tmp_path / "metrics.sqlite3", name="metrics queue") as metrics:
        metrics.record_like(new_like())
        _refuse_writes(metrics)
        with pytest.raises(QueueReadOnlyError) as refused:
            metrics.record_like(new_like())
    message = str(refused.value)
    assert message.startswith(f"the metrics queue {tmp_path / 'metrics.sqlite3'} cannot be "
                              "written")
    assert "nothing new can be queued" in message and "likes" not in message


def test_a_queue_that_cannot_be_written_for_lack_of_space_says_the_disk_is_full(
    tmp_path: Path,
) -> None:
    """A full disk makes the start-up write probe fail with ENOSPC and the queue opens
    read-only; the sentence told the operator to make the folder writable."""
    from kiosk.events.readonly import read_only_message

    full = read_only_message(tmp_path / "events.sqlite3", "No space left on device")
    assert f"The disk holding {tmp_path} is full (" in full and "MB free)" in full
    assert "free space on it" in full and "writable again" not in full
    read_only = read_only_message(tmp_path / "events.sqlite3", "Read-only file system")
    assert "Make the data folder writable again" in read_only and "is full" not in read_only


@pytest.mark.parametrize("name", ["event queue", "metrics queue"])
def test_a_version_3_queue_in_a_read_only_folder_is_read_and_uploaded(
    db_path: Path, new_like: Callable[..., Like], monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    """Schema 3 -> 4 only adds the `uploader` table, which read-only code never writes:
    a version-3 queue whose folder cannot be written (so it cannot be upgraded) was
    refused as a whole ("version 3 (this kiosk reads 4)"), so nothing already queued
    was uploaded. It is now read as it is; the uploader's record is simply absent."""
    from kiosk.events import connection
    from kiosk.events.uploader import Uploader

    likes = [new_like() for _ in range(3)]
    with EventQueue(db_path, name=name) as queue:
        for like in likes:
            queue.record_like(like)
    with sqlite3.connect(db_path) as conn:  # as a kiosk before today's step 4 left it
        conn.execute("DROP TABLE uploader")
        conn.execute("PRAGMA user_version = 3")
    conn.close()
    monkeypatch.setattr(connection, "write_problem", lambda folder: "Read-only file system")
    with EventQueue(db_path, name=name) as old:
        assert "Read-only file system" in old.read_only
        assert old.uploader_record(Uploader.name) is None
        assert old.claim_upload(Uploader.name, "me", 5.0) is None  # nothing to coordinate
        old.record_uploader_status(Uploader.name, "me", {"state": "idle"})  # never raises
        batch = old.next_batch(ALL)
        assert batch is not None
        assert sorted(r.record_id for r in batch.rows) == sorted(x.event_id for x in likes)
        assert old.ack(batch.ids) == 3
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 3  # untouched
    conn.close()


def test_a_read_only_queue_older_than_version_3_is_refused_with_what_to_do(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kiosk.events import connection, schema
    from kiosk.events.errors import SchemaError

    db_path.parent.mkdir(parents=True)
    conn = sqlite3.connect(db_path, isolation_level=None)
    schema.migrate(conn, target=2)
    conn.close()
    monkeypatch.setattr(connection, "write_problem", lambda folder: "Read-only file system")
    with pytest.raises(SchemaError, match=r"version 2 \(this kiosk reads 3 to 4\).*make the "
                                          "folder writable"):
        EventQueue(db_path)
