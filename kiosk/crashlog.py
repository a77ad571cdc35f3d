"""Start and exit record that makes a crash loop visible across restarts.

The in-process crash counter (`Kiosk.crashes`) forgets everything when the
process dies; systemd then restarts the kiosk and nobody notices that it has
been dying every minute. This module keeps a small JSON file in the data folder:
each start appends a run, an orderly shutdown marks it clean. A run that is
still unmarked when the next one starts ended uncleanly (crash, watchdog kill,
SIGKILL, power loss). Only a start that follows such an end is a restart: a
clean shutdown (SIGTERM, the admin panel's Exit or Restart, closing the window)
followed by a start is not counted. The counts for the last hour go to the log
and the admin status.

The clean mark is written last, after the orderly shutdown, atomically (a
temporary file, fsync, rename, fsync of the folder): a process killed before
that point, by SIGKILL or a power loss, leaves its run unmarked, and a torn
write leaves the old record, never half a file.

Usage (the composition root):

    info = crashlog.record_start(settings.data_dir)   # first thing after logging
    ...
    crashlog.mark_clean_exit()                         # last thing of the shutdown

One kiosk process per data folder (`kiosk.instance` refuses a second before this
reads the record; before, a second kiosk judged the live first a crash). Every
failure to read or write the file is logged and ignored: the record is a
diagnostic, never a reason not to start.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import logging
import os
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kiosk.diskspace import fsync_dir

log = logging.getLogger(__name__)

FILE_NAME = "runs.json"
WINDOW_S = 3600.0  # "last hour"
KEEP_S = 7 * 24 * 3600.0  # older runs are dropped from the file
KEEP_MAX = 500  # and never more than this many runs
LOOP_THRESHOLD = 3  # unclean exits in the last hour that count as a crash loop

Clock = Callable[[], float]


@dataclass(frozen=True)
class CrashInfo:
    """What the previous runs tell about this start.

    `restarts_last_hour`: starts within the last hour, this one included, that
    followed a run without an orderly shutdown (a restart after a failure; a start
    after a clean shutdown is not one).
    `unclean_exits_last_hour`: runs found without an orderly shutdown within the
    last hour (the time of an unclean exit is when the next start noticed it).
    `after_unclean`: this start follows a run without an orderly shutdown.
    """

    restarts_last_hour: int
    unclean_exits_last_hour: int
    unclean_exits_total: int = 0
    last_unclean_start: float | None = None  # epoch seconds of the last unclean run's start
    path: Path | None = None
    after_unclean: bool = False

    @property
    def crash_loop(self) -> bool:
        return self.unclean_exits_last_hour >= LOOP_THRESHOLD

    def summary(self) -> str:
        """One line for the admin panel and the log."""
        text = (f"{self.restarts_last_hour} restarts and {self.unclean_exits_last_hour} "
                "unclean exits in the last hour "
                f"({self.unclean_exits_total} unclean in the record)")
        return f"CRASH LOOP: {text}" if self.crash_loop else text

    def as_status(self) -> dict[str, Any]:
        """Keys for the admin status dictionary."""
        return {
            "restarts_last_hour": self.restarts_last_hour,
            "unclean_exits_last_hour": self.unclean_exits_last_hour,
            "crash_loop": self.crash_loop,
        }


class CrashLog:
    """The run record of one data folder (`<data_dir>/runs.json`)."""

    def __init__(self, data_dir: Path | str, clock: Clock = time.time, pid: int | None = None
                 ) -> None:
        self.path = Path(data_dir) / FILE_NAME
        self._clock = clock
        self._pid = os.getpid() if pid is None else pid
        self._run_id: str | None = None

    def record_start(self) -> CrashInfo:
        """Close out the previous runs, append this one, and return the counts."""
        now = self._clock()
        runs = self._load()
        for run in runs:
            if run.get("clean") is None:  # never marked: it died
                run["clean"] = False
                run["noticed"] = now
        runs = [r for r in runs if now - float(r.get("started", 0)) <= KEEP_S][-(KEEP_MAX - 1):]
        unclean = [r for r in runs if r.get("clean") is False]
        recent_unclean = [r for r in unclean
                          if now - float(r.get("noticed", r.get("started", 0))) <= WINDOW_S]
        self._run_id = f"{self._pid}-{now:.6f}"
        runs.append({"id": self._run_id, "pid": self._pid, "started": now, "clean": None})
        # a restart is a start whose previous run ended without an orderly shutdown
        restarts = sum(1 for before, run in itertools.pairwise(runs)
                       if before.get("clean") is False
                       and now - float(run.get("started", 0)) <= WINDOW_S)
        self._save(runs)
        info = CrashInfo(
            restarts_last_hour=restarts,
            unclean_exits_last_hour=len(recent_unclean),
            unclean_exits_total=len(unclean),
            last_unclean_start=float(unclean[-1]["started"]) if unclean else None,
            path=self.path,
            after_unclean=len(runs) > 1 and runs[-2].get("clean") is False,
        )
        self._report(info, [r for r in runs if r.get("noticed") == now])
        return info

    def mark_clean_exit(self, code: int = 0) -> None:
        """Mark this run as ended by an orderly shutdown (exit status `code`)."""
        if self._run_id is None:
            return
        runs = self._load()
        for run in runs:
            if run.get("id") == self._run_id:
                run.update(clean=True, ended=self._clock(), code=int(code))
                break
        else:  # the file was lost meanwhile: record at least this run
            runs.append({"id": self._run_id, "pid": self._pid, "started": self._clock(),
                         "clean": True, "ended": self._clock(), "code": int(code)})
        self._save(runs)
        self._run_id = None

    def _report(self, info: CrashInfo, just_found: list[dict[str, Any]]) -> None:
        for run in just_found:
            log.warning(
                "previous run (pid %s, started %s) ended without an orderly shutdown: "
                "a crash, a watchdog restart, a kill or a power loss; see the log above it",
                run.get("pid"), _when(float(run.get("started", 0))),
            )
        if info.crash_loop:
            log.error("crash loop: %s; the kiosk keeps dying, look for the first traceback "
                      "in the log (record: %s)", info.summary(), self.path)
        elif info.restarts_last_hour or info.unclean_exits_last_hour:
            log.info("run record: %s", info.summary())

    def _load(self) -> list[dict[str, Any]]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return []
        except (OSError, ValueError) as exc:
            log.warning("run record %s unreadable (%s); starting a new one", self.path, exc)
            return []
        runs = data.get("runs") if isinstance(data, dict) else None
        if not isinstance(runs, list):
            log.warning("run record %s has an unknown layout; starting a new one", self.path)
            return []
        return [r for r in runs
                if isinstance(r, dict) and isinstance(r.get("started"), int | float)]

    def _save(self, runs: list[dict[str, Any]]) -> None:
        """Write atomically: a power loss leaves the old file or the new one, never half."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".runs-", suffix=".tmp")
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as out:
                    json.dump({"version": 1, "runs": runs}, out, indent=1)
                    out.flush()
                    os.fsync(out.fileno())
                Path(tmp).replace(self.path)
                fsync_dir(self.path.parent)
            except BaseException:
                with contextlib.suppress(OSError):
                    Path(tmp).unlink()
                raise
        except OSError as exc:
            log.warning("cannot write the run record %s (%s); crash loops will not be "
                        "counted across restarts", self.path, exc.strerror or exc)


def _when(epoch: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(epoch))


_current: CrashLog | None = None


def record_start(data_dir: Path | str) -> CrashInfo:
    """Record this process's start in `data_dir` and count the recent restarts and
    unclean exits. Call once, early; `mark_clean_exit()` closes the run."""
    global _current
    _current = CrashLog(data_dir)
    return _current.record_start()


def mark_clean_exit(code: int = 0) -> None:
    """Mark the run started by `record_start` as ended cleanly (no-op without one)."""
    global _current
    if _current is not None:
        _current.mark_clean_exit(code)
        _current = None
