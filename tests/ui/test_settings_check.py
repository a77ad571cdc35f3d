"""A settings file edited while the kiosk runs is checked at once: a mistake is logged
(and shown as the admin panel's "Last problem") now, not found at the next start."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from kiosk.config import load_settings
from kiosk.ui.settings_check import SettingsCheck


def test_an_edit_with_a_mistake_is_reported_while_running(
        qtbot: QtBot, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "kiosk.toml"
    path.write_text("[app]\nidle_timeout_s = 30\n")
    check = SettingsCheck(path, load_settings)
    problems: list[str] = []
    check.problem.connect(problems.append)
    assert check.watch.check() is False  # nothing changed yet: nothing read
    with caplog.at_level(logging.INFO, "kiosk.ui.settings_check"):
        path.write_text("[app]\nidle_timeout_s = 10,0\n")  # the tester's typo
        assert check.watch.check() is True
        assert problems and "kiosk.toml, line 2" in problems[0]
        assert "runs on with the settings it started with" in caplog.text
        caplog.clear()
        fixed: list[bool] = []
        check.fixed.connect(lambda: fixed.append(True))
        path.write_text("[app]\nidle_timeout_s = 10\n")
        check.watch.check()
        assert "changed and is valid" in caplog.text and len(problems) == 1
        assert fixed == [True]  # the admin panel's "Last problem" goes
        caplog.clear()
        path.write_text("[app]\nidle_timeout_s = 30\n")  # what the kiosk started with
        check.watch.check()
        assert "back to what the kiosk runs with" in caplog.text and fixed == [True]
        caplog.clear()
        path.unlink()
        check.watch.check()
        assert "was removed" in caplog.text and "defaults" in caplog.text


def test_the_running_kiosk_watches_its_settings_file(
        qtbot: QtBot, tmp_path: Path) -> None:
    from kiosk.app import Kiosk

    path = tmp_path / "kiosk.toml"
    path.write_text(f'[app]\ndata_dir = "{(tmp_path / "data").as_posix()}"\n'
                    f'log_dir = "{(tmp_path / "log").as_posix()}"\n'
                    '[camera]\nsource = ""\n')
    kiosk = Kiosk(load_settings(path, env={}))
    qtbot.addWidget(kiosk.window)
    kiosk.start()
    try:
        assert kiosk.settings_check.path == path
        assert kiosk.settings_check.watch.timer.isActive()
        good = path.read_text()
        path.write_text(good + "[vision]\nthreads = -2\n")
        qtbot.waitUntil(lambda: "vision.threads" in kiosk.window.last_problem, timeout=5000)
        path.write_text(good)  # fixed: no longer the "Last problem"
        qtbot.waitUntil(lambda: kiosk.window.last_problem == "", timeout=5000)
    finally:
        assert kiosk.shutdown() == []
    assert not kiosk.settings_check.watch.timer.isActive()
