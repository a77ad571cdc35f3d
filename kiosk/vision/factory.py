"""Builds the whole vision pipeline from the settings, in the order start-up needs.

`pipeline_factory(settings)` returns the function the vision worker
(`kiosk.workers.vision_worker`) runs first on its own thread: intra-op threads,
detector, emotion ensemble, their warm-up, the Rekognition fallback, then the
`VisionPipeline`. Loading takes seconds on a busy machine, so the function checks its
`stop` event between steps and raises `LoadStopped` when the kiosk is shutting down.
No Qt: the worker turns the outcome into its `ready` / `failed` signals.

The frozen traces are kept in the data folder's `cache/traces` (`TRACE_FOLDER`,
`kiosk.vision.trace_cache`), so only a first start traces; when that folder cannot take
them (read-only, a full disk), in the user's cache folder instead
(`kiosk.vision.trace_child.choose_trace_folder`). With `pause_gc` (the app's
choice) no full garbage collection runs in the process during the load, what it made
is frozen after it, and the switch interval is 1 ms meanwhile (`kiosk.vision.quiet_load`):
full collections over torch's objects were the longest stalls of the window while the
models loaded, and the GUI thread waited up to 5 ms for the GIL after each Qt call.
With `trace_in_child` (the app's choice) a start that finds no saved trace has a child
process make them (`kiosk.vision.trace_child`) while this thread imports torch and builds
the models, waits for it (a stop kills it at once) and loads them: tracing here would
leave about 12 MB behind in the kiosk's memory.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from kiosk.vision.pipeline import FORGET_LOOK_S, VisionPipeline
from kiosk.vision.trace_child import TraceChild, choose_trace_folder, needs_traces

if TYPE_CHECKING:
    from kiosk.aws import CredentialsRefusal
    from kiosk.config import Settings, VisionSettings
    from kiosk.vision.face_identity import FaceIdentity

log = logging.getLogger(__name__)

PipelineFactory = Callable[[threading.Event], tuple[VisionPipeline, str]]
"""stop event -> (pipeline, device line such as "cpu, 2 threads")."""


class LoadStopped(Exception):
    """The kiosk stopped while the models were still loading (not an error)."""


def identity_for(vision: VisionSettings) -> FaceIdentity | None:
    """The face-identity network the pipeline asks where looks cannot decide
    (`[vision] identity_check`; loaded at its first use), None when off."""
    if not vision.identity_check:
        return None
    from kiosk.vision.face_identity import FaceIdentity

    return FaceIdentity.bundled()




def pipeline_factory(settings: Settings, *, quiet: bool = False,
                     trace_in_child: bool = False,
                     credentials: CredentialsRefusal | None = None) -> PipelineFactory:
    """Build detector, classifier, fallback and pipeline from the settings, on the
    vision thread (torch loading and warm-up stay off the GUI thread). `quiet`:
    no full garbage collection and a 1 ms switch interval until the load ends;
    `trace_in_child`: missing traces are made by a child process (above);
    `credentials`: the refusal of the `[aws]` credentials the fallback shares with the
    identity service (`kiosk.aws.CredentialsRefusal`, built by `kiosk.app`)."""

    def build(stop: threading.Event) -> tuple[VisionPipeline, str]:
        if not quiet:
            return load(stop)
        from kiosk.vision.quiet_load import no_full_collection, quick_handoffs

        with no_full_collection(), quick_handoffs():
            return load(stop)

    def load(stop: threading.Event) -> tuple[VisionPipeline, str]:
        child = None
        folder = choose_trace_folder(settings)
        if trace_in_child and folder is not None and needs_traces(settings, folder):
            # started before torch: it works beside this load
            child = TraceChild(settings, folder=folder)
            if not child.start():
                child = None
        try:
            return load_models(stop, child, folder)
        finally:
            if child is not None:
                child.kill()  # a stop or a failure before its end: it is not waited for

    def load_models(stop: threading.Event, child: TraceChild | None, folder: Path | None
                    ) -> tuple[VisionPipeline, str]:
        from kiosk.code_pages import release_code_pages
        from kiosk.heap import release_free_heap
        from kiosk.vision.preload import preload_torch_libraries

        preload_torch_libraries()  # the slow part of `import torch`, without the GIL
        from kiosk.vision.detector import FaceDetector
        from kiosk.vision.device import configure_threads, threads_text
        from kiosk.vision.ensemble import EmotionEnsemble
        from kiosk.vision.errors import VisionError
        from kiosk.vision.rekognition import make_fallback
        from kiosk.vision.rekognition_budget import FILE_NAME as BUDGET_FILE
        from kiosk.vision.trace_cache import TraceCache

        def check() -> None:  # loading takes seconds on a busy machine: stop between steps
            if stop.is_set():
                raise LoadStopped

        threads = configure_threads(settings.vision.threads)
        # torch's operator registrations ran at its import: their code is not used again
        release_code_pages("importing torch")
        check()
        detector = FaceDetector.from_settings(settings.vision)
        check()
        classifier = EmotionEnsemble.from_settings(settings.vision)
        check()
        traces = TraceCache(folder) if folder is not None else None
        if child is not None:
            child.wait(stop)  # what it did not save is traced below, as without it
            check()
        width, height = settings.camera.frame_size  # turned by [camera] rotate
        detector.warmup(height, width, trace_cache=traces)
        check()
        classifier.warmup(traces)
        check()
        release_free_heap("loading the models")  # above all a first start's tracing
        release_code_pages("loading the models")  # torch's start-up code (kiosk.code_pages)
        try:  # an AWS feature that cannot start never takes local vision down
            fallback = make_fallback(settings.rekognition, settings.aws,
                                     budget_path=settings.data_dir / BUDGET_FILE,
                                     credentials=credentials)
        except VisionError as exc:
            log.error("Rekognition fallback off: %s", exc)
            fallback = None
        pipeline = VisionPipeline(detector, classifier, settings.vision, fallback=fallback,
                                  identity=identity_for(settings.vision),
                                  forget_look_s=max(FORGET_LOOK_S,
                                                    settings.app.idle_timeout_s + 5.0))
        device = str(detector.device)
        if device == "cpu":
            device = f"cpu, {threads_text(threads)}"
        return pipeline, device

    return build
