"""Builds the whole vision pipeline from the settings, in the order start-up needs.

`pipeline_factory(settings)` returns the function the vision worker
(`kiosk.workers.vision_worker`) runs first on its own thread: intra-op threads,
detector, emotion ensemble, their warm-up, the Rekognition fallback, then the
`VisionPipeline`. Loading takes seconds on a busy machine, so the function checks its
`stop` event between steps and raises `LoadStopped` when the kiosk is shutting down.
No Qt: the worker turns the outcome into its `ready` / `failed` signals.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

from kiosk.vision.pipeline import VisionPipeline

if TYPE_CHECKING:
    from kiosk.config import Settings

log = logging.getLogger(__name__)

PipelineFactory = Callable[[threading.Event], tuple[VisionPipeline, str]]
"""stop event -> (pipeline, device line such as "cpu, 2 threads")."""


class LoadStopped(Exception):
    """The kiosk stopped while the models were still loading (not an error)."""


def pipeline_factory(settings: Settings) -> PipelineFactory:
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
                raise LoadStopped

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
