"""One refusal of the `[aws]` credentials for the Rekognition fallback and the identity
service (`kiosk.aws.CredentialsRefusal`): both make their client from the same `[aws]`
settings, so when AWS refuses the credentials to one, the other sends nothing (no face
crop) until the same 30-min pause ends, and the panel says why, naming the credentials.
A refusal of one action's permission (AccessDenied) or throttling stays with its part.

Both clients go through botocore's Stubber; one FakeClock for both: nothing sleeps.
Before, each part had only its own pause: the part that had not got the answer kept
sending face crops that could only be refused.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import boto3
import numpy as np
import pytest
from botocore.stub import Stubber
from pytestqt.qtbot import QtBot

from kiosk.aws import IDENTITY, REFUSED, REFUSED_PAUSE_S, REKOGNITION, CredentialsRefusal
from kiosk.domain import Box, Emotion
from kiosk.identity import service as service_module
from kiosk.identity.consent import LookupGrant
from kiosk.identity.register import IdentityRegister
from kiosk.identity.service import IdentityService
from kiosk.status import AppStatus
from kiosk.testing import FakeClock
from kiosk.ui import admin_status
from kiosk.vision.rekognition import RekognitionFallback
from tests.vision.test_rekognition_refusals import HAPPY, JPEG, settings

from .conftest import COLLECTION, face_id, match_response, search_params
from .test_refusals_stubber import calls_made

Make = Callable[..., IdentityService]

# refusals of the credentials themselves (kiosk.aws.classify.CREDENTIAL_CODES), as AWS sends them
CREDENTIAL_REFUSALS = [("UnrecognizedClientException", 400), ("InvalidSignatureException", 400),
                       ("ExpiredTokenException", 400), ("SignatureDoesNotMatch", 403)]


@pytest.fixture
def mono() -> FakeClock:
    return FakeClock()


@pytest.fixture
def shared(mono: FakeClock) -> CredentialsRefusal:
    return CredentialsRefusal(clock=mono)


@pytest.fixture
def rek_client() -> Iterator[Any]:
    c = boto3.client("rekognition", region_name="us-east-1")
    yield c
    c.close()


@pytest.fixture
def rek_stub(rek_client: Any) -> Iterator[Stubber]:
    with Stubber(rek_client) as stubber:
        yield stubber


@pytest.fixture
def fallback(rek_client: Any, mono: FakeClock, shared: CredentialsRefusal,
             tmp_path: Path) -> RekognitionFallback:
    return RekognitionFallback(rek_client, settings(), clock=mono, backoff_s=0.0,
                               budget_path=tmp_path / "budget.json", credentials=shared)


@pytest.fixture
def service(make_service: Make, mono: FakeClock, shared: CredentialsRefusal) -> IdentityService:
    return make_service(clock=mono, credentials=shared)


def panel(fallback: RekognitionFallback, service: IdentityService) -> list[str]:
    """The admin panel's "Other" lines, as `Kiosk.app_status` builds them."""
    return admin_status.other_lines(AppStatus(
        rekognition=fallback.status(), rekognition_refused=fallback.refused or "",
        rekognition_refused_by=fallback.refused_by or "", identity=service.summary(),
        identity_refused=service.refused or "",
        identity_refused_by=service.refused_by or "").as_dict())


def errors(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records
            if r.name.startswith("kiosk") and r.levelno >= logging.ERROR]


@pytest.mark.parametrize("code,status", CREDENTIAL_REFUSALS)
def test_credentials_refused_to_identity_stop_the_fallback_too(
    service: IdentityService, fallback: RekognitionFallback, client: Any, stub: Stubber,
    rek_client: Any, rek_stub: Stubber, grant: LookupGrant, jpeg: bytes, mono: FakeClock,
    caplog: pytest.LogCaptureFixture, code: str, status: int,
) -> None:
    sent = calls_made(rek_client)
    stub.add_client_error("search_faces_by_image", code, "bad credentials",
                          http_status_code=status, expected_params=search_params(jpeg))
    with caplog.at_level(logging.INFO, logger="kiosk"):
        assert service.identify(jpeg, Emotion.HAPPY, grant=grant).reason == REFUSED
        rek_stub.add_response("detect_faces", HAPPY)  # there to take a call: none comes
        for _ in range(10):  # the old fallback sent a face crop every few seconds
            mono.advance(60.0)
            assert not fallback.ready()  # the pipeline does not even encode a crop
            assert fallback.detect(JPEG) is None
            assert fallback.last_outcome == REFUSED
    assert sent == []
    assert (fallback.refused, fallback.refused_by) == (code, IDENTITY)
    assert (service.refused, service.refused_by) == (code, None)
    status_now = fallback.status()
    assert status_now["paused"] == REFUSED and status_now["refused_by"] == IDENTITY
    assert fallback.summary().startswith(
        f"stopped: AWS refused the [aws] credentials ({code}) on an identity call, next try "
        "in 20 min")
    lines = panel(fallback, service)
    assert (f"Rekognition stopped: AWS refused the [aws] credentials ({code}) on a "
            "returning-visitor call, and the fallback uses the same ones: no face crop is "
            "sent. Fix the [aws] credentials (profile, keys, the clock), then restart the "
            "kiosk") in lines
    assert any(x.startswith(f"Returning visitors stopped: AWS refused the calls ({code})")
               for x in lines)
    assert any(x.startswith("Rekognition: stopped: AWS refused the [aws] credentials")
               for x in lines)
    # one ERROR for both parts, saying the fallback stops too
    logged = errors(caplog)
    assert len(logged) == 1 and "Rekognition fallback uses the same [aws] credentials" in logged[0]

    # the pause's end: the fallback's call goes, and its answer shows the credentials work
    mono.advance(REFUSED_PAUSE_S - 600.0)
    assert fallback.ready()
    reading = fallback.detect(JPEG)
    assert reading is not None and reading.emotion is Emotion.HAPPY
    assert sent == ["DetectFaces"] and fallback.refused is None and service.refused is None


