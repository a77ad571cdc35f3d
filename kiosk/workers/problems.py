"""Errors from the threads that run jobs, brought to the GUI thread for the operator.

The serial workers (`kiosk-recommend`, `kiosk-events`, `kiosk-identity`) and the periodic
catalog sync's bridge (`kiosk-s3sync`) emit `errored(job, message)` when a job raises
(all are `kiosk.workers.bridge.ThreadBridge`s), and the vision worker emits `errored(message)`
when a frame fails; each has already logged it (a serial worker logs a known `KioskError`
once, without a traceback: `kiosk.workers.runner`). `WorkerProblems` is the one receiver:
it lives on the GUI thread, so the queued connections deliver there, and it turns each
report into one line for the admin panel's "Last problem" (`kiosk.app` sets
`MainWindow.last_problem` from `reported`).

Signals:
    reported(str line): after each error, GUI thread. `line` reads
        "14:03:12 recommend: KioskBackend.page failed: <message> (3 errors since start)".
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal, Slot

if TYPE_CHECKING:
    from kiosk.workers.bridge import ThreadBridge
    from kiosk.workers.vision_worker import VisionWorker


class WorkerProblems(QObject):
    """Counts worker errors and keeps the newest as an operator-facing line."""

    reported = Signal(str)

    def __init__(self, clock: Callable[[], float] = time.time,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._clock = clock  # wall-clock seconds (epoch), for the local time of day
        self._names: dict[int, str] = {}
        self.count = 0
        self.last = ""

    def watch_jobs(self, name: str, worker: ThreadBridge) -> None:
        """Listen to `worker.errored(job, message)`; `name` labels its lines."""
        self._names[id(worker)] = name
        worker.errored.connect(self._on_job_failed)

    def watch_frames(self, name: str, worker: VisionWorker) -> None:
        """Listen to `worker.errored(message)` (a frame that failed)."""
        self._names[id(worker)] = name
        worker.errored.connect(self._on_frame_failed)

    @Slot(str, str)
    def _on_job_failed(self, job: str, message: str) -> None:
        self.record(self._source(), f"{job} failed: {message}")

    @Slot(str)
    def _on_frame_failed(self, message: str) -> None:
        self.record(self._source(), f"a frame failed: {message}")

    def record(self, source: str, what: str) -> None:
        """Count one error from `source` and emit its line (GUI thread)."""
        self.count += 1
        when = time.strftime("%H:%M:%S", time.localtime(self._clock()))
        plural = "error" if self.count == 1 else "errors"
        self.last = f"{when} {source}: {what} ({self.count} {plural} since start)"
        self.reported.emit(self.last)

    def _source(self) -> str:
        sender = self.sender()
        return self._names.get(id(sender), "worker") if sender is not None else "worker"
