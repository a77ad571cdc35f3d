"""One circuit breaker for every AWS service the kiosk calls while visitors wait.

CLOSED: calls go through. After `failures` consecutive unreachable answers
(`ErrorKind.unreachable`: no connection, timeouts, 5xx after retries) the breaker
OPENs for `cooldown_s`: calls are refused without touching the network. When the
cooldown has passed, `admit()` lets exactly one trial call through (HALF_OPEN);
any answer from the service closes the breaker, another unreachable answer opens
it again for a full cooldown, and a trial that ends without a verdict (cancelled,
over budget) reopens it as well.

Thread-safe; the clock is injectable for tests.
"""

from __future__ import annotations

import enum
import logging
import threading
import time
from collections.abc import Callable

from kiosk.aws.classify import ErrorKind

log = logging.getLogger(__name__)


class BreakerState(enum.Enum):
    CLOSED = "closed"  # calls go through
    OPEN = "open"  # calls refused until the cooldown has passed
    HALF_OPEN = "half-open"  # one trial call in flight


class CircuitBreaker:
    """Stops calling a service that does not answer (module docstring)."""

    def __init__(
        self,
        name: str,
        *,
        failures: int = 3,
        cooldown_s: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if failures < 1 or cooldown_s <= 0:
            raise ValueError(f"{name} breaker needs failures >= 1 and cooldown_s > 0")
        self.name = name
        self.failures = failures
        self.cooldown_s = cooldown_s
        self._clock = clock
        self._lock = threading.Lock()
        self._state = BreakerState.CLOSED
        self._count = 0
        self._opened_at = 0.0

    @property
    def state(self) -> BreakerState:
        return self._state

    @property
    def is_open(self) -> bool:
        """Not CLOSED: calls are being refused or one trial is in flight."""
        return self._state is not BreakerState.CLOSED

    @property
    def consecutive_failures(self) -> int:
        return self._count

    def retry_in_s(self) -> float:
        """Seconds until a trial call is let through (0 when closed or due)."""
        with self._lock:
            if self._state is not BreakerState.OPEN:
                return 0.0
            return max(0.0, self.cooldown_s - (self._clock() - self._opened_at))

    def refusal(self) -> str | None:
        """Why a call would be refused now, or None. No side effects."""
        with self._lock:
            return self._refusal()

    def _refusal(self) -> str | None:
        if self._state is BreakerState.HALF_OPEN:
            return "breaker open (trial call in flight)"
        if self._state is BreakerState.OPEN and (
            self._clock() - self._opened_at < self.cooldown_s
        ):
            return "breaker open"
        return None

    def admit(self) -> str | None:
        """Let a call through (None) or say why not. Past the cooldown, the first
        call admitted is the trial (state HALF_OPEN)."""
        with self._lock:
            refusal = self._refusal()
            if refusal is None and self._state is BreakerState.OPEN:
                self._state = BreakerState.HALF_OPEN
                log.info("%s: breaker cooldown over, trying one call", self.name)
            return refusal

    def record(self, kind: ErrorKind | None) -> None:
        """The outcome of an admitted call: None for success, else its error kind."""
        if kind is not None and kind.unreachable:
            self.record_failure()
        else:
            self.record_success()

    def record_success(self) -> None:
        """The service answered (a success, or an error that proves it is up)."""
        with self._lock:
            if self._state is not BreakerState.CLOSED:
                log.info("%s: reachable again, breaker closed", self.name)
            self._state = BreakerState.CLOSED
            self._count = 0

    def record_failure(self) -> None:
        """The service was unreachable (after any retries)."""
        with self._lock:
            self._count += 1
            if self._state is BreakerState.HALF_OPEN or self._count >= self.failures:
                if self._state is BreakerState.CLOSED:
                    log.warning("%s: %d network failures in a row, pausing calls for %.0f s",
                                self.name, self._count, self.cooldown_s)
                self._state = BreakerState.OPEN
                self._opened_at = self._clock()

    def release_trial(self) -> None:
        """An admitted call ended without a verdict: a trial reopens the breaker."""
        with self._lock:
            if self._state is BreakerState.HALF_OPEN:
                self._state = BreakerState.OPEN
                self._opened_at = self._clock()
