"""Orphaned enrolments (issue 18): IndexFaces slow, the client times out, the service
indexes the face anyway. The register knows the ExternalImageId before the call, and
the purge reconciles: it lists the collection for it and deletes the face. Against a
collection on 127.0.0.1 with real botocore timeouts."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from botocore.stub import Stubber

from kiosk.aws import make_client
from kiosk.config import AwsSettings
from kiosk.domain import Emotion
from kiosk.identity.consent import LookupGrant
from kiosk.identity.register import IdentityRegister
from kiosk.identity.service import ORPHAN_AGE_S, IdentityService

from .conftest import COLLECTION, NO_MATCH, Clock, index_params, search_params
from .fake_rekognition import FakeCollection


def service_for(server: FakeCollection, register: IdentityRegister,
                names: Iterator[str]) -> IdentityService:
    aws = AwsSettings(region="us-east-1", endpoint_rekognition=server.url,
                      connect_timeout_s=1.0, read_timeout_s=0.3)
    return IdentityService(register, collection_id=COLLECTION,
                           client=make_client("rekognition", aws), backoff_s=0.0,
                           new_user_id=lambda: next(names))


def test_a_timed_out_enrolment_is_found_and_deleted_by_the_purge(
    collection: FakeCollection, register: IdentityRegister, clock: Clock,
    grant: LookupGrant, jpeg: bytes,
) -> None:
    collection.stall_index = True
    service = service_for(collection, register, iter(["user-orphan"]))
    try:
        result = service.identify(jpeg, Emotion.HAPPY, grant=grant)
        assert result.user_id is None and result.reason == "offline"
        collection.release.set()
        # the service indexed the face; the kiosk knows its ExternalImageId
        assert list(collection.faces.values()) == ["user-orphan"]
        assert [u for u, _ in register.unsettled()] == ["user-orphan"]
        assert register.is_forgotten("user-orphan")  # never used again
        assert register.export()["pending_enrolments"][0]["user_id"] == "user-orphan"

        report = service.purge_expired()  # too early: the call may still be running
        assert report.checked_only and collection.faces
        clock.now += ORPHAN_AGE_S + 1
        report = service.purge_expired()
        assert collection.faces == {}  # the orphan left the collection
        assert len(report.deleted) == 1 and not report.error
        assert register.unsettled() == [] and register.enrolments() == []
        assert collection.calls[-2:] == ["ListFaces", "DeleteFaces"]
    finally:
        service.cancel()


def test_reconcile_waits_while_the_collection_is_unreachable(
    collection: FakeCollection, register: IdentityRegister, clock: Clock,
) -> None:
    register.intend("user-unknown")
    clock.now += ORPHAN_AGE_S + 1
    collection.fail = True
    service = service_for(collection, register, iter(()))
    try:
        deleted, error = service.reconcile()
        assert deleted == () and error == "service unavailable"
        assert [u for u, _ in register.unsettled()] == ["user-unknown"]  # tried again later
        collection.fail = False
        deleted, error = service.reconcile()
        assert deleted == () and error == ""
        assert register.unsettled() == []  # nothing was indexed: settled
    finally:
        service.cancel()


def test_an_answered_index_faces_settles_at_once(
    make_service: Any, stub: Stubber, grant: LookupGrant, jpeg: bytes,
    register: IdentityRegister,
) -> None:
    stub.add_response("search_faces_by_image", NO_MATCH, search_params(jpeg))
    stub.add_client_error("index_faces", "InvalidImageFormatException", "bad image",
                          http_status_code=400, expected_params=index_params(jpeg, "user0001"))
    result = make_service().identify(jpeg, Emotion.HAPPY, grant=grant)
    assert result.user_id is None
    assert register.unsettled() == []  # a 400 means nothing was indexed
    stub.add_response("search_faces_by_image", NO_MATCH, search_params(jpeg))
    stub.add_response("index_faces", {"FaceRecords": [], "UnindexedFaces": []},
                      index_params(jpeg, "user0002"))
    grant.consent._grant = None  # a second lookup in this test only
    second = grant.consent.claim_lookup(track_id=7)
    assert second is not None
    make_service().identify(jpeg, Emotion.HAPPY, grant=second)
    assert register.unsettled() == []  # answered: no face indexed


def test_the_admin_summary_counts_what_is_owed(
    collection: FakeCollection, register: IdentityRegister, clock: Clock,
) -> None:
    register.add("user-a", "face-a")
    register.forget("user-a")
    register.intend("user-b")
    collection.fail = True
    service = service_for(collection, register, iter(()))
    try:
        assert service.summary() == ("not called yet; 1 deletion(s) pending; "
                                     "1 enrolment(s) to reconcile")
        clock.now += ORPHAN_AGE_S + 1
        report = service.purge_expired()
        assert report.pending == ("face-a",)
        assert service.summary().startswith("last call failed (")
        collection.fail = False
        service.purge_expired()
        assert service.summary() == "reachable"
        assert service.status()["pending_deletions"] == 0
    finally:
        service.cancel()
