"""The admin panel says when the Rekognition fallback stopped because AWS refused its
calls, and what to do, in the operator's language (tester round 15: the panel said only
"answering with errors" while a refused call was repeated every 2 s)."""

from __future__ import annotations

from typing import Any

import boto3
from botocore.stub import Stubber

from kiosk.config import RekognitionSettings
from kiosk.status import AppStatus
from kiosk.testing import FakeClock
from kiosk.ui import admin_status
from kiosk.vision.rekognition import RekognitionFallback


def refused_status() -> dict[str, Any]:
    client = boto3.client("rekognition", region_name="us-east-1")
    fallback = RekognitionFallback(client, RekognitionSettings(enabled=True), clock=FakeClock(),
                                   backoff_s=0.0)
    with Stubber(client) as stub:
        stub.add_client_error("detect_faces", "AccessDeniedException", "not authorized", 400)
        fallback.detect(b"\xff\xd8fake\xff\xd9")
    return AppStatus(rekognition=fallback.summary(),
                     rekognition_refused=fallback.refused or "").as_dict()


def test_the_refusal_line_in_english() -> None:
    lines = admin_status.other_lines(refused_status())
    assert ("Rekognition stopped: AWS refused the calls (AccessDeniedException): give the "
            "kiosk's IAM user or role the permission rekognition:DetectFaces, or fix the [aws] "
            "credentials, then restart the kiosk") in lines


def test_the_refusal_line_in_korean(korean: None) -> None:
    lines = admin_status.other_lines(refused_status())
    line = next(x for x in lines if "rekognition:DetectFaces" in x)
    assert line.startswith("Rekognition 호출 중지됨: AWS가 호출을 거부했습니다 "
                           "(AccessDeniedException)")
    assert "refused" not in line and "restart" not in line


def test_no_refusal_no_line() -> None:
    flat = AppStatus(rekognition="reachable; 1/600 calls this hour").as_dict()
    assert "Rekognition refused" not in flat
