"""Is the catalog folder there? The recommend thread's record of it (no Qt).

A kiosk whose catalog lives on a USB stick or a network share may start before the
folder is mounted, or lose it while running. `CatalogWatch` keeps what the back end
last found (`problem`, "" when the folder is usable), logs each change once (ERROR
when it goes or the reason changes, INFO when it is back) and paces the attempts to
open the recommender again while the folder is there (`due`, `retry_failed`: 2 s
doubling to 60 s; at once when it appears, `retry_now`).
`KioskBackend._catalog_ready` drives it before every page, the attract images and a
rescan, and on the visit controller's check every `CHECK_S` seconds
(`KioskBackend.check_catalog`); `generation` counts the times the catalog became
usable, so the screens know when to fetch their images again.

One thread only (the recommend worker's); `problem` and `generation` are plain
attributes the status may read from another thread.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from pathlib import Path

from kiosk.recommend.errors import CatalogError

log = logging.getLogger(__name__)

CHECK_S = 2.0
"""Seconds between the visit controller's checks of the catalog folder (one stat)."""
RETRY_S = (2.0, 60.0)
"""First and longest wait between two attempts to open the recommender again."""


class CatalogWatch:
    """What the back end knows of the catalog folder `root` (module docstring)."""

    def __init__(self, root: Path, clock: Callable[[], float] = time.monotonic) -> None:
        self.root = root
        self.problem = ""  # why the catalog cannot be used now; "" when it can
        self.generation = 0  # times the catalog became usable (opened, or back)
        self._clock = clock
        self._delay = RETRY_S[0]
        self._retry_at = 0.0

    def went(self, problem: str) -> CatalogError:
        """The catalog cannot be used, because of `problem`: logged when that is news;
        returns the error to raise (marked as logged, so the worker does not repeat it)."""
        if problem != self.problem:
            self.problem = problem
            log.error("%s; the kiosk checks again every %.0f s and shows its images as soon "
                      "as they are there", problem, CHECK_S)
        error = CatalogError(problem)
        error.logged = True
        return error

    def opened(self, images: Callable[[], int]) -> None:
        """The recommender is open over the catalog (at start, or again); `images`
        counts its images for the log line (asked only when the catalog was away)."""
        self.generation += 1
        self._delay, self._retry_at = RETRY_S[0], 0.0
        if self.problem:
            self.problem = ""
            log.info("catalog folder %s is there: recommendations are back (%d images)",
                     self.root, images())

    def due(self) -> bool:
        """May the back end try to open the recommender again now?"""
        return self._clock() >= self._retry_at

    def retry_now(self) -> None:
        """The folder is missing: try as soon as it is there (a failed open while it
        was there waited longer and longer; a missing folder is another matter)."""
        self._delay, self._retry_at = RETRY_S[0], 0.0

    def retry_failed(self) -> None:
        """An attempt to open it failed: wait longer before the next (2 s → 60 s)."""
        self._retry_at = self._clock() + self._delay
        self._delay = min(self._delay * 2, RETRY_S[1])
