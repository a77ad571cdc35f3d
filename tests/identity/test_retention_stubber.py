"""Purge and "forget me": DeleteFaces (checked by the Stubber) with the right face ids,
and the local rows gone; offline deletions stay pending and are retried."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import pytest
from botocore.stub import Stubber

from kiosk.config import AwsSettings
from kiosk.identity.register import IdentityRegister
from kiosk.identity.service import IdentityService

from .conftest import COLLECTION, Clock, face_id

Make = Callable[..., IdentityService]


def _delete(face_ids: Sequence[str]) -> dict[str, Any]:
    return {"CollectionId": COLLECTION, "FaceIds": list(face_ids)}


def test_purge_deletes_expired_faces_from_the_collection_and_the_register(
    make_service: Make, stub: Stubber, register: IdentityRegister, clock: Clock
) -> None:
    a, b, keep = face_id(), face_id(), face_id()
    register.add("a", a)
    register.add("b", b)
    clock.advance_days(40)
    register.add("keep", keep)
    forgotten: list[list[str]] = []
    stub.add_response("delete_faces", {"DeletedFaces": [a, b]}, _delete(sorted([a, b])))
    report = make_service(on_forget=[forgotten.append]).purge(30)
    assert [e.user_id for e in report.purged] == ["a", "b"]
    assert sorted(report.deleted) == sorted([a, b]) and report.pending == ()
    assert [e.user_id for e in register.enrolments()] == ["keep"]
    assert register.pending() == []
    assert forgotten == [["a", "b"]]  # recommender history etc. goes too


def test_purge_expired_uses_the_retention_and_is_cheap_when_nothing_is_due(
    register: IdentityRegister, clock: Clock, client: Any, stub: Stubber
) -> None:
    made: list[int] = []

    def factory() -> Any:
        made.append(1)
        return client

    service = IdentityService(register, collection_id=COLLECTION, client_factory=factory,
                              retention_days=30, backoff_s=0.0)
    register.add("u1", face_id())
    assert service.purge_expired().checked_only
    assert made == []  # no client, no call
    clock.advance_days(31)
    fid = register.enrolments()[0].face_id
    stub.add_response("delete_faces", {"DeletedFaces": [fid]}, _delete([fid]))
    assert [e.user_id for e in service.purge_expired().purged] == ["u1"]
    assert service.purge_expired().checked_only  # idempotent: nothing left to do
    assert made == [1]


def test_forget_me_deletes_the_face_and_the_local_rows_at_once(
    make_service: Make, stub: Stubber, register: IdentityRegister
) -> None:
    fid, other = face_id(), face_id()
    register.add("me", fid)
    register.add("someone-else", other)
    hooks: list[list[str]] = []
    stub.add_response("delete_faces", {"DeletedFaces": [fid]}, _delete([fid]))
    result = make_service(on_forget=[hooks.append]).forget("me")
    assert result.complete and result.deleted == (fid,)
    assert register.get("me") is None and register.pending() == []
    assert register.get("someone-else") is not None
    assert hooks == [["me"]]


def test_forget_me_also_deletes_the_face_the_lookup_matched(
    make_service: Make, stub: Stubber, register: IdentityRegister
) -> None:
    matched = face_id()  # matched but never in this register
    stub.add_response("delete_faces", {"DeletedFaces": [matched]}, _delete([matched]))
    result = make_service().forget("visitor", face_ids=[matched])
    assert result.complete and result.deleted == (matched,)


def test_forget_me_offline_removes_local_data_and_keeps_the_face_pending(
    register: IdentityRegister, closed_port: int, client: Any, stub: Stubber
) -> None:
    from kiosk.aws import make_client

    fid = face_id()
    register.add("me", fid)
    aws = AwsSettings(region="us-east-1", endpoint_rekognition=f"http://127.0.0.1:{closed_port}",
                      connect_timeout_s=0.5, read_timeout_s=0.5)
    offline = make_client("rekognition", aws)
    try:
        service = IdentityService(register, collection_id=COLLECTION, client=offline)
        result = service.forget("me")
    finally:
        offline.close()
    assert not result.complete and result.pending == (fid,) and result.error == "offline"
    assert register.get("me") is None  # local data gone at once
    assert [p.face_id for p in register.pending()] == [fid]
    # Back online: the hourly purge finishes the job.
    stub.add_response("delete_faces", {"DeletedFaces": [fid]}, _delete([fid]))
    back = IdentityService(register, collection_id=COLLECTION, client=client)
    report = back.purge_expired()
    assert report.deleted == (fid,) and register.pending() == []


def test_throttled_delete_is_retried(
    make_service: Make, stub: Stubber, register: IdentityRegister
) -> None:
    fid = face_id()
    register.add("me", fid)
    stub.add_client_error("delete_faces", "ThrottlingException", "slow down",
                          http_status_code=400, expected_params=_delete([fid]))
    stub.add_response("delete_faces", {"DeletedFaces": [fid]}, _delete([fid]))
    assert make_service().forget("me").complete


def test_faces_already_gone_count_as_deleted(
    make_service: Make, stub: Stubber, register: IdentityRegister
) -> None:
    gone, stuck = face_id(), face_id()
    register.add("gone", gone)
    register.add("stuck", stuck)
    register.forget("gone")
    register.forget("stuck")
    stub.add_response("delete_faces", {"UnsuccessfulFaceDeletions": [
        {"FaceId": gone, "Reasons": ["FACE_NOT_FOUND"]},
        {"FaceId": stuck, "Reasons": ["ASSOCIATED_TO_AN_EXISTING_USER"]},
    ]}, _delete(sorted([gone, stuck])))
    report = make_service().purge(30)
    assert report.deleted == (gone,) and report.pending == (stuck,)
    assert [p.face_id for p in register.pending()] == [stuck]


def test_a_deleted_collection_means_the_faces_are_gone(
    make_service: Make, stub: Stubber, register: IdentityRegister
) -> None:
    fid = face_id()
    register.add("me", fid)
    stub.add_client_error("delete_faces", "ResourceNotFoundException", "no collection",
                          http_status_code=400, expected_params=_delete([fid]))
    assert make_service().forget("me").complete
    assert register.pending() == []


def test_forget_of_an_unknown_user_calls_nothing(
    make_service: Make, register: IdentityRegister
) -> None:
    from .conftest import NoCallsClient

    refuse = NoCallsClient()
    result = make_service(client=refuse).forget("nobody")
    assert result.face_ids == () and result.complete and refuse.calls == []


def test_the_purge_is_scheduled_while_faces_may_be_held(tmp_path: Any) -> None:
    from kiosk.config import Settings
    from kiosk.identity.service import should_schedule_purge

    off = Settings().with_overrides({"app.data_dir": str(tmp_path)}, "test")
    assert not should_schedule_purge(off)
    assert should_schedule_purge(off.with_overrides({"identity.enabled": True}, "test"))
    IdentityRegister.from_settings(off)  # identity was on once: faces may still be held
    assert should_schedule_purge(off)


def test_status_counts_without_calling_aws(
    make_service: Make, register: IdentityRegister
) -> None:
    from .conftest import NoCallsClient

    register.add("u1", face_id())
    refuse = NoCallsClient()
    status = make_service(client=refuse).status()
    assert status["enrolled"] == 1 and status["pending_deletions"] == 0
    assert status["collection_id"] == COLLECTION and refuse.calls == []


def test_forget_with_a_broken_register_still_deletes_the_known_face(
    make_service: Make, stub: Stubber, register: IdentityRegister,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from kiosk.identity.errors import RegisterError

    def broken(*_: Any, **__: Any) -> list[str]:
        raise RegisterError("identity register: disk I/O error")

    monkeypatch.setattr(register, "forget", broken)
    matched = face_id()
    stub.add_response("delete_faces", {"DeletedFaces": [matched]}, _delete([matched]))
    result = make_service().forget("me", face_ids=[matched])
    assert result.deleted == (matched,) and not result.complete and "disk" in result.error
