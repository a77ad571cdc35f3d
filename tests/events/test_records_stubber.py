"""Every request shape the kiosk sends, checked by botocore's Stubber against the real
personalize-events model (parameters are validated and serialized before the stub
answers), and the uploader's reaction to each kind of error."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

from kiosk.domain import Emotion, Item, Like
from kiosk.events.queue import EventQueue
from kiosk.events.records import (
    Record,
    RecordKind,
    Targets,
    build_request,
    camel_case,
    impression_record,
    item_record,
    like_record,
    user_record,
)
from kiosk.events.uploader import Uploader, UploaderState

from .conftest import ITEMS_ARN, TRACKING_ID, USERS_ARN, StatusWatch

TARGETS = Targets(TRACKING_ID, USERS_ARN, ITEMS_ARN)
SENT_AT = 1_700_000_000.25


@pytest.fixture
def client() -> Iterator[Any]:
    c = boto3.client("personalize-events", region_name="us-east-1")
    yield c
    c.close()


def _request(records: list[Record]) -> tuple[str, dict[str, Any]]:
    first = records[0]
    return build_request(first.kind.operation, TARGETS, [r.body for r in records],
                         first.session_id, first.user_id)


def _call(client: Any, records: list[Record], expected: dict[str, Any]) -> None:
    method, params = _request(records)
    assert params == expected
    with Stubber(client) as stub:
        stub.add_response(method, {}, expected)
        getattr(client, method)(**params)
        stub.assert_no_pending_responses()


def test_put_events_like_with_every_field(client: Any) -> None:
    like = Like("evt-1", SENT_AT, "visit-9", "emotions/happy/1.jpg", Emotion.HAPPY,
                user_id="user-3", impression=("emotions/happy/1.jpg", "emotions/happy/2.jpg"),
                recommendation_id="RID-abc", properties={"page_index": 2})
    _call(client, [like_record(like, "like")], {
        "trackingId": TRACKING_ID,
        "sessionId": "visit-9",
        "userId": "user-3",
        "eventList": [{
            "eventId": "evt-1",
            "eventType": "like",
            "sentAt": datetime.fromtimestamp(SENT_AT, tz=UTC),
            "itemId": "emotions/happy/1.jpg",
            "properties": '{"pageIndex": 2, "emotion": "HAPPY"}',
            "impression": ["emotions/happy/1.jpg", "emotions/happy/2.jpg"],
            "recommendationId": "RID-abc",
        }],
    })


def test_put_events_anonymous_like_has_no_user_or_impression(client: Any) -> None:
    like = Like("evt-2", SENT_AT, "visit-1", "emotions/sad/1.jpg", Emotion.SAD)
    _call(client, [like_record(like, "thumbsUp")], {
        "trackingId": TRACKING_ID,
        "sessionId": "visit-1",
        "eventList": [{
            "eventId": "evt-2", "eventType": "thumbsUp",
            "sentAt": datetime.fromtimestamp(SENT_AT, tz=UTC),
            "itemId": "emotions/sad/1.jpg", "properties": '{"emotion": "SAD"}',
        }],
    })


def test_put_events_impression_only_record_has_no_item(client: Any) -> None:
    record = impression_record("visit-2", ["a", "b", "c"], emotion=Emotion.CALM,
                               recommendation_id="RID-1", event_id="imp-1", sent_at=SENT_AT)
    assert record.kind is RecordKind.IMPRESSION
    _call(client, [record], {
        "trackingId": TRACKING_ID,
        "sessionId": "visit-2",
        "eventList": [{
            "eventId": "imp-1", "eventType": "view",
            "sentAt": datetime.fromtimestamp(SENT_AT, tz=UTC),
            "properties": '{"emotion": "CALM"}',
            "impression": ["a", "b", "c"], "recommendationId": "RID-1",
        }],
    })


def test_put_events_batch_of_ten_one_session(client: Any) -> None:
    records = [like_record(Like(f"e{n}", SENT_AT + n, "visit-3", f"item-{n}", Emotion.FEAR))
               for n in range(10)]
    method, params = _request(records)
    assert method == "put_events" and len(params["eventList"]) == 10
    with Stubber(client) as stub:
        stub.add_response("put_events", {}, params)
        client.put_events(**params)
    with pytest.raises(ValueError, match="1 to 10"):
        _request(records + records[:1])


def test_put_users_up_to_ten(client: Any) -> None:
    records = [user_record(f"user-{n}", Emotion.SURPRISED) for n in range(10)]
    _call(client, records, {
        "datasetArn": USERS_ARN,
        "users": [{"userId": f"user-{n}", "properties": '{"emotion": "SURPRISED"}'}
                  for n in range(10)],
    })


def test_put_items_with_emotion_and_timestamp(client: Any) -> None:
    item = Item("emotions/angry/x.jpg", Emotion.ANGRY, "/c/angry/x.jpg", added_at=1_650_000_000.9)
    _call(client, [item_record(item)], {
        "datasetArn": ITEMS_ARN,
        "items": [{"itemId": "emotions/angry/x.jpg",
                   "properties": '{"emotion": "ANGRY", "creationTimestamp": 1650000000}'}],
    })


def test_limits_of_the_model_are_enforced_at_record_time(
    client: Any, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    like = Like("evt-3", SENT_AT, "visit-4", "item-1", Emotion.HAPPY,
                impression=tuple(f"item-{n}" for n in range(40)),
                recommendation_id="R" * 41,
                properties={"userId": "sneaky", "Timestamp": 1, "EVENT_SOURCE": "kiosk"})
    record = like_record(like)
    assert len(record.body["impression"]) == 25
    assert "recommendationId" not in record.body
    assert json.loads(record.body["properties"]) == {"eventSource": "kiosk", "emotion": "HAPPY"}
    assert "reserved" in caplog.text and "cut to the first 25" in caplog.text
    method, params = _request([record])
    with Stubber(client) as stub:  # the model's own validation accepts what is left
        stub.add_response(method, {}, params)
        client.put_events(**params)


def test_properties_too_long_keep_the_emotion() -> None:
    like = Like("evt-4", SENT_AT, "v", "i", Emotion.SAD, properties={"note": "x" * 2000})
    assert like_record(like).body["properties"] == '{"emotion": "SAD"}'


def test_invalid_ids_are_programming_errors() -> None:
    with pytest.raises(ValueError, match="sessionId"):
        like_record(Like("e", SENT_AT, "", "item", Emotion.SAD))
    with pytest.raises(ValueError, match="itemId"):
        like_record(Like("e", SENT_AT, "v", "x" * 257, Emotion.SAD))
    with pytest.raises(ValueError, match="at least one item"):
        impression_record("v", [])


@pytest.mark.parametrize(("key", "camel"), [
    ("EMOTION", "emotion"), ("number_of_ratings", "numberOfRatings"),
    ("numberOfRatings", "numberOfRatings"), ("Emotion", "emotion"), ("EVENT_SOURCE", "eventSource"),
])
def test_camel_case(key: str, camel: str) -> None:
    assert camel_case(key) == camel


# --------------------------------------------------------------------------- errors


@pytest.fixture
def stubbed(
    tmp_path: Path, client: Any
) -> Iterator[tuple[EventQueue, Stubber, Callable[..., Uploader]]]:
    queue = EventQueue(tmp_path / "events.sqlite3")
    stub = Stubber(client)
    stub.activate()
    made: list[Uploader] = []

    def factory(**kwargs: Any) -> Uploader:
        options: dict[str, Any] = {"base_backoff_s": 0.01, "max_backoff_s": 0.05,
                                   "offline_retry_s": 0.05, "status_interval_s": 0.0}
        options.update(kwargs)
        uploader = Uploader(queue, TARGETS, client=client, **options)
        made.append(uploader)
        return uploader

    yield queue, stub, factory
    for uploader in made:
        uploader.stop()
    stub.deactivate()
    queue.close()


@pytest.mark.parametrize(("code", "status"), [
    ("InvalidInputException", 400), ("ResourceNotFoundException", 404),
])
def test_permanent_errors_dead_letter(stubbed: Any, code: str, status: int) -> None:
    queue, stub, factory = stubbed
    queue.record_like(Like("e1", SENT_AT, "v", "i", Emotion.SAD))
    stub.add_client_error("put_events", service_error_code=code, http_status_code=status)
    uploader = factory()
    uploader.start()
    assert uploader.flush(5.0)
    counts = queue.counts()
    assert (counts.pending_total, counts.dead) == (0, 1)
    assert queue.dead_summary() == {code: 1}
    assert uploader.status().last_error is not None and code in uploader.status().last_error
    stub.assert_no_pending_responses()


@pytest.mark.parametrize(("code", "status", "state"), [
    ("ThrottlingException", 400, UploaderState.BACKOFF),
    ("InternalFailure", 500, UploaderState.BACKOFF),
    ("ServiceUnavailable", 503, UploaderState.BACKOFF),
    ("ResourceInUseException", 409, UploaderState.BACKOFF),
    ("AccessDeniedException", 403, UploaderState.BLOCKED),
    ("UnrecognizedClientException", 400, UploaderState.BLOCKED),
])
def test_retryable_errors_keep_the_rows(
    stubbed: Any, code: str, status: int, state: UploaderState
) -> None:
    queue, stub, factory = stubbed
    queue.record_like(Like("e1", time.time(), "v", "i", Emotion.SAD))
    stub.add_client_error("put_events", service_error_code=code, http_status_code=status)
    stub.add_response("put_events", {})
    uploader = factory()
    seen = StatusWatch(uploader)
    uploader.start()
    assert seen.wait(lambda s: s.state is state)
    assert seen.wait(lambda s: s.state is UploaderState.IDLE and s.pending == 0
                     and s.sent_total > 0)
    assert queue.counts().dead == 0
    stub.assert_no_pending_responses()


def test_invalid_batch_is_split_so_only_the_bad_row_dies(stubbed: Any) -> None:
    queue, stub, factory = stubbed
    for n in range(3):
        queue.record_like(Like(f"e{n}", SENT_AT + n, "v", f"item-{n}", Emotion.SAD))
    stub.add_client_error("put_events", service_error_code="InvalidInputException",
                          http_status_code=400)
    stub.add_response("put_events", {})  # e0 alone
    stub.add_client_error("put_events", service_error_code="InvalidInputException",
                          http_status_code=400)  # e1 alone
    stub.add_response("put_events", {})  # e2 alone
    uploader = factory()
    uploader.start()
    assert uploader.flush(5.0)
    counts = queue.counts()
    assert (counts.pending_total, counts.dead, counts.sent_total) == (0, 1, 2)
    stub.assert_no_pending_responses()


def test_server_errors_are_retried_until_the_event_is_too_old(stubbed: Any) -> None:
    """Transient failures never dead-letter a like Personalize would still take; one
    older than events.max_event_age_days goes to the dead letters as EventTooOld."""
    queue, stub, factory = stubbed
    queue.record_like(Like("fresh", time.time(), "v", "i", Emotion.SAD))
    for _ in range(3):
        stub.add_client_error("put_events", service_error_code="InternalFailure",
                              http_status_code=500)
    stub.add_response("put_events", {})
    uploader = factory(base_backoff_s=0.01, max_backoff_s=0.02, max_event_age_s=3600.0)
    seen = StatusWatch(uploader)
    uploader.start()
    assert seen.wait(lambda s: s.sent_total == 1 and s.pending == 0)
    assert queue.counts().dead == 0
    stub.assert_no_pending_responses()
    assert uploader.stop()

    queue.record_like(Like("stale", time.time() - 7200, "v2", "i", Emotion.SAD))
    stub.add_client_error("put_events", service_error_code="InternalFailure",
                          http_status_code=500)
    again = factory(base_backoff_s=0.01, max_backoff_s=0.02, max_event_age_s=3600.0)
    seen = StatusWatch(again)
    again.start()
    assert seen.wait(lambda s: s.dead == 1 and s.pending == 0)
    assert queue.dead_summary() == {"EventTooOld": 1}
    stub.assert_no_pending_responses()


def test_users_and_items_go_to_their_datasets(stubbed: Any) -> None:
    queue, stub, factory = stubbed
    for n in range(12):
        queue.record_user(f"user-{n}", Emotion.HAPPY)
    queue.record_item(Item("emotions/happy/new.jpg", Emotion.HAPPY, "/p", added_at=1.0))
    stub.add_response("put_users", {}, {"datasetArn": USERS_ARN, "users": [
        {"userId": f"user-{n}", "properties": '{"emotion": "HAPPY"}'} for n in range(10)]})
    stub.add_response("put_users", {}, {"datasetArn": USERS_ARN, "users": [
        {"userId": f"user-{n}", "properties": '{"emotion": "HAPPY"}'} for n in (10, 11)]})
    stub.add_response("put_items", {}, {"datasetArn": ITEMS_ARN, "items": [
        {"itemId": "emotions/happy/new.jpg",
         "properties": '{"emotion": "HAPPY", "creationTimestamp": 1}'}]})
    uploader = factory()
    uploader.start()
    assert uploader.flush(5.0)
    assert queue.counts().sent_total == 13
    stub.assert_no_pending_responses()
