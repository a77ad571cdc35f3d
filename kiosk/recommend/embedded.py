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
   rate in the current emotion is drawn from Beta(likes + a, impressions − likes +
   a·(1 − m)/m), a Beta prior of fixed shape a (`prior_shape`) around the prior
   rate m: its weight a/m in impressions grows as like rates fall, so at a store's
   few percent one pass without a like does not sink an item and the draws spread
   like real items differ (a fixed weight would explore blindly at low rates).
   Look-alike groups (near-duplicates, `kiosk.recommend.variety`) pool
   their likes and impressions, so trying one member counts as trying the look. The
   prior rate m is the pool's own like rate with visitors in this emotion (shrunk
   towards `prior_match`) scaled by how the item's look-alikes in its folder did
   (kernel-weighted likes/impressions over the catalog's colour/texture features),
   so what visitors liked spreads at once to similar images, new ones included.
   Draws are then divided by the pool's rate: a score says how an item compares
   with its own pool, which is what stays true when almost nobody likes anything.
   Items with few impressions get a new-item bonus.
3. **The visitor's taste.** Their likes (this visit, plus earlier visits of a
   recognised `user_id`) multiply the score by
   * a look-alike lift: (similar likes + c) / (similar images seen × pool rate + c),
     similarity-weighted with the same kernel, c = `taste_shape` (a Gamma-Poisson
     estimate of how much more this visitor likes that look than the pool's
     visitors; 1 for looks they have not seen), to the power `content_weight`.
     One like among a few percent is strong evidence; images passed over count
     against their look only as much as a like was expected;
   * 1 + `colike_weight` × co-likes: items other visitors liked in the same visit
     as the visitor's likes, normalised by popularity (item-to-item collaborative
     filtering), scaled to 0..1.
   In "auto" mode this re-ranks the pool from the visit's first like (the page
   stays an Emotion page); "For you" starts once they have liked
   `personalize_after_likes` items, and there neighbouring emotions' images compete
   at `prior_adjacent / prior_match` of their pool score, within the
   `personal_share` budget. Mode "emotion" (chosen by the visitor) ignores taste.
4. **Variety.** No two near-duplicates and no two images of one motif (the
   catalog's motif tags, `kiosk.recommend.variety`) on one page, none of the
   previous page's looks or motifs again where the pool allows (relaxed, in that
   order, only when the pool has too few distinct looks), and a small MMR-style
   penalty for items that look alike. When the rest of a cycle holds fewer distinct
   motifs (new to this page and not on the last) than a page, items already shown
   may fill in rather than repeat a motif.
