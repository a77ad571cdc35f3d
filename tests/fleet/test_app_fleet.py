"""The app with `[fleet]` on: a start after an unclean end queues its restart at once
(the run may never see its bucket close), the last bucket's datums are queued at
shutdown, and the analytics and metrics databases are opened off the GUI thread."""

from __future__ import annotations

import json
import socket
import sqlite3
import threading
from pathlib import Path

from pytestqt.qtbot import QtBot

from kiosk.app import Kiosk
from kiosk.config import load_settings
from kiosk.crashlog import CrashInfo
from kiosk.ui import admin_status


def queued_sum(data_dir: Path, metric: str) -> float:
    """The sum of `metric` over the metrics queue's rows (0 before the file exists)."""
    path = data_dir / "metrics.sqlite3"
    if not path.exists():
        return 0.0
    with sqlite3.connect(path) as db:
        try:
            bodies = [json.loads(b) for (b,) in db.execute("SELECT body FROM records")]
        except sqlite3.OperationalError:  # the table is not there yet
            return 0.0
    return sum(d["Value"] for body in bodies for d in body["datums"]
               if d["MetricName"] == metric)


def test_shutdown_queues_the_last_bucket(qtbot: QtBot, tmp_path: Path,
                                         monkeypatch: object) -> None:
    with socket.socket() as s:  # a port nothing listens on: the kiosk is offline
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    settings = load_settings(env={}, overrides={
        "camera.source": "", "app.data_dir": str(tmp_path / "d"),
        "app.log_dir": str(tmp_path / "log"), "fleet.enabled": "true",
        "fleet.site": "lobby", "fleet.kiosk_id": "k7", "aws.region": "us-east-1",
        "fleet.endpoint_url": f"http://127.0.0.1:{port}",
    })
    import kiosk.analytics.store as store_module

    opened_on: list[str] = []
    real_init = store_module.AnalyticsStore.__init__

    def spy(self: object, *args: object, **kwargs: object) -> None:
        opened_on.append(threading.current_thread().name)
        real_init(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(store_module.AnalyticsStore, "__init__", spy)  # type: ignore[attr-defined]
    kiosk = Kiosk(settings)
    qtbot.addWidget(kiosk.window)
    # run_app's record: the previous run died, so this start is a restart
    kiosk.history = CrashInfo(restarts_last_hour=1, unclean_exits_last_hour=1,
                              after_unclean=True)
    kiosk.start()
    rec = kiosk.analytics
    assert rec is not None
    try:
        kiosk.window.wake()
        kiosk.window.mood_picked.emit("calm")
        qtbot.waitUntil(lambda: rec.snapshot().mood_picks == 1, timeout=5000)
        qtbot.waitUntil(lambda: rec.store is not None, timeout=10000)
        # the restart is queued long before the bucket closes: a kiosk killed now still
        # reports it (CrashLoop), the rest of the bucket follows when it closes
        qtbot.waitUntil(lambda: queued_sum(tmp_path / "d", "Restarts") == 1.0, timeout=10000)
        # the admin panel says the metrics cannot go out (tester round 12: it did not)
        def fleet_line() -> str:
            fleet = kiosk.status().as_dict().get("fleet metrics")
            return admin_status.fleet_text(fleet) if isinstance(fleet, dict) else ""

        qtbot.waitUntil(lambda: "nothing sent since the start" in fleet_line(), timeout=10000)
        assert "waiting" in fleet_line() and "last error:" in fleet_line()
        # and the Network tile says it is needed, and offline (tester round 13)
        tile = admin_status.network_tile(kiosk.status().as_dict())
        assert (tile.value, tile.alert) == ("Offline", True) and "CloudWatch" in tile.detail
        # the back end (catalog scan, the picked mood's page) is done before shutdown
        qtbot.waitUntil(lambda: kiosk.controller.page is not None, timeout=90000)
    finally:
        assert kiosk.shutdown() == []
    assert opened_on == ["kiosk-analytics"]
    with sqlite3.connect(tmp_path / "d" / "metrics.sqlite3") as db:
        bodies = [json.loads(b) for (b,) in db.execute("SELECT body FROM records")]
    # the run's start and its clean stop, each a row of its own, the stop queued although
    # the kiosk is offline (sent at the next start)
    runs = [d["Value"] for body in bodies for d in body["datums"] if d["MetricName"] == "Stopped"]
    assert runs == [0.0, 1.0]
    bodies = [b for b in bodies if b["datums"][0]["MetricName"] != "Stopped"]
    datums = [d for body in bodies for d in body["datums"]]
    assert 2 <= len(bodies) <= 3  # the early restart, the bucket (two at a boundary)
    total = {n: sum(d["Value"] for d in datums if d["MetricName"] == n)
             for n in ("Heartbeat", "Restarts", "MoodPicks")}
    assert total == {"Heartbeat": len(bodies), "Restarts": 1.0,
                     "MoodPicks": 0.0}  # MoodPicks is not a fleet metric
    # no camera on purpose (camera.source ""): no camera time, so no CameraLive (before:
    # 0 %, and `fleet status` said "camera lost" for a kiosk that has no camera)
    assert not {"CameraLive", "CameraTrouble"} & {d["MetricName"] for d in datums}
    assert all(d["Dimensions"] == [{"Name": "Site", "Value": "lobby"},
                                   {"Name": "KioskId", "Value": "k7"}] for d in datums)
