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
usable or changed, so the screens know when to fetch their images again.

While the folder is usable, the same check notices CHANGES, cheaply (`changes`):
the folder's stamp (`kiosk.recommend.catalog.folder_stamp`: inode and mtime of the
root and its emotion folders, no image read) against the one the last rescan saw —
rescanned once it stayed the same for `SETTLE_S` (a copy still going on is not
indexed half-way) — and the manifest's `PRAGMA data_version`, which moves on when
another process (`kiosk-admin catalog approve | rescan | remove`) commits to it: the
ranking is reloaded from it. A card whose file vanished (`stale`) rescans at the
next check. At most one such rescan or reload every `RESCAN_GAP_S`.

One thread only (the recommend worker's); `problem` and `generation` are plain
attributes the status may read from another thread.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from pathlib import Path

from kiosk.recommend.catalog import FolderStamp
from kiosk.recommend.errors import CatalogError

log = logging.getLogger(__name__)

CHECK_S = 2.0
"""Seconds between the visit controller's checks of the catalog folder (one stat)."""
RETRY_S = (2.0, 60.0)
"""First and longest wait between two attempts to open the recommender again."""
SETTLE_S = 1.0
"""A changed folder is rescanned once two checks this far apart found it the same."""
RESCAN_GAP_S = 10.0
"""Least time between two rescans or reloads the watch starts (a sync copying files)."""
RESCAN, RELOAD = "rescan", "reload"


class CatalogWatch:
    """What the back end knows of the catalog folder `root` (module docstring)."""

    def __init__(self, root: Path, clock: Callable[[], float] = time.monotonic) -> None:
        self.root = root
        self.problem = ""  # why the catalog cannot be used now; "" when it can
        self.generation = 0  # times the catalog became usable (opened, or back)
        self._clock = clock
        self._delay = RETRY_S[0]
        self._retry_at = 0.0
        self._stamp: FolderStamp | None = None  # the folder as the last rescan found it
        self._manifest: int | None = None  # the manifest version ranked over
        self._seen: FolderStamp | None = None  # a changed stamp, waiting to settle
        self._seen_at = 0.0
        self._stale = False  # a card's file vanished: rescan at the next check
        self._acted_at: float | None = None  # the last rescan or reload started here

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

    def baseline(self, stamp: FolderStamp | None, manifest: int | None) -> None:
        """The ranking is over the folder as `stamp` (taken before the rescan; None: a
        reload, the folder not read) and the manifest at version `manifest` (None: not
        known)."""
        self._manifest = manifest
        if stamp is not None:
            self._stamp, self._seen, self._stale = stamp, None, False

    def stale(self) -> None:
        """A card's file is not there any more: rescan at the next check."""
        self._stale = True

    def changes(self, stamp: FolderStamp, manifest: int | None) -> str:
        """What the back end should do now: `RESCAN` (the folder changed and settled, or
        a file vanished), `RELOAD` (another process changed the manifest) or ""."""
        if self._stamp is None:
            return ""  # no baseline yet (not opened)
        now = self._clock()
        folder = stamp != self._stamp
        if folder and stamp != self._seen:  # (still) changing: look again at the next check
            self._seen, self._seen_at = stamp, now
        settled = folder and now - self._seen_at >= SETTLE_S
        todo = (RESCAN if settled or (self._stale and not folder) else
                RELOAD if manifest is not None and manifest != self._manifest else "")
        if not todo or (self._acted_at is not None and now - self._acted_at < RESCAN_GAP_S):
            return ""
        self._acted_at = now
        if todo == RESCAN:
            log.info("catalog folder %s %s: rescanning it", self.root,
                     "changed" if folder else "lost a file a page wanted")
        else:
            log.info("catalog manifest changed by another program (kiosk-admin?): "
                     "reloading it")
        return todo

    def changed(self) -> None:
        """A rescan or reload changed what is shown: the screens fetch afresh."""
        self.generation += 1

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
