"""One kiosk per data folder: an exclusive advisory lock on `<data>/kiosk.lock`.

Two kiosks on one data folder (the systemd unit and the desktop autostart entry both
starting it, or an operator starting one by hand beside the service) share the SQLite
files, the camera and the screen, and the second one's crash log judged the first,
alive and well, as "ended without an orderly shutdown" (`kiosk.crashlog`). So the
kiosk takes `flock(LOCK_EX | LOCK_NB)` on the lock file before anything reads the
crash log or opens a database, keeps it open for the life of the process, and writes
its pid into it. A second kiosk finds it held and exits with `ALREADY_RUNNING_EXIT_CODE`
after one ERROR line naming the folder, the other pid and what to do.

The lock goes with the process: ended, killed or crashed, the OS releases it (a stale
file is no obstacle). A restart in place (`kiosk.restart`: `os.execv`) closes the
descriptor (Python's are close-on-exec) and the fresh image takes the lock again; a
supervisor starts the next kiosk only after the old one exited. `wait_s` is there for
a start that may overlap the end of the previous one: it polls that long before
refusing. `kiosk-admin` does not take the lock: it runs beside a live kiosk by design.

Where `fcntl.flock` does not exist (Windows) there is no guard (a DEBUG line); a lock
file that cannot be opened (a read-only data folder) is a WARNING, never a reason not
to start.
"""

from __future__ import annotations

import contextlib
import logging
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO

log = logging.getLogger(__name__)

LOCK_NAME = "kiosk.lock"
ALREADY_RUNNING_EXIT_CODE = 4  # 2: settings, 3: restart (kiosk.restart), 141: broken pipe
POLL_S = 0.1

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None  # type: ignore[assignment]


class AlreadyRunning(Exception):
    """Another live kiosk holds the data folder's lock."""

    def __init__(self, data_dir: Path, pid: int | None) -> None:
        self.data_dir = data_dir
        self.pid = pid
        who = f"another kiosk (pid {pid})" if pid is not None else "another kiosk"
        super().__init__(
            f"{who} is running on {data_dir}; stop it (systemctl --user stop kiosk, "
            f"or close that kiosk) or start this one with another --data-dir")


class InstanceLock:
    """The held lock; `release()` (or the process's end, or an exec) lets it go."""

    def __init__(self, path: Path, file: IO[str] | None) -> None:
        self.path = path
        self._file = file

    @property
    def held(self) -> bool:
        return self._file is not None

    def release(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None


def holder_pid(path: Path) -> int | None:
    """The pid written into the lock file by its holder; None when unreadable."""
    try:
        return int(path.read_text(encoding="ascii").strip())
    except (OSError, ValueError):
        return None


def take(data_dir: Path | str, wait_s: float = 0.0,
         clock: Callable[[], float] = time.monotonic,
         sleep: Callable[[float], object] = time.sleep) -> InstanceLock:
    """Take the data folder's lock, polling up to `wait_s` seconds while another
    process holds it; raises `AlreadyRunning` naming that process when it still does.
    Returns a lock that holds nothing where there is no `flock`, or the file cannot be
    opened."""
    data_dir = Path(data_dir)
    path = data_dir / LOCK_NAME
    if fcntl is None:
        log.debug("no fcntl.flock here: not guarding %s against a second kiosk", data_dir)
        return InstanceLock(path, None)
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
        # "a": never truncates another holder's pid before we hold the lock
        file = open(path, "a+", encoding="ascii")  # noqa: SIM115 (held for the process)
    except OSError as exc:
        log.warning("cannot open %s (%s): not guarding against a second kiosk", path, exc)
        return InstanceLock(path, None)
    deadline = clock() + wait_s
    while True:
        try:
            fcntl.flock(file.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            break
        except BlockingIOError:
            if clock() >= deadline:
                file.close()
                raise AlreadyRunning(data_dir, holder_pid(path)) from None
            sleep(POLL_S)
        except OSError as exc:  # a file system without locks (some network mounts)
            file.close()
            log.warning("cannot lock %s (%s): not guarding against a second kiosk", path, exc)
            return InstanceLock(path, None)
    with contextlib.suppress(OSError):
        file.seek(0)
        file.truncate()
        file.write(f"{os.getpid()}\n")
        file.flush()
    return InstanceLock(path, file)
