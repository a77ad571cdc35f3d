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
    return AppStatus(rekognition=fallback.status(),
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
    flat = AppStatus(rekognition={"calls_this_hour": 1, "hourly_budget": 600,
                                  "last_outcome": "ok"}).as_dict()
    assert "Rekognition refused" not in flat


def _line(status: dict[str, Any]) -> str:
    flat = AppStatus(rekognition=status).as_dict()
    return next(x for x in admin_status.other_lines(flat) if x.startswith("Rekognition:"))


def test_the_rekognition_line_in_korean(korean: None) -> None:
    # A fresh tester (round 16): in the Korean panel the line was English, built by
    # the fallback itself ("not called yet; 78/200 calls this hour; last error: …").
    line = _line({"calls_this_hour": 78, "hourly_budget": 200, "last_outcome": "error",
                  "last_error": "InternalServerError (boom)", "breaker_open": False})
    assert "calls this hour" not in line and "answering" not in line
    assert "78/200" in line and "InternalServerError (boom)" in line  # AWS's own words


def test_calls_from_an_earlier_run_are_not_called_yet() -> None:
    # the budget file keeps the hour's calls across a restart: "not called yet" beside
    # "78/200 calls this hour" read as a contradiction
    line = _line({"calls_this_hour": 78, "hourly_budget": 200, "last_outcome": "idle"})
    assert line == "Rekognition: not called since the start; 78/200 calls this hour"
    assert _line({"calls_this_hour": 0, "hourly_budget": 200, "last_outcome": "idle"}) == (
        "Rekognition: not called yet; 0/200 calls this hour")


def test_a_refusal_and_throttling_say_when_the_next_call_is() -> None:
    refused = _line(dict(refused_status()["Rekognition"]))
    assert "stopped: AWS refused the calls (AccessDeniedException), next try in" in refused
    throttled = _line({"calls_this_hour": 3, "hourly_budget": 200, "paused": "throttled",
                       "pause_left_s": 8.0, "last_outcome": "throttled"})
    assert throttled.startswith("Rekognition: throttled by AWS, next call in 8 s")


def test_credentials_refused_on_an_identity_call_in_korean(korean: None) -> None:
    # the fallback stopped without an answer of its own (kiosk.aws.credentials): its lines
    # name the [aws] credentials and the returning-visitor call, not DetectFaces
    from kiosk.aws import IDENTITY, CredentialsRefusal

    clock = FakeClock()
    shared = CredentialsRefusal(clock=clock)
    fallback = RekognitionFallback(boto3.client("rekognition", region_name="us-east-1"),
                                   RekognitionSettings(enabled=True), clock=clock,
                                   credentials=shared)
    shared.refuse("UnrecognizedClientException", IDENTITY)
    lines = admin_status.other_lines(AppStatus(
        rekognition=fallback.status(), rekognition_refused=fallback.refused or "",
        rekognition_refused_by=fallback.refused_by or "").as_dict())
    assert ("Rekognition 호출 중지됨: 재방문 고객 인식 호출에서 AWS가 [aws] 자격 증명을 "
            "거부했습니다 (UnrecognizedClientException). 대체 인식도 같은 자격 증명을 "
            "쓰므로 얼굴 이미지를 보내지 않습니다. [aws] 자격 증명(프로필, 키, 시계)을 "
            "고친 다음 키오스크를 다시 시작하세요") in lines
    assert any(x.startswith("Rekognition: 중지됨: 재방문 고객 인식 호출에서 AWS가 [aws] "
                            "자격 증명을 거부했습니다 (UnrecognizedClientException), 30분 뒤 "
                            "다시 시도")
               for x in lines)
    assert not any("DetectFaces" in x for x in lines)
