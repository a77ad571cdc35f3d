"""KiosksMissing (build/aws/fleet.yaml, with `ExpectedKiosks`): a kiosk that never
reported is in no per-kiosk query, so the fleet counts the kiosks with a heartbeat
(MAX per kiosk, then SUM over kiosks) against the number the operator expects. A kiosk
whose bucket lands twice still counts once (the old FleetSize count of datapoints let
it hide a silent one). The kiosk side: what a publisher really sends (PutMetricData
through botocore's Stubber) is what the model evaluates."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import boto3
from botocore.stub import ANY

from kiosk.analytics import BucketStats
from kiosk.events.queue import EventQueue
from kiosk.fleet.publisher import FleetPublisher, MetricsUploader

from .alarm_model import Evaluation, Point, evaluate, run_query
from .stubbed import publish_once
from .test_alarms import PARAMS, T0, P, beats
from .test_template import template


def missing(points: list[Point], now: float, expected: int) -> Evaluation:
    t = template()
    alarm = t["Resources"]["KiosksMissingAlarm"]["Properties"]
    return evaluate(alarm, points, now, {**PARAMS, "ExpectedKiosks": expected}, t["Mappings"])


def test_a_kiosk_that_never_reported_raises_the_alarm() -> None:
    # k3 was installed but its credentials never worked: no datapoint of its own at all
    points = beats("k1", range(4)) + beats("k2", range(4))
    assert missing(points, T0 + 4 * P, expected=3) == Evaluation("ALARM", [()])
    # NoHeartbeat cannot see it: it has no series in the per-kiosk query
    t = template()
    no_heartbeat = evaluate(t["Resources"]["NoHeartbeatAlarm"]["Properties"], points,
                            T0 + 4 * P, PARAMS, t["Mappings"])
    assert no_heartbeat.state == "OK"
    # once it reports, the fleet is whole
    points += beats("k3", range(2, 4))
    assert missing(points, T0 + 4 * P, expected=3).state == "OK"


def test_a_kiosk_sending_twice_does_not_hide_a_silent_one() -> None:
    # k2's calls time out after landing: each bucket arrives twice; k3 never reports
    points = beats("k1", range(4)) + beats("k2", range(4), copies=2)
    assert missing(points, T0 + 4 * P, expected=3) == Evaluation("ALARM", [()])
    # a count of datapoints (FleetSize's query) read 3 per bucket and saw nobody missing
    text = 'SELECT COUNT(Heartbeat) FROM SCHEMA("${Namespace}", KioskId, Site)'
    assert set(run_query(text, points, P)[()].values()) == {3.0}
    # everyone doubled and present: no alarm
    points += beats("k3", range(4), copies=2)
    assert missing(points + points, T0 + 4 * P, expected=3).state == "OK"


def test_two_buckets_in_a_row_and_a_silent_fleet() -> None:
    # one bucket late is not missing (2 of 2 buckets must be short)
    points = beats("k1", range(4)) + beats("k2", range(3))
    assert missing(points, T0 + 4 * P, expected=2).state == "OK"
    # nobody at all: no value in any period is breaching
    assert missing([], T0 + 4 * P, expected=2) == Evaluation("ALARM", [()])
    # more kiosks than expected (one added, the parameter not yet raised): no alarm
    points = beats("k1", range(4)) + beats("k2", range(4)) + beats("k3", range(4))
    assert missing(points, T0 + 4 * P, expected=2).state == "OK"


def test_the_template_makes_the_alarm_only_when_asked() -> None:
    t = template()
    param = t["Parameters"]["ExpectedKiosks"]
    assert param["Type"] == "Number" and param["Default"] == 0 and param["MinValue"] == 0
    assert param["MaxValue"] == 500  # a Metrics Insights query reads at most 500 series
    assert t["Conditions"]["CountsKiosks"] == {
        "!Not": [{"!Equals": [{"!Ref": "ExpectedKiosks"}, 0]}]}
    alarm = t["Resources"]["KiosksMissingAlarm"]
    assert alarm["Condition"] == "CountsKiosks"
    props = alarm["Properties"]
    beats_query, total = props["Metrics"]
    assert beats_query["Id"] == "beats" and beats_query["ReturnData"] is False
    assert beats_query["Expression"]["!Sub"].startswith("SELECT MAX(Heartbeat) ")
    assert "GROUP BY KioskId, Site" in beats_query["Expression"]["!Sub"]
    assert total == {"Id": "reporting", "Expression": "SUM(beats)", "Label": "Kiosks reporting",
                     "ReturnData": True}
    assert props["Threshold"] == {"!Ref": "ExpectedKiosks"}
    assert props["ComparisonOperator"] == "LessThanThreshold"
    assert props["TreatMissingData"] == "breaching"
    # the dashboard lists it only when it exists
    sub = t["Resources"]["FleetDashboard"]["Properties"]["DashboardBody"]["!Sub"]
    assert '"${QueueGrowingAlarm.Arn}"${Missing}]' in sub[0]
    assert sub[1]["Missing"] == {"!If": ["CountsKiosks",
                                         {"!Sub": ', "${KiosksMissingAlarm.Arn}"'}, ""]}


def sent_datums(tmp_path: Path, kiosk_id: str, *, restart: bool) -> list[dict[str, Any]]:
    """The MetricData a kiosk's publisher sends for one bucket (through the Stubber),
    with an early row when the run started after an unclean end."""
    client = boto3.client("cloudwatch", region_name="us-east-1")
    sent: list[dict[str, Any]] = []
    client.meta.events.register("provide-client-params.cloudwatch.PutMetricData",
                                lambda params, **_: sent.extend(params["MetricData"]))
    queue = EventQueue(tmp_path / f"{kiosk_id}.sqlite3", synchronous="NORMAL")
    uploader = MetricsUploader(queue, "Kiosk/Fleet", client=client, base_backoff_s=0.01)
    pub = FleetPublisher(queue, uploader, site="lab", kiosk_id=kiosk_id, profile="lean")
    start = time.time() // P * P - P
    if restart:
        pub.on_counts(BucketStats(start, P, restarts=1, crashes=1))
    pub.on_bucket(BucketStats(start, P, restarts=int(restart), crashes=int(restart)))
    publish_once(pub, client, "Kiosk/Fleet", ANY)
    return [{**d, "Timestamp": d["Timestamp"].timestamp()} for d in sent]


def test_what_kiosks_send_counts_each_kiosk_once(tmp_path: Path) -> None:
    """Through the real publisher: k2's bucket reaches CloudWatch as two rows (its
    restart went early), so it has two Heartbeat datapoints; with k3 never sending,
    2 kiosks report, not 3."""
    k1 = sent_datums(tmp_path, "k1", restart=False)
    k2 = sent_datums(tmp_path, "k2", restart=True)
    assert [d["MetricName"] for d in k2].count("Heartbeat") == 2
    from .alarm_model import points_from_datums

    start = k1[0]["Timestamp"]
    points = points_from_datums(k1 + k2)
    # the same two buckets in a row (the model's window): shift them one bucket back
    points += [Point(p.kiosk, p.metric, p.ts - P, p.value) for p in points]
    now = start + P
    total = run_query('SELECT MAX(Heartbeat) FROM SCHEMA("${Namespace}", KioskId, Site) '
                      "GROUP BY KioskId, Site", points, P)
    assert sum(series[start] for series in total.values()) == 2.0
    assert missing(points, now, expected=3) == Evaluation("ALARM", [()])
    assert missing(points, now, expected=2).state == "OK"
