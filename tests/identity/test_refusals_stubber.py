"""The identity service against answers that no retry fixes (as the Rekognition fallback,
tests/vision/test_rekognition_refusals.py): refused credentials or permissions stop every
identity call for 30 min, throttling spaces the calls out, and a `200 OK` that is not
Rekognition's answer (a captive portal) is a network failure, never a deletion.

AWS answers go through botocore's Stubber; the captive portal is a real HTTP server on
127.0.0.1. The clock is a FakeClock: nothing sleeps.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Callable
from http.server import HTTPServer
from typing import Any

import numpy as np
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError, NoCredentialsError
from botocore.stub import Stubber

from kiosk.aws import REFUSED_PAUSE_S, BreakerState
from kiosk.domain import Box, Emotion
from kiosk.identity import service as service_module
from kiosk.identity.consent import LookupGrant
from kiosk.identity.register import IdentityRegister
from kiosk.identity.service import IdentityService
from kiosk.testing import FakeClock
from tests.vision.test_rekognition_refusals import portal  # noqa: F401  (fixture)

from .conftest import COLLECTION, Clock, face_id, match_response, search_params

Make = Callable[..., IdentityService]
LOGGER = "kiosk.identity"


def calls_made(client: Any) -> list[str]:
    """The operations the client is asked to send (counted before the Stubber answers)."""
    made: list[str] = []
    client.meta.events.register("provide-client-params.rekognition",
                                lambda model, **_: made.append(model.name))
    return made


def records(caplog: pytest.LogCaptureFixture, level: int) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name.startswith(LOGGER) and r.levelno == level]


# --------------------------------------------------------------------------- refused


@pytest.mark.parametrize("code,status", [
    ("AccessDeniedException", 400), ("UnrecognizedClientException", 400),
    ("InvalidSignatureException", 400), ("ExpiredTokenException", 400),
    ("AccessDenied", 403),
])
def test_a_refusal_stops_every_identity_call_for_half_an_hour(
    make_service: Make, client: Any, stub: Stubber, grant: LookupGrant, jpeg: bytes,
    frame: np.ndarray, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch,
    code: str, status: int,
) -> None:
    clock = FakeClock()
    service = make_service(clock=clock)
    made = calls_made(client)
    stub.add_client_error("search_faces_by_image", code, "not allowed",
                          http_status_code=status, expected_params=search_params(jpeg))
    with caplog.at_level(logging.DEBUG, logger=LOGGER):
        first = service.identify(jpeg, Emotion.HAPPY, grant=grant)
        assert (first.user_id, first.reason) == (None, "refused by AWS")

        # the old code made the calls again at every consenting visit, with an ERROR each
        def no_encoding(*_: Any, **__: Any) -> bytes:
            raise AssertionError("a face crop was encoded while identity is refused")

        monkeypatch.setattr(service_module, "encode_face_crop", no_encoding)
        for _ in range(10):
            clock.advance(60.0)
            later = service.identify_in_frame(frame, Box(100, 50, 220, 170), Emotion.HAPPY,
                                              grant=grant)
            assert (later.user_id, later.reason) == (None, "refused by AWS")
            assert service.identify(jpeg, Emotion.HAPPY, grant=grant).reason == "refused by AWS"
    assert made == ["SearchFacesByImage"]
    errors = records(caplog, logging.ERROR)
    assert len(errors) == 1 and records(caplog, logging.WARNING) == []
    text = errors[0].getMessage()
    assert "rekognition:SearchFacesByImage" in text and COLLECTION in text and code in text
    assert "rekognition:IndexFaces" in text and "[aws] credentials" in text

    assert service.refused == code
    status_now = service.status()
    assert status_now["paused"] == "refused by AWS" and status_now["refused_code"] == code
    assert service.summary() == f"stopped: AWS refused the calls ({code}), next try in 20 min"


def test_the_pause_ends_after_half_an_hour_with_one_trial(
    make_service: Make, client: Any, stub: Stubber, grant: LookupGrant, jpeg: bytes,
    register: IdentityRegister, caplog: pytest.LogCaptureFixture, clock: Clock,
) -> None:
    mono = FakeClock()  # the calls' clock; `clock` is the register's (epoch)
    service = make_service(clock=mono)
    made = calls_made(client)
    pending = face_id()
    register.add("gone", pending)
    register.forget("gone")  # a deletion owed to the collection
    register.intend("orphan")  # and an enrolment to reconcile (ListFaces)
    clock.now += 120.0
    assert register.unsettled(60.0)
    stub.add_client_error("search_faces_by_image", "AccessDeniedException",
                          http_status_code=400, expected_params=search_params(jpeg))
    with caplog.at_level(logging.DEBUG, logger=LOGGER):
        service.identify(jpeg, Emotion.HAPPY, grant=grant)
        mono.advance(REFUSED_PAUSE_S - 1.0)
        service.identify(jpeg, Emotion.HAPPY, grant=grant)
        assert service.purge_expired().error == "refused by AWS"
        assert made == ["SearchFacesByImage"]

        # 30 min after the refusal: one trial, here the owed deletion; refused again, the
        # purge's ListFaces and the next visit's lookup are not sent
        mono.advance(1.0)
        stub.add_client_error("delete_faces", "AccessDeniedException", http_status_code=400,
                              expected_params={"CollectionId": COLLECTION,
                                               "FaceIds": [pending]})
        report = service.purge_expired()
        assert report.pending == (pending,) and report.error == "refused by AWS"
        assert service.identify(jpeg, Emotion.HAPPY, grant=grant).reason == "refused by AWS"
        assert made == ["SearchFacesByImage", "DeleteFaces"]
        mono.advance(REFUSED_PAUSE_S - 1.0)
        assert service.refused == "AccessDeniedException"  # a new full pause
    assert len(records(caplog, logging.ERROR)) == 1  # the same episode: no second ERROR
    assert any("still refused" in r.getMessage() for r in records(caplog, logging.INFO))

    # permissions granted meanwhile: the next trial works and the calls go on
    mono.advance(1.0)
    fid = face_id()
    register.add("known", fid)
    stub.add_response("search_faces_by_image", match_response(fid, "known"),
                      search_params(jpeg))
    assert service.identify(jpeg, Emotion.HAPPY, grant=grant).user_id == "known"
    assert service.refused is None and service.status()["paused"] is None
    assert service.summary().startswith("reachable")


def test_no_credentials_stop_the_calls_too(
    make_service: Make, grant: LookupGrant, jpeg: bytes, caplog: pytest.LogCaptureFixture
) -> None:
    class NoCredentialsClient:
        calls = 0

        def search_faces_by_image(self, **_: Any) -> dict[str, Any]:
            self.calls += 1
            raise NoCredentialsError()

    fake, clock = NoCredentialsClient(), FakeClock()
    service = make_service(client=fake, clock=clock)
    with caplog.at_level(logging.DEBUG, logger=LOGGER):
        for _ in range(20):
            assert service.identify(jpeg, Emotion.HAPPY, grant=grant).reason == "refused by AWS"
            clock.advance(30.0)
    assert fake.calls == 1
    assert service.refused == "NoCredentialsError"
    assert len(records(caplog, logging.ERROR)) == 1


def test_deletions_stay_pending_while_refused_and_go_after(
    make_service: Make, stub: Stubber, register: IdentityRegister,
) -> None:
    clock = FakeClock()
    service = make_service(clock=clock)
    a, b = face_id(), face_id()
    register.add("a", a)
    register.add("b", b)
    stub.add_client_error("delete_faces", "AccessDeniedException", http_status_code=400,
                          expected_params={"CollectionId": COLLECTION, "FaceIds": [a]})
    forgot = service.forget("a")
    assert forgot.pending == (a,) and forgot.error == "refused by AWS"
    later = service.forget("b")  # no call: refused
    assert later.pending == (b,) and later.error == "refused by AWS"
    for _ in range(5):  # ConsentFlow's retries while paused: nothing sent, nothing lost
        clock.advance(300.0)
        assert service.purge_expired().error == "refused by AWS"
    assert sorted(p.face_id for p in register.pending()) == sorted([a, b])
    assert service.owed["pending_deletions"] == 2
    assert "2 deletion(s) pending" in service.summary()

    clock.advance(REFUSED_PAUSE_S)
    stub.add_response("delete_faces", {"DeletedFaces": sorted([a, b])},
                      {"CollectionId": COLLECTION, "FaceIds": sorted([a, b])})
    report = service.purge_expired()
    assert sorted(report.deleted) == sorted([a, b]) and report.pending == ()
    assert register.pending() == [] and service.refused is None


# --------------------------------------------------------------------------- throttled


class ThrottledClient:
    """Every SearchFacesByImage answer is a ThrottlingException (HTTP 400, as AWS sends it)."""

    def __init__(self) -> None:
        self.calls = 0
        self.throttle = True

    def search_faces_by_image(self, **_: Any) -> dict[str, Any]:
        self.calls += 1
        if not self.throttle:
            return {"FaceMatches": [], "FaceModelVersion": "7.0"}
        raise ClientError({"Error": {"Code": "ThrottlingException", "Message": "Rate exceeded"},
                           "ResponseMetadata": {"HTTPStatusCode": 400}}, "SearchFacesByImage")

    def index_faces(self, **_: Any) -> dict[str, Any]:
        return {"FaceRecords": [], "UnindexedFaces": [], "FaceModelVersion": "7.0"}


def test_throttling_spaces_out_the_calls_exponentially(
    make_service: Make, grant: LookupGrant, jpeg: bytes
) -> None:
    fake, clock = ThrottledClient(), FakeClock()
    service = make_service(client=fake, clock=clock, max_retries=2)
    starts: list[float] = []
    end = clock.now + 120.0
    while clock.now < end:  # a consenting visit every 2 s
        before = fake.calls
        assert service.identify(jpeg, Emotion.HAPPY, grant=grant).reason == "throttled"
        if fake.calls > before:
            starts.append(clock.now)
        clock.advance(2.0)
    # the old code: each visit called 3 times at once: 180 calls in two minutes
    assert fake.calls == 3 * len(starts)
    assert len(starts) <= 5
    gaps = [b - a for a, b in itertools.pairwise(starts)]
    assert gaps[0] >= 4.0
    assert all(later >= earlier for earlier, later in itertools.pairwise(gaps))
    assert service.status()["paused"] == "throttled"
    assert service.summary().startswith("throttled by AWS (next call in ")


def test_an_answer_ends_the_throttling_backoff(
    make_service: Make, grant: LookupGrant, jpeg: bytes
) -> None:
    fake, clock = ThrottledClient(), FakeClock()
    service = make_service(client=fake, clock=clock)
    pause = service._calls.pause
    for _ in range(4):  # 4 throttled calls in a row: the next wait is 32-64 s
        clock.advance(pause.left_s() + 1.0)
        service.identify(jpeg, Emotion.HAPPY, grant=grant)
    assert pause.left_s() >= 32.0
    clock.advance(pause.left_s())
    fake.throttle = False
    assert service.identify(jpeg, Emotion.HAPPY, grant=grant).reason.startswith("low quality")
    assert pause.left_s() == 0.0
    fake.throttle = True
    service.identify(jpeg, Emotion.HAPPY, grant=grant)
    assert 4.0 <= pause.left_s() <= 8.0  # counting starts again


# --------------------------------------------------------------------------- captive portal


def test_a_captive_portal_answer_is_a_network_failure_and_deletes_nothing(
    make_service: Make, portal: HTTPServer, grant: LookupGrant, jpeg: bytes,  # noqa: F811
    register: IdentityRegister, monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    import boto3

    for name, value in (("AWS_ACCESS_KEY_ID", "test"), ("AWS_SECRET_ACCESS_KEY", "test")):
        monkeypatch.setenv(name, value)
    config = Config(connect_timeout=1.0, read_timeout=2.0, retries={"max_attempts": 1})
    client = boto3.client("rekognition", region_name="us-east-1", config=config,
                          endpoint_url=f"http://127.0.0.1:{portal.server_address[1]}")
    fid = face_id()
    register.add("visitor", fid)
    service = make_service(client=client, clock=FakeClock())
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        # the old code took the login page for "no match" and enrolled the visitor
        result = service.identify(jpeg, Emotion.HAPPY, grant=grant)
        assert (result.user_id, result.reason) == (None, "offline")
        assert register.unsettled() == []  # no IndexFaces went out
        # the old code counted the face as deleted: the collection would have kept it
        forgot = service.forget("visitor")
        assert forgot.deleted == () and forgot.pending == (fid,)
        assert [p.face_id for p in register.pending()] == [fid]
        service.identify(jpeg, Emotion.HAPPY, grant=grant)
    assert portal.posts == 3  # type: ignore[attr-defined]
    assert service._calls.breaker.state is BreakerState.OPEN
    assert "NotARekognitionAnswer" in service.status()["last_error"]
    assert any("Wi-Fi login page or a proxy" in r.getMessage()
               for r in records(caplog, logging.WARNING))
    client.close()
