"""End-to-end drains through botocore into the local fake endpoint: grouping and order,
offline → online, 500 and throttling retries, a stalled call, dead letters, restarts,
the rate limit and the thread's lifecycle."""

from __future__ import annotations

import json
import random
import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import boto3
import botocore.exceptions
import pytest
from botocore.config import Config

from kiosk.config import AwsSettings
from kiosk.domain import Emotion, Like
from kiosk.events.errors import EventsError
from kiosk.events.queue import EventQueue
from kiosk.events.records import Targets
from kiosk.events.testing import FakePersonalizeEvents, Mode
from kiosk.events.uploader import RateLimiter, Uploader, UploaderState

from .conftest import TRACKING_ID, USERS_ARN, StatusWatch, fast_aws


def _record(queue: EventQueue, likes: list[Like]) -> list[str]:
    for like in likes:
        queue.record_like(like)
    return [x.event_id for x in likes]


def test_drains_grouped_by_session_at_most_ten_in_order(
    queue: EventQueue, endpoint: FakePersonalizeEvents,
    make_uploader: Callable[..., Uploader], new_like: Callable[..., Like],
) -> None:
    groups: list[tuple[str, str | None]] = [("A", None), ("B", "user-b"), ("A", "user-a"),
                                            ("C", None)]
    order: dict[tuple[str, str | None], list[str]] = {}
    for n in range(47):  # 30 interleaved across four groups, then 17 more for ("A", None)
        visit, user = groups[n % 4] if n < 30 else groups[0]
        like = new_like(visit, user_id=user)
        queue.record_like(like)
        order.setdefault((visit, user), []).append(like.event_id)
    uploader = make_uploader()
    uploader.start()
    assert uploader.flush(10.0)

    sent: dict[tuple[str, str | None], list[str]] = {}
    for call in endpoint.calls():
        body = call.body
        assert call.operation == "PutEvents" and call.signed
        assert body["trackingId"] == TRACKING_ID
        assert 1 <= len(body["eventList"]) <= 10
        key = (body["sessionId"], body.get("userId"))
        sent.setdefault(key, []).extend(call.event_ids)
    # every group complete, each in recording order (a resend after a timeout on a busy
    # machine would repeat ids, which Personalize ignores; the order is what matters)
    assert {k: list(dict.fromkeys(v)) for k, v in sent.items()} == order
    assert set(endpoint.accepted_event_ids) == {i for ids in order.values() for i in ids}
    status = uploader.status()
    assert (status.state, status.online, status.pending, status.sent_total) == (
        UploaderState.IDLE, True, 0, 47)
    assert json.dumps(status.to_dict())  # JSON-ready for the admin command


def test_offline_then_online_drains_without_a_flush(
    queue: EventQueue, endpoint: FakePersonalizeEvents,
    make_uploader: Callable[..., Uploader], new_like: Callable[..., Like],
) -> None:
    endpoint.set_mode(Mode.REFUSE)
    uploader = make_uploader()
    seen = StatusWatch(uploader)
    uploader.start()
    ids = _record(queue, [new_like() for _ in range(3)])
    assert seen.wait(lambda s: s.state is UploaderState.OFFLINE and s.online is False)
    status = uploader.status()
    assert status.pending == 3 and "EndpointConnectionError" in (status.last_error or "")
    assert not endpoint.calls()

    endpoint.set_mode(Mode.SUCCEED)
    assert endpoint.wait_accepted(ids, timeout=10.0)
    assert seen.wait(lambda s: s.online is True and s.pending == 0)


def test_new_record_while_offline_does_not_skip_the_backoff(
    queue: EventQueue, endpoint: FakePersonalizeEvents,
    make_uploader: Callable[..., Uploader], new_like: Callable[..., Like],
) -> None:
    endpoint.set_mode(Mode.REFUSE)
    uploader = make_uploader(offline_retry_s=30.0, base_backoff_s=20.0, max_backoff_s=30.0)
    seen = StatusWatch(uploader)
    uploader.start()
    queue.record_like(new_like())
    assert seen.wait(lambda s: s.state is UploaderState.OFFLINE)
    endpoint.set_mode(Mode.SUCCEED)
    queue.record_like(new_like())  # wakes the thread, which goes back to waiting
    assert not endpoint.wait_for(lambda e: bool(e.calls()), timeout=0.3)
    uploader.notify_online()  # another part of the kiosk reached AWS: try now
    assert endpoint.wait_for(lambda e: len(e.accepted_event_ids) == 2, timeout=10.0)


