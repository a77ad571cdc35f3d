"""The fleet's metrics queue is told apart from the event queue: its own thread, logger
and words in the log ("metrics uploader: …", "metrics queue: …"), its own counts in
`kiosk-admin fleet queue`, and the read-only commands never create its file."""

from __future__ import annotations

import json
import logging
import socket
import threading
import time
from pathlib import Path

import pytest

from kiosk.admin.cli import main
from kiosk.analytics import BucketStats
from kiosk.config import load_settings
from kiosk.fleet.publisher import FleetPublisher, metric_record, open_metrics_queue


def closed_port() -> int:
    with socket.socket() as s:  # nothing listens on it afterwards
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_metrics_uploader_logs_and_runs_under_its_own_names(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    settings = load_settings(env={}, overrides={
        "app.data_dir": str(tmp_path), "fleet.enabled": "true", "aws.region": "us-east-1",
        "fleet.endpoint_url": f"http://127.0.0.1:{closed_port()}",
        "aws.connect_timeout_s": "0.2",
    })
    caplog.set_level(logging.INFO)
    pub = FleetPublisher.from_settings(settings, offline_retry_s=0.2, base_backoff_s=0.05)
    pub.start()
    try:
        assert "kiosk-metrics-uploader" in [t.name for t in threading.enumerate()]
        assert "kiosk-uploader" not in [t.name for t in threading.enumerate()]
        now = time.time()
        pub.on_bucket(BucketStats(now - now % 300, 300))
        assert not pub.uploader.flush(5.0)  # offline: the row stays
        assert pub.queue.status()["pending_by_kind"] == {"metric": 1}
    finally:
        pub.stop()
    kiosk = [(r.name, r.getMessage()) for r in caplog.records if r.name.startswith("kiosk")]
    lines = [(name, message) for name, message in kiosk if "uploader: " in message]
    assert lines, "the metrics uploader logged nothing while offline"
    assert all(name == "kiosk.fleet.publisher" and message.startswith("metrics uploader: ")
               for name, message in lines), lines
    assert not [r for r in caplog.records if r.name == "kiosk.events.uploader"]
    assert not [m for _, m in kiosk if "event queue" in m]
    assert any(m.startswith("the metrics queue ") for _, m in kiosk)  # its schema set up


def test_fleet_queue_shows_the_metrics_queue_counts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = load_settings(env={}, overrides={"app.data_dir": str(tmp_path)})
    with open_metrics_queue(settings) as queue:
        queue.record(metric_record([{"MetricName": "Heartbeat", "Value": 1.0}], time.time()))
    assert main(["fleet", "queue", "--data-dir", str(tmp_path)]) == 0
    status = json.loads(capsys.readouterr().out)
    assert status["pending_by_kind"] == {"metric": 1}  # not the event queue's kinds
    assert status["pending"] == 1 and status["fleet_enabled"] is False
    assert status["max_records"] == 100_000  # the metrics queue's own bound


@pytest.mark.parametrize("command", ["queue", "retry-dead"])
def test_read_only_fleet_commands_never_create_the_queue(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str
) -> None:
    assert main(["fleet", command, "--data-dir", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "no metrics queue at" in err and "[fleet] enabled = false" in err
    assert list(tmp_path.iterdir()) == []  # no metrics.sqlite3 (nor -wal, -shm)
