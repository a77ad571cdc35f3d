"""The admin panel says when the identity service stopped calling its face collection
because AWS refused the calls, and what to do, in the operator's language (as for the
Rekognition fallback: tests/ui/test_ui_rekognition_line.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import boto3
from botocore.stub import Stubber

from kiosk.aws import REFUSED_PAUSE_S
from kiosk.domain import Emotion
from kiosk.identity.consent import VisitConsent
from kiosk.identity.register import IdentityRegister
from kiosk.identity.service import IdentityService
from kiosk.status import AppStatus
from kiosk.testing import FakeClock
from kiosk.ui import admin_status

JPEG = b"\xff\xd8fake\xff\xd9"


def lookup(service: IdentityService) -> None:
    consent = VisitConsent(enabled=True)
    consent.begin("visit-1")
    consent.ask()
    consent.answer("yes")
    service.identify(JPEG, Emotion.HAPPY, grant=consent.claim_lookup(track_id=1))


def flat(service: IdentityService) -> dict[str, Any]:
    return AppStatus(identity=service.summary(),
                     identity_refused=service.refused or "").as_dict()


def refused(tmp_path: Path, clock: FakeClock) -> tuple[IdentityService, Any]:
    client = boto3.client("rekognition", region_name="us-east-1")
    service = IdentityService(IdentityRegister(tmp_path / "identity.sqlite3"),
                              collection_id="kiosk-visitors", client=client, backoff_s=0.0,
                              clock=clock)
    with Stubber(client) as stub:
        stub.add_client_error("search_faces_by_image", "AccessDeniedException",
                              "not authorized", 400)
        lookup(service)
    return service, client


def refused_status(tmp_path: Path) -> dict[str, Any]:
    return flat(refused(tmp_path, FakeClock())[0])


def test_the_refusal_lines_in_english(tmp_path: Path) -> None:
    lines = admin_status.other_lines(refused_status(tmp_path))
    assert ("identity: stopped: AWS refused the calls (AccessDeniedException), next try in "
            "30 min") in lines
    assert ("Returning visitors stopped: AWS refused the calls (AccessDeniedException): no "
            "visitor is looked up, enrolled or deleted (deletions wait). Give the kiosk's IAM "
            "user or role the permissions rekognition:SearchFacesByImage, IndexFaces, "
            "DeleteFaces and ListFaces on the collection, or fix the [aws] credentials, then "
            "restart the kiosk") in lines


def test_the_refusal_line_in_korean(korean: None, tmp_path: Path) -> None:
    lines = admin_status.other_lines(refused_status(tmp_path))
    line = next(x for x in lines if "rekognition:SearchFacesByImage" in x)
    assert line.startswith("재방문 고객 인식 중지됨: AWS가 호출을 거부했습니다 "
                           "(AccessDeniedException)")
    assert "refused" not in line and "restart" not in line


def test_the_line_goes_once_the_calls_work_again(tmp_path: Path) -> None:
    clock = FakeClock()
    service, client = refused(tmp_path, clock)
    clock.advance(REFUSED_PAUSE_S)
    with Stubber(client) as stub:
        stub.add_response("search_faces_by_image", {"FaceMatches": [], "FaceModelVersion": "7"})
        stub.add_response("index_faces", {"FaceRecords": [], "UnindexedFaces": []})
        lookup(service)
    status = flat(service)
    assert "Identity refused" not in status and status["identity"] == "reachable"
