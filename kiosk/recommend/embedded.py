"""The embedded recommender: offline, learns from every like at once.

Ranking a page for (visit, emotion):

1. **The emotion's pool.** A page comes from the current emotion's folder (its
   *pool*). Learning re-ranks inside the pool and never moves another folder's
   images above it: with a store's real like rate (a few percent), pages passed over
   without a like lower every image of the pool alike, so they must not be compared
   with images of pools nobody has tried. Outside the pool there is only a bounded
   share (`explore_share` in Emotion mode, default 0; `personal_share` in "For you",
   default 0.25), only from the neighbouring emotions (`ADJACENT`), and counted over
   the visit's pages in this emotion: after any page, at most that share of the
   images shown so far left the pool. `Page.off_emotion` lists the images that did.
   A pool smaller than a page is topped up from the neighbours (then the rest).
2. **Emotion (cold start).** Thompson sampling inside the pool: each item's like
   rate in the current emotion is drawn from Beta(likes + S·m, impressions − likes +
   S·(1 − m)). Look-alike groups (near-duplicates, `kiosk.recommend.variety`) pool
   their likes and impressions, so trying one member counts as trying the look. The
   prior rate m is the pool's own like rate with visitors in this emotion (shrunk
   towards `prior_match`) scaled by how the item's look-alikes in its folder did
   (kernel-weighted likes/impressions over the catalog's colour/texture features),
   so what visitors liked spreads at once to similar images, new ones included.
   Draws are then divided by the pool's rate: a score says how an item compares
   with its own pool, which is what stays true when almost nobody likes anything.
   Items with few impressions get a new-item bonus.
3. **Personalized ("For you").** Once the visitor has liked `personalize_after_likes`
   items (this visit, plus earlier visits of a recognised `user_id`), their taste is
   added to the score:
   * content: each item's look-alike like rate among what this visitor has seen
     (same kernel), shrunk towards `taste_prior_rate`. Liked images pull similar
     ones up, images passed over push theirs down;
   * co-likes: items other visitors liked in the same visit as the visitor's likes,
     normalised by popularity (item-to-item collaborative filtering).
   Neighbouring emotions' images compete at `prior_adjacent / prior_match` of their
   pool score, within the `personal_share` budget.
4. **Variety.** No two near-duplicates on one page, none of the previous page's
   looks again where the pool allows (relaxed, in that order, only when the pool
   has too few distinct looks), and a small MMR-style penalty for items that look
   alike.
5. Items already shown in this visit are excluded until the whole pool has been
   shown; then a new cycle starts. A new emotion or a new visitor starts a fresh
   ranking (the visitor's likes are kept: taste belongs to the person).

Likes and impressions update the in-memory arrays at once, so the next page
already reflects them. Impressions on personalized pages count for the item but not
for the look-alike model (a visitor's own taste would bias the population's rates).
Counts are written behind to SQLite (`recommender.sqlite3`: per item × emotion
likes/impressions, sparse co-likes, per-user likes) and flushed at the end of a
visit, every `flush_every` updates and on `close()`. Ranking is vectorised numpy
over the pool and its neighbours only: about a millisecond for 10,000 items.
Thread-safe (one lock).
"""

from __future__ import annotations

import logging
import math
import sqlite3
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from kiosk.domain import Emotion, Item, Page
from kiosk.recommend import variety
from kiosk.recommend.errors import RecommendError

log = logging.getLogger(__name__)
_ALL = slice(None)

EMOTIONS: tuple[Emotion, ...] = tuple(Emotion)
EMOTION_INDEX = {e: i for i, e in enumerate(EMOTIONS)}
MODES = ("auto", "emotion", "personalized")

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

_SCHEMA = """
CREATE TABLE IF NOT EXISTS stats (
    item_id TEXT NOT NULL,
    emotion TEXT NOT NULL,
    likes INTEGER NOT NULL DEFAULT 0,
    impressions INTEGER NOT NULL DEFAULT 0,
    pooled_likes INTEGER NOT NULL DEFAULT 0,        -- from emotion-mode pages only
    pooled_impressions INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (item_id, emotion)
);
CREATE TABLE IF NOT EXISTS colikes (
    a TEXT NOT NULL,                -- a < b
    b TEXT NOT NULL,
    n INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (a, b)
);
CREATE TABLE IF NOT EXISTS user_likes (
    user_id TEXT NOT NULL,
    item_id TEXT NOT NULL,
    emotion TEXT NOT NULL,
    at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS user_likes_user ON user_likes (user_id, at);
"""


