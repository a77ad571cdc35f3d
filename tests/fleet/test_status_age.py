"""`kiosk-admin fleet status` tells a live kiosk from a dead one: the heartbeat age is
the time since the end of the newest bucket the kiosk sent, to its bucket (read at a
60-s period), and the problem column says what is wrong and since when. CloudWatch is
botocore's Stubber answering as `cloudwatch_model` computes (periods from the request's
start), so an age read from 5-minute windows shows as it did for the tester."""

from __future__ import annotations

import argparse
import json
import time
from datetime import UTC
from types import SimpleNamespace
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

from kiosk.admin.fleet_cmds import cmd_status
from kiosk.config import Settings
from kiosk.fleet.status import COLUMNS, KioskLine, fleet_status
from kiosk.fleet.status import RECENT as RECENT_SERIES
from tests.fleet.cloudwatch_model import Raw, query, stub_call

NOW = 1_800_000_000.0  # a whole 5 minutes
DAY = 86400.0
RECENT = list(RECENT_SERIES.values())


def stub_status(stub: Stubber, raw: Raw, now: float, today: float) -> None:
    """ListMetrics finds the kiosks with a Heartbeat in `raw`; then the 24-hour call
    (5-minute periods) and the recent one (60-s periods, the last 3 hours)."""
    kiosks = sorted({(site, kid) for site, kid, metric in raw if metric == "Heartbeat"})
    stub.add_response("list_metrics", {"Metrics": [
        {"Namespace": "Kiosk/Fleet", "MetricName": "Heartbeat",
         "Dimensions": [{"Name": "Site", "Value": s}, {"Name": "KioskId", "Value": k}]}
        for s, k in kiosks]}, {"Namespace": "Kiosk/Fleet", "MetricName": "Heartbeat"})
    end = now + 300
    stub_call(stub, raw, [query(f"q{i}_{j}", s, k, metric, stat, 300)
                          for i, (s, k) in enumerate(kiosks)
                          for j, (metric, stat, _how) in enumerate(COLUMNS.values())],
              min(today, now - DAY), end)
    stub_call(stub, raw, [query(f"r{i}_{j}", s, k, metric, stat, 60)
                          for i, (s, k) in enumerate(kiosks)
                          for j, (metric, stat) in enumerate(RECENT)],
              (now - 3 * 3600) // 60 * 60, end)


def beats(newest_start: float, bucket_s: float, n: int = 30) -> list[tuple[float, float]]:
    """Heartbeats of `n` buckets in a row, the newest starting at `newest_start`."""
    return [(newest_start - i * bucket_s, 1.0) for i in range(n)]


def status(raw: Raw, now: float, bucket_s: float = 300.0) -> list[KioskLine]:
    client = boto3.client("cloudwatch", region_name="us-east-1")
    with Stubber(client) as stub:
        stub_status(stub, raw, now, now - 6 * 3600)
        lines = fleet_status(client, "Kiosk/Fleet", now=now, today_start=now - 6 * 3600,
                             zone=UTC, bucket_s=bucket_s)
        stub.assert_no_pending_responses()
    return lines


@pytest.mark.parametrize(("bucket_s", "now", "newest_end", "age"), [
    (60.0, NOW, NOW - 60, 60.0),  # 1-min buckets, the newest sent a minute ago (was 300)
    (60.0, NOW, NOW - 360, 360.0),  # stopped 6 min ago (was 600, "10 min")
    (60.0, NOW + 40, NOW - 180, 220.0),  # stopped 3 min 40 s ago (was 300, as a live one)
    (300.0, NOW + 150, NOW, 150.0),  # 5-min buckets, sent 2.5 min ago (was 600: the alarm's)
])
def test_heartbeat_age_is_since_the_end_of_the_newest_bucket(
        bucket_s: float, now: float, newest_end: float, age: float) -> None:
    # the settings read say 5-minute buckets: the kiosk's own comes from its points
    (line,) = status({("mall", "k1", "Heartbeat"): beats(newest_end - bucket_s, bucket_s)},
                     now)
    assert line.heartbeat_age_s == age
    assert line.bucket_min == bucket_s / 60
    assert f"heartbeat {age:.0f} s ago" in line.text() or f"{age / 60:.0f} min ago" in line.text()


def test_live_and_dead_kiosks_differ() -> None:
    # both 1-minute kiosks; k2 stopped 4 minutes ago, k1 sent its bucket 30 s ago
    raw = {("mall", "k1", "Heartbeat"): beats(NOW - 60, 60.0),
           ("mall", "k2", "Heartbeat"): beats(NOW - 300, 60.0)}
    live, dead = status(raw, NOW + 30)
    assert (live.heartbeat_age_s, dead.heartbeat_age_s) == (30.0, 270.0)
    assert live.problems == () and "mall/k1 [ok]: heartbeat 30 s ago" in live.text()
    assert [p.kind for p in dead.problems] == ["no_heartbeat"]  # two buckets missed
    assert ("mall/k2 [no heartbeat since 07:56 (crashed, or lost power or network)]: "
            "heartbeat 4 min ago") in dead.text()


def test_one_heartbeat_uses_the_settings_bucket() -> None:
    (line,) = status({("mall", "k1", "Heartbeat"): [(NOW - 600, 1.0)]}, NOW, bucket_s=120.0)
    assert (line.heartbeat_age_s, line.bucket_min) == (480.0, 2.0)


def test_two_heartbeats_an_outage_apart_do_not_make_a_long_bucket() -> None:
    """A 5-min kiosk that ran one bucket, was off 40 min, ran one more and stopped 12
    min ago: the one gap (45 min) is the outage, not its bucket. Taken as the bucket,
    the age read 0 s ("live"); at most the settings' 5 min it errs long, not short."""
    raw = {("mall", "k1", "Heartbeat"): [(NOW - 3600, 1.0), (NOW - 900, 1.0)]}
    (line,) = status(raw, NOW + 12 * 60 - 600, bucket_s=300.0)
    assert line.bucket_min == 5.0
    assert line.heartbeat_age_s == 12 * 60 - 600 + 900 - 300
    assert [p.kind for p in line.problems] == ["no_heartbeat"]


def test_a_kiosk_silent_for_hours_gets_its_age_from_the_day() -> None:
    # nothing in the last 3 hours: the 5-minute points of the last 24 hours
    (line,) = status({("mall", "k1", "Heartbeat"): beats(NOW - 5 * 3600 - 300, 300.0)}, NOW)
    assert line.heartbeat_age_s == 5 * 3600
    assert line.problem_text() == "no heartbeat since 03:00 (crashed, or lost power or network)"


def test_problems_say_what_and_since_when() -> None:
    b = 300.0
    starts = [NOW - (20 - i) * b for i in range(20)]  # the newest ended at NOW
    raw: dict[tuple[str, str, str], list[tuple[float, float]]] = {
        ("mall", "k1", "Heartbeat"): [(t, 1.0) for t in starts],
        # LIVE until the bucket at 07:40 (its share 30 %), none since
        ("mall", "k1", "CameraLive"): [(t, 100.0 if t < NOW - 4 * b else
                                        30.0 if t == NOW - 4 * b else 0.0) for t in starts],
        ("mall", "k1", "UploadsFailing"): [(t, 2.0 if t >= NOW - 2 * b else 0.0)
                                           for t in starts],
        ("mall", "k1", "DiskFreeMB"): [(t, 2000.0 - i * 60) for i, t in enumerate(starts)],
        ("mall", "k2", "Heartbeat"): [(t, 1.0) for t in starts],
        ("mall", "k2", "CameraLive"): [(t, 0.0) for t in starts[-5:]],  # all it sent
        ("mall", "k2", "DiskFreeMB"): [(t, 900.0) for t in starts[:-1]] + [(NOW - b, 1500.0)],
    }
    k1, k2 = status(raw, NOW + 10)
    assert [(p.kind, p.since) for p in k1.problems] == [
        ("camera_lost", NOW - 4 * b), ("uploads_failing", NOW - 2 * b), ("disk_low", None)]
    assert k1.text().startswith("mall/k1 [camera lost since 07:40; uploads failing since "
                                "07:50; disk low: 860 MB free]: heartbeat 10 s ago, camera "
                                "LIVE 0%")
    assert k1.disk_free_mb == 860.0
    # k2's camera was never LIVE in what it sent: since its first point; disk recovered
    assert k2.problem_text() == "camera lost since 07:35"
    assert k2.disk_free_mb == 1500.0


def test_a_run_reaching_the_window_start_says_before() -> None:
    starts = [NOW - 3 * 3600 + i * 300 for i in range(36)]
    raw = {("mall", "k1", "Heartbeat"): [(t, 1.0) for t in starts],
           ("mall", "k1", "CameraLive"): [(t, 0.0) for t in starts]}
    (line,) = status(raw, NOW)
    assert line.problem_text() == "camera lost since before 05:00"


def test_json_has_the_problems(capsys: pytest.CaptureFixture[str],
                               monkeypatch: pytest.MonkeyPatch) -> None:
    import kiosk.fleet.status as status_mod

    raw = {("mall", "k1", "Heartbeat"): beats(NOW - 120, 60.0),
           ("mall", "k1", "DiskFreeMB"): [(NOW - 120, 500.0)]}
    client = boto3.client("cloudwatch", region_name="us-east-1")
    settings = Settings().with_overrides({"analytics.timezone": "Asia/Seoul"}, "test")
    args = argparse.Namespace(settings=settings, json=True, namespace=None, disk_low_mb=None)
    monkeypatch.setattr(status_mod, "time", SimpleNamespace(time=lambda: NOW))
    today = NOW - 17 * 3600  # 17:00 in Seoul
    with Stubber(client) as stub:
        stub_status(stub, raw, NOW, today)
        assert cmd_status(args, client=client) == 0
        stub.assert_no_pending_responses()
    out: dict[str, Any] = json.loads(capsys.readouterr().out)
    assert out["bucket_min"] == 5 and out["disk_low_mb"] == 1024
    assert out["heartbeat_age_means"].startswith("time since the end of the newest bucket")
    (kiosk,) = out["kiosks"]
    assert (kiosk["heartbeat_age_s"], kiosk["bucket_min"], kiosk["disk_free_mb"]) == (
        60.0, 1.0, 500.0)
    assert kiosk["problems"] == [{"kind": "disk_low", "since": None, "since_before": False,
                                  "since_local": None, "free_mb": 500.0,
                                  "reason_code": None, "reason": "",
                                  "nothing_since": False, "at_stop": False,
                                  "text": "disk low: 500 MB free"}]


def test_through_moto_a_live_and_a_stopped_kiosk() -> None:
    """The tester's set-up: the kiosks' own datums in moto's CloudWatch, 1-min buckets."""
    from moto import mock_aws

    from kiosk.analytics.bucket import BucketStats
    from kiosk.fleet.metrics import bucket_datums, to_api

    now = time.time() // 60 * 60 + 20  # 20 s into a minute
    sent = {"k1": now - 20 - 60, "k2": now - 20 - 6 * 60}  # the newest bucket's start
    with mock_aws():
        client = boto3.client("cloudwatch", region_name="us-east-1")
        for kid, newest in sent.items():
            data = [to_api(d) for i in range(20)
                    for d in bucket_datums(BucketStats(newest - 60 * i, 60.0), "mall", kid)]
            client.put_metric_data(Namespace="Kiosk/Fleet", MetricData=data)
        live, stopped = fleet_status(client, "Kiosk/Fleet", now=now, zone=UTC)
    assert (live.heartbeat_age_s, stopped.heartbeat_age_s) == (20.0, 320.0)
    assert (live.problem_text(), stopped.problems[0].kind) == ("ok", "no_heartbeat")
