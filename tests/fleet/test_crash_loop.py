"""A crash-looping kiosk reaches CloudWatch: each run that starts after an unclean end
queues its heartbeat, restart and crash at once, though most runs never see their bucket
close; CrashLoop (not NoHeartbeat) fires, no restart is counted twice, and `kiosk-admin
fleet status` (moto's CloudWatch) shows the same restarts as the kiosk's own report."""

from __future__ import annotations

import json
import sqlite3
import time
from pathlib import Path
from typing import Any

from kiosk.analytics import AnalyticsStore, Recorder
from kiosk.events.queue import EventQueue
from kiosk.fleet.metrics import MAX_DATUMS_PER_CALL, to_api
from kiosk.fleet.publisher import FleetPublisher, MetricsUploader
from kiosk.fleet.status import KioskLine, fleet_status

from .alarm_model import Evaluation, evaluate, points_from_datums
from .test_template import template

BUCKET_S = 300.0
T0 = time.time() // BUCKET_S * BUCKET_S - 3600.0  # a bucket start an hour ago


def run(folder: Path, start: float, life_s: float, *, unclean: bool) -> None:
    """One run of the kiosk's analytics and fleet publisher, as the app wires them,
    killed (no shutdown) `life_s` after its start."""
    clock = [start]
    store = AnalyticsStore(folder / "analytics.sqlite3")
    queue = EventQueue(folder / "metrics.sqlite3", synchronous="NORMAL")
    uploader = MetricsUploader(queue, "Kiosk/Fleet", client=object())  # never started
    publisher = FleetPublisher(queue, uploader, site="lab", kiosk_id="k1", profile="lean")
    rec = Recorder(store, bucket_s=BUCKET_S, clock=lambda: clock[0])
    rec.add_bucket_listener(publisher.on_bucket)
    rec.add_counts_listener(publisher.on_counts)
    rec.started(unclean_previous_exit=unclean)
    rec.write_pending()  # the analytics thread's first pass, seconds after the start
    clock[0] = start + life_s
    rec.write_pending()  # its pass just before the kill (closes a bucket whose time is up)
    store.close()  # kill -9: the files are closed by the OS, nothing else happens
    queue.close()


def queued_datums(folder: Path) -> list[dict[str, Any]]:
    with sqlite3.connect(folder / "metrics.sqlite3") as db:
        bodies = [json.loads(b) for (b,) in db.execute("SELECT body FROM records")]
    return [d for body in bodies for d in body["datums"]]


def test_a_crash_loop_reaches_cloudwatch_once_per_restart(tmp_path: Path) -> None:
    # a run every 70 s, each killed after 40 s, for three buckets; the run at T0 + 290
    # lives past T0 + 300 and closes the first bucket itself
    starts = [T0 + 10 + 70 * i for i in range(13)]
    for i, start in enumerate(starts):
        run(tmp_path, start, 40.0, unclean=i > 0)
    datums = queued_datums(tmp_path)
    t = template()
    params = {"BucketMinutes": 5, "Namespace": "Kiosk/Fleet", "DiskLowMB": 1024}
    now = T0 + 3 * BUCKET_S
    points = points_from_datums(datums)

    def state(name: str) -> Evaluation:
        return evaluate(t["Resources"][name]["Properties"], points, now, params, t["Mappings"])

    assert state("CrashLoopAlarm") == Evaluation("ALARM", [("k1", "lab")])
    assert state("NoHeartbeatAlarm").state == "OK"  # it runs, however briefly
    # each restart once: the closed bucket sent only what its early rows had not
    sent = {b: sum(d["Value"] for d in datums
                   if d["MetricName"] == "Restarts" and d["Timestamp"] == T0 + BUCKET_S * b)
            for b in range(3)}
    unclean = {b: sum(1 for s in starts[1:] if T0 + BUCKET_S * b <= s < T0 + BUCKET_S * (b + 1))
               for b in range(3)}
    assert sent == unclean and sum(sent.values()) == len(starts) - 1
    # and they agree with the kiosk's own report (the analytics store)
    store = AnalyticsStore(tmp_path / "analytics.sqlite3")
    try:
        stored = {round((b.start - T0) / BUCKET_S): b.restarts for b in store.buckets()}
    finally:
        store.close()
    assert stored == sent
    line = status_line(datums, now)
    assert line.restarts_today == sum(sent.values())
    # the last bucket's heartbeat: it ended now (the age runs from a bucket's end)
    assert (line.heartbeat_age_s, line.bucket_min) == (now - (T0 + 3 * BUCKET_S), 5.0)


def status_line(datums: list[dict[str, Any]], now: float) -> KioskLine:
    """`fleet status`'s line of the kiosk once `datums` reached CloudWatch."""
    import boto3
    from moto import mock_aws

    with mock_aws():
        client = boto3.client("cloudwatch", region_name="us-east-1")
        for i in range(0, len(datums), MAX_DATUMS_PER_CALL):
            client.put_metric_data(Namespace="Kiosk/Fleet", MetricData=[
                to_api(d) for d in datums[i:i + MAX_DATUMS_PER_CALL]])
        (line,) = fleet_status(client, "Kiosk/Fleet", now=now, today_start=T0)
    return line


def test_a_clean_start_sends_nothing_early(tmp_path: Path) -> None:
    run(tmp_path, T0 + 10, 40.0, unclean=False)
    assert queued_datums(tmp_path) == []  # the bucket leaves when it closes
