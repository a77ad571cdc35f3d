"""A background schedule for the fleet sync: one thread (`kiosk-s3sync`) that runs a
sync now and then every `interval_s`, sleeping on an Event so `stop()` is instant.
No Qt: the app's worker bridge turns `on_result` / `on_error` into signals.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

log = logging.getLogger(__name__)


class PeriodicSync:
    """Runs `run_once()` now and then every `interval_s` on a thread named
    `kiosk-s3sync`, until `stop()`. `run_once` receives the stop event (pass it to
    `S3Sync.sync`, so stopping also ends a run between two files). Its result goes to
    `on_result`, any exception to `on_error`, both called on the sync thread."""

    def __init__(
        self,
        run_once: Callable[[threading.Event], Any],
        interval_s: float,
        *,
        on_result: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
    ) -> None:
        self._run_once = run_once
        self.interval_s = max(1.0, float(interval_s))
        self._on_result = on_result
        self._on_error = on_error
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="kiosk-s3sync", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> bool:
        """Ask the loop to end; True when it did within `timeout`."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout)
        return not self._thread.is_alive()

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                result = self._run_once(self._stop)
            except Exception as exc:  # thread boundary: report, keep the schedule
                log.warning("periodic s3 sync failed: %s", exc)
                if self._on_error is not None:
                    self._on_error(exc)
            else:
                if self._on_result is not None:
                    self._on_result(result)
            self._stop.wait(self.interval_s)
