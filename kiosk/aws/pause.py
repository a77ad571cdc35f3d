"""Hold calls back after answers that no inline retry fixes: refused, or throttled.

Shared by the Rekognition fallback (DetectFaces) and the identity service (its
collection calls), so both stop and space their calls the same way:

* refused (`ErrorKind.REFUSED`: AccessDenied, UnrecognizedClient, InvalidSignature, an
  expired token, no credentials): an operator must act. Calls stop for
  `REFUSED_PAUSE_S` (30 min); the first call after that is the trial, and a refusal
  of it starts a new full pause. `refuse()` says whether a refusal starts a new episode
  (the first, or another error code), so the caller logs one ERROR per episode and
  the repeats at INFO;
* throttled (after the call's inline retries): the next call waits too, longer with
  each throttled call in a row: uniformly in `[c/2, c]` with `c = backoff.ceiling(n)`
  (`default_throttle_backoff`: 4-8 s, then 8-16 s, ... up to 5-10 min), until a call
  gets an answer that is not throttling (`end_throttling`).

Any answer from the service ends both (`answered`). Thread-safe; the clock is
injectable for tests. The callers word their own log lines (which operation, which
permission, which setting).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from kiosk.aws.backoff import Backoff

REFUSED_PAUSE_S = 1800.0  # refused by AWS: an operator must act; one trial call after this
REFUSED = "refused by AWS"
THROTTLED = "throttled"


def default_throttle_backoff() -> Backoff:
    """The backoff between calls after throttling (`CallPause.throttle`)."""
    return Backoff(base_s=8.0, cap_s=600.0)


class CallPause:
    """Refused or throttled: no call until a moment (module docstring)."""

    def __init__(
        self,
        *,
        clock: Callable[[], float] = time.monotonic,
        throttle_backoff: Backoff | None = None,
        refused_pause_s: float = REFUSED_PAUSE_S,
    ) -> None:
        self._clock = clock
        self.throttle_backoff = throttle_backoff or default_throttle_backoff()
        self.refused_pause_s = refused_pause_s
        self._lock = threading.Lock()
        self._reason: str | None = None  # REFUSED or THROTTLED while paused
        self._until = 0.0
        self._refused_code: str | None = None
        self._throttled = 0  # throttled calls in a row

    @property
    def reason(self) -> str | None:
        """REFUSED or THROTTLED: why calls were last held back (may be over: `left_s`)."""
        return self._reason

    @property
    def refused_code(self) -> str | None:
        """The error code AWS refused the calls with while they are stopped for it
        (AccessDeniedException, ...), else None."""
        with self._lock:
            return self._refused_code if self._reason == REFUSED else None

    @property
    def throttled_in_a_row(self) -> int:
        return self._throttled

    def left_s(self) -> float:
        """Seconds until a call is allowed again (0: none held back)."""
        with self._lock:
            if self._reason is None:
                return 0.0
            return max(0.0, self._until - self._clock())

    def refusal(self) -> str | None:
        """REFUSED or THROTTLED while a call must wait, else None. No side effects."""
        with self._lock:
            if self._reason is not None and self._clock() < self._until:
                return self._reason
            return None

    def refuse(self, code: str) -> bool:
        """AWS refused a call with `code`: no calls for `refused_pause_s`. True when this
        starts a new episode (log an ERROR), False for the same code again (INFO)."""
        with self._lock:
            new = self._refused_code != code
            self._refused_code = code
            self._reason = REFUSED
            self._until = self._clock() + self.refused_pause_s
            self._throttled = 0
            return new

    def throttle(self, min_s: float = 0.0) -> float:
        """A call was throttled past its retries: the next waits longer (module
        docstring), at least `min_s`. Returns the wait in seconds."""
        with self._lock:
            self._throttled += 1
            ceiling = self.throttle_backoff.ceiling(self._throttled)
            delay = max(ceiling / 2 + self.throttle_backoff.rng.uniform(0.0, ceiling / 2), min_s)
            self._reason = THROTTLED
            self._until = self._clock() + delay
            return delay

    def end_throttling(self) -> None:
        """An answer that is not throttling: the next call need not wait for it."""
        with self._lock:
            self._throttled = 0
            if self._reason == THROTTLED:
                self._reason = None

    def end_refusal(self) -> None:
        """The refused calls work again (a success)."""
        with self._lock:
            self._refused_code = None
            if self._reason == REFUSED:
                self._reason = None

    def answered(self) -> None:
        """A successful answer: neither pause holds any more."""
        self.end_throttling()
        self.end_refusal()