def test_server_errors_and_throttling_are_retried_with_the_same_ids(
    queue: EventQueue, endpoint: FakePersonalizeEvents,
    make_uploader: Callable[..., Uploader], new_like: Callable[..., Like],
) -> None:
    endpoint.script(Mode.ERROR_500, Mode.THROTTLE, Mode.ERROR_500)
    ids = _record(queue, [new_like() for _ in range(2)])
    uploader = make_uploader()
    seen = StatusWatch(uploader)
    uploader.start()
    assert endpoint.wait_accepted(ids, timeout=10.0)
    calls = endpoint.calls()
    assert [c.mode for c in calls] == [Mode.ERROR_500, Mode.THROTTLE, Mode.ERROR_500,
                                       Mode.SUCCEED]
    assert all(c.event_ids == ids for c in calls)
    assert seen.wait(lambda s: s.state is UploaderState.BACKOFF and s.online is True)
    assert seen.wait(lambda s: s.pending == 0 and s.sent_total == 2)
    assert queue.counts().dead == 0


def test_backoff_grows_and_is_capped(
    queue: EventQueue, endpoint: FakePersonalizeEvents,
    make_uploader: Callable[..., Uploader], new_like: Callable[..., Like],
) -> None:
    endpoint.set_mode(Mode.THROTTLE)
    queue.record_like(new_like())
    # exactly one HTTP attempt per call, so every retry seen is the uploader's own
    client = boto3.client(
        "personalize-events", region_name="us-east-1", endpoint_url=endpoint.url,
        config=Config(retries={"total_max_attempts": 1}, connect_timeout=1, read_timeout=1),
    )
    uploader = make_uploader(client=client, base_backoff_s=0.02, max_backoff_s=0.1)
    seen = StatusWatch(uploader)
    started = time.monotonic()
    uploader.start()
    assert endpoint.wait_for(lambda e: len(e.calls()) >= 8, timeout=10.0)
    elapsed = time.monotonic() - started
    assert elapsed >= 7 * 0.01  # never faster than half the base backoff: no tight loop
    assert uploader.stop()
    assert all(c.event_ids == endpoint.calls()[0].event_ids for c in endpoint.calls())
    retries = [s.retry_in_s for s in seen.seen if s.retry_in_s is not None]
    assert retries and max(retries) <= 0.1
    assert uploader.status().pending == 1


def test_stalled_call_times_out_and_is_resent(
    queue: EventQueue, endpoint: FakePersonalizeEvents,
    make_uploader: Callable[..., Uploader], new_like: Callable[..., Like],
) -> None:
    # two stalls: kiosk.aws's client config may let botocore retry a timeout once itself
    endpoint.script(Mode.STALL, Mode.STALL)
    ids = _record(queue, [new_like()])
    uploader = make_uploader(timeout_s=0.3)
    seen = StatusWatch(uploader)
    uploader.start()
    assert endpoint.wait_accepted(ids, timeout=10.0)
    endpoint.release_stalled()
    calls = endpoint.calls()
    assert [c.mode for c in calls][:2] == [Mode.STALL, Mode.STALL]
    assert calls[-1].mode is Mode.SUCCEED and all(c.event_ids == ids for c in calls)
    assert seen.wait(lambda s: s.state is UploaderState.OFFLINE
                     and "ReadTimeout" in (s.last_error or ""))
    assert seen.wait(lambda s: s.pending == 0 and s.online is True)


def test_invalid_input_dead_letters_only_the_bad_like(
    queue: EventQueue, tmp_path: Path,
    make_uploader: Callable[..., Uploader], new_like: Callable[..., Like],
) -> None:
    with FakePersonalizeEvents(reject=lambda e: e.get("itemId") == "bad") as strict:
        likes = [new_like(item="good-1"), new_like(item="bad"), new_like(item="good-2")]
        _record(queue, likes)
        uploader = make_uploader(url=strict.url)
        uploader.start()
        assert uploader.flush(10.0)
        assert sorted(strict.accepted_event_ids) == sorted([likes[0].event_id,
                                                            likes[2].event_id])
        uploader.stop()
    status = uploader.status()
    assert (status.pending, status.dead, status.sent_total) == (0, 1, 2)
    out = tmp_path / "dead.jsonl"
    assert queue.export(out) == 1
    line = json.loads(out.read_text())
    assert line["recordId"] == likes[1].event_id
    assert line["error"]["code"] == "InvalidInputException"


