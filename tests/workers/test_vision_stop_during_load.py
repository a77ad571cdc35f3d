"""A stop while the models load does not wait for the load: `import torch` cannot be
broken into, so the worker leaves it (`abandoned`) and the kiosk leaves with
`os._exit` after its clean-ups. Before, the shutdown waited out vision's 3 s budget and
logged "vision did not stop cleanly" at every SIGTERM during `import torch`.

The load here stands in for `import torch`: it blocks without looking at its stop
event. Nothing is timed: the tests read what the worker returns and what the kiosk logs."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path
from typing import cast

from PySide6.QtCore import QCoreApplication
from pytestqt.qtbot import QtBot

from kiosk.camera import Capture
from kiosk.vision.pipeline import VisionPipeline
from kiosk.workers.vision_worker import VisionWorker


class Pipeline:
    fallback = None
    light = None
    camera_turn = None

    def __init__(self) -> None:
        self.closed = False

    def close(self, timeout: float) -> None:
        self.closed = True


def test_a_stop_during_an_uninterruptible_load_leaves_it_and_it_emits_nothing(
        qtbot: QtBot) -> None:
    inside, release = threading.Event(), threading.Event()
    built = Pipeline()

    def load(stop: threading.Event) -> tuple[VisionPipeline, str]:
        inside.set()
        release.wait()  # as `import torch`: no stop check can break in
        return cast(VisionPipeline, built), "cpu, 1 thread"

    worker = VisionWorker(cast(Capture, object()), load)
    signals: list[str] = []
    worker.ready.connect(signals.append)
    worker.failed.connect(signals.append)
    worker.start()
    assert inside.wait(10)
    assert worker.stop(3.0) is True  # before: False, after waiting out the 3 s
    assert worker.abandoned
    release.set()  # the load ends after all (a test; the kiosk has left by then)
    worker._thread.join(10)
    QCoreApplication.processEvents()
    assert not worker._thread.is_alive()
    assert built.closed and worker.pipeline is None and signals == []


def test_a_stop_after_the_load_stops_the_loop_as_before(qtbot: QtBot) -> None:
    class NoFrames:
        def wait_newer(self, seq: int, timeout: float) -> None:
            threading.Event().wait(min(timeout, 0.01))

    built = Pipeline()
    worker = VisionWorker(cast(Capture, NoFrames()),
                          lambda stop: (cast(VisionPipeline, built), "cpu, 1 thread"))
    with qtbot.waitSignal(worker.ready, timeout=10000):
        worker.start()
    assert worker.stop(5.0) and not worker.abandoned and built.closed


CHILD = r"""
import os, signal, sys, threading
import kiosk.app
from kiosk.__main__ import main

def factory(settings, **kwargs):
    def build(stop):
        print("CHILD: inside the model load", file=sys.stderr, flush=True)
        os.kill(os.getpid(), signal.SIGTERM)
        threading.Event().wait()  # as `import torch`: it never looks at `stop`
    return build

kiosk.app.pipeline_factory = factory
sys.exit(main(sys.argv[1:]))
"""


def test_sigterm_during_the_model_load_exits_cleanly_without_waiting_for_it(
        tmp_path: Path) -> None:
    import json

    import cv2
    import numpy as np

    camera = tmp_path / "camera"
    camera.mkdir()
    cv2.imwrite(str(camera / "frame.png"), np.full((240, 320, 3), 90, np.uint8))
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [sys.executable, "-c", CHILD, "--windowed", "--camera", str(camera),
         "--data-dir", str(tmp_path / "d"), "--set", f"app.log_dir={tmp_path / 'log'}",
         "--quit-after", "120"],
        capture_output=True, text=True, env=env, timeout=180,
        cwd=Path(__file__).resolve().parents[2])
    log = done.stderr
    assert done.returncode == 0, log[-3000:]
    marks = ["CHILD: inside the model load", "kiosk.app: signal 15: quitting",
             "kiosk.app: shutting down", "vision: stopped while the models were loading"]
    at = [log.find(mark) for mark in marks]
    assert -1 not in at and at == sorted(at), log[-3000:]  # all of them, in this order
    assert "did not stop" not in log and "terminate called" not in log, log[-3000:]
    runs = json.loads((tmp_path / "d" / "runs.json").read_text())["runs"]
    assert runs[-1]["clean"] is True and runs[-1]["code"] == 0, runs[-1]
