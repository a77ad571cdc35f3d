"""The one way back to the GUI thread: results and errors from any thread become signals.

Every part that runs on a thread of its own hands its outcome to a `ThreadBridge`
living on the GUI thread: `SerialWorker` is one (its jobs), and `kiosk.app` gives the
periodic catalog sync (`kiosk.curation.periodic`, no Qt) one of its own. Because the
bridge's signals are emitted from the other thread and the bridge lives on the GUI
thread, Qt delivers them queued: the callbacks and the `errored` receivers (the
operator's "Last problem", `kiosk.workers.problems`) always run on the GUI thread.

Signals:
    finished(object callback, object value): internal; `callback(value)` is then
        called on the bridge's (GUI) thread, a raising callback is logged.
    errored(str job, str message): a job that raised; already logged (with its traceback
        unless a `KioskError`, `kiosk.workers.runner`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TypeVar

from PySide6.QtCore import QObject, Signal, Slot

log = logging.getLogger(__name__)

T = TypeVar("T")


class ThreadBridge(QObject):
    """Create on the GUI thread; call `deliver` / `report` (or the functions from
    `on_result` / `on_error`) from any thread."""

    finished = Signal(object, object)
    errored = Signal(str, str)

    def __init__(self, name: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.name = name  # labels log lines and the operator's problem lines
        self.finished.connect(self._deliver)

    def deliver(self, callback: Callable[[T], object], value: T) -> None:
        """Any thread: `callback(value)` runs on the GUI thread, soon."""
        self.finished.emit(callback, value)

    def report(self, job: str, exc: BaseException) -> None:
        """Any thread: `job` failed with `exc` (`errored`, for the operator)."""
        self.errored.emit(job, str(exc) or type(exc).__name__)

    def on_result(self, callback: Callable[[T], object]) -> Callable[[T], None]:
        """A thread-safe stand-in for `callback`, for a thread that takes plain
        callables (e.g. `PeriodicSync(on_result=...)`)."""
        def relay(value: T) -> None:
            self.deliver(callback, value)

        return relay

    def on_error(self, job: str, callback: Callable[[BaseException], object] | None = None
                 ) -> Callable[[BaseException], None]:
        """A thread-safe error handler: reports `job` failed (`errored`), then calls
        `callback(exc)` on the GUI thread if given."""
        def relay(exc: BaseException) -> None:
            self.report(job, exc)
            if callback is not None:
                self.deliver(callback, exc)

        return relay

    @Slot(object, object)
    def _deliver(self, callback: Callable[[object], object], value: object) -> None:
        try:
            callback(value)
        except Exception:
            log.exception("%s: callback %s failed", self.name, callable_name(callback))


def callable_name(fn: Callable[..., object]) -> str:
    """A function's qualified name for log and status lines."""
    return str(getattr(fn, "__qualname__", getattr(fn, "__name__", repr(fn))))
