"""`python -m kiosk.bench startup`: start to first camera frame, and peak memory.

Starts the kiosk as an operator would (`--windowed --quit-after N --camera VIDEO`)
on Qt's offscreen platform, once from the source install (`python -m kiosk`) and
once from the bundle (`dist/kiosk/kiosk`) when it has been built, each `--runs`
times. Each run gets an empty settings file and its own data and log folders,
so the operator's settings and data are never touched.

- `first_frame_s`: wall time from spawning the process to the app's log line
  `first frame shown` (logger `kiosk.controllers.visit`, INFO, written when the preview
  shows its first camera frame), read from its stderr as it happens.
- `peak_rss_mb`: the process's peak resident memory: its VmHWM (a high-water
  mark) read from /proc every 50 ms while it runs. Not `ru_maxrss` from wait4:
  Linux carries the parent's resident size at fork into the child's, so under a
  1 GB pytest process a 100 MB child reported 1 GB.
- `vision_ready_s` and `max_stall_ms`: from the app's own `start-up:` log line
  (`kiosk.startup`): when the models were loaded and warm, counted from the
  process's start, and the longest GUI event-loop stall from the window's first
  paint until then (torch is imported on the vision thread meanwhile).
- `--warm`: a normal start rather than the first one: one unmeasured run first
  builds the data folder (catalog manifest with the images' features, databases),
  and the measured runs start on it. Without it every run starts on an empty data
  folder, so the recommend thread reads and indexes the whole catalog (about 4.5 s
  of CPU for the 192 demo images) while the models load.
- `bytecode`: whether the kiosk's own modules were compiled at every start (no
  `__pycache__`, or PYTHONDONTWRITEBYTECODE set) or read from `__pycache__`, as an
  installed kiosk does. `--compile` compiles them first (`compileall`, into the
  source tree's `__pycache__` folders, which git ignores) and lets the runs use them.

- `--why` (a diagnostic): the source install runs under `kiosk.bench.stall_probe`,
  and each run adds `stalls` (every GUI stall over 30 ms: how much of it the GUI thread
  ran, waited for a core, or waited otherwise (the GIL), with the stacks sampled) and
  `why` (their sum, where the GUI thread and the busiest other thread were, and
  `until_ready`: the GUI thread's whole CPU time, and time waiting for a core, from
  the process's start until the `start-up:` line).

Each run lasts until `--steady` seconds of inference after the `start-up:` line
(then SIGTERM, the kiosk's orderly shutdown), at most `--quit-after` seconds, so
the peak includes the loaded models at work.

Medians over the runs for the times, maxima for memory and stalls (`runs` lists
each one). The camera is a
generated video: real faces from ../shared/data/faces when that folder exists
(so the emotion model runs too), otherwise a drawn face. Targets from issue #7:
≤ 2 s and ≤ 400 MB.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import selectors
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from kiosk.bench.isolation import isolated_env

REPO = Path(__file__).resolve().parents[2]
BUNDLE = REPO / "dist" / "kiosk" / ("kiosk.exe" if sys.platform == "win32" else "kiosk")
SHARED_FACES = REPO.parent / "shared" / "data" / "faces" / "images"
FIRST_FRAME = "first frame shown"
STARTUP_LINE = re.compile(r"start-up: (?P<what>.+) at (?P<at>[\d.]+) s after (?:launch|restart); "
                          r"longest GUI stall (?P<stall>\d+) ms at (?P<stall_at>[\d.]+) s")
TARGETS = {"first_frame_s": 2.0, "peak_rss_mb": 400.0, "max_stall_ms": 50.0}


def write_test_video(path: str | Path, seconds: float = 6.0, fps: int = 15,
                     faces_dir: Path | None = SHARED_FACES) -> Path:
    """A 640x480 MJPG video of faces for `--camera`; returns the path written.

    Real face photos from `faces_dir` when it exists, else a drawn face. Falls back
    to a folder of JPEG frames (also a valid `--camera`) when OpenCV cannot write
    video here."""
    import cv2

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    faces = sorted(faces_dir.glob("*.jpg"))[:12] if faces_dir and faces_dir.is_dir() else []
    count = max(1, int(seconds * fps))
    frames = [_frame(i, faces, cv2) for i in range(count)]
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"MJPG"), fps, (640, 480))
    if writer.isOpened():
        for frame in frames:
            writer.write(frame)
        writer.release()
        if path.is_file() and path.stat().st_size > 0:
            return path
    folder = path.with_suffix("")
    folder.mkdir(exist_ok=True)
    for i, frame in enumerate(frames[: 2 * fps]):
        cv2.imwrite(str(folder / f"frame{i:04d}.jpg"), frame)
    return folder


def _frame(index: int, faces: list[Path], cv2: Any) -> np.ndarray:
    canvas = np.full((480, 640, 3), 96, np.uint8)
    shift = int(8 * np.sin(index / 5))
    if faces:
        face = cv2.imread(str(faces[(index // 15) % len(faces)]))
        if face is not None:
            face = cv2.resize(face, (300, 300))
            canvas[90:390, 170 + shift:470 + shift] = face
            return canvas
    center = (320 + shift, 240)
    cv2.ellipse(canvas, center, (110, 140), 0, 0, 360, (150, 180, 220), -1)
    for dx in (-45, 45):
        cv2.circle(canvas, (center[0] + dx, 200), 14, (40, 40, 40), -1)
    cv2.ellipse(canvas, (center[0], 290), (50, 25), 0, 0, 180, (40, 40, 80), 6)
    return canvas


def _vm_hwm_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except (OSError, ValueError, IndexError):
        return None
    return None


def measure(command: list[str], camera: Path, quit_after: float, timeout_s: float = 120.0,
            cwd: Path = REPO, compiled: bool = False, steady_s: float | None = None,
            home: Path | None = None) -> dict[str, Any]:
    """One run of `command` (the kiosk) with an isolated environment (Linux: /proc):
    in a fresh folder, or in `home` (kept: its data from an earlier run)."""
    with (contextlib.nullcontext(str(home)) if home is not None
          else tempfile.TemporaryDirectory(prefix="kiosk-bench-")) as tmp:
        home = Path(tmp)
        (home / "kiosk.toml").write_text("")
        env = isolated_env(home, "offscreen",
                           drop=("PYTHONDONTWRITEBYTECODE",) if compiled else ())
        args = [*command, "--windowed", "--quit-after", str(quit_after),
                "--camera", str(camera), "--data-dir", str(home / "data")]
        started = time.perf_counter()
        proc = subprocess.Popen(args, cwd=cwd, env=env, stdin=subprocess.DEVNULL,
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        assert proc.stderr is not None
        os.set_blocking(proc.stderr.fileno(), False)
        first_frame: float | None = None
        startup: re.Match[str] | None = None
        ended_at = 0.0
        terminated = False
        hwm = 0.0
        buffer = b""
        tail: list[str] = []
        code: int | None = None
        killed = False
        with selectors.DefaultSelector() as sel:
            sel.register(proc.stderr, selectors.EVENT_READ)
            while code is None:
                if sel.select(timeout=0.05):
                    buffer += proc.stderr.read() or b""
                *lines, buffer = buffer.split(b"\n")
                for raw in lines:
                    line = raw.decode("utf-8", "replace")
                    tail = [*tail[-19:], line]
                    if first_frame is None and FIRST_FRAME in line:
                        first_frame = time.perf_counter() - started
                    if startup is None and (startup := STARTUP_LINE.search(line)):
                        ended_at = time.perf_counter()
                if (steady_s is not None and startup is not None and not terminated
                        and time.perf_counter() - ended_at > steady_s):
                    proc.terminate()  # SIGTERM: the kiosk's orderly shutdown
                    terminated = True
                hwm = max(hwm, _vm_hwm_mb(proc.pid) or 0.0)
                if not killed and time.perf_counter() - started > timeout_s:
                    proc.kill()
                    killed = True
                pid, status = os.waitpid(proc.pid, 0 if killed else os.WNOHANG)
                if pid:
                    code = os.waitstatus_to_exitcode(status)
        proc.returncode = code
        rest = (buffer + (proc.stderr.read() or b"")).decode("utf-8", "replace")
        proc.stderr.close()
    tail = [*tail, *rest.splitlines()][-20:]
    run: dict[str, Any] = {
        "first_frame_s": round(first_frame, 3) if first_frame is not None else None,
        "peak_rss_mb": round(hwm, 1),
        "vision_ready_s": float(startup["at"]) if startup and startup["what"] == "vision ready"
        else None,
        "max_stall_ms": int(startup["stall"]) if startup else None,
        "max_stall_at_s": float(startup["stall_at"]) if startup else None,
        "exit_code": code,
        "wall_s": round(time.perf_counter() - started, 2),
    }
    if first_frame is None or code != 0:
        run["log_tail"] = tail
    return run


def bytecode_state(compiled: bool) -> str:
    """How the source runs get the kiosk's own bytecode (see the module docstring)."""
    import importlib.util

    cached = Path(importlib.util.cache_from_source(str(REPO / "kiosk" / "app.py"))).is_file()
    if compiled or (cached and not os.environ.get("PYTHONDONTWRITEBYTECODE")):
        return "read from __pycache__"
    if cached:
        return "read from __pycache__ (PYTHONDONTWRITEBYTECODE set: not refreshed)"
    return ("compiled at every start (no __pycache__"
            + ("; PYTHONDONTWRITEBYTECODE set)" if os.environ.get("PYTHONDONTWRITEBYTECODE")
               else ")"))


