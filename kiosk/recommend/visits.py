"""Per-visit state of the embedded recommender: what a visit liked, was shown and
may still be shown, and its off-pool budget.

A visit is one person in front of the screen (`visit_id`). Its likes are its taste
(kept across emotion changes: taste belongs to the person); what it was shown is
per ranking cycle (a new emotion or a newly recognised visitor starts a fresh one).
`Visits` keeps the most recent `max_visits` of them in memory.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from dataclasses import dataclass, field

import numpy as np

from kiosk.domain import Emotion


@dataclass
class Evidence:
    """For one visit, per catalog item (arrays of catalog length): sums over the items
    the visitor has seen of similarity × liked (`num`) and of similarity (`den`),
    updated incrementally; `version` is the catalog's, so a rescan rebuilds them."""

    version: int
    num: np.ndarray
    den: np.ndarray
    done: dict[str, bool] = field(default_factory=dict)  # item id -> counted as liked


@dataclass
class Visit:
    """One visit's ranking state."""

    visit_id: str
    emotion: Emotion
    user_id: str | None
    history: list[str] = field(default_factory=list)  # earlier likes of this user
    liked: list[str] = field(default_factory=list)  # likes in this visit, in order
    shown: set[str] = field(default_factory=set)  # shown in the current ranking cycle
    impressed: set[str] = field(default_factory=set)  # impressions counted this visit
    pooled: set[str] = field(default_factory=set)  # ... of which fed the look-alike model
    last_page: tuple[str, ...] = ()
    page_before: tuple[str, ...] = ()  # the page before `last_page` (`replace`)
    page_index: int = 0
    served: int = 0  # images on this emotion's pages so far (for the off-pool budget)
    served_off: int = 0  # ... of which from outside the emotion's pool
    evidence: Evidence | None = None
    colikes: Evidence | None = None  # co-like sums of the taste items, built lazily

    @property
    def taste(self) -> list[str]:
        """The user's earlier likes, then this visit's new ones (ids, each once)."""
        return self.history + [i for i in self.liked if i not in self.history]

    def restart(self) -> None:
        """A fresh ranking for a new emotion or visitor; the likes (taste) stay."""
        self.shown = set()
        self.last_page = self.page_before = ()
        self.page_index = 0

    def budget(self, share: float, k: int) -> int:
        """Off-pool images allowed on a page of k, so that after it at most `share`
        (0..1) of the visit's images in this emotion left the pool."""
        allowed = math.floor(share * (self.served + k) + 1e-9) - self.served_off
        return max(0, min(k, allowed))


class Visits:
    """The visits in memory, most recently used last; the oldest beyond `limit` are
    dropped (a visit that never ended must not keep memory forever)."""

    def __init__(self, limit: int):
        self.limit = limit
        self._visits: OrderedDict[str, Visit] = OrderedDict()

    def get(self, visit_id: str) -> Visit | None:
        return self._visits.get(visit_id)

    def add(self, visit: Visit) -> None:
        self._visits[visit.visit_id] = visit
        while len(self._visits) > self.limit:
            self._visits.popitem(last=False)

    def touch(self, visit_id: str) -> None:
        self._visits.move_to_end(visit_id)

    def pop(self, visit_id: str) -> Visit | None:
        return self._visits.pop(visit_id, None)

    def values(self) -> list[Visit]:
        return list(self._visits.values())
