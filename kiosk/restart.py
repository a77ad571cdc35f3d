"""Restart from the admin panel: leave it to the supervisor, or restart in place.

The admin panel's Restart ends the event loop with exit status `RESTART_EXIT_CODE`
after the orderly shutdown. Under a supervisor that restarts a failed kiosk
(the systemd unit `build/systemd/kiosk.service`: `Restart=on-failure`; Windows Shell
Launcher) the process just exits with that status. Without one (started by hand,
from the desktop autostart entry, or `make run`) exiting would leave a dark screen,
so the process replaces itself with a fresh copy of the same command (`os.execv`).

Detection: systemd sets `INVOCATION_ID` for the processes of a service. Set
`KIOSK_SUPERVISED=1` where another supervisor restarts the kiosk on a non-zero
exit, or `KIOSK_SUPERVISED=0` to always restart in place.

A process restarted in place keeps its id and its start time (the OS sees one process),
so before the exec it leaves `KIOSK_RESTARTED_AT=<pid>:<time.monotonic()>` in its
environment (a system-wide clock, the same after the exec): `kiosk.startup` counts its
start-up figures from that moment, not from the first launch (`restarted_at`). A child
process inherits the variable with another id and ignores it.
"""

from __future__ import annotations

import logging
import os
import sys
import time
from collections.abc import Callable, Mapping, Sequence

log = logging.getLogger(__name__)

RESTART_EXIT_CODE = 3
_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"0", "false", "no", "off"})


RESTARTED_AT_ENV = "KIOSK_RESTARTED_AT"


def restart_mark(pid: int | None = None, now: float | None = None) -> str:
    """The value of `RESTARTED_AT_ENV` for a restart in place of process `pid` now."""
    pid = os.getpid() if pid is None else pid
    return f"{pid}:{time.monotonic() if now is None else now!r}"


def restarted_at(env: Mapping[str, str] | None = None, pid: int | None = None
                 ) -> float | None:
    """When (`time.monotonic()`) process `pid` (this one) was restarted in place, from
    its environment; None for a process started afresh, or a child that inherited the
    mark of its parent."""
    env = os.environ if env is None else env
    pid_text, _, at = env.get(RESTARTED_AT_ENV, "").partition(":")
    try:
        if int(pid_text) == (os.getpid() if pid is None else pid):
            return float(at)
    except ValueError:
        pass
    return None


def supervised(env: Mapping[str, str] | None = None) -> bool:
    """True when a supervisor restarts the kiosk after it exits (see the module doc)."""
    env = os.environ if env is None else env
    forced = env.get("KIOSK_SUPERVISED", "").strip().lower()
    if forced in _TRUE:
        return True
    if forced in _FALSE:
        return False
    return bool(env.get("INVOCATION_ID"))


def restart_argv(
    argv: Sequence[str] | None = None,
    executable: str | None = None,
    frozen: bool | None = None,
    orig_argv: Sequence[str] | None = None,
) -> list[str]:
    """The command line that starts this kiosk again the way it was started: the
    bundle's executable when frozen; else the interpreter's own command line
    (`sys.orig_argv`: the `kiosk` console script stays that script, `python -m kiosk`
    stays that, in the same working folder); else (a kiosk started from `python -c`,
    or an interpreter without `orig_argv`) `python -m kiosk` with `argv`'s arguments.
    Before, a kiosk started as `.venv/bin/kiosk` came back as `python -m kiosk`,
    which imports the package from the working folder: another checkout's code when
    the shell stood in one."""
    argv = list(sys.argv if argv is None else argv)
    executable = executable or sys.executable
    frozen = bool(getattr(sys, "frozen", False)) if frozen is None else frozen
    if frozen:
        return [executable, *argv[1:]]
    orig = list(getattr(sys, "orig_argv", []) if orig_argv is None else orig_argv)
    if len(orig) >= 2 and "-c" not in orig[1:]:
        return [executable, *orig[1:]]
    return [executable, "-m", "kiosk", *argv[1:]]


def restart_in_place_if_unsupervised(
    code: int,
    *,
    env: Mapping[str, str] | None = None,
    execv: Callable[[str, list[str]], object] = os.execv,
    argv: Sequence[str] | None = None,
    orig_argv: Sequence[str] | None = None,
) -> bool:
    """After the orderly shutdown: with `code == RESTART_EXIT_CODE` and no supervisor,
    replace this process with a fresh kiosk (does not return when it works). Returns
    False when nothing was done (another code, or a supervisor restarts us)."""
    if code != RESTART_EXIT_CODE or supervised(env):
        return False
    command = restart_argv(argv, orig_argv=orig_argv)
    log.info("restarting in place (no supervisor): %s", " ".join(command))
    for handler in logging.getLogger().handlers:  # the new process reopens the log files
        handler.flush()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError, AttributeError):
            pass
    os.environ[RESTARTED_AT_ENV] = restart_mark()  # the fresh copy counts from here
    try:
        execv(command[0], command)
    except OSError as exc:  # the exit status still tells a supervisor to restart
        log.error("could not restart in place: %s", exc)
        return False
    finally:  # reached only when this process was not replaced (an error, a test)
        os.environ.pop(RESTARTED_AT_ENV, None)
    return True
