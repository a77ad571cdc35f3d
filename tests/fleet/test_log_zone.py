"""Bucket times in the kiosk's log are in the store's zone (`[analytics] timezone`) and
name it, as `kiosk-admin fleet status` and `report` show them. Before, the log used the
machine's zone without its name: a kiosk whose machine runs on UTC in a Seoul store
logged the bucket at 17:00 (Seoul) as 08:00+00:00, an hour the operator never saw
centrally."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from kiosk.analytics import Recorder
from kiosk.analytics.bucket import BucketStats
from kiosk.analytics.store import AnalyticsError, AnalyticsStore
from kiosk.config import Settings, load_settings
from kiosk.events.errors import EventsError
from kiosk.fleet.publisher import FleetPublisher
from kiosk.testing import FakeClock

T0 = 1_800_000_000.0  # 2027-01-15 08:00 UTC, 17:00 in Seoul
SEOUL = "2027-01-15T17:00:00+09:00 (Asia/Seoul)"


def settings_in_seoul(tmp_path: Path) -> Settings:
    return load_settings(env={}, overrides={
        "app.data_dir": str(tmp_path), "analytics.timezone": "Asia/Seoul",
        "fleet.enabled": "true", "aws.region": "us-east-1"})


def test_the_recorder_names_a_bucket_in_the_stores_zone(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    def refuse(*_args: object, **_kwargs: object) -> None:
        raise AnalyticsError("database or disk is full")

    monkeypatch.setattr(AnalyticsStore, "write", refuse)
    rec = Recorder.from_settings(settings_in_seoul(tmp_path), clock=FakeClock(T0))
    rec.started(unclean_previous_exit=True)  # saved at once
    with caplog.at_level(logging.ERROR):
        rec.write_pending()
    assert f"counts of the bucket at {SEOUL} not written yet" in caplog.text
    assert rec.store is not None
    rec.store.close()


def test_the_fleet_names_a_bucket_in_the_stores_zone(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    pub = FleetPublisher.from_settings(settings_in_seoul(tmp_path))

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise EventsError("the disk is full")

    monkeypatch.setattr(pub.queue, "record", refuse)
    try:
        with caplog.at_level(logging.ERROR):
            pub.on_counts(BucketStats(T0, 300.0, restarts=1))
    finally:
        pub.queue.close()
    assert f"fleet metrics of the bucket at {SEOUL} not queued" in caplog.text
