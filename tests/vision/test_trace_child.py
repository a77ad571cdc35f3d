"""A first start's traces come from a child process: the kiosk loads them without
tracing, a stop kills the child at once, and a child that fails leaves the tracing to
the kiosk with one warning naming why."""

from __future__ import annotations

import io
import logging
import os
import signal
import sys
import threading
from pathlib import Path

import pytest
import torch

from kiosk.__main__ import main as kiosk_main
from kiosk.config import load_settings
from kiosk.vision import device, factory, trace_cache, trace_child
from kiosk.vision.detector import FaceDetector
from kiosk.vision.ensemble import EmotionEnsemble
from kiosk.vision.trace_child import TraceChild, child_main, needs_traces

# A child that reads its settings and then never ends by itself.
STUCK = [sys.executable, "-c", "import sys, threading; sys.stdin.buffer.read(); "
         "threading.Event().wait()"]


def test_traces_are_needed_until_a_child_saved_them_all_for_these_settings(
        tmp_path: Path) -> None:
    assert trace_child.SUFFIX == trace_cache.SUFFIX
    assert trace_child.TRACE_FOLDER == ("cache", "traces")
    settings = load_settings(env={}, overrides={"app.data_dir": str(tmp_path)})
    folder = trace_child.trace_folder(settings)
    assert needs_traces(settings)
    folder.mkdir(parents=True)
    (folder / "RetinaFace-1x3x240x320-cpu-0123.pt").write_bytes(b"")
    assert needs_traces(settings)  # a start stopped after one trace: the child goes on
    trace_child.mark_done(settings)
    assert not needs_traces(settings)
    other = load_settings(env={}, overrides={"app.data_dir": str(tmp_path),
                                             "camera.width": 1280, "camera.height": 720})
    assert needs_traces(other)  # another frame size: other traces
    trace_child.mark_done(other)
    assert not needs_traces(other) and needs_traces(settings)  # one mark is kept


def test_a_stop_kills_the_child_instead_of_waiting_for_it(tmp_path: Path) -> None:
    settings = load_settings(env={}, overrides={"app.data_dir": str(tmp_path)})
    child = TraceChild(settings, command=STUCK)
    assert child.start()
    stop = threading.Event()
    stop.set()
    assert not child.wait(stop)
    assert child.process is not None and child.process.returncode == -signal.SIGKILL


def test_a_failed_child_is_logged_with_its_last_lines(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    settings = load_settings(env={}, overrides={"app.data_dir": str(tmp_path)})
    failing = [sys.executable, "-c",
               "import sys; sys.stdin.buffer.read(); print('no space left'); sys.exit(3)"]
    child = TraceChild(settings, command=failing)
    assert child.start()
    with caplog.at_level(logging.WARNING, "kiosk.vision.trace_child"):
        assert not child.wait(threading.Event())
    assert "exited with 3" in caplog.text and "no space left" in caplog.text
    missing = TraceChild(settings, command=[str(tmp_path / "no-such-program")])
    with caplog.at_level(logging.WARNING, "kiosk.vision.trace_child"):
        assert not missing.start()
    assert "the kiosk traces them itself" in caplog.text


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="prctl is Linux's")
def test_the_child_asks_to_die_with_the_kiosk() -> None:
    import subprocess

    code = ("import ctypes, os; from kiosk.vision.trace_child import die_with_parent; "
            "assert die_with_parent(); v = ctypes.c_int(); "
            "ctypes.CDLL(None).prctl(2, ctypes.byref(v), 0, 0, 0); print(v.value)")
    env = {**os.environ, trace_child.PARENT_ENV: str(os.getpid())}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                         text=True, check=True).stdout
    assert int(out) == signal.SIGKILL  # PR_GET_PDEATHSIG; 0 when nothing was asked
    gone = {**os.environ, trace_child.PARENT_ENV: "1"}  # not its parent: it leaves
    assert subprocess.run([sys.executable, "-c", code], env=gone).returncode == 1


def test_settings_that_cannot_be_read_fail_the_child() -> None:
    assert child_main(io.BytesIO(b"not a pickle")) == 1


