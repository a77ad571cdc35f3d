"""`ConsentFlow`'s deletion retries against the real identity service while AWS's answers
hold its calls back (botocore's Stubber, a FakeClock: nothing sleeps).

The old flow kept its own backoff (5 s doubling to 5 min) through a 30-min refusal: the
timer woke and logged about every 5 min for nothing, and the owed deletions could wait up
to 5 min more once the refusal ended. Now the next retry is due when the pause ends."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from botocore.stub import Stubber
from pytestqt.qtbot import QtBot

from kiosk.aws import REFUSED_PAUSE_S
from kiosk.controllers.consent import ConsentFlow
from kiosk.identity.consent import VisitConsent
from kiosk.identity.register import IdentityRegister
from kiosk.identity.service import IdentityService
from kiosk.testing import FakeClock
from tests.test_consent_flow import FakePrompt
from tests.test_controller import SyncWorker

from .conftest import COLLECTION, face_id

FLOW_LOGGER = "kiosk.controllers.consent"


@pytest.fixture
def mono() -> FakeClock:
    return FakeClock()


@pytest.fixture
def flow(qtbot: QtBot, make_service: Callable[..., IdentityService],
         mono: FakeClock) -> Iterator[ConsentFlow]:
    service = make_service(clock=mono)
    made = ConsentFlow(VisitConsent(enabled=True), service, SyncWorker(), FakePrompt(),
                       retention_days=30, latest_frame=lambda: None)
    yield made
    made.stop()


def owe_deletion(register: IdentityRegister) -> str:
    fid = face_id()
    register.add("gone", fid)
    register.forget("gone")  # a deletion owed to the collection
    return fid


def delete_params(fid: str) -> dict[str, Any]:
    return {"CollectionId": COLLECTION, "FaceIds": [fid]}


def fire(flow: ConsentFlow) -> None:
    flow.retry_timer.stop()
    flow.retry_timer.timeout.emit()


def held_lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records
            if r.name == FLOW_LOGGER and "held back" in r.getMessage()]


def test_deletion_retries_wait_for_a_refusal_and_go_the_moment_it_ends(
    flow: ConsentFlow, stub: Stubber, register: IdentityRegister, mono: FakeClock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    fid = owe_deletion(register)
    stub.add_client_error("delete_faces", "AccessDeniedException", http_status_code=400,
                          expected_params=delete_params(fid))
    with caplog.at_level(logging.INFO, logger=FLOW_LOGGER):
        flow.purge_now()
        # due when the 30-min pause ends (the old code: the backoff's 1-5 s)
        assert flow.retry_timer.isActive()
        assert flow.retry_timer.interval() == REFUSED_PAUSE_S * 1000
        assert flow._retry_failures == 0

        mono.advance(600.0)
        flow.purge_now()  # the hourly purge meanwhile: nothing sent, the same moment
        assert flow.retry_timer.interval() == (REFUSED_PAUSE_S - 600.0) * 1000

        # the pause's end: one trial, refused again: a new full pause, no new log line
        mono.advance(REFUSED_PAUSE_S - 600.0)
        stub.add_client_error("delete_faces", "AccessDeniedException", http_status_code=400,
                              expected_params=delete_params(fid))
        fire(flow)
        assert flow.retry_timer.interval() == REFUSED_PAUSE_S * 1000
        assert flow._retry_failures == 0

        # permissions granted meanwhile: the deletion goes at the pause's end
        mono.advance(REFUSED_PAUSE_S)
        stub.add_response("delete_faces", {"DeletedFaces": [fid]}, delete_params(fid))
        fire(flow)
    assert register.pending() == []
    assert not flow.retry_timer.isActive()
    lines = held_lines(caplog)
    assert len(lines) == 1 and "refused by AWS" in lines[0] and "1800 s" in lines[0]


def test_deletion_retries_wait_for_throttling_without_counting_failures(
    flow: ConsentFlow, stub: Stubber, register: IdentityRegister, mono: FakeClock,
) -> None:
    fid = owe_deletion(register)
    for _ in range(3):  # the call and its 2 inline retries
        stub.add_client_error("delete_faces", "ThrottlingException", http_status_code=400,
                              expected_params=delete_params(fid))
    flow.purge_now()
    left = flow.service.held_back() if flow.service is not None else None
    assert left is not None and left[0] == "throttled" and 4.0 <= left[1] <= 8.0
    assert flow.retry_timer.interval() == pytest.approx(left[1] * 1000, abs=1)
    assert flow._retry_failures == 0

    mono.advance(left[1])
    stub.add_response("delete_faces", {"DeletedFaces": [fid]}, delete_params(fid))
    fire(flow)
    assert register.pending() == [] and not flow.retry_timer.isActive()
