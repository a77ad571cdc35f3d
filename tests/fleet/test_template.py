"""build/aws/fleet.yaml: cfn-lint clean, a dashboard body that is JSON, and a kiosk
policy scoped to its namespace."""

from __future__ import annotations

import importlib.util
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from kiosk.fleet.metrics import METRICS

TEMPLATE = Path(__file__).resolve().parents[2] / "build" / "aws" / "fleet.yaml"


@pytest.mark.skipif(importlib.util.find_spec("cfnlint") is None,
                    reason="cfn-lint is not installed (pip install -e '.[dev]')")
def test_cfn_lint_passes() -> None:
    script = "import sys; from cfnlint.runner import main; sys.exit(main())"
    done = subprocess.run([sys.executable, "-c", script, str(TEMPLATE)],
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stdout + done.stderr


class _CfnLoader(yaml.SafeLoader):
    """YAML with CloudFormation's short tags kept as {"!Tag": value}."""


def _tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> dict[str, Any]:
    if isinstance(node, yaml.ScalarNode):
        value: Any = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)
    return {f"!{suffix}": value}


_CfnLoader.add_multi_constructor("!", _tag)


def template() -> dict[str, Any]:
    return yaml.load(TEMPLATE.read_text(), Loader=_CfnLoader)


def test_dashboard_body_is_json_after_substitution() -> None:
    body = template()["Resources"]["FleetDashboard"]["Properties"]["DashboardBody"]["!Sub"][0]
    filled = re.sub(r"\$\{Period\}", "300", body)
    # ${Missing}: KiosksMissing's ARN after a comma, or nothing (ExpectedKiosks 0)
    alarms = {}
    for missing in ("", ', "arn:missing"'):
        dashboard = json.loads(re.sub(r"\$\{[^}]+\}", "X", filled.replace("${Missing}", missing)))
        alarms[missing] = dashboard["widgets"][0]["properties"]["alarms"]
    assert alarms == {"": ["X"] * 6, ', "arn:missing"': ["X"] * 6 + ["arn:missing"]}
    searched = {re.search(r'MetricName=\\?"(\w+)', w["properties"]["metrics"][0][0]["expression"])
                .group(1) for w in dashboard["widgets"] if w["type"] == "metric"}  # type: ignore[union-attr]
    assert searched <= set(METRICS) and {"Heartbeat", "CameraLive", "Visits"} <= searched


def test_alarms_and_policy_cover_the_issue() -> None:
    text = TEMPLATE.read_text()
    for alarm in ("NoHeartbeatAlarm", "CameraNotLiveAlarm", "DeadLettersAlarm", "CrashLoopAlarm",
                  "DiskLowAlarm", "QueueGrowingAlarm", "KiosksMissingAlarm"):
        assert f"  {alarm}:\n    Type: AWS::CloudWatch::Alarm" in text
    for metric in re.findall(r"SELECT \w+\((\w+)\)", text):
        assert metric in METRICS
    assert "cloudwatch:namespace: !Ref Namespace" in text
    assert text.count("Action: cloudwatch:PutMetricData") == 1


BUCKET_PERIOD = {"!FindInMap": ["Buckets", {"!Ref": "BucketMinutes"}, "Seconds"]}


def test_alarm_periods_follow_the_kiosks_bucket_length() -> None:
    """Every alarm's period is one analytics bucket, from a parameter whose default is
    the kiosk's `[analytics] bucket_min` (a 5-minute period would see a kiosk with
    15-minute buckets as silent two periods out of three: NoHeartbeat for a healthy
    kiosk)."""
    from kiosk.config.schema import AnalyticsSettings

    t = template()
    param = t["Parameters"]["BucketMinutes"]
    assert param["Default"] == AnalyticsSettings().bucket_min
    assert "[analytics] bucket_min" in param["Description"]
    buckets = t["Mappings"]["Buckets"]
    assert sorted(int(k) for k in buckets) == sorted(param["AllowedValues"])
    for minutes, row in buckets.items():
        assert row == {"Seconds": int(minutes) * 60, "PerHour": 60 // int(minutes)}
        assert 60 % int(minutes) == 0
    alarms = {name: r["Properties"] for name, r in t["Resources"].items()
              if r["Type"] == "AWS::CloudWatch::Alarm"}
    assert len(alarms) == 7
    for name, alarm in alarms.items():  # (KiosksMissing's SUM has no period of its own)
        assert [m["Period"] for m in alarm["Metrics"] if "Period" in m] == [BUCKET_PERIOD], name
    hour = {"!FindInMap": ["Buckets", {"!Ref": "BucketMinutes"}, "PerHour"]}
    growing = alarms["QueueGrowingAlarm"]
    assert growing["EvaluationPeriods"] == growing["DatapointsToAlarm"] == hour
    sub = t["Resources"]["FleetDashboard"]["Properties"]["DashboardBody"]["!Sub"]
    assert sub[1]["Period"] == BUCKET_PERIOD and ", 300" not in sub[0]