def test_resource_not_found_dead_letters_then_retry_dead_delivers(
    queue: EventQueue, endpoint: FakePersonalizeEvents,
    make_uploader: Callable[..., Uploader], new_like: Callable[..., Like],
) -> None:
    endpoint.set_mode(Mode.NOT_FOUND)
    ids = _record(queue, [new_like() for _ in range(3)])
    uploader = make_uploader()
    uploader.start()
    assert uploader.flush(10.0)
    assert len(endpoint.calls()) == 1  # not split: the tracker itself is missing
    assert uploader.status().dead == 3
    assert queue.dead_summary() == {"ResourceNotFoundException": 3}

    endpoint.set_mode(Mode.SUCCEED)  # the operator fixed the tracking id
    assert queue.retry_dead() == 3
    assert uploader.flush(10.0)
    assert endpoint.accepted_event_ids == ids
    assert uploader.status().dead == 0


def test_restart_resumes_where_it_stopped(
    db_path: Path, endpoint: FakePersonalizeEvents,
    make_uploader: Callable[..., Uploader], new_like: Callable[..., Like],
) -> None:
    endpoint.set_mode(Mode.ERROR_500)
    endpoint.script(Mode.SUCCEED)  # the first call gets through, then the service fails
    first = EventQueue(db_path)
    ids = _record(first, [new_like() for _ in range(25)])
    uploader = make_uploader(q=first)
    uploader.start()
    assert endpoint.wait_for(lambda e: len(e.calls()) >= 2, timeout=10.0)
    assert uploader.stop()
    first.close()

    endpoint.set_mode(Mode.SUCCEED)
    second = EventQueue(db_path)
    try:
        assert second.counts().pending_total == 15
        resumed = make_uploader(q=second)
        resumed.start()
        assert resumed.flush(10.0)
        assert sorted(endpoint.accepted_event_ids) == sorted(ids)  # each exactly once
        assert second.counts().sent_total == 25
        resumed.stop()
    finally:
        second.close()


def test_only_configured_kinds_are_uploaded(
    queue: EventQueue, endpoint: FakePersonalizeEvents,
    make_uploader: Callable[..., Uploader], new_like: Callable[..., Like],
) -> None:
    queue.record_like(new_like())
    queue.record_user("user-1", Emotion.CALM)
    uploader = make_uploader(targets=Targets(dataset_arn_users=USERS_ARN))
    uploader.start()
    assert uploader.flush(10.0)
    assert [c.operation for c in endpoint.calls()] == ["PutUsers"]
    assert queue.counts().pending == {"event": 1, "impression": 0, "user": 0, "item": 0}


def test_rate_limiter_spaces_calls_evenly() -> None:
    now = [10.0]
    limiter = RateLimiter(1000.0, clock=lambda: now[0])
    waits = [limiter.reserve() for _ in range(5)]
    assert waits == [0.0, 0.001, 0.002, 0.003, 0.004] or all(
        abs(a - b) < 1e-9 for a, b in zip(waits, [0.0, 0.001, 0.002, 0.003, 0.004], strict=True))
    now[0] = 20.0
    assert limiter.reserve() == 0.0


def test_uploader_respects_the_request_rate(
    queue: EventQueue, endpoint: FakePersonalizeEvents,
    make_uploader: Callable[..., Uploader], new_like: Callable[..., Like],
) -> None:
    _record(queue, [new_like(f"visit-{n}") for n in range(11)])  # 11 calls
    uploader = make_uploader(max_requests_per_s=50.0)
    started = time.monotonic()  # before start(): its thread may send the first call at once
    uploader.start()
    assert uploader.flush(10.0)
    assert time.monotonic() - started >= 10 / 50.0
    assert len(endpoint.calls()) == 11


