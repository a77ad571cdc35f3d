"""One backoff for every AWS retry: exponential, full jitter, stop-cancellable.

The n-th consecutive failure (n >= 1) waits a uniform random time in
`[floor_s, min(cap_s, base_s * 2**(n-1))]` ("full jitter", so kiosks that lost the
network together do not come back in lockstep). Waits block on a
`threading.Event`, so setting it (shutdown, or "try now") ends the wait at once.

`retry_call` runs a call with at most `retries` retries of transient failures
(`ErrorKind.transient`), for the callers that retry inline (identity, Rekognition,
generation, sync); long-lived loops (the uploader, pending deletions) keep their
own failure count and ask `Backoff.delay` for the next wait.
"""

from __future__ import annotations

import logging
import random
import threading
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from typing import TypeVar

from kiosk.aws.classify import ErrorKind, classify, error_code
from kiosk.aws.errors import Cancelled

log = logging.getLogger(__name__)

T = TypeVar("T")

RETRY_KINDS = frozenset({ErrorKind.THROTTLED, ErrorKind.SERVER, ErrorKind.OFFLINE})


@dataclass(frozen=True)
class Backoff:
    """Exponential backoff with full jitter (seconds)."""

    base_s: float = 0.5
    cap_s: float = 30.0
    floor_s: float = 0.0
    rng: random.Random = field(default_factory=random.Random, compare=False, repr=False)

    def __post_init__(self) -> None:
        if self.base_s < 0 or self.cap_s < self.base_s or not 0 <= self.floor_s <= self.cap_s:
            raise ValueError(
                f"backoff needs 0 <= base_s <= cap_s and 0 <= floor_s <= cap_s, got "
                f"base_s={self.base_s}, cap_s={self.cap_s}, floor_s={self.floor_s}"
            )

    def ceiling(self, failures: int) -> float:
        """The longest wait after `failures` consecutive failures (0 for none)."""
        if failures <= 0:
            return 0.0
        return min(self.cap_s, self.base_s * 2 ** min(failures - 1, 40))

    def delay(self, failures: int) -> float:
        """A random wait after `failures` consecutive failures (0 for none)."""
        if failures <= 0:
            return 0.0
        return max(self.floor_s, self.rng.uniform(0.0, self.ceiling(failures)))

    @staticmethod
    def wait(stop: threading.Event, seconds: float) -> bool:
        """Wait `seconds` unless `stop` is set first; True when stopped."""
        if seconds <= 0:
            return stop.is_set()
        return stop.wait(seconds)


def retry_call(
    call: Callable[[], T],
    *,
    backoff: Backoff,
    retries: int,
    stop: threading.Event,
    retry_on: Collection[ErrorKind] = RETRY_KINDS,
    before_attempt: Callable[[int], None] | None = None,
    what: str = "AWS call",
) -> T:
    """`call()` with up to `retries` retries of failures whose kind is in `retry_on`.

    `before_attempt(attempt)` runs before each attempt (0, 1, ...) and may raise to
    give up (a budget check). The last failure is raised as it came; `Cancelled` is
    raised when `stop` is set before an attempt or during a wait."""
    attempt = 0
    while True:
        if stop.is_set():
            raise Cancelled(f"{what}: stopped")
        if before_attempt is not None:
            before_attempt(attempt)
        try:
            return call()
        except Cancelled:
            raise
        except Exception as exc:
            kind = classify(exc)
            if attempt >= retries or kind not in retry_on:
                raise
            attempt += 1
            delay = backoff.delay(attempt)
            log.info("%s: %s (%s); retry %d of %d in %.2f s", what, error_code(exc),
                     kind.value, attempt, retries, delay)
            if backoff.wait(stop, delay):
                raise Cancelled(f"{what}: stopped while waiting to retry") from exc
