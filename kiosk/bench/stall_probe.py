"""What the GUI thread waited for in each start-up stall (a diagnostic, not the product).

`python -m kiosk.bench.stall_probe OUT.json -- KIOSK-ARGS…` runs `python -m kiosk
KIOSK-ARGS…` in this process with a watcher thread beside it;
`python -m kiosk.bench startup --why` runs the source install that way and adds the
stalls to each run's figures.

The GUI thread's heartbeat is `kiosk.startup.StartupWatch`'s 5 ms timer (its tick is
wrapped here before the kiosk builds it), so stalls are counted from the window's
first paint until vision is ready, as in the `start-up:` line. Every `POLL_S` the
watcher reads the GUI thread's scheduler figures (`/proc/self/task/TID/schedstat`:
time on a CPU, time waiting for one). Once the heartbeat is `THRESHOLD_MS` late it
also samples every thread's Python stack (`sys._current_frames()`) and CPU time, until
the next tick. Each stall over the threshold then reads:

- `gui_cpu_ms`: the GUI thread ran (Python or Qt work of its own: the stack says what);
- `gui_runq_ms`: it was ready but no core was free (the machine: other processes,
  or this process's other threads, native ones included);
- `gui_blocked_ms`: the rest: it slept, most often waiting for the GIL while another
  thread held it (`threads`: which ones ran meanwhile, with their stacks);
- `watcher_late_ms`: how late the watcher's own polls were (it needs the GIL too: a
  thread holding it in a long C call delays both).

Linux only (/proc). The watcher itself takes a little of the GIL (a read every
`POLL_S`, more during a stall), so the figures are for finding culprits, not for the
benchmark table.
"""

from __future__ import annotations

import json
import os
import runpy
import sys
import threading
import time
import traceback
from collections import Counter
from pathlib import Path
from typing import Any

THRESHOLD_MS = 30.0
POLL_S = 0.004
STACK_DEPTH = 8
TASKS = Path("/proc/self/task")


def schedstat(tid: int) -> tuple[int, int] | None:
    """(ns on a CPU, ns waiting for one) of thread `tid` of this process, or None."""
    try:
        with open(f"/proc/self/task/{tid}/schedstat", "rb") as f:
            ran, waited = f.read().split()[:2]
        return int(ran), int(waited)
    except (OSError, ValueError):
        return None


def thread_names() -> dict[int, str]:
    """Native thread id -> name, for every thread of this process (/proc comm, which Qt
    sets for its own threads; Python's name where it knows the thread)."""
    names: dict[int, str] = {}
    try:
        for entry in TASKS.iterdir():
            try:
                names[int(entry.name)] = (entry / "comm").read_text().strip()
            except (OSError, ValueError):
                continue
    except OSError:
        pass
    for thread in threading.enumerate():
        if thread.native_id is not None:
            names[thread.native_id] = thread.name
    return names


def stack_of(frame: Any, depth: int = STACK_DEPTH) -> str:
    """The innermost `depth` frames, innermost first: "file:line func < …"."""
    parts = []
    for summary in reversed(traceback.extract_stack(frame)[-depth:]):
        parts.append(f"{_short(summary.filename)}:{summary.lineno} {summary.name}")
    return " < ".join(parts)


def _short(path: str) -> str:
    for marker in ("/site-packages/", "/kiosk/", "/lib/python"):
        if marker in path:
            return path.rsplit(marker, 1)[1] if marker != "/kiosk/" else "kiosk/" + \
                path.rsplit(marker, 1)[1]
    return path


