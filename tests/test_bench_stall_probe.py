"""The start-up stall probe (`kiosk.bench.stall_probe`, `python -m kiosk.bench startup
--why`): a diagnostic that says what the GUI thread waited for in each stall."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest

from kiosk.bench import stall_probe
from kiosk.bench.stall_probe import StallProbe, install, schedstat, summarize
from kiosk.startup import StartupWatch
from kiosk.testing import FakeClock

pytestmark = pytest.mark.skipif(schedstat(threading.get_native_id()) is None,
                                reason="needs Linux /proc schedstat")


def test_a_late_heartbeat_is_one_stall_with_its_time_split_and_the_gui_stack() -> None:
    probe = StallProbe(threshold_ms=30.0)
    probe._beat = (100.0, (1_000_000, 0))
    probe.poll(100.02)  # 20 ms: not a stall yet
    assert probe._episode is None
    probe.poll(100.04)  # 40 ms: a stall, sampled (this thread is the "GUI" here)
    probe.poll(100.06, late_s=0.003)
    assert probe._episode is not None and probe._episode["samples"] == 2
    probe._beat = (100.085, (21_000_000, 30_000_000))  # the next tick: 20 ms ran, 30 ms queued
    probe.poll(100.09)
    [stall] = probe.stalls
    assert stall["stall_ms"] == pytest.approx(80.0)  # the gap less the 5 ms interval
    assert (stall["gui_cpu_ms"], stall["gui_runq_ms"]) == (20.0, 30.0)
    assert stall["gui_blocked_ms"] == pytest.approx(30.0)
    assert stall["watcher_late_ms"] == pytest.approx(3.0)
    assert "test_bench_stall_probe.py" in stall["gui_stacks"][0]
    assert probe._episode is None


def test_the_summary_adds_the_split_and_names_where_the_gui_was() -> None:
    stalls = [
        {"stall_ms": 60.0, "gui_cpu_ms": 10.0, "gui_runq_ms": 20.0, "gui_blocked_ms": 30.0,
         "gui_stacks": ["2× kiosk/ui/attract.py:289 _paint_glow < kiosk/app.py:698 run_app"],
         "threads": [{"name": "kiosk-vision", "stacks": ["1× torch/x.py:1 f < a:1 b"]}]},
        {"stall_ms": 40.0, "gui_cpu_ms": 5.0, "gui_runq_ms": 5.0, "gui_blocked_ms": 30.0,
         "gui_stacks": ["1× kiosk/ui/attract.py:289 _paint_glow"], "threads": []},
    ]
    out = summarize(stalls)
    assert out["count"] == 2 and out["max_ms"] == 60.0
    assert out["ms"] == {"stall_ms": 100.0, "gui_cpu_ms": 15.0, "gui_runq_ms": 25.0,
                         "gui_blocked_ms": 60.0}
    assert out["gui_at"] == [["kiosk/ui/attract.py:289 _paint_glow", 100]]
    assert out["busiest_other"] == [["kiosk-vision: torch/x.py:1 f", 60]]


def test_install_makes_every_startup_watch_tick_and_its_end_reach_the_probe(
        monkeypatch: pytest.MonkeyPatch, qapp: object, tmp_path: Path) -> None:
    for name in ("_tick", "finish"):  # restored after the test
        monkeypatch.setattr(StartupWatch, name, getattr(StartupWatch, name))
    probe = StallProbe(tmp_path / "out.json")
    install(probe)
    watch = StartupWatch(clock=FakeClock())
    watch.start()
    watch._tick()
    assert probe._beat[0] > 0.0 and probe._beat[1] is not None
    assert watch.ticks == 1  # the watch's own tick still ran
    watch.finish("vision ready")
    assert watch.finished
    assert probe.until_ready is not None and probe.until_ready["gui_cpu_ms"] > 0.0
    written = json.loads((tmp_path / "out.json").read_text())
    assert written == {"stalls": [], "until_ready": probe.until_ready}


def test_stacks_name_the_innermost_frame_first() -> None:
    import sys

    text = stall_probe.stack_of(sys._getframe(), depth=2)
    assert text.split(" < ")[0].endswith("test_stacks_name_the_innermost_frame_first")
