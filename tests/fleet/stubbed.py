"""Publishing through botocore's Stubber: what the fleet tests send once and check."""

from __future__ import annotations

from typing import Any

from botocore.stub import Stubber

from kiosk.fleet.publisher import FleetPublisher


def publish_once(pub: FleetPublisher, client: Any, namespace: str, metric_data: Any) -> None:
    """Start `pub`, let its uploader drain into `client` through one PutMetricData that
    must carry `namespace` and `metric_data` (botocore checks the request against the
    CloudWatch model; `botocore.stub.ANY` accepts any data), then stop it."""
    with Stubber(client) as stub:
        stub.add_response("put_metric_data", {},
                          {"Namespace": namespace, "MetricData": metric_data})
        pub.start()
        try:
            assert pub.uploader.flush(10.0)
        finally:
            pub.stop()
        stub.assert_no_pending_responses()
