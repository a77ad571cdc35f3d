"""A first start's frozen traces, made by a child process instead of the kiosk itself.

Tracing leaves memory behind in the process that traces, even with the tracer's types
released and the heap trimmed (`kiosk.vision.frozen`, `kiosk.heap`): measured on the
2-core machine (source install, `smaps_rollup` and `mallinfo2` at the steady state), a
start that traced held 12 MB more anonymous memory than one that loaded the same traces
(about 5 MB more of the C heap in use, the rest free but resident in its arenas), and
peaked that much higher. So when the trace folder holds no trace yet (a first start, or
after the cache was cleared), the vision thread starts this child at once: it builds the
same detector and emotion models from the same settings and saves their traces, while
the kiosk imports torch and builds its own models beside it; the kiosk then waits for it
and loads the traces as a normal start does. The memory of tracing goes with the child.
Once it saved them all the child leaves a mark (`done_mark`), so a start that was
stopped before that (with some traces saved) has the child make the rest.

The child is the kiosk's own program with a hidden first argument: `python -m kiosk
--build-traces` from the source, `kiosk --build-traces` in the bundle. It reads the
kiosk's settings, pickled, on its standard input (the same code made them), writes its
log to a temporary file that the parent copies into its own log when it fails, and
exits 0 once it saved the traces. It runs at niceness `NICE` (10), so on a busy small
machine the kiosk's window and preview get the cores first. Nothing is needed from
outside the machine.

The wait is interruptible: a stop (the kiosk shutting down) kills the child at once,
and on Linux the child dies with the kiosk's vision thread (`die_with_parent`).
When the child cannot start, fails, or leaves a trace unsaved, the kiosk traces what is
missing itself, as before (one WARNING).

Where the traces are kept (`choose_trace_folder`): the data folder's `cache/traces`;
when that cannot take them (a read-only data folder, a disk with less than `ROOM_MB`
free) the user's cache folder (`$XDG_CACHE_HOME/kiosk/traces`, else
`~/.cache/kiosk/traces`), so such a kiosk neither traces the models twice at every start
(the child, whose traces were lost, then the kiosk) nor at all after its first start;
when neither can, no child is started and the kiosk traces them itself, once, at every
start (one WARNING naming both folders and what to do). No Qt.
"""

from __future__ import annotations

import ctypes
import hashlib
import logging
import os
import pickle
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import IO, TYPE_CHECKING

from kiosk import __version__
from kiosk.diskspace import free_mb

if TYPE_CHECKING:
    from kiosk.config import Settings

log = logging.getLogger(__name__)

SUFFIX = ".pt"  # kiosk.vision.trace_cache.SUFFIX (that module imports torch; this one must not)
TRACE_FOLDER = ("cache", "traces")  # under the data folder
PARENT_ENV = "KIOSK_TRACE_PARENT"  # the kiosk's pid, for the child (`die_with_parent`)
PR_SET_PDEATHSIG = 1  # linux/prctl.h
DONE_PREFIX = "done-"  # the child's mark that the traces are all there (`done_mark`)
FLAG = "--build-traces"  # the kiosk program's hidden first argument (kiosk.__main__)
POLL_S = 0.05  # how often the wait looks at the child between stop checks
TAIL_LINES = 12  # lines of the child's log copied into the kiosk's when it fails
ROOM_MB = 32.0  # the traces take about 5 MB; a folder on a disk with less free is not used


def trace_folder(settings: Settings) -> Path:
    """Where the kiosk keeps its frozen traces when it can: the data folder's."""
    return settings.data_dir.joinpath(*TRACE_FOLDER)


def fallback_trace_folder() -> Path:
    """The user's cache folder for traces: `$XDG_CACHE_HOME/kiosk/traces`, else
    `~/.cache/kiosk/traces` (the name of a trace says which weights, code, torch,
    shape and device it was made for, so kiosks with other data folders may share it)."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "kiosk" / "traces"


def cannot_hold_traces(folder: Path) -> str:
    """Why `folder` cannot take the traces ("" when it can): it cannot be made or
    written (read-only), or its disk has less than `ROOM_MB` free. Writes and removes
    one small probe file."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        free = free_mb(folder)
        if free is not None and free < ROOM_MB:
            return f"{free:.0f} MB free on its disk, {ROOM_MB:.0f} MB needed"
        fd, name = tempfile.mkstemp(prefix=".probe-", dir=folder)
        try:
            with os.fdopen(fd, "wb") as probe:
                probe.write(b"\0" * 4096)
                probe.flush()
                os.fsync(probe.fileno())
        finally:
            Path(name).unlink(missing_ok=True)
    except OSError as exc:
        return exc.strerror or str(exc)
    return ""


