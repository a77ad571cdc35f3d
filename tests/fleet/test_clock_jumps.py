"""A wall clock that jumps forward expires no fresh fleet row, and CloudWatch's refusal
of one row does not take the batch with it. The tester's case: with the endpoint down, a
+20-day step dead-lettered 2-3 minute old rows as `Expired: older than two weeks`
(raising the DeadLetters alarm). `time.time` is moved for the whole process, as
faketime with `DONT_FAKE_MONOTONIC` did; the monotonic clocks run on."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from botocore.stub import ANY, Stubber

from kiosk.events.queue import EventQueue
from kiosk.fleet.publisher import FleetPublisher, MetricsUploader
from tests.fleet.stubbed import cloudwatch, drain
from tests.fleet.test_publisher import NS, bucket

DAY = 86400.0


@pytest.fixture
def queue(tmp_path: Path) -> Iterator[EventQueue]:
    q = EventQueue(tmp_path / "metrics.sqlite3", synchronous="NORMAL")
    yield q
    q.close()


def _publisher(queue: EventQueue, client: Any) -> FleetPublisher:
    up = MetricsUploader(queue, NS, client=client, base_backoff_s=0.01, max_backoff_s=0.05)
    return FleetPublisher(queue, up, site="store-1", kiosk_id="k1", profile="lean")


@pytest.mark.parametrize("days", [20, 100])
def test_a_jump_forward_expires_no_fresh_row(queue: EventQueue, days: int,
                                             monkeypatch: pytest.MonkeyPatch,
                                             caplog: pytest.LogCaptureFixture) -> None:
    """2 buckets queued 3 and 2 minutes ago, then the clock steps forward: a 503 keeps
    them (before, `_send` expired them; and past `max_event_age_s`, 30 days, a
    transient failure dead-lettered them as EventTooOld), the next call sends them."""
    client = cloudwatch()
    pub = _publisher(queue, client)
    real = time.time
    pub.on_bucket(bucket(real() - 180))
    pub.on_bucket(bucket(real() - 120))
    monkeypatch.setattr(time, "time", lambda: real() + days * DAY)

    def busy_then_taken(stub: Stubber) -> None:
        stub.add_client_error("put_metric_data", "ServiceUnavailable", "busy",
                              http_status_code=503)
        stub.add_response("put_metric_data", {}, {"Namespace": NS, "MetricData": ANY})

    drain(pub, client, busy_then_taken, tries=3)
    status = EventQueue(queue.path).status()
    assert (status["dead"], status["pending"], status["sent_total"]) == (0, 0, 2)
    held = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING
            and "older than two weeks are sent, not expired" in r.getMessage()]
    assert len(held) == 1 and "2 row(s)" in held[0] and f"{days:.1f} days ahead" in held[0]


def test_cloudwatch_refusing_one_row_keeps_the_others(queue: EventQueue) -> None:
    """CloudWatch refuses a whole call for one datum older than two weeks (a row stamped
    by a clock that was behind, which the kiosk cannot tell is old): the batch is sent
    again row by row, so only that row is dead-lettered, with CloudWatch's code (before,
    all 3 were)."""
    client = cloudwatch()
    pub = _publisher(queue, client)
    for age in (600, 400, 200):
        pub.on_bucket(bucket(time.time() - age))
    refused = ("The parameter MetricData.member.1.Timestamp must specify a time within "
               "the past two weeks.")

    def refuse_one_row(stub: Stubber) -> None:
        for _ in range(2):  # the batch of 3, then its first row alone
            stub.add_client_error("put_metric_data", "InvalidParameterValue", refused,
                                  http_status_code=400)
        for _ in range(2):
            stub.add_response("put_metric_data", {}, {"Namespace": NS, "MetricData": ANY})

    drain(pub, client, refuse_one_row)
    status = EventQueue(queue.path).status()
    assert (status["dead"], status["pending"], status["sent_total"]) == (1, 0, 2)
    assert status["dead_by_error"] == {"InvalidParameterValue": 1}
