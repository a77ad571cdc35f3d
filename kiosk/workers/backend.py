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
    def __init__(self, recommender: Recommender, queue: Queue | None,
                 image_size: tuple[int, int] = (640, 640), event_type: str = "like") -> None:
        self.recommender = recommender
        self.queue = queue
        self.image_size = image_size
        self.event_type = event_type

    def page(self, request: int, visit_id: str, emotion: Emotion, user_id: str | None,
             mode: str, page_size: int) -> PageResult:
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
            properties={"emotion": page.emotion.value},
        )
        if self.queue is not None:
            started = time.perf_counter()
            self.queue.record_like(like)
            log.debug("like %s committed in %.1f ms", like.event_id,
                      (time.perf_counter() - started) * 1000)
        self.recommender.like(page.visit_id, page.emotion, item_id, user_id)
        return LikeResult(item_id, like.event_id,
                          self.recommender.personalization_ready(page.visit_id))

    def end_visit(self, visit_id: str) -> None:
        self.recommender.end_visit(visit_id)

    def status(self) -> dict[str, Any]:
        out: dict[str, Any] = {"recommend": self.recommender.status()}
        if self.queue is not None:
            out["events"] = self.queue.status()
        return out

    def rescan(self) -> Any:
        return self.recommender.rescan()
