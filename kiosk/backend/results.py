"""What the back end hands back to the controllers (through the workers' result
signals): plain, immutable values, so they cross threads safely."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from kiosk.domain import Emotion, Page

Thumbnail = tuple[str, Emotion, np.ndarray, str]
"""A pending image for the review screen: (id, emotion, RGB thumbnail HxWx3 uint8, the
imported file's name)."""


@dataclass(frozen=True)
class PageResult:
    """A page and its decoded RGB images (item id -> HxWx3 uint8); `request` is the
    controller's request number, so a page that arrives after a newer request was made
    is recognised as stale."""

    page: Page
    images: dict[str, np.ndarray]
    personalization_ready: bool
    request: int


@dataclass(frozen=True)
class LikeResult:
    """A like committed and learned: "For you" opens once `personalization_ready`."""

    item_id: str
    event_id: str
    personalization_ready: bool
