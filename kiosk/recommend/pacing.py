"""Pacing for the catalog indexing while the vision models load (issue #15 §4).

On a first start (an empty data folder) the recommend thread decodes and indexes
every catalog image (about 1 s of CPU for the 192 demo images, the GIL held up to
~21 ms at a time) while the vision thread imports torch and traces the models, and
the GUI thread competes with both for the GIL and the 2 cores. `IndexPacer` makes
the indexer yield until vision is settled: after each image it decodes, the
indexer waits `ratio` × the thread CPU time that image took (at least `min_pause_s`,
at most `max_pause_s`), so it runs at about 1 / (1 + ratio) of a core. Once
`settle()` is called (vision ready, vision failed, no camera, or a touch: a
visitor can pick a mood by hand before vision is ready) or `limit_s` seconds
of pauses have passed in all, the waits stop and it indexes at full speed.

No grid is shown before vision is ready unless a visitor touches the screen and
picks a mood (which settles the pacer), so the first grid does not wait on the
pauses; the attract slideshow's images come once the
index is complete, a little later on a first start (see the README's "Stalls
while loading"). A normal start decodes nothing (the manifest is up to date), so
it never pauses.

`cancel()` (the kiosk's shutdown) settles it and sets `cancelled`: the indexer stops
after the image in hand and keeps what it indexed, so a stop during a first start's
indexing does not wait for the rest of the catalog.

Thread-safe: `settle()` and `cancel()` from any thread (the GUI thread's vision-ready
slot, the shutdown); `pause()` on the indexing thread. The wait is a `threading.Event.wait`, so a
settle ends a pause at once. The catalog pauses without its manifest's lock, so another
thread's read of the catalog never waits for a pause (`Catalog._pause`).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

RATIO = 9.0  # pause = 9 × the image's CPU time: the indexer takes about a tenth of a core
MIN_PAUSE_S = 0.005
MAX_PAUSE_S = 0.1
LIMIT_S = 15.0  # pauses in all: a vision load that never reports cannot hold the index back


class IndexPacer:
    """Pauses between catalog images until `settle()` (see the module docstring).

    `wait(seconds) -> bool` (the event's `wait` by default: True when settled) and
    `cpu_clock() -> seconds` (`time.thread_time` by default) are injectable for tests.
    `paused_s`: seconds of pauses asked for so far; `pauses`: how many. Raises
    ValueError for a negative ratio, pause or limit, or `min_pause_s > max_pause_s`."""

    def __init__(
        self,
        *,
        ratio: float = RATIO,
        min_pause_s: float = MIN_PAUSE_S,
        max_pause_s: float = MAX_PAUSE_S,
        limit_s: float = LIMIT_S,
        wait: Callable[[float], bool] | None = None,
        cpu_clock: Callable[[], float] = time.thread_time,
    ) -> None:
        if ratio < 0 or min_pause_s < 0 or max_pause_s < min_pause_s or limit_s < 0:
            raise ValueError("IndexPacer: ratio, pauses and limit must be >= 0 and "
                             "min_pause_s <= max_pause_s")
        self.ratio = ratio
        self.min_pause_s = min_pause_s
        self.max_pause_s = max_pause_s
        self.limit_s = limit_s
        self._settled = threading.Event()
        self._cancelled = threading.Event()
        self._wait = wait if wait is not None else self._settled.wait
        self._cpu = cpu_clock
        self._mark: float | None = None
        self.paused_s = 0.0
        self.pauses = 0

    @property
    def settled(self) -> bool:
        return self._settled.is_set()

    def settle(self, *_why: object) -> None:
        """Stop pausing from now on (any thread; extra arguments are ignored, so it
        can be connected to a `ready(str)` or `failed(str)` signal directly)."""
        self._settled.set()

    @property
    def cancelled(self) -> bool:
        """True once `cancel()` was called: the indexer should stop after this image."""
        return self._cancelled.is_set()

    def cancel(self) -> None:
        """The kiosk is shutting down: end any pause at once and ask the indexer to stop
        (any thread)."""
        self._cancelled.set()
        self._settled.set()

    def start(self) -> None:
        """Mark the start of the indexer's work (its CPU clock), before the first image."""
        self._mark = self._cpu()

    def pause(self) -> None:
        """After one image: wait `ratio` × its CPU time (clamped) unless settled or the
        `limit_s` budget is spent; returns at once after `settle()`."""
        now = self._cpu()
        spent = 0.0 if self._mark is None else max(0.0, now - self._mark)
        if not self._settled.is_set() and self.paused_s < self.limit_s:
            pause_s = min(self.max_pause_s, max(self.min_pause_s, self.ratio * spent),
                          self.limit_s - self.paused_s)
            self.paused_s += pause_s
            self.pauses += 1
            if self._wait(pause_s):
                self._settled.set()
        self._mark = self._cpu()