@dataclass(frozen=True)
class RankerParams:
    """Tuning of the embedded recommender (defaults tuned with `kiosk.bench recommend`)."""

    personalize_after_likes: int = 2
    prior_strength: float = 12.0  # pseudo-impressions behind an item's prior like rate
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
    content_weight: float = 1.0  # weight of the visitor's look-alike like rate
    colike_weight: float = 0.2  # weight of co-likes by other visitors
    similarity_power: float = 3.0  # kernel max(0, cos)^p: only close look-alikes count
    taste_prior_rate: float = 0.2  # like rate assumed for looks the visitor has not seen
    taste_prior_weight: float = 1.0  # how many seen items that assumption is worth
    diversity: float = 0.1  # penalty for items of one page looking alike

    def __post_init__(self) -> None:
        for name in ("explore_share", "personal_share"):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"RankerParams.{name} must be within 0..1, not {value}")
    user_history: int = 50  # earlier likes of a recognised user taken into account
    flush_every: int = 50  # pending count updates that trigger a write
    max_visits: int = 256  # visit states kept in memory (oldest dropped)


@dataclass
class _Evidence:
    """For one visit, per catalog item: sum over the items the visitor has seen of
    similarity × liked (`num`) and of similarity (`den`), updated incrementally."""

    version: int
    num: np.ndarray
    den: np.ndarray
    done: dict[str, bool] = field(default_factory=dict)  # item id -> counted as liked


@dataclass
class _Visit:
    visit_id: str
    emotion: Emotion
    user_id: str | None
    history: list[str] = field(default_factory=list)  # earlier likes of this user
    liked: list[str] = field(default_factory=list)  # likes in this visit, in order
    shown: set[str] = field(default_factory=set)  # shown in the current ranking cycle
    impressed: set[str] = field(default_factory=set)  # impressions counted this visit
    pooled: set[str] = field(default_factory=set)  # ... of which fed the look-alike model
    last_page: tuple[str, ...] = ()
    page_index: int = 0
    served: int = 0  # images on this emotion's pages so far (for the off-pool budget)
    served_off: int = 0  # ... of which from outside the emotion's pool
    evidence: _Evidence | None = None
    colikes: _Evidence | None = None  # co-like sums of the taste items, built lazily

    @property
    def taste(self) -> list[str]:
        return self.history + [i for i in self.liked if i not in self.history]


