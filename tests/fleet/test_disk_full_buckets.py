"""A full data disk and the fleet's metrics queue: the bucket that cannot be queued is
held in memory (a few at most) and queued, in order, once the queue takes rows again;
the message speaks of metric buckets, not likes, and gives bucket times as local ISO
time, not epoch seconds."""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from kiosk.analytics import BucketStats
from kiosk.config import load_settings
from kiosk.errors import DiskFullError
from kiosk.events.queue import EventQueue
from kiosk.events.records import RecordKind
from kiosk.fleet import ledger
from kiosk.fleet.publisher import (
    HELD_BUCKETS,
    FleetPublisher,
    MetricsUploader,
    metric_record,
    open_metrics_queue,
)

T0 = 1_800_000_000.0
BUCKET_S = 300.0


def bucket(i: int) -> BucketStats:
    return BucketStats(T0 + i * BUCKET_S, BUCKET_S, visits=i + 1, disk_free_mb=1.0)


def full_queue(tmp_path: Path) -> EventQueue:
    """The kiosk's metrics queue on a disk with room for only a few more pages, filled."""
    settings = load_settings(env={}, overrides={"app.data_dir": str(tmp_path),
                                                "fleet.enabled": "true"})
    with open_metrics_queue(settings) as queue:  # the schema at full size first
        queue.record(metric_record([{"MetricName": "Heartbeat", "Value": 1.0}], T0))
        pages = queue.used_bytes() // 4096 + 1

    def tiny_disk(conn: sqlite3.Connection) -> None:
        conn.execute(f"PRAGMA max_page_count = {pages + 3}")

    queue = open_metrics_queue(settings, on_connect=tiny_disk)
    for _ in range(2000):
        try:
            queue.record(metric_record([{"MetricName": "Pad", "Value": 1.0,
                                         "Note": "x" * 400}], T0))
        except DiskFullError:
            return queue
    raise AssertionError("the tiny database never filled up")


def publisher(queue: EventQueue) -> FleetPublisher:
    # the store's zone, as `from_settings` gives it: log lines name bucket times in it
    up = MetricsUploader(queue, "Kiosk/Test", client=object(), zone=ZoneInfo("Asia/Seoul"))
    return FleetPublisher(queue, up, site="s", kiosk_id="k1", profile="lean")


def free_room(queue: EventQueue) -> None:
    """Space on the disk is freed."""
    queue.transact("free room", lambda conn: conn.execute("PRAGMA max_page_count = 1000000"))


def queued_starts(queue: EventQueue) -> list[float]:
    out: list[Any] = []
    while (batch := queue.next_batch([RecordKind.METRIC])) is not None:
        out += [d["Timestamp"] for row in batch.rows for d in row.body["datums"]
                if d["MetricName"] == "Heartbeat" and "Timestamp" in d]
        queue.ack(batch.ids)
    return out


def test_a_bucket_the_full_disk_refused_is_queued_when_there_is_room(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    queue = full_queue(tmp_path)
    try:
        pub = publisher(queue)
        pub.on_bucket(bucket(0))
        pub.on_bucket(bucket(1))
        failed = [r.getMessage() for r in caplog.records
                  if r.getMessage().startswith("fleet metrics of the bucket at ")]
        # 08:00 UTC is 17:00 in the store's zone, whatever the machine's (before: the
        # machine's zone, unnamed, an hour `fleet status` never showed)
        assert failed[0].startswith("fleet metrics of the bucket at 2027-01-15T17:00:00+09:00 "
                                    "(Asia/Seoul) not queued; ")
        assert "the metric buckets already in the metrics queue are kept" in failed[0]
        assert "likes" not in failed[0] and f"{T0:.0f}" not in failed[0]
        assert ("kept in memory, sent from there and queued once the metrics queue takes "
                f"rows again (2 held, at most {HELD_BUCKETS};") in failed[1]
        free_room(queue)
        pub.on_bucket(bucket(2))
        assert queued_starts(queue)[-3:] == [T0, T0 + BUCKET_S, T0 + 2 * BUCKET_S]
        assert "fleet: 2 bucket(s) held while the metrics queue could not take them " \
               "queued now" in caplog.text
        # each entered in the fleet's ledger with its row (no second send at a start)
        handed = queue.transact("read", lambda conn: [
            ledger.handed(conn, T0 + i * BUCKET_S).visits for i in range(3)])
        assert handed == [1, 2, 3]
    finally:
        queue.close()


def test_at_most_a_few_buckets_are_held(tmp_path: Path,
                                        caplog: pytest.LogCaptureFixture) -> None:
    queue = full_queue(tmp_path)
    try:
        pub = publisher(queue)
        for i in range(HELD_BUCKETS + 2):
            pub.on_bucket(bucket(i))
        lost = [r.getMessage() for r in caplog.records if "is lost" in r.getMessage()]
        assert len(lost) == 2
        free_room(queue)
        pub.on_bucket(bucket(HELD_BUCKETS + 2))
        assert queued_starts(queue)[-(HELD_BUCKETS + 1):] == [
            T0 + i * BUCKET_S for i in range(2, HELD_BUCKETS + 3)]
    finally:
        queue.close()
