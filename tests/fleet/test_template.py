"""build/aws/fleet.yaml: cfn-lint clean, a dashboard body that is JSON, and a kiosk
policy scoped to its namespace."""

from __future__ import annotations

import importlib.util
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.fleet.metrics import METRICS

TEMPLATE = Path(__file__).resolve().parents[2] / "build" / "aws" / "fleet.yaml"


@pytest.mark.skipif(importlib.util.find_spec("cfnlint") is None,
                    reason="cfn-lint is not installed (pip install -e '.[dev]')")
def test_cfn_lint_passes() -> None:
    script = "import sys; from cfnlint.runner import main; sys.exit(main())"
    done = subprocess.run([sys.executable, "-c", script, str(TEMPLATE)],
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stdout + done.stderr


def test_dashboard_body_is_json_after_substitution() -> None:
    text = TEMPLATE.read_text()
    body = text.split("DashboardBody: !Sub |\n", 1)[1].split("\nOutputs:", 1)[0]
    filled = re.sub(r"\$\{[^}]+\}", "X", body)
    dashboard = json.loads(filled)
    searched = {re.search(r'MetricName=\\?"(\w+)', w["properties"]["metrics"][0][0]["expression"])
                .group(1) for w in dashboard["widgets"] if w["type"] == "metric"}  # type: ignore[union-attr]
    assert searched <= set(METRICS) and {"Heartbeat", "CameraLive", "Visits"} <= searched


def test_alarms_and_policy_cover_the_issue() -> None:
    text = TEMPLATE.read_text()
    for alarm in ("NoHeartbeatAlarm", "CameraNotLiveAlarm", "DeadLettersAlarm", "CrashLoopAlarm",
                  "DiskLowAlarm", "QueueGrowingAlarm"):
        assert f"  {alarm}:\n    Type: AWS::CloudWatch::Alarm" in text
    for metric in re.findall(r"SELECT \w+\((\w+)\)", text):
        assert metric in METRICS
    assert "cloudwatch:namespace: !Ref Namespace" in text
    assert text.count("Action: cloudwatch:PutMetricData") == 1