def test_lifecycle_flush_without_thread_and_stop(
    queue: EventQueue, make_uploader: Callable[..., Uploader], new_like: Callable[..., Like],
) -> None:
    uploader = make_uploader()
    assert not uploader.flush(0.1)  # not started
    uploader.start()
    names = [t.name for t in threading.enumerate()]
    assert "kiosk-uploader" in names
    assert uploader.stop(timeout=5.0)
    assert uploader.stop(timeout=5.0)  # idempotent
    assert uploader.status().state is UploaderState.STOPPED
    assert "kiosk-uploader" not in [t.name for t in threading.enumerate()]
    queue.record_like(new_like())  # no listener left behind


def test_not_configured_means_not_started(queue: EventQueue) -> None:
    uploader = Uploader(queue, Targets())
    assert not uploader.enabled
    uploader.start()
    assert uploader.status().state is UploaderState.STOPPED


def test_disk_full_shows_in_status(
    queue: EventQueue, make_uploader: Callable[..., Uploader]
) -> None:
    uploader = make_uploader()
    queue._disk_full = "cannot save to the event queue: the disk is full"
    assert uploader.status().disk_full == queue.disk_full



def test_a_row_no_call_can_carry_is_dead_lettered_not_blocking(
    queue: EventQueue, db_path: Path, endpoint: FakePersonalizeEvents,
    make_uploader: Callable[..., Uploader], new_like: Callable[..., Like],
) -> None:
    with sqlite3.connect(db_path) as conn:  # a damaged row at the head of the queue
        conn.execute(
            "INSERT INTO records (kind, record_id, grp, session_id, created_at, body) VALUES"
            " ('event', 'broken', ?, 'visit-x', 1.0, '{\"eventType\": \"like\"}')",
            ("events\x1fvisit-x\x1f",),
        )
    queue.refresh_counts()
    ids = _record(queue, [new_like()])
    uploader = make_uploader()
    uploader.start()
    assert uploader.flush(10.0)
    assert endpoint.accepted_event_ids == ids
    assert queue.dead_summary() == {"KeyError": 1}


def test_queue_errors_back_off_instead_of_ending_the_thread(
    queue: EventQueue, endpoint: FakePersonalizeEvents, monkeypatch: pytest.MonkeyPatch,
    make_uploader: Callable[..., Uploader], new_like: Callable[..., Like],
) -> None:
    real = queue.next_batch
    failures = [EventsError("event queue: database is locked")]

    def flaky(kinds: Any, limit: int = 10) -> Any:
        if failures:
            raise failures.pop()
        return real(kinds, limit)

    monkeypatch.setattr(queue, "next_batch", flaky)
    ids = _record(queue, [new_like()])
    uploader = make_uploader()
    seen = StatusWatch(uploader)
    uploader.start()
    assert endpoint.wait_accepted(ids, timeout=10.0)
    assert seen.wait(lambda s: "database is locked" in (s.last_error or ""))
    assert seen.wait(lambda s: s.pending == 0 and s.state is UploaderState.IDLE)


class _Ceiling(random.Random):
    """Full jitter at its top: every backoff is its ceiling, so a test can read it."""

    def uniform(self, a: float, b: float) -> float:
        return b


def _attempts(db_path: Path) -> list[int]:
    with sqlite3.connect(db_path) as conn:
        return [int(r[0]) for r in conn.execute("SELECT attempts FROM records ORDER BY id")]


def test_refused_connections_neither_count_as_tries_nor_grow_the_service_backoff(
    queue: EventQueue, db_path: Path, endpoint: FakePersonalizeEvents,
    make_uploader: Callable[..., Uploader], new_like: Callable[..., Like],
) -> None:
    # the tester's run: ~40 s of refused connections took the rows to attempts=10, and
    # the first 500 after them was retried in 177 s (a backoff grown by the outage)
    _record(queue, [new_like()])
    uploader = make_uploader(base_backoff_s=10.0, max_backoff_s=60.0, offline_retry_s=10.0,
                             rng=_Ceiling())
    endpoint.set_mode(Mode.REFUSE)
    uploader.start()
    for _ in range(6):  # each flush is one try at once, ignoring the wait
        assert not uploader.flush(10.0)
    status = uploader.status()
    assert status.state is UploaderState.OFFLINE and status.retry_in_s is not None
    assert status.retry_in_s <= 10.0  # probed at offline_retry_s
    assert _attempts(db_path) == [0]  # the service never saw these tries

    endpoint.set_mode(Mode.THROTTLE)
    assert not uploader.flush(10.0)
    status = uploader.status()
    assert status.state is UploaderState.BACKOFF and status.online is True
    assert status.retry_in_s is not None and status.retry_in_s <= 10.0  # base, not 60
    assert _attempts(db_path) == [1]


