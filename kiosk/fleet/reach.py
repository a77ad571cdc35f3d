"""Is the fleet's CloudWatch endpoint reachable with these credentials? (`--self-test`)

One ListMetrics on `[fleet] endpoint_url` (else the region's endpoint). It publishes
nothing. "Access denied" passes: the endpoint answered and accepted the credentials;
the fleet template's `KioskPolicy` allows a kiosk only PutMetricData.
"""

from __future__ import annotations

from typing import Any

from kiosk.aws import AwsError, make_client
from kiosk.aws.probe import Reach, probe, trouble
from kiosk.config import Settings


def fleet_reach(settings: Settings, client: Any = None) -> tuple[str, str]:
    """(PASS/WARN/FAIL, detail) for `[fleet]`; `client`: a test's stubbed client."""
    f = settings.fleet
    if not f.enabled:
        return "PASS", "off ([fleet] enabled = false): nothing is published"
    try:
        client = client or make_client("cloudwatch", settings.aws, endpoint_url=f.endpoint_url)
    except AwsError as exc:
        return "FAIL", f"{exc}; fix it in [fleet]"
    where = f"CloudWatch at {client.meta.endpoint_url} (namespace {f.namespace!r})"
    found = probe(lambda: client.list_metrics(Namespace=f.namespace, MetricName="Heartbeat"))
    if found.reach is Reach.OK:
        return "PASS", f"{where} answered; credentials accepted"
    if found.reach is Reach.DENIED:
        return "PASS", (f"{where} answered and accepted the credentials (ListMetrics is not "
                        "allowed, as with the fleet template's KioskPolicy; publishing is)")
    return trouble(found, where, "metrics wait in the metrics queue (up to two weeks) until "
                   "it works", "[fleet] endpoint_url")
