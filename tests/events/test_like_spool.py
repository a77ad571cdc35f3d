"""A like that meets another program's lock on the event queue is never lost (black box,
round 22, D1): it waits for the lock until `SPOOL_LOCK_WAIT_S` after its tap, then goes
to the spool (fsync'd) and is answered as saved; once the lock goes it is queued from the
spool exactly once, with its own ids and sent time, and uploaded like any other like.
Before, a like was never spooled: retried until `LOCK_WAIT_S` (20 s) after its tap,
then refused (`QueueBusyError`) and, when its visit had ended meanwhile, lost.

The lock is a second connection in `BEGIN EXCLUSIVE` (an sqlite3 shell); time is a
`FakeClock` the queue's retries read and advance: no sleeping. A "crash" is a queue
dropped without closing, or a step of the ingest cut off, and a new queue opened on the
same files."""

from __future__ import annotations

import errno
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from kiosk.domain import Emotion
from kiosk.events.errors import DiskFullError, EventsError
from kiosk.events.queue import EventQueue
from kiosk.events.records import RecordKind, user_record
from kiosk.events.rows import SPOOL_LOCK_WAIT_S
from kiosk.events.spool import Spool
from kiosk.events.testing import FakePersonalizeEvents
from kiosk.events.uploader import Uploader
from tests.events.conftest import Locked, make_like, pending, rows_of, spooled_ids


def test_a_like_kept_in_the_spool_logs_no_error(
        locked: Locked, caplog: pytest.LogCaptureFixture) -> None:
    # new user's trial: every spooled like logged "ERROR … could not save an event:
    # still locked", then a WARNING that it was kept: an ERROR for nothing lost
    like = make_like()
    with caplog.at_level("INFO", logger="kiosk.events"):
        assert locked.queue.record_like(like, tap_monotonic=locked.clock.now) == 0
    assert spooled_ids(locked.queue) == [like.event_id]
    assert not [r for r in caplog.records if r.levelname == "ERROR"]
    assert "kept in" in caplog.text


def test_a_like_under_a_long_lock_is_saved_in_the_spool_within_its_wait(
        locked: Locked) -> None:
    queue, clock = locked.queue, locked.clock
    like = make_like(visit="visit-7", item="emotions/happy/b.jpg", user_id="user-3",
                     recommendation_id="rec-1", impression=("emotions/happy/b.jpg",))
    tap = clock.now
    assert queue.record_like(like, tap_monotonic=tap) == 0  # old code: QueueBusyError
    # answered within its own wait from the tap (old code: 20 s, then refused)
    assert tap + SPOOL_LOCK_WAIT_S <= clock.now < tap + SPOOL_LOCK_WAIT_S + 0.5
    assert spooled_ids(queue) == [like.event_id]
    clock.advance(45.0)  # the lock is held much longer than LOCK_WAIT_S
    assert queue.ingest_spool() == 0  # still locked: it stays in the spool, unharmed
    assert spooled_ids(queue) == [like.event_id]
    locked.release()
    assert queue.ingest_spool() == 1
    assert not queue.spool_waiting() and spooled_ids(queue) == []
    [row] = pending(queue)
    body = row["entry"]
    assert (row["kind"], row["recordId"], row["sessionId"], row["userId"]) == (
        "event", like.event_id, "visit-7", "user-3")
    assert (body["eventId"], body["itemId"], body["sentAt"], body["recommendationId"]) == (
        like.event_id, "emotions/happy/b.jpg", like.sent_at, "rec-1")
    assert queue.refresh_counts().pending["event"] == 1


def test_a_spooled_like_is_queued_exactly_once(locked: Locked) -> None:
    queue, db = locked.queue, locked.db
    first, second = make_like(item="emotions/happy/a.jpg"), make_like(item="emotions/happy/b.jpg")
    assert queue.record_like(first, tap_monotonic=locked.clock.now) == 0
    locked.release()
    # the next write brings it in; every later ingest, and a restart, finds nothing new
    assert queue.record_like(second, tap_monotonic=locked.clock.now) > 0
    assert queue.ingest_spool() == 0
    queue.close()
    locked.queue = queue = locked.open()
    assert queue.ingest_spool() == 0
    assert rows_of(db, first.event_id) == 1 and rows_of(db, second.event_id) == 1
    assert queue.refresh_counts().pending["event"] == 2


def test_a_crash_between_the_spool_and_the_queue_loses_nothing(locked: Locked) -> None:
    # the kiosk dies with the like in the spool (the lock still held): the next start
    # queues it once the lock is gone
    like = make_like()
    assert locked.queue.record_like(like, tap_monotonic=locked.clock.now) == 0
    locked.queue.close()  # killed: nothing more of this run
    locked.release()
    locked.queue = queue = locked.open()
    assert [r["recordId"] for r in pending(queue)] == [like.event_id]
    assert spooled_ids(queue) == []