def test_retry_now_tries_at_once_during_a_service_backoff(
    queue: EventQueue, endpoint: FakePersonalizeEvents,
    make_uploader: Callable[..., Uploader], new_like: Callable[..., Like],
) -> None:
    # admin panel "Flush events" after a 500: before, nothing went out until the
    # scheduled retry (notify_online only acted while OFFLINE or BLOCKED)
    endpoint.script(Mode.ERROR_500)
    ids = _record(queue, [new_like()])
    uploader = make_uploader(base_backoff_s=120.0, max_backoff_s=300.0, rng=_Ceiling())
    seen = StatusWatch(uploader)
    uploader.start()
    assert seen.wait(lambda s: s.state is UploaderState.BACKOFF)
    assert (uploader.status().retry_in_s or 0) > 60
    uploader.retry_now()
    assert endpoint.wait_accepted(ids, timeout=10.0)
    assert seen.wait(lambda s: s.pending == 0 and s.state is UploaderState.IDLE)


def test_a_slow_endpoint_drains_as_the_read_timeout_grows(
    queue: EventQueue, new_like: Callable[..., Like],
) -> None:
    # the tester's endpoint answered after 4 s with a 2 s read timeout: every try timed
    # out client-side after the service took the events, and the batch was sent forever
    ids = _record(queue, [new_like() for _ in range(2)])
    with FakePersonalizeEvents(Mode.SLOW, slow_s=0.6) as endpoint:
        uploader = Uploader(queue, Targets(TRACKING_ID), aws=fast_aws(endpoint.url, 0.2),
                            base_backoff_s=0.01, offline_retry_s=0.05, status_interval_s=0.0,
                            max_read_timeout_s=30.0, rng=random.Random(7))
        seen = StatusWatch(uploader)
        uploader.start()
        try:
            assert seen.wait(lambda s: s.pending == 0 and s.sent_total == 2, timeout=10.0)
        finally:
            assert uploader.stop()
        calls = endpoint.calls()
    assert len(calls) >= 3 and all(c.event_ids == ids for c in calls)  # 0.2 s, 0.4 s, 0.8 s
    assert uploader.read_timeout_s >= 0.8
    assert "slower than aws.read_timeout_s (0.2 s)" in (uploader.status().slow_endpoint or "")


def test_the_read_timeout_grows_to_its_cap_and_no_further(queue: EventQueue) -> None:
    uploader = Uploader(queue, Targets(TRACKING_ID), aws=AwsSettings(read_timeout_s=2.0),
                        client=object(), max_read_timeout_s=30.0)
    timeout = botocore.exceptions.ReadTimeoutError(endpoint_url="http://127.0.0.1:9")
    grown = []
    for _ in range(6):
        uploader._on_error(None, timeout)
        grown.append(uploader.read_timeout_s)
    assert grown == [4.0, 8.0, 16.0, 30.0, 30.0, 30.0]
    assert "waiting up to 30 s" in (uploader.status().slow_endpoint or "")


class _RefusesBatches:
    """A Personalize client that refuses every batch of more than one row as invalid
    and takes single rows, calling `on_single` after each of those."""

    def __init__(self, on_single: Callable[[], None] = lambda: None) -> None:
        self.singles: list[str] = []
        self.on_single = on_single

    def put_events(self, **params: Any) -> dict[str, Any]:
        events = params["eventList"]
        if len(events) > 1:
            raise botocore.exceptions.ClientError(
                {"Error": {"Code": "InvalidInputException", "Message": "bad row"},
                 "ResponseMetadata": {"HTTPStatusCode": 400}}, "PutEvents")
        self.singles.append(events[0]["eventId"])
        self.on_single()
        return {}


