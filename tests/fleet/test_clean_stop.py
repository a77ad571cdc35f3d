"""A clean stop reaches the central view as one: the kiosk queues a `Stopped` datum (1,
stamped with the moment) and sends what is queued within a short bound; a dead network
holds the stop up for no longer, and nothing queued is lost (it goes at the next start).
Before, a clean stop sent nothing: `fleet status` showed it as "no heartbeat since …",
like a crash or a power cut."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from botocore.stub import ANY, Stubber

from kiosk.config import AwsSettings
from kiosk.events.queue import EventQueue
from kiosk.events.upload_status import UploaderState, UploaderStatus
from kiosk.events.uploader import OFFLINE_STOP_WAIT_S
from kiosk.fleet.publisher import FINAL_SEND_S, FleetPublisher, MetricsUploader
from tests.fleet.stubbed import cloudwatch
from tests.fleet.test_publisher import NS, bucket, publisher


@pytest.fixture
def queue(tmp_path: Path) -> Iterator[EventQueue]:
    q = EventQueue(tmp_path / "metrics.sqlite3", synchronous="NORMAL")
    yield q
    q.close()


def sent_data(client: Any) -> list[list[dict[str, Any]]]:
    """Each PutMetricData's MetricData, as the client was given it."""
    calls: list[list[dict[str, Any]]] = []

    def keep(params: dict[str, Any], **_: Any) -> None:
        calls.append(params["MetricData"])

    client.meta.events.register("provide-client-params.cloudwatch.PutMetricData", keep)
    return calls


def test_a_clean_stop_is_queued_and_sent_before_the_uploader_stops(queue: EventQueue) -> None:
    client = cloudwatch()
    calls = sent_data(client)
    pub = publisher(queue, client)
    pub.on_bucket(bucket(time.time() - 300))
    stopped_at = time.time()
    with Stubber(client) as stub:
        stub.add_response("put_metric_data", {}, {"Namespace": NS, "MetricData": ANY})
        stub.add_response("put_metric_data", {}, {"Namespace": NS, "MetricData": ANY})
        pub.start()
        assert pub.uploader.flush(10.0)  # the last bucket (the recorder queued it)
        assert pub.stop(5.0, clean=True, at=stopped_at)
        stub.assert_no_pending_responses()
    (stop,) = calls[1]
    assert (stop["MetricName"], stop["Value"], stop["Unit"]) == ("Stopped", 1.0, "None")
    assert stop["Timestamp"].timestamp() == pytest.approx(stopped_at)  # the moment, to the s
    assert stop["Dimensions"] == [{"Name": "Site", "Value": "store-1"},
                                  {"Name": "KioskId", "Value": "k1"}]
    with EventQueue(queue.path) as again:
        assert (again.counts().pending_total, again.counts().sent_total) == (0, 2)


def test_a_stop_that_is_not_clean_sends_no_stop(queue: EventQueue) -> None:
    client = cloudwatch()
    pub = publisher(queue, client)
    pub.start()
    assert pub.stop(5.0)
    with EventQueue(queue.path) as again:  # nothing queued: the view keeps "no heartbeat"
        assert again.counts().pending_total == 0


def _uploader_to(queue: EventQueue, url: str, read_timeout_s: float = 0.5,
                 offline_retry_s: float = 60.0) -> FleetPublisher:
    aws = AwsSettings(region="us-east-1", connect_timeout_s=0.5, read_timeout_s=read_timeout_s)
    up = MetricsUploader(queue, NS, endpoint_url=url, base_backoff_s=0.01,
                         offline_retry_s=offline_retry_s, aws=aws)
    return FleetPublisher(queue, up, site="store-1", kiosk_id="k1", profile="lean")


def _offline_event(pub: FleetPublisher) -> threading.Event:
    """Set once `pub`'s uploader reports OFFLINE."""
    offline = threading.Event()

    def note(status: UploaderStatus) -> None:
        if status.state is UploaderState.OFFLINE:
            offline.set()

    pub.uploader.add_listener(note)
    return offline


def test_offline_the_stop_is_queued_not_waited_for(queue: EventQueue) -> None:
    """A port nothing listens on (the network is down): the uploader is OFFLINE, so the
    stop sends nothing and does not wait; the bucket and the stop stay queued."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{s.getsockname()[1]}"
    pub = _uploader_to(queue, url)
    offline = _offline_event(pub)
    pub.on_bucket(bucket(time.time() - 300))
    pub.start()
    assert offline.wait(10.0)
    started = time.monotonic()
    assert pub.stop(5.0, clean=True)
    assert time.monotonic() - started < 1.0  # no call tried: nothing to wait for
    with EventQueue(queue.path) as again:  # both go at the next start
        assert again.counts().pending_total == 2


def test_an_endpoint_that_never_answers_holds_the_stop_within_its_bound(
        queue: EventQueue) -> None:
    """A 127.0.0.1 endpoint that takes the connection and never answers (a network that
    drops the replies): the stop ends within the timeout it was given, and neither the
    bucket nor the stop is lost."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(8)  # the kernel completes the handshake; nobody reads
        url = f"http://127.0.0.1:{server.getsockname()[1]}"
        pub = _uploader_to(queue, url)
        pub.on_bucket(bucket(time.time() - 300))
        pub.start()
        timeout = 2.0
        assert timeout < FINAL_SEND_S + 0.5  # the final send's own bound is not what ends it
        started = time.monotonic()
        pub.stop(timeout, clean=True)
        took = time.monotonic() - started
        thread = pub.uploader._thread
        if thread is not None:  # a call still in flight: let its read time out
            thread.join(10.0)
    assert took < timeout + 0.5
    with EventQueue(queue.path) as again:
        counts = again.counts()
    assert (counts.pending_total, counts.sent_total) == (2, 0)


def test_offline_a_probe_hanging_in_flight_is_abandoned_not_waited_for(
        queue: EventQueue) -> None:
    """Tester round 23, L1: offline, with a call in flight to an endpoint that takes the
    connection and never answers, SIGTERM waited the call's whole bound (10 s, 12 s in
    all). Now it waits OFFLINE_STOP_WAIT_S; the bucket and the stop stay pending (the
    call was never acked), so nothing is lost and nothing was counted as sent."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))  # not listening yet: refused, so OFFLINE
        url = f"http://127.0.0.1:{server.getsockname()[1]}"
        pub = _uploader_to(queue, url, read_timeout_s=5.0, offline_retry_s=0.05)
        assert pub.uploader.stop_wait_s > 5.0  # what the stop waited before
        offline = _offline_event(pub)
        pub.on_bucket(bucket(time.time() - 300))
        pub.start()
        assert offline.wait(10.0)
        server.listen(8)
        server.settimeout(10.0)
        conn, _ = server.accept()  # the next probe is in flight; nobody answers
        with conn:
            started = time.monotonic()
            stopped = pub.stop(clean=True)
            took = time.monotonic() - started
        # the connection closed: the abandoned call fails at once, and acks nothing
        thread = pub.uploader._thread
        if thread is not None:
            thread.join(10.0)
    assert not stopped
    assert took < OFFLINE_STOP_WAIT_S + 0.5
    with EventQueue(queue.path) as again:
        counts = again.counts()
    assert (counts.pending_total, counts.sent_total) == (2, 0)
