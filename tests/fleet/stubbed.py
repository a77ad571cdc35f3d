"""Publishing through botocore's Stubber: a CloudWatch client no call leaves, and the
start-flush-stop round the fleet tests send through it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import boto3
from botocore.stub import Stubber

from kiosk.fleet.publisher import FleetPublisher


def cloudwatch() -> Any:
    """A CloudWatch client for Stubber (botocore checks each request against the model)."""
    return boto3.client("cloudwatch", region_name="us-east-1")


def drain(pub: FleetPublisher, client: Any, answer: Callable[[Stubber], None],
          tries: int = 1) -> None:
    """Stub `client` with the answers `answer(stub)` adds, start `pub`, flush its uploader
    until a flush sends all (at most `tries` flushes: a failed call ends a flush), stop
    it, and check that every answer was used."""
    with Stubber(client) as stub:
        answer(stub)
        pub.start()
        try:
            assert any(pub.uploader.flush(10.0) for _ in range(tries))
        finally:
            pub.stop()
        stub.assert_no_pending_responses()


def publish_once(pub: FleetPublisher, client: Any, namespace: str, metric_data: Any) -> None:
    """Start `pub`, let its uploader drain into `client` through one PutMetricData that
    must carry `namespace` and `metric_data` (botocore checks the request against the
    CloudWatch model; `botocore.stub.ANY` accepts any data), then stop it."""
    drain(pub, client, lambda stub: stub.add_response(
        "put_metric_data", {}, {"Namespace": namespace, "MetricData": metric_data}))
