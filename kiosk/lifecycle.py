"""Ordered, bounded shutdown: clean-ups run in reverse order of registration.

Each clean-up gets a time budget; one that overruns or raises is logged and the
rest still run (Picard's register_cleanup/run_cleanup pattern). Clean-ups that
touch Qt objects (timers, widgets) are registered with `inline=True` and run on
the calling (GUI) thread; they must be quick. The others run on a helper thread
so a stuck driver or network call cannot hold the shutdown beyond its budget.

A clean-up that returns `False` (a `stop(timeout)` whose thread did not end in time)
counts as not finished, like one that overran: `run()` names it, so the caller knows a
thread may still be inside native code (torch, an image decoder, a driver) and must not
let the interpreter finalize around it (that aborts: "terminate called without an
active exception").

One budget bounds the whole shutdown (`run(budget_s)`, the app's `SHUTDOWN_BUDGET_S`):
each clean-up waits at most its own budget and never past the shutdown's deadline, so
the budgets, which add up to far more, cannot take the shutdown past systemd's
`TimeoutStopSec` (build/systemd/kiosk.service), after which systemd SIGKILLs the kiosk
mid-shutdown. A clean-up that needs a timeout of its own (a stop that waits for a call
in flight) asks `share(wanted)` for what is left.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

log = logging.getLogger(__name__)

# The whole shutdown's waits together, in seconds: systemd's TimeoutStopSec (20 s in
# build/systemd/kiosk.service; tests/test_lifecycle.py checks) less 5 s for what comes
# before and after the clean-ups (the event loop's end, closing the window, the logs,
# the interpreter's exit). Before, the event uploader's wait for its call in flight (up
# to 11 s) and the fleet metrics' (up to 11 s) ran one after the other, among others.
SHUTDOWN_BUDGET_S = 15.0
SHUTDOWN_MARGIN_S = 5.0  # TimeoutStopSec at least SHUTDOWN_BUDGET_S plus this


def _join(thread: threading.Thread, timeout_s: float) -> None:
    thread.join(timeout_s)


class Cleanups:
    """`clock` and `join` are the monotonic clock and `Thread.join`; a test passes fakes
    to add up the waits without waiting."""

    def __init__(self, clock: Callable[[], float] = time.monotonic,
                 join: Callable[[threading.Thread, float], None] = _join) -> None:
        self._items: list[tuple[str, Callable[[], object], float, bool]] = []
        self._clock = clock
        self._join = join
        self._deadline: float | None = None  # while `run` runs with a budget

    def time_left(self) -> float:
        """Seconds left of the running shutdown's budget (inf outside a budgeted `run`)."""
        deadline = self._deadline
        return float("inf") if deadline is None else max(0.0, deadline - self._clock())

    def share(self, wanted_s: float) -> float:
        """`wanted_s`, or what is left of the shutdown's budget when that is less: the
        timeout for a wait inside a clean-up (a call in flight)."""
        return min(wanted_s, self.time_left())

    def names(self) -> list[str]:
        """The registered clean-ups' names, in registration order (run in reverse)."""
        return [name for name, *_ in self._items]

    def register(self, name: str, fn: Callable[[], object], timeout_s: float = 3.0,
                 *, inline: bool = False) -> None:
        self._items.append((name, fn, timeout_s, inline))

    def run(self, budget_s: float | None = None) -> list[str]:
        """Run every clean-up, newest first; returns the names that failed, timed out or
        returned False (their thread did not stop). With `budget_s`, the waits of all of
        them together end within it: each waits at most its own budget or what is left,
        whichever is less (one reached with nothing left is started, not waited for)."""
        self._deadline = None if budget_s is None else self._clock() + budget_s
        try:
            return self._run_all()
        finally:
            self._deadline = None

    def _run_all(self) -> list[str]:
        failed: list[str] = []
        while self._items:
            name, fn, timeout_s, inline = self._items.pop()
            started = time.monotonic()
            errors: list[BaseException] = []
            results: list[object] = []
            if inline:
                try:
                    result = fn()
                except Exception as exc:
                    log.error("shutdown: %s failed: %s", name, exc)
                    failed.append(name)
                    continue
                if result is False:
                    log.warning("shutdown: %s did not stop", name)
                    failed.append(name)
                continue

            def call(fn: Callable[[], object] = fn, errors: list[BaseException] = errors,
                     results: list[object] = results) -> None:
                try:
                    results.append(fn())
                except BaseException as exc:
                    errors.append(exc)

            runner = threading.Thread(target=call, name=f"kiosk-cleanup-{name}", daemon=True)
            runner.start()
            wait_s = self.share(timeout_s)
            self._join(runner, wait_s)
            took = time.monotonic() - started
            if runner.is_alive():
                if wait_s < timeout_s:
                    log.warning("shutdown: %s did not finish within the %.1f s left of the "
                                "shutdown's budget; moving on", name, wait_s)
                else:
                    log.warning("shutdown: %s did not finish within %.1f s; moving on",
                                name, timeout_s)
                failed.append(name)
            elif errors:
                log.error("shutdown: %s failed: %s", name, errors[0])
                failed.append(name)
            elif results and results[0] is False:
                log.warning("shutdown: %s did not stop within its budget", name)
                failed.append(name)
            else:
                log.debug("shutdown: %s done in %.3f s", name, took)
        return failed
