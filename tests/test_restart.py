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
    assert restart.restart_argv(argv, "/venv/bin/python", frozen=False) == [
        "/venv/bin/python", "-m", "kiosk", "--kiosk", "--camera", "1"]
    assert restart.restart_argv(["/opt/kiosk/kiosk", "--kiosk"], "/opt/kiosk/kiosk",
                                frozen=True) == ["/opt/kiosk/kiosk", "--kiosk"]


def test_restart_without_a_supervisor_execs_a_fresh_kiosk() -> None:
    calls: list[tuple[str, list[str]]] = []
    done = restart.restart_in_place_if_unsupervised(
        RESTART_EXIT_CODE, env={}, execv=lambda path, args: calls.append((path, args)),
        argv=["kiosk", "--windowed"])
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
