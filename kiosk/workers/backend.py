"""The kiosk's back end as one object the recommend worker thread drives.

`KioskBackend` composes the recommendation service, the event queue and the
uploader. Every method may block (SQLite with fsync, image decoding, Personalize
calls) and is only ever called on the `kiosk-recommend` worker thread, in order,
so a like is committed and learned before the next page is ranked.
"""

from __future__ import annotations

import logging
import time
import uuid
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

from kiosk.domain import Emotion, Like, Page

log = logging.getLogger(__name__)


class Recommender(Protocol):
    def page(self, visit_id: str, emotion: Emotion, user_id: str | None = None,
             mode: str = "auto", page_size: int | None = None) -> Page: ...
    def like(self, visit_id: str, emotion: Emotion, item_id: str,
             user_id: str | None = None) -> None: ...
    def impression(self, page: Page) -> None: ...
    def personalization_ready(self, visit_id: str) -> bool: ...
    def end_visit(self, visit_id: str) -> None: ...
    def image(self, item_id: str, size: tuple[int, int]) -> np.ndarray: ...
    def status(self) -> dict[str, Any]: ...
    def rescan(self) -> Any: ...
    def close(self) -> None: ...


class Queue(Protocol):
    def record_like(self, like: Like) -> int: ...
    def record_impression(self, *args: Any, **kwargs: Any) -> int: ...
    def record_user(self, *args: Any, **kwargs: Any) -> int: ...
    def status(self) -> dict[str, Any]: ...


@dataclass(frozen=True)
class PageResult:
    """A page and its decoded RGB images (item id -> HxWx3 uint8)."""

    page: Page
    images: dict[str, np.ndarray]
    personalization_ready: bool
    request: int


@dataclass(frozen=True)
class LikeResult:
    item_id: str
    event_id: str
    personalization_ready: bool


