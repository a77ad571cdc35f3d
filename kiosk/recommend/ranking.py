"""The embedded recommender's ranking maths: counts, priors, scores and page assembly.

`RankingModel` holds, for one catalog, the per-item arrays (folder, content
features, look-alike groups) and the learnt counts (per emotion × item: likes,
impressions, and the pooled likes/impressions of Emotion-mode pages that feed the
look-alike model), and turns them into one Thompson-sampled score per candidate
(`scores`); `select` fills a page from scored candidates under the variety rules.
The method is described in `kiosk.recommend.embedded`. Not thread-safe on its own:
`EmbeddedRecommender` holds one lock around it.
"""

from __future__ import annotations

import math
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from kiosk.domain import Emotion, Item, RecommendMode
from kiosk.recommend import variety
from kiosk.recommend.visits import Evidence, Visit

_ALL = slice(None)

EMOTIONS: tuple[Emotion, ...] = tuple(Emotion)
EMOTION_INDEX = {e: i for i, e in enumerate(EMOTIONS)}
MODES = tuple(RecommendMode)  # "auto", "emotion", "personalized"

# Neighbouring emotions on the valence/arousal circle: their folders get a small prior.
_NEIGHBOURS = (
    (Emotion.HAPPY, Emotion.SURPRISED), (Emotion.HAPPY, Emotion.CALM),
    (Emotion.SAD, Emotion.CALM), (Emotion.SAD, Emotion.FEAR),
    (Emotion.ANGRY, Emotion.DISGUSTED), (Emotion.ANGRY, Emotion.FEAR),
    (Emotion.CONFUSED, Emotion.SURPRISED), (Emotion.CONFUSED, Emotion.FEAR),
    (Emotion.DISGUSTED, Emotion.SAD),
)
ADJACENT: dict[Emotion, frozenset[Emotion]] = {
    e: frozenset({b for a, b in _NEIGHBOURS if a == e} | {a for a, b in _NEIGHBOURS if b == e})
    for e in EMOTIONS
}


@dataclass(frozen=True)
class RankerParams:
    """Tuning of the embedded recommender (defaults tuned with `kiosk.bench recommend`)."""

    personalize_after_likes: int = 2
    prior_shape: float = 2.0  # Beta a of an item's prior: draws spread about 1/sqrt(a)
    #                           around the prior rate, whatever the store's like rate
    prior_match: float = 0.35  # prior like rate of the emotion's own folder
    prior_adjacent: float = 0.1  # ... of a neighbouring emotion's folder (its weight
    prior_other: float = 0.04  # ... of any other folder              against the pool)
    explore_share: float = 0.0  # most share of Emotion-mode images from neighbours
    personal_share: float = 0.25  # most share of "For you" images outside the pool
    near_duplicate_cos: float = variety.NEAR_DUPLICATE_COS  # look-alike threshold
    folder_weight: float = 30.0  # pseudo-impressions of the prior vs a folder's counts
    lookalike_weight: float = 8.0  # pseudo-impressions of the folder rate vs look-alikes
    lookalike_share: float = 0.5  # what a look-alike's impression is worth vs the item's own
    new_item_bonus: float = 0.5  # score × (1 + bonus) for an item just added, never shown
    new_item_impressions: int = 10  # the bonus fades out over this many impressions...
    new_item_days: float = 14.0  # ... and over this many days after it was added
    content_weight: float = 1.0  # exponent of the visitor's look-alike lift (0: off)
    taste_shape: float = 0.5  # Gamma shape of that lift's prior (mean 1): smaller
    #                           trusts a visitor's few likes sooner
    colike_weight: float = 0.5  # score × (1 + weight × co-like score in 0..1)
    similarity_power: float = 3.0  # kernel max(0, cos)^p: only close look-alikes count
    diversity: float = 0.1  # penalty for items of one page looking alike

    def __post_init__(self) -> None:
        for name in ("explore_share", "personal_share"):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"RankerParams.{name} must be within 0..1, not {value}")
        for name in ("prior_shape", "taste_shape"):
            if not getattr(self, name) > 0.0:
                raise ValueError(f"RankerParams.{name} must be above 0, not "
                                 f"{getattr(self, name)}")
    user_history: int = 50  # earlier likes of a recognised user taken into account
    flush_every: int = 50  # pending count updates that trigger a write
    max_visits: int = 256  # visit states kept in memory (oldest dropped)


