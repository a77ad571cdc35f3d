"""A kiosk with no camera on purpose (an empty `camera.source`, README "--camera") is
not a fault: one INFO line, a neutral Camera tile, and the mood picker's invitation."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from kiosk.app import Kiosk
from kiosk.config import load_settings
from kiosk.ui import admin_status


def test_an_empty_camera_source_is_no_camera_not_a_fault(
    qtbot: QtBot, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="kiosk")
    (tmp_path / "catalog" / "happy").mkdir(parents=True)
    settings = load_settings(env={}, overrides={
        "camera.source": "",
        "recommend.catalog_dir": str(tmp_path / "catalog"),
        "app.data_dir": str(tmp_path / "data"), "app.log_dir": str(tmp_path / "log"),
    })
    app = Kiosk(settings)
    qtbot.addWidget(app.window)
    app.start()
    try:
        assert app.camera is None and app.vision is None
        camera_lines = [r for r in caplog.records if "camera" in r.getMessage()
                        and r.name == "kiosk.app"]
        assert [(r.levelno, r.getMessage()) for r in camera_lines] == [
            (logging.INFO, "no camera configured: the mood picker only")]
        assert not [r for r in caplog.records
                    if r.levelno >= logging.ERROR and "camera" in r.getMessage()]
        status = app.status().as_dict()
        assert status["camera_state"] == "NONE"
        app.window.set_status(status)
        tile = admin_status.camera_tile(app.window.admin.status())
        assert tile.value == "Off — none configured" and not tile.alert
        # the data disk's free space, read afresh for each status (the Disk tile)
        assert isinstance(status["disk_free_mb"], float)
        assert admin_status.disk_tile(app.window.admin.status()).value == "OK"
        assert "unavailable" not in app.window.mood.subtitle.text()
    finally:
        assert app.shutdown() == []
