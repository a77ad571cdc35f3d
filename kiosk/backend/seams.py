"""What the back end needs from the parts it composes: protocols that the real parts
and the tests' fakes both satisfy (mypy checks both).

* `Recommender`: `kiosk.recommend.service.RecommendationService`;
* `Queue`: `kiosk.events.queue.EventQueue`;
* `UploaderControl`: `kiosk.events.uploader.Uploader`, built and started by the
  composition root (`kiosk.app`) once the queue is open.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Protocol

from kiosk.domain import Emotion, Item, Like, Page

if TYPE_CHECKING:
    import numpy as np

    from kiosk.events.queue import QueueCounts
    from kiosk.events.uploader import UploaderStatus


class Recommender(Protocol):
    """`kiosk.recommend.service.RecommendationService`, or a test's fake."""

    def page(self, visit_id: str, emotion: Emotion, user_id: str | None = None,
             mode: str | None = None, page_size: int | None = None) -> Page: ...
    def like(self, visit_id: str, emotion: Emotion, item_id: str,
             user_id: str | None = None) -> None: ...
    def impression(self, page: Page) -> None: ...
    def personalization_ready(self, visit_id: str) -> bool: ...
    def end_visit(self, visit_id: str) -> None: ...
    def image(self, item_id: str, size: tuple[int, int]) -> np.ndarray: ...
    def replace(self, page: Page, gone: list[str], mode: str | None = None) -> list[Item]:
        """Stand-ins for the cards of the visit's last page whose images cannot be
        shown, at most one each (`RecommendationService.replace`)."""
    # Any: the recommender's own JSON-like report (kiosk-admin prints it as it is);
    # `KioskBackend.status()` picks the few keys the admin panel shows.
    def status(self) -> dict[str, Any]: ...
    def rescan(self) -> object: ...
    def close(self) -> None: ...
    def items(self, emotion: Emotion | None = None) -> list[Item]: ...
    def attract_items(self, count: int) -> list[Item]: ...
    def forget_users(self, user_ids: list[str]) -> int: ...


class Queue(Protocol):
    """`kiosk.events.queue.EventQueue`, or a test's fake."""

    def record_like(self, like: Like) -> int: ...
    def record_impression(
        self, visit_id: str, impression: Sequence[str], *, emotion: Emotion | None = None,
        user_id: str | None = None, recommendation_id: str | None = None,
        event_id: str | None = None, sent_at: float | None = None, spool: bool = True,
    ) -> int: ...
    # Any: user properties are JSON values of the caller's choosing (records.py bounds them)
    def record_user(self, user_id: str, emotion: Emotion,
                    properties: Mapping[str, Any] | None = None) -> int: ...
    def counts(self) -> QueueCounts: ...
    def forget_users(self, user_ids: Iterable[str]) -> int: ...
    def close(self) -> None: ...


class UploaderControl(Protocol):
    """What the back end asks of `kiosk.events.uploader.Uploader` (built by kiosk.app)."""

    def status(self) -> UploaderStatus: ...
    def stop(self, timeout: float = 5.0) -> bool: ...
    def notify_online(self) -> None: ...