def test_a_crash_after_the_spool_was_taken_but_before_it_was_queued(
        locked: Locked) -> None:
    # killed between taking the spool (renamed to a file of its own) and the commit:
    # the taken file is found by the next ingest (old code: left beside it forever)
    like = make_like()
    queue = locked.queue
    assert queue.record_like(like, tap_monotonic=locked.clock.now) == 0
    queue.spool_path.replace(queue.spool_path.with_name(queue.spool_path.name + ".4242"))
    queue.close()
    locked.release()
    locked.queue = queue = locked.open()
    assert [r["recordId"] for r in pending(queue)] == [like.event_id]
    assert spooled_ids(queue) == []


def test_a_crash_after_the_commit_before_the_file_went_queues_nothing_twice(
        locked: Locked, monkeypatch: pytest.MonkeyPatch) -> None:
    # killed after the spool's records were committed, before its file was deleted; the
    # like is uploaded (and its row deleted) before the next ingest finds the file: the
    # file's marker, committed with the rows, says it was queued, so it is not again
    like = make_like()
    queue = locked.queue
    assert queue.record_like(like, tap_monotonic=locked.clock.now) == 0
    locked.release()
    monkeypatch.setattr(Spool, "done", lambda self, taken: None)  # dies before the delete
    assert queue.ingest_spool() == 1
    monkeypatch.undo()
    assert spooled_ids(queue) == [like.event_id]  # the taken file is still there
    batch = queue.next_batch([RecordKind.EVENT])
    assert batch is not None and [r.record_id for r in batch.rows] == [like.event_id]
    queue.ack(batch.ids)  # uploaded
    queue.close()
    locked.queue = queue = locked.open()
    assert pending(queue) == [] and spooled_ids(queue) == []
    assert queue.refresh_counts().sent_total == 1


def test_a_spool_cut_short_by_a_power_cut_keeps_the_next_like(locked: Locked) -> None:
    queue = locked.queue
    queue.spool_path.write_bytes(b'{"kind": "event", "record_id": "cut')  # no newline
    like = make_like()
    assert queue.record_like(like, tap_monotonic=locked.clock.now) == 0
    locked.release()
    assert queue.ingest_spool() == 1
    assert [r["recordId"] for r in pending(queue)] == [like.event_id]


@pytest.mark.parametrize(("err", "raised", "words"), [
    (errno.ENOSPC, DiskFullError, "keep the event"),
    (errno.EROFS, EventsError, "failed too"),
])
def test_a_like_the_spool_cannot_take_either_is_refused(
        locked: Locked, monkeypatch: pytest.MonkeyPatch, err: int,
        raised: type[Exception], words: str) -> None:
    def cannot(self: Spool, record: object) -> None:
        raise OSError(err, "no")

    monkeypatch.setattr(Spool, "append", cannot)
    with pytest.raises(raised, match=words):
        locked.queue.record_like(make_like(), tap_monotonic=locked.clock.now)
    assert not locked.queue.spool_path.exists()
    locked.release()
    assert locked.queue.refresh_counts().pending_total == 0


def test_an_append_racing_a_take_lands_in_the_new_spool(locked: Locked) -> None:
    # the uploader takes the spool between an append's open and its write: the append
    # sees its file is no longer the spool and writes the new one (never a taken file
    # that was already read)
    queue, spool = locked.queue, locked.queue._spool
    first, second = make_like(), make_like()
    assert queue.record_like(first, tap_monotonic=locked.clock.now) == 0
    real_open: Callable[..., int] = __import__("os").open
    taken: list[Path] = []

    def open_then_taken(path: Any, flags: int, *args: Any) -> int:
        fd = real_open(path, flags, *args)
        if not taken and Path(path) == spool.path:
            taken.append(spool.path.with_name(spool.path.name + ".race"))
            spool.path.replace(taken[0])  # another thread's take, right after the open
        return fd

    import kiosk.events.spool as spool_module
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(spool_module.os, "open", open_then_taken)
        assert queue.record_like(second, tap_monotonic=locked.clock.now) == 0
    assert [r.record_id for r in spool.read(taken[0])] == [first.event_id]
    assert [r.record_id for r in spool.read(spool.path)] == [second.event_id]


