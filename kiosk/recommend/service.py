"""`RecommendationService`: the one facade the UI's recommendation worker uses.

Built from `Settings`, it owns the catalog (rescanned at start), the image cache,
the embedded recommender and, when `recommend.backend = "personalize"`, the Amazon
Personalize client that falls back to the embedded recommender page by page.

Call it from worker threads, never from the GUI thread: a page may wait up to
`personalize.time_budget_ms` for Personalize, an image decode takes milliseconds
and a rescan reads new files. All methods are thread-safe.

The worker shows a page, then reports it with `impression(page)` (only the items
it could actually display); `page(..., record_impression=True)` does both at once.
A like is learnt at once by `like(...)`; the worker builds the `Like` event for the
upload queue itself (from the page: impression list, recommendationId).

Public API (matches `kiosk.backend.Recommender`):
`page`, `next_page`, `impression`, `like`, `personalization_ready`, `end_visit`,
`image`, `items`, `attract_items`, `rescan`, `status`, `close` (and use as a
context manager); `reload` and `manifest_version` for the back end's catalog watch.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from kiosk.config import ConfigError, Settings
from kiosk.domain import Emotion, Item, Page
from kiosk.recommend.catalog import Catalog, RescanReport
from kiosk.recommend.embedded import MODES, EmbeddedRecommender, RankerParams
from kiosk.recommend.errors import CatalogError, RecommendError
from kiosk.recommend.images import ImageCache
from kiosk.recommend.pacing import IndexPacer
from kiosk.recommend.personalize import PersonalizeRecommender

log = logging.getLogger(__name__)

CATALOG_DB = "catalog.sqlite3"
RECOMMENDER_DB = "recommender.sqlite3"


@dataclass
class _VisitInfo:
    emotion: Emotion
    user_id: str | None
    gender: str | None


def parse_emotions(text: str, key: str) -> tuple[Emotion, ...]:
    """Emotion folders from a comma-separated setting (empty: all of them).

    Raises ConfigError naming the key, the bad word and the allowed values."""
    out: list[Emotion] = []
    for word in (w.strip() for w in text.split(",")):
        if not word:
            continue
        try:
            emotion = Emotion.parse(word)
        except ValueError:
            allowed = ", ".join(e.folder for e in Emotion)
            raise ConfigError(
                f"{key} = {text!r}: {word!r} is not an emotion; allowed: {allowed}"
            ) from None
        if emotion not in out:
            out.append(emotion)
    return tuple(out) or tuple(Emotion)


class RecommendationService:
    """Catalog + image cache + recommender behind one thread-safe object."""

    def __init__(
        self,
        settings: Settings,
        *,
        catalog_dir: str | Path | None = None,
        personalize_client: Any = None,
        seed: int | None = None,
        clock: Callable[[], float] = time.monotonic,
        scan: bool = True,
        pacer: IndexPacer | None = None,
    ):
        self.settings = settings
        rs = settings.recommend
        if catalog_dir is None:
            if rs.catalog_dir:
                catalog_dir = rs.catalog_dir
            else:
                from kiosk.resources import catalog_root

                catalog_dir = catalog_root()
        data = settings.data_dir
        self.attract_emotions = parse_emotions(rs.attract_emotions, "recommend.attract_emotions")
        self._lock = threading.RLock()
        self._visits: OrderedDict[str, _VisitInfo] = OrderedDict()
        self._last_fallback: str | None = None
        self._last_fallback_reason: dict[str, object] | None = None  # FallbackReason's
        self._last_fallback_at: float | None = None
        self._closed = False
        # `pacer`: the indexing yields to the model load (kiosk.recommend.pacing)
        self.catalog = Catalog(catalog_dir, data / CATALOG_DB, max_image_mb=rs.max_image_mb,
                               pacer=pacer)
        self.cache = ImageCache(rs.cache_images, max_bytes=int(rs.cache_mb * 2**20))
        self.embedded = EmbeddedRecommender(
            data / RECOMMENDER_DB,
            params=RankerParams(
                personalize_after_likes=rs.personalize_after_likes,
                explore_share=rs.explore_share,
                personal_share=rs.personal_share,
            ),
            page_size=rs.page_size,
            seed=seed,
        )
        self.personalize: PersonalizeRecommender | None = None
        self._backend_note = ""
        if rs.backend == "personalize":
            ps = settings.personalize
            if ps.campaign_arn or ps.recommender_arn:
                from kiosk.aws import make_client

                self.personalize = PersonalizeRecommender(
                    ps, self.embedded, client=personalize_client, clock=clock,
                    client_factory=lambda: make_client("personalize-runtime", settings.aws),
                )
            else:
                self._backend_note = (
                    "backend is personalize but neither personalize.campaign_arn nor "
                    "personalize.recommender_arn is set: using the embedded recommender"
                )
                log.warning("recommend: %s", self._backend_note)
        try:
            if scan:
                self.rescan()
            else:
                self._reload()
        except BaseException:
            self.close()  # no half-open databases left behind by a failed open
            raise

    # ------------------------------------------------------------------ catalog

    def rescan(self) -> RescanReport:
        """Bring the catalog in step with its folder and rank over the result.

        Raises CatalogError, leaving the manifest and the ranking as they are, when the
        folder is missing, or empty while the manifest lists images (an unmounted USB
        stick or share: `kiosk.recommend.catalog.folder_problem`)."""
        problem = self.catalog.problem()
        if problem:
            raise CatalogError(problem)
        report = self.catalog.rescan()
        self._reload()
        return report

    def reload(self) -> None:
        """Rank over the manifest as it is now, without reading the folder: another
        process changed it (`kiosk-admin catalog approve | rescan | remove`, seen by
        `manifest_version`)."""
        self._reload()

    def manifest_version(self) -> int:
        """Moves on when another process commits to the manifest
        (`Catalog.manifest_version`)."""
        return self.catalog.manifest_version()

    def _reload(self) -> None:
        items = self.catalog.items()
        self.embedded.set_catalog(items, self.catalog.features([i.id for i in items]))

    def items(self, emotion: Emotion | None = None) -> list[Item]:
        return self.catalog.items(emotion)

    def attract_items(self, count: int) -> list[Item]:
        """Up to `count` images for the attract slideshow: from the
        `recommend.attract_emotions` folders (pleasant ones by default), emotions
        interleaved, no two near-duplicates while distinct images remain."""
        items = self.embedded.spread(self.attract_emotions, count)
        if not items:  # none of those folders has images: show what there is
            items = self.embedded.spread(tuple(Emotion), count)
        return items

    def image(
        self, item: Item | str, size: tuple[int, int] | None = None, fit: str = "cover"
    ) -> np.ndarray:
        """Decoded RGB pixels of an item (or item id), scaled; from the cache if there."""
        if isinstance(item, str):
            found = self.embedded.item(item) or self.catalog.get(item)
            if found is None:
                raise RecommendError(f"unknown item {item!r}")
            item = found
        return self.cache.get(item, size, fit)

    # ------------------------------------------------------------------ pages

    def page(
        self,
        visit_id: str,
        emotion: Emotion,
        user_id: str | None = None,
        mode: str | None = None,
        page_size: int | None = None,
        *,
        gender: str | None = None,
        record_impression: bool = False,
    ) -> Page:
        """The page to show now. The same visit in the same emotion continues its
        ranking (no repeats); a new visit, emotion or recognised user starts afresh.

        `mode`: auto/emotion/personalized (None: the `recommend.mode` setting);
        `page_size` None: `recommend.page_size`; `gender` feeds the Personalize
        pseudo-users of the AWS sample."""
        with self._lock:
            info = self._visits.get(visit_id)
            if info is None:
                info = _VisitInfo(emotion, user_id, gender)
                self._visits[visit_id] = info
                while len(self._visits) > 256:
                    self._visits.popitem(last=False)
            else:
                info.emotion = emotion
                info.user_id = user_id or info.user_id
                info.gender = gender or info.gender
            self._visits.move_to_end(visit_id)
        return self._produce(visit_id, info, mode, page_size, record_impression)

    def next_page(
        self,
        visit_id: str,
        mode: str | None = None,
        page_size: int | None = None,
        *,
        record_impression: bool = False,
    ) -> Page:
        """The next page of the visit's current ranking (the Next button)."""
        with self._lock:
            info = self._visits.get(visit_id)
        if info is None:
            raise RecommendError(f"unknown visit {visit_id!r}: ask for page() first")
        return self._produce(visit_id, info, mode, page_size, record_impression)

    def _produce(
        self,
        visit_id: str,
        info: _VisitInfo,
        mode: str | None,
        page_size: int | None,
        record_impression: bool,
    ) -> Page:
        mode = mode or self.settings.recommend.mode
        if mode not in MODES:
            raise ValueError(f"mode must be one of {', '.join(MODES)}, not {mode!r}")
        emotion = info.emotion
        # No service lock while Personalize may take its time budget: likes and images
        # asked for from other threads meanwhile are not held up.
        if self.personalize is not None:
            page = self.personalize.page(visit_id, emotion, info.user_id, mode, page_size,
                                         gender=info.gender)
        else:
            page = self.embedded.page(visit_id, emotion, info.user_id, mode, page_size)
        with self._lock:
            if page.source == "embedded" and page.note:
                self._last_fallback, self._last_fallback_at = page.note, time.time()
                self._last_fallback_reason = (page.fallback.as_dict() if page.fallback
                                              else None)
        if record_impression:
            self.impression(page)
        return page

    def replace(self, page: Page, gone: list[str], mode: str | None = None) -> list[Item]:
        """Stand-ins for the cards of `page` (the visit's last) whose images cannot be
        shown (those in `gone`, every item that could not be shown on it so far: a
        file pulled before the paced rescan noticed), one each, so the page is
        completed at once; ranked by the embedded recommender as the page was
        (`EmbeddedRecommender.replace`). Empty when nothing else may fill in."""
        mode = mode or self.settings.recommend.mode
        kept = [i for i in page.item_ids if i not in gone]
        cards = [i for i in page.item_ids if i in gone]
        return self.embedded.replace(page.visit_id, kept, cards, mode, exclude=gone)

    # ------------------------------------------------------------------ feedback

    def impression(self, page: Page) -> None:
        """The page's items were displayed (counted once per visit and item)."""
        self.embedded.record_impression(page.visit_id, page.emotion, page.item_ids)

    def like(
        self, visit_id: str, emotion: Emotion, item_id: str, user_id: str | None = None
    ) -> None:
        """Learn from a like at once: the next page already reflects it."""
        with self._lock:
            info = self._visits.get(visit_id)
            user_id = user_id or (info.user_id if info else None)
        self.embedded.record_like(visit_id, emotion, item_id, user_id)

    def forget_users(self, user_ids: list[str]) -> int:
        """Drop these users' like history ("Forget me", retention purge)."""
        with self._lock:
            for info in self._visits.values():
                if info.user_id in user_ids:
                    info.user_id = None
        return self.embedded.forget_users(user_ids)

    def personalization_ready(self, visit_id: str) -> bool:
        return self.embedded.personalization_ready(visit_id)

    def end_visit(self, visit_id: str) -> None:
        """The visitor left: forget the visit and save its counts."""
        with self._lock:
            self._visits.pop(visit_id, None)
            self.embedded.end_visit(visit_id)

    # ------------------------------------------------------------------ status

    def status(self) -> dict[str, Any]:
        """What the status screen shows: catalog counts, skipped files, backend, fallbacks."""
        report = self.catalog.last_report
        skipped = self.catalog.skipped
        personalize = self.personalize.status() if self.personalize else None
        counts = self.catalog.counts()
        return {
            "backend": "personalize" if self.personalize else "embedded",
            "backend_note": self._backend_note or None,
            "catalog_dir": str(self.catalog.root),
            "items": sum(counts.values()),
            "items_by_emotion": counts,
            "skipped": len(skipped),
            "skipped_files": [f"{s.path}: {s.reason}" for s in skipped[:50]],
            "last_rescan": None if report is None else {
                "added": len(report.added), "updated": len(report.updated),
                "removed": len(report.removed), "unchanged": report.unchanged,
                "seconds": round(report.seconds, 3),
            },
            "last_fallback": self._last_fallback,
            "last_fallback_reason": self._last_fallback_reason,
            "last_fallback_at": self._last_fallback_at,
            "personalize": personalize,
            "cache": self.cache.stats(),
            "visits": len(self._visits),
            "storage_problem": "; ".join(
                p for p in (self.catalog.read_only, getattr(self.embedded, "read_only", ""))
                if p) or None,
        }

    def close(self) -> None:
        """Stop Personalize calls, save the counts, close the databases (idempotent)."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
        if self.personalize is not None:
            self.personalize.close()
        self.embedded.close()
        self.catalog.close()

    def __enter__(self) -> RecommendationService:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
