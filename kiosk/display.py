"""Is there a screen to draw on? Checked before Qt starts, on Linux.

Without a display Qt's xcb plugin aborts the process (SIGABRT, exit status 134) after
"could not connect to display" and a hint about `libxcb-cursor0` that has nothing to do
with it; under the systemd user unit that became a restart every 5 s, each counted as
a crash, when the user manager did not have the session's `DISPLAY` (a desktop that
does not import it, such as LightDM with Xfce or Openbox). So the kiosk looks first:

* the Qt platforms it would try (`QT_QPA_PLATFORM`, `;`-separated fallbacks; unset:
  xcb, or wayland in a Wayland session) are xcb and/or wayland: anything else
  (offscreen, eglfs, linuxfb, vnc …) is not checked;
* xcb needs `DISPLAY`; a local display (`:0`, `unix:0`) must accept a connection on its
  socket (`/tmp/.X11-unix/X0`, or Linux's abstract one); a remote one is not checked;
* wayland needs `WAYLAND_DISPLAY` (default `wayland-0`) to be a socket in
  `XDG_RUNTIME_DIR` (or an absolute path) that accepts a connection.

`display_problem()` says what is missing, and whether it may still come (the variable
is set but the server is not up yet: the boot race of an autostarted kiosk) or cannot
(the variable is not set: nothing in this process can change that). No Qt.
"""

from __future__ import annotations

import logging
import os
import socket
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

X11_SOCKET_DIR = Path("/tmp/.X11-unix")
CHECKED = frozenset({"xcb", "wayland", "wayland-egl"})
WAIT_S = 60.0  # how long a kiosk waits for a display that is set but not up yet
POLL_S = 1.0
HOW_TO = ("under the systemd user unit, the session must hand its display to the user "
          "manager (`systemctl --user import-environment DISPLAY XAUTHORITY` in the "
          "session's start-up), or start the kiosk with build/autostart/kiosk.desktop "
          "instead (README: Operation (Linux))")


@dataclass(frozen=True, slots=True)
class DisplayProblem:
    """Why Qt would find no display: `message` names it; `may_come`: it may still come
    up (a server not started yet), not a setting that is missing."""

    message: str
    may_come: bool


def _platforms(env: Mapping[str, str]) -> list[str]:
    text = env.get("QT_QPA_PLATFORM", "").strip()
    if text:
        return [part.split(":", 1)[0].strip().lower() for part in text.split(";") if part.strip()]
    if env.get("XDG_SESSION_TYPE") == "wayland" and env.get("WAYLAND_DISPLAY"):
        return ["wayland", "xcb"]
    return ["xcb"]


def _accepts(address: str) -> bool:
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(1.0)
        try:
            sock.connect(address)
        except OSError:
            return False
    return True


def _x11_problem(env: Mapping[str, str]) -> DisplayProblem | None:
    name = env.get("DISPLAY", "").strip()
    if not name:
        return DisplayProblem(f"DISPLAY is not set (Qt platform xcb); {HOW_TO}", may_come=False)
    host, _, rest = name.rpartition(":")
    number = rest.split(".", 1)[0]
    if host not in ("", "unix") or not number.isdigit():
        return None  # a remote or unusual display: left to Qt
    path = X11_SOCKET_DIR / f"X{number}"
    if _accepts(str(path)) or (sys.platform.startswith("linux") and _accepts(f"\0{path}")):
        return None
    return DisplayProblem(f"the X display {name} does not answer (no server on {path} yet)",
                          may_come=True)


def _wayland_problem(env: Mapping[str, str]) -> DisplayProblem | None:
    name = env.get("WAYLAND_DISPLAY", "").strip() or "wayland-0"
    path = Path(name)
    if not path.is_absolute():
        runtime = env.get("XDG_RUNTIME_DIR", "").strip()
        if not runtime:
            return DisplayProblem(f"XDG_RUNTIME_DIR is not set, so the Wayland display {name} "
                                  f"cannot be found (Qt platform wayland); {HOW_TO}",
                                  may_come=False)
        path = Path(runtime) / name
    if _accepts(str(path)):
        return None
    return DisplayProblem(f"the Wayland display {path} does not answer (no compositor yet)",
                          may_come=True)


def display_problem(env: Mapping[str, str] | None = None,
                    platform: str | None = None) -> DisplayProblem | None:
    """None when Qt will find a display (or the platform is not one this checks);
    else the first platform's problem (see the module docstring). `env`: the
    environment (default os.environ); `platform`: `sys.platform` by default."""
    env = os.environ if env is None else env
    if not (platform or sys.platform).startswith("linux"):
        return None
    platforms = _platforms(env)
    if not platforms or any(p not in CHECKED for p in platforms):
        return None
    problems = [(_x11_problem(env) if p == "xcb" else _wayland_problem(env)) for p in platforms]
    if any(problem is None for problem in problems):
        return None
    return next(problem for problem in problems if problem is not None)


def wait_for_display(wait_s: float = WAIT_S, env: Mapping[str, str] | None = None,
                     clock: Callable[[], float] = time.monotonic,
                     sleep: Callable[[float], None] = time.sleep) -> DisplayProblem | None:
    """Return None once there is a display; a display that is set but not up yet is
    waited for up to `wait_s` seconds (one WARNING, one INFO when it came). Returns the
    problem when there is none: a missing setting at once, a server that did not come
    after the wait."""
    problem = display_problem(env)
    if problem is None or not problem.may_come:
        return problem
    log.warning("no display yet: %s; waiting up to %.0f s for it", problem.message, wait_s)
    start = clock()
    while clock() - start < wait_s:
        sleep(POLL_S)
        problem = display_problem(env)
        if problem is None:
            log.info("the display is up after %.1f s", clock() - start)
            return None
    return problem
