"""The kiosk process's own memory over time, driven from outside (`bench memory --variant
source|bundle`).

The kiosk runs as an operator starts it (`python -m kiosk --kiosk` or the bundle's
program), fullscreen on a virtual X server (Xvfb) of `--size`, on Qt's xcb platform as
on a store's screen, with a looping camera video. Nothing of the kiosk is patched: a
shopper's taps on Next are real pointer clicks (`xdotool`) at the Next button's place
(`--tap-at`, the 1920x1080 layout's button by default), sent every `--next` seconds
while a visit is on, which the kiosk's own log says (`visit … started` / `ended`, INFO
on its standard error). `page N shown` lines with N > 0 count the taps that landed.

Every `--every` seconds the driver reads the kiosk's /proc/PID/status (VmRSS, VmHWM,
RssAnon, RssFile, Threads) and /proc/PID/smaps_rollup (Pss). The trace child of a
first start is another process and not counted; the X server is not counted either.

Linux only (/proc, Xvfb, xdotool).
"""

from __future__ import annotations

import contextlib
import os
import re
import selectors
import shutil
import signal
import subprocess
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kiosk.bench.isolation import isolated_env

VISIT_STARTED = re.compile(r"kiosk\.controllers\.visit: visit \w+ started")
VISIT_ENDED = re.compile(r"kiosk\.controllers\.visit: visit \w+ ended")
PAGE_SHOWN = re.compile(r"kiosk\.controllers\.visit: page (\d+) shown")
VISION_READY = "kiosk.startup: start-up: vision ready"
CATALOG_DONE = re.compile(r"kiosk\.recommend\.catalog: catalog .*\d+ added")
NEXT_AT_1920x1080 = (1690, 984)  # the Next button's centre, fullscreen at 1920x1080


def missing_tools() -> list[str]:
    """The programs this driver needs and does not find on PATH."""
    return [tool for tool in ("Xvfb", "xdotool") if shutil.which(tool) is None]


def read_memory(pid: int) -> dict[str, int]:
    """A process's resident figures in MB (status and smaps_rollup) and thread count;
    {} once it has gone."""
    keys = {"VmRSS": "rss_mb", "VmHWM": "hwm_mb", "RssAnon": "anon_mb", "RssFile": "file_mb"}
    out: dict[str, int] = {}
    try:
        status = Path(f"/proc/{pid}/status").read_text()
        rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:
        return out
    for line in status.splitlines():
        key, _, value = line.partition(":")
        if key in keys:
            out[keys[key]] = int(value.split()[0]) // 1024
        elif key == "Threads":
            out["threads"] = int(value)
    for line in rollup.splitlines():
        key, _, value = line.partition(":")
        if key == "Pss":
            out["pss_mb"] = int(value.split()[0]) // 1024
    return out


def slope_mb_per_hour(samples: list[dict[str, Any]], key: str = "rss_mb",
                      after_s: float = 0.0) -> float | None:
    """Least-squares slope of `key` against `t_s` over the samples taken after
    `after_s`, in MB per hour; None with fewer than three."""
    points = [(s["t_s"], s[key]) for s in samples if s["t_s"] >= after_s and key in s]
    if len(points) < 3:
        return None
    n = len(points)
    mean_t = sum(t for t, _ in points) / n
    mean_v = sum(v for _, v in points) / n
    var = sum((t - mean_t) ** 2 for t, _ in points)
    if var == 0:
        return None
    cov = sum((t - mean_t) * (v - mean_v) for t, v in points)
    return round(cov / var * 3600, 1)


@dataclass
class LogState:
    """What the kiosk's log has said so far."""

    in_visit: bool = False
    visits: int = 0
    pages: int = 0
    next_pages: int = 0
    vision_ready_s: float | None = None
    catalog_done: bool = False
    tail: list[str] = field(default_factory=list)

    def feed(self, line: str, t_s: float) -> None:
        self.tail = [*self.tail[-19:], line]
        if VISIT_STARTED.search(line):
            self.in_visit = True
            self.visits += 1
        elif VISIT_ENDED.search(line):
            self.in_visit = False
        elif match := PAGE_SHOWN.search(line):
            self.pages += 1
            self.next_pages += int(match[1]) > 0
        elif self.vision_ready_s is None and VISION_READY in line:
            self.vision_ready_s = round(t_s, 1)
        elif CATALOG_DONE.search(line):
            self.catalog_done = True


