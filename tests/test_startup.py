"""Start-up: the window comes before torch, torch's libraries load without the GIL,
and the kiosk logs its own start-up figures (issue 15, section 4)."""

from __future__ import annotations

import importlib.util
import json
import logging
import subprocess
import sys
import threading
from pathlib import Path

import numpy as np
import pytest

from kiosk.startup import SKIP_TICKS, StartupWatch
from kiosk.testing import FakeClock
from kiosk.vision.preload import ExtensionImportGate

REPO = Path(__file__).resolve().parents[1]

BUILD_AND_SHOW = """
import json, sys
from PySide6.QtWidgets import QApplication
from kiosk.app import Kiosk
from kiosk.config import load_settings

settings = load_settings(env={}, overrides={
    "camera.source": sys.argv[1], "app.data_dir": sys.argv[2], "app.log_dir": sys.argv[3]})
app = QApplication([])
kiosk = Kiosk(settings)
kiosk.window.show()
app.processEvents()
heavy = ("torch", "boto3", "botocore", "matplotlib")
print(json.dumps({"loaded": [m for m in heavy if m in sys.modules],
                  "vision": kiosk.vision is not None, "shown": kiosk.window.isVisible()}))
"""


def _run(code: str, *args: str) -> str:
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True,
                          text=True, timeout=120, cwd=REPO,
                          env={**_env(), "QT_QPA_PLATFORM": "offscreen"})
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout.strip().splitlines()[-1]


def _env() -> dict[str, str]:
    import os

    env = {k: v for k, v in os.environ.items() if not k.startswith("KIOSK_")}
    env["PYTHONPATH"] = str(REPO)
    return env


def test_the_window_shows_before_torch_or_boto3_is_imported(tmp_path: Path) -> None:
    """Building every part and showing the window imports neither torch (the vision
    thread does, after the window is up) nor boto3 (AWS is off by default)."""
    import cv2

    camera = tmp_path / "camera"
    camera.mkdir()
    cv2.imwrite(str(camera / "frame0.jpg"), np.full((48, 64, 3), 128, np.uint8))
    out = json.loads(_run(BUILD_AND_SHOW, str(camera), str(tmp_path / "data"),
                          str(tmp_path / "log")))
    assert out == {"loaded": [], "vision": True, "shown": True}


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="preload is Linux-only")
def test_preload_maps_torch_before_import_and_torch_still_works() -> None:
    code = """
import json, sys
from kiosk.vision.preload import preload_torch_libraries
seconds = preload_torch_libraries()
mapped = "libtorch_cpu.so" in open("/proc/self/maps").read()
imported = "torch" in sys.modules
import torch
print(json.dumps({"seconds": seconds, "mapped": mapped, "imported": imported,
                  "sum": float(torch.ones(3).sum()), "again": preload_torch_libraries(),
                  "gates": [type(f).__name__ for f in sys.meta_path
                            if type(f).__name__ == "ExtensionImportGate"]}))
"""
    out = json.loads(_run(code))
    assert out["seconds"] > 0 and out["mapped"] and not out["imported"]
    assert out["sum"] == 3.0
    assert out["again"] == 0.0  # torch imported: nothing left to do
    assert out["gates"] == []  # the gate is removed once the libraries are in


def _extension_spec_args() -> tuple[str, list[str]]:
    import numpy._core as core

    name = "numpy._core._multiarray_umath"
    spec = importlib.util.find_spec(name)
    assert spec is not None and type(spec.loader).__name__ == "ExtensionFileLoader"
    return name, list(core.__path__)


def test_gate_holds_another_threads_extension_import_until_the_preload_is_done(
    qtbot: object,
) -> None:
    done = threading.Event()
    gate = ExtensionImportGate(done, owner=threading.get_ident())
    name, path = _extension_spec_args()
    results: list[object] = []
    worker = threading.Thread(target=lambda: results.append(gate.find_spec(name, path)),
                              name="gate-test")
    worker.start()
    try:
        qtbot.waitUntil(lambda: gate.waited == 1)  # type: ignore[attr-defined]
        assert worker.is_alive() and results == []  # held back
    finally:
        done.set()
        worker.join(5)
    assert results == [None]  # finds nothing itself: the usual finders load it


def test_gate_lets_pure_python_and_the_preloading_thread_through() -> None:
    gate = ExtensionImportGate(threading.Event(), owner=threading.get_ident())
    name, path = _extension_spec_args()
    assert gate.find_spec(name, path) is None  # the owner is never held back
    results: list[object] = []
    worker = threading.Thread(target=lambda: results.append(gate.find_spec("json", None)))
    worker.start()
    worker.join(5)
    assert not worker.is_alive() and results == [None] and gate.waited == 0


