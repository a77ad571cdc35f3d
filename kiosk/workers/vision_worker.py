"""Runs the vision pipeline on its own thread, always on the newest frame.

The thread loads the models (slow: seconds; `kiosk.vision.factory` builds them),
then loops: wait for a frame newer than the last one processed, run
`VisionPipeline.process`, emit the result. A slow model never makes frames queue:
the capture keeps only the newest.

Signals:
    ready(str device): models loaded and warmed up ("cpu, 2 threads").
    failed(str message): the models could not be loaded (the message names the
        file and what to do); the kiosk carries on with the mood picker.
    result(object VisionResult): one per processed frame.
    errored(str message): a frame failed; the loop carries on.

A stop while the models load (`import torch` alone takes seconds on a busy machine,
and no Python-level stop can break into it) does not wait for the load: `stop` gives
the load `LOAD_STOP_WAIT_S` to end itself at one of its checks between steps, and
otherwise leaves it (`abandoned`, logged once) and returns True. The load can hold
nothing worth saving, but a thread still inside torch's native code must not see the
interpreter finalize around it, so the app then leaves with `os._exit` once its
clean-ups are done (`kiosk.app.run_app`), as for a stuck thread, and a trace child
dies with the process (`kiosk.vision.trace_child`). A load that ends after such a stop
closes what it built and emits nothing.
"""

from __future__ import annotations

import logging
import threading
import time

from PySide6.QtCore import QObject, Signal

from kiosk.camera import Capture
from kiosk.vision.factory import LoadStopped, PipelineFactory
from kiosk.vision.pipeline import VisionPipeline
from kiosk.vision.source_lines import release_source_lines

log = logging.getLogger(__name__)

LOAD_STOP_WAIT_S = 0.2
"""Seconds a stop during the model load waits for it to end at one of its checks."""
WAIT_S = 0.25
"""Seconds the loop waits for a new frame before it looks at its flags again."""


class VisionWorker(QObject):
    ready = Signal(str)
    failed = Signal(str)
    result = Signal(object)
    errored = Signal(str)

    def __init__(
        self, capture: Capture, factory: PipelineFactory, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._capture = capture
        self._factory = factory
        self._stop = threading.Event()
        self._reset = threading.Event()
        self._camera_lost = threading.Event()
        self._thread = threading.Thread(target=self._run, name="kiosk-vision", daemon=True)
        self.pipeline: VisionPipeline | None = None
        self.device = ""
        self.frames = 0
        self.last_latency: dict[str, float] = {}
        self._loading = True  # until the factory has returned or raised
        self.abandoned = False  # stopped while loading: the load was left running

    def start(self) -> None:
        self._thread.start()

    def request_reset(self) -> None:
        """End the current visit at the next frame (attract mode, forced reset)."""
        self._reset.set()

    def camera_lost(self) -> None:
        """The camera was lost (any thread: the composition root calls it from
        `Capture.on_state`): the vision thread forgets what the lost camera's frames said
        of the light (`VisionPipeline.camera_lost`) within `WAIT_S`, before the next
        frame, so the panel's light warning comes back only from frames after it."""
        self._camera_lost.set()

    def stop(self, timeout: float = 3.0) -> bool:
        self._stop.set()
        if self._loading and self._thread.is_alive():
            self._thread.join(min(timeout, LOAD_STOP_WAIT_S))
            if self._thread.is_alive() and self._loading:
                self.abandoned = True
                log.info("vision: stopped while the models were loading; the load is "
                         "left to end with the process")
                return True
        self._thread.join(timeout)
        if self._thread.is_alive():
            log.warning("vision thread did not stop within %.1f s", timeout)
            return False
        if self.pipeline is not None:
            self.pipeline.close(timeout)
        return True

    def _run(self) -> None:
        try:
            started = time.perf_counter()
            pipeline, device = self._factory(self._stop)
        except LoadStopped:
            return
        except Exception as exc:
            if not self._stop.is_set():
                log.error("vision unavailable: %s", exc)
                self.failed.emit(str(exc))
            return
        finally:
            self._loading = False
        if self._stop.is_set():  # stopped (and perhaps left) while loading
            pipeline.close(1.0)
            return
        self.pipeline, self.device = pipeline, device
        log.info("vision ready on %s in %.2f s", self.device, time.perf_counter() - started)
        release_source_lines()  # what imports left in linecache before that
        self.ready.emit(self.device)
        last_seq = -1
        consecutive_errors = 0
        while not self._stop.is_set():
            frame = self._capture.wait_newer(last_seq, timeout=WAIT_S)
            if self._camera_lost.is_set():  # before a frame of the camera that is back
                self._camera_lost.clear()
                self.pipeline.camera_lost()
            if frame is None or self._stop.is_set():
                continue
            last_seq = frame.seq
            if self._reset.is_set():
                self._reset.clear()
                self.pipeline.reset()
            try:
                out = self.pipeline.process(frame)
            except Exception as exc:
                consecutive_errors += 1
                log.exception("vision failed on frame %d", frame.seq)
                self.errored.emit(str(exc))
                if self._stop.wait(min(5.0, 0.1 * consecutive_errors)):
                    return
                continue
            consecutive_errors = 0
            self.frames += 1
            self.last_latency = dict(out.latency)
            self.result.emit(out)
