"""`kiosk-admin fleet status`: ListMetrics + GetMetricData shapes through Stubber."""

from __future__ import annotations

import argparse
import json
from datetime import UTC, datetime
from typing import Any

import boto3
import pytest
from botocore.stub import ANY, Stubber

from kiosk.admin.fleet_cmds import cmd_status
from kiosk.config import Settings
from kiosk.fleet.status import COLUMNS, RECENT, FleetError, fleet_status

NOW = 1_800_000_000.0
TODAY = NOW - 6 * 3600


def dims(site: str, kid: str) -> list[dict[str, str]]:
    return [{"Name": "Site", "Value": site}, {"Name": "KioskId", "Value": kid}]


def at(epoch: float) -> datetime:
    return datetime.fromtimestamp(epoch, tz=UTC)


def stub_fleet(stub: Stubber) -> None:
    stub.add_response(
        "list_metrics",
        {"Metrics": [{"Namespace": "Kiosk/Fleet", "MetricName": "Heartbeat",
                      "Dimensions": dims("mall", "k2")}], "NextToken": "p2"},
        {"Namespace": "Kiosk/Fleet", "MetricName": "Heartbeat"},
    )
    stub.add_response(
        "list_metrics",
        {"Metrics": [{"Namespace": "Kiosk/Fleet", "MetricName": "Heartbeat",
                      "Dimensions": dims("airport", "k1")}]},
        {"Namespace": "Kiosk/Fleet", "MetricName": "Heartbeat", "NextToken": "p2"},
    )
    # kiosks sorted: (airport, k1) = q0_*, (mall, k2) = q1_*; k2 sent nothing but Heartbeat
    values: dict[str, tuple[list[float], list[float]]] = {
        "q0_0": ([NOW - 240, NOW - 540], [1.0, 1.0]),
        "q0_1": ([NOW - 240], [100.0]),
        "q0_2": ([NOW - 240, NOW - 540], [3.0, 7.0]),
        "q0_4": ([NOW - 240], [0.0]),
        "q0_5": ([NOW - 240, TODAY - 300], [1.0, 5.0]),  # the crash before midnight is not today
        "q0_7": ([NOW - 240, NOW - 540, TODAY - 300], [4.0, 6.0, 9.0]),
        "q1_0": ([NOW - 7200], [1.0]),
    }
    results = [{"Id": qid, "Timestamps": [at(t) for t in ts], "Values": vs,
                "StatusCode": "Complete"} for qid, (ts, vs) in values.items()]
    expected_queries = []
    for i, (site, kid) in enumerate([("airport", "k1"), ("mall", "k2")]):
        for j, (metric, stat, _how) in enumerate(COLUMNS.values()):
            expected_queries.append({
                "Id": f"q{i}_{j}", "ReturnData": True,
                "MetricStat": {"Metric": {"Namespace": "Kiosk/Fleet", "MetricName": metric,
                                          "Dimensions": dims(site, kid)},
                               "Period": 300, "Stat": stat}})
    stub.add_response("get_metric_data", {"MetricDataResults": results}, {
        "MetricDataQueries": expected_queries, "StartTime": ANY, "EndTime": ANY,
        "ScanBy": "TimestampDescending"})
    # the last 3 hours at 60-s periods: each point a bucket, at its start
    recent: dict[str, tuple[list[float], list[float]]] = {
        "r0_0": ([NOW - 540, NOW - 840], [1.0, 1.0]),  # its newest bucket ended 4 min ago
        "r0_1": ([NOW - 540], [100.0]),
        "r1_0": ([NOW - 7500], [1.0]),  # one bucket: [analytics] bucket_min's 5 minutes
    }
    recent_queries = [
        {"Id": f"r{i}_{j}", "ReturnData": True,
         "MetricStat": {"Metric": {"Namespace": "Kiosk/Fleet", "MetricName": metric,
                                   "Dimensions": dims(site, kid)},
                        "Period": 60, "Stat": stat}}
        for i, (site, kid) in enumerate([("airport", "k1"), ("mall", "k2")])
        for j, (metric, stat) in enumerate(RECENT.values())]
    stub.add_response("get_metric_data", {"MetricDataResults": [
        {"Id": qid, "Timestamps": [at(t) for t in ts], "Values": vs, "StatusCode": "Complete"}
        for qid, (ts, vs) in recent.items()]}, {
        "MetricDataQueries": recent_queries, "StartTime": at(NOW - 3 * 3600),
        "EndTime": at(NOW + 300), "ScanBy": "TimestampDescending"})


