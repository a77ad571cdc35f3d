"""A serial background worker that reports back through Qt signals.

`SerialWorker` owns one Python thread (named `kiosk-<name>`) and a FIFO of jobs.
`submit(fn, *args, on_result=..., on_error=...)` returns at once; the job runs on
the worker thread and its result (or exception) comes back on the GUI thread
through the `finished` signal, which calls the given callback. Exceptions are
caught at the thread boundary (superqt's returned/errored pattern) and logged:
an unexpected exception with its traceback, every time; a `kiosk.errors.KioskError`
(a known condition whose message says what to do, e.g. a missing catalog folder) as
one ERROR line without a traceback, and not again while the same message repeats
(DEBUG), until another message comes or a job that failed with it succeeds; one
whose raiser has logged it (`KioskError.logged`) only at DEBUG.
The signals are `ThreadBridge`'s (`kiosk.workers.bridge`): the one way back.
It satisfies `kiosk.controllers.seams.Jobs`, what the controllers submit work to.

Signals:
    finished(object callback, object result): internal, delivered queued to the
        owner's thread; the callback is invoked there.
    errored(str job_name, str message): any job that raised, for status display.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

from PySide6.QtCore import QObject

from kiosk.errors import KioskError
from kiosk.workers.bridge import ThreadBridge, callable_name

log = logging.getLogger(__name__)

_STOP = object()
T = TypeVar("T")

_Job = tuple[Callable[..., Any], tuple[Any, ...], Callable[[Any], None] | None,
             Callable[[BaseException], None] | None]
"""fn, args, on_result, on_error; `fn` and the callbacks are the submitter's own
(their argument types are the submitter's business: `Any` on purpose)."""


class SerialWorker(ThreadBridge):
    """One thread, one FIFO of jobs (module docstring); a `ThreadBridge` for its
    results and errors."""

    def __init__(self, name: str, parent: QObject | None = None) -> None:
        super().__init__(name, parent)
        self._jobs: queue.SimpleQueue[_Job | object] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._loop, name=f"kiosk-{name}", daemon=True)
        self._stopping = threading.Event()
        self.busy_ms = 0.0  # duration of the last job, for the status screen
        # the known error last logged, and the jobs that failed with it since (worker thread)
        self._known_error = ""
        self._known_jobs: set[str] = set()

    def start(self) -> None:
        self._thread.start()

    def submit(
        self,
        fn: Callable[..., T],
        *args: object,
        on_result: Callable[[T], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
    ) -> None:
        """Queue `fn(*args)` (module docstring); `on_result` takes what `fn` returns."""
        if self._stopping.is_set():
            log.debug("%s: job %s dropped during shutdown", self.name, _name(fn))
            return
        self._jobs.put((fn, args, on_result, on_error))

    def stop(self, timeout: float = 3.0, last: Callable[[], object] | None = None,
             drain: bool = False) -> bool:
        """Finish the job in progress, drop the queued ones (with `drain`, run them:
        jobs that were promised, like saving a tapped like), run `last` (a final
        clean-up on the worker's own thread, e.g. closing its databases), and join
        within `timeout`."""
        while not drain:
            try:
                self._jobs.get_nowait()
            except queue.Empty:
                break
        self._stopping.set()  # after the drain: from here on submit() refuses
        if last is not None:
            self._jobs.put((last, (), None, None))
        self._jobs.put(_STOP)
        if self._thread.is_alive():
            self._thread.join(timeout)
        if self._thread.is_alive():
            log.warning("worker %s did not stop within %.1f s", self.name, timeout)
            return False
        return True

    def _loop(self) -> None:
        while True:
            job = self._jobs.get()
            if job is _STOP or not isinstance(job, tuple):
                return
            fn, args, on_result, on_error = job
            started = time.perf_counter()
            try:
                result = fn(*args)
            except Exception as exc:
                self._log_failure(_name(fn), exc)
                self.report(_name(fn), exc)
                if on_error is not None:
                    self.finished.emit(on_error, exc)
            else:
                if _name(fn) in self._known_jobs:  # it works again: a relapse is news
                    self._known_error = ""
                    self._known_jobs.clear()
                if on_result is not None:
                    self.finished.emit(on_result, result)
            finally:
                self.busy_ms = (time.perf_counter() - started) * 1000.0

    def _log_failure(self, job: str, exc: Exception) -> None:
        """Log a failed job (module docstring): a known error once per message, no
        traceback; anything else with its traceback."""
        if not isinstance(exc, KioskError):
            log.exception("worker %s: %s failed", self.name, job)
            return
        message = str(exc) or type(exc).__name__
        if exc.logged:  # its raiser logged the change of state already
            log.debug("worker %s: %s failed: %s", self.name, job, message)
            return
        if message == self._known_error:
            self._known_jobs.add(job)
            log.debug("worker %s: %s failed again: %s", self.name, job, message)
            return
        self._known_error = message
        self._known_jobs = {job}
        log.error("worker %s: %s failed: %s", self.name, job, message)


_name = callable_name
