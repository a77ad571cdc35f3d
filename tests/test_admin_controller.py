"""The admin panel's actions (one dispatcher, `AdminController`), its status, and image
review (`CurationController`), with the visit tests' fake view, worker and back end."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pytestqt.qtbot import QtBot

from kiosk.controllers.admin import STATUS_INTERVAL_MS, AdminController
from kiosk.controllers.curation import CurationController
from kiosk.domain import AdminAction
from kiosk.status import AppStatus

from .test_controller import FakeBackend, FakeView, SyncWorker

Admin = tuple[AdminController, CurationController, FakeView, FakeBackend, list[str]]
"""What the `admin` fixture yields; the list records the callbacks the app gives."""


@pytest.fixture
def admin(qtbot: QtBot) -> Iterator[Admin]:
    view, backend, called = FakeView(), FakeBackend(), []
    curation = CurationController(view, SyncWorker(), backend)
    controller = AdminController(
        view, SyncWorker(), backend, curation=curation,
        app_status=lambda: AppStatus(crash_count=2),
        wake_uploader=lambda: called.append("wake uploader"),
        audience=lambda: called.append("audience"),
    )
    yield controller, curation, view, backend, called
    controller.stop()


def test_every_panel_button_has_its_handler(admin: Admin, qtbot: QtBot) -> None:
    controller, _, view, backend, called = admin
    backend.pending = ["pending/happy/a.jpg"]
    with qtbot.waitSignal(controller.exit_requested) as exited:
        controller.on_admin_action(AdminAction.EXIT)
    assert exited.args == [0]
    controller.on_admin_action("flush_events")
    assert called == ["wake uploader"]
    assert view.last("set_status")[0].as_dict()["queue_depth"] == 0  # the panel says what now
    controller.on_admin_action("review_images")
    assert [key for key, _, _ in view.last("show_curation")[0]] == ["pending/happy/a.jpg"]
    controller.on_admin_action("audience")
    assert called == ["wake uploader", "audience"]
    assert {a.value for a in AdminAction} == {
        "exit", "restart", "flush_events", "review_images", "reload_catalog", "audience"}


def test_a_deployments_own_button_is_left_alone(admin: Admin, qtbot: QtBot) -> None:
    controller, _, view, _, called = admin
    with qtbot.assertNotEmitted(controller.exit_requested):
        controller.on_admin_action("open_the_till")
    assert view.calls == [] and called == []


def test_status_joins_the_back_end_and_the_app_and_repeats(admin: Admin) -> None:
    controller, _, view, backend, _ = admin
    backend.likes.append(("v1", "a"))
    controller.start()
    assert controller.status_timer.isActive()
    assert controller.status_timer.interval() == STATUS_INTERVAL_MS
    shown = view.last("set_status")[0].as_dict()
    assert shown["queue_depth"] == 1 and shown["crash_count"] == 2
    controller.stop()
    assert not controller.status_timer.isActive()


def test_a_reloaded_catalog_is_reported_and_refreshes_the_status(admin: Admin) -> None:
    controller, _, view, _, _ = admin
    controller.on_admin_action("reload_catalog")
    assert view.last("show_message") == ("Catalog reloaded: 96 items",)
    assert view.count("set_status") == 1  # through `catalog_reloaded`


def test_approve_and_reject_answer_with_the_rest_of_the_pool(admin: Admin) -> None:
    _, curation, view, backend, _ = admin
    backend.pending = ["a", "b", "c"]
    curation.on_approve("a")
    assert [key for key, _, _ in view.last("show_curation")[0]] == ["b", "c"]
    curation.on_reject("c")
    assert [key for key, _, _ in view.last("show_curation")[0]] == ["b"]
    assert backend.pending == ["b"]


def test_an_image_that_cannot_be_reviewed_is_reported_on_its_tile(admin: Admin) -> None:
    _, curation, view, backend, _ = admin
    backend.pending = ["a"]
    curation.on_approve("gone")  # FakeBackend: list.remove raises ValueError
    assert view.last("show_curation_error")[0] == "gone"
    curation.on_reject("gone")
    assert view.count("show_curation_error") == 2 and backend.pending == ["a"]


def test_a_pool_that_cannot_open_is_a_message(admin: Admin, monkeypatch: pytest.MonkeyPatch
                                              ) -> None:
    _, curation, view, backend, _ = admin

    def broken() -> list[object]:
        raise RuntimeError("image review needs the kiosk's catalog")

    monkeypatch.setattr(backend, "pending_thumbnails", broken)
    curation.open_review()
    assert view.last("show_message") == ("image review needs the kiosk's catalog",)
    assert view.count("show_curation") == 0
