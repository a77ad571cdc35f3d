"""The embedded recommender: offline, learns from every like at once.

Ranking a page for (visit, emotion):

1. **Emotion (cold start).** Thompson sampling: each item's like rate in the
   current emotion is drawn from Beta(likes + S·m, impressions − likes + S·(1 − m)).
   The prior rate m favours the emotion's own folder (`prior_match`), a little the
   neighbouring emotions' folders (`prior_adjacent`, see `ADJACENT`) and hardly the
   rest (`prior_other`); it is then scaled by how well the item's look-alikes in its
   folder did with visitors in this emotion (kernel-weighted likes/impressions over
   the catalog's colour/texture features), so what visitors liked spreads at once to
   similar images, new ones included. Items with few impressions get a new-item
   bonus. Sampling is the exploration: an item with few impressions sometimes
   outranks today's favourite.
2. **Personalized ("For you").** Once the visitor has liked `personalize_after_likes`
   items (this visit, plus earlier visits of a recognised `user_id`), their taste is
   blended in:
   * content: each item's look-alike like rate among what this visitor has seen
     (same kernel), shrunk towards `taste_prior_rate`. Liked images pull similar
     ones up, images passed over push theirs down;
   * co-likes: items other visitors liked in the same visit as the visitor's likes,
     normalised by popularity (item-to-item collaborative filtering).
3. A page avoids items that look alike (a small MMR-style diversity penalty), so
   each page teaches more about the visitor.
4. Items already shown in this visit are excluded until the whole pool has been
   shown; then a new cycle starts. A new emotion or a new visitor starts a fresh
   ranking (the visitor's likes are kept: taste belongs to the person).

Likes and impressions update the in-memory arrays at once, so the next page
already reflects them. Impressions on personalized pages count for the item but not
for the look-alike model (a visitor's own taste would bias the population's rates).
Counts are written behind to SQLite (`recommender.sqlite3`: per item × emotion
likes/impressions, sparse co-likes, per-user likes) and flushed at the end of a
visit, every `flush_every` updates and on `close()`. Ranking is vectorised numpy
without BLAS calls (their thread start-up costs more than the arithmetic here):
about a millisecond for 10,000 items. Thread-safe (one lock).
"""

from __future__ import annotations

import logging
import math
import sqlite3
import threading
import time
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from kiosk.domain import Emotion, Item, Page
from kiosk.recommend.errors import RecommendError
from kiosk.recommend.features import normalize

