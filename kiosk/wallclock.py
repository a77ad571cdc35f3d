"""The wall-clock time that data may be deleted or expired by: never later than a trusted
reading of the wall clock plus the time the monotonic clock measured since.

A kiosk's wall clock can be wrong by months: a dead RTC battery, NTP's first sync, a year
set by hand. Counting goes on by the wall clock (`kiosk.analytics.recorder`), but a
deletion must not: the black-box tester's kiosk deleted 41 rows "older than 90 days" 3 ms
after a +100-day step, and dead-lettered 2-minute-old fleet rows as older than two weeks
after a +20-day one. `SteadyNow.now()` is the smaller of the wall clock and the trusted
reading carried forward on the monotonic clock, so a step forward deletes nothing more
than the kiosk would have without it, and a step back deletes less (never more). A step
forward that was right (a clock that started behind) only delays retention: by the size
of the step, until the next start takes a new reading.

The monotonic clock is `CLOCK_BOOTTIME` where there is one (Linux): it goes on during a
suspend, as the wall clock does, so a night of suspend is not mistaken for a jump here.
"""

from __future__ import annotations

import time
from collections.abc import Callable


def _wall_clock() -> float:
    return time.time()


def _boottime() -> float:
    return time.clock_gettime(time.CLOCK_BOOTTIME)


DEFAULT_MONOTONIC: Callable[[], float] = (
    _boottime if hasattr(time, "CLOCK_BOOTTIME") else time.monotonic)


class SteadyNow:
    """`now()`: the wall-clock time a deletion may go by (module docstring). It trusts the
    wall clock as read at its creation; `trust(wall, at)` moves the trusted reading (the
    recorder uses it for a start-up clock it does not trust yet)."""

    def __init__(self, clock: Callable[[], float] | None = None,
                 monotonic: Callable[[], float] | None = None) -> None:
        """`clock`: the wall clock (default `time.time`, looked up at each call, as a
        test's patch of it is); `monotonic`: default `CLOCK_BOOTTIME` with the default
        clock, `clock` itself with any other (a test's fake time)."""
        self._clock: Callable[[], float] = clock or _wall_clock
        self._monotonic = monotonic or (DEFAULT_MONOTONIC if clock is None else clock)
        self._wall = self._clock()
        self._at = self._monotonic()

    def trust(self, wall: float, at: float | None = None) -> None:
        """Trust the wall-clock time `wall` as it was at monotonic time `at` (now)."""
        self._wall = wall
        self._at = self._monotonic() if at is None else at

    @property
    def trusted(self) -> tuple[float, float]:
        """The trusted reading: (wall-clock time, monotonic time it was at)."""
        return self._wall, self._at

    def confirmed(self) -> float:
        """The trusted reading carried forward to now on the monotonic clock."""
        return self._wall + (self._monotonic() - self._at)

    def now(self) -> float:
        """The wall clock, or the confirmed time when the wall clock is ahead of it."""
        return min(self._clock(), self.confirmed())

    def ahead_s(self) -> float:
        """How far the wall clock is ahead of what the monotonic clock confirms (0 if not)."""
        return max(0.0, self._clock() - self.confirmed())
