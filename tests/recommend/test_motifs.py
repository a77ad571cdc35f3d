"""Motif tags: one image per motif on a page, no motif of the previous page again,
untagged catalogs unchanged, and the Personalize pages under the same rule."""

from __future__ import annotations

from collections import Counter
from typing import Any

import boto3
import numpy as np
import pytest
from botocore.stub import Stubber

from kiosk.config import PersonalizeSettings
from kiosk.domain import Emotion, Item
from kiosk.recommend import variety
from kiosk.recommend.embedded import EmbeddedRecommender, RankerParams
from kiosk.recommend.personalize import PersonalizeRecommender
from kiosk.testing import FakeClock

HAPPY = Emotion.HAPPY


def tagged_catalog(motifs: dict[Emotion, list[str]], seed: int = 0,
                   dim: int = 24) -> tuple[list[Item], np.ndarray]:
    """Items `<emotion>/<emotion>-<motif>-NN.jpg` (one per entry of `motifs[emotion]`,
    repeats numbered), features random and far apart: only the tags link them."""
    rng = np.random.default_rng(seed)
    items = []
    for emotion, names in motifs.items():
        seen: Counter[str] = Counter()
        for name in names:
            seen[name] += 1
            file = f"{emotion.folder}-{name}-{seen[name]:02d}.jpg"
            items.append(Item(id=f"emotions/{emotion.folder}/{file}", emotion=emotion,
                              path=f"/nowhere/{emotion.folder}/{file}"))
    feats = rng.normal(size=(len(items), dim)).astype(np.float32)
    return items, feats / np.linalg.norm(feats, axis=1, keepdims=True)


def motifs_of(ids: tuple[str, ...] | list[str]) -> list[str]:
    return [f"{i.split('/')[1]}/{i.rsplit('/', 1)[1].rsplit('-', 1)[0]}" for i in ids]


def test_motif_tags_come_from_the_file_name() -> None:
    def tag(emotion: Emotion, file: str) -> str | None:
        return variety.motif_of(Item(id=f"emotions/{emotion.folder}/{file}", emotion=emotion,
                                     path=""))

    assert tag(Emotion.ANGRY, "angry-lightning-02.jpg") == "lightning"
    assert tag(Emotion.SAD, "sad-rainy-window-11.png") == "rainy-window"
    assert tag(Emotion.CALM, "calm-lily_pond-3.webp") == "lily_pond"
    # Operator names carry no motif: no constraint.
    for file in ("angry-01.jpg", "IMG_0042.jpg", "sunset.jpg", "happy-beach-01.jpg",
                 "angry-02-copy.jpg", "angry-Lightning-02.jpg", "angry--02.jpg"):
        assert tag(Emotion.ANGRY, file) is None, file
    items, _ = tagged_catalog({HAPPY: ["sun", "sun", "kite"], Emotion.SAD: ["sun"]})
    labels = variety.motif_labels([*items, Item(id="emotions/sad/x.jpg",
                                                emotion=Emotion.SAD, path="")])
    assert labels[0] == labels[1] != labels[2]
    assert labels[3] not in labels[:3]  # motifs are per folder
    assert labels[4] == variety.NO_MOTIF


@pytest.mark.parametrize("mode", ["emotion", "auto"])
def test_a_page_never_holds_two_of_one_motif_nor_the_last_pages(mode: str) -> None:
    # 6 motifs x 2 in the happy pool: every page can avoid its own and the last page's.
    names = [m for m in ("sun", "kite", "ball", "meadow", "citrus", "balloon") for _ in (0, 1)]
    items, feats = tagged_catalog({e: names for e in Emotion}, seed=3)
    rec = EmbeddedRecommender(seed=5, params=RankerParams(explore_share=0.34))
    rec.set_catalog(items, feats)
    rng = np.random.default_rng(1)
    pages = 0
    for v in range(12):
        last: list[str] = []
        for _ in range(9):
            page = rec.page(f"v{v}", HAPPY, mode=mode)
            rec.record_impression(f"v{v}", HAPPY, page.item_ids)
            shown = motifs_of(page.item_ids)
            assert len(set(shown)) == 3, shown
            assert not set(shown) & set(last), (last, shown)
            last = shown
            pages += 1
            for item in page.item_ids:
                if rng.random() < 0.2:
                    rec.record_like(f"v{v}", HAPPY, item)
        rec.end_visit(f"v{v}")
    assert pages == 108


