"""No display: the kiosk says what is missing and exits (2: a restart cannot fix it)
instead of letting Qt abort (SIGABRT, a misleading hint about libxcb-cursor0) in a
restart loop; a display that is set but not up yet is waited for."""

from __future__ import annotations

import logging
import socket
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk import display
from kiosk.__main__ import main

LINUX = "linux"


@pytest.fixture()
def x_socket_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "x11"
    folder.mkdir()
    monkeypatch.setattr(display, "X11_SOCKET_DIR", folder)
    return folder


@pytest.fixture()
def x_server(x_socket_dir: Path) -> Iterator[Path]:
    """A listening socket where display :7's X server would be."""
    path = x_socket_dir / "X7"
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as server:
        server.bind(str(path))
        server.listen(4)
        yield path


def test_no_display_variable_cannot_come_and_says_what_to_do(x_socket_dir: Path) -> None:
    problem = display.display_problem({"QT_QPA_PLATFORM": "xcb"}, LINUX)
    assert problem is not None and not problem.may_come
    assert "DISPLAY is not set" in problem.message
    assert "import-environment DISPLAY XAUTHORITY" in problem.message


def test_a_local_display_must_answer_on_its_socket(x_server: Path) -> None:
    assert display.display_problem({"QT_QPA_PLATFORM": "xcb", "DISPLAY": ":7"}, LINUX) is None
    assert display.display_problem({"DISPLAY": "unix:7.0"}, LINUX) is None
    late = display.display_problem({"QT_QPA_PLATFORM": "xcb", "DISPLAY": ":8"}, LINUX)
    assert late is not None and late.may_come and ":8" in late.message


def test_platforms_it_does_not_check_and_other_systems_pass(x_socket_dir: Path) -> None:
    for platform in ("offscreen", "eglfs", "xcb;offscreen", "vnc:size=800x600"):
        assert display.display_problem({"QT_QPA_PLATFORM": platform}, LINUX) is None
    assert display.display_problem({"DISPLAY": "remote-host:10.0"}, LINUX) is None
    assert display.display_problem({}, "win32") is None


def test_wayland_needs_its_socket(tmp_path: Path) -> None:
    env = {"QT_QPA_PLATFORM": "wayland", "XDG_RUNTIME_DIR": str(tmp_path)}
    missing = display.display_problem(env, LINUX)
    assert missing is not None and missing.may_come and "wayland-0" in missing.message
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as server:
        server.bind(str(tmp_path / "wayland-0"))
        server.listen(1)
        assert display.display_problem(env, LINUX) is None
    no_runtime = display.display_problem({"QT_QPA_PLATFORM": "wayland"}, LINUX)
    assert no_runtime is not None and not no_runtime.may_come


def test_a_display_that_comes_up_later_is_waited_for(
        x_socket_dir: Path, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.setattr(display.sys, "platform", LINUX)
    env = {"QT_QPA_PLATFORM": "xcb", "DISPLAY": ":7"}
    now = [0.0]
    servers: list[socket.socket] = []

    def sleep(seconds: float) -> None:  # the X server comes up during the third pause
        now[0] += seconds
        if now[0] >= 3 and not servers:
            server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            server.bind(str(x_socket_dir / "X7"))
            server.listen(1)
            servers.append(server)

    try:
        with caplog.at_level(logging.INFO, "kiosk.display"):
            assert display.wait_for_display(60, env, clock=lambda: now[0], sleep=sleep) is None
        assert "waiting up to 60 s" in caplog.text and "up after 3.0 s" in caplog.text
        servers[0].close()
        (x_socket_dir / "X7").unlink()
        now[0] = 0.0
        left = display.wait_for_display(5, env, clock=lambda: now[0],
                                        sleep=lambda s: now.__setitem__(0, now[0] + s))
        assert left is not None and left.may_come and now[0] >= 5
    finally:
        for server in servers:
            server.close()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the check is Linux's")
def test_the_kiosk_exits_2_without_a_display_instead_of_aborting(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, x_socket_dir: Path,
        capfd: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("QT_QPA_PLATFORM", "xcb")
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    code = main(["--kiosk", "--data-dir", str(tmp_path / "data"), "--camera", ""])
    assert code == 2
    assert "no display to show the kiosk on: DISPLAY is not set" in capfd.readouterr().err


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the check is Linux's")
def test_a_display_that_never_came_says_what_to_check(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, x_socket_dir: Path,
        capfd: pytest.CaptureFixture[str]) -> None:
    import kiosk.__main__ as entry

    monkeypatch.setenv("QT_QPA_PLATFORM", "xcb")
    monkeypatch.setenv("DISPLAY", ":77")  # no server there
    monkeypatch.setattr(entry, "DISPLAY_WAIT_S", 0.0)
    code = main(["--kiosk", "--data-dir", str(tmp_path / "data"), "--camera", ""])
    assert code == 1  # the unit tries again
    err = capfd.readouterr().err
    assert "the X display :77 does not answer" in err
    assert "check that the display server" in err and "echo $DISPLAY" in err
