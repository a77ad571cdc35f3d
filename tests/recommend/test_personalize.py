"""Amazon Personalize backend through botocore's Stubber: request shapes, pseudo-users,
recommendationId, unknown items, throttling, slow answers, no network and backoff."""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import boto3
import pytest
from botocore.exceptions import EndpointConnectionError
from botocore.stub import Stubber

from kiosk.config import PersonalizeSettings
from kiosk.domain import Emotion
from kiosk.recommend.embedded import EmbeddedRecommender
from kiosk.recommend.personalize import SETTINGS_RETRY_S, PersonalizeRecommender, PersonalizeState
from kiosk.testing import FakeClock

CAMPAIGN = "arn:aws:personalize:us-east-1:123456789012:campaign/kiosk-images"
RECOMMENDER = "arn:aws:personalize:us-east-1:123456789012:recommender/kiosk-top-picks"
FILTER = "arn:aws:personalize:us-east-1:123456789012:filter/emotion"
HAPPY = Emotion.HAPPY


@pytest.fixture
def embedded(synthetic_items: Any) -> Iterator[EmbeddedRecommender]:
    items, feats, _ = synthetic_items(per_emotion=12, clusters=2, seed=2)
    rec = EmbeddedRecommender(seed=4)
    rec.set_catalog(items, feats)
    yield rec
    rec.close()


@pytest.fixture
def client() -> Any:
    return boto3.client("personalize-runtime", region_name="us-east-1")


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def settings(**changes: Any) -> PersonalizeSettings:
    return replace(PersonalizeSettings(), **{"campaign_arn": CAMPAIGN, **changes})


def answer(*ids: str, rid: str = "rec-1") -> dict[str, Any]:
    return {"itemList": [{"itemId": i, "score": 0.5} for i in ids], "recommendationId": rid}


def happy(*nums: int) -> list[str]:
    return [f"emotions/happy/{n:03d}.jpg" for n in nums]


def make(embedded: EmbeddedRecommender, client: Any, clock: FakeClock,
         **changes: Any) -> PersonalizeRecommender:
    return PersonalizeRecommender(settings(**changes), embedded, client=client, clock=clock)


def test_request_shape_context_and_quoted_filter_values(embedded: Any, client: Any,
                                                        clock: FakeClock) -> None:
    rec = make(embedded, client, clock, filter_arn=FILTER)
    with Stubber(client) as stub:
        stub.add_response("get_recommendations", answer(*happy(5, 6, 7), rid="rid-42"), {
            "campaignArn": CAMPAIGN, "userId": "visit-1", "numResults": 25,
            "context": {"EMOTION": "HAPPY"},
            "filterArn": FILTER, "filterValues": {"EMOTION": '"HAPPY"'},
        })
        page = rec.page("visit-1", HAPPY)
        stub.assert_no_pending_responses()
    rec.close()
    assert page.source == "personalize" and page.recommendation_id == "rid-42"
    assert page.item_ids == tuple(happy(5, 6, 7))
    assert page.mode == "emotion" and page.index == 0 and page.note == ""


def test_recommender_arn_user_id_and_custom_field_names(embedded: Any, client: Any,
                                                         clock: FakeClock) -> None:
    rec = make(embedded, client, clock, recommender_arn=RECOMMENDER, campaign_arn="",
               context_field="MOOD", filter_arn=FILTER, filter_param="MOOD_NAME")
    with Stubber(client) as stub:
        stub.add_response("get_recommendations", answer(*happy(1, 2, 3)), {
            "recommenderArn": RECOMMENDER, "userId": "member-9", "numResults": 25,
            "context": {"MOOD": "SAD"}, "filterArn": FILTER,
            "filterValues": {"MOOD_NAME": '"SAD"'},
        })
        page = rec.page("visit-2", Emotion.SAD, user_id="member-9")
        stub.assert_no_pending_responses()
    rec.close()
    assert page.mode == "personalized"  # a known user gets "For you"


