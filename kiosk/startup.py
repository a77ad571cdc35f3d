"""Start-up figures the kiosk logs about itself: when the window could first show a
camera frame, when vision was ready, and the longest GUI stall meanwhile.

The models load on the vision thread while the window is already up (`kiosk.app`),
so start-up is exactly when the GUI thread competes hardest for the interpreter.
`StartupWatch` runs a precise 5 ms timer on the GUI thread from `Kiosk.start()`
until vision is ready (or failed, or `limit_s` passed) and logs one INFO line:

    start-up: vision ready at 3.41 s after launch; longest GUI stall 23 ms at 1.52 s

A stall is the gap between two ticks less the interval; as in `python -m kiosk.bench
ui`, the first `SKIP_TICKS` gaps (the window's first layout and paint) are not
counted. Seconds count from the
process's start (Linux: /proc, so the interpreter's own start is included),
elsewhere from the import of this module; after the admin panel's Restart in place
(`kiosk.restart`: the same process, exec'd) from the restart, and the line says
"after restart" instead of "after launch". `python -m kiosk.bench startup` reads the
line; an operator can read it in the log.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, QTimer, Slot

from kiosk.restart import restarted_at

log = logging.getLogger(__name__)

INTERVAL_MS = 5
SKIP_TICKS = 20
LOG_PREFIX = "start-up:"


def _process_age_s() -> float | None:
    """Seconds since this process started, from /proc (None where unavailable)."""
    try:
        with open("/proc/self/stat", "rb") as f:
            fields = f.read().rsplit(b")", 1)[1].split()
        started = int(fields[19]) / os.sysconf("SC_CLK_TCK")  # field 22: starttime
        return time.clock_gettime(time.CLOCK_BOOTTIME) - started
    except (OSError, ValueError, IndexError, AttributeError):
        return None


def age_and_origin(now: float, restarted: float | None) -> tuple[float | None, str]:
    """(seconds since start-up began, "restart" or "launch") at `now` (monotonic): since
    the restart in place at `restarted` (monotonic, `kiosk.restart.restarted_at`), else
    since the process started."""
    if restarted is not None and restarted <= now:
        return now - restarted, "restart"
    return _process_age_s(), "launch"


_IMPORTED = time.monotonic()
_AGE_AT_IMPORT, ORIGIN = age_and_origin(_IMPORTED, restarted_at())


def since_launch() -> float:
    """Seconds since the process started, or was restarted in place (`ORIGIN`; see the
    module docstring)."""
    base = _AGE_AT_IMPORT if _AGE_AT_IMPORT is not None else 0.0
    return base + time.monotonic() - _IMPORTED


class StartupWatch(QObject):
    """Times the GUI event loop from `start()` until `finish()` (or `limit_s`).

    `finish(what)` logs the line once and stops the timer; later calls do nothing.
    `max_stall_ms` and `stall_at_s` hold the longest stall so far (tests read them).
    `clock` is monotonic seconds (a test passes a `kiosk.testing.FakeClock`).
    """

    def __init__(self, limit_s: float = 60.0, parent: QObject | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__(parent)
        self.max_stall_ms = 0.0
        self.stall_at_s = 0.0
        self.ticks = 0
        self.finished = False
        self._clock = clock
        self._last = 0.0
        self._timer = QTimer(self)
        self._timer.setObjectName("startup-watch")
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setInterval(INTERVAL_MS)
        self._timer.timeout.connect(self._tick)
        self._limit = QTimer(self)
        self._limit.setObjectName("startup-watch-limit")
        self._limit.setSingleShot(True)
        self._limit.setInterval(int(limit_s * 1000))
        self._limit.timeout.connect(lambda: self.finish(f"not ready after {limit_s:.0f} s"))

    def start(self) -> None:
        self._last = self._clock()
        self._timer.start()
        self._limit.start()

    @Slot()
    def _tick(self) -> None:
        now = self._clock()
        stall = (now - self._last) * 1000.0 - INTERVAL_MS
        self._last = now
        self.ticks += 1
        if self.ticks > SKIP_TICKS and stall > self.max_stall_ms:
            self.max_stall_ms = stall
            self.stall_at_s = since_launch()

    def finish(self, what: str) -> None:
        """Stop and log: `what` says how start-up ended ("vision ready", …)."""
        if self.finished:
            return
        self.finished = True
        self._tick()
        self._timer.stop()
        self._limit.stop()
        log.info("%s %s at %.2f s after %s; longest GUI stall %.0f ms at %.2f s",
                 LOG_PREFIX, what, since_launch(), ORIGIN, self.max_stall_ms, self.stall_at_s)

    def stop(self) -> None:
        """Shutdown before start-up ended: stop the timers without logging."""
        self.finished = True
        self._timer.stop()
        self._limit.stop()
