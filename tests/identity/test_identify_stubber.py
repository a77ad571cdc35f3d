"""identify(): every Rekognition request checked by botocore's Stubber against the real
model (parameters validated and serialized before the stub answers), and what the
service does with each answer."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from botocore.stub import Stubber

from kiosk.aws import make_client
from kiosk.config import AwsSettings, IdentitySettings, RekognitionSettings, Settings
from kiosk.domain import Box, Emotion
from kiosk.identity.consent import LookupGrant, VisitConsent
from kiosk.identity.errors import IdentityConfigError, RegisterError
from kiosk.identity.register import IdentityRegister
from kiosk.identity.service import IdentityService

from .conftest import (
    COLLECTION,
    NO_MATCH,
    FakeWaits,
    NoCallsClient,
    RecordedUsers,
    face_id,
    face_record,
    index_params,
    match_response,
    search_params,
)

Make = Callable[..., IdentityService]


def test_match_returns_the_external_image_id(
    make_service: Make, stub: Stubber, grant: LookupGrant, jpeg: bytes,
    register: IdentityRegister, users: RecordedUsers,
) -> None:
    fid = face_id()
    register.add("user-known", fid, enrolled_at=register._clock() - 86_400)
    stub.add_response("search_faces_by_image", match_response(fid, "user-known"),
                      search_params(jpeg))
    result = make_service().identify(jpeg, Emotion.HAPPY, grant=grant)
    assert result.user_id == "user-known"
    assert result.matched and not result.enrolled and result.reason == "matched"
    assert result.face_id == fid and result.similarity == pytest.approx(99.2)
    assert users.calls == []  # a returning visitor is not created again
    row = register.get("user-known")
    assert row is not None and row.last_seen_at > row.enrolled_at


def test_threshold_comes_from_the_settings(
    make_service: Make, stub: Stubber, grant: LookupGrant, jpeg: bytes
) -> None:
    stub.add_response("search_faces_by_image", NO_MATCH, search_params(jpeg, 99.0))
    stub.add_response("index_faces", {"FaceRecords": [], "UnindexedFaces": []},
                      index_params(jpeg, "user0001"))
    make_service(face_match_threshold=99.0).identify(jpeg, Emotion.CALM, grant=grant)


def test_no_match_enrols_a_new_random_user_and_queues_put_users_without_gender(
    make_service: Make, stub: Stubber, grant: LookupGrant, jpeg: bytes,
    register: IdentityRegister, users: RecordedUsers,
) -> None:
    fid = face_id()
    stub.add_response("search_faces_by_image", NO_MATCH, search_params(jpeg))
    stub.add_response("index_faces", {"FaceRecords": [face_record(fid, "user0001")],
                                      "UnindexedFaces": [], "FaceModelVersion": "7.0"},
                      index_params(jpeg, "user0001"))
    result = make_service().identify(jpeg, Emotion.HAPPY, grant=grant, gender="Female")
    assert result.user_id == "user0001"
    assert result.enrolled and not result.matched and result.face_id == fid
    row = register.get("user0001")
    assert row is not None and row.face_id == fid
    assert users.calls == [("user0001", Emotion.HAPPY, None)]  # gender segment off


def test_enrolment_carries_gender_only_with_the_gender_segment(
    make_service: Make, stub: Stubber, grant: LookupGrant, jpeg: bytes,
    users: RecordedUsers,
) -> None:
    stub.add_response("search_faces_by_image", NO_MATCH, search_params(jpeg))
    stub.add_response("index_faces", {"FaceRecords": [face_record(face_id(), "user0001")]},
                      index_params(jpeg, "user0001"))
    make_service(gender_segment=True).identify(jpeg, Emotion.SAD, grant=grant, gender="Male")
    assert users.calls == [("user0001", Emotion.SAD, {"gender": "Male"})]


def test_unknown_gender_is_left_out_even_with_the_segment(
    make_service: Make, stub: Stubber, grant: LookupGrant, jpeg: bytes,
    users: RecordedUsers,
) -> None:
    stub.add_response("search_faces_by_image", NO_MATCH, search_params(jpeg))
    stub.add_response("index_faces", {"FaceRecords": [face_record(face_id(), "user0001")]},
                      index_params(jpeg, "user0001"))
    make_service(gender_segment=True).identify(jpeg, Emotion.SAD, grant=grant)
    assert users.calls == [("user0001", Emotion.SAD, None)]


def test_put_users_through_the_real_queue(
    make_service: Make, stub: Stubber, grant: LookupGrant, jpeg: bytes, tmp_path: Any
) -> None:
    from kiosk.events.queue import EventQueue

    with EventQueue(tmp_path / "events.sqlite3") as queue:
        stub.add_response("search_faces_by_image", NO_MATCH, search_params(jpeg))
        stub.add_response("index_faces",
                          {"FaceRecords": [face_record(face_id(), "user0001")]},
                          index_params(jpeg, "user0001"))
        make_service(record_user=queue.record_user).identify(jpeg, Emotion.HAPPY, grant=grant)
        batch = queue.next_batch(["user"])
        assert batch is not None and batch.operation == "PutUsers"
        assert batch.bodies[0]["userId"] == "user0001"
        assert "gender" not in batch.bodies[0]["properties"]


def test_put_users_under_another_programs_lock_is_kept_then_queued_once(
    make_service: Make, stub: Stubber, grant: LookupGrant, jpeg: bytes, tmp_path: Any,
    caplog: pytest.LogCaptureFixture,
) -> None:
    # an sqlite3 shell holds the queue while a visitor is enrolled: the face is in the
    # collection, so its PutUsers goes to the spool (answered within the spool's short
    # wait) and is queued once the lock goes. Before, it was retried for 20 s on the
    # identity thread, refused, logged "new user not queued for PutUsers" and lost
    from kiosk.events.queue import EventQueue

    db = tmp_path / "events.sqlite3"
    with EventQueue(db, busy_timeout_s=0.01, lock_wait_s=0.05) as queue:
        holder = sqlite3.connect(db, isolation_level=None)
        holder.execute("BEGIN EXCLUSIVE")
        stub.add_response("search_faces_by_image", NO_MATCH, search_params(jpeg))
        stub.add_response("index_faces",
                          {"FaceRecords": [face_record(face_id(), "user0001")]},
                          index_params(jpeg, "user0001"))
        result = make_service(record_user=queue.record_user).identify(
            jpeg, Emotion.HAPPY, grant=grant)
        assert result.enrolled
        assert "not queued" not in caplog.text
        holder.execute("ROLLBACK")
        holder.close()
        assert queue.ingest_spool() == 1 and queue.ingest_spool() == 0
        batch = queue.next_batch(["user"])
        assert batch is not None and batch.operation == "PutUsers"
        assert [b["userId"] for b in batch.bodies] == ["user0001"]


def test_low_quality_face_is_not_enrolled(
    make_service: Make, stub: Stubber, grant: LookupGrant, jpeg: bytes,
    register: IdentityRegister, users: RecordedUsers,
) -> None:
    stub.add_response("search_faces_by_image", NO_MATCH, search_params(jpeg))
    stub.add_response("index_faces", {
        "FaceRecords": [],
        "UnindexedFaces": [{"Reasons": ["LOW_SHARPNESS", "LOW_BRIGHTNESS"],
                            "FaceDetail": {"Confidence": 80.0}}],
        "FaceModelVersion": "7.0",
    }, index_params(jpeg, "user0001"))
    result = make_service().identify(jpeg, Emotion.HAPPY, grant=grant)
    assert result.user_id is None and not result.enrolled
    assert result.reason == "low quality: LOW_BRIGHTNESS, LOW_SHARPNESS"
    assert register.enrolments() == [] and users.calls == []


def test_no_face_in_the_crop_is_anonymous_and_not_enrolled(
    make_service: Make, stub: Stubber, grant: LookupGrant, jpeg: bytes
) -> None:
    stub.add_client_error("search_faces_by_image", "InvalidParameterException",
                          "There are no faces in the image. Should be at least 1.",
                          http_status_code=400, expected_params=search_params(jpeg))
    result = make_service().identify(jpeg, Emotion.HAPPY, grant=grant)
    assert (result.user_id, result.reason) == (None, "no face")


def test_throttling_is_retried_with_backoff_then_succeeds(
    make_service: Make, stub: Stubber, grant: LookupGrant, jpeg: bytes,
    register: IdentityRegister,
) -> None:
    fid = face_id()
    register.add("user-known", fid)
    for _ in range(2):
        stub.add_client_error("search_faces_by_image", "ThrottlingException", "slow down",
                              http_status_code=400, expected_params=search_params(jpeg))
    stub.add_response("search_faces_by_image", match_response(fid, "user-known"),
                      search_params(jpeg))
    service = make_service(backoff_s=0.5, max_retries=2)
    waits = FakeWaits()
    service._calls._cancel = waits  # type: ignore[assignment]  # records, never waits
    result = service.identify(jpeg, Emotion.HAPPY, grant=grant)
    assert result.user_id == "user-known"
    # the shared backoff: full jitter under an exponential ceiling, bounded by max_retries
    assert len(waits.waits) == 2
    assert 0 <= waits.waits[0] <= 0.5 and 0 <= waits.waits[1] <= 1.0


def test_throttling_that_lasts_leaves_the_visit_anonymous(
    make_service: Make, stub: Stubber, grant: LookupGrant, jpeg: bytes,
    register: IdentityRegister, users: RecordedUsers,
) -> None:
    for _ in range(3):
        stub.add_client_error("search_faces_by_image", "ProvisionedThroughputExceededException",
                              "busy", http_status_code=400,
                              expected_params=search_params(jpeg))
    result = make_service(max_retries=2).identify(jpeg, Emotion.HAPPY, grant=grant)
    assert (result.user_id, result.reason) == (None, "throttled")
    assert register.enrolments() == [] and users.calls == []  # never enrolled blind


def test_cancel_ends_a_backoff_wait_at_once(
    make_service: Make, client: Any, stub: Stubber, grant: LookupGrant, jpeg: bytes
) -> None:
    import time

    stub.add_client_error("search_faces_by_image", "ThrottlingException", "slow down",
                          http_status_code=400, expected_params=search_params(jpeg))
    service = make_service(backoff_s=60.0)
    # Shutdown arrives while the first call is answered: the 60 s backoff never runs.
    client.meta.events.register("after-call.rekognition.SearchFacesByImage",
                                lambda **_: service.cancel())
    started = time.monotonic()
    result = service.identify(jpeg, Emotion.HAPPY, grant=grant)
    assert result.reason == "cancelled"
    assert time.monotonic() - started < 5.0


def test_access_denied_is_anonymous_with_an_operator_hint(
    make_service: Make, stub: Stubber, grant: LookupGrant, jpeg: bytes,
    caplog: pytest.LogCaptureFixture,
) -> None:
    stub.add_client_error("search_faces_by_image", "AccessDeniedException", "denied",
                          http_status_code=400, expected_params=search_params(jpeg))
    with caplog.at_level(logging.WARNING, logger="kiosk.identity"):
        result = make_service().identify(jpeg, Emotion.HAPPY, grant=grant)
    assert (result.user_id, result.reason) == (None, "refused by AWS")
    assert "rekognition:SearchFacesByImage" in caplog.text


def test_offline_connection_refused_is_anonymous(
    make_service: Make, grant: LookupGrant, jpeg: bytes, closed_port: int,
    register: IdentityRegister,
) -> None:
    aws = AwsSettings(region="us-east-1", endpoint_rekognition=f"http://127.0.0.1:{closed_port}",
                      connect_timeout_s=0.5, read_timeout_s=0.5)
    client = make_client("rekognition", aws)
    try:
        result = make_service(client=client).identify(jpeg, Emotion.HAPPY, grant=grant)
    finally:
        client.close()
    assert (result.user_id, result.reason) == (None, "offline")
    assert register.enrolments() == []


def test_offline_read_timeout_is_anonymous(
    make_service: Make, grant: LookupGrant, jpeg: bytes, silent_endpoint: str
) -> None:
    aws = AwsSettings(region="us-east-1", endpoint_rekognition=silent_endpoint,
                      connect_timeout_s=0.5, read_timeout_s=0.2)
    client = make_client("rekognition", aws)
    try:
        result = make_service(client=client).identify(jpeg, Emotion.HAPPY, grant=grant)
    finally:
        client.close()
    assert (result.user_id, result.reason) == (None, "offline")


# ---------------------------------------------------------------------- consent


@pytest.mark.parametrize("answer", ["no", "timeout"])
def test_a_visit_without_consent_makes_no_collection_call(
    make_service: Make, jpeg: bytes, frame: np.ndarray, answer: str
) -> None:
    refuse = NoCallsClient()
    service = make_service(client=refuse)
    consent = VisitConsent(enabled=True)
    consent.begin("visit-9")
    consent.ask()
    consent.answer(answer)
    grant = consent.claim_lookup(track_id=1)
    assert grant is None
    assert service.identify(jpeg, Emotion.HAPPY, grant=grant).reason == "no consent"
    result = service.identify_in_frame(frame, Box(100, 50, 220, 170), Emotion.HAPPY,
                                       grant=grant)
    assert result.user_id is None
    assert refuse.calls == []


def test_never_asked_and_disabled_make_no_call(make_service: Make, jpeg: bytes) -> None:
    refuse = NoCallsClient()
    service = make_service(client=refuse)
    for enabled in (True, False):
        consent = VisitConsent(enabled=enabled)
        consent.begin("visit-1")
        assert consent.claim_lookup(1) is None
        assert service.identify(jpeg, Emotion.HAPPY, grant=None).user_id is None
    assert refuse.calls == []


def test_a_grant_from_an_ended_visit_makes_no_call(
    make_service: Make, consent: VisitConsent, grant: LookupGrant, jpeg: bytes
) -> None:
    refuse = NoCallsClient()
    consent.end()  # the visitor left before the worker ran
    assert make_service(client=refuse).identify(jpeg, Emotion.HAPPY, grant=grant).reason == (
        "no consent"
    )
    assert refuse.calls == []


def test_no_enrolment_when_the_visit_ends_during_the_search(
    make_service: Make, client: Any, stub: Stubber, consent: VisitConsent,
    grant: LookupGrant, jpeg: bytes, register: IdentityRegister,
) -> None:
    stub.add_response("search_faces_by_image", NO_MATCH, search_params(jpeg))
    client.meta.events.register("after-call.rekognition.SearchFacesByImage",
                                lambda **_: consent.end())
    result = make_service().identify(jpeg, Emotion.HAPPY, grant=grant)
    assert result.reason == "no consent" and register.enrolments() == []


# ---------------------------------------------------------------------- edge cases


def test_identify_in_frame_sends_only_the_face_crop(
    make_service: Make, client: Any, stub: Stubber, grant: LookupGrant, frame: np.ndarray
) -> None:
    sent: list[bytes] = []

    def capture(params: dict[str, Any], **_: Any) -> None:
        sent.append(params["Image"]["Bytes"])

    client.meta.events.register("provide-client-params.rekognition.SearchFacesByImage",
                                capture)
    stub.add_response("search_faces_by_image", NO_MATCH)
    stub.add_response("index_faces", {"FaceRecords": [], "UnindexedFaces": []})
    make_service().identify_in_frame(frame, Box(130, 80, 190, 140), Emotion.HAPPY,
                                     grant=grant)
    import cv2

    crop = cv2.imdecode(np.frombuffer(sent[0], np.uint8), cv2.IMREAD_COLOR)
    assert crop is not None
    assert crop.shape[0] < frame.shape[0] and crop.shape[1] < frame.shape[1]


def test_a_matched_face_that_is_being_forgotten_is_never_reused(
    make_service: Make, stub: Stubber, grant: LookupGrant, jpeg: bytes,
    register: IdentityRegister,
) -> None:
    old = face_id()
    register.add("user-gone", old)
    register.forget("user-gone")  # offline earlier: still pending deletion
    new = face_id()
    stub.add_response("search_faces_by_image", match_response(old, "user-gone"),
                      search_params(jpeg))
    stub.add_response("delete_faces", {"DeletedFaces": [old]},
                      {"CollectionId": COLLECTION, "FaceIds": [old]})
    stub.add_response("index_faces", {"FaceRecords": [face_record(new, "user0001")]},
                      index_params(jpeg, "user0001"))
    result = make_service().identify(jpeg, Emotion.HAPPY, grant=grant)
    assert result.user_id == "user0001" and result.enrolled
    assert register.pending() == []


def test_a_match_unknown_to_the_register_is_adopted_from_now(
    make_service: Make, stub: Stubber, grant: LookupGrant, jpeg: bytes,
    register: IdentityRegister,
) -> None:
    fid = face_id()
    stub.add_response("search_faces_by_image", match_response(fid, "user-elsewhere"),
                      search_params(jpeg))
    result = make_service().identify(jpeg, Emotion.HAPPY, grant=grant)
    assert result.matched and result.user_id == "user-elsewhere"
    row = register.get("user-elsewhere")
    assert row is not None and row.face_id == fid and row.enrolled_at == register._clock()


def test_a_face_the_register_cannot_record_is_deleted_again(
    make_service: Make, stub: Stubber, grant: LookupGrant, jpeg: bytes,
    register: IdentityRegister, monkeypatch: pytest.MonkeyPatch,
) -> None:
    fid = face_id()
    stub.add_response("search_faces_by_image", NO_MATCH, search_params(jpeg))
    stub.add_response("index_faces", {"FaceRecords": [face_record(fid, "user0001")]},
                      index_params(jpeg, "user0001"))
    stub.add_response("delete_faces", {"DeletedFaces": [fid]},
                      {"CollectionId": COLLECTION, "FaceIds": [fid]})

    def broken(*_: Any, **__: Any) -> None:
        raise RegisterError("disk full")

    monkeypatch.setattr(register, "add", broken)
    result = make_service().identify(jpeg, Emotion.HAPPY, grant=grant)
    assert (result.user_id, result.reason) == (None, "register unavailable")


def test_a_failing_put_users_does_not_undo_the_enrolment(
    make_service: Make, stub: Stubber, grant: LookupGrant, jpeg: bytes
) -> None:
    def full(*_: Any) -> int:
        raise OSError("disk full")

    stub.add_response("search_faces_by_image", NO_MATCH, search_params(jpeg))
    stub.add_response("index_faces", {"FaceRecords": [face_record(face_id(), "user0001")]},
                      index_params(jpeg, "user0001"))
    result = make_service(record_user=full).identify(jpeg, Emotion.HAPPY, grant=grant)
    assert result.enrolled and result.user_id == "user0001"


def test_face_bytes_are_never_logged(
    make_service: Make, stub: Stubber, grant: LookupGrant, jpeg: bytes,
    caplog: pytest.LogCaptureFixture,
) -> None:
    stub.add_response("search_faces_by_image", NO_MATCH, search_params(jpeg))
    stub.add_response("index_faces", {"FaceRecords": [face_record(face_id(), "user0001")]},
                      index_params(jpeg, "user0001"))
    with caplog.at_level(logging.DEBUG):
        make_service().identify(jpeg, Emotion.HAPPY, grant=grant)
    text = caplog.text
    assert repr(jpeg[:32])[2:-1] not in text and "\\xff\\xd8" not in text


def test_from_settings_needs_a_collection_when_enabled(tmp_path: Any) -> None:
    settings = Settings().with_overrides({"app.data_dir": str(tmp_path)}, "test")
    on = settings.with_overrides({"identity.enabled": True}, "test")
    with pytest.raises(IdentityConfigError, match="collection_id"):
        IdentityService.from_settings(on, None)
    made: list[int] = []
    service = IdentityService.from_settings(
        settings.with_overrides({"identity.enabled": True, "identity.collection_id": "c",
                                 "identity.face_match_threshold": 97.5,
                                 "rekognition.gender_segment": True}, "test"),
        None, client_factory=lambda: made.append(1),
    )
    assert service.face_match_threshold == 97.5 and service.gender_segment
    assert service.register.path == tmp_path / "identity.sqlite3"
    assert made == []  # the client is made on first use, on the worker
    assert IdentitySettings().face_match_threshold == 95.0
    assert RekognitionSettings().gender_segment is False
