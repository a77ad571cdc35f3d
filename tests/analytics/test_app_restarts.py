"""The app counts a start as a restart (analytics, fleet "Restarts") only when the run
record says the previous run ended uncleanly, as the admin panel does."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from kiosk.app import Kiosk
from kiosk.config import load_settings
from kiosk.crashlog import CrashInfo


@pytest.mark.parametrize(("after_unclean", "restarts"), [(False, 0), (True, 1)])
def test_a_start_is_a_restart_only_after_an_unclean_end(
    qtbot: QtBot, tmp_path: Path, after_unclean: bool, restarts: int
) -> None:
    settings = load_settings(env={}, overrides={
        "camera.source": "", "app.data_dir": str(tmp_path / "data"),
        "app.log_dir": str(tmp_path / "log"),
    })
    kiosk = Kiosk(settings)
    qtbot.addWidget(kiosk.window)
    kiosk.history = CrashInfo(restarts_last_hour=int(after_unclean),
                              unclean_exits_last_hour=int(after_unclean),
                              after_unclean=after_unclean)
    kiosk.start()
    try:
        rec = kiosk.analytics
        assert rec is not None
        snap = rec.snapshot()
        assert (snap.restarts, snap.crashes) == (restarts, restarts)
    finally:
        assert kiosk.shutdown() == []