class VirtualScreen:
    """An Xvfb server of `size` on a free display number, for `with`."""

    def __init__(self, size: tuple[int, int]) -> None:
        self.size = size
        self.display = ""
        self._proc: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> VirtualScreen:
        read_fd, write_fd = os.pipe()
        width, height = self.size
        self._proc = subprocess.Popen(
            ["Xvfb", "-displayfd", str(write_fd), "-screen", "0", f"{width}x{height}x24",
             "-nolisten", "tcp"], pass_fds=(write_fd,), stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(write_fd)
        with os.fdopen(read_fd) as pipe:
            number = pipe.readline().strip()
        if not number:
            self.__exit__()
            raise RuntimeError("Xvfb did not start (no display number on -displayfd)")
        self.display = f":{number}"
        return self

    def __exit__(self, *exc: object) -> None:
        if self._proc is not None:
            self._proc.terminate()
            self._proc.wait(10)
            self._proc = None

    def tap(self, at: tuple[int, int]) -> None:
        subprocess.run(["xdotool", "mousemove", str(at[0]), str(at[1]), "click", "1"],
                       env={**os.environ, "DISPLAY": self.display}, check=False,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=10)


def kiosk_env(home: Path, display: str) -> dict[str, str]:
    """The kiosk's environment: its own settings file and folders under `home`."""
    return isolated_env(home, "xcb", DISPLAY=display)


def drive(command: list[str], home: Path, camera: Path, screen: VirtualScreen, *,
          seconds: float, every: float, next_every: float, tap_at: tuple[int, int],
          sets: Sequence[str] = (), envs: Sequence[str] = (), platform: str = "xcb",
          log_to: Path | None = None, stop_when: Callable[[LogState], bool] | None = None
          ) -> dict[str, Any]:
    """Run the kiosk for `seconds` (or until `stop_when(log)`), tapping Next during
    visits and sampling its memory; then SIGTERM (its orderly shutdown)."""
    (home / "kiosk.toml").touch()
    args = [*command, "--kiosk", "--camera", str(camera), "--set", "camera.loop=true",
            "--data-dir", str(home / "data"), *(f"--set={item}" for item in sets)]
    started = time.monotonic()
    env = {**kiosk_env(home, screen.display), "QT_QPA_PLATFORM": platform,
           **dict(item.partition("=")[::2] for item in envs)}
    proc = subprocess.Popen(args, env=env,
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    assert proc.stderr is not None
    os.set_blocking(proc.stderr.fileno(), False)
    log = LogState()
    samples: list[dict[str, Any]] = []
    taps = 0
    next_sample = every
    next_tap = 0.0
    buffer = b""
    saved = log_to.open("ab") if log_to is not None else None
    with contextlib.ExitStack() as stack, selectors.DefaultSelector() as sel:
        if saved is not None:
            stack.enter_context(saved)
        sel.register(proc.stderr, selectors.EVENT_READ)
        while proc.poll() is None:
            now = time.monotonic() - started
            if sel.select(timeout=0.1):
                chunk = proc.stderr.read() or b""
                if saved is not None:
                    saved.write(chunk)
                buffer += chunk
                *lines, buffer = buffer.split(b"\n")
                for raw in lines:
                    log.feed(raw.decode("utf-8", "replace"), now)
            if now >= next_sample:
                samples.append({"t_s": round(now, 1), **read_memory(proc.pid),
                                "visits": log.visits, "pages": log.pages})
                next_sample += every
            if platform == "xcb" and log.in_visit and now >= next_tap:
                screen.tap(tap_at)
                taps += 1
                next_tap = now + next_every
            if now >= seconds or (stop_when is not None and stop_when(log)):
                break
    last = read_memory(proc.pid)
    if last:
        samples.append({"t_s": round(time.monotonic() - started, 1), **last,
                        "visits": log.visits, "pages": log.pages})
    proc.send_signal(signal.SIGTERM)
    try:
        code = proc.wait(30)
    except subprocess.TimeoutExpired:
        proc.kill()
        code = proc.wait()
    proc.stderr.close()
    result: dict[str, Any] = {
        "exit_code": code, "vision_ready_s": log.vision_ready_s, "visits": log.visits,
        "pages_shown": log.pages, "pages_after_next": log.next_pages, "taps": taps,
        "samples": samples,
    }
    if code != 0 or not samples:
        result["log_tail"] = log.tail
    return result
