"""Qt-free helpers for tests: the one hand-moved clock every test uses.

Domain tests (capture, vision, recommend, aws, ...) import this module; it must never import
Qt (the import-linter contract "Domain packages never import Qt" lists it). The UI helpers in
`kiosk.ui.testing` re-export `FakeClock` from here, so a window and a domain object can share
one clock.
"""

from __future__ import annotations

__all__ = ["FakeClock"]


class FakeClock:
    """A monotonic clock (seconds, float) that a test moves by hand.

    Pass the instance wherever code takes `clock: Callable[[], float]` (for example
    `time.monotonic`): calling it returns `now`. Move time with `advance(seconds)` or by
    assigning `now`; it never moves on its own, so tests stay deterministic.
    """

    def __init__(self, start: float = 1000.0) -> None:
        self.now = float(start)

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> float:
        """Move the clock forward by `seconds` (>= 0) and return the new time.

        Raises ValueError for a negative step: a monotonic clock never goes back.
        """
        if seconds < 0:
            raise ValueError(f"FakeClock.advance: seconds must be >= 0, got {seconds}")
        self.now += seconds
        return self.now