def test_for_you_pages_hold_one_image_per_motif_too() -> None:
    names = ["sun", "sun", "sun", "kite", "kite", "kite", "ball", "ball", "ball"]
    items, feats = tagged_catalog({e: names for e in Emotion}, seed=4)
    rec = EmbeddedRecommender(seed=2, params=RankerParams(personal_share=0.34))
    rec.set_catalog(items, feats)
    rec.prepare_visit("v", HAPPY)
    for liked in ("emotions/happy/happy-sun-01.jpg", "emotions/happy/happy-sun-02.jpg"):
        rec.record_like("v", HAPPY, liked)  # the visitor loves the sun...
    for _ in range(6):
        page = rec.page("v", HAPPY, mode="personalized")
        assert page.mode == "personalized"
        shown = motifs_of(page.item_ids)
        assert len(set(shown)) == len(shown) == 3, shown  # ...yet one sun per page


def test_the_rest_of_a_cycle_fills_in_rather_than_repeat_a_motif() -> None:
    # 4 motifs in a pool of 6: a cycle ends with two of "sun" left over.
    items, feats = tagged_catalog({e: ["sun", "sun", "sun", "kite", "ball", "cloud"]
                                   for e in Emotion}, seed=6)
    rec = EmbeddedRecommender(seed=3)
    rec.set_catalog(items, feats)
    seen: list[str] = []
    for _ in range(10):
        page = rec.page("v", HAPPY, mode="emotion")
        shown = motifs_of(page.item_ids)
        assert len(page.items) == 3 and len(set(shown)) == 3, shown
        seen += page.item_ids
    assert len(set(seen)) == 6  # every image comes round


def test_a_pool_of_one_motif_still_fills_pages() -> None:
    items, feats = tagged_catalog({e: ["sun"] * 4 for e in Emotion}, seed=7)
    rec = EmbeddedRecommender(seed=3)
    rec.set_catalog(items, feats)
    page = rec.page("v", HAPPY, mode="emotion")
    assert len(page.items) == 3 and all("/happy/" in i for i in page.item_ids)


def test_an_untagged_catalog_still_pages(synthetic_items: Any) -> None:
    items, feats, _ = synthetic_items(per_emotion=7, clusters=7, seed=2)
    rec = EmbeddedRecommender(seed=1)
    rec.set_catalog(items, feats)
    assert all(variety.motif_of(i) is None for i in items)
    ids = [rec.page("v", HAPPY, mode="emotion").item_ids for _ in range(5)]
    assert all(len(set(p)) == 3 for p in ids)
    assert len({i for p in ids for i in p}) == 7 and all("/happy/" in i for p in ids for i in p)


def test_personalize_answers_are_held_to_one_image_per_motif() -> None:
    items, feats = tagged_catalog({e: ["sun", "sun", "kite", "ball"] for e in Emotion}, seed=8)
    embedded = EmbeddedRecommender(seed=4)
    embedded.set_catalog(items, feats)
    client = boto3.client("personalize-runtime", region_name="us-east-1")
    settings = PersonalizeSettings(
        campaign_arn="arn:aws:personalize:us-east-1:123456789012:campaign/kiosk-images")
    rec = PersonalizeRecommender(settings, embedded, client=client, clock=FakeClock())
    ids = [f"emotions/happy/happy-{n}.jpg" for n in ("sun-01", "sun-02", "kite-01", "ball-01")]
    with Stubber(client) as stub:
        stub.add_response("get_recommendations", {
            "itemList": [{"itemId": i, "score": 0.5} for i in ids], "recommendationId": "r1"})
        page = rec.page("v", HAPPY)
    rec.close()
    assert page.item_ids == (ids[0], ids[2], ids[3])
    assert "1 items like one already on the page skipped" in page.note


def test_the_attract_loop_spreads_over_motifs() -> None:
    items, feats = tagged_catalog({e: ["sun", "sun", "sun", "kite", "kite", "ball", "cloud"]
                                   for e in Emotion}, seed=9)
    rec = EmbeddedRecommender(seed=1)
    rec.set_catalog(items, feats)
    shown = [i.id for i in rec.spread([HAPPY, Emotion.CALM], 8)]
    assert len(shown) == 8
    assert len(set(motifs_of(shown))) == 8  # four motifs of each, none twice
    assert len(rec.spread([HAPPY], 6)) == 6  # more than the motifs: repeats fill in
