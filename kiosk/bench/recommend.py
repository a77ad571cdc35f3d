"""`python -m kiosk.bench recommend`: like rate and ranking latency of the recommenders.

Simulated visitors with hidden tastes meet a synthetic catalog of 10,000 items
(1,250 per emotion folder). No images are decoded: each item gets a synthetic
content-feature vector standing in for the colour/texture vector the catalog computes.

The hidden world (what the recommenders cannot see; every number is a flag):

* Items fall into 12 visual clusters (`--clusters`); an item's feature vector is its
  cluster's centre plus noise, so "looks alike" is learnable from features.
* A visitor arrives in one emotion e (uniform over the 8) with a personal taste:
  2 of the 12 clusters (`--taste-clusters`).
* They like item j independently with probability sigmoid(logit), where
  logit = -3.0 (`--base`)
          + 1.5 (`--emotion-match`) if j is in e's folder: the preference for the
            detected emotion's images
          + mood[e, cluster(j)] ~ N(0, 0.8) (`--mood-sd`): looks that suit a mood for
            everybody in it (e.g. calm visitors like soft pastels)
          + 2.5 (`--taste-match`) if j's cluster is in the visitor's taste
          + appeal[e, j] ~ N(0, 0.6) (`--appeal-sd`): some images simply work better.
  Without mood and appeal: 18 % for an emotion-matched image outside the visitor's
  taste, 73 % for one in it, 38 % off-emotion in taste, 5 % for the rest.
* Each visit looks at `--pages` (6) pages of `--page-size` (3) images, pressing Next
  after each; the visits run one after another, so the embedded recommender learns
  as it goes. It starts cold: `like_rate_by_page` includes its learning period, and
  `embedded_second_half` shows the rates once it has seen the first half.

Strategies: `random` (uniform over the catalog, no repeats), `emotion_static` (the
AWS sample's behaviour: the emotion's folder in a fixed file order) and `embedded`
(`EmbeddedRecommender` with default settings, fed every impression and like).

Output: `like_rate_by_page` (fraction of shown images liked, per page position, per
strategy), `rank_ms` (p50/p99 wall time of one `EmbeddedRecommender.page` call over
all 10,000 items, measured inside the simulation, personalized pages included) and
`targets` (page-3 like-rate ratio ≥ 1.5 against the static order, p99 ≤ 10 ms).
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from kiosk.domain import Item
from kiosk.recommend.embedded import EMOTIONS, EmbeddedRecommender, RankerParams

STRATEGIES = ("random", "emotion_static", "embedded")
BASE, EMOTION_MATCH, TASTE_MATCH, APPEAL_SD, MOOD_SD = -3.0, 1.5, 2.5, 0.6, 0.8
FEATURE_DIM, FEATURE_NOISE = 48, 0.6


def run(argv: list[str], params: RankerParams | None = None) -> dict:
    parser = argparse.ArgumentParser(prog="python -m kiosk.bench recommend")
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--visits", type=int, default=2_000)
    parser.add_argument("--pages", type=int, default=6)
    parser.add_argument("--page-size", type=int, default=3)
    parser.add_argument("--clusters", type=int, default=12)
    parser.add_argument("--taste-clusters", type=int, default=2)
    parser.add_argument("--base", type=float, default=BASE)
    parser.add_argument("--emotion-match", type=float, default=EMOTION_MATCH)
    parser.add_argument("--taste-match", type=float, default=TASTE_MATCH)
    parser.add_argument("--appeal-sd", type=float, default=APPEAL_SD)
    parser.add_argument("--mood-sd", type=float, default=MOOD_SD)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    world = World(args, np.random.default_rng(args.seed))
    rates: dict[str, list[float]] = {}
    second_half = np.zeros(args.pages)
    rank_ms: list[float] = []
    rank_cpu_ms: list[float] = []
    for name in STRATEGIES:
        visitors = np.random.default_rng(args.seed + 1)  # the same visitors for everyone
        choices = np.random.default_rng(args.seed + 2)
        likes = np.zeros(args.pages)
        recommender = None
        if name == "embedded":
            recommender = EmbeddedRecommender(":memory:", page_size=args.page_size,
                                              seed=args.seed + 3, params=params)
            recommender.set_catalog(world.items, world.features)
        for v in range(args.visits):
            emotion = int(visitors.integers(len(EMOTIONS)))
            taste = visitors.choice(args.clusters, args.taste_clusters, replace=False)
            uniforms = visitors.random((args.pages, args.page_size))
            p_like = world.like_probability(emotion, taste)
            if recommender is None:
                pages = _static_pages(world, name, emotion, args, choices)
                for page_no, shown in enumerate(pages):
                    likes[page_no] += np.count_nonzero(uniforms[page_no] < p_like[shown])
                continue
            visit_id = f"visit-{v}"
            for page_no in range(args.pages):
                t0, c0 = time.perf_counter(), time.thread_time()
                page = recommender.page(visit_id, EMOTIONS[emotion])
                rank_ms.append((time.perf_counter() - t0) * 1000.0)
                rank_cpu_ms.append((time.thread_time() - c0) * 1000.0)
                shown = np.array([world.index[i] for i in page.item_ids])
                recommender.record_impression(visit_id, EMOTIONS[emotion], page.item_ids)
                liked = uniforms[page_no, : shown.size] < p_like[shown]
                likes[page_no] += np.count_nonzero(liked)
                if v >= args.visits // 2:
                    second_half[page_no] += np.count_nonzero(liked)
                for key, hit in zip(page.item_ids, liked, strict=True):
                    if hit:
                        recommender.record_like(visit_id, EMOTIONS[emotion], key)
            recommender.end_visit(visit_id)
        if recommender is not None:
            recommender.close()
        rates[name] = [round(float(x), 4) for x in likes / (args.visits * args.page_size)]
    ms = np.array(rank_ms)
    p99 = float(np.percentile(ms, 99))
    static3, embedded3 = rates["emotion_static"][2:3], rates["embedded"][2:3]
    ratio = round(embedded3[0] / static3[0], 2) if static3 and static3[0] else None
    late = args.visits - args.visits // 2
    return {
        "like_rate_by_page": rates,
        "embedded_second_half": [
            round(float(x), 4) for x in second_half / (late * args.page_size)
        ],
        "rank_ms": {
            "p50": round(float(np.percentile(ms, 50)), 3),
            "p99": round(p99, 3),
            "max": round(float(ms.max()), 3),
            "calls": int(ms.size),
        },
        "rank_cpu_ms": {  # CPU time of the same calls: the cost without scheduling noise
            "p50": round(float(np.percentile(rank_cpu_ms, 50)), 3),
            "p99": round(float(np.percentile(rank_cpu_ms, 99)), 3),
        },
        "targets": {
            "page3_ratio_embedded_vs_emotion_static": ratio,
            "page3_ratio_at_least_1_5": ratio is not None and ratio >= 1.5,
            "rank_p99_at_most_10_ms": p99 <= 10.0,
        },
        "world": {
            "clusters": args.clusters, "taste_clusters": args.taste_clusters,
            "base": args.base, "emotion_match": args.emotion_match,
            "taste_match": args.taste_match, "mood_sd": args.mood_sd,
            "appeal_sd": args.appeal_sd,
        },
        "n_items": args.items,
        "visits": args.visits,
        "pages_per_visit": args.pages,
        "page_size": args.page_size,
        "seed": args.seed,
        "seconds": round(time.perf_counter() - started, 1),
    }


class World:
    """The synthetic catalog and the hidden like model."""

    def __init__(self, args: argparse.Namespace, rng: np.random.Generator):
        n_items, n_clusters = args.items, args.clusters
        self.coef = (args.base, args.emotion_match, args.taste_match)
        self.folder = np.arange(n_items) % len(EMOTIONS)
        rng.shuffle(self.folder)
        self.cluster = rng.integers(n_clusters, size=n_items)
        centres = rng.normal(size=(n_clusters, FEATURE_DIM))
        raw = centres[self.cluster] + FEATURE_NOISE * rng.normal(size=(n_items, FEATURE_DIM))
        self.features = (raw / np.linalg.norm(raw, axis=1, keepdims=True)).astype(np.float32)
        self.appeal = rng.normal(0.0, args.appeal_sd, size=(len(EMOTIONS), n_items))
        self.mood = rng.normal(0.0, args.mood_sd, size=(len(EMOTIONS), n_clusters))
        self.items = [
            Item(id=f"emotions/{EMOTIONS[f].folder}/{k:05d}.jpg", emotion=EMOTIONS[f], path="")
            for k, f in enumerate(self.folder)
        ]
        self.index = {item.id: k for k, item in enumerate(self.items)}
        self.by_folder = [np.flatnonzero(self.folder == e) for e in range(len(EMOTIONS))]

    def like_probability(self, emotion: int, taste: np.ndarray) -> np.ndarray:
        base, emotion_match, taste_match = self.coef
        logit = (
            base
            + emotion_match * (self.folder == emotion)
            + taste_match * np.isin(self.cluster, taste)
            + self.mood[emotion, self.cluster]
            + self.appeal[emotion]
        )
        return 1.0 / (1.0 + np.exp(-logit))


def _static_pages(
    world: World, name: str, emotion: int, args: argparse.Namespace, rng: np.random.Generator
) -> list[np.ndarray]:
    n = args.pages * args.page_size
    if name == "random":
        order = rng.choice(len(world.items), n, replace=False)
    else:
        order = world.by_folder[emotion][:n]  # the folder in its (fixed) file order
    return [order[i * args.page_size:(i + 1) * args.page_size] for i in range(args.pages)]


__all__ = ["STRATEGIES", "World", "run"]
