"""Fleet metrics: PutMetricData shapes (Stubber), dead letters, and an offline period
followed by a drain against moto's CloudWatch on 127.0.0.1 (nothing lost, timestamps
kept)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

from kiosk.analytics import BucketStats
from kiosk.camera.trouble import CameraTrouble
from kiosk.config import AwsSettings, load_settings
from kiosk.events.queue import EventQueue
from kiosk.fleet.metrics import LEAN, METRICS, bucket_datums
from kiosk.fleet.publisher import FleetPublisher, MetricsUploader
from tests.fleet.stubbed import cloudwatch, publish_once

NS = "Kiosk/Test"


def bucket(start: float, visits: int = 2) -> BucketStats:
    b = BucketStats(start, 300, pages=3, likes=1, camera_s={"LIVE": 240.0, "STALLED": 60.0},
                    fps_mean=15.0, vision_p95_ms=42.0, queue_depth=4, queue_delta=2,
                    dead_letters=0, disk_free_mb=5000.0, restarts=1,
                    camera_trouble=CameraTrouble.NO_FRAMES)
    for _ in range(visits):
        b.add_visit(6.0, 4.0)
    return b


def dt(epoch: float) -> datetime:
    return datetime.fromtimestamp(epoch, tz=UTC)


def test_datums_default_and_lean() -> None:
    b = bucket(1_800_000_000.0)
    default = bucket_datums(b, "store-1", "k1")
    assert [d["MetricName"] for d in default] == list(METRICS)
    by_name = {d["MetricName"]: d for d in default}
    assert by_name["CameraLive"]["Value"] == 80.0 and by_name["CameraLive"]["Unit"] == "Percent"
    assert by_name["Visits"]["Value"] == 2.0 and by_name["Heartbeat"]["Value"] == 1.0
    assert all(d["Dimensions"] == [{"Name": "Site", "Value": "store-1"},
                                   {"Name": "KioskId", "Value": "k1"}] for d in default)
    assert all(d["Timestamp"] == b.start for d in default)
    lean = bucket_datums(b, "store-1", "k1", "lean")
    assert tuple(d["MetricName"] for d in lean) == LEAN and len(LEAN) == 8
    assert by_name["CameraTrouble"]["Value"] == 2.0  # NO_FRAMES, the camera's reason
    # a gauge without samples is left out, not sent as 0
    assert "PreviewFps" not in {d["MetricName"] for d in
                                bucket_datums(BucketStats(0.0, 300), "s", "k")}


@pytest.fixture
def queue(tmp_path: Path) -> Iterator[EventQueue]:
    q = EventQueue(tmp_path / "metrics.sqlite3", synchronous="NORMAL")
    yield q
    q.close()


def publisher(queue: EventQueue, client: Any, **kwargs: Any) -> FleetPublisher:
    up = MetricsUploader(queue, NS, client=client, base_backoff_s=0.01, **kwargs)
    return FleetPublisher(queue, up, site="store-1", kiosk_id="k1", profile="lean")


def test_put_metric_data_batches_rows_oldest_first(queue: EventQueue) -> None:
    client = cloudwatch()
    now = time.time()
    starts = [now - 3600 * h for h in (3, 2, 1)]
    pub = publisher(queue, client)
    for s in starts:
        pub.on_bucket(bucket(s))
    expected = []
    for s in starts:
        for d in bucket_datums(bucket(s), "store-1", "k1", "lean"):
            expected.append({**d, "Timestamp": dt(s)})
    publish_once(pub, client, NS, expected)
    assert queue.counts().sent_total == 3 and queue.counts().pending_total == 0


def test_refused_and_expired_rows_go_to_dead_letters(queue: EventQueue) -> None:
    client = cloudwatch()
    pub = publisher(queue, client)
    pub.on_bucket(bucket(time.time() - 15 * 86400))  # older than CloudWatch accepts
    pub.on_bucket(bucket(time.time() - 600))
    with Stubber(client) as stub:
        stub.add_client_error("put_metric_data", "InvalidParameterValue", "bad value",
                              http_status_code=400)
        pub.start()
        try:
            assert pub.uploader.flush(10.0)
        finally:
            pub.stop()
    status = EventQueue(queue.path).status()
    assert status["dead"] == 2 and status["pending"] == 0
    assert status["dead_by_error"] == {"Expired": 1, "InvalidParameterValue": 1}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_offline_then_drain_against_moto(tmp_path: Path) -> None:
    from moto.server import ThreadedMotoServer

    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    settings = load_settings(env={}, overrides={
        "app.data_dir": str(tmp_path), "fleet.enabled": "true", "fleet.namespace": NS,
        "fleet.site": "store-1", "fleet.kiosk_id": "k1", "fleet.endpoint_url": url,
        "aws.region": "us-east-1", "aws.connect_timeout_s": "0.5",
        "aws.read_timeout_s": "30",  # a cold moto answers its first call slowly
    })
    pub = FleetPublisher.from_settings(settings, offline_retry_s=0.2, base_backoff_s=0.05)
    now = time.time()
    starts = [now - now % 300 - 300 * i for i in (36, 24, 12)]  # 3, 2 and 1 hours ago
    pub.start()
    server = None
    try:
        for s in starts:
            pub.on_bucket(bucket(s, visits=int((now - s) // 3600)))
        assert not pub.uploader.flush(5.0)  # nothing listens: OFFLINE, rows kept
        assert pub.status()["state"] == "offline"
        assert pub.queue.refresh_counts().pending_total == 3  # the database's count
        server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
        server.start()
        pub.uploader.notify_online()
        # a flush answers False when a try failed (the server may still be starting)
        assert any(pub.uploader.flush(10.0) for _ in range(5))
        counts = pub.queue.refresh_counts()
        assert counts.pending_total == 0 and counts.sent_total == 3
        cw = boto3.client("cloudwatch", endpoint_url=url, region_name="us-east-1")
        result = cw.get_metric_data(
            MetricDataQueries=[{"Id": "v", "MetricStat": {"Metric": {
                "Namespace": NS, "MetricName": "Visits",
                "Dimensions": [{"Name": "Site", "Value": "store-1"},
                               {"Name": "KioskId", "Value": "k1"}]},
                "Period": 300, "Stat": "Sum"}}],
            StartTime=dt(starts[0]), EndTime=dt(now) + timedelta(minutes=5),
            ScanBy="TimestampAscending",
        )["MetricDataResults"][0]
        got = sorted(zip((t.timestamp() for t in result["Timestamps"]), result["Values"],
                         strict=True))
        assert [(round(t), v) for t, v in got] == [(round(s), float(h)) for s, h in
                                                   zip(starts, (3, 2, 1), strict=True)]
    finally:
        pub.stop()
        if server is not None:
            server.stop()


def test_settings_defaults() -> None:
    s = load_settings(env={})
    assert not s.fleet.enabled and s.fleet.namespace == "Kiosk/Fleet"
    assert s.analytics.k_anonymity == 5 and s.analytics.bucket_min == 5
    assert AwsSettings().region == ""


class _CallInFlight:
    """Holds back the answer of a Stubber-backed PutMetricData (after-call: CloudWatch
    has the data, the kiosk not yet its answer) until `answer` is set, and stands in for
    the clock of the publisher's stop: its uploader thread's `join(timeout)` lets the
    answer arrive `answers_after_s` into the stop when the wait is that long, else
    returns as a wait that ran out first. No sleeping: the test decides when."""

    def __init__(self, client: Any, answers_after_s: float) -> None:
        self.sent = threading.Event()
        self.answer = threading.Event()
        self.answers_after_s = answers_after_s
        self.waits: list[float | None] = []
        client.meta.events.register("after-call.cloudwatch.PutMetricData", self._hold)

    def _hold(self, **_: Any) -> None:
        self.sent.set()
        self.answer.wait(30.0)

    def patch_join(self, monkeypatch: pytest.MonkeyPatch, thread: threading.Thread) -> None:
        real_join = thread.join

        def join(timeout: float | None = None) -> None:
            self.waits.append(timeout)
            if timeout is None or timeout >= self.answers_after_s:
                self.answer.set()
                real_join(30.0)

        monkeypatch.setattr(thread, "join", join)


def _stop_during_call(queue: EventQueue, monkeypatch: pytest.MonkeyPatch,
                      answers_after_s: float) -> tuple[FleetPublisher, _CallInFlight, bool]:
    """One bucket queued; `pub.stop()` while its PutMetricData waits for its answer."""
    client = cloudwatch()
    pub = publisher(queue, client, aws=AwsSettings(connect_timeout_s=2.0, read_timeout_s=2.0))
    pub.on_bucket(bucket(time.time() - 600))
    call = _CallInFlight(client, answers_after_s)
    with Stubber(client) as stub:
        stub.add_response("put_metric_data", {})
        pub.start()
        thread = pub.uploader._thread
        assert thread is not None and call.sent.wait(30.0)
        real_join = thread.join
        call.patch_join(monkeypatch, thread)
        stopped = pub.stop()
        call.answer.set()  # the answer comes after the stop gave up waiting
        real_join(30.0)
        stub.assert_no_pending_responses()
    return pub, call, stopped


def test_stop_waits_for_the_put_metric_data_in_flight_and_marks_its_row_sent(
    queue: EventQueue, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The publisher stopped its uploader after a fixed 3 s while a PutMetricData may
    wait connect + read timeout (2 + 2 s here) for its answer: an answer at 4 s found
    the queue closed, the row stayed pending and the next start sent it again, counted
    twice in CloudWatch. `stop()` now waits the uploader's own bound (5 s here)."""
    pub, call, stopped = _stop_during_call(queue, monkeypatch, answers_after_s=4.0)
    assert call.waits == [pub.uploader.stop_wait_s] == [5.0]  # before: [3.0]
    assert stopped
    with EventQueue(queue.path) as again:
        counts = again.counts()
    assert (counts.pending_total, counts.sent_total) == (0, 1)  # before: (1, 0)


def test_an_answer_after_the_stop_gave_up_is_still_marked_sent(
    queue: EventQueue, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Past the bound (the 10 s cap, a stalled endpoint) the stop returns False and moves
    on, but leaves the queue open: a call that answers before the process ends still
    marks its row sent instead of failing on a closed queue."""
    _pub, call, stopped = _stop_during_call(queue, monkeypatch, answers_after_s=60.0)
    assert call.waits == [5.0] and not stopped
    with EventQueue(queue.path) as again:
        counts = again.counts()
    assert (counts.pending_total, counts.sent_total) == (0, 1)  # before: (1, 0)
