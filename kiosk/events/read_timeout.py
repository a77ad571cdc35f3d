"""How long an uploader's calls wait for their answer (`ReadTimeout`).

A read timeout means the call went out and no answer came within `aws.read_timeout_s`
(the service may well have taken it): the next call waits twice as long, up to a cap,
so a slow endpoint drains instead of being sent the same batch forever. After
`STEP_DOWN_AFTER` answers in a row, each within half of the grown wait, it halves
again, down to the configured one, so a slow spell does not make every later stalled
call (and the shutdown) wait 30 s. While grown, `slow_endpoint` says so (the status
screen, `kiosk-admin events status`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

STEP_DOWN_AFTER = 10  # fast answers in a row before a grown read timeout halves again


class ReadTimeout:
    """The current wait (`seconds`) between `configured` and `most`; `timed_out` and
    `answered` return True when it changed (the caller makes a new client). `name`
    prefixes the log lines."""

    def __init__(self, configured: float, most: float, name: str,
                 logger: logging.Logger) -> None:
        self.configured = configured
        self.most = max(most, configured)
        self.seconds = configured
        self.slow_endpoint: str | None = None
        self._name = name
        self._log = logger
        self._fast_answers = 0  # calls in a row answered within half the wait

    def timed_out(self) -> bool:
        """A call got no answer in time: the next waits twice as long, up to `most`."""
        if self.seconds >= self.most:
            return False
        self._fast_answers = 0
        self._set(min(self.most, self.seconds * 2), self._log.warning)
        return True

    def answered(self, in_s: float) -> bool:
        """A call answered after `in_s`: after STEP_DOWN_AFTER in a row each within half
        the grown wait, halve it, down to `configured`."""
        if self.seconds <= self.configured:
            return False
        shorter = max(self.configured, self.seconds / 2)
        self._fast_answers = self._fast_answers + 1 if in_s < shorter else 0
        if self._fast_answers < STEP_DOWN_AFTER:
            return False
        self._fast_answers = 0
        self._set(shorter, self._log.info)
        return True

    def _set(self, seconds: float, say: Callable[..., None]) -> None:
        self.seconds = seconds
        if seconds <= self.configured:
            self.slow_endpoint = None
            say("%s: the endpoint answers in time again: waiting up to %g s "
                "(aws.read_timeout_s)", self._name, seconds)
            return
        self.slow_endpoint = (
            f"the endpoint is slower than aws.read_timeout_s ({self.configured:g} s): "
            f"waiting up to {seconds:g} s for an answer")
        say("%s: %s", self._name, self.slow_endpoint)
