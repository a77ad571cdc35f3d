"""Opt-in identity in the visit flow: ask once, look up once, carry the id, forget."""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np
import pytest
from pytestqt.qtbot import QtBot

from kiosk.backend import KioskBackend
from kiosk.config import load_settings
from kiosk.controllers.consent import ConsentFlow
from kiosk.controllers.visit import VisitController
from kiosk.domain import Emotion, Frame, Page, RecommendMode
from kiosk.identity.consent import VisitConsent
from kiosk.identity.results import ForgetResult, IdentityResult, PurgeReport
from kiosk.vision.pipeline import VisionResult
from tests.test_controller import FakeBackend, FakeView, SyncWorker, result


class FakeService:
    def __init__(self) -> None:
        self.calls: list[str] = []
        self.answers: list[IdentityResult] = []
        self.offline = False  # DeleteFaces cannot reach the collection
        self.owed: dict[str, int] = {}
        self.refused: str | None = None  # AWS refuses the calls (IdentityService.refused)

    def held_back(self) -> tuple[str, float] | None:
        return None  # tests/identity/test_retry_pause.py: the real service's pauses

    def identify_in_frame(self, image: Any, box: Any, emotion: Emotion, *, grant: Any,
                          gender: str | None = None) -> IdentityResult:
        self.calls.append("identify")
        assert grant is not None and grant.valid
        if self.answers:
            return self.answers.pop(0)
        return IdentityResult("user-7", matched=True, reason="matched", face_id="face-1")

    def forget(self, user_id: str, faces: tuple[str, ...]) -> ForgetResult:
        self.calls.append(f"forget {user_id} {faces}")
        if self.offline:
            self.owed = {"pending_deletions": len(faces)}
            return ForgetResult(user_id, faces, (), faces)
        return ForgetResult(user_id, faces, faces, ())

    def purge_expired(self) -> PurgeReport:
        self.calls.append("purge")
        if self.offline and self.owed:
            return PurgeReport(pending=("face-1",), error="offline")
        deleted = ("face-1",) if self.owed else ()
        self.owed = {}
        return PurgeReport(deleted=deleted, checked_only=not deleted)


class FakePrompt:
    def __init__(self) -> None:
        self.calls: list[str] = []

    def ask(self, retention_days: int) -> None:
        self.calls.append(f"ask {retention_days}")

    def offer_forget(self, matched: bool = True) -> None:
        self.calls.append("offer_forget")

    def show_forgotten(self, pending: bool = False) -> None:
        self.calls.append("forgotten")

    def show_lookup_failed(self) -> None:
        self.calls.append("lookup failed")

    def close_prompt(self) -> None:
        self.calls.append("close")


class Pages(FakeBackend):
    def __init__(self) -> None:
        super().__init__()
        self.users: list[str | None] = []
        self.like_users: list[str | None] = []

    def page(self, request: int, visit_id: str, emotion: Emotion, user_id: str | None,
             mode: str, page_size: int) -> Any:
        self.users.append(user_id)
        return super().page(request, visit_id, emotion, user_id, mode, page_size)

    def commit_like(self, page: Any, item_id: str, tapped_at: float, user_id: str | None,
                    tap_monotonic: float | None = None) -> Any:
        self.like_users.append(user_id)
        return super().commit_like(page, item_id, tapped_at, user_id, tap_monotonic)


@pytest.fixture
def parts(qtbot: QtBot) -> Any:
    settings = load_settings(env={}, overrides={"identity.enabled": "true",
                                                 "identity.collection_id": "kiosk"})
    service, prompt, backend, view = FakeService(), FakePrompt(), Pages(), FakeView()
    frame = Frame(np.zeros((480, 640, 3), np.uint8), seq=1, timestamp=0.0)
    flow = ConsentFlow(VisitConsent(enabled=True), service, SyncWorker(), prompt,
                       retention_days=30, latest_frame=lambda: frame)
    controller = VisitController(settings, view, SyncWorker(), backend,
                                 identity=flow)
    flow.user_changed.connect(controller.on_user_changed)
    yield controller, flow, service, prompt, backend
    controller.stop()


