"""Exhibit mode with a bad settings file: the full-screen out-of-order page names the
file, the line and what to do (in Korean too), tells systemd it is up, and starts the
kiosk as soon as the file is fixed; a stop request ends it with status 0."""

from __future__ import annotations

import os
import signal
import socket
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QTimer
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from kiosk.app import wait_for_settings
from kiosk.config import ConfigError, Settings, load_settings
from kiosk.ui.out_of_order import OutOfOrderPage, SettingsWatch, file_signature

BAD = "[app]\nlanguage = 'en'\n\n[vision]\nthreads = -2\n"


def bad_file(tmp_path: Path, text: str = BAD) -> tuple[Path, ConfigError]:
    path = tmp_path / "kiosk.toml"
    path.write_text(text)
    with pytest.raises(ConfigError) as caught:
        load_settings(path, env={})
    return path, caught.value


def test_the_page_names_the_file_the_line_and_what_to_do(qtbot: QtBot, tmp_path: Path
                                                         ) -> None:
    path, error = bad_file(tmp_path)
    page = OutOfOrderPage()
    qtbot.addWidget(page)
    page.resize(1080, 1920)
    page.set_problem(error)
    texts = page.texts()
    assert texts[0] == "Out of order"
    assert f"the settings file {path} has a problem on line 5" in texts[2]
    assert "vision.threads = -2: must be between 0 and 256" in texts[3]
    assert "save the file" in texts[4] and "starts by itself" in texts[4]
    assert len(texts) == 5  # nothing about a re-check yet
    page.set_problem(error, again=True)
    assert "changed at" in page.texts()[-1]
    with pytest.raises(ConfigError) as caught:
        load_settings(None, env={"KIOSK_VISION_THREADS": "-3"})
    page.set_problem(caught.value)
    assert "environment variable" in page.texts()[2]
    assert "restart the kiosk" in page.texts()[4]


def test_the_page_is_in_korean(qtbot: QtBot, tmp_path: Path, korean: None) -> None:
    path, error = bad_file(tmp_path)
    page = OutOfOrderPage()
    qtbot.addWidget(page)
    page.set_problem(error)
    texts = page.texts()
    assert texts[0] == "점검 중"
    assert f"설정 파일 {path}의 5번째 줄에 문제가 있습니다" in texts[2]
    assert "저절로 시작됩니다" in texts[4]
    assert all(t.isascii() is False for t in (texts[0], texts[1], texts[2], texts[4]))


def test_the_page_follows_a_language_switch(qtbot: QtBot, tmp_path: Path,
                                            qapp: QCoreApplication) -> None:
    from kiosk.ui.i18n import install_translator

    _, error = bad_file(tmp_path)
    page = OutOfOrderPage()
    qtbot.addWidget(page)
    page.set_problem(error)
    try:
        assert install_translator(qapp, "ko")
        QCoreApplication.processEvents()
        assert page.title.text() == "점검 중"
    finally:
        install_translator(qapp, "en")
        QCoreApplication.processEvents()
    assert page.title.text() == "Out of order"


def test_the_watch_sees_a_save_a_replace_and_a_removal(qtbot: QtBot, tmp_path: Path
                                                      ) -> None:
    path = tmp_path / "kiosk.toml"
    path.write_text("a = 1\n")
    watch = SettingsWatch(path)
    seen: list[bool] = []
    watch.changed.connect(lambda: seen.append(True))
    assert watch.check() is False
    path.write_text("a = 12\n")  # saved in place (another size)
    assert watch.check() is True and watch.check() is False
    other = tmp_path / "new.toml"
    other.write_text("a = 3\n")
    other.replace(path)  # an editor's save by rename: another inode
    assert watch.check() is True
    path.unlink()
    assert file_signature(path) is None and watch.check() is True
    path.write_text("a = 3\n")
    assert watch.check() is True
    assert len(seen) == 4


@pytest.fixture
def restore_process_state(qapp: QCoreApplication) -> Iterator[None]:
    """wait_for_settings installs SIGTERM/SIGINT handlers and a translation."""
    from kiosk.ui.i18n import install_translator

    handlers = {s: signal.getsignal(s) for s in (signal.SIGTERM, signal.SIGINT)}
    yield
    for sig, handler in handlers.items():
        signal.signal(sig, handler)
    install_translator(qapp, "en")


@pytest.fixture
def notify_socket(monkeypatch: pytest.MonkeyPatch) -> Iterator[socket.socket]:
    """A stand-in for systemd's notify socket (NOTIFY_SOCKET)."""
    with tempfile.TemporaryDirectory(prefix="kiosk-sd-") as folder:
        address = str(Path(folder) / "notify")
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        sock.bind(address)
        sock.setblocking(False)
        monkeypatch.setenv("NOTIFY_SOCKET", address)
        try:
            yield sock
        finally:
            sock.close()


def received(sock: socket.socket) -> list[str]:
    out = []
    while True:
        try:
            out.append(sock.recv(256).decode())
        except BlockingIOError:
            return out


def page_and_watch() -> tuple[OutOfOrderPage, SettingsWatch]:
    [page] = [w for w in QApplication.topLevelWidgets()
              if isinstance(w, OutOfOrderPage) and w.isVisible()]
    watch = page.findChild(SettingsWatch)
    assert watch is not None
    return page, watch


def test_a_fixed_file_starts_the_kiosk(
    qtbot: QtBot, tmp_path: Path, restore_process_state: None,
    notify_socket: socket.socket, caplog: pytest.LogCaptureFixture,
) -> None:
    path, error = bad_file(tmp_path)
    steps: list[str] = []

    def still_bad() -> None:
        page, watch = page_and_watch()
        assert page.isFullScreen() or page.windowState()
        steps.append(page.texts()[0])
        path.write_text("[vision]\nthreads = 'two'\n")
        assert watch.check()  # the file changed: re-read, still bad
        steps.append(page.texts()[-1])
        path.write_text("[vision]\nthreads = 2\n")
        assert watch.check()  # fixed: the loop ends with the settings

    QTimer.singleShot(0, still_bad)
    settings = wait_for_settings(error, lambda: load_settings(path, env={}), watch=path,
                                 language="ko")
    assert isinstance(settings, Settings) and settings.vision.threads == 2
    assert steps[0] == "점검 중" and "아직 문제가 있습니다" in steps[1]
    assert "vision.threads = 'two': expected a whole number" in caplog.text
    messages = received(notify_socket)
    assert messages[:1] == ["READY=1"] and "STOPPING=1" not in messages
    assert not [w for w in QApplication.topLevelWidgets()
                if isinstance(w, OutOfOrderPage) and w.isVisible()]


def test_a_stop_request_ends_it_without_settings(
    qtbot: QtBot, tmp_path: Path, restore_process_state: None,
) -> None:
    path, error = bad_file(tmp_path)
    QTimer.singleShot(0, lambda: os.kill(os.getpid(), signal.SIGTERM))
    assert wait_for_settings(error, lambda: load_settings(path, env={}), watch=path) is None