5. Items already shown in this visit are excluded until the whole pool has been
   shown; then a new cycle starts (only once every item of the pool was on a page:
   when the variety rules let a shown item fill in while an unseen look-alike waits,
   the unseen one still comes first on the next page). A new emotion or a new visitor starts a fresh
   ranking (the visitor's likes are kept: taste belongs to the person).

Likes and impressions update the in-memory arrays at once, so the next page
already reflects them. Impressions once a visitor has a taste (a like) count for the
item but not for the look-alike model (pages ranked by one visitor's taste would
bias the population's rates).
Counts are written behind to SQLite (`recommender.sqlite3`: per item × emotion
likes/impressions, sparse co-likes, per-user likes) and flushed at the end of a
visit, every `flush_every` updates and on `close()`. Ranking is vectorised numpy
over the pool and its neighbours only: about a millisecond for 10,000 items.
Thread-safe (one lock).

Where it lives: the maths (priors, scores, page assembly) in
`kiosk.recommend.ranking`, a visit's state in `kiosk.recommend.visits`, the
write-behind SQLite store in `kiosk.recommend.store`; this module ties them
together behind one lock. The names below stay importable from here.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np

from kiosk.domain import Emotion, Item, Page, RecommendMode
from kiosk.recommend.errors import RecommendError
from kiosk.recommend.ranking import (
    ADJACENT,
    EMOTION_INDEX,
    EMOTIONS,
    MODES,
    RankerParams,
    RankingModel,
)
from kiosk.recommend.store import RecommenderStore
from kiosk.recommend.visits import Visit, Visits

log = logging.getLogger(__name__)

__all__ = ["ADJACENT", "EMOTIONS", "EMOTION_INDEX", "MODES", "EmbeddedRecommender",
           "RankerParams"]


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
        self._lock = threading.RLock()
        self._visits = Visits(self.params.max_visits)
        self._store = RecommenderStore(db_path)
        self._model = RankingModel(self.params, np.random.default_rng(seed))
        for a, b, n in self._store.colike_rows():
            self._model.colikes.setdefault(a, {})[b] = n
            self._model.colikes.setdefault(b, {})[a] = n
        self._model.like_totals = self._store.like_totals()

    @property
    def read_only(self) -> str:
        """Why the database cannot be written (full disk, read-only); "" when it can."""
        return self._store.read_only

    # ------------------------------------------------------------------ catalog

    def set_catalog(self, items: Sequence[Item], features: np.ndarray | None = None) -> None:
        """Rank over `items` from now on (after a rescan); `features` is len(items) × D.

        Counts are reloaded from the database, so items that come back keep theirs."""
        with self._lock:
            self._store.flush()
            self._model.set_catalog(items, features, self._store.stats_rows())
            self._model.like_totals = self._store.like_totals()

    @property
    def item_count(self) -> int:
        return len(self._model.ids)

    def item(self, key: str) -> Item | None:
        k = self._model.index.get(key)
        return self._model.items[k] if k is not None else None

    def alike(self, item_id: str, others: Iterable[str]) -> bool:
        """Whether `item_id` may not share a page with `others`: a near-duplicate of
        one of them or the same motif (`kiosk.recommend.variety`); unknown ids never
        clash."""
        with self._lock:
            m = self._model
            k = m.index.get(item_id)
            rows = [m.index[i] for i in others if i in m.index]
            return k is not None and m.alike(k, rows)

    def spread(self, emotions: Sequence[Emotion], count: int) -> list[Item]:
        """Up to `count` items of these emotions' folders, emotions interleaved in
        the given order, each folder in catalog order skipping near-duplicates of
        items already picked (taken only once nothing else is left)."""
        with self._lock:
            return self._model.spread(emotions, count)

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
                mode=RecommendMode.of_page(personalized), source="embedded",
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
            personalized = mode == RecommendMode.PERSONALIZED or (
                mode == RecommendMode.AUTO and self._ready(visit))
            m = self._model
            n = len(m.ids)
            if n == 0 or k < 1:
                return [], personalized
            excluded = np.zeros(n, dtype=bool)
            placed = [m.index[i] for i in on_page if i in m.index]
            excluded[[m.index[i] for i in exclude if i in m.index] + placed] = True
            k = min(k, n - int(excluded.sum()))
            if k <= 0:
                return [], personalized
            e = EMOTION_INDEX[visit.emotion]
            own = (m.folder == e) & ~excluded
            placed_off = int(np.count_nonzero(m.folder[placed] != e)) if placed else 0
            budget = max(0, self._budget(visit, k + len(placed), personalized) - placed_off)
            n_own = int(own.sum())
            if n_own < k:  # a pool smaller than a page: top up from the neighbours, then all
                budget = k - n_own
                off = m.near[e] & ~excluded
                if int(off.sum()) < budget:
                    off = ~own & ~excluded
            else:
                off = m.near[e] & ~excluded if budget else np.zeros(n, dtype=bool)
            shown = np.zeros(n, dtype=bool)
            shown[[m.index[i] for i in visit.shown if i in m.index]] = True
            last = [m.index[i] for i in visit.last_page if i in m.index]
            # "auto" ranks the pool by this visit's likes from the first one on (the
            # page stays in the pool until "For you" is ready); "emotion" never does.
            taste = personalized or (mode == RecommendMode.AUTO and bool(visit.liked))
            scores = m.scores(visit, taste, own | off)
            tiers = [np.flatnonzero(own & ~shown)]
            runs_out = tiers[0].size < k
            if runs_out:  # the pool runs out on this page: shown items fill in
                tiers.append(np.flatnonzero(own & shown))
            elif m.distinct_looks(tiers[0], last) < k:  # what is left repeats a motif
                tiers.append(np.flatnonzero(own & shown))  # (of this page or the last):
                #                                            shown items may fill in
            # Off-pool images (fillers of a small pool, exploration, "For you" taste)
            # go unseen-first too, in a cycle of their own: shown ones fill in only
            # after the unseen ones, when those are fewer than the budget.
            off_tiers = [np.flatnonzero(off & ~shown)]
            if off_tiers[0].size < budget:
                off_tiers.append(np.flatnonzero(off & shown))
            explore = budget if not personalized and n_own >= k else 0
            chosen = m.select(scores, tiers, off_tiers, budget, explore, k, last, placed)
            if runs_out and np.isin(tiers[0], chosen).all():
                # The rest of the cycle is on this page: a new cycle starts. Not before:
                # an unseen item the variety rules kept off this page (a look already on
                # it) stays ahead of the shown ones on the next page.
                visit.shown = {m.ids[int(i)] for i in np.flatnonzero(shown & ~own)}
            taken_off = bool(np.isin(chosen, np.flatnonzero(off)).any())
            if taken_off and np.isin(off_tiers[0], chosen).all():
                # Every unseen off-pool image is on this page: their cycle starts again
                # (this page's are marked shown again by `mark_shown`).
                visit.shown -= {m.ids[int(i)] for i in np.flatnonzero(off & shown)}
            return [m.items[int(c)] for c in chosen], personalized

    def replace(
        self, visit_id: str, kept: Sequence[str], gone: Sequence[str], mode: str = "auto",
        exclude: Iterable[str] = (),
    ) -> list[Item]:
        """Stand-ins for the cards of the visit's last page that cannot be shown (`gone`:
        a file pulled from the catalog folder before the rescan noticed), up to one each,
        so the page is completed at once instead of shown short. Ranked as the page was
        (the same variety rules against `kept`, the cards still on it, and against the
        page before; the same off-pool budget), never one of `gone` or `exclude`
        (earlier stand-ins that could not be shown either); the page keeps its index,
        and the stand-ins count as shown on it."""
        with self._lock:
            visit = self._visits.get(visit_id)
            if visit is None or not gone:
                return []
            off = sum(1 for i in gone if (item := self.item(i)) is not None
                      and item.emotion != visit.emotion)
            visit.served = max(0, visit.served - len(gone))  # counted again below
            visit.served_off = max(0, visit.served_off - off)
            page_ids = (*kept, *gone)
            visit.last_page = visit.page_before  # the rules look at the page before
            try:
                items, _ = self.rank(visit_id, len(gone), mode, exclude={*gone, *exclude},
                                     on_page=kept)
            finally:
                visit.last_page = page_ids
            added = [i.id for i in items]
            visit.shown.update((*kept, *added))  # a new cycle may have begun in `rank`
            visit.last_page = (*kept, *added)
            visit.served += len(added)
            visit.served_off += sum(1 for i in items if i.emotion != visit.emotion)
            return items

    def off_emotion_budget(self, visit_id: str, k: int, personalized: bool) -> int:
        """How many of the next `k` images may come from outside the emotion's pool
        (for pages another backend proposes; a pool smaller than a page needs the
        rest); 0 for an unknown visit."""
        with self._lock:
            visit = self._visits.get(visit_id)
            if visit is None:
                return 0
            pool = int(np.count_nonzero(self._model.folder == EMOTION_INDEX[visit.emotion]))
            return max(self._budget(visit, k, personalized), min(k, k - pool))

    def _budget(self, visit: Visit, k: int, personalized: bool) -> int:
        share = self.params.personal_share if personalized else self.params.explore_share
        return visit.budget(share, k)

    def mark_shown(self, visit_id: str, item_ids: Sequence[str]) -> None:
        """Record that a page with these items was produced for the visit."""
        with self._lock:
            visit = self._visits.get(visit_id)
            if visit is None:
                return
            visit.shown.update(item_ids)
            visit.page_before = visit.last_page
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
            a, b = self._model.beta(EMOTION_INDEX[emotion])
            return dict(zip(self._model.ids, (a / (a + b)).tolist(), strict=True))

    # ------------------------------------------------------------------ learning

    def record_impression(
        self, visit_id: str, emotion: Emotion, item_ids: Iterable[str]
    ) -> None:
        """These items were displayed to the visit: counted once per visit and item."""
        with self._lock:
            visit = self._visit(visit_id, emotion, None, reset=False)
            for key in item_ids:
                visit.shown.add(key)
                if key in visit.impressed:
                    continue
                visit.impressed.add(key)
                pool = not visit.taste  # taste-ranked pages would bias the population
                if pool:
                    visit.pooled.add(key)
                self._count(key, emotion, likes=0, imps=1, pool=pool)
            self._maybe_flush()

    def record_like(
        self, visit_id: str, emotion: Emotion, item_id: str, user_id: str | None = None
    ) -> bool:
        """The visitor liked `item_id`; False (and nothing counted) for a repeated like."""
        with self._lock:
            visit = self._visit(visit_id, emotion, user_id, reset=False)
            if item_id in visit.liked:
                return False
            imps = 0
            if item_id not in visit.impressed:  # keep likes <= impressions
                visit.impressed.add(item_id)
                imps = 1
                if not visit.taste:
                    visit.pooled.add(item_id)
            pool = item_id in visit.pooled
            self._count(item_id, emotion, likes=1, imps=imps, pool=pool)
            totals = self._model.like_totals
            totals[item_id] = totals.get(item_id, 0) + 1
            for other in visit.liked:
                a, b = sorted((other, item_id))
                self._model.add_colike(a, b)
                self._store.add_colike(a, b)
            visit.liked.append(item_id)
            visit.shown.add(item_id)
            user = user_id or visit.user_id
            if user:
                self._store.add_user_like(user, item_id, emotion.folder, time.time())
            self._maybe_flush()
            return True

    def _count(self, key: str, emotion: Emotion, *, likes: int, imps: int, pool: bool) -> None:
        """Add to the in-memory arrays (ranking sees it at once) and the write-behind."""
        k = self._model.index.get(key)
        if k is not None:
            self._model.count(k, EMOTION_INDEX[emotion], likes=likes, imps=imps, pool=pool)
        pooled = (likes, imps) if pool else (0, 0)
        self._store.add_stats(key, emotion.folder, (likes, imps, *pooled))

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
            self._visits.pop(visit_id)
            self.flush()

    def stats(self, item_id: str, emotion: Emotion) -> tuple[int, int]:
        """(likes, impressions) of one item in one emotion (for tests and the admin)."""
        with self._lock:
            k = self._model.index.get(item_id)
            if k is not None:
                e = EMOTION_INDEX[emotion]
                return int(self._model.likes[e, k]), int(self._model.imps[e, k])
            return self._store.stats(item_id, emotion.folder)

    def colikes(self, a: str, b: str) -> int:
        """How many visits liked both items (for tests and the admin)."""
        with self._lock:
            return self._model.colikes.get(a, {}).get(b, 0)

    def _ready(self, visit: Visit) -> bool:
        return len(visit.taste) >= self.params.personalize_after_likes

    def _visit(
        self, visit_id: str, emotion: Emotion, user_id: str | None, *, reset: bool = True
    ) -> Visit:
        visit = self._visits.get(visit_id)
        if visit is None:
            visit = Visit(visit_id, emotion, user_id, history=self._user_history(user_id))
            self._visits.add(visit)
        elif user_id and user_id != visit.user_id:
            # Newly recognised visitor: their history joins the taste, fresh ranking.
            visit.user_id = user_id
            visit.history = self._user_history(user_id)
            visit.evidence = None
            if reset:
                visit.emotion = emotion
                visit.restart()
        elif reset and emotion != visit.emotion:
            visit.emotion = emotion
            visit.restart()
        self._visits.touch(visit_id)
        return visit

    def _user_history(self, user_id: str | None) -> list[str]:
        if not user_id or self.params.user_history <= 0:
            return []
        return self._store.user_history(user_id, self.params.user_history)

    # ------------------------------------------------------------------ persistence

    def _maybe_flush(self) -> None:
        if self._store.pending >= self.params.flush_every:
            self.flush()

    def forget_users(self, user_ids: Sequence[str]) -> int:
        """"Forget me" / retention: drop these users' like history (the anonymous
        per-item counts stay: they identify nobody). Returns the rows deleted."""
        ids = {u for u in user_ids if u}
        if not ids:
            return 0
        with self._lock:
            for visit in self._visits.values():
                if visit.user_id in ids:
                    visit.user_id = None
                    visit.history = []
            return self._store.forget_users(ids)

    def flush(self) -> None:
        """Write the pending counts to SQLite (one transaction)."""
        with self._lock:
            self._store.flush()

    def close(self) -> None:
        with self._lock:
            self._store.close()
