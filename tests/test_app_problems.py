"""The app wires every worker's `errored` to the operator: a failed job on the recommend
or events thread shows as the admin panel's "Last problem"."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from kiosk.app import Kiosk
from kiosk.config import load_settings
from kiosk.ui import admin_status


@pytest.fixture
def kiosk(qtbot: QtBot, tmp_path: Path) -> Iterator[Kiosk]:
    settings = load_settings(env={}, overrides={
        "camera.source": str(tmp_path / "unplugged.avi"),  # no camera: no vision thread
        "app.data_dir": str(tmp_path / "data"), "app.log_dir": str(tmp_path / "log"),
    })
    app = Kiosk(settings)
    qtbot.addWidget(app.window)
    app.start()
    yield app
    assert app.shutdown() == []


def fail(message: str) -> None:
    raise OSError(message)


def test_worker_errors_reach_the_admin_panel(kiosk: Kiosk, qtbot: QtBot) -> None:
    kiosk.worker.submit(fail, "catalog folder unreadable")
    qtbot.waitUntil(lambda: "catalog folder unreadable" in kiosk.window.last_problem,
                    timeout=30000)
    assert "recommend: fail failed: catalog folder unreadable" in kiosk.window.last_problem
    kiosk.events_worker.submit(fail, "database or disk is full")
    qtbot.waitUntil(lambda: "database or disk is full" in kiosk.window.last_problem,
                    timeout=30000)
    assert kiosk.problems.count >= 2
    assert "events: fail failed" in kiosk.window.last_problem
    kiosk.window.set_status(kiosk.status())
    other = "\n".join(admin_status.other_lines(kiosk.window.admin.status()))
    assert "Last problem: " in other and "database or disk is full" in other