class StallProbe:
    """The watcher thread (see the module docstring). `tick()` is the GUI heartbeat."""

    def __init__(self, out: Path | None = None, threshold_ms: float = THRESHOLD_MS,
                 poll_s: float = POLL_S) -> None:
        self.out = out
        self.threshold_s = threshold_ms / 1000.0
        self.poll_s = poll_s
        self.stalls: list[dict[str, Any]] = []
        self.until_ready: dict[str, float] | None = None
        self._gui_ident = threading.main_thread().ident
        self._gui_tid = threading.main_thread().native_id or os.getpid()
        self._beat: tuple[float, tuple[int, int] | None] = (0.0, None)
        self._episode: dict[str, Any] | None = None
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._run, name="stall-probe", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._done.set()
        self._thread.join(1.0)

    def tick(self) -> None:
        """GUI thread: the heartbeat ticked (cheap: one small read and one store)."""
        self._beat = (time.monotonic(), schedstat(self._gui_tid))

    def _run(self) -> None:
        expected = time.monotonic()
        while not self._done.is_set():
            time.sleep(self.poll_s)
            now = time.monotonic()
            self.poll(now, late_s=max(0.0, now - expected - self.poll_s))
            expected = now

    def poll(self, now: float, late_s: float = 0.0) -> None:
        """One look at the heartbeat at `now` (monotonic; the watcher's loop, or a test):
        closes the stall the last tick ended, opens or samples the one going on."""
        last, sched = self._beat
        episode = self._episode
        if episode is not None and episode["tick"] != last:
            self._episode = None
            self._close(episode, last, sched)
            self._write()
            episode = None
        if not last or now - last < self.threshold_s:
            return
        if episode is None:
            episode = {"tick": last, "tick_sched": sched, "samples": 0,
                       "gui": Counter(), "threads": {}, "late_s": 0.0,
                       "first_cpu": self._thread_cpu()}
            self._episode = episode
        episode["late_s"] += late_s
        self._sample(episode)

    def finished(self) -> None:
        """GUI thread, when the start-up watch ends: the GUI thread's whole time on a
        CPU and waiting for one since the process started (`until_ready`)."""
        stat = schedstat(self._gui_tid)
        if stat is not None:
            from kiosk.startup import since_launch

            self.until_ready = {"at_s": round(since_launch(), 2),
                                "gui_cpu_ms": round(stat[0] / 1e6, 1),
                                "gui_runq_ms": round(stat[1] / 1e6, 1)}
        self._write()

    def _write(self) -> None:
        if self.out is not None:  # after every stall: the kiosk may end with os._exit
            self.out.write_text(json.dumps(
                {"stalls": self.stalls, "until_ready": self.until_ready}, indent=1))

    def _thread_cpu(self) -> dict[int, int]:
        out: dict[int, int] = {}
        for entry in TASKS.iterdir():
            stat = schedstat(int(entry.name))
            if stat is not None:
                out[int(entry.name)] = stat[0]
        return out

    def _sample(self, episode: dict[str, Any]) -> None:
        frames = sys._current_frames()
        episode["samples"] += 1
        gui = frames.get(self._gui_ident) if self._gui_ident is not None else None
        episode["gui"][stack_of(gui) if gui is not None else "(no Python frame)"] += 1
        for thread in threading.enumerate():
            if thread.ident in (self._gui_ident, threading.get_ident()):
                continue
            frame = frames.get(thread.ident) if thread.ident is not None else None
            if frame is None:
                continue
            stacks = episode["threads"].setdefault(thread.native_id, Counter())
            stacks[stack_of(frame, 5)] += 1

    def _close(self, episode: dict[str, Any], now: float,
               after: tuple[int, int] | None) -> None:
        stall_ms = (now - episode["tick"]) * 1000.0 - 5.0
        before = episode["tick_sched"]
        cpu_ms = runq_ms = None
        if before is not None and after is not None:
            cpu_ms = (after[0] - before[0]) / 1e6
            runq_ms = (after[1] - before[1]) / 1e6
        names = thread_names()
        end_cpu = self._thread_cpu()
        ran = {tid: (end_cpu.get(tid, cpu) - cpu) / 1e6
               for tid, cpu in episode["first_cpu"].items() if tid != self._gui_tid}
        busiest = sorted(((ms, tid) for tid, ms in ran.items() if ms >= 1.0), reverse=True)
        from kiosk.startup import since_launch

        self.stalls.append({
            "at_s": round(since_launch() - (time.monotonic() - episode["tick"]), 2),
            "stall_ms": round(stall_ms, 1),
            "gui_cpu_ms": round(cpu_ms, 1) if cpu_ms is not None else None,
            "gui_runq_ms": round(runq_ms, 1) if runq_ms is not None else None,
            "gui_blocked_ms": round(stall_ms - cpu_ms - runq_ms, 1)
            if cpu_ms is not None and runq_ms is not None else None,
            "watcher_late_ms": round(episode["late_s"] * 1000.0, 1),
            "gui_stacks": [f"{n}× {s}" for s, n in episode["gui"].most_common(3)],
            "threads": [
                {"name": names.get(tid, str(tid)), "cpu_ms_after_threshold": round(ms, 1),
                 "stacks": [f"{n}× {s}" for s, n in
                            episode["threads"].get(tid, Counter()).most_common(2)]}
                for ms, tid in busiest[:4]
            ],
        })


def _where(stack: str) -> str:
    """The innermost frame of a sampled stack ("3× a:1 f < b:2 g" -> "a:1 f")."""
    return stack.split("× ", 1)[-1].split(" < ", 1)[0]


def summarize(stalls: list[dict[str, Any]]) -> dict[str, Any]:
    """The stalls' time split (ms summed over all of them) and where the GUI thread and
    the busiest other thread were, weighted by the stall's length."""
    known = [s for s in stalls if s.get("gui_cpu_ms") is not None]
    gui: Counter[str] = Counter()
    others: Counter[str] = Counter()
    for stall in known:
        for stack in stall["gui_stacks"][:1]:
            gui[_where(stack)] += stall["stall_ms"]
        for thread in stall["threads"][:1]:
            where = _where(thread["stacks"][0]) if thread["stacks"] else "(native)"
            others[f"{thread['name']}: {where}"] += stall["stall_ms"]
    return {
        "count": len(stalls),
        "max_ms": max((s["stall_ms"] for s in stalls), default=0.0),
        "ms": {k: round(sum(s[k] for s in known), 1)
               for k in ("stall_ms", "gui_cpu_ms", "gui_runq_ms", "gui_blocked_ms")},
        "gui_at": [[where, round(ms)] for where, ms in gui.most_common(6)],
        "busiest_other": [[where, round(ms)] for where, ms in others.most_common(6)],
    }


def install(probe: StallProbe) -> None:
    """Wrap `StartupWatch._tick` and `finish` so that every heartbeat, and the end of
    start-up, also reach `probe`."""
    from PySide6.QtCore import Slot

    from kiosk.startup import StartupWatch

    original_tick, original_finish = StartupWatch._tick, StartupWatch.finish

    @Slot()
    def _tick(self: StartupWatch) -> None:
        probe.tick()
        original_tick(self)

    def finish(self: StartupWatch, what: str) -> None:
        if not self.finished:
            probe.finished()
        original_finish(self, what)

    StartupWatch._tick = _tick  # type: ignore[method-assign]
    StartupWatch.finish = finish  # type: ignore[method-assign]


def main(argv: list[str]) -> int:
    if len(argv) < 2 or argv[1] != "--":
        print("usage: python -m kiosk.bench.stall_probe OUT.json -- KIOSK-ARGS…", file=sys.stderr)
        return 2
    out = Path(argv[0])
    probe = StallProbe(out)
    install(probe)
    probe.start()
    sys.argv = ["kiosk", *argv[2:]]
    code = 0
    try:
        runpy.run_module("kiosk", run_name="__main__", alter_sys=True)
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    finally:
        probe.stop()
        probe._write()
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