@pytest.mark.parametrize("code,status", CREDENTIAL_REFUSALS)
def test_credentials_refused_to_the_fallback_stop_identity_too(
    service: IdentityService, fallback: RekognitionFallback, client: Any,
    rek_stub: Stubber, grant: LookupGrant, frame: np.ndarray, register: IdentityRegister,
    mono: FakeClock, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture,
    code: str, status: int,
) -> None:
    sent = calls_made(client)
    owed = face_id()
    register.add("gone", owed)
    register.forget("gone")  # a deletion owed to the collection
    rek_stub.add_client_error("detect_faces", code, "bad credentials", http_status_code=status)
    with caplog.at_level(logging.INFO, logger="kiosk"):
        assert fallback.detect(JPEG) is None
        rek_stub.assert_no_pending_responses()

        def no_encoding(*_: Any, **__: Any) -> bytes:
            raise AssertionError("a face crop was encoded while the credentials are refused")

        monkeypatch.setattr(service_module, "encode_face_crop", no_encoding)
        mono.advance(60.0)
        result = service.identify_in_frame(frame, Box(100, 50, 220, 170), Emotion.HAPPY,
                                           grant=grant)
        assert (result.user_id, result.reason) == (None, REFUSED)
        report = service.purge_expired()
        assert report.pending == (owed,) and report.error == REFUSED
    assert sent == []  # the old service sent the lookup and the deletion
    assert (service.refused, service.refused_by) == (code, REKOGNITION)
    # ConsentFlow (nobody asked; the deletion retried when this ends) reads these
    assert service.held_back() == (REFUSED, REFUSED_PAUSE_S - 60.0)
    assert service.status()["refused_by"] == REKOGNITION
    assert service.summary().startswith(
        f"stopped: AWS refused the [aws] credentials ({code}) on a Rekognition fallback "
        "call, next try in 29 min; 1 deletion(s) pending")
    assert (f"Returning visitors stopped: AWS refused the [aws] credentials ({code}) on a "
            "Rekognition fallback call, and identity uses the same ones: no visitor is looked "
            "up, enrolled or deleted (deletions wait). Fix the [aws] credentials (profile, "
            "keys, the clock), then restart the kiosk") in panel(fallback, service)
    logged = errors(caplog)
    assert len(logged) == 1 and "Identity uses the same [aws] credentials" in logged[0]


def test_a_permission_refusal_or_throttling_stays_with_its_part(
    service: IdentityService, fallback: RekognitionFallback, stub: Stubber,
    rek_client: Any, rek_stub: Stubber, grant: LookupGrant, jpeg: bytes,
    register: IdentityRegister, mono: FakeClock,
) -> None:
    sent = calls_made(rek_client)
    # IAM allows or denies each action: identity's AccessDenied says nothing of DetectFaces
    stub.add_client_error("search_faces_by_image", "AccessDeniedException", "not authorized",
                          http_status_code=400, expected_params=search_params(jpeg))
    assert service.identify(jpeg, Emotion.HAPPY, grant=grant).reason == REFUSED
    rek_stub.add_response("detect_faces", HAPPY)
    assert fallback.ready() and fallback.detect(JPEG) is not None
    assert sent == ["DetectFaces"] and fallback.refused is None

    # DetectFaces throttled (the call and its 2 retries): identity's calls still go
    mono.advance(REFUSED_PAUSE_S)
    for _ in range(3):
        rek_stub.add_client_error("detect_faces", "ThrottlingException", "Rate exceeded",
                                  http_status_code=400)
    assert fallback.detect(JPEG) is None and not fallback.ready()
    fid = face_id()
    register.add("known", fid)
    stub.add_response("search_faces_by_image", match_response(fid, "known"),
                      search_params(jpeg))
    assert service.identify(jpeg, Emotion.HAPPY, grant=grant).user_id == "known"
    assert service.refused is None


def test_the_app_gives_both_parts_one_refusal(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kiosk.app import Kiosk
    from kiosk.config import load_settings

    factories: list[dict[str, Any]] = []

    def pipeline_factory(settings: Any, **options: Any) -> Any:
        factories.append(options)
        return lambda stop: None  # never started: wiring only

    monkeypatch.setattr("kiosk.app.pipeline_factory", pipeline_factory)
    (tmp_path / "catalog" / "happy").mkdir(parents=True)
    base = {"recommend.catalog_dir": str(tmp_path / "catalog"),
            "app.data_dir": str(tmp_path / "data"), "app.log_dir": str(tmp_path / "log"),
            "camera.source": str(tmp_path / "camera.mp4"),  # not there yet: a camera
            "identity.enabled": "true", "identity.collection_id": COLLECTION,
            "aws.region": "us-east-1"}
    app = Kiosk(load_settings(env={}, overrides={**base, "rekognition.enabled": "true"}))
    qtbot.addWidget(app.window)
    assert app.identity_service is not None and app.aws_credentials is not None
    assert factories[-1]["credentials"] is app.aws_credentials
    assert app.identity_service._calls.credentials is app.aws_credentials

    alone = Kiosk(load_settings(env={}, overrides={**base, "rekognition.enabled": "false"}))
    qtbot.addWidget(alone.window)
    assert alone.aws_credentials is None and factories[-1]["credentials"] is None