def summarize(runs: list[dict[str, Any]]) -> dict[str, Any]:
    times = [r["first_frame_s"] for r in runs if r["first_frame_s"] is not None]
    ready = [r["vision_ready_s"] for r in runs if r.get("vision_ready_s") is not None]
    stalls = [r["max_stall_ms"] for r in runs if r.get("max_stall_ms") is not None]
    out: dict[str, Any] = {
        "first_frame_s": round(statistics.median(times), 3) if times else None,
        "vision_ready_s": round(statistics.median(ready), 2) if ready else None,
        "peak_rss_mb": max(r["peak_rss_mb"] for r in runs),
        "max_stall_ms": max(stalls) if stalls else None,
        "runs": runs,
    }
    out["meets_targets"] = bool(
        times and out["first_frame_s"] <= TARGETS["first_frame_s"]
        and out["peak_rss_mb"] <= TARGETS["peak_rss_mb"]
        and len(times) == len(runs)
        and len(stalls) == len(runs) and out["max_stall_ms"] <= TARGETS["max_stall_ms"]
    )
    return out


def _measure_run(command: list[str], camera: Path, args: argparse.Namespace,
                 home: Path | None, why: bool) -> dict[str, Any]:
    """One measured run; with `why`, under the stall probe, its stalls added."""
    if not why:
        return measure(command, camera, args.quit_after, compiled=args.compile,
                       steady_s=args.steady, home=home)
    with tempfile.TemporaryDirectory(prefix="kiosk-bench-why-") as tmp:
        out = Path(tmp) / "stalls.json"
        probed = [sys.executable, "-m", "kiosk.bench.stall_probe", str(out), "--",
                  *command[3:]]  # command: python -m kiosk [args]
        result = measure(probed, camera, args.quit_after, compiled=args.compile,
                         steady_s=args.steady, home=home)
        from kiosk.bench.stall_probe import summarize

        found = json.loads(out.read_text()) if out.is_file() else {}
        result["stalls"] = found.get("stalls", [])
        result["why"] = summarize(result["stalls"])
        result["why"]["until_ready"] = found.get("until_ready")
    return result


