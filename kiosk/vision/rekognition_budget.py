"""The Rekognition fallback's hourly budget, kept on disk so a restart loop cannot
overspend it.

`CallLog` remembers when each billed DetectFaces request went out in the last hour
(a sliding window). The times are kept on the caller's monotonic clock in memory and
written as wall-clock seconds to a small JSON file (`rekognition_budget.json` in the
data folder) after every call, atomically (temporary file + rename), so a process
that starts again in the same hour sees the calls of the one before. A file that
cannot be read or written costs the budget its memory across restarts, never the
kiosk: the problem is logged once and the count goes on in memory. Times from the
future (a clock set back) are kept, so the budget errs on the side of spending less.
"""

from __future__ import annotations

import json
import logging
import os
import time
from collections import deque
from collections.abc import Callable
from pathlib import Path

log = logging.getLogger(__name__)

HOUR_S = 3600.0
FILE_NAME = "rekognition_budget.json"


class CallLog:
    """Billed call times of the last hour; persisted when `path` is given."""

    def __init__(
        self,
        path: str | os.PathLike[str] | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], float] = time.time,
    ) -> None:
        self.path = Path(path) if path is not None else None
        self._clock = clock
        self._wall = wall_clock
        self._calls: deque[float] = deque()
        self._warned = False
        self._load()

    def __len__(self) -> int:
        self.prune()
        return len(self._calls)

    def prune(self) -> None:
        now = self._clock()
        while self._calls and now - self._calls[0] >= HOUR_S:
            self._calls.popleft()

    def seconds_until_free(self) -> float:
        """Seconds until the oldest call in the window leaves it (0 when empty)."""
        self.prune()
        if not self._calls:
            return 0.0
        return max(0.0, HOUR_S - (self._clock() - self._calls[0]))

    def add(self) -> None:
        """One billed call now; written to disk at once."""
        self.prune()
        self._calls.append(self._clock())
        self._save()

    # ------------------------------------------------------------------ disk

    def _load(self) -> None:
        if self.path is None:
            return
        try:
            raw = json.loads(self.path.read_text(encoding="utf-8"))
            walls = sorted(float(t) for t in raw.get("calls", []))
        except FileNotFoundError:
            return
        except (OSError, ValueError, TypeError, AttributeError) as exc:
            log.warning("Rekognition budget file %s unreadable (%s); counting from zero",
                        self.path, exc)
            return
        offset = self._clock() - self._wall()  # wall time -> this process's clock
        self._calls.extend(t + offset for t in walls)
        self.prune()
        if self._calls:
            log.info("Rekognition: %d call(s) already made this hour (from %s)",
                     len(self._calls), self.path)

    def _save(self) -> None:
        if self.path is None:
            return
        offset = self._wall() - self._clock()
        data = {"calls": [round(t + offset, 3) for t in self._calls]}
        tmp = self.path.with_name(f".{self.path.name}.tmp")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp.write_text(json.dumps(data), encoding="utf-8")
            tmp.replace(self.path)
        except OSError as exc:
            if not self._warned:
                log.warning("cannot write the Rekognition budget file %s (%s); the hourly "
                            "budget is kept in memory only", self.path, exc.strerror or exc)
                self._warned = True