def test_one_line_per_kiosk() -> None:
    client = boto3.client("cloudwatch", region_name="us-east-1")
    with Stubber(client) as stub:
        stub_fleet(stub)
        lines = fleet_status(client, "Kiosk/Fleet", now=NOW, today_start=TODAY)
        stub.assert_no_pending_responses()
    first, second = lines
    assert (first.site, first.kiosk_id, first.heartbeat_age_s) == ("airport", "k1", 240.0)
    assert (first.camera_live_pct, first.queue_depth, first.dead_letters) == (100.0, 3.0, 0.0)
    assert (first.crashes_today, first.visits_today, first.restarts_today) == (1.0, 10.0, None)
    assert ("airport/k1 [ok]: heartbeat 4 min ago, camera LIVE 100%, queue 3, dead letters 0"
            in first.text())
    assert second.heartbeat_age_s == 7200.0 and second.camera_live_pct is None
    assert "heartbeat 2.0 h ago, camera ?" in second.text()


def test_command_json_and_access_denied(capsys: pytest.CaptureFixture[str]) -> None:
    client = boto3.client("cloudwatch", region_name="us-east-1")
    settings = Settings().with_overrides({"analytics.timezone": "Asia/Seoul"}, "test")
    args = argparse.Namespace(settings=settings, json=True, namespace=None)
    with Stubber(client) as stub:
        stub.add_response("list_metrics", {"Metrics": []},
                          {"Namespace": "Kiosk/Fleet", "MetricName": "Heartbeat"})
        assert cmd_status(args, client=client) == 0
        out = json.loads(capsys.readouterr().out)
        assert {k: out[k] for k in ("namespace", "timezone", "kiosks", "bucket_min")} == {
            "namespace": "Kiosk/Fleet", "timezone": "Asia/Seoul", "kiosks": [],
            "bucket_min": 5}
        stub.add_client_error("list_metrics", "AccessDenied", "no", http_status_code=403)
        assert cmd_status(args, client=client) == 1
        assert "cloudwatch:ListMetrics and cloudwatch:GetMetricData" in capsys.readouterr().err


def test_errors_become_fleet_errors() -> None:
    client: Any = boto3.client("cloudwatch", region_name="us-east-1")
    with Stubber(client) as stub, pytest.raises(FleetError, match="Throttling"):
        stub.add_client_error("list_metrics", "Throttling", "slow down", http_status_code=400)
        fleet_status(client, "Kiosk/Fleet", now=NOW)


def test_queue_and_retry_dead_commands(tmp_path: Any, capsys: pytest.CaptureFixture[str]
                                       ) -> None:
    from kiosk.admin.cli import main
    from kiosk.events.queue import EventQueue
    from kiosk.fleet.publisher import metric_record

    with EventQueue(tmp_path / "metrics.sqlite3") as queue:
        row = queue.record(metric_record([{"MetricName": "Heartbeat", "Value": 1.0}], NOW))
        queue.dead_letter([row], "InvalidParameterValue", "bad")
    assert main(["fleet", "queue", "--data-dir", str(tmp_path)]) == 0
    assert json.loads(capsys.readouterr().out)["dead"] == 1
    assert main(["fleet", "retry-dead", "--data-dir", str(tmp_path)]) == 0
    assert capsys.readouterr().out.startswith("1 dead-lettered")
    with EventQueue(tmp_path / "metrics.sqlite3") as queue:
        assert queue.counts().pending == {"event": 0, "impression": 0, "user": 0, "item": 0,
                                          "metric": 1}


def test_one_read_timeout_is_tried_again_and_two_name_the_setting() -> None:
    """Tester round 23, L2: `fleet status` failed outright on one read timeout (2 s)."""
    from botocore.exceptions import ReadTimeoutError

    class SlowOnce:  # the stubbed client, whose calls time out while `timeouts` last
        def __init__(self, client: Any, timeouts: int) -> None:
            self.client, self.timeouts, self.calls = client, timeouts, 0

        def __getattr__(self, name: str) -> Any:
            method = getattr(self.client, name)

            def call(**kwargs: Any) -> Any:
                self.calls += 1
                if self.timeouts > 0:
                    self.timeouts -= 1
                    raise ReadTimeoutError(endpoint_url="https://monitoring.example")
                return method(**kwargs)

            return call

    client = boto3.client("cloudwatch", region_name="us-east-1")
    with Stubber(client) as stub:
        stub_fleet(stub)
        slow = SlowOnce(client, timeouts=1)
        lines = fleet_status(slow, "Kiosk/Fleet", now=NOW, today_start=TODAY)
        stub.assert_no_pending_responses()
    assert len(lines) == 2
    with pytest.raises(FleetError, match=r"\[aws\] read_timeout_s"):
        fleet_status(SlowOnce(client, timeouts=2), "Kiosk/Fleet", now=NOW)
