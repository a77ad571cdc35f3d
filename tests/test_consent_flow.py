"""Opt-in identity in the visit flow: ask once, look up once, carry the id, forget."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from pytestqt.qtbot import QtBot

from kiosk.config import load_settings
from kiosk.consent_flow import ConsentFlow
from kiosk.controller import KioskController
from kiosk.domain import Emotion, Frame
from kiosk.identity.consent import VisitConsent
from kiosk.identity.results import ForgetResult, IdentityResult
from tests.test_controller import FakeBackend, FakeView, SyncWorker, result


class FakeService:
    def __init__(self) -> None:
        self.calls: list[str] = []

    def identify_in_frame(self, image: Any, box: Any, emotion: Emotion, *, grant: Any,
                          gender: str | None = None) -> IdentityResult:
        self.calls.append("identify")
        assert grant is not None and grant.valid
        return IdentityResult("user-7", matched=True, reason="matched", face_id="face-1")

    def forget(self, user_id: str, faces: tuple[str, ...]) -> ForgetResult:
        self.calls.append(f"forget {user_id} {faces}")
        return ForgetResult(user_id, faces, faces, ())

    def purge_expired(self) -> None:
        self.calls.append("purge")


class FakePrompt:
    def __init__(self) -> None:
        self.calls: list[str] = []

    def ask(self, retention_days: int) -> None:
        self.calls.append(f"ask {retention_days}")

    def offer_forget(self, matched: bool = True) -> None:
        self.calls.append("offer_forget")

    def show_forgotten(self, pending: bool = False) -> None:
        self.calls.append("forgotten")

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

    def like(self, page: Any, item_id: str, tapped_at: float, user_id: str | None) -> Any:
        self.like_users.append(user_id)
        return super().like(page, item_id, tapped_at, user_id)


@pytest.fixture
def parts(qtbot: QtBot) -> Any:
    settings = load_settings(env={}, overrides={"identity.enabled": "true",
                                                 "identity.collection_id": "kiosk"})
    service, prompt, backend, view = FakeService(), FakePrompt(), Pages(), FakeView()
    frame = Frame(np.zeros((480, 640, 3), np.uint8), seq=1, timestamp=0.0)
    flow = ConsentFlow(VisitConsent(enabled=True), service, SyncWorker(), prompt,
                       retention_days=30, latest_frame=lambda: frame)
    controller = KioskController(settings, view, SyncWorker(), backend,  # type: ignore[arg-type]
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
