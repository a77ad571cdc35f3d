"""The settings file checked while the kiosk runs.

A running kiosk keeps the settings it started with; an edit to the settings file takes
effect at the next start. An edit with a mistake used to wait silently for that start
(often a crash or a restart at night), which then showed the "out of order" page. Now
`SettingsCheck` notices a change within a second (`SettingsWatch`: one `stat`, on the
GUI thread) and reads the file (a small TOML file, a millisecond or two):

* a mistake: one ERROR line (`settings error: FILE, line N: …`, the same words as at
  start) saying that the kiosk runs on with the settings it started with and that a
  restart would show the "out of order" page until it is fixed, and the admin panel's
  "Last problem";
* a good file: one INFO line that the change takes effect at the next restart (the
  admin panel's Restart), or that the file is back to what the kiosk runs with; a
  mistake reported before is then no longer the admin panel's "Last problem";
* a file removed: one WARNING that the next start uses the defaults.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from kiosk.config import ConfigError
from kiosk.ui.out_of_order import SettingsWatch

log = logging.getLogger(__name__)


class SettingsCheck(QObject):
    """Watches `path` and checks it with `load(path)` whenever it changes.

    Signals:
        problem(str): a line for the admin panel's "Last problem" (a mistake found).
        fixed(): the file is good again after a mistake was reported.
    """

    problem = Signal(str)
    fixed = Signal()

    def __init__(self, path: Path, load: Callable[[Path], object],
                 parent: QObject | None = None, interval_ms: int = 1000) -> None:
        super().__init__(parent)
        self.path = path
        self._load = load
        self.watch = SettingsWatch(path, interval_ms=interval_ms, parent=self)
        self.watch.changed.connect(self.check)
        self._started_with = self._content()  # what the kiosk runs with (None: no file)
        self._reported = False

    def _content(self) -> bytes | None:
        try:
            return self.path.read_bytes()
        except OSError:
            return None

    def start(self) -> None:
        self.watch.start()

    def stop(self) -> None:
        self.watch.stop()

    def check(self) -> str:
        """Read the file now; "error", "ok" or "removed" (and the log line above)."""
        if not self.path.exists():
            log.warning("the settings file %s was removed: the kiosk runs on with the "
                        "settings it started with; the next start uses the defaults", self.path)
            return "removed"
        try:
            self._load(self.path)
        except ConfigError as exc:
            log.error("settings error: %s; the kiosk runs on with the settings it started "
                      "with, but a restart would show the out-of-order page until the file "
                      "is fixed", exc.located())
            self.problem.emit(f"settings error: {exc.located()}")
            self._reported = True
            return "error"
        if self._reported:
            self._reported = False
            self.fixed.emit()
        if self._content() == self._started_with:
            log.info("the settings file %s is valid and back to what the kiosk runs with",
                     self.path)
            return "ok"
        log.info("the settings file %s changed and is valid: the change takes effect at the "
                 "next restart (admin panel: Restart)", self.path)
        return "ok"