def test_the_hidden_flag_runs_the_child(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(trace_child, "child_main", lambda: 7)
    assert kiosk_main([trace_child.FLAG]) == 7


def test_a_stop_during_the_load_kills_the_child(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    settings = load_settings(env={}, overrides={"app.data_dir": str(tmp_path)})
    monkeypatch.setattr(trace_child, "child_command", lambda: STUCK)
    monkeypatch.setattr(device, "configure_threads", lambda setting: 1)
    children: list[TraceChild] = []
    real_start = TraceChild.start

    def start(self: TraceChild) -> bool:
        children.append(self)
        return real_start(self)

    monkeypatch.setattr(TraceChild, "start", start)
    stop = threading.Event()
    stop.set()
    with pytest.raises(factory.LoadStopped):
        factory.pipeline_factory(settings, trace_in_child=True)(stop)
    assert len(children) == 1
    process = children[0].process
    assert process is not None and process.returncode == -signal.SIGKILL
    children.clear()
    with pytest.raises(factory.LoadStopped):  # without trace_in_child: no child
        factory.pipeline_factory(settings)(stop)
    assert children == []


@pytest.mark.slow
def test_the_kiosk_loads_the_childs_traces_without_tracing(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    settings = load_settings(env={}, overrides={"app.data_dir": str(tmp_path)})
    child = TraceChild(settings)
    assert child.start() and child.wait(threading.Event())
    folder = trace_child.trace_folder(settings)
    assert not needs_traces(settings)
    traced: list[int] = []
    monkeypatch.setattr(torch.jit, "trace", lambda *a, **k: traced.append(1))
    cache = trace_cache.TraceCache(folder)
    detector = FaceDetector.from_settings(settings.vision)
    detector.warmup(settings.camera.height, settings.camera.width, trace_cache=cache)
    classifier = EmotionEnsemble.from_settings(settings.vision)
    classifier.warmup(cache)
    assert traced == [] and detector._forward.loaded_from_cache == 2


def test_a_data_folder_that_cannot_take_traces_sends_them_to_the_users_cache(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the data folder should be")  # like read-only: no mkdir
    settings = load_settings(env={}, overrides={"app.data_dir": str(blocker)})
    with caplog.at_level(logging.WARNING, "kiosk.vision.trace_child"):
        folder = trace_child.choose_trace_folder(settings)
    assert folder == tmp_path / "xdg-cache" / "kiosk" / "traces"  # conftest's XDG_CACHE_HOME
    assert folder.is_dir() and not list(folder.iterdir())  # the probe file is gone
    assert str(trace_child.trace_folder(settings)) in caplog.text and str(folder) in caplog.text


def test_a_full_data_disk_sends_the_traces_to_the_users_cache(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = tmp_path / "data"
    settings = load_settings(env={}, overrides={"app.data_dir": str(data)})
    monkeypatch.setattr(trace_child, "free_mb",
                        lambda path: 3.0 if str(path).startswith(str(data)) else 9e3)
    assert trace_child.cannot_hold_traces(trace_child.trace_folder(settings)).startswith(
        "3 MB free")
    assert trace_child.choose_trace_folder(settings) == trace_child.fallback_trace_folder()
    monkeypatch.setattr(trace_child, "free_mb", lambda path: 9e3)
    assert trace_child.choose_trace_folder(settings) == trace_child.trace_folder(settings)


def test_with_nowhere_to_keep_traces_no_child_traces_them_in_vain(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    settings = load_settings(env={}, overrides={"app.data_dir": str(blocker)})
    with caplog.at_level(logging.WARNING, "kiosk.vision.trace_child"):
        assert trace_child.choose_trace_folder(settings) is None
    assert "at every start" in caplog.text
    monkeypatch.setattr(trace_child, "child_command", lambda: STUCK)
    monkeypatch.setattr(device, "configure_threads", lambda setting: 1)
    started: list[TraceChild] = []

    def start(self: TraceChild) -> bool:
        started.append(self)
        return True

    monkeypatch.setattr(TraceChild, "start", start)
    stop = threading.Event()
    stop.set()
    with pytest.raises(factory.LoadStopped):
        factory.pipeline_factory(settings, trace_in_child=True)(stop)
    assert started == []  # its traces could not be kept: the kiosk traces once, itself


@pytest.mark.slow
def test_the_child_saves_where_the_kiosk_looks(tmp_path: Path) -> None:
    settings = load_settings(env={}, overrides={"app.data_dir": str(tmp_path / "data")})
    elsewhere = tmp_path / "elsewhere"
    child = TraceChild(settings, folder=elsewhere)
    assert child.start() and child.wait(threading.Event())
    assert not needs_traces(settings, elsewhere) and needs_traces(settings)
    assert list(elsewhere.glob("*.pt"))  # detector and emotion models
    assert not trace_child.trace_folder(settings).exists()


def test_the_child_gives_the_cpu_to_the_kiosk_first() -> None:
    import subprocess

    code = "from kiosk.vision.trace_child import yield_cpu; print(yield_cpu())"
    env = {k: v for k, v in os.environ.items() if k != trace_child.NICE_ENV}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                         text=True, check=True).stdout
    assert int(out) == min(19, os.nice(0) + trace_child.NICE)
