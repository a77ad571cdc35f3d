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
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

log = logging.getLogger(__name__)


class Cleanups:
    def __init__(self) -> None:
        self._items: list[tuple[str, Callable[[], object], float, bool]] = []

    def names(self) -> list[str]:
        """The registered clean-ups' names, in registration order (run in reverse)."""
        return [name for name, *_ in self._items]

    def register(self, name: str, fn: Callable[[], object], timeout_s: float = 3.0,
                 *, inline: bool = False) -> None:
        self._items.append((name, fn, timeout_s, inline))

    def run(self) -> list[str]:
        """Run every clean-up, newest first; returns the names that failed, timed out or
        returned False (their thread did not stop)."""
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
            runner.join(timeout_s)
            took = time.monotonic() - started
            if runner.is_alive():
                log.warning("shutdown: %s did not finish within %.1f s; moving on", name, timeout_s)
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