def test_yes_looks_up_once_and_the_user_id_flows_into_pages_and_likes(parts: Any) -> None:
    controller, flow, service, prompt, backend = parts
    controller.on_vision_result(result("v1", Emotion.HAPPY, started=True))
    assert prompt.calls == ["ask 30"]  # asked after the first page
    assert backend.users == [None]
    flow.on_answer("yes")
    assert service.calls == ["identify"]
    assert prompt.calls[-1] == "offer_forget"
    assert backend.users[-1] == "user-7"  # re-ranked with the identity
    controller.on_like(controller.page.item_ids[0])
    assert backend.like_users == ["user-7"]
    controller.on_next()
    assert service.calls == ["identify"]  # one lookup per visit
    assert prompt.calls.count("ask 30") == 1  # asked once per visit


def test_nobody_is_asked_while_aws_refuses_the_collection(parts: Any) -> None:
    # a "yes" could only end in "that did not work" (the calls are stopped for 30 min)
    controller, _flow, service, prompt, _backend = parts
    service.refused = "AccessDeniedException"
    controller.on_vision_result(result("v1", Emotion.HAPPY, started=True))
    controller.on_next()
    assert prompt.calls == []
    assert service.calls == []
    service.refused = None  # the pause is over (or the credentials were fixed)
    controller.on_next()
    assert prompt.calls == ["ask 30"]


def test_no_or_timeout_makes_no_collection_call(parts: Any) -> None:
    controller, flow, service, _prompt, backend = parts
    controller.on_vision_result(result("v1", Emotion.SAD, started=True))
    flow.on_answer("timeout")
    controller.on_like(controller.page.item_ids[0])
    assert service.calls == []
    assert backend.like_users == [None]


def test_forget_me_deletes_and_the_visit_becomes_anonymous(parts: Any) -> None:
    controller, flow, service, prompt, backend = parts
    controller.on_vision_result(result("v1", Emotion.HAPPY, started=True))
    flow.on_answer("yes")
    flow.on_forget()
    assert service.calls[-1] == "forget user-7 ('face-1',)"
    assert prompt.calls[-1] == "forgotten"
    assert controller.user_id is None and backend.users[-1] is None


def test_consent_ends_with_the_visit(parts: Any) -> None:
    controller, flow, _service, prompt, backend = parts
    controller.on_vision_result(result("v1", Emotion.HAPPY, started=True))
    flow.on_answer("yes")
    controller.on_vision_result(result(None, None, ended="v1", face=False))
    assert "close" in prompt.calls and controller.user_id is None
    controller.on_vision_result(result("v2", Emotion.HAPPY, started=True))
    controller.on_next()  # the shop visit goes on (idle_timeout_s); its next page asks
    assert prompt.calls.count("ask 30") == 2  # the next face is asked afresh
    assert backend.users[-1] is None


def test_manual_mood_visits_are_not_asked(parts: Any) -> None:
    controller, _flow, service, prompt, _backend = parts
    controller.on_mood_picked("CALM")
    assert prompt.calls == [] and service.calls == []


def person(track: int, visit: str = "v1", emotion: Emotion = Emotion.HAPPY) -> VisionResult:
    """The same visit with `track` as the primary face (another person when it changes)."""
    return dataclasses.replace(result(visit, emotion), primary_track_id=track)


def test_a_person_switch_ends_the_identity_state(parts: Any) -> None:
    controller, flow, service, prompt, backend = parts
    controller.on_vision_result(result("v1", Emotion.HAPPY, started=True))
    flow.on_answer("yes")
    assert controller.user_id == "user-7" and prompt.calls[-1] == "offer_forget"
    pages = len(backend.users)
    controller.on_vision_result(person(2))  # B replaces A with no gap: same visit
    # A's "Forget me" bar goes; the page re-ranked without A's id asks B afresh
    assert prompt.calls[-2:] == ["close", "ask 30"]
    assert controller.user_id is None
    assert len(backend.users) == pages + 1 and backend.users[-1] is None
    controller.on_like(controller.page.item_ids[0])
    assert backend.like_users == [None]  # B's like is not A's
    flow.on_answer("no")
    flow.on_forget()  # a stray tap: nothing of A's is deleted
    assert not any(c.startswith("forget") for c in service.calls)


def test_the_new_person_flag_of_the_vision_result_also_ends_it(parts: Any) -> None:
    """Vision's person-switch detection (same track id, another person:
    `VisionResult.new_person`) is honoured; the old hook read a field vision never had."""
    controller, flow, _service, prompt, _backend = parts
    controller.on_vision_result(result("v1", Emotion.HAPPY, started=True))
    flow.on_answer("yes")
    switched = dataclasses.replace(result("v1", Emotion.HAPPY), new_person=True)
    controller.on_vision_result(switched)
    assert controller.user_id is None and prompt.calls[-2:] == ["close", "ask 30"]


