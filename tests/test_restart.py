"""Restart from the admin panel: exit for a supervisor, or start again in place."""

from __future__ import annotations

from kiosk import restart
from kiosk.controllers.admin import RESTART_EXIT_CODE


def test_systemd_or_the_override_means_supervised() -> None:
    assert restart.supervised({"INVOCATION_ID": "0f1e"}) is True
    assert restart.supervised({}) is False
    assert restart.supervised({"KIOSK_SUPERVISED": "1"}) is True
    assert restart.supervised({"INVOCATION_ID": "0f1e", "KIOSK_SUPERVISED": "0"}) is False


def test_the_restart_command_repeats_the_arguments() -> None:
    argv = ["/venv/bin/kiosk", "--kiosk", "--camera", "1"]
    assert restart.restart_argv(argv, "/venv/bin/python", frozen=False, orig_argv=[]) == [
        "/venv/bin/python", "-m", "kiosk", "--kiosk", "--camera", "1"]
    # started as the console script: it comes back as that script, not as `-m kiosk`,
    # which would import the package from the working folder (another checkout's)
    script = ["/venv/bin/python", "/venv/bin/kiosk", "--kiosk", "--camera", "1"]
    assert restart.restart_argv(argv, "/venv/bin/python", frozen=False,
                                orig_argv=script) == script
    module = ["/venv/bin/python", "-X", "faulthandler", "-m", "kiosk", "--kiosk"]
    assert restart.restart_argv(argv, "/venv/bin/python", frozen=False,
                                orig_argv=module) == module
    from_c = ["/venv/bin/python", "-c", "import kiosk.__main__", "--kiosk"]
    assert restart.restart_argv(argv, "/venv/bin/python", frozen=False,
                                orig_argv=from_c)[:3] == ["/venv/bin/python", "-m", "kiosk"]
    assert restart.restart_argv(["/opt/kiosk/kiosk", "--kiosk"], "/opt/kiosk/kiosk",
                                frozen=True) == ["/opt/kiosk/kiosk", "--kiosk"]


def test_restart_without_a_supervisor_execs_a_fresh_kiosk() -> None:
    calls: list[tuple[str, list[str]]] = []
    done = restart.restart_in_place_if_unsupervised(
        RESTART_EXIT_CODE, env={}, execv=lambda path, args: calls.append((path, args)),
        argv=["kiosk", "--windowed"], orig_argv=[])
    assert done is True
    assert len(calls) == 1
    path, args = calls[0]
    assert args[0] == path and args[-3:] == ["-m", "kiosk", "--windowed"][-3:]


def test_no_restart_in_place_under_systemd_or_on_a_plain_exit() -> None:
    calls: list[object] = []

    def execv(path: str, args: list[str]) -> None:
        calls.append(args)

    assert not restart.restart_in_place_if_unsupervised(
        RESTART_EXIT_CODE, env={"INVOCATION_ID": "x"}, execv=execv)
    assert not restart.restart_in_place_if_unsupervised(0, env={}, execv=execv)
    assert calls == []


def test_a_failed_exec_falls_back_to_the_exit_status() -> None:
    def execv(path: str, args: list[str]) -> None:
        raise OSError(8, "Exec format error")

    assert not restart.restart_in_place_if_unsupervised(
        RESTART_EXIT_CODE, env={}, execv=execv, argv=["kiosk"])


def test_a_restart_in_place_leaves_its_moment_for_the_fresh_copy_only() -> None:
    """The exec'd kiosk is the same process (same id, same start time): the mark in its
    environment is what lets it count its start-up from the restart (kiosk.startup)."""
    import os
    import time

    seen: list[str | None] = []
    before = time.monotonic()
    restart.restart_in_place_if_unsupervised(
        RESTART_EXIT_CODE, env={}, argv=["kiosk"],
        execv=lambda path, args: seen.append(os.environ.get(restart.RESTARTED_AT_ENV)))
    assert seen[0] is not None and seen[0].startswith(f"{os.getpid()}:")
    at = restart.restarted_at({restart.RESTARTED_AT_ENV: seen[0]})
    assert at is not None and before <= at <= time.monotonic()
    # not replaced (a fake execv): the mark does not stay behind for this process
    assert restart.RESTARTED_AT_ENV not in os.environ
    # a child inherits the variable with another id and ignores it; junk is ignored
    assert restart.restarted_at({restart.RESTARTED_AT_ENV: seen[0]},
                                pid=os.getpid() + 1) is None
    assert restart.restarted_at({restart.RESTARTED_AT_ENV: "junk"}) is None
    assert restart.restarted_at({}) is None