log = logging.getLogger(__name__)

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
    prior_strength: float = 12.0 # pseudo-impressions behind an item's prior like rate
    prior_match: float = 0.35  # prior like rate of the emotion's own folder
    prior_adjacent: float = 0.1  # ... of a neighbouring emotion's folder
    prior_other: float = 0.04  # ... of any other folder
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
            self._features = _center(features, n)
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
        self, visit_id: str, k: int, mode: str = "auto", exclude: Iterable[str] = ()
    ) -> tuple[list[Item], bool]:
        """The best `k` items for a prepared visit, and whether its taste was blended in.

        No side effects, except that a new cycle starts when the pool is exhausted."""
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
            excluded[[self._index[i] for i in exclude if i in self._index]] = True
            k = min(k, n - int(excluded.sum()))
            if k <= 0:
                return [], personalized
            blocked = excluded.copy()
            blocked[[self._index[i] for i in visit.shown if i in self._index]] = True
            if n - int(blocked.sum()) >= k:
                scores = self._scores(visit, personalized, blocked, k)
                chosen = self._pick(scores, blocked, k)
            else:
                scores = self._scores(visit, personalized)
                # Pool exhausted: show what is left, then start a new cycle, avoiding the
                # page just shown where the catalog is large enough.
                rest = np.flatnonzero(~blocked)
                first = rest[np.argsort(-scores[rest], kind="stable")]
                visit.shown = set()
                again = excluded.copy()
                again[first] = True
                recent = [self._index[i] for i in visit.last_page if i in self._index]
                if n - int(again.sum()) - len(recent) >= k - first.size:
                    again[recent] = True
                chosen = np.concatenate([first, self._pick(scores, again, k - first.size)])
            return [self._items[int(c)] for c in chosen], personalized

    def mark_shown(self, visit_id: str, item_ids: Sequence[str]) -> None:
        """Record that a page with these items was produced for the visit."""
        with self._lock:
            visit = self._visits.get(visit_id)
            if visit is None:
                return
            visit.shown.update(item_ids)
            visit.last_page = tuple(item_ids)
            visit.page_index += 1

    def expected_rates(self, emotion: Emotion) -> dict[str, float]:
        """Posterior mean like rate of every item in `emotion` (for tests and the admin)."""
        with self._lock:
            a, b = self._beta(EMOTION_INDEX[emotion])
            return dict(zip(self._ids, (a / (a + b)).tolist(), strict=True))

    def _beta(self, e: int) -> tuple[np.ndarray, np.ndarray]:
        """Beta parameters of every item's like rate in emotion e."""
        p = self.params
        likes, imps = self._likes[e], self._imps[e]
        # The prior mean: each folder's pooled like rate with visitors in this emotion
        # (shrunk towards the configured prior), scaled by how the item's same-folder
        # look-alikes did relative to their folder (the item's own counts left out:
        # they enter the Beta directly).
        fl = np.bincount(self._folder, self._plikes[e], minlength=len(EMOTIONS))
        fi = np.bincount(self._folder, self._pimps[e], minlength=len(EMOTIONS))
        fixed = self._prior[e]
        folder_rate = (fl[self._folder] + p.folder_weight * fixed) / (
            fi[self._folder] + p.folder_weight
        )
        share = p.lookalike_share
        look_num = share * np.maximum(self._look_num[e] - self._plikes[e], 0.0)
        look_den = share * np.maximum(self._look_den[e] - self._pimps[e], 0.0)
        lift = (look_num + p.lookalike_weight * folder_rate) / (
            (look_den + p.lookalike_weight) * folder_rate
        )
        prior = np.clip(folder_rate * lift, 1e-3, 0.95)
        return likes + p.prior_strength * prior, imps - likes + p.prior_strength * (1 - prior)

    def _scores(
        self,
        visit: _Visit,
        personalized: bool,
        blocked: np.ndarray | None = None,
        k: int = 0,
    ) -> np.ndarray:
        """One Thompson draw of every item's score (-inf where it cannot matter).

        With `blocked` and `k`, only items that could reach the top k are drawn: an item
        whose optimistic bound (mean + 4 sd) is below the k-th best pessimistic bound
        (mean − 3 sd) would lose anyway. That skips most off-emotion items and keeps
        ranking fast on large catalogs without changing which items win."""
        p = self.params
        a, b = self._beta(EMOTION_INDEX[visit.emotion])
        fresh = self._recent * np.clip(
            1.0 - self._seen / max(p.new_item_impressions, 1), 0.0, 1.0
        )
        gain = 1.0 + p.new_item_bonus * fresh
        extra = np.zeros(len(self._ids))
        if personalized and visit.taste:
            if self._features.shape[1] and p.content_weight:
                evidence = self._evidence(visit)
                rate = (evidence.num + p.taste_prior_weight * p.taste_prior_rate) / (
                    evidence.den + p.taste_prior_weight
                )
                extra += p.content_weight * (rate - p.taste_prior_rate)
            if p.colike_weight:
                extra += p.colike_weight * self._colike(visit)
        if blocked is None or k < 1:
            return self._rng.beta(a, b) * gain + extra
        total = a + b
        mean = a / total
        sd = np.sqrt(a * b / (total * total * (total + 1.0)))
        low = np.maximum(mean - 3.0 * sd, 0.0) * gain + extra
        low[blocked] = -np.inf
        # The k-th best pessimistic bound, looked for among the clearly positive ones
        # (numpy's selection is slow on the many ties at zero).
        contenders = low[low > 0.0]
        if contenders.size >= k:
            threshold = np.partition(contenders, contenders.size - k)[contenders.size - k]
            high = np.minimum(mean + 4.0 * sd, 1.0) * gain + extra
            draw = np.flatnonzero((high >= threshold) & ~blocked)
        else:
            draw = np.flatnonzero(~blocked)
        scores = np.full(len(self._ids), -np.inf)
        scores[draw] = self._rng.beta(a[draw], b[draw]) * gain[draw] + extra[draw]
        return scores

    def _pick(self, scores: np.ndarray, blocked: np.ndarray, k: int) -> np.ndarray:
        """The k best unblocked items, best first, penalising look-alikes on one page."""
        open_ = np.flatnonzero(~blocked & (scores > -np.inf))
        if open_.size < k:  # everything left, best first
            open_ = np.flatnonzero(~blocked)
        local = scores[open_]
        if self.params.diversity <= 0 or k == 1 or self._features.shape[1] == 0:
            return open_[_top(local, k)]
        pool = open_[_top(local, min(open_.size, max(4 * k, 16)))]
        feats = self._features[pool]
        base = scores[pool].copy()
        penalty = np.zeros(pool.size)
        chosen: list[int] = []
        for _ in range(k):
            j = int(np.argmax(base - penalty))
            chosen.append(j)
            base[j] = -np.inf
            sim = np.clip(np.einsum("nd,d->n", feats, feats[j]), 0.0, None)
            penalty = np.maximum(penalty, self.params.diversity * sim)
        return pool[chosen]

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


def _center(features: np.ndarray | None, n: int) -> np.ndarray:
    """Centre the feature vectors on the catalog mean and re-normalise, so cosine
    similarity measures what sets images apart rather than what they all share."""
    if features is None or features.size == 0 or n == 0:
        return np.zeros((n, 0), np.float32)
    if features.shape[0] != n:
        raise ValueError(f"features has {features.shape[0]} rows for {n} items")
    f = np.asarray(features, dtype=np.float32)
    present = np.abs(f).sum(axis=1) > 0
    if not present.any():
        return np.zeros((n, f.shape[1]), np.float32)
    centred = f - f[present].mean(axis=0)
    centred[~present] = 0.0
    return normalize(centred)


def _emotion_index(folder: str) -> int | None:
    try:
        return EMOTION_INDEX[Emotion.parse(folder)]
    except ValueError:
        return None