@pytest.mark.parametrize(
    ("user_id", "gender", "mode", "expected"),
    [
        (None, "Female", "auto", "female/happy"),
        (None, None, "auto", "unknown/happy"),
        ("u42", "Male", "auto", "u42/happy"),
        ("u42", "Male", "emotion", "male/happy"),
    ],
)
def test_pseudo_users_of_the_aws_sample(embedded: Any, client: Any, clock: FakeClock,
                                        user_id: str | None, gender: str | None, mode: str,
                                        expected: str) -> None:
    rec = make(embedded, client, clock, pseudo_users=True)
    with Stubber(client) as stub:
        stub.add_response("get_recommendations", answer(*happy(1, 2, 3)), {
            "campaignArn": CAMPAIGN, "userId": expected, "numResults": 25,
            "context": {"EMOTION": "HAPPY"},
        })
        rec.page("v", HAPPY, user_id=user_id, mode=mode, gender=gender)
        stub.assert_no_pending_responses()
    rec.close()


def test_unknown_and_already_shown_items_are_dropped_and_short_pages_filled(
    embedded: Any, client: Any, clock: FakeClock
) -> None:
    rec = make(embedded, client, clock)
    with Stubber(client) as stub:
        stub.add_response("get_recommendations", answer(*happy(1, 2, 3)))
        stub.add_response("get_recommendations", answer(
            "emotions/happy/gone.jpg", happy(2)[0], "items/not-ours", *happy(4), rid="r2"))
        first = rec.page("v", HAPPY)
        second = rec.page("v", HAPPY)
    rec.close()
    assert first.item_ids == tuple(happy(1, 2, 3))
    assert second.index == 1 and second.recommendation_id == "r2"
    assert second.item_ids[0] == happy(4)[0] and len(second.items) == 3
    assert not set(second.item_ids) & set(first.item_ids)  # no repeats in a visit
    assert "2 items not in the local catalog dropped" in second.note
    assert "2 filled in by the embedded recommender" in second.note
    # only the item of the answer carries its recommendationId (issue 18)
    assert second.recommended == frozenset(happy(4))
    assert second.recommendation_id_for(happy(4)[0]) == "r2"
    assert all(second.recommendation_id_for(i) is None for i in second.item_ids[1:])


def test_a_page_the_embedded_recommender_made_alone_carries_no_recommendation_id(
    embedded: Any, client: Any, clock: FakeClock
) -> None:
    rec = make(embedded, client, clock)
    with Stubber(client) as stub:
        stub.add_response("get_recommendations", answer(rid="empty-1"))  # an empty answer
        stub.add_response("get_recommendations", answer("items/not-ours", rid="foreign-1"))
        empty = rec.page("v", HAPPY)
        foreign = rec.page("v", HAPPY)
    rec.close()
    for page in (empty, foreign):
        assert len(page.items) == 3 and page.recommendation_id is None
        assert page.recommended == frozenset()
        assert all(page.recommendation_id_for(i) is None for i in page.item_ids)


def test_a_like_carries_the_recommendation_id_only_for_an_answered_item(
    embedded: Any, client: Any, clock: FakeClock
) -> None:
    from kiosk.backend import KioskBackend

    class Queue:
        def __init__(self) -> None:
            self.likes: list[Any] = []

        def record_like(self, like: Any, *, tap_monotonic: float | None = None) -> int:
            self.likes.append(like)
            return 1

    rec = make(embedded, client, clock)
    with Stubber(client) as stub:
        stub.add_response("get_recommendations", answer(*happy(5), rid="r9"))
        page = rec.page("v", HAPPY)
    rec.close()
    class Learner:  # the recommend service's like side, not under test here
        def like(self, *args: Any) -> None:
            pass

        def personalization_ready(self, visit_id: str) -> bool:
            return False

    queue = Queue()
    backend = KioskBackend(recommender=Learner(), queue=queue)  # type: ignore[arg-type]
    for item_id in page.item_ids:
        backend.like(page, item_id, 1.0, None)
    assert [like.recommendation_id for like in queue.likes] == ["r9", None, None]


