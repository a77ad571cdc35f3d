"""A live kiosk whose data disk is full is still seen alive, and "disk full", centrally
(tester round 21: `fleet status` read "no heartbeat since 19:39; disk low: 36 MB free"
for it, like a killed kiosk, and the admin panel said "AWS answers with errors" though
AWS never answered with one). The buckets the metrics queue cannot take are sent from
memory, never queued as well; the panel names the full metrics queue."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from botocore.exceptions import EndpointConnectionError

from kiosk.analytics import BucketStats
from kiosk.backend import KioskBackend
from kiosk.events.queue import EventQueue
from kiosk.events.upload_status import UploaderState, UploaderStatus
from kiosk.fleet.problems import Problem, problems
from kiosk.fleet.publisher import FleetPublisher, MetricsUploader
from kiosk.ui.admin_status import aws_failing, fleet_text, network_tile, queue_reason
from tests.fleet.test_disk_full_buckets import free_room, full_queue, queued_starts

T0 = 1_800_000_000.0
BUCKET_S = 300.0


class FakeCloudWatch:
    """Takes PutMetricData calls; the first `fail` of them find no network."""

    def __init__(self, fail: int = 0) -> None:
        self.calls: list[dict[str, Any]] = []
        self.fail = fail
        self.took = threading.Event()

    def put_metric_data(self, **params: Any) -> dict[str, Any]:
        self.calls.append(params)
        if len(self.calls) <= self.fail:
            raise EndpointConnectionError(endpoint_url="http://127.0.0.1:9")
        self.took.set()
        return {}


def sent(call: dict[str, Any], metric: str) -> list[tuple[datetime, float]]:
    return [(d["Timestamp"], d["Value"]) for d in call["MetricData"]
            if d["MetricName"] == metric]


def run_full(tmp_path: Path, client: FakeCloudWatch) -> tuple[FleetPublisher, list[str]]:
    """A started publisher on a full metrics queue that got one bucket (0 MB free);
    returns it once CloudWatch took a call and the uploader found the queue failing,
    with the panel's line then."""
    queue = full_queue(tmp_path)
    up = MetricsUploader(queue, "Kiosk/Test", client=client, base_backoff_s=0.01,
                         offline_retry_s=0.02, max_backoff_s=0.05)
    pub = FleetPublisher(queue, up, site="mall", kiosk_id="k2", profile="lean")
    failing = threading.Event()
    lines: list[str] = []

    def seen(status: UploaderStatus) -> None:
        if status.queue_error and client.took.is_set():
            lines.append(fleet_text(pub.status()))
            failing.set()

    up.add_listener(seen)
    pub.start()
    pub.on_bucket(BucketStats(T0, BUCKET_S, visits=3, disk_free_mb=0.0))
    try:
        assert client.took.wait(10.0), "the held bucket was never sent"
        assert failing.wait(10.0), "the uploader never said the metrics queue fails"
    except BaseException:
        pub.stop()
        queue.close()
        raise
    return pub, lines


def test_a_bucket_the_full_disk_refused_is_sent_from_memory(tmp_path: Path) -> None:
    client = FakeCloudWatch()
    pub, lines = run_full(tmp_path, client)
    try:
        call = client.calls[-1]
        start = datetime.fromtimestamp(T0, UTC)
        assert call["Namespace"] == "Kiosk/Test"
        assert sent(call, "Heartbeat") == [(start, 1.0)]  # alive, centrally
        assert sent(call, "DiskFreeMB") == [(start, 0.0)]  # and its disk full, now
        assert pub.status()["held"] == 0
        # the panel: the metrics queue is the cause, not AWS
        assert "AWS answers with errors" not in lines[-1], lines[-1]
        assert "the metrics queue cannot be written" in lines[-1]
        assert "last sent" in lines[-1] and "cannot be queued: the disk is full" in lines[-1]
        # room again (for this thread's connection): the next bucket is queued, the one
        # sent from memory is not queued again (CloudWatch would count it twice)
        free_room(pub.queue)
        pub.on_bucket(BucketStats(T0 + BUCKET_S, BUCKET_S, visits=1, disk_free_mb=50.0))
    finally:
        pub.stop()
        pub.queue.close()
    assert [t for call in client.calls for t, _ in sent(call, "Heartbeat")] == [start]
    with EventQueue(pub.queue.path) as queue:
        assert queued_starts(queue) == [T0 + BUCKET_S]


def test_a_failed_send_from_memory_keeps_the_bucket_for_the_next_try(tmp_path: Path) -> None:
    client = FakeCloudWatch(fail=1)  # no network at first
    pub, _ = run_full(tmp_path, client)
    try:
        assert len(client.calls) == 2 and client.calls[0] == client.calls[1]
        assert pub.status()["held"] == 0
    finally:
        pub.stop()
        pub.queue.close()


def test_fleet_status_says_disk_full() -> None:
    (problem,) = problems(now=T0, age_s=10.0, bucket_s=BUCKET_S, camera=[],
                          uploads_failing=[], disk_free_mb=[(T0 - 600, 36.0), (T0 - 300, 0.0)],
                          window_start=T0 - 3 * 3600)
    assert problem.text(T0, UTC) == "disk full: 0 MB free"  # before: "disk low: 0 MB free"
    assert Problem("disk_low", free_mb=36.0).text(T0, UTC) == "disk low: 36 MB free"


def test_the_panel_does_not_blame_aws_for_a_full_metrics_queue() -> None:
    error = "cannot save to the metrics queue: the disk holding /d/metrics.sqlite3 is full"
    line = fleet_text({"state": "backoff", "pending": 0, "held": 3, "last_error": error,
                       "last_error_at": T0 + 60, "last_success_at": None,
                       "queue_error": error, "retry_in_s": 14.0, "disk_full": error})
    assert line.startswith("3 waiting · the metrics queue cannot be written, next try in "
                           "14 s · nothing sent since the start"), line
    assert "AWS" not in line.split("last error:")[0]
    # AWS's own errors still read as such
    aws = fleet_text({"state": "backoff", "pending": 2, "last_error": "InternalFailure: x",
                      "last_error_at": T0, "last_success_at": None})
    assert "AWS answers with errors" in aws


def test_the_event_queue_failing_is_not_blamed_on_aws_either() -> None:
    """The same for the likes' uploader (Personalize configured): a full event queue
    read "kept for later: AWS is busy" and "AWS answers with errors: likes upload"."""
    error = "cannot save to the event queue: the disk holding /d/events.sqlite3 is full"

    class Uploader:
        def status(self) -> UploaderStatus:
            return UploaderStatus(state=UploaderState.BACKOFF, online=True, last_error=error,
                                  last_error_at=T0, last_success_at=None, pending=4,
                                  retry_in_s=20.0, queue_error=error)

    backend = KioskBackend(uploader=Uploader())  # type: ignore[arg-type]
    status = backend.status().as_dict() | {"uploads_configured": True}
    assert status["uploader_queue_error"] == error
    assert queue_reason(status) == "kept for later: the queue cannot be written (see the log)"
    assert aws_failing(status) == []
    assert not network_tile(status).alert
    aws = status | {"uploader_queue_error": ""}  # AWS's own errors still read as such
    assert queue_reason(aws).startswith("kept for later: AWS is busy")
    assert aws_failing(aws) == ["likes upload (Personalize events)"]
