"""RecommendationService: the facade the UI worker uses."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

from kiosk.config import ConfigError, Settings, load_settings
from kiosk.domain import Emotion
from kiosk.recommend.errors import RecommendError
from kiosk.recommend.service import RecommendationService

HAPPY = Emotion.HAPPY
CAMPAIGN = "arn:aws:personalize:us-east-1:123456789012:campaign/kiosk-images"


def make_settings(data_dir: Path, catalog_dir: Path, **overrides: Any) -> Settings:
    values = {"app.data_dir": str(data_dir), "recommend.catalog_dir": str(catalog_dir)}
    values.update(overrides)
    return load_settings(env={}, overrides=values)


@pytest.fixture
def service(data_dir: Path, catalog_dir: Path) -> Iterator[RecommendationService]:
    svc = RecommendationService(make_settings(data_dir, catalog_dir), seed=1)
    yield svc
    svc.close()


def test_pages_likes_and_the_personalization_switch(service: RecommendationService) -> None:
    first = service.page("v1", HAPPY, page_size=1)  # the pool has two happy images
    assert len(first.items) == 1 and first.mode == "emotion" and first.index == 0
    assert first.items[0].emotion is HAPPY
    service.impression(first)
    service.like("v1", HAPPY, first.item_ids[0])
    second = service.next_page("v1", page_size=1, record_impression=True)
    assert second.index == 1 and not set(second.item_ids) & set(first.item_ids)
    assert second.items[0].emotion is HAPPY
    service.like("v1", HAPPY, second.item_ids[0])
    assert service.personalization_ready("v1")
    assert service.page("v1", HAPPY).mode == "personalized"  # same emotion: continues
    assert service.next_page("v1", "emotion").mode == "emotion"
    assert service.embedded.stats(first.item_ids[0], HAPPY) == (1, 1)
    assert service.embedded.stats(second.item_ids[0], HAPPY) == (1, 1)


def test_protocol_call_shapes_of_the_worker(service: RecommendationService) -> None:
    """`KioskBackend` calls page(visit, emotion, user, mode, page_size) positionally."""
    page = service.page("v", Emotion.SURPRISED, None, "auto", 2)
    assert len(page.items) == 2
    pixels = service.image(page.items[0].id, (20, 20))
    assert pixels.shape == (20, 20, 3)
    service.impression(page)
    service.like(page.visit_id, page.emotion, page.item_ids[0], None)
    assert service.embedded.stats(page.item_ids[0], Emotion.SURPRISED) == (1, 1)


def test_same_emotion_continues_new_emotion_restarts(service: RecommendationService) -> None:
    a = service.page("v", Emotion.CALM, page_size=1)
    b = service.page("v", Emotion.CALM, page_size=1)
    assert b.index == 1 and not set(a.item_ids) & set(b.item_ids)
    # A page larger than the pool (two calm images): both, topped up from neighbours.
    full = service.page("v2", Emotion.CALM)
    assert {i.emotion for i in full.items} - {Emotion.CALM} <= {Emotion.HAPPY, Emotion.SAD}
    assert sum(i.emotion is Emotion.CALM for i in full.items) == 2
    c = service.page("v", Emotion.FEAR)
    assert c.index == 0 and c.emotion is Emotion.FEAR
    service.end_visit("v")
    with pytest.raises(RecommendError):
        service.next_page("v")


def test_impressions_are_counted_once(service: RecommendationService) -> None:
    page = service.page("v", Emotion.SAD)
    assert service.embedded.stats(page.item_ids[0], Emotion.SAD) == (0, 0)
    service.impression(page)
    service.impression(page)
    assert service.embedded.stats(page.item_ids[0], Emotion.SAD) == (0, 1)


def test_images_rescan_and_status(service: RecommendationService, catalog_dir: Path,
                                  write_image: Any) -> None:
    page = service.page("v", HAPPY)
    pixels = service.image(page.items[0], (32, 24))
    assert pixels.shape == (24, 32, 3)
    assert service.image(page.item_ids[0], (32, 24)) is pixels
    with pytest.raises(RecommendError):
        service.image("emotions/happy/none.jpg")

    (catalog_dir / "angry" / "bad.jpg").write_bytes(b"garbage")
    write_image(catalog_dir / "angry" / "new.jpg", 5)
    report = service.rescan()
    assert report.added == ("emotions/angry/new.jpg",)
    status = service.status()
    assert status["backend"] == "embedded" and status["items"] == 17
    assert status["items_by_emotion"]["angry"] == 3
    assert status["skipped"] == 1 and status["skipped_files"][0].startswith("angry/bad.jpg: ")
    assert status["last_fallback"] is None and status["personalize"] is None
    assert service.embedded.item("emotions/angry/new.jpg") is not None


def test_counts_persist_across_restarts(data_dir: Path, catalog_dir: Path) -> None:
    settings = make_settings(data_dir, catalog_dir)
    with RecommendationService(settings, seed=1) as svc:
        page = svc.page("v", HAPPY, record_impression=True)
        svc.like("v", HAPPY, page.item_ids[2])
    assert (data_dir / "recommender.sqlite3").exists()
    assert (data_dir / "catalog.sqlite3").exists()
    with RecommendationService(settings, seed=1) as svc:
        assert svc.embedded.stats(page.item_ids[2], HAPPY) == (1, 1)
        assert svc.catalog.last_report is not None
        assert svc.catalog.last_report.unchanged == 16


def test_personalize_backend_with_fallback(data_dir: Path, catalog_dir: Path) -> None:
    client = boto3.client("personalize-runtime", region_name="us-east-1")
    settings = make_settings(data_dir, catalog_dir, **{
        "recommend.backend": "personalize", "personalize.campaign_arn": CAMPAIGN})
    with Stubber(client) as stub, RecommendationService(
        settings, personalize_client=client, seed=1
    ) as svc:
        stub.add_response("get_recommendations", {
            "itemList": [{"itemId": "emotions/happy/happy-2.png"},
                         {"itemId": "emotions/happy/happy-1.jpg"},
                         {"itemId": "emotions/calm/calm-1.jpg"}],
            "recommendationId": "rid-7"}, {
            "campaignArn": CAMPAIGN, "userId": "v", "numResults": 25,
            "context": {"EMOTION": "HAPPY"}})
        page = svc.page("v", HAPPY, record_impression=True)
        assert page.source == "personalize" and page.recommendation_id == "rid-7"
        assert page.item_ids == ("emotions/happy/happy-2.png", "emotions/happy/happy-1.jpg",
                                 "emotions/calm/calm-1.jpg")
        svc.like("v", HAPPY, "emotions/happy/happy-1.jpg")
        assert svc.embedded.stats("emotions/happy/happy-1.jpg", HAPPY) == (1, 1)  # stays warm
        stub.add_client_error("get_recommendations", "ThrottlingException", "slow down", 400)
        fallback = svc.next_page("v")
        assert fallback.source == "embedded" and "throttled" in fallback.note
        status = svc.status()
        assert status["backend"] == "personalize"
        assert "throttled" in status["last_fallback"]
        assert status["personalize"]["state"] == "backing_off"


def test_personalize_without_an_arn_uses_the_embedded_recommender(
    data_dir: Path, catalog_dir: Path
) -> None:
    # load_settings refuses this contradiction (kiosk.config.check_settings); settings
    # built in code can still carry it, and the service must not fall over.
    loaded = make_settings(data_dir, catalog_dir)
    settings = dataclasses.replace(
        loaded, recommend=dataclasses.replace(loaded.recommend, backend="personalize"))
    with RecommendationService(settings) as svc:
        assert svc.personalize is None
        assert "campaign_arn" in svc.status()["backend_note"]
        assert svc.page("v", HAPPY).source == "embedded"


def test_settings_drive_page_size_and_mode(data_dir: Path, catalog_dir: Path) -> None:
    settings = make_settings(data_dir, catalog_dir, **{
        "recommend.page_size": "5", "recommend.mode": "personalized"})
    with RecommendationService(settings) as svc:
        page = svc.page("v", HAPPY)
        assert len(page.items) == 5 and page.mode == "personalized"


def test_bundled_catalog_is_the_default(data_dir: Path) -> None:
    settings = load_settings(env={}, overrides={"app.data_dir": str(data_dir)})
    with RecommendationService(settings, scan=False) as svc:
        assert svc.catalog.root.name == "catalog"
        assert svc.catalog.root.parent.name == "resources"


def test_attract_loop_shows_pleasant_emotions_by_default(data_dir: Path,
                                                         catalog_dir: Path) -> None:
    pleasant = {Emotion.HAPPY, Emotion.CALM, Emotion.SURPRISED}
    with RecommendationService(make_settings(data_dir, catalog_dir), seed=1) as svc:
        items = svc.attract_items(8)
        assert {i.emotion for i in items} == pleasant and len(items) == 6  # 2 per folder
        assert [i.emotion for i in items[:3]] == [Emotion.HAPPY, Emotion.CALM,
                                                  Emotion.SURPRISED]  # interleaved
    settings = make_settings(data_dir, catalog_dir,
                             **{"recommend.attract_emotions": " Sad, fear "})
    with RecommendationService(settings, seed=1) as svc:
        assert {i.emotion for i in svc.attract_items(8)} == {Emotion.SAD, Emotion.FEAR}


def test_a_bad_attract_emotion_names_the_key(data_dir: Path, catalog_dir: Path) -> None:
    settings = make_settings(data_dir, catalog_dir,
                             **{"recommend.attract_emotions": "happy,glee"})
    with pytest.raises(ConfigError, match=r"recommend.attract_emotions.*'glee'.*allowed"):
        RecommendationService(settings, seed=1)