def test_throttling_falls_back_and_backs_off(embedded: Any, client: Any,
                                             clock: FakeClock) -> None:
    rec = make(embedded, client, clock)
    with Stubber(client) as stub:
        stub.add_client_error("get_recommendations", service_error_code="ThrottlingException",
                              service_message="Rate exceeded", http_status_code=400)
        page = rec.page("v", HAPPY)
        assert page.source == "embedded" and len(page.items) == 3
        assert "throttled (ThrottlingException)" in page.note
        assert rec.state is PersonalizeState.BACKING_OFF
        # Within the backoff Personalize is not asked at all (the stub has no answer left).
        paused = rec.page("v", HAPPY)
        # the shared backoff: full jitter between 1 s and the first ceiling (5 s)
        assert paused.source == "embedded"
        assert re.search(r"retry in [1-5] s", paused.note), paused.note
        assert rec.status()["calls"] == 1 and rec.status()["fallbacks"] == 2
        # After the backoff it is asked again, and a success resets the failures.
        clock.now += 5.1
        stub.add_response("get_recommendations", answer(*happy(9, 10, 11)))
        again = rec.page("v", HAPPY)
        stub.assert_no_pending_responses()
    rec.close()
    assert again.source == "personalize"
    assert rec.state is PersonalizeState.READY and rec.status()["consecutive_failures"] == 0
    assert not set(page.item_ids) & set(paused.item_ids) & set(again.item_ids)


def test_backoff_doubles_per_failure(embedded: Any, client: Any, clock: FakeClock) -> None:
    rec = make(embedded, client, clock)
    with Stubber(client) as stub:
        stub.add_client_error("get_recommendations", "ServiceUnavailable", "busy", 503)
        stub.add_client_error("get_recommendations", "InternalServerError", "", 500)
        first = rec.page("v", HAPPY)
        assert "failed: ServiceUnavailable (busy)" in first.note
        clock.now += 5.1
        rec.page("v", HAPPY)
        assert 1.0 <= rec.status()["retry_in_s"] <= 10.0  # the ceiling doubled to 10 s
        assert rec.status()["last_error"] == "failed: InternalServerError"
    rec.close()


@pytest.mark.parametrize(("code", "status"), [("ResourceNotFoundException", 404),
                                              ("AccessDeniedException", 403)])
def test_an_answer_only_an_operator_can_change_pauses_for_ten_minutes(
        embedded: Any, client: Any, clock: FakeClock, caplog: pytest.LogCaptureFixture,
        code: str, status: int) -> None:
    # A fresh tester (round 16): a campaign that does not exist was asked again every
    # 3-5 s, each with an ERROR line that named no setting.
    rec = make(embedded, client, clock)
    with Stubber(client) as stub, caplog.at_level(logging.ERROR, "kiosk.recommend"):
        stub.add_client_error("get_recommendations", code, "no such campaign", status)
        first = rec.page("v", HAPPY)
        assert first.source == "embedded" and code in first.note
        assert rec.status()["retry_in_s"] >= SETTINGS_RETRY_S - 1
        clock.now += 60  # past any backoff ceiling: still not asked (no answer stubbed)
        assert rec.page("v", HAPPY).source == "embedded"
        assert rec.status()["calls"] == 1
        stub.add_response("get_recommendations", answer(*happy(9, 10, 11)))
        clock.now += SETTINGS_RETRY_S
        assert rec.page("v", HAPPY).source == "personalize"  # fixed meanwhile: asked again
    rec.close()
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 1 and "[personalize] campaign_arn" in errors[0]
    assert "personalize:GetRecommendations" in errors[0]


def test_no_network_falls_back(embedded: Any, clock: FakeClock) -> None:
    class Offline:
        def get_recommendations(self, **_: Any) -> dict[str, Any]:
            raise EndpointConnectionError(endpoint_url="https://personalize-runtime")

    rec = PersonalizeRecommender(settings(), embedded, client=Offline(), clock=clock)
    page = rec.page("v", HAPPY)
    rec.close()
    assert page.source == "embedded" and "no network" in page.note