def test_impressions_and_new_users_are_spooled_and_queued_once(locked: Locked) -> None:
    # an impression is still spooled after its short wait. A new user (identity's
    # PutUsers, its face already enrolled in Rekognition) is too: before, it was retried
    # for LOCK_WAIT_S and refused, and identity only logged it (the record was lost)
    queue, clock = locked.queue, locked.clock
    assert queue.record_impression("visit-1", ["emotions/happy/a.jpg"], sent_at=1.0) == 0
    started = clock.now
    assert queue.record_user("user-1", Emotion.HAPPY, {"gender": "f"}) == 0
    assert clock.now < started + SPOOL_LOCK_WAIT_S + 0.5  # old: QueueBusyError after 20 s
    assert len(spooled_ids(queue)) == 2
    locked.release()
    assert queue.ingest_spool() == 2
    assert queue.ingest_spool() == 0 and spooled_ids(queue) == []
    assert queue.refresh_counts().pending == {"event": 0, "impression": 1, "user": 1,
                                              "item": 0}
    [user] = [r for r in pending(queue) if r["kind"] == "user"]
    assert (user["userId"], user["entry"]["userId"]) == ("user-1", "user-1")
    assert user["entry"] == user_record("user-1", Emotion.HAPPY, {"gender": "f"}).body


def test_forget_me_also_forgets_what_waits_in_the_spool(locked: Locked) -> None:
    # a visitor's like and PutUsers were kept in the spool; they tap "Forget me" after
    # the lock went, before anything queued the spool: what was spooled is queued first
    # and deleted with the rest (before, it was queued after the forget and uploaded)
    queue = locked.queue
    assert queue.record_user("user-1", Emotion.HAPPY) == 0
    assert queue.record_like(make_like(user_id="user-1"),
                             tap_monotonic=locked.clock.now) == 0
    assert queue.record_like(make_like(user_id="user-2"),
                             tap_monotonic=locked.clock.now) == 0
    locked.release()
    assert queue.forget_users(["user-1"]) == 2
    assert queue.ingest_spool() == 0 and spooled_ids(queue) == []
    assert [r["userId"] for r in pending(queue)] == ["user-2"]


def test_the_uploader_queues_the_spool_when_the_lock_goes_and_sends_it_once(
        locked: Locked, make_uploader: Callable[..., Uploader],
        endpoint: FakePersonalizeEvents) -> None:
    like = make_like()
    assert locked.queue.record_like(like, tap_monotonic=locked.clock.now) == 0
    uploader = make_uploader(q=locked.queue)
    uploader.start()
    assert not uploader.flush(0.5)  # the lock holds: nothing can be queued or sent yet
    assert endpoint.event_ids() == []
    locked.release()  # no other write comes: the uploader's next pass queues it
    assert uploader.flush(10.0)
    assert endpoint.event_ids() == [like.event_id]
    assert locked.queue.refresh_counts().pending_total == 0
    assert spooled_ids(locked.queue) == []


def test_an_export_of_the_pending_records_lists_the_spooled_like_once(
        locked: Locked) -> None:
    # `kiosk-admin events export --pending` (a reader: it never takes the spool) during
    # the lock, and after it: the like is in the export both times, once
    like = make_like()
    assert locked.queue.record_like(like, tap_monotonic=locked.clock.now) == 0
    with EventQueue(locked.db, upgrade=False) as reader:
        assert [(r["state"], r["recordId"], r["entry"]["eventId"]) for r in pending(reader)] \
            == [("spooled", like.event_id, like.event_id)]
        # `kiosk-admin events status` counts it too (before: only the export showed it)
        status = reader.status()
        assert (status["spooled"], status["spooled_by_kind"]) == (1, {"event": 1})
    locked.release()
    assert locked.queue.ingest_spool() == 1
    with EventQueue(locked.db, upgrade=False) as reader:
        assert [(r["state"], r["recordId"]) for r in pending(reader)] == [
            ("pending", like.event_id)]
        status = reader.status()
        assert (status["spooled"], status["pending_by_kind"]["event"]) == (0, 1)


def test_the_counts_include_what_waits_in_the_spool(locked: Locked) -> None:
    # black box: the admin panel's Event queue tile said "0 waiting" while `kiosk-admin
    # events status` said `spooled 1`: the counts it reads (in memory) had no spool
    like = make_like()
    assert locked.queue.record_like(like, tap_monotonic=locked.clock.now) == 0
    counts = locked.queue.counts()  # a memory read, as the panel's QueueStatus.of does
    assert (counts.pending_total, counts.spooled) == (0, 1)
    locked.queue.close()  # the kiosk stops with the like in the spool, the lock held
    locked.queue = queue = locked.open()  # its start cannot queue it: counted all the same
    assert (queue.counts().pending_total, queue.counts().spooled) == (0, 1)
    locked.release()
    assert queue.ingest_spool() == 1
    assert (queue.counts().pending_total, queue.counts().spooled) == (1, 0)
