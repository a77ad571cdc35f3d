"""Runs the vision pipeline on its own thread, always on the newest frame.

The thread loads the models (slow: seconds), warms them up, then loops: wait for
a frame newer than the last one processed, run `VisionPipeline.process`, emit the
result. A slow model never makes frames queue: the capture keeps only the newest.

Signals:
    ready(str device): models loaded and warmed up ("cpu, 2 threads").
    failed(str message): the models could not be loaded (the message names the
        file and what to do); the kiosk carries on with the mood picker.
    result(object VisionResult): one per processed frame.
    errored(str message): a frame failed; the loop carries on.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from PySide6.QtCore import QObject, Signal

from kiosk.camera import Capture
from kiosk.config import Settings
from kiosk.vision.pipeline import VisionPipeline

log = logging.getLogger(__name__)

PipelineFactory = Callable[[threading.Event], tuple[VisionPipeline, str]]


class Stopped(Exception):
    """The worker was stopped while the models were still loading."""


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
        self._thread = threading.Thread(target=self._run, name="kiosk-vision", daemon=True)
        self.pipeline: VisionPipeline | None = None
        self.device = ""
        self.frames = 0
        self.last_latency: dict[str, float] = {}

    def start(self) -> None:
        self._thread.start()

    def request_reset(self) -> None:
        """End the current visit at the next frame (attract mode, forced reset)."""
        self._reset.set()

    def stop(self, timeout: float = 3.0) -> bool:
        self._stop.set()
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
            self.pipeline, self.device = self._factory(self._stop)
            log.info("vision ready on %s in %.2f s", self.device, time.perf_counter() - started)
        except Stopped:
            return
        except Exception as exc:
            log.error("vision unavailable: %s", exc)
            self.failed.emit(str(exc))
            return
        self.ready.emit(self.device)
        last_seq = -1
        consecutive_errors = 0
        while not self._stop.is_set():
            frame = self._capture.wait_newer(last_seq, timeout=0.25)
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


def default_pipeline_factory(settings: Settings) -> PipelineFactory:
    """Build detector, classifier, fallback and pipeline from the settings, on the
    vision thread (torch loading and warm-up stay off the GUI thread)."""

    def build(stop: threading.Event) -> tuple[VisionPipeline, str]:
        from kiosk.vision.preload import preload_torch_libraries

        preload_torch_libraries()  # the slow part of `import torch`, without the GIL
        from kiosk.vision.detector import FaceDetector
        from kiosk.vision.device import configure_threads
        from kiosk.vision.ensemble import EmotionEnsemble
        from kiosk.vision.errors import VisionError
        from kiosk.vision.rekognition import make_fallback
        from kiosk.vision.rekognition_budget import FILE_NAME as BUDGET_FILE

        def check() -> None:  # loading takes seconds on a busy machine: stop between steps
            if stop.is_set():
                raise Stopped

        threads = configure_threads(settings.vision.threads)
        check()
        detector = FaceDetector.from_settings(settings.vision)
        check()
        classifier = EmotionEnsemble.from_settings(settings.vision)
        check()
        detector.warmup(settings.camera.height, settings.camera.width)
        check()
        classifier.warmup()
        check()
        try:  # an AWS feature that cannot start never takes local vision down
            fallback = make_fallback(settings.rekognition, settings.aws,
                                     budget_path=settings.data_dir / BUDGET_FILE)
        except VisionError as exc:
            log.error("Rekognition fallback off: %s", exc)
            fallback = None
        pipeline = VisionPipeline(detector, classifier, settings.vision, fallback=fallback)
        device = str(detector.device)
        if device == "cpu":
            device = f"cpu, {threads} threads"
        return pipeline, device

    return build