def test_startup_watch_logs_the_longest_stall_once(
    qtbot: object, caplog: pytest.LogCaptureFixture
) -> None:
    clock = FakeClock()
    watch = StartupWatch(clock=clock)
    watch.start()
    for _ in range(SKIP_TICKS):  # the window's first paint: not counted
        clock.advance(0.200)
        watch._tick()
    assert watch.max_stall_ms == 0.0
    for gap in (0.005, 0.030, 0.085, 0.006):
        clock.advance(gap)
        watch._tick()
    assert watch.max_stall_ms == pytest.approx(80.0)
    with caplog.at_level(logging.INFO, logger="kiosk.startup"):
        watch.finish("vision ready")
        watch.finish("vision failed")  # only the first end is logged
    lines = [r.getMessage() for r in caplog.records if r.name == "kiosk.startup"]
    assert len(lines) == 1
    assert lines[0].startswith("start-up: vision ready at ")
    assert "longest GUI stall 80 ms" in lines[0]
    assert watch.finished


RESTARTED_CHILD = """
import logging, os, sys
from kiosk import restart
if sys.argv[2:] != ["again"]:  # the first run: the admin panel's Restart, no supervisor
    restart.restart_in_place_if_unsupervised(
        restart.RESTART_EXIT_CODE, env={},
        execv=lambda path, args: os.execv(sys.executable, [sys.executable, "-c", sys.argv[1],
                                                           sys.argv[1], "again"]))
    sys.exit("the restart in place did not exec")
logging.basicConfig(level=logging.INFO, stream=sys.stdout, format="%(message)s")
from kiosk.startup import StartupWatch
StartupWatch().finish("vision ready")
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="exec keeps the pid on POSIX")
def test_a_kiosk_restarted_in_place_counts_its_start_up_from_the_restart() -> None:
    """The admin panel's Restart without a supervisor execs the same process (same id,
    same start time in /proc): the start-up line counts from the restart and says so,
    instead of "34.66 s after launch" counted from the first launch."""
    done = subprocess.run([sys.executable, "-c", RESTARTED_CHILD, RESTARTED_CHILD],
                          capture_output=True, text=True, timeout=120, cwd=REPO,
                          env={**_env(), "QT_QPA_PLATFORM": "offscreen"})
    assert done.returncode == 0, done.stderr[-3000:]
    line = next(x for x in done.stdout.splitlines() if x.startswith("start-up:"))
    assert " s after restart; " in line, line


def test_a_fresh_process_counts_from_its_launch() -> None:
    from kiosk import startup

    assert startup.age_and_origin(10.0, None)[1] == "launch"
    assert startup.age_and_origin(10.0, 12.0)[1] == "launch"  # a mark from the future: junk
    assert startup.age_and_origin(10.0, 6.5) == (3.5, "restart")


def test_startup_watch_times_the_real_event_loop(qtbot: object) -> None:
    watch = StartupWatch()
    watch.start()
    qtbot.waitUntil(lambda: watch.ticks > SKIP_TICKS + 3)  # type: ignore[attr-defined]
    watch.stop()
    assert watch.finished and 0.0 <= watch.max_stall_ms < 5000


class _AttractWindow:
    """Records what the adapter hands the window's attract slideshow."""

    def __init__(self) -> None:
        self.shown: list[list[object]] = []

    def show_attract(self, images: list[object]) -> None:
        self.shown.append(images)


def test_attract_images_share_the_controllers_pixels(qtbot: object) -> None:
    """The slideshow's QImages are views of the arrays the controller keeps (no 15 MB
    copy), and the adapter keeps those arrays alive while the window shows them."""
    import gc
    import weakref

    from kiosk.ui.adapter import ViewAdapter

    window = _AttractWindow()
    adapter = ViewAdapter(window)  # type: ignore[arg-type]
    image = np.zeros((40, 60, 3), np.uint8)
    image[5, 7] = (10, 20, 30)
    alive = weakref.ref(image)
    adapter.show_attract([image])
    qimage = window.shown[0][0]
    assert qimage.pixelColor(7, 5).getRgb()[:3] == (10, 20, 30)  # type: ignore[attr-defined]
    image[5, 7] = (200, 100, 50)  # the same pixels, not a copy
    assert qimage.pixelColor(7, 5).getRgb()[:3] == (200, 100, 50)  # type: ignore[attr-defined]
    del image
    gc.collect()
    assert alive() is not None  # held by the adapter while the window has the QImage
    adapter.show_attract([np.ones((4, 4, 3), np.uint8)])
    del window.shown[0], qimage  # the window lets the old QImages go
    gc.collect()
    assert alive() is None  # and nothing else holds the old pixels