def run(argv: list[str]) -> dict[str, Any]:
    parser = argparse.ArgumentParser(prog="python -m kiosk.bench startup")
    parser.add_argument("--runs", type=int, default=3, help="runs per variant (median)")
    parser.add_argument("--quit-after", type=float, default=30.0,
                        help="seconds a run lasts at most")
    parser.add_argument("--steady", type=float, default=4.0,
                        help="seconds a run goes on after start-up ended (vision ready), so "
                             "the peak includes steady inference")
    parser.add_argument("--camera", type=Path, help="video or image folder (default: generated)")
    parser.add_argument("--bundle", type=Path, default=BUNDLE, help="the built bundle's program")
    parser.add_argument("--only", choices=("source", "bundle"), help="measure one variant")
    parser.add_argument("--compile", action="store_true",
                        help="compile the kiosk's modules first, as an installed kiosk has "
                             "them (see `bytecode`)")
    parser.add_argument("--why", action="store_true",
                        help="the source install under `kiosk.bench.stall_probe`: each run "
                             "lists its stalls over 30 ms with what the GUI thread waited for "
                             "(a diagnostic: the probe costs a little)")
    parser.add_argument("--warm", action="store_true",
                        help="measure normal starts: one unmeasured run builds the data "
                             "folder first")
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    if args.compile:
        import compileall

        compileall.compile_dir(str(REPO / "kiosk"), quiet=1)

    with tempfile.TemporaryDirectory(prefix="kiosk-bench-camera-") as tmp:
        camera = args.camera or write_test_video(Path(tmp) / "camera.avi")
        variants: dict[str, list[str] | None] = {
            "source": [sys.executable, "-m", "kiosk"],
            "bundle": [str(args.bundle)] if args.bundle.is_file() else None,
        }
        result: dict[str, Any] = {
            "targets": TARGETS,
            "camera": "generated: " + ("real faces" if SHARED_FACES.is_dir() else "drawn face")
            if args.camera is None else str(args.camera),
            "quit_after_s": args.quit_after,
            "steady_s": args.steady,
            "data_folder": "kept from an unmeasured first run (--warm)" if args.warm
            else "empty at every run (first start: the catalog is indexed)",
            "bytecode": bytecode_state(args.compile),
        }
        for name, command in variants.items():
            if command is None:
                result[name] = None
                result[f"{name}_reason"] = f"{args.bundle} not built; run `make package` first"
            elif args.only and name != args.only:
                result[name] = None
                result[f"{name}_reason"] = f"not measured (--only {args.only})"
            else:
                home = Path(tmp) / f"home-{name}" if args.warm else None
                if home is not None:
                    home.mkdir()
                    measure(command, camera, args.quit_after, compiled=args.compile,
                            steady_s=1.0, home=home)
                runs = [_measure_run(command, camera, args, home, why=args.why and name == "source")
                        for _ in range(args.runs)]
                result[name] = summarize(runs)
    return result