class KioskBackend:
    """Recommendations, likes and status for the GUI, run on one worker thread.

    Built empty on the GUI thread (`from_settings`); `open()` — the worker's first
    job — rescans the catalog and opens the databases, so start-up never blocks
    the window. A page left without a like is queued as an impression-only event
    when the next page replaces it or the visit ends."""

    def __init__(self, recommender: Recommender | None = None, queue: Queue | None = None,
                 image_size: tuple[int, int] = (640, 640), uploader: Any = None,
                 opener: Any = None) -> None:
        self.recommender: Recommender = recommender  # type: ignore[assignment]
        self.queue = queue
        self.uploader = uploader
        self.image_size = image_size
        self._opener = opener
        self._settings: Any = None
        self._unliked_page: Page | None = None
        self.open_error = ""
        self.pool: Any = None  # kiosk.curation.pool.PendingPool, opened on demand

    @classmethod
    def from_settings(cls, settings: Any) -> KioskBackend:
        def opener(backend: KioskBackend) -> None:
            from kiosk.events.queue import EventQueue
            from kiosk.events.uploader import Uploader
            from kiosk.recommend.service import RecommendationService

            backend.recommender = RecommendationService(settings)
            backend._settings = settings
            try:
                backend.queue = EventQueue.from_settings(settings)
            except Exception as exc:  # likes still work on screen; status shows why
                backend.open_error = f"event queue unavailable: {exc}"
                log.error("%s", backend.open_error)
                return
            uploader = Uploader.from_settings(backend.queue, settings)
            if uploader.enabled:
                uploader.start()
                backend.uploader = uploader

        return cls(opener=opener)

    def open(self) -> None:
        if self._opener is not None and self.recommender is None:
            self._opener(self)

    # ------------------------------------------------------------------ curation

    def _pending_pool(self) -> Any:
        if self.pool is None:
            from kiosk.curation.pool import PendingPool

            catalog = self.recommender.catalog  # type: ignore[attr-defined]
            self.pool = PendingPool.from_settings(self._settings, catalog, self.queue)  # type: ignore[arg-type]
        return self.pool

    def pending_thumbnails(self, max_side: int = 512) -> list[tuple[str, Any, np.ndarray]]:
        """The pending pool as (id, emotion, RGB thumbnail) for the review screen."""
        return [(entry.id, entry.emotion, thumb)
                for entry, thumb in self._pending_pool().thumbnails(max_side)]

    def approve(self, key: str) -> list[tuple[str, Any, np.ndarray]]:
        """Approve into the live catalog (atomic copy, PutItems queued), rank over it."""
        self._pending_pool().approve(key)
        self.recommender.rescan()
        return self.pending_thumbnails()

    def reject(self, key: str) -> list[tuple[str, Any, np.ndarray]]:
        self._pending_pool().reject(key)
        return self.pending_thumbnails()

    def close(self) -> None:
        if self.pool is not None:
            self.pool.close()
        if self.uploader is not None:
            self.uploader.stop(3.0)
        self._flush_impression()
        if self.queue is not None:
            close = getattr(self.queue, "close", None)
            if close is not None:
                close()
        if self.recommender is not None:
            self.recommender.close()

    def wake_uploader(self) -> None:
        """Thread-safe: ask the uploader to try now (admin "flush events")."""
        if self.uploader is not None:
            self.uploader.notify_online()

    def attract_images(self, count: int, size: tuple[int, int] = (800, 800)) -> list[np.ndarray]:
        """A spread of catalog images for the attract slideshow, emotions interleaved.
        Decoded outside the page-image cache: they are shown once, converted and
        dropped, and must not push the visitor's pages out of the cache."""
        from kiosk.recommend.images import decode_scaled

        spread = getattr(self.recommender, "attract_items", None)
        if spread is not None:  # recommend.attract_emotions (pleasant ones by default)
            picked: list[Any] = list(spread(count))
        else:
            by_emotion: dict[Emotion, list[Any]] = {}
            for item in self.recommender.items():  # type: ignore[attr-defined]
                by_emotion.setdefault(item.emotion, []).append(item)
            picked = []
            while len(picked) < count and any(by_emotion.values()):
                for group in by_emotion.values():
                    if group and len(picked) < count:
                        picked.append(group.pop(0))
        out = []
        for item in picked:
            try:
                out.append(decode_scaled(item.path, size))
            except Exception as exc:
                log.warning("attract: cannot show %s: %s", item.id, exc)
        return out

    def page(self, request: int, visit_id: str, emotion: Emotion, user_id: str | None,
             mode: str, page_size: int) -> PageResult:
        self._flush_impression()
        page = self.recommender.page(visit_id, emotion, user_id, mode, page_size)
        images: dict[str, np.ndarray] = {}
        for item in page.items:
            try:
                images[item.id] = self.recommender.image(item.id, self.image_size)
            except Exception as exc:  # a broken file must not break the page
                log.warning("cannot show %s: %s", item.id, exc)
        shown = tuple(i for i in page.items if i.id in images)
        if len(shown) != len(page.items):
            page = Page(items=shown, emotion=page.emotion, visit_id=page.visit_id,
                        index=page.index, mode=page.mode, source=page.source,
                        recommendation_id=page.recommendation_id, note=page.note)
        self.recommender.impression(page)
        self._unliked_page = page if page.items else None
        return PageResult(page, images, self.recommender.personalization_ready(visit_id), request)

    def like(self, page: Page, item_id: str, tapped_at: float, user_id: str | None) -> LikeResult:
        """Commit the like durably first (it is a promise), then learn from it."""
        like = Like(
            event_id=str(uuid.uuid4()),
            sent_at=tapped_at,
            visit_id=page.visit_id,
            item_id=item_id,
            emotion=page.emotion,
            user_id=user_id,
            impression=page.item_ids,
            recommendation_id=page.recommendation_id,
        )  # the record adds {"emotion": …} to the properties itself
        if self._unliked_page is not None and self._unliked_page.visit_id == page.visit_id:
            self._unliked_page = None  # its impression rides on the like
        if self.queue is not None:
            started = time.perf_counter()
            self.queue.record_like(like)
            log.debug("like %s committed in %.1f ms", like.event_id,
                      (time.perf_counter() - started) * 1000)
        self.recommender.like(page.visit_id, page.emotion, item_id, user_id)
        return LikeResult(item_id, like.event_id,
                          self.recommender.personalization_ready(page.visit_id))

    def forget_users(self, user_ids: list[str]) -> int:
        """Identity's "Forget me" and retention purge: the users' likes in the
        recommender and their records still waiting in the upload queue go too."""
        removed = self.recommender.forget_users(user_ids)  # type: ignore[attr-defined]
        if self.queue is not None:
            removed += self.queue.forget_users(user_ids)  # type: ignore[attr-defined]
        return int(removed)

    def end_visit(self, visit_id: str) -> None:
        self._flush_impression()
        self.recommender.end_visit(visit_id)

    def _flush_impression(self) -> None:
        page, self._unliked_page = self._unliked_page, None
        if page is None or self.queue is None:
            return
        try:
            self.queue.record_impression(
                page.visit_id, page.item_ids, emotion=page.emotion,
                recommendation_id=page.recommendation_id,
            )
        except Exception as exc:  # an impression is nice to have; a like is a promise
            log.warning("impression of page %d not queued: %s", page.index, exc)

    def status(self) -> dict[str, Any]:
        """Flat keys for the admin panel (see kiosk.ui.admin_panel): what an operator
        needs at a glance; details stay in the logs and `kiosk-admin … status`."""
        out: dict[str, Any] = {}
        if self.open_error:
            out["problem"] = self.open_error
        if self.recommender is not None:
            rec = self.recommender.status()
            out["catalog_counts"] = rec.get("items_by_emotion", {})
            out["recommender"] = rec.get("backend", "embedded")
            if rec.get("skipped"):
                out["skipped images"] = rec["skipped"]
            if rec.get("last_fallback"):
                out["last Personalize fallback"] = rec["last_fallback"]
        if self.queue is not None:
            events = self.queue.status()
            out["queue_depth"] = events.get("pending", 0)
            out["dead_letters"] = events.get("dead", 0)
            if events.get("disk_full"):
                out["disk"] = events["disk_full"]
        if self.uploader is not None:
            up = self.uploader.status().to_dict()
            out["online"] = bool(up.get("online"))
            out["uploader"] = up.get("state")
            if up.get("last_error"):
                out["last upload error"] = up["last_error"]
        else:
            out["uploads"] = "off (Personalize not configured)"
        return out

    def rescan(self) -> Any:
        return self.recommender.rescan()