def choose_trace_folder(settings: Settings) -> Path | None:
    """The folder this start keeps its traces in: the data folder's when it can take
    them, else the user's cache folder (one WARNING), else None (one WARNING: every
    start traces the models, a few seconds more on a small machine)."""
    preferred = trace_folder(settings)
    why = cannot_hold_traces(preferred)
    if not why:
        return preferred
    fallback = fallback_trace_folder()
    why_not = cannot_hold_traces(fallback)
    if not why_not:
        log.warning("cannot keep the frozen traces in %s (%s); they are kept in %s instead",
                    preferred, why, fallback)
        return fallback
    log.warning("cannot keep the frozen traces in %s (%s) nor in %s (%s): the kiosk traces "
                "the models at every start, which takes a few seconds more; make the data "
                "folder writable or free space on its disk", preferred, why, fallback, why_not)
    return None


def done_mark(settings: Settings) -> str:
    """The name of the file a child leaves once it saved every trace for these
    settings: what the traces depend on and a start can know before importing torch
    (the kiosk's version and program, the vision settings, the camera's size)."""
    h = hashlib.sha256()
    for part in (__version__, sys.executable, repr(settings.vision),
                 "{}x{}".format(*settings.camera.frame_size)):
        h.update(part.encode())
        h.update(b"\0")
    return f"{DONE_PREFIX}{h.hexdigest()[:20]}"


def needs_traces(settings: Settings, folder: Path | None = None) -> bool:
    """True until a child saved every trace for these settings in `folder` (default
    `trace_folder`): a first start, a start after one stopped during it, new settings
    or a new kiosk, a cleared cache."""
    return not ((folder or trace_folder(settings)) / done_mark(settings)).is_file()


def child_command() -> list[str]:
    """The kiosk's own program with `FLAG`: the bundle's executable, or this Python
    running the kiosk package from the source."""
    if getattr(sys, "frozen", False):
        return [sys.executable, FLAG]
    return [sys.executable, "-m", "kiosk", FLAG]