class EmbeddedRecommender:
    """Ranks catalog items for a visit; see the module docstring for the method."""

    def __init__(
        self,
        db_path: str | Path = ":memory:",
        *,
        params: RankerParams | None = None,
        page_size: int = 3,
        seed: int | None = None,
    ):
        self.params = params or RankerParams()
        self.page_size = page_size
        self._rng = np.random.default_rng(seed)
        self._lock = threading.RLock()
        self._visits: OrderedDict[str, _Visit] = OrderedDict()
        self._pending_stats: dict[tuple[str, str], list[int]] = {}
        self._pending_colikes: dict[tuple[str, str], int] = {}
        self._pending_users: list[tuple[str, str, str, float]] = []
        self._colikes: dict[str, dict[str, int]] = {}
        self._like_totals: dict[str, int] = {}
        self._kernels: OrderedDict[int, np.ndarray] = OrderedDict()
        self._version = 0
        self.read_only = ""  # why the database cannot be written (full disk, read-only)
        try:
            if str(db_path) != ":memory:":
                Path(db_path).parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(str(db_path), check_same_thread=False)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.executescript(_SCHEMA)
            for a, b, n in self._db.execute("SELECT a, b, n FROM colikes"):
                self._colikes.setdefault(a, {})[b] = int(n)
                self._colikes.setdefault(b, {})[a] = int(n)
        except (OSError, sqlite3.Error) as exc:
            from kiosk.recommend.catalog import storage_problem

            self.read_only = storage_problem(Path(db_path), exc, "the recommender database")
            log.error("%s; learning from likes in memory only until the next start",
                      self.read_only)
            self._db = sqlite3.connect(":memory:", check_same_thread=False)
            self._db.executescript(_SCHEMA)
        self.set_catalog([])

    # ------------------------------------------------------------------ catalog

    def set_catalog(self, items: Sequence[Item], features: np.ndarray | None = None) -> None:
        """Rank over `items` from now on (after a rescan); `features` is len(items) × D.

        Counts are reloaded from the database, so items that come back keep theirs."""
        with self._lock:
            self.flush()
            n, n_e = len(items), len(EMOTIONS)
            self._version += 1
            self._kernels.clear()
            self._items = list(items)
            self._ids = [i.id for i in self._items]
            self._index = {key: k for k, key in enumerate(self._ids)}
            self._folder = np.array([EMOTION_INDEX[i.emotion] for i in self._items], np.int64)
            self._folder_mask = (self._folder[None, :] == np.arange(n_e)[:, None]).astype(
                np.float32
            )
            self._features = variety.centre(features, n)
            self._group = variety.groups(
                self._features, self._folder, self.params.near_duplicate_cos
            )
            self._n_groups = int(self._group.max()) + 1 if n else 0
            # counts[kind, emotion, item]; kinds: likes, impressions, pooled likes/impressions
            counts = np.zeros((4, n_e, n))
            for key, emotion, *values in self._db.execute(
                "SELECT item_id, emotion, likes, impressions, pooled_likes, pooled_impressions "
                "FROM stats"
            ):
                k, e = self._index.get(key), _emotion_index(emotion)
                if k is not None and e is not None:
                    counts[:, e, k] = values
            self._likes, self._imps, self._plikes, self._pimps = counts
            self._seen = self._imps.sum(axis=0)
            age_days = (time.time() - np.array([i.added_at for i in self._items])) / 86400.0
            self._recent = np.clip(1.0 - age_days / max(self.params.new_item_days, 1e-9), 0, 1)
            self._like_totals = {
                key: int(total or 0)
                for key, total in self._db.execute(
                    "SELECT item_id, SUM(likes) FROM stats GROUP BY item_id"
                )
            }
            p = self.params
            prior = np.full((n_e, n), p.prior_other)
            for e, emotion in enumerate(EMOTIONS):
                near = [EMOTION_INDEX[a] for a in ADJACENT[emotion]]
                prior[e, np.isin(self._folder, near)] = p.prior_adjacent
                prior[e, self._folder == e] = p.prior_match
            self._prior = prior
            # fit[e, item]: weight of the item's pool score on e's pages (1 in e's pool)
            self._fit = prior / p.prior_match
            near_mask = np.zeros((n_e, n), dtype=bool)
            for e, emotion in enumerate(EMOTIONS):
                near_mask[e] = np.isin(self._folder, [EMOTION_INDEX[a] for a in ADJACENT[emotion]])
            self._near = near_mask
            self._rebuild_lookalikes()

    def _rebuild_lookalikes(self) -> None:
        """Per emotion and item: kernel-weighted pooled likes and impressions of the
        same-folder look-alikes (`_look_num`, `_look_den`), from the stored counts."""
        n, n_e = len(self._ids), len(EMOTIONS)
        self._look_num = np.zeros((n_e, n), np.float32)
        self._look_den = np.zeros((n_e, n), np.float32)
        if n == 0 or self._features.shape[1] == 0:
            return
        seen = np.flatnonzero(self._pimps.sum(axis=0) > 0)
        for start in range(0, seen.size, 256):
            chunk = seen[start:start + 256]
            kern = _power(
                np.maximum(self._features @ self._features[chunk].T, 0.0),
                self.params.similarity_power,
            )
            kern *= self._folder[:, None] == self._folder[chunk][None, :]
            self._look_num += (kern @ self._plikes[:, chunk].T).T.astype(np.float32)
            self._look_den += (kern @ self._pimps[:, chunk].T).T.astype(np.float32)

    @property
    def item_count(self) -> int:
        return len(self._ids)

    def item(self, key: str) -> Item | None:
        k = self._index.get(key)
        return self._items[k] if k is not None else None

    def spread(self, emotions: Sequence[Emotion], count: int) -> list[Item]:
        """Up to `count` items of these emotions' folders, emotions interleaved in
        the given order, each folder in catalog order skipping near-duplicates of
        items already picked (taken only once nothing else is left)."""
        with self._lock:
            queues = [list(np.flatnonzero(self._folder == EMOTION_INDEX[e])) for e in emotions]
            picked: list[int] = []
            feats = self._features if self._features.shape[1] else None
            limit = self.params.near_duplicate_cos
            for strict in (True, False):
                while len(picked) < count and any(queues):
                    for queue in queues:
                        while queue and len(picked) < count:
                            k = int(queue.pop(0))
                            if k in picked:
                                continue
                            if strict and feats is not None and picked and bool(
                                (feats[picked] @ feats[k] >= limit).any()
                            ):
                                continue
                            picked.append(k)
                            break
                queues = [list(np.flatnonzero(self._folder == EMOTION_INDEX[e]))
                          for e in emotions]
            return [self._items[k] for k in picked]

    # ------------------------------------------------------------------ ranking

    def page(
        self,
        visit_id: str,
        emotion: Emotion,
        user_id: str | None = None,
        mode: str = "auto",
        page_size: int | None = None,
    ) -> Page:
        """The next page for this visit in this emotion (a fresh ranking when the emotion
        or the visitor changed). Marks the items as shown; impressions are counted by
        `record_impression` when the page is actually displayed."""
        with self._lock:
            index, _ = self.prepare_visit(visit_id, emotion, user_id)
            items, personalized = self.rank(visit_id, page_size or self.page_size, mode)
            self.mark_shown(visit_id, [i.id for i in items])
            return Page(
                items=tuple(items), emotion=emotion, visit_id=visit_id, index=index,
                mode="personalized" if personalized else "emotion", source="embedded",
            )

    def prepare_visit(
        self, visit_id: str, emotion: Emotion, user_id: str | None = None
    ) -> tuple[int, frozenset[str]]:
        """Start or continue a visit's ranking; returns (page index, ids shown so far)."""
        with self._lock:
            visit = self._visit(visit_id, emotion, user_id)
            return visit.page_index, frozenset(visit.shown)

    def rank(
        self, visit_id: str, k: int, mode: str = "auto", exclude: Iterable[str] = (),
        on_page: Sequence[str] = (),
    ) -> tuple[list[Item], bool]:
        """The best `k` items for a prepared visit, and whether its taste was blended in.

        Mostly from the emotion's pool; see the module docstring for the bounded share
        that may leave it. `on_page`: items another backend already put on this page
        (excluded, and counted against the off-pool budget). No side effects, except
        that a new cycle starts when the pool is exhausted."""
        if mode not in MODES:
            raise ValueError(f"mode must be one of {', '.join(MODES)}, not {mode!r}")
        with self._lock:
            visit = self._visits.get(visit_id)
            if visit is None:
                raise RecommendError(f"unknown visit {visit_id!r}: call prepare_visit first")
            personalized = mode == "personalized" or (mode == "auto" and self._ready(visit))
            n = len(self._ids)
            if n == 0 or k < 1:
                return [], personalized
            excluded = np.zeros(n, dtype=bool)
            placed = [self._index[i] for i in on_page if i in self._index]
            excluded[[self._index[i] for i in exclude if i in self._index] + placed] = True
            k = min(k, n - int(excluded.sum()))
            if k <= 0:
                return [], personalized
            e = EMOTION_INDEX[visit.emotion]
            own = (self._folder == e) & ~excluded
            placed_off = int(np.count_nonzero(self._folder[placed] != e)) if placed else 0
            budget = max(0, self._budget(visit, k + len(placed), personalized) - placed_off)
            n_own = int(own.sum())
            if n_own < k:  # a pool smaller than a page: top up from the neighbours, then all
                budget = k - n_own
                off = self._near[e] & ~excluded
                if int(off.sum()) < budget:
                    off = ~own & ~excluded
            else:
                off = self._near[e] & ~excluded if budget else np.zeros(n, dtype=bool)
            shown = np.zeros(n, dtype=bool)
            shown[[self._index[i] for i in visit.shown if i in self._index]] = True
            last = [self._index[i] for i in visit.last_page if i in self._index]
            scores = self._scores(visit, personalized, own | off)
            tiers = [np.flatnonzero(own & ~shown)]
            if tiers[0].size < k:  # the pool runs out on this page: a new cycle starts
                visit.shown = {self._ids[int(i)] for i in np.flatnonzero(shown & ~own)}
                tiers.append(np.flatnonzero(own & shown))
            off_rows = np.flatnonzero(off & ~shown)
            if off_rows.size < budget:
                off_rows = np.flatnonzero(off)
            explore = budget if not personalized and n_own >= k else 0
            chosen = self._select(scores, tiers, off_rows, budget, explore, k, last)
            return [self._items[int(c)] for c in chosen], personalized

    def off_emotion_budget(self, visit_id: str, k: int, personalized: bool) -> int:
        """How many of the next `k` images may come from outside the emotion's pool
        (for pages another backend proposes; a pool smaller than a page needs the
        rest); 0 for an unknown visit."""
        with self._lock:
            visit = self._visits.get(visit_id)
            if visit is None:
                return 0
            pool = int(np.count_nonzero(self._folder == EMOTION_INDEX[visit.emotion]))
            return max(self._budget(visit, k, personalized), min(k, k - pool))

    def _budget(self, visit: _Visit, k: int, personalized: bool) -> int:
        """Off-pool images allowed on a page of k, so that after it at most the
        share's fraction of the visit's images in this emotion left the pool."""
        share = self.params.personal_share if personalized else self.params.explore_share
        allowed = math.floor(share * (visit.served + k) + 1e-9) - visit.served_off
        return max(0, min(k, allowed))

    def mark_shown(self, visit_id: str, item_ids: Sequence[str]) -> None:
        """Record that a page with these items was produced for the visit."""
        with self._lock:
            visit = self._visits.get(visit_id)
            if visit is None:
                return
            visit.shown.update(item_ids)
            visit.last_page = tuple(item_ids)
            visit.page_index += 1
            visit.served += len(item_ids)
            visit.served_off += sum(
                1 for i in item_ids
                if (item := self.item(i)) is not None and item.emotion != visit.emotion
            )

    def expected_rates(self, emotion: Emotion) -> dict[str, float]:
        """Posterior mean like rate of every item in `emotion` (for tests and the admin)."""
        with self._lock:
            a, b = self._beta(EMOTION_INDEX[emotion])
            return dict(zip(self._ids, (a / (a + b)).tolist(), strict=True))

    def _beta(
        self, e: int, rows: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Beta parameters of the like rate in emotion e of every item (or of `rows`);
        look-alike groups share their counts."""
        p = self.params
        pick = slice(None) if rows is None else rows
        likes = self._grouped(self._likes[e])[pick]
        imps = self._grouped(self._imps[e])[pick]
        prior = self._prior_rate(e, pick)
        return likes + p.prior_strength * prior, imps - likes + p.prior_strength * (1 - prior)

    def _grouped(self, values: np.ndarray) -> np.ndarray:
        """Per item: the sum of `values` over its look-alike group (itself if alone)."""
        if not self._n_groups or self._n_groups == len(self._ids):
            return values
        return np.bincount(self._group, values, minlength=self._n_groups)[self._group]

    def _folder_rate(self, e: int, pick: slice | np.ndarray = _ALL) -> np.ndarray:
        """Per item (of `pick`): its folder's pooled like rate with visitors in
        emotion e, shrunk towards the configured prior."""
        p = self.params
        fl = np.bincount(self._folder, self._plikes[e], minlength=len(EMOTIONS))
        fi = np.bincount(self._folder, self._pimps[e], minlength=len(EMOTIONS))
        folder = self._folder[pick]
        return (fl[folder] + p.folder_weight * self._prior[e, pick]) / (
            fi[folder] + p.folder_weight
        )

    def _prior_rate(self, e: int, pick: slice | np.ndarray = _ALL) -> np.ndarray:
        """The prior mean: the folder's rate scaled by how the item's same-folder
        look-alikes did relative to their folder (the item's own counts left out:
        they enter the Beta directly, and so do its group's)."""
        p = self.params
        folder_rate = self._folder_rate(e, pick)
        share = p.lookalike_share
        own_likes = self._grouped(self._plikes[e])[pick]
        own_imps = self._grouped(self._pimps[e])[pick]
        look_num = share * np.maximum(self._look_num[e, pick] - own_likes, 0.0)
        look_den = share * np.maximum(self._look_den[e, pick] - own_imps, 0.0)
        lift = (look_num + p.lookalike_weight * folder_rate) / (
            (look_den + p.lookalike_weight) * folder_rate
        )
        return np.clip(folder_rate * lift, 1e-3, 0.95)

    def _scores(self, visit: _Visit, personalized: bool, candidates: np.ndarray) -> np.ndarray:
        """One Thompson draw of every candidate's score (-inf elsewhere).

        The draw is divided by the item's folder rate and weighted by how well the
        folder fits the emotion (`_fit`): pools are compared by configuration, never
        by learnt counts, so a low like rate in one pool cannot hand its pages to
        another."""
        p = self.params
        e = EMOTION_INDEX[visit.emotion]
        rows = np.flatnonzero(candidates)
        scores = np.full(len(self._ids), -np.inf)
        if rows.size == 0:
            return scores
        a, b = self._beta(e, rows)
        rate = self._folder_rate(e, rows)
        seen = self._grouped(self._seen)[rows]
        fresh = self._recent[rows] * np.clip(1.0 - seen / max(p.new_item_impressions, 1), 0, 1)
        gain = (1.0 + p.new_item_bonus * fresh) * self._fit[e, rows] * p.prior_match
        value = self._rng.beta(a, b) / rate * gain
        if personalized and visit.taste:
            if self._features.shape[1] and p.content_weight:
                evidence = self._evidence(visit)
                taste = (evidence.num[rows] + p.taste_prior_weight * p.taste_prior_rate) / (
                    evidence.den[rows] + p.taste_prior_weight
                )
                value += p.content_weight * (taste - p.taste_prior_rate)
            if p.colike_weight:
                value += p.colike_weight * self._colike(visit)[rows]
        scores[rows] = value
        return scores

    def _select(
        self,
        scores: np.ndarray,
        tiers: list[np.ndarray],
        off_rows: np.ndarray,
        budget: int,
        explore: int,
        k: int,
        last: list[int],
    ) -> np.ndarray:
        """Fill a page of k: on-pool tiers in order (the rest of the current cycle,
        then a new one), at most `budget` off-pool rows, of which `explore` are taken
        whatever their score (Emotion-mode exploration). Greedy by score minus an MMR
        penalty; near-duplicates of the page, then of the last page, are skipped
        while other candidates remain."""
        width = max(8 * k, 32)
        pools = [t[_top(scores[t], min(t.size, width))] for t in tiers if t.size]
        off = off_rows[:0]
        if budget:
            off = off_rows[_top(scores[off_rows], min(off_rows.size, width))]
        feats = self._features if self._features.shape[1] else None
        limit = self.params.near_duplicate_cos
        chosen: list[int] = []
        penalty: dict[int, float] = {}
        cands = np.concatenate([*pools, off]) if pools or off.size else np.zeros(0, np.int64)
        off_set = set(off.tolist())

        def clash(c: int, against: list[int]) -> bool:
            if feats is None or not against:
                return False
            return bool((feats[against] @ feats[c] >= limit).any())

        def take(c: int) -> None:
            chosen.append(c)
            if feats is not None and self.params.diversity > 0:
                sims = np.clip(feats[cands] @ feats[c], 0.0, None)
                for j, s in zip(cands.tolist(), sims.tolist(), strict=True):
                    penalty[j] = max(penalty.get(j, 0.0), self.params.diversity * s)

        for strict in (2, 1, 0):  # 2: no look of this page or the last; 1: of this page
            used_off = sum(1 for c in chosen if c in off_set)
            for _ in range(explore - used_off):
                best = self._best(off, scores, penalty, chosen, strict, last, clash)
                if best is None:
                    break
                take(best)
            for pool in [*pools, None]:
                while len(chosen) < k:
                    used_off = sum(1 for c in chosen if c in off_set)
                    group = off if pool is None else pool
                    if pool is None and used_off >= budget:
                        break
                    best = self._best(group, scores, penalty, chosen, strict, last, clash)
                    if pool is not None and used_off < budget:
                        other = self._best(off, scores, penalty, chosen, strict, last, clash)
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

    @staticmethod
    def _best(
        rows: np.ndarray, scores: np.ndarray, penalty: dict[int, float], chosen: list[int],
        strict: int, last: list[int], clash: Callable[[int, list[int]], bool],
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

    def _kernel(self, k: int) -> np.ndarray:
        """Similarity of every item to item k: max(0, cos)^p (cached for recent items)."""
        cached = self._kernels.get(k)
        if cached is not None:
            self._kernels.move_to_end(k)
            return cached
        sim = np.einsum("nd,d->n", self._features, self._features[k])
        kern = _power(np.maximum(sim, 0.0), self.params.similarity_power)
        self._kernels[k] = kern
        if len(self._kernels) > 64:
            self._kernels.popitem(last=False)
        return kern

    def _evidence(self, visit: _Visit) -> _Evidence:
        """Bring the visit's similarity-weighted feedback up to date (incremental)."""
        ev = visit.evidence
        if ev is None or ev.version != self._version:
            n = len(self._ids)
            ev = _Evidence(self._version, np.zeros(n, np.float32), np.zeros(n, np.float32))
            visit.evidence = ev
        liked = set(visit.taste)
        for key in [*visit.history, *sorted(visit.impressed), *visit.liked]:
            k = self._index.get(key)
            if k is None:
                continue
            is_liked = key in liked
            was = ev.done.get(key)
            if was is None:
                kern = self._kernel(k)
                ev.den += kern
                if is_liked:
                    ev.num += kern
            elif is_liked and not was:
                ev.num += self._kernel(k)
            ev.done[key] = is_liked
        return ev

    def _colike(self, visit: _Visit) -> np.ndarray:
        """Co-like score of every item with the visitor's likes, scaled to 0..1; each
        liked item's contribution is computed once per visit."""
        cache = visit.colikes
        if cache is None or cache.version != self._version:
            n = len(self._ids)
            cache = _Evidence(self._version, np.zeros(n), np.zeros(0))
            visit.colikes = cache
        for a in visit.taste:
            if a in cache.done:
                continue
            cache.done[a] = True
            pop_a = self._like_totals.get(a, 0) + 1
            for b, n in self._colikes.get(a, {}).items():
                k = self._index.get(b)
                if k is not None:
                    cache.num[k] += n / math.sqrt(pop_a * (self._like_totals.get(b, 0) + 1))
        peak = cache.num.max() if cache.num.size else 0.0
        return cache.num / peak if peak > 0 else cache.num

    # ------------------------------------------------------------------ learning

    def record_impression(
        self, visit_id: str, emotion: Emotion, item_ids: Iterable[str]
    ) -> None:
        """These items were displayed to the visit: counted once per visit and item."""
        with self._lock:
            visit = self._visit(visit_id, emotion, None, reset=False)
            e = EMOTION_INDEX[emotion]
            for key in item_ids:
                visit.shown.add(key)
                if key in visit.impressed:
                    continue
                visit.impressed.add(key)
                pool = not self._ready(visit)
                if pool:
                    visit.pooled.add(key)
                self._count(key, emotion, e, likes=0, imps=1, pool=pool)
            self._maybe_flush()

    def record_like(
        self, visit_id: str, emotion: Emotion, item_id: str, user_id: str | None = None
    ) -> bool:
        """The visitor liked `item_id`; False (and nothing counted) for a repeated like."""
        with self._lock:
            visit = self._visit(visit_id, emotion, user_id, reset=False)
            if item_id in visit.liked:
                return False
            e = EMOTION_INDEX[emotion]
            imps = 0
            if item_id not in visit.impressed:  # keep likes <= impressions
                visit.impressed.add(item_id)
                imps = 1
                if not self._ready(visit):
                    visit.pooled.add(item_id)
            pool = item_id in visit.pooled
            self._count(item_id, emotion, e, likes=1, imps=imps, pool=pool)
            self._like_totals[item_id] = self._like_totals.get(item_id, 0) + 1
            for other in visit.liked:
                a, b = sorted((other, item_id))
                n = self._colikes.get(a, {}).get(b, 0) + 1
                self._colikes.setdefault(a, {})[b] = n
                self._colikes.setdefault(b, {})[a] = n
                self._pending_colikes[(a, b)] = self._pending_colikes.get((a, b), 0) + 1
            visit.liked.append(item_id)
            visit.shown.add(item_id)
            user = user_id or visit.user_id
            if user:
                self._pending_users.append((user, item_id, emotion.folder, time.time()))
            self._maybe_flush()
            return True

    def _count(
        self, key: str, emotion: Emotion, e: int, *, likes: int, imps: int, pool: bool
    ) -> None:
        """Add to the in-memory arrays (ranking sees it at once) and the write-behind."""
        plikes, pimps = (likes, imps) if pool else (0, 0)
        k = self._index.get(key)
        if k is not None:
            self._likes[e, k] += likes
            self._imps[e, k] += imps
            self._seen[k] += imps
            if pool:
                self._plikes[e, k] += plikes
                self._pimps[e, k] += pimps
                if self._features.shape[1]:
                    kern = self._kernel(k) * self._folder_mask[self._folder[k]]
                    self._look_num[e] += plikes * kern
                    self._look_den[e] += pimps * kern
        pending = self._pending_stats.setdefault((key, emotion.folder), [0, 0, 0, 0])
        for i, value in enumerate((likes, imps, plikes, pimps)):
            pending[i] += value

    # ------------------------------------------------------------------ visits

    def personalization_ready(self, visit_id: str) -> bool:
        """True once the visitor has liked enough items for "For you"."""
        with self._lock:
            visit = self._visits.get(visit_id)
            if visit is None:
                return self.params.personalize_after_likes == 0
            return self._ready(visit)

    def likes_in_visit(self, visit_id: str) -> tuple[str, ...]:
        with self._lock:
            visit = self._visits.get(visit_id)
            return tuple(visit.liked) if visit else ()

    def end_visit(self, visit_id: str) -> None:
        """Forget the visit's in-memory state and write its counts to disk."""
        with self._lock:
            self._visits.pop(visit_id, None)
            self.flush()

    def stats(self, item_id: str, emotion: Emotion) -> tuple[int, int]:
        """(likes, impressions) of one item in one emotion (for tests and the admin)."""
        with self._lock:
            k = self._index.get(item_id)
            if k is not None:
                e = EMOTION_INDEX[emotion]
                return int(self._likes[e, k]), int(self._imps[e, k])
            self.flush()
            row = self._db.execute(
                "SELECT likes, impressions FROM stats WHERE item_id = ? AND emotion = ?",
                (item_id, emotion.folder),
            ).fetchone()
            return (int(row[0]), int(row[1])) if row else (0, 0)

    def _ready(self, visit: _Visit) -> bool:
        return len(visit.taste) >= self.params.personalize_after_likes

    def _visit(
        self, visit_id: str, emotion: Emotion, user_id: str | None, *, reset: bool = True
    ) -> _Visit:
        visit = self._visits.get(visit_id)
        if visit is None:
            visit = _Visit(visit_id, emotion, user_id, history=self._user_history(user_id))
            self._visits[visit_id] = visit
            while len(self._visits) > self.params.max_visits:
                self._visits.popitem(last=False)
        elif user_id and user_id != visit.user_id:
            # Newly recognised visitor: their history joins the taste, fresh ranking.
            visit.user_id = user_id
            visit.history = self._user_history(user_id)
            visit.evidence = None
            if reset:
                visit.emotion = emotion
                self._restart(visit)
        elif reset and emotion != visit.emotion:
            visit.emotion = emotion
            self._restart(visit)
        self._visits.move_to_end(visit_id)
        return visit

    @staticmethod
    def _restart(visit: _Visit) -> None:
        """A fresh ranking for a new emotion or visitor; the likes (taste) stay."""
        visit.shown = set()
        visit.last_page = ()
        visit.page_index = 0

    def _user_history(self, user_id: str | None) -> list[str]:
        if not user_id or self.params.user_history <= 0:
            return []
        self.flush()
        rows = self._db.execute(
            "SELECT item_id FROM user_likes WHERE user_id = ? ORDER BY at DESC, rowid DESC "
            "LIMIT ?",
            (user_id, self.params.user_history),
        ).fetchall()
        return list(dict.fromkeys(r[0] for r in reversed(rows)))

    # ------------------------------------------------------------------ persistence

    def _maybe_flush(self) -> None:
        pending = len(self._pending_stats) + len(self._pending_colikes) + len(self._pending_users)
        if pending >= self.params.flush_every:
            self.flush()

    def forget_users(self, user_ids: Sequence[str]) -> int:
        """"Forget me" / retention: drop these users' like history (the anonymous
        per-item counts stay: they identify nobody). Returns the rows deleted."""
        ids = {u for u in user_ids if u}
        if not ids:
            return 0
        with self._lock:
            self._pending_users = [row for row in self._pending_users if row[0] not in ids]
            for visit in self._visits.values():
                if visit.user_id in ids:
                    visit.user_id = None
                    visit.history = []
            marks = ",".join("?" * len(ids))
            with self._db:
                deleted = self._db.execute(
                    f"DELETE FROM user_likes WHERE user_id IN ({marks})", sorted(ids)
                ).rowcount
        return int(deleted)

    def flush(self) -> None:
        """Write the pending counts to SQLite (one transaction)."""
        with self._lock:
            if not (self._pending_stats or self._pending_colikes or self._pending_users):
                return
            try:
                with self._db:
                    self._db.executemany(
                        """INSERT INTO stats (item_id, emotion, likes, impressions,
                                              pooled_likes, pooled_impressions)
                           VALUES (?, ?, ?, ?, ?, ?)
                           ON CONFLICT (item_id, emotion) DO UPDATE SET
                               likes = likes + excluded.likes,
                               impressions = impressions + excluded.impressions,
                               pooled_likes = pooled_likes + excluded.pooled_likes,
                               pooled_impressions =
                                   pooled_impressions + excluded.pooled_impressions""",
                        [(k, e, *v) for (k, e), v in self._pending_stats.items()],
                    )
                    self._db.executemany(
                        """INSERT INTO colikes (a, b, n) VALUES (?, ?, ?)
                           ON CONFLICT (a, b) DO UPDATE SET n = n + excluded.n""",
                        [(a, b, n) for (a, b), n in self._pending_colikes.items()],
                    )
                    self._db.executemany(
                        "INSERT INTO user_likes (user_id, item_id, emotion, at) "
                        "VALUES (?, ?, ?, ?)",
                        self._pending_users,
                    )
            except sqlite3.Error as exc:
                log.error("recommender: cannot save counts: %s (kept in memory, retried)", exc)
                return
            self._pending_stats.clear()
            self._pending_colikes.clear()
            self._pending_users.clear()

    def close(self) -> None:
        with self._lock:
            self.flush()
            self._db.close()


def _top(scores: np.ndarray, k: int) -> np.ndarray:
    """Indices of the k highest scores, best first."""
    if k >= scores.size:
        return np.argsort(-scores, kind="stable")
    part = np.argpartition(-scores, k - 1)[:k]
    return part[np.argsort(-scores[part], kind="stable")]


def _power(x: np.ndarray, p: float) -> np.ndarray:
    """x ** p, by multiplication for small whole p (several times faster than pow)."""
    if p == int(p) and 1 <= p <= 4:
        out = x.copy()
        for _ in range(int(p) - 1):
            out *= x
        return out
    return np.power(x, p)


def _emotion_index(folder: str) -> int | None:
    try:
        return EMOTION_INDEX[Emotion.parse(folder)]
    except ValueError:
        return None