class RankingModel:
    """Catalog arrays and learnt counts of one catalog, and the scores they give."""

    def __init__(self, params: RankerParams, rng: np.random.Generator):
        self.params = params
        self.rng = rng
        self.version = 0  # bumped by every set_catalog (visit caches compare it)
        self.colikes: dict[str, dict[str, int]] = {}  # item -> item -> visits liking both
        self.like_totals: dict[str, int] = {}  # item -> likes over all emotions
        self._kernels: OrderedDict[int, np.ndarray] = OrderedDict()
        self.set_catalog([], None, ())

    # ------------------------------------------------------------------ catalog

    def set_catalog(
        self,
        items: Sequence[Item],
        features: np.ndarray | None,
        stats: Iterable[tuple[str, str, int, int, int, int]],
    ) -> None:
        """Rank over `items` (features: len(items) × D or None) with the stored
        `stats` rows (item id, emotion folder, likes, impressions, pooled likes,
        pooled impressions); rows of unknown items or emotions are ignored."""
        n, n_e = len(items), len(EMOTIONS)
        p = self.params
        self.version += 1
        self._kernels.clear()
        self.items = list(items)
        self.ids = [i.id for i in self.items]
        self.index = {key: k for k, key in enumerate(self.ids)}
        self.folder = np.array([EMOTION_INDEX[i.emotion] for i in self.items], np.int64)
        self.folder_mask = (self.folder[None, :] == np.arange(n_e)[:, None]).astype(np.float32)
        self.features = variety.centre(features, n)
        self.group = variety.groups(self.features, self.folder, p.near_duplicate_cos)
        self.motif = variety.motif_labels(self.items)  # -1: untagged
        self.n_groups = int(self.group.max()) + 1 if n else 0
        # counts[kind, emotion, item]; kinds: likes, impressions, pooled likes/impressions
        counts = np.zeros((4, n_e, n))
        for key, emotion, *values in stats:
            k, e = self.index.get(key), emotion_index(emotion)
            if k is not None and e is not None:
                counts[:, e, k] = values
        self.likes, self.imps, self.plikes, self.pimps = counts
        self.seen = self.imps.sum(axis=0)
        # The same counts summed per look-alike group and per folder, kept up to date
        # by `count`, so that ranking a page does no pass over the whole catalog.
        def per(labels: np.ndarray, size: int, kinds: np.ndarray) -> np.ndarray:
            return np.array([[np.bincount(labels, row, minlength=size) for row in kind]
                             for kind in kinds], dtype=np.float64).reshape(len(kinds), n_e, size)

        self.group_counts = per(self.group, self.n_groups, counts)  # [kind, emotion, group]
        self.group_seen = np.bincount(self.group, self.seen, minlength=self.n_groups)
        self.folder_pooled = per(self.folder, n_e, counts[2:])  # [p. likes/imps, e, folder]
        age_days = (time.time() - np.array([i.added_at for i in self.items])) / 86400.0
        self.recent = np.clip(1.0 - age_days / max(p.new_item_days, 1e-9), 0, 1)
        prior = np.full((n_e, n), p.prior_other)
        near_mask = np.zeros((n_e, n), dtype=bool)
        for e, emotion in enumerate(EMOTIONS):
            near_mask[e] = np.isin(self.folder, [EMOTION_INDEX[a] for a in ADJACENT[emotion]])
            prior[e, near_mask[e]] = p.prior_adjacent
            prior[e, self.folder == e] = p.prior_match
        self.prior = prior
        # fit[e, item]: weight of the item's pool score on e's pages (1 in e's pool)
        self.fit = prior / p.prior_match
        self.near = near_mask
        self._rebuild_lookalikes()

    def _rebuild_lookalikes(self) -> None:
        """Per emotion and item: kernel-weighted pooled likes and impressions of the
        same-folder look-alikes (`look_num`, `look_den`), from the counts."""
        n, n_e = len(self.ids), len(EMOTIONS)
        self.look_num = np.zeros((n_e, n), np.float32)
        self.look_den = np.zeros((n_e, n), np.float32)
        if n == 0 or self.features.shape[1] == 0:
            return
        seen = np.flatnonzero(self.pimps.sum(axis=0) > 0)
        for start in range(0, seen.size, 256):
            chunk = seen[start:start + 256]
            kern = power(
                np.maximum(self.features @ self.features[chunk].T, 0.0),
                self.params.similarity_power,
            )
            kern *= self.folder[:, None] == self.folder[chunk][None, :]
            self.look_num += (kern @ self.plikes[:, chunk].T).T.astype(np.float32)
            self.look_den += (kern @ self.pimps[:, chunk].T).T.astype(np.float32)

    def spread(self, emotions: Sequence[Emotion], count: int) -> list[Item]:
        """Up to `count` items of these emotions' folders, emotions interleaved in
        the given order, each folder in catalog order skipping near-duplicates of
        items already picked (taken only once nothing else is left)."""
        queues = [list(np.flatnonzero(self.folder == EMOTION_INDEX[e])) for e in emotions]
        picked: list[int] = []
        for strict in (True, False):
            while len(picked) < count and any(queues):
                for queue in queues:
                    while queue and len(picked) < count:
                        k = int(queue.pop(0))
                        if k in picked:
                            continue
                        if strict and self.alike(k, picked):
                            continue
                        picked.append(k)
                        break
            queues = [list(np.flatnonzero(self.folder == EMOTION_INDEX[e])) for e in emotions]
        return [self.items[k] for k in picked]

    def alike(self, c: int, against: Sequence[int]) -> bool:
        """Whether item c may not share a page with `against` (rows): a near-duplicate
        of one of them (`near_duplicate_cos`) or the same motif tag (`variety`)."""
        if not against:
            return False
        rows = np.asarray(against, np.int64)
        if self.motif[c] != variety.NO_MOTIF and bool((self.motif[rows] == self.motif[c]).any()):
            return True
        if not self.features.shape[1]:
            return False
        return bool((self.features[rows] @ self.features[c] >= self.params.near_duplicate_cos
                     ).any())

    def distinct_looks(self, rows: np.ndarray, apart_from: Sequence[int] = ()) -> int:
        """How many of `rows` could share one page: distinct motifs, each untagged
        item's look-alike group counting as one motif; rows `alike` to one of
        `apart_from` (the previous page) are left out."""
        if len(apart_from) and rows.size:
            other = np.asarray(apart_from, np.int64)
            clash = np.isin(self.motif[rows], self.motif[other][self.motif[other] >= 0])
            if self.features.shape[1]:
                sim = self.features[rows] @ self.features[other].T
                clash |= (sim >= self.params.near_duplicate_cos).any(axis=1)
            rows = rows[~clash]
        if rows.size == 0:
            return 0
        motif = self.motif[rows]
        keys = np.where(motif != variety.NO_MOTIF, motif, self.group[rows] + len(self.ids))
        return int(np.unique(keys).size)

    # ------------------------------------------------------------------ learning

    def count(self, k: int, e: int, *, likes: int, imps: int, pool: bool) -> None:
        """Add to item k's counts in emotion e (ranking sees them at once); `pool`:
        the page was an Emotion-mode one, so the counts feed the look-alike model."""
        g, f = self.group[k], self.folder[k]
        self.likes[e, k] += likes
        self.imps[e, k] += imps
        self.seen[k] += imps
        self.group_counts[:2, e, g] += (likes, imps)
        self.group_seen[g] += imps
        if pool:
            self.plikes[e, k] += likes
            self.pimps[e, k] += imps
            self.group_counts[2:, e, g] += (likes, imps)
            self.folder_pooled[:, e, f] += (likes, imps)
            if self.features.shape[1]:
                kern = self.kernel(k) * self.folder_mask[self.folder[k]]
                self.look_num[e] += likes * kern
                self.look_den[e] += imps * kern

    def add_colike(self, a: str, b: str) -> None:
        """One more visit liked both a and b."""
        n = self.colikes.get(a, {}).get(b, 0) + 1
        self.colikes.setdefault(a, {})[b] = n
        self.colikes.setdefault(b, {})[a] = n

    # ------------------------------------------------------------------ Beta maths

    def beta(self, e: int, rows: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Beta parameters of the like rate in emotion e of every item (or of `rows`);
        look-alike groups share their counts. The prior Beta(a, a (1 - m) / m) around
        the prior rate m has a fixed shape a (`prior_shape`): its pseudo-impressions
        a / m grow as like rates fall, so at a store's few percent one impression
        without a like does not sink an item, and its spread stays that of the items'
        real differences instead of exploring blindly."""
        pick = slice(None) if rows is None else rows
        groups = self.group[pick]
        likes = self.group_counts[0, e, groups]
        imps = self.group_counts[1, e, groups]
        prior = self.prior_rate(e, pick)
        strength = self.params.prior_shape / prior
        return likes + strength * prior, imps - likes + strength * (1 - prior)

    def folder_rate(self, e: int, pick: slice | np.ndarray = _ALL) -> np.ndarray:
        """Per item (of `pick`): its folder's pooled like rate with visitors in
        emotion e, shrunk towards the configured prior."""
        p = self.params
        fl, fi = self.folder_pooled[:, e]
        folder = self.folder[pick]
        return (fl[folder] + p.folder_weight * self.prior[e, pick]) / (
            fi[folder] + p.folder_weight
        )

    def prior_rate(self, e: int, pick: slice | np.ndarray = _ALL) -> np.ndarray:
        """The prior mean: the folder's rate scaled by how the item's same-folder
        look-alikes did relative to their folder (the item's own counts left out:
        they enter the Beta directly, and so do its group's)."""
        p = self.params
        folder_rate = self.folder_rate(e, pick)
        share = p.lookalike_share
        groups = self.group[pick]
        own_likes = self.group_counts[2, e, groups]
        own_imps = self.group_counts[3, e, groups]
        look_num = share * np.maximum(self.look_num[e, pick] - own_likes, 0.0)
        look_den = share * np.maximum(self.look_den[e, pick] - own_imps, 0.0)
        lift = (look_num + p.lookalike_weight * folder_rate) / (
            (look_den + p.lookalike_weight) * folder_rate
        )
        return np.clip(folder_rate * lift, 1e-3, 0.95)

    # ------------------------------------------------------------------ scores

    def scores(self, visit: Visit, taste: bool, candidates: np.ndarray) -> np.ndarray:
        """One Thompson draw of every candidate's score (-inf elsewhere); `taste`:
        multiply in the visitor's own taste (`taste_lift`) and co-likes.

        The draw is divided by the item's folder rate and weighted by how well the
        folder fits the emotion (`fit`): pools are compared by configuration, never
        by learnt counts, so a low like rate in one pool cannot hand its pages to
        another."""
        p = self.params
        e = EMOTION_INDEX[visit.emotion]
        rows = np.flatnonzero(candidates)
        scores = np.full(len(self.ids), -np.inf)
        if rows.size == 0:
            return scores
        a, b = self.beta(e, rows)
        rate = self.folder_rate(e, rows)
        seen = self.group_seen[self.group[rows]]
        fresh = self.recent[rows] * np.clip(1.0 - seen / max(p.new_item_impressions, 1), 0, 1)
        gain = (1.0 + p.new_item_bonus * fresh) * self.fit[e, rows] * p.prior_match
        value = self.rng.beta(a, b) / rate * gain
        if taste and visit.taste:
            if self.features.shape[1] and p.content_weight:
                value *= self.taste_lift(visit, rows, rate)
            if p.colike_weight:
                value *= 1.0 + p.colike_weight * self.colike(visit)[rows]
        scores[rows] = value
        return scores

    def taste_lift(self, visit: Visit, rows: np.ndarray, rate: np.ndarray) -> np.ndarray:
        """How much more (or less) likely this visitor is to like each of `rows` than
        the visitors of its pool (rate: their like rate, per row), from what the
        visitor liked and passed over among similar images: a Gamma-Poisson estimate
        (likes + c) / (expected likes + c), similarity-weighted, c = `taste_shape`,
        raised to `content_weight`. 1 for looks the visitor has not seen."""
        p = self.params
        evidence = self.evidence(visit)
        lift = (evidence.num[rows] + p.taste_shape) / (
            evidence.den[rows] * rate + p.taste_shape
        )
        return lift if p.content_weight == 1.0 else np.power(lift, p.content_weight)

    def kernel(self, k: int) -> np.ndarray:
        """Similarity of every item to item k: max(0, cos)^p (cached for recent items)."""
        cached = self._kernels.get(k)
        if cached is not None:
            self._kernels.move_to_end(k)
            return cached
        sim = np.einsum("nd,d->n", self.features, self.features[k])
        kern = power(np.maximum(sim, 0.0), self.params.similarity_power)
        self._kernels[k] = kern
        if len(self._kernels) > 64:
            self._kernels.popitem(last=False)
        return kern

    def evidence(self, visit: Visit) -> Evidence:
        """Bring the visit's similarity-weighted feedback up to date (incremental)."""
        ev = visit.evidence
        if ev is None or ev.version != self.version:
            n = len(self.ids)
            ev = Evidence(self.version, np.zeros(n, np.float32), np.zeros(n, np.float32))
            visit.evidence = ev
        liked = set(visit.taste)
        for key in [*visit.history, *sorted(visit.impressed), *visit.liked]:
            k = self.index.get(key)
            if k is None:
                continue
            is_liked = key in liked
            was = ev.done.get(key)
            if was is None:
                kern = self.kernel(k)
                ev.den += kern
                if is_liked:
                    ev.num += kern
            elif is_liked and not was:
                ev.num += self.kernel(k)
            ev.done[key] = is_liked
        return ev

    def colike(self, visit: Visit) -> np.ndarray:
        """Co-like score of every item with the visitor's likes, scaled to 0..1; each
        liked item's contribution is computed once per visit."""
        cache = visit.colikes
        if cache is None or cache.version != self.version:
            n = len(self.ids)
            cache = Evidence(self.version, np.zeros(n), np.zeros(0))
            visit.colikes = cache
        for a in visit.taste:
            if a in cache.done:
                continue
            cache.done[a] = True
            pop_a = self.like_totals.get(a, 0) + 1
            for b, n in self.colikes.get(a, {}).items():
                k = self.index.get(b)
                if k is not None:
                    cache.num[k] += n / math.sqrt(pop_a * (self.like_totals.get(b, 0) + 1))
        peak = cache.num.max() if cache.num.size else 0.0
        return cache.num / peak if peak > 0 else cache.num

    # ------------------------------------------------------------------ pages

    def select(
        self,
        scores: np.ndarray,
        tiers: list[np.ndarray],
        off_tiers: list[np.ndarray],
        budget: int,
        explore: int,
        k: int,
        last: list[int],
        placed: Sequence[int] = (),
    ) -> np.ndarray:
        """Fill a page of k: on-pool tiers in order (the rest of the current cycle,
        then a new one), at most `budget` off-pool rows, from `off_tiers` in order
        (those not shown yet in the visit, then the shown ones), of which `explore` are
        taken whatever their score (Emotion-mode exploration). Greedy by score minus
        an MMR penalty; near-duplicates and same-motif items (`alike`) of the page
        (`placed`: rows another backend already put on it, plus those chosen), then
        of the last page, are skipped while other candidates remain."""
        width = max(8 * k, 32)
        pools = [t[top(scores[t], min(t.size, width))] for t in tiers if t.size]
        offs = [t[top(scores[t], min(t.size, width))] for t in off_tiers if t.size and budget]
        feats = self.features if self.features.shape[1] else None
        chosen: list[int] = []
        penalty: dict[int, float] = {}
        cands = (np.concatenate([*pools, *offs]) if pools or offs
                 else np.zeros(0, np.int64))
        off_set = {int(c) for t in offs for c in t.tolist()}

        def page() -> list[int]:  # what is on the page so far
            return [*placed, *chosen]

        def best_off(strict: int) -> int | None:  # the first off tier with a candidate
            for t in offs:
                best = _best(t, scores, penalty, page(), strict, last, self.alike)
                if best is not None:
                    return best
            return None

        def take(c: int) -> None:
            chosen.append(c)
            if feats is not None and self.params.diversity > 0:
                sims = np.clip(feats[cands] @ feats[c], 0.0, None)
                for j, s in zip(cands.tolist(), sims.tolist(), strict=True):
                    penalty[j] = max(penalty.get(j, 0.0), self.params.diversity * s)

        for strict in (2, 1, 0):  # 2: no look of this page or the last; 1: of this page
            used_off = sum(1 for c in chosen if c in off_set)
            for _ in range(explore - used_off):
                best = best_off(strict)
                if best is None:
                    break
                take(best)
            for pool in [*pools, None]:
                while len(chosen) < k:
                    used_off = sum(1 for c in chosen if c in off_set)
                    if pool is None:
                        if used_off >= budget:
                            break
                        best = best_off(strict)
                    else:
                        best = _best(pool, scores, penalty, page(), strict, last, self.alike)
                    if pool is not None and used_off < budget:
                        other = best_off(strict)
                        if other is not None and (
                            best is None
                            or scores[other] - penalty.get(other, 0.0)
                            > scores[best] - penalty.get(best, 0.0)
                        ):
                            best = other
                    if best is None:
                        break
                    take(best)
                if len(chosen) == k:
                    return np.array(chosen, np.int64)
        return np.array(chosen, np.int64)


def _best(
    rows: np.ndarray, scores: np.ndarray, penalty: dict[int, float], chosen: list[int],
    strict: int, last: list[int], clash: Callable[[int, Sequence[int]], bool],
) -> int | None:
    """The best row not chosen yet that respects the variety rules of `strict`."""
    best, best_value = None, -np.inf
    taken = set(chosen)
    for c in rows.tolist():
        if c in taken:
            continue
        value = scores[c] - penalty.get(c, 0.0)
        if best is not None and value <= best_value:
            continue
        if strict >= 1 and clash(c, chosen):
            continue
        if strict >= 2 and clash(c, last):
            continue
        best, best_value = c, value
    return best


def top(scores: np.ndarray, k: int) -> np.ndarray:
    """Indices of the k highest scores, best first."""
    if k >= scores.size:
        return np.argsort(-scores, kind="stable")
    part = np.argpartition(-scores, k - 1)[:k]
    return part[np.argsort(-scores[part], kind="stable")]


def power(x: np.ndarray, p: float) -> np.ndarray:
    """x ** p, by multiplication for small whole p (several times faster than pow)."""
    if p == int(p) and 1 <= p <= 4:
        out = x.copy()
        for _ in range(int(p) - 1):
            out *= x
        return out
    return np.power(x, p)


def emotion_index(folder: str) -> int | None:
    """Index in `EMOTIONS` of an emotion folder name; None when it is not one."""
    try:
        return EMOTION_INDEX[Emotion.parse(folder)]
    except ValueError:
        return None