class TraceChild:
    """One child process making the traces for `settings` (see the module docstring).

    `command` is `child_command()` by default (tests pass another); `folder` where it
    saves them, `trace_folder(settings)` by default."""

    def __init__(self, settings: Settings, command: list[str] | None = None,
                 folder: Path | None = None) -> None:
        self.settings = settings
        self.folder = folder or trace_folder(settings)
        self.command = command or child_command()
        self.process: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None
        self._started = 0.0

    def start(self) -> bool:
        """Start the child; False (logged) when it cannot be started."""
        env = {**os.environ, PARENT_ENV: str(os.getpid())}
        if not getattr(sys, "frozen", False):  # `-m kiosk` finds this very package
            root = str(Path(__file__).resolve().parents[2])
            env["PYTHONPATH"] = os.pathsep.join(
                p for p in (root, env.get("PYTHONPATH", "")) if p)
        self._log = tempfile.TemporaryFile(prefix="kiosk-traces-")  # noqa: SIM115 - closed by kill/_tail
        self._started = time.perf_counter()
        try:
            self.process = subprocess.Popen(
                self.command, stdin=subprocess.PIPE, stdout=self._log, stderr=self._log,
                env=env, close_fds=True)
            assert self.process.stdin is not None
            with self.process.stdin:
                self.process.stdin.write(pickle.dumps(
                    {"settings": self.settings, "folder": str(self.folder)}))
        except (OSError, ValueError) as exc:  # no such program, a closed pipe
            log.warning("could not start the process that makes the frozen traces (%s); "
                        "the kiosk traces them itself", exc)
            self.kill()
            return False
        return True

    def wait(self, stop: threading.Event) -> bool:
        """Wait for the child to end; True when it saved the traces. When `stop` is set
        meanwhile the child is killed at once and False is returned."""
        proc = self.process
        if proc is None:
            return False
        code = proc.poll()
        while code is None:
            if stop.wait(POLL_S):
                self.kill()
                log.info("stopped the process making the frozen traces (shutting down)")
                return False
            code = proc.poll()
        seconds = time.perf_counter() - self._started
        tail = self._tail()
        if code == 0:
            log.info("frozen traces made by a child process in %.2f s", seconds)
            return True
        log.warning("the process making the frozen traces exited with %s after %.2f s; the "
                    "kiosk traces them itself. Its last lines:\n%s", code, seconds, tail)
        return False

    def kill(self) -> None:
        """End the child now (if it runs) and close its log (idempotent)."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        if self._log is not None:
            self._log.close()
            self._log = None

    def _tail(self) -> str:
        if self._log is None:
            return ""
        self._log.seek(0)
        lines = self._log.read().decode("utf-8", "replace").splitlines()[-TAIL_LINES:]
        self._log.close()
        self._log = None
        return "\n".join(f"  {line}" for line in lines)


def build_traces(settings: Settings, folder: Path | None = None) -> int:
    """Build the models as the kiosk does and save their traces for its camera size in
    `folder` (default `trace_folder`); the number of traces there afterwards."""
    from kiosk.vision.detector import FaceDetector
    from kiosk.vision.device import configure_threads
    from kiosk.vision.ensemble import EmotionEnsemble
    from kiosk.vision.trace_cache import TraceCache

    configure_threads(settings.vision.threads)
    traces = TraceCache(folder or trace_folder(settings))
    detector = FaceDetector.from_settings(settings.vision)
    width, height = settings.camera.frame_size
    detector.warmup(height, width, trace_cache=traces)
    classifier = EmotionEnsemble.from_settings(settings.vision)
    classifier.warmup(traces)
    return len(list(traces.folder.glob(f"*{SUFFIX}")))


def mark_done(settings: Settings, folder: Path | None = None) -> None:
    """Leave `done_mark` in `folder` (default `trace_folder`) and drop the marks of
    other settings there."""
    folder = folder or trace_folder(settings)
    mark = folder / done_mark(settings)
    for old in folder.glob(f"{DONE_PREFIX}*"):
        if old != mark:
            old.unlink(missing_ok=True)
    mark.touch()


def die_with_parent() -> bool:
    """Linux: have the kernel kill this child when the kiosk's thread that started it
    ends (`PR_SET_PDEATHSIG`), so a kiosk killed or left with `os._exit` leaves no
    child tracing on; exits at once when that kiosk is already gone. False where this
    cannot be set (another system)."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return False
    if prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0:
        return False
    parent = os.environ.get(PARENT_ENV, "")
    if parent.isdigit() and os.getppid() != int(parent):
        os._exit(1)  # the kiosk ended before the request above was in place
    return True


NICE = 10  # the child's niceness: the kiosk's window and preview come first on a busy CPU
NICE_ENV = "KIOSK_TRACE_NICE"  # for measuring: another niceness for the child


def yield_cpu() -> int:
    """Lower this process's CPU priority by `NICE` (or `$KIOSK_TRACE_NICE`): on a small
    machine the child competes with the kiosk's GUI thread for the cores while the
    window shows its first frames. Returns the niceness now (0 when it cannot be set)."""
    text = os.environ.get(NICE_ENV, "")
    step = int(text) if text.strip().lstrip("-").isdigit() else NICE
    try:
        return os.nice(step)
    except (OSError, AttributeError):  # not allowed, or no os.nice (Windows)
        return 0


def child_main(source: IO[bytes] | None = None) -> int:
    """The child's entry point (`FLAG`): `{"settings": Settings, "folder": str}` from
    `source` (standard input); exit status 0 when traces were saved, 1 otherwise."""
    die_with_parent()
    yield_cpu()
    logging.basicConfig(level=logging.INFO, stream=sys.stderr,
                        format="%(asctime)s %(levelname)s trace-child %(name)s: %(message)s")
    data = (source or sys.stdin.buffer).read()
    try:
        order = pickle.loads(data)  # written by the parent kiosk process
        settings, folder = order["settings"], Path(order["folder"])
        saved = build_traces(settings, folder)
        if saved:
            mark_done(settings, folder)
    except Exception:
        log.exception("could not make the frozen traces")
        return 1
    log.info("%d frozen traces in %s", saved, folder)
    return 0 if saved else 1
