"""A like's write under another program's lock is bounded from its own tap, not from
when its write began: the events worker writes one thing at a time, so a second like
tapped during one lock waited behind the first (up to `LOCK_WAIT_S`) and then retried
for its own `LOCK_WAIT_S`: answered up to ~40 s after its tap, after its visit had
ended. Since round 22 that bound is `SPOOL_LOCK_WAIT_S` (2 s) from the tap, and a like
that reaches it is kept in the spool (saved, queued later) instead of refused
(`tests/events/test_like_spool.py`). New users keep their whole `LOCK_WAIT_S`, and what
impressions spool is kept.

The lock is a second connection in `BEGIN EXCLUSIVE` (an sqlite3 shell); time is a
`FakeClock` the queue's retries read and advance (`clock`, `pause`): no sleeping."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.backend import KioskBackend
from kiosk.domain import Emotion, Item, Like, Page
from kiosk.events import QueueBusyError
from kiosk.events.queue import EventQueue
from kiosk.events.records import user_record
from kiosk.events.rows import LOCK_WAIT_S, SPOOL_LOCK_WAIT_S
from kiosk.testing import FakeClock
from tests.events.conftest import make_like

Locked = tuple[EventQueue, FakeClock, sqlite3.Connection]


@pytest.fixture
def locked(db_path: Path) -> Iterator[Locked]:
    clock = FakeClock(1000.0)
    queue = EventQueue(db_path, busy_timeout_s=0.001, clock=clock, pause=clock.advance)
    holder = sqlite3.connect(db_path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    yield queue, clock, holder
    if holder.in_transaction:
        holder.execute("ROLLBACK")
    holder.close()
    queue.close()


def event_ids(db_path: Path) -> set[str]:
    with sqlite3.connect(db_path) as conn:
        return {str(r[0]) for r in conn.execute("SELECT record_id FROM records")}


def test_a_like_queued_behind_another_is_spooled_within_its_own_bound(
        locked: Locked, db_path: Path) -> None:
    queue, clock, _ = locked
    first, second = make_like(item="emotions/happy/a.jpg"), make_like(item="emotions/happy/b.jpg")
    first_tap = clock.now
    second_tap = clock.advance(1.5)  # tapped while the first is being retried
    assert queue.record_like(first, tap_monotonic=first_tap) == 0  # kept in the spool
    assert clock.now == first_tap + SPOOL_LOCK_WAIT_S  # its own bound, no try begun past it
    assert queue.record_like(second, tap_monotonic=second_tap) == 0
    # only what was left of its own wait (1.5 s); old code: refused after 20 s, then
    # the second refused 20 s after its own tap
    assert clock.now == second_tap + SPOOL_LOCK_WAIT_S
    assert event_ids(db_path) == set()  # nothing half-written in the file
    spooled = queue.spool_path.read_text()
    assert first.event_id in spooled and second.event_id in spooled
    assert queue.locked  # the admin panel says why


def test_a_like_past_its_bound_behind_another_still_gets_one_try(
        locked: Locked, db_path: Path) -> None:
    # two quick taps: when the first gives up, the second's bound has passed too; the
    # other program lets go just then: one try without waiting saves it (not refused
    # unseen), and it answers at once
    queue, clock, holder = locked
    first, second = make_like(item="emotions/happy/a.jpg"), make_like(item="emotions/happy/b.jpg")
    tap = clock.now
    assert queue.record_like(first, tap_monotonic=tap) == 0  # spooled
    holder.execute("ROLLBACK")
    given_up = clock.now
    assert queue.record_like(second, tap_monotonic=tap) > 0
    assert clock.now == given_up
    # the first came in from the spool with it
    assert event_ids(db_path) == {first.event_id, second.event_id}
    assert not queue.locked and not queue.spool_waiting()


def test_a_like_past_its_bound_under_the_lock_is_spooled_without_waiting(
        locked: Locked) -> None:
    queue, clock, _ = locked
    tap = clock.now
    clock.advance(SPOOL_LOCK_WAIT_S + 2)  # it waited behind another write all this time
    like = make_like()
    assert queue.record_like(like, tap_monotonic=tap) == 0  # old code: QueueBusyError
    assert clock.now == tap + SPOOL_LOCK_WAIT_S + 2  # one try, no retries
    assert like.event_id in queue.spool_path.read_text()


def test_other_writers_keep_their_whole_wait_and_what_they_spool(
        locked: Locked, db_path: Path) -> None:
    # an impression is kept in the spool (never dropped) after a short wait: nobody
    # waits on it, and a like may be queued behind it; a record that is not spooled
    # (`record` without spool: the fleet's metrics) gets LOCK_WAIT_S from when its write
    # begins, however long ago anything was tapped
    queue, clock, holder = locked
    started = clock.advance(30.0)
    assert queue.record_impression("visit-1", ["emotions/happy/a.jpg"], sent_at=1.0) == 0
    assert started + SPOOL_LOCK_WAIT_S <= clock.now < started + SPOOL_LOCK_WAIT_S + 1
    assert queue.spool_path.is_file()
    started = clock.now
    with pytest.raises(QueueBusyError):
        queue.record(user_record("user-1", Emotion.HAPPY))
    assert clock.now >= started + LOCK_WAIT_S
    holder.execute("ROLLBACK")
    like = make_like()
    queue.record_like(like, tap_monotonic=clock.now)  # saved; the spool comes with it
    assert queue.refresh_counts().pending == {"event": 1, "impression": 1, "user": 0,
                                              "item": 0}
    assert not queue.spool_path.exists()


def test_the_backend_passes_the_tap_to_the_queue(locked: Locked) -> None:
    # and a like kept in the spool is a saved like: returned, counted by the listeners
    # (the audience analytics, the fleet's Likes), its page's impression riding on it
    queue, clock, _ = locked
    backend = KioskBackend(queue=queue)
    heard: list[Like] = []
    backend.like_listeners.append(heard.append)
    page = Page((Item("emotions/happy/a.jpg", Emotion.HAPPY, "x"),), Emotion.HAPPY, "v1")
    tap = clock.now
    clock.advance(SPOOL_LOCK_WAIT_S - 1)  # queued behind another write for 1 s
    like = backend.commit_like(page, "emotions/happy/a.jpg", 1_700_000_000.0, None, tap)
    assert clock.now == tap + SPOOL_LOCK_WAIT_S  # old code: 1 s + its own 20 s, refused
    assert heard == [like] and like.event_id in queue.spool_path.read_text()
    assert (page.visit_id, page.index) in backend._liked_pages


def test_no_try_waits_for_the_lock_past_the_likes_bound(db_path: Path) -> None:
    # each try's wait for the lock is capped to what is left (here nothing: one try
    # that SQLite answers at once), then the queue's own busy timeout is back
    clock = FakeClock(1000.0)
    statements: list[str] = []
    queue = EventQueue(db_path, busy_timeout_s=30.0, clock=clock, pause=clock.advance,
                       on_connect=lambda conn: conn.set_trace_callback(statements.append))
    holder = sqlite3.connect(db_path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        tap = clock.now
        clock.advance(SPOOL_LOCK_WAIT_S)
        statements.clear()
        assert queue.record_like(make_like(), tap_monotonic=tap) == 0  # then spooled
        tries = [s for s in statements if s.startswith(("PRAGMA busy_timeout", "BEGIN"))]
        assert tries == ["PRAGMA busy_timeout = 0", "BEGIN IMMEDIATE",
                         "PRAGMA busy_timeout = 30000"]
    finally:
        holder.execute("ROLLBACK")
        holder.close()
        queue.close()


def test_a_like_behind_an_impression_is_answered_within_its_own_bound(
        locked: Locked, db_path: Path) -> None:
    """Black box, round 19: like (t=0), Next (t=1.1: the page's impression is queued on
    the events worker behind the like), like on the new page (t=1.5). The first like was
    refused at t=20; the impression then retried for 20 s of its own, so the second like
    got its one late try at t=40 (its bound then: 20 s; the visit controller waited
    25 s). Now the first like is spooled at t=2, the impression, written right after a
    write found the queue locked, makes one try and goes to the spool, the second like
    has the rest of its own 2 s, and all three are queued once the lock goes."""
    queue, clock, holder = locked
    first, second = make_like(item="emotions/happy/a.jpg"), make_like(item="emotions/happy/b.jpg")
    first_tap = clock.now
    second_tap = first_tap + 1.5
    assert queue.record_like(first, tap_monotonic=first_tap) == 0
    assert clock.now == first_tap + SPOOL_LOCK_WAIT_S
    assert queue.record_impression("visit-1", ["emotions/happy/a.jpg"], sent_at=1.0) == 0
    assert clock.now == first_tap + SPOOL_LOCK_WAIT_S  # no wait: just found locked
    assert queue.record_like(second, tap_monotonic=second_tap) == 0
    # what was left of its own 2 s (old code: refused at first_tap + 40)
    assert clock.now == second_tap + SPOOL_LOCK_WAIT_S
    holder.execute("ROLLBACK")
    assert queue.ingest_spool() == 3
    assert queue.refresh_counts().pending == {"event": 2, "impression": 1, "user": 0,
                                              "item": 0}
    assert not queue.spool_path.exists()
    assert event_ids(db_path) >= {first.event_id, second.event_id}


def test_an_impression_under_a_lock_waits_only_briefly_then_is_spooled(
        locked: Locked) -> None:
    # the first write to meet the lock: at most SPOOL_LOCK_WAIT_S (old code: LOCK_WAIT_S)
    queue, clock, holder = locked
    started = clock.now
    assert queue.record_impression("visit-1", ["emotions/happy/a.jpg"], sent_at=1.0) == 0
    assert clock.now - started <= SPOOL_LOCK_WAIT_S + 0.5
    assert queue.locked  # the next spooled write makes one try, no wait
    again = clock.now
    assert queue.record_impression("visit-1", ["emotions/happy/b.jpg"], sent_at=2.0) == 0
    assert clock.now == again
    assert len(queue.spool_path.read_text().splitlines()) == 2
    holder.execute("ROLLBACK")  # let go: the next one is saved, the spool comes with it
    assert queue.record_impression("visit-1", ["emotions/happy/c.jpg"], sent_at=3.0) > 0
    assert queue.refresh_counts().pending["impression"] == 3
    assert not queue.spool_path.exists() and not queue.locked