def test_a_slow_answer_falls_back_within_the_budget(embedded: Any, clock: FakeClock) -> None:
    release = threading.Event()
    calls = []

    class Slow:
        def get_recommendations(self, **params: Any) -> dict[str, Any]:
            calls.append(params)
            release.wait(10)
            return answer(*happy(1, 2, 3))

    rec = PersonalizeRecommender(settings(time_budget_ms=50), embedded, client=Slow(),
                                 clock=clock)
    try:
        started = time.perf_counter()
        page = rec.page("v", HAPPY)
        elapsed = time.perf_counter() - started
        assert page.source == "embedded" and "timed out after 50 ms" in page.note
        assert elapsed < 1.0
        assert rec.state is PersonalizeState.BUSY
        clock.now += 60  # even past the backoff, one slow call at a time
        busy = rec.page("v", HAPPY)
        assert "still busy" in busy.note and len(calls) == 1
    finally:
        release.set()
        rec.close()
    assert rec.state is not PersonalizeState.BUSY


def test_needs_a_campaign_or_recommender(embedded: Any) -> None:
    with pytest.raises(ValueError, match="campaign_arn"):
        PersonalizeRecommender(PersonalizeSettings(), embedded)


@pytest.mark.parametrize("filter_arn", ["", FILTER])
def test_items_outside_the_emotion_are_bounded_like_the_embedded_ones(
    embedded: Any, client: Any, clock: FakeClock, filter_arn: str
) -> None:
    # Personalize answers sad, angry and fear images for a happy visitor: without a
    # filter (or with one that lets them through) they are skipped in Emotion mode
    # (explore_share 0), and the page is filled from the happy pool.
    rec = make(embedded, client, clock, filter_arn=filter_arn)
    odd = ["emotions/sad/001.jpg", "emotions/angry/002.jpg", "emotions/fear/003.jpg"]
    with Stubber(client) as stub:
        stub.add_response("get_recommendations", answer(*odd, *happy(5)))
        page = rec.page("v", HAPPY, mode="emotion")
        # "For you": at most a quarter of the visit's images leave the pool, and only
        # to neighbouring emotions (surprised, calm), never to sad or angry.
        for n in range(4):
            stub.add_response("get_recommendations", answer(
                f"emotions/surprised/{n:03d}.jpg", f"emotions/calm/{n:03d}.jpg",
                f"emotions/angry/{n:03d}.jpg", *happy(6 + 3 * n, 7 + 3 * n, 8 + 3 * n)))
        personal = [rec.page("v2", HAPPY, mode="personalized") for _ in range(4)]
    rec.close()
    assert page.item_ids[0] == happy(5)[0] and page.off_emotion == ()
    assert all(i.emotion is HAPPY for i in page.items) and len(page.items) == 3
    assert "3 items outside the happy pool skipped" in page.note
    off = [i for p in personal for i in p.off_emotion]
    assert 1 <= len(off) <= 0.25 * 12
    assert {i.emotion for i in off} <= {Emotion.SURPRISED, Emotion.CALM}


def test_the_fallback_keeps_the_emotion_too(embedded: Any, clock: FakeClock) -> None:
    broken = boto3.client("personalize-runtime", region_name="us-east-1")
    rec = make(embedded, broken, clock)
    with Stubber(broken) as stub:
        stub.add_client_error("get_recommendations", "ThrottlingException")
        first = rec.page("v", Emotion.SAD)
    pages = [first] + [rec.page("v", Emotion.SAD) for _ in range(5)]  # backing off
    rec.close()
    assert all(p.source == "embedded" for p in pages)
    assert all(i.emotion is Emotion.SAD for p in pages for i in p.items)


def test_a_fallback_page_carries_why_in_parts_for_the_panel(
        embedded: Any, client: Any, clock: FakeClock) -> None:
    rec = make(embedded, client, clock)
    with Stubber(client) as stub:
        stub.add_client_error("get_recommendations", "InternalServerError", "boom", 500)
        failed = rec.page("v", HAPPY)
        paused = rec.page("v", HAPPY)
    rec.close()
    assert failed.fallback is not None and paused.fallback is not None
    assert (failed.fallback.kind, failed.fallback.code, failed.fallback.message) == (
        "failed", "InternalServerError", "boom")
    assert failed.note == ("Personalize failed: InternalServerError (boom); embedded "
                           "recommender used")  # the log's English note as before
    assert paused.fallback.kind == "paused" and paused.fallback.code == "InternalServerError"
    assert paused.fallback.retry_in_s > 0
