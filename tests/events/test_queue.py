"""The durable queue: schema and migrations, recording, batches, acks, dead letters,
export, counters across restarts, thread safety."""

from __future__ import annotations

import io
import json
import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from kiosk.config import load_settings
from kiosk.domain import Emotion, Item, Like
from kiosk.events import schema
from kiosk.events.errors import EventsError, QueueBusyError, SchemaError
from kiosk.events.queue import EventQueue
from kiosk.events.records import RecordKind

ALL = tuple(RecordKind)


def _rows(path: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(path) as conn:
        return conn.execute(sql).fetchall()


def test_fresh_database_is_wal_at_latest_version(queue: EventQueue, db_path: Path) -> None:
    conn = sqlite3.connect(db_path)
    try:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA user_version").fetchone()[0] == schema.LATEST
    finally:
        conn.close()
    assert queue.status()["schema_version"] == schema.LATEST


def test_record_connection_uses_synchronous_full(queue: EventQueue) -> None:
    seen: list[int] = []
    queue.add_listener(lambda: seen.append(queue._conn().execute(
        "PRAGMA synchronous").fetchone()[0]))
    queue.record_like(Like("e1", 1.0, "v", "i", Emotion.SAD))
    assert seen == [2]  # FULL


def test_migrates_a_version_1_database_keeping_rows(db_path: Path) -> None:
    db_path.parent.mkdir(parents=True)
    conn = sqlite3.connect(db_path, isolation_level=None)
    schema.migrate(conn, target=1)
    conn.execute(
        "INSERT INTO records (kind, record_id, grp, created_at, body) VALUES"
        " ('user', 'r1', 'PutUsers', 1.0, '{\"userId\": \"u1\"}')"
    )
    conn.close()
    with EventQueue(db_path) as q:
        status = q.status()
        assert status["schema_version"] == schema.LATEST
        assert status["pending_by_kind"]["user"] == 1
        assert status["sent_total"] == 0


def test_reopening_is_idempotent(db_path: Path, new_like: Callable[..., Like]) -> None:
    with EventQueue(db_path) as q:
        q.record_like(new_like())
    with EventQueue(db_path) as q:
        assert q.counts().pending_total == 1


def test_newer_database_is_refused(db_path: Path) -> None:
    db_path.parent.mkdir(parents=True)
    with sqlite3.connect(db_path) as conn:
        conn.execute(f"PRAGMA user_version = {schema.LATEST + 1}")
    with pytest.raises(SchemaError, match="newer than this kiosk"):
        EventQueue(db_path)


def test_corrupt_file_is_refused_with_advice(db_path: Path) -> None:
    db_path.parent.mkdir(parents=True)
    db_path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(SchemaError, match="move the file aside"):
        EventQueue(db_path)


def test_from_settings_uses_data_folder(tmp_path: Path) -> None:
    settings = load_settings(overrides={"app.data_dir": str(tmp_path / "data"),
                                        "personalize.event_type": "thumbsUp"})
    with EventQueue.from_settings(settings) as q:
        assert q.path == tmp_path / "data" / "events.sqlite3"
        q.record_like(Like("e1", 1.0, "v", "i", Emotion.SAD))
        batch = q.next_batch(ALL)
        assert batch is not None and batch.rows[0].body["eventType"] == "thumbsUp"


def test_record_like_is_committed_when_it_returns(
    queue: EventQueue, db_path: Path, new_like: Callable[..., Like]
) -> None:
    like = new_like(user_id="user-1", impression=("a", "b"), recommendation_id="RID-1")
    row_id = queue.record_like(like)
    rows = _rows(db_path, "SELECT id, kind, record_id, session_id, user_id, body FROM records")
    assert len(rows) == 1
    rid, kind, record_id, session, user, body = rows[0]
    assert (rid, kind, record_id, session, user) == (row_id, "event", like.event_id,
                                                     like.visit_id, "user-1")
    entry = json.loads(body)
    assert entry["sentAt"] == like.sent_at
    assert entry["properties"] == '{"emotion": "HAPPY"}'
    assert entry["impression"] == ["a", "b"]
    assert entry["recommendationId"] == "RID-1"


def test_same_event_id_twice_keeps_one_row(
    queue: EventQueue, new_like: Callable[..., Like]
) -> None:
    like = new_like()
    assert queue.record_like(like) == queue.record_like(like)
    assert queue.counts().pending == {"event": 1, "impression": 0, "user": 0, "item": 0}


def test_listener_is_told_after_commit(queue: EventQueue, new_like: Callable[..., Like]) -> None:
    calls: list[int] = []
    queue.add_listener(lambda: calls.append(queue.counts().pending_total))
    queue.record_like(new_like())
    assert calls == [1]


def test_batches_group_by_session_and_user_in_order(
    queue: EventQueue, new_like: Callable[..., Like]
) -> None:
    a = [new_like("A") for _ in range(12)]
    b = [new_like("B", user_id="u-b") for _ in range(3)]
    for like in (a[0], b[0], *a[1:6], b[1], *a[6:], b[2]):
        queue.record_like(like)
    first = queue.next_batch(ALL)
    assert first is not None
    assert (first.operation, first.session_id, first.user_id) == ("PutEvents", "A", None)
    assert [r.record_id for r in first.rows] == [x.event_id for x in a[:10]]
    queue.ack(first.ids)
    second = queue.next_batch(ALL)
    assert second is not None and second.session_id == "B" and second.user_id == "u-b"
    assert [r.record_id for r in second.rows] == [x.event_id for x in b]
    queue.ack(second.ids)
    third = queue.next_batch(ALL)
    assert third is not None and [r.record_id for r in third.rows] == [x.event_id for x in a[10:]]


def test_same_visit_with_and_without_user_are_separate_calls(
    queue: EventQueue, new_like: Callable[..., Like]
) -> None:
    queue.record_like(new_like("A"))
    queue.record_like(new_like("A", user_id="u1"))
    batch = queue.next_batch(ALL)
    assert batch is not None and len(batch) == 1 and batch.user_id is None


def test_kinds_filter_and_users_items_batches(queue: EventQueue) -> None:
    for n in range(12):
        queue.record_user(f"user-{n}", Emotion.CALM)
    queue.record_item(Item("emotions/calm/x.jpg", Emotion.CALM, "/x.jpg", added_at=1.7e9))
    assert queue.next_batch([RecordKind.EVENT]) is None
    users = queue.next_batch([RecordKind.USER, RecordKind.ITEM])
    assert users is not None and users.operation == "PutUsers" and len(users) == 10
    items = queue.next_batch([RecordKind.ITEM])
    assert items is not None and items.operation == "PutItems"
    assert json.loads(items.rows[0].body["properties"]) == {
        "emotion": "CALM", "creationTimestamp": 1700000000}


def test_ack_deletes_and_counts_across_restart(
    db_path: Path, new_like: Callable[..., Like]
) -> None:
    with EventQueue(db_path) as q:
        for _ in range(3):
            q.record_like(new_like())
        batch = q.next_batch(ALL)
        assert batch is not None
        assert q.ack(batch.ids) == 3
        assert q.ack(batch.ids) == 0  # already gone: not counted twice
    with EventQueue(db_path) as q:
        counts = q.counts()
        assert counts.pending_total == 0 and counts.sent_total == 3


def test_dead_letter_export_and_retry_keep_order(
    queue: EventQueue, tmp_path: Path, new_like: Callable[..., Like]
) -> None:
    likes = [new_like() for _ in range(3)]
    ids = [queue.record_like(x) for x in likes]
    assert queue.dead_letter(ids[:2], "InvalidInputException", "bad itemId") == 2
    counts = queue.counts()
    assert (counts.pending_total, counts.dead, counts.dead_total) == (1, 2, 2)
    assert queue.status()["dead_by_error"] == {"InvalidInputException": 2}

    out = tmp_path / "dead.jsonl"
    assert queue.export(out) == 2
    lines = [json.loads(x) for x in out.read_text().splitlines()]
    assert [x["recordId"] for x in lines] == [x.event_id for x in likes[:2]]
    assert lines[0]["error"]["code"] == "InvalidInputException"
    assert lines[0]["operation"] == "PutEvents" and lines[0]["entry"]["itemId"]
    buffer = io.StringIO()
    assert queue.export(buffer, pending=True) == 3

    assert queue.retry_dead(code="SomethingElse") == 0
    assert queue.retry_dead() == 2
    batch = queue.next_batch(ALL)
    assert batch is not None and list(batch.ids) == ids  # original order restored
    assert queue.counts().dead == 0


def test_note_attempt_counts_per_row(queue: EventQueue, new_like: Callable[..., Like]) -> None:
    row = queue.record_like(new_like())
    assert queue.note_attempt([row]) == 1
    assert queue.note_attempt([row]) == 2


def test_closed_queue_raises(db_path: Path, new_like: Callable[..., Like]) -> None:
    q = EventQueue(db_path)
    q.close()
    with pytest.raises(EventsError, match="closed"):
        q.record_like(new_like())


@pytest.mark.parametrize("starved", [False, True], ids=["default-waits", "starved"])
def test_concurrent_recorders_and_acker_lose_nothing(
    db_path: Path, new_like: Callable[..., Like], starved: bool
) -> None:
    """4 recorders and an acker at once: every like is sent exactly once. A like whose
    bounded lock wait runs out is kept in the spool (returns 0), and queued from there
    once the lock goes, by a later like or the uploader's pass (`ingest_spool`), while
    the other recorders keep appending to it. `starved` makes that happen for sure:
    another connection holds the write lock until a like went to the spool, and every
    wait is cut to its minimum. (Before round 22 a like was refused with QueueBusyError
    and the caller tried again.)"""
    queue = EventQueue(db_path, busy_timeout_s=0.05 if starved else 2.0,
                       lock_wait_s=0.0 if starved else None)
    recorded: list[str] = []
    acked: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()
    done = threading.Event()
    fresh = threading.Event()
    busy_seen = threading.Event()
    spooled = threading.Event()
    refused: list[str] = []
    released = threading.Event()
    retries = [0]
    queue.add_listener(fresh.set)
    holder = sqlite3.connect(db_path, isolation_level=None)
    if starved:
        holder.execute("BEGIN IMMEDIATE")  # nobody writes until a wait has run out
    else:
        released.set()

    def busy() -> None:
        with lock:
            retries[0] += 1
        busy_seen.set()
        released.wait(30)

    def record(worker: int) -> None:
        try:
            for n in range(40):
                like = new_like(f"visit-{worker}-{n % 3}")
                while True:
                    try:
                        if queue.record_like(like) == 0:  # kept in the spool: saved
                            spooled.set()
                        break
                    except QueueBusyError:  # not saved: tried again, same event id
                        refused.append(like.event_id)
                        busy()
                with lock:
                    recorded.append(like.event_id)
        except BaseException as exc:
            errors.append(exc)

    def drain() -> None:
        try:
            while True:
                finished = done.is_set()
                fresh.clear()
                batch = queue.next_batch(ALL)
                if batch is None:
                    if finished:
                        return
                    fresh.wait(5.0)  # woken by the next record or by `done`
                    continue
                try:
                    queue.ack(batch.ids)
                except QueueBusyError:  # not acked: the same rows come back
                    busy()
                    continue
                acked.extend(r.record_id for r in batch.rows)
        except BaseException as exc:
            errors.append(exc)

    workers = [threading.Thread(target=record, args=(w,), name=f"kiosk-test-rec-{w}")
               for w in range(4)]
    acker = threading.Thread(target=drain, name="kiosk-test-acker")
    try:
        acker.start()
        for t in workers:
            t.start()
        if starved:
            assert spooled.wait(30), "no lock wait ran out while the lock was held"
            holder.execute("ROLLBACK")
            released.set()
        for t in workers:
            t.join(60)
        queue.ingest_spool()  # the uploader's pass: what no later like brought in
        done.set()
        fresh.set()
        acker.join(60)
    finally:
        released.set()
        holder.close()
    assert not errors
    assert not any(t.is_alive() for t in [*workers, acker])
    assert sorted(acked) == sorted(recorded) and len(set(recorded)) == 160
    assert _rows(db_path, "SELECT count(*) FROM records") == [(0,)]
    assert queue.refresh_counts().sent_total == 160
    assert spooled.is_set() or not starved
    assert refused == []  # no like was refused (the acker may have met the lock)
    assert not queue.spool_waiting()
    queue.close()


def test_queue_opens_through_the_kiosk_sqlite_policy(db_path: Path) -> None:
    from kiosk.storage import sqlite as store

    with EventQueue(db_path, synchronous="normal") as q:
        conn = q._conn()
        assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1  # the policy's
        assert conn.execute("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL, as asked
    assert schema.SCHEMA.version == schema.LATEST
    # the same file opens with the shared helper at the same version
    other = store.open_store(db_path, schema.SCHEMA)
    try:
        assert store.user_version(other) == schema.LATEST
    finally:
        other.close()
    with pytest.raises(ValueError, match="synchronous"):
        EventQueue(db_path, synchronous="sometimes")