def test_a_split_batch_renews_the_lease_per_call_and_stops_once_it_is_taken(
    queue: EventQueue, new_like: Callable[..., Like],
) -> None:
    """The lease lasts one call (connect + read + 5 s) but was renewed once per pass,
    while `_split` sends a refused batch one call per row: the lease could run out
    mid-split and `kiosk-admin events flush` then sent the same rows. Each call now
    renews it, and a lease found taken ends the split, leaving the rest to the other."""
    ids = _record(queue, [new_like("visit-1") for _ in range(3)])

    def lease_runs_out_and_flush_takes_it() -> None:
        queue.release_upload(Uploader.name, uploader.holder)  # as if its ttl had passed
        assert queue.claim_upload(Uploader.name, "kiosk-admin events flush", 60.0) is None

    client = _RefusesBatches(lease_runs_out_and_flush_takes_it)
    uploader = Uploader(queue, Targets(TRACKING_ID), client=client, record_status=False)
    assert uploader._pass(0, now=True)
    assert client.singles == ids[:1]  # before: all three, while flush sent them too
    assert queue.refresh_counts().pending_total == 2 and queue.counts().dead == 0
    assert queue.claim_upload(Uploader.name, uploader.holder, 5.0) == "kiosk-admin events flush"


def test_each_call_of_a_split_claims_the_lease_first(
    queue: EventQueue, new_like: Callable[..., Like], monkeypatch: pytest.MonkeyPatch,
) -> None:
    _record(queue, [new_like("visit-1") for _ in range(3)])
    order: list[str] = []
    client = _RefusesBatches(lambda: order.append("call"))
    claim = queue.claim_upload

    def claiming(name: str, holder: str, ttl_s: float) -> str | None:
        order.append("claim")
        return claim(name, holder, ttl_s)

    monkeypatch.setattr(queue, "claim_upload", claiming)
    uploader = Uploader(queue, Targets(TRACKING_ID), client=client, record_status=False)
    assert uploader._pass(0, now=True)
    assert order[-6:] == ["claim", "call"] * 3  # each row's call right after a claim
    assert queue.refresh_counts().pending_total == 0


def test_a_grown_read_timeout_steps_back_down_after_answers_in_time(
    queue: EventQueue, new_like: Callable[..., Like],
) -> None:
    """After read timeouts the wait grew (to 16 s here) and stayed so for the run: every
    later stalled call waited 16 s, and so did the shutdown. Answers in time step it back
    down, one halving per STEP_DOWN_AFTER answers, to the configured 2 s."""
    from kiosk.events.uploader import STEP_DOWN_AFTER

    uploader = Uploader(queue, Targets(TRACKING_ID), aws=AwsSettings(read_timeout_s=2.0),
                        client=_RefusesBatches(), record_status=False)
    timeout = botocore.exceptions.ReadTimeoutError(endpoint_url="http://127.0.0.1:9")
    for _ in range(3):
        uploader._on_error(None, timeout)
    assert uploader.read_timeout_s == 16.0
    _record(queue, [new_like(f"visit-{n}") for n in range(4 * STEP_DOWN_AFTER)])
    seen = []
    while queue.refresh_counts().pending_total:
        assert uploader._pass(0, now=True)
        seen.append(uploader.read_timeout_s)
    assert seen[STEP_DOWN_AFTER - 2] == 16.0  # not at the first answer
    assert sorted(set(seen), reverse=True) == [16.0, 8.0, 4.0, 2.0]
    assert seen[-1] == 2.0 and uploader.status().slow_endpoint is None
    uploader._on_error(None, timeout)  # and grows again as before
    assert uploader.read_timeout_s == 4.0


def test_stop_waits_for_the_call_in_flight_at_the_current_read_timeout(
    queue: EventQueue,
) -> None:
    """The kiosk stopped the uploader with a fixed 4 s (the back end 3 s) while a call
    could wait up to 32 s for its answer: rows sent were not acked before the queue
    closed. `stop()` now waits connect + read timeout + the ack, at most 10 s."""
    from kiosk.events.uploader import MAX_STOP_WAIT_S, OFFLINE_STOP_WAIT_S

    uploader = Uploader(queue, Targets(TRACKING_ID), client=object(),
                        aws=AwsSettings(connect_timeout_s=2.0, read_timeout_s=2.0))
    assert uploader.stop_wait_s == 5.0
    uploader._on_error(None, botocore.exceptions.ReadTimeoutError(endpoint_url="x"))
    assert uploader.stop_wait_s == 7.0
    for _ in range(4):
        uploader._on_error(None, botocore.exceptions.ReadTimeoutError(endpoint_url="x"))
    assert uploader.stop_wait_s == MAX_STOP_WAIT_S == 10.0

    waited: list[float | None] = []

    class Thread:
        def join(self, timeout: float | None = None) -> None:
            waited.append(timeout)

        def is_alive(self) -> bool:
            return False

    uploader._thread = Thread()  # type: ignore[assignment]
    # offline (the last calls got no answer): the call in flight is a probe into a dead
    # network, waited for OFFLINE_STOP_WAIT_S only (tester round 23, L1)
    assert uploader.stop()
    uploader._on_success(1.0)  # an answer came: the grown wait is the endpoint's pace
    assert uploader.stop_wait_s == 10.0
    uploader._thread = Thread()  # type: ignore[assignment]
    assert uploader.stop()
    assert waited == [OFFLINE_STOP_WAIT_S, 10.0]


