"""The app tells the privacy notice that the fleet sends visit totals to CloudWatch
(tester round 21: with `[fleet] enabled` the notice said "Nothing is sent to the
cloud."); the fleet publishes the analytics buckets, so without analytics it sends
nothing and the notice says so."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from kiosk.app import Kiosk
from kiosk.config import load_settings


@pytest.mark.parametrize(("fleet", "analytics", "sent"), [
    ("true", "true", True), ("true", "false", False), ("false", "true", False)])
def test_the_notice_says_what_the_fleet_sends(qtbot: QtBot, tmp_path: Path, fleet: str,
                                              analytics: str, sent: bool) -> None:
    settings = load_settings(env={}, overrides={
        "camera.source": "", "app.data_dir": str(tmp_path / "d"),
        "app.log_dir": str(tmp_path / "log"), "fleet.enabled": fleet,
        "analytics.enabled": analytics,
    })
    kiosk = Kiosk(settings)  # not started: the notice is set when the window is built
    qtbot.addWidget(kiosk.window)
    for text in (kiosk.window.main.privacy.text(), kiosk.window.attract.privacy.text()):
        assert ("Only visit totals go to the cloud (Amazon CloudWatch), never an image."
                in text) is sent
        assert ("Nothing is sent to the cloud." in text) is (not sent)
