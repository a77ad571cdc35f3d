"""The vision worker's start: the pipeline is built on its thread by
`kiosk.vision.factory`, and a kiosk stopping during the load is not a failure."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import cast

import pytest
from PySide6.QtCore import QCoreApplication
from pytestqt.qtbot import QtBot

from kiosk.camera import Capture
from kiosk.config import load_settings
from kiosk.vision import device, factory
from kiosk.vision.detector import FaceDetector
from kiosk.vision.factory import LoadStopped, pipeline_factory
from kiosk.vision.pipeline import VisionPipeline
from kiosk.workers.vision_worker import VisionWorker


def test_a_stop_during_the_load_ends_it_before_the_models(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    settings = load_settings(env={}, overrides={"app.data_dir": str(tmp_path)})
    loaded: list[str] = []
    monkeypatch.setattr(device, "configure_threads", lambda setting: 1)  # no process-wide change
    monkeypatch.setattr(FaceDetector, "from_settings",
                        classmethod(lambda cls, s: loaded.append("detector")))
    stop = threading.Event()
    stop.set()
    with pytest.raises(LoadStopped):
        pipeline_factory(settings)(stop)
    assert loaded == []  # stopped between the steps, before the first model


def test_a_worker_stopped_while_loading_reports_no_failure(qtbot: QtBot) -> None:
    started = threading.Event()

    def stopped_load(stop: threading.Event) -> tuple[VisionPipeline, str]:
        started.set()
        raise factory.LoadStopped

    worker = VisionWorker(cast(Capture, object()), stopped_load)
    failures: list[str] = []
    worker.failed.connect(failures.append)
    worker.start()
    assert worker.stop(5.0)
    QCoreApplication.processEvents()  # deliver any queued `failed` (there must be none)
    assert started.is_set() and failures == [] and worker.pipeline is None


def test_the_source_lines_imports_left_are_released_once_vision_is_ready(
        qtbot: QtBot) -> None:
    """PySide6's import hook reads every imported module's source into linecache
    (31 MB for torch's modules): the worker drops it once the models are loaded."""
    import linecache

    class NoFrames:
        def __init__(self) -> None:
            self.never = threading.Event()

        def wait_newer(self, seq: int, timeout: float) -> None:
            self.never.wait(timeout)  # as a camera with no new frame: no busy loop

    class Pipeline:
        def close(self, timeout: float) -> None:
            pass

    def load(stop: threading.Event) -> tuple[VisionPipeline, str]:
        assert linecache.getlines(__file__)  # as an import hook's inspect.getsource does
        return cast(VisionPipeline, Pipeline()), "cpu, 1 threads"

    linecache.getlines(__file__)
    assert __file__ in linecache.cache
    worker = VisionWorker(cast(Capture, NoFrames()), load)
    with qtbot.waitSignal(worker.ready, timeout=5000):
        worker.start()
    assert worker.stop(5.0)
    assert __file__ not in linecache.cache


def test_a_lost_camera_is_forgotten_on_the_vision_thread_without_a_frame(
        qtbot: QtBot) -> None:
    """`camera_lost` (from the capture thread) reaches the pipeline on the vision thread
    (which owns its light monitor) while no frame comes, not with the next frame."""

    class NoFrames:
        def __init__(self) -> None:
            self.never = threading.Event()

        def wait_newer(self, seq: int, timeout: float) -> None:
            self.never.wait(timeout)

    forgotten = threading.Event()
    on: list[str] = []

    class Pipeline:
        def camera_lost(self) -> None:
            on.append(threading.current_thread().name)
            forgotten.set()

        def close(self, timeout: float) -> None:
            pass

    def load(stop: threading.Event) -> tuple[VisionPipeline, str]:
        return cast(VisionPipeline, Pipeline()), "cpu, 1 threads"

    worker = VisionWorker(cast(Capture, NoFrames()), load)
    with qtbot.waitSignal(worker.ready, timeout=5000):
        worker.start()
    try:
        worker.camera_lost()
        assert forgotten.wait(5.0)
    finally:
        assert worker.stop(5.0)
    assert on == ["kiosk-vision"]