def test_the_same_person_keeps_the_identity(parts: Any) -> None:
    controller, flow, _service, prompt, _backend = parts
    controller.on_vision_result(result("v1", Emotion.HAPPY, started=True))
    flow.on_answer("yes")
    for _ in range(3):
        controller.on_vision_result(person(1))
    controller.on_vision_result(result("v1", Emotion.HAPPY, face=False))  # a blink: no face
    controller.on_vision_result(person(1))
    assert controller.user_id == "user-7" and prompt.calls[-1] == "offer_forget"


@pytest.mark.parametrize("reason", ["offline", "throttled", "service unavailable", "paused",
                                    "no face", "low quality: EXCEEDS_MAX_FACES"])
def test_a_lookup_that_did_not_work_says_so(parts: Any, reason: str) -> None:
    controller, flow, service, prompt, _backend = parts
    service.answers.append(IdentityResult(None, reason=reason))
    controller.on_vision_result(result("v1", Emotion.HAPPY, started=True))
    flow.on_answer("yes")
    assert prompt.calls[-1] == "lookup failed"
    assert controller.user_id is None


def test_a_lookup_for_a_visit_that_ended_says_nothing(parts: Any) -> None:
    controller, flow, service, prompt, _backend = parts
    service.answers.append(IdentityResult(None, reason="no consent"))
    controller.on_vision_result(result("v1", Emotion.HAPPY, started=True))
    flow.on_answer("yes")
    assert "lookup failed" not in prompt.calls


class Recorder:
    """A recommender stand-in that records the user id each page was asked with."""

    def __init__(self) -> None:
        self.users: list[str | None] = []

    def page(self, visit_id: str, emotion: Emotion, user_id: str | None, *_: Any) -> Page:
        self.users.append(user_id)
        return Page(items=(), emotion=emotion, visit_id=visit_id, index=0,
                    mode=RecommendMode.EMOTION, source="embedded")

    def impression(self, page: Page) -> None:
        pass

    def personalization_ready(self, visit_id: str) -> bool:
        return False


def test_a_page_queued_before_forget_me_never_uses_the_forgotten_id(parts: Any) -> None:
    """The recommend thread runs a page job queued with A's id after A tapped Forget me
    (the Personalize race of issue 18): the backend's gate drops the id at run time."""
    controller, flow, _service, _prompt, _backend = parts
    controller.on_vision_result(result("v1", Emotion.HAPPY, started=True))
    flow.on_answer("yes")
    recorder = Recorder()
    backend = KioskBackend(recommender=recorder)  # type: ignore[arg-type]
    backend.user_filter = flow.usable_user_id
    flow.on_forget()  # the tap: the id is retired on the GUI thread first
    # the job queued before it
    backend.page(1, "v1", Emotion.HAPPY, "user-7", RecommendMode.AUTO, 3)
    assert recorder.users == [None]
    assert flow.usable_user_id("someone-else") == "someone-else"


def test_a_pending_deletion_is_retried_with_backoff_while_running(parts: Any) -> None:
    """Issue 18: "as soon as the kiosk is back online", not at the next start."""
    controller, flow, service, prompt, _backend = parts
    controller.on_vision_result(result("v1", Emotion.HAPPY, started=True))
    flow.on_answer("yes")
    service.offline = True
    flow.on_forget()
    assert prompt.calls[-1] == "forgotten"
    assert flow.retry_timer.isActive()
    first = flow.retry_timer.interval()
    assert 1000 <= first <= 5000  # the shared backoff's first ceiling (5 s), jittered
    flow.retry_timer.stop()
    flow.retry_timer.timeout.emit()  # the timer fires: still offline
    assert service.calls[-1] == "purge" and flow.retry_timer.isActive()
    assert flow.retry_timer.interval() <= 10_000  # the ceiling doubled
    service.offline = False  # back online
    flow.retry_timer.stop()
    flow.retry_timer.timeout.emit()
    assert service.calls.count("purge") == 2
    assert not flow.retry_timer.isActive()  # done: no more tries
    assert flow._retry_failures == 0
