"""Vision's visits: one stretch of a face in view, for the emotion reading.

A vision visit starts when a primary face is seen and ends once no primary face has
been seen for `grace_s` seconds (`vision.visit_grace_s`, 3 s: turning away or a
detector dropout shorter than that keeps it, with its smoothed emotion). A face seen
after that starts a new vision visit and is read afresh. (The primary face: a face
seen beside the visitor does not become primary while their visit lasts, so it
does not keep the visit going; `kiosk.vision.pipeline`.) Each gets a fresh random id
(`uuid4().hex`); nothing else identifies the person.

The shopper's visit (its likes, "For you", the Personalize `sessionId`) is longer:
`kiosk.controllers.visit` adopts the first vision visit's id and keeps the visit through
later vision visits until nobody has been in view or touched the screen for
`app.idle_timeout_s` (20 s), so a shopper who looks away or steps back briefly is
the same visit.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class VisitUpdate:
    """What one `VisitTracker.update` did. `visit_id` is the current visit (None between
    visits); `ended_visit_id` is the visit that ended in this update, if any. Both
    flags can be set at once when frames resume after a gap longer than the grace."""

    visit_id: str | None
    started: bool = False
    ended: bool = False
    ended_visit_id: str | None = None


def new_visit_id() -> str:
    return uuid.uuid4().hex


class VisitTracker:
    """Starts and ends visits from "is a primary face here now?" observations."""

    def __init__(
        self,
        grace_s: float = 3.0,
        *,
        clock: Callable[[], float] = time.monotonic,
        new_id: Callable[[], str] = new_visit_id,
    ) -> None:
        self.grace_s = grace_s
        self._clock = clock
        self._new_id = new_id
        self._visit_id: str | None = None
        self._started_at: float | None = None
        self._last_seen: float | None = None
        self._absent_seen = False

    @property
    def visit_id(self) -> str | None:
        return self._visit_id

    @property
    def active(self) -> bool:
        return self._visit_id is not None

    @property
    def started_at(self) -> float | None:
        return self._started_at

    @property
    def last_seen(self) -> float | None:
        return self._last_seen

    def update(self, present: bool, now: float | None = None) -> VisitUpdate:
        """Record whether a primary face is present at `now` (default: the clock)."""
        now = self._clock() if now is None else now
        ended_id: str | None = None
        if self._visit_id is not None and self._last_seen is not None:
            gone_for = now - self._last_seen
            # Absent: the visit ends once the grace has run out. Present again after
            # frames that showed nobody for longer than the grace: that visit ended in
            # between, and this is a new one. (Present after present is continuous.)
            if (not present and gone_for >= self.grace_s) or (
                present and self._absent_seen and gone_for > self.grace_s
            ):
                ended_id = self._visit_id
                self._clear()
        started = False
        if present:
            if self._visit_id is None:
                self._visit_id = self._new_id()
                self._started_at = now
                started = True
            self._last_seen = now
            self._absent_seen = False
        elif self._visit_id is not None:
            self._absent_seen = True
        return VisitUpdate(
            visit_id=self._visit_id,
            started=started,
            ended=ended_id is not None,
            ended_visit_id=ended_id,
        )

    def end(self) -> str | None:
        """End the current visit now (e.g. the admin screen opened); return its id."""
        ended = self._visit_id
        self._clear()
        return ended

    def _clear(self) -> None:
        self._visit_id = None
        self._started_at = None
        self._last_seen = None
        self._absent_seen = False
