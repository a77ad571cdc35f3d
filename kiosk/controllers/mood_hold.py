"""When a newly settled mood may replace the page of a shopper who is using the grid.

A field test saw 16 of 125 settled moods in 25 min last under 2 s (a steady happy
face read sad for 0.6-1 s); each threw a shopper browsing page 3 back to a fresh
page 0, and then again to the mood before. So, while the shopper is using the grid
(touched it within `GRID_IN_USE_S`), a new mood replaces their page only once it has
held `EMOTION_HOLD_S` and `TOUCH_QUIET_S` have passed since their last touch. A
visit's first mood, a visit without a page, and a visitor who only looks are never
held: the page follows their mood as soon as it settles.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from kiosk.domain import Emotion

log = logging.getLogger(__name__)

EMOTION_HOLD_S = 2.0
"""Seconds a new mood must stay settled before it replaces a shopper's page (above
the 0.6-1 s misreads seen; a real change waits 2 s more on a page in use)."""
TOUCH_QUIET_S = 3.0
"""Seconds after the shopper's last touch during which no new mood replaces their
page: a page never changes under a finger reaching for Like or Next."""
GRID_IN_USE_S = 20.0
"""A touch within this many seconds means the shopper is using the grid (browsing
taps come every few seconds)."""


class MoodHold:
    """Holds back a new mood from a page in use (module docstring). `clock` is a
    monotonic clock in seconds (a test's `FakeClock`)."""

    def __init__(self, clock: Callable[[], float]) -> None:
        self._clock = clock
        self._held: tuple[Emotion, float] | None = None  # the new mood, and since when

    @property
    def held(self) -> Emotion | None:
        """The new mood held back now, or None."""
        return self._held[0] if self._held is not None else None

    def reset(self) -> None:
        """The page's mood came back, changed, or the visit ended: nothing is held."""
        self._held = None

    def holds(self, emotion: Emotion, *, first: bool, last_tap: float) -> bool:
        """Whether `emotion`, settled now and different from the page's mood, waits
        (`first`: the visit has no mood or no page yet; `last_tap`: the shopper's last
        touch, on `clock`)."""
        now = self._clock()
        if first or now - last_tap >= GRID_IN_USE_S:
            self._held = None
            return False
        if self._held is None or self._held[0] is not emotion:
            log.info("mood %s settled while the shopper uses the grid: their page stays "
                     "until it holds %.0f s", emotion.value, EMOTION_HOLD_S)
            self._held = (emotion, now)
        if now - self._held[1] >= EMOTION_HOLD_S and now - last_tap >= TOUCH_QUIET_S:
            self._held = None
            return False
        return True
