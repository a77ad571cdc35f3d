"""Small frozen value types passed between the parts of the kiosk.

Everything here is plain Python + numpy: no Qt, no torch, no boto3, so every
package (camera, vision, recommend, events, ui) can share these types without
pulling in each other's dependencies.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np


class RecommendMode(enum.StrEnum):
    """How a page is chosen (`[recommend] mode`, the Emotion / For you toggle, `Page.mode`).
    AUTO is a request only: it becomes PERSONALIZED once the visit is ready for it (a user
    id or enough likes), else EMOTION; a page always says which of the two it is."""

    AUTO = "auto"
    EMOTION = "emotion"
    PERSONALIZED = "personalized"

    @classmethod
    def of_page(cls, personalized: bool) -> RecommendMode:
        """What a page says it is: "For you" (PERSONALIZED) or EMOTION."""
        return cls.PERSONALIZED if personalized else cls.EMOTION


class AdminAction(enum.StrEnum):
    """The admin panel's buttons, as the window's `admin_action_requested` sends them
    and `kiosk.controllers.admin` dispatches them (values appear in the log)."""

    EXIT = "exit"
    RESTART = "restart"
    RELOAD_CATALOG = "reload_catalog"
    FLUSH_EVENTS = "flush_events"
    REVIEW_IMAGES = "review_images"
    AUDIENCE = "audience"


class Emotion(enum.StrEnum):
    """Amazon Rekognition's emotion types: the kiosk's one emotion vocabulary."""

    HAPPY = "HAPPY"
    SAD = "SAD"
    ANGRY = "ANGRY"
    CONFUSED = "CONFUSED"
    DISGUSTED = "DISGUSTED"
    SURPRISED = "SURPRISED"
    CALM = "CALM"
    FEAR = "FEAR"

    @property
    def folder(self) -> str:
        """Catalog folder name and item-id segment (`emotions/<folder>/<file>`)."""
        return self.value.lower()

    @classmethod
    def parse(cls, text: str) -> Emotion:
        """Accept `happy`, `HAPPY`, ` Happy `; raise ValueError naming the allowed values."""
        key = text.strip().upper()
        try:
            return cls(key)
        except ValueError:
            allowed = ", ".join(e.folder for e in cls)
            raise ValueError(f"unknown emotion {text!r}; allowed: {allowed}") from None


@dataclass(frozen=True, slots=True)
class Frame:
    """One camera image (BGR, uint8, HxWx3) with its capture sequence number and
    `time.monotonic()` timestamp."""

    image: np.ndarray = field(repr=False, compare=False)
    seq: int
    timestamp: float
    source: str = ""

    @property
    def width(self) -> int:
        return int(self.image.shape[1])

    @property
    def height(self) -> int:
        return int(self.image.shape[0])


@dataclass(frozen=True, slots=True)
class Box:
    """Axis-aligned box in pixel coordinates of the frame it came from."""

    x1: float
    y1: float
    x2: float
    y2: float

    @property
    def width(self) -> float:
        return max(0.0, self.x2 - self.x1)

    @property
    def height(self) -> float:
        return max(0.0, self.y2 - self.y1)

    @property
    def area(self) -> float:
        return self.width * self.height

    @property
    def center(self) -> tuple[float, float]:
        return ((self.x1 + self.x2) / 2.0, (self.y1 + self.y2) / 2.0)

    def iou(self, other: Box) -> float:
        ix = max(0.0, min(self.x2, other.x2) - max(self.x1, other.x1))
        iy = max(0.0, min(self.y2, other.y2) - max(self.y1, other.y1))
        inter = ix * iy
        union = self.area + other.area - inter
        return inter / union if union > 0 else 0.0

    def scaled(self, sx: float, sy: float | None = None) -> Box:
        sy = sx if sy is None else sy
        return Box(self.x1 * sx, self.y1 * sy, self.x2 * sx, self.y2 * sy)


@dataclass(frozen=True, slots=True)
class Face:
    """A detected face: box, detector score and optional 5 landmarks
    (eyes, nose, mouth corners) as (x, y) pairs."""

    box: Box
    score: float
    landmarks: tuple[tuple[float, float], ...] = ()


@dataclass(frozen=True, slots=True)
class EmotionReading:
    """Probabilities over the 8 Rekognition emotions for one face.

    `source` is "local" (on-device model), "rekognition" (cloud fallback) or
    "manual" (picked by the visitor on the mood picker). `uncertain` is True when
    the face was too small/blurred or the confidence too low to act on."""

    emotion: Emotion
    confidence: float
    probabilities: Mapping[Emotion, float]
    source: str = "local"
    uncertain: bool = False


@dataclass(frozen=True, slots=True)
class Item:
    """A catalog image. `id` is `emotions/<emotion>/<file>`, the AWS sample's key."""

    id: str
    emotion: Emotion
    path: str
    checksum: str = ""
    added_at: float = 0.0


@dataclass(frozen=True, slots=True)
class FallbackReason:
    """Why Amazon Personalize did not answer a page, in parts the admin panel words in
    its language (`kiosk.ui.admin_status.personalize_fallback_text`).

    `kind`: "timeout" (no answer within the time budget, or a network timeout),
    "offline" (no network), "no_credentials", "throttled", "failed" (AWS answered with
    an error), "paused" (not asked: waiting after a failure), "busy" (an earlier call
    still runs) or "closed". `code` and `message` are AWS's own, "" when none;
    `retry_in_s` is the wait left for "paused"."""

    kind: str
    code: str = ""
    message: str = ""
    retry_in_s: float = 0.0

    def as_dict(self) -> dict[str, object]:
        return {"kind": self.kind, "code": self.code, "message": self.message,
                "retry_in_s": self.retry_in_s}


@dataclass(frozen=True, slots=True)
class Page:
    """One page of recommendations as shown to a visitor."""

    items: tuple[Item, ...]
    emotion: Emotion
    visit_id: str
    index: int = 0
    mode: RecommendMode = RecommendMode.EMOTION  # EMOTION (cold start) or PERSONALIZED ("For you")
    source: str = "embedded"  # "embedded" or "personalize"
    recommendation_id: str | None = None  # Personalize's, when some items came from it
    note: str = ""  # why a fallback happened, for the status screen
    fallback: FallbackReason | None = None  # the same, for the admin panel to word
    # The items that came from the Personalize answer `recommendation_id` names (not the
    # ones the embedded recommender filled in): only their likes carry the id.
    recommended: frozenset[str] = frozenset()

    @property
    def item_ids(self) -> tuple[str, ...]:
        return tuple(i.id for i in self.items)

    @property
    def off_emotion(self) -> tuple[Item, ...]:
        """The items from outside the page's emotion folder (bounded exploration, or
        "For you" taste that left the mood); empty when the page answers the emotion
        alone. A headline can say so when this is not empty."""
        return tuple(i for i in self.items if i.emotion != self.emotion)

    def recommendation_id_for(self, item_id: str) -> str | None:
        """The recommendationId a like of `item_id` carries: only for an item of that
        Personalize answer, else None."""
        return self.recommendation_id if item_id in self.recommended else None


@dataclass(frozen=True, slots=True)
class Like:
    """A visitor's like, stamped at tap time (`event_id` UUID, `sent_at` epoch seconds)."""

    event_id: str
    sent_at: float
    visit_id: str
    item_id: str
    emotion: Emotion
    user_id: str | None = None
    impression: tuple[str, ...] = ()
    recommendation_id: str | None = None
    properties: Mapping[str, Any] = field(default_factory=dict)