def test_the_back_end_closes_the_queue_after_the_uploaders_own_wait(queue: EventQueue) -> None:
    from kiosk.backend import KioskBackend

    asked: list[float | None] = []

    class Uploader_:
        def stop(self, timeout: float | None = None) -> bool:
            asked.append(timeout)
            return True

    backend = KioskBackend(queue=queue, uploader=Uploader_())  # type: ignore[arg-type]
    backend.close_events()
    assert asked == [None]  # before: a fixed 3.0, whatever the read timeout


def test_a_stop_request_does_not_wait_and_the_call_in_flight_is_acked(
    queue: EventQueue, make_uploader: Callable[..., Uploader], new_like: Callable[..., Like],
) -> None:
    """The kiosk's shutdown asks the uploader to stop first and waits for it only in the
    events worker's last job, so its call in flight ends while the other parts stop
    (old code: its wait, up to 11 s, came first, and the fleet metrics' wait came on top;
    no `request_stop`)."""
    with FakePersonalizeEvents(Mode.SLOW, slow_s=60.0) as endpoint:
        ids = _record(queue, [new_like()])
        uploader = make_uploader(url=endpoint.url, timeout_s=60.0)
        uploader.start()
        assert endpoint.wait_for(lambda e: bool(e.calls()), timeout=10.0)
        thread = uploader._thread
        assert thread is not None
        uploader.request_stop()  # returns with the call still in flight
        assert thread.is_alive()
        endpoint.release_stalled()  # answered
        thread.join(10.0)
        assert not thread.is_alive() and endpoint.accepted_event_ids == ids
        assert queue.counts().pending.get("event", 0) == 0  # its rows acked
        assert uploader.stop()


def test_a_failure_that_goes_on_is_logged_once_then_sparingly_and_its_end_once(
    queue: EventQueue, endpoint: FakePersonalizeEvents,
    make_uploader: Callable[..., Uploader], new_like: Callable[..., Like],
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Tester round 23, L5: offline, each probe logged an INFO "… retry in N s" (28 lines
    in 2.5 min). Now: the first, then one line per FAILURE_LOG_EVERY_S with how long and
    how many tries, and "back online" once."""
    import logging

    import kiosk.events.uploader as uploader_mod

    _record(queue, [new_like()])
    uploader = make_uploader()
    endpoint.set_mode(Mode.REFUSE)
    uploader.start()

    def infos() -> list[str]:
        return [r.getMessage() for r in caplog.records
                if r.name == uploader_mod.__name__ and r.levelno >= logging.INFO]

    with caplog.at_level(logging.INFO, logger=uploader_mod.__name__):
        for _ in range(6):
            assert not uploader.flush(10.0)
        assert len(infos()) == 1, infos()
        assert "retry in" in infos()[0] and "logged every 5 min" in infos()[0]
        monkeypatch.setattr(uploader_mod, "FAILURE_LOG_EVERY_S", 0.0)  # the reminder due
        assert not uploader.flush(10.0)
        assert not uploader.flush(10.0)  # due again at once: the reminder, not a new start
        reminders = [m for m in infos() if "still offline after" in m]
        assert len(reminders) >= 1 and "tries)" in reminders[-1], infos()
        endpoint.set_mode(Mode.SUCCEED)
        assert uploader.flush(10.0)
        back = [m for m in infos() if "back online" in m]
        assert len(back) == 1 and "failed tries" in back[0], infos()
