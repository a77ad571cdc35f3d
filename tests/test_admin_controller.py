"""The admin panel's actions (one dispatcher, `AdminController`), its status, and image
review (`CurationController`), with the visit tests' fake view, worker and back end."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from PySide6.QtCore import QCoreApplication
from pytestqt.qtbot import QtBot

from kiosk.controllers.admin import STATUS_INTERVAL_MS, AdminController
from kiosk.controllers.curation import CurationController
from kiosk.domain import AdminAction
from kiosk.recommend.catalog import RescanReport
from kiosk.status import AppStatus
from kiosk.ui.i18n import install_translator

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
    assert [key for key, *_ in view.last("show_curation")[0]] == ["pending/happy/a.jpg"]
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
    (text, failed) = view.last("show_operator_result")
    assert "RescanReport(" not in text and "seconds" not in text  # counts, not the repr
    # the skipped files by name: staff at the touchscreen cannot read the log (round 8)
    assert text == ("Catalog reloaded: 1 added, 0 updated, 1 removed, 3 skipped. Skipped "
                    "(unreadable, empty, another format, too large or badly named; replace "
                    "or rename them): "
                    "emotions/sad/x.gif, emotions/sad/x.gif, emotions/sad/x.gif.")
    assert not failed
    assert view.count("set_status") == 1  # through `catalog_reloaded`


@contextmanager
def korean(qapp: QCoreApplication) -> Iterator[None]:
    """The Korean translator for the block, English again after it."""
    try:
        assert install_translator(qapp, "ko")
        yield
    finally:
        install_translator(qapp, "en")


def test_the_reload_summary_is_in_korean(admin: Admin, qapp: QCoreApplication) -> None:
    controller, _, view, _, _ = admin
    with korean(qapp):
        controller.on_admin_action("reload_catalog")
    (text, failed) = view.last("show_operator_result")
    assert not failed
    assert "RescanReport(" not in text and "Catalog reloaded" not in text
    assert text.startswith("카탈로그를 다시 불러왔습니다: 추가 1개, 변경 0개, 삭제 1개, 건너뜀 3개."
                           " 건너뛴 파일(")
    assert text.endswith("): emotions/sad/x.gif, emotions/sad/x.gif, emotions/sad/x.gif.")


def test_the_reload_summary_names_the_first_few_of_each_kind(qapp: QCoreApplication) -> None:
    from kiosk.controllers.curation import reload_summary
    from kiosk.recommend.catalog import SkippedFile, SmallImage

    report = RescanReport(skipped=tuple(SkippedFile(f"happy/{i}.jpg", "unreadable")
                                        for i in range(5)),
                          ignored_folders=("Fear",), small=(SmallImage("sad/t.png", 32, 32),))
    text = reload_summary(report)
    assert "happy/0.jpg, happy/1.jpg, happy/2.jpg, … 2 more." in text
    assert "happy/3.jpg" not in text
    assert "Folders ignored (emotion folders have lower-case English names" in text
    assert text.endswith("): Fear/. Smaller than 256 pixels a side, shown blurry (replace "
                         "them): sad/t.png (32×32).")
    with korean(qapp):
        text = reload_summary(report)
    assert "happy/2.jpg, … 외 2개." in text and "무시한 폴더(" in text and "256픽셀" in text


def test_a_clean_reload_does_not_point_at_the_log(admin: Admin,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    controller, _, view, backend, _ = admin
    monkeypatch.setattr(backend, "rescan", lambda: RescanReport(unchanged=96))
    controller.on_admin_action("reload_catalog")
    assert view.last("show_operator_result") == (
        "Catalog reloaded: 0 added, 0 updated, 0 removed, 0 skipped", False)


def test_a_failed_reload_says_what_failed_and_what_to_do(
        admin: Admin, qapp: QCoreApplication, monkeypatch: pytest.MonkeyPatch) -> None:
    controller, _, view, backend, _ = admin

    def broken() -> RescanReport:
        raise OSError("catalog folder /srv/catalog is missing")

    monkeypatch.setattr(backend, "rescan", broken)
    controller.on_admin_action("reload_catalog")
    assert view.last("show_operator_result") == (
        "Could not reload the catalog: catalog folder /srv/catalog is missing. "
        "Check the catalog folder and the log, then try again.", True)
    assert view.count("set_status") == 0  # nothing was reloaded
    with korean(qapp):
        controller.on_admin_action("reload_catalog")
    (text, failed) = view.last("show_operator_result")
    assert failed
    assert text.startswith("카탈로그를 다시 불러오지 못했습니다: catalog folder /srv/catalog")


def test_approve_and_reject_answer_with_the_rest_of_the_pool(admin: Admin) -> None:
    _, curation, view, backend, _ = admin
    backend.pending = ["a", "b", "c"]
    curation.on_approve("a")
    assert [key for key, *_ in view.last("show_curation")[0]] == ["b", "c"]
    curation.on_reject("c")
    assert [key for key, *_ in view.last("show_curation")[0]] == ["b"]
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
    assert view.last("show_operator_result") == ("image review needs the kiosk's catalog", True)
    assert view.count("show_curation") == 0


def test_the_reload_summary_names_an_image_copied_into_a_second_folder(
        qapp: QCoreApplication) -> None:
    """Fresh tester round 10: the same bytes in `calm/` and `happy/` were two items and
    Reload catalog said nothing."""
    from kiosk.controllers.curation import reload_summary
    from kiosk.recommend.catalog import Duplicate

    report = RescanReport(added=("emotions/calm/cmyk.jpg",),
                          duplicates=(Duplicate("calm/cmyk.jpg", "emotions/happy/cmyk.jpg"),))
    assert reload_summary(report).endswith(
        " The same image as another item, shown twice (remove the copy unless it is meant to "
        "be there): calm/cmyk.jpg (same image as emotions/happy/cmyk.jpg).")
    with korean(qapp):
        text = reload_summary(report)
    assert text.endswith("사본을 삭제하세요): calm/cmyk.jpg(emotions/happy/cmyk.jpg와(과) "
                         "같은 이미지).")


def test_the_reload_summary_shows_names_escaped_as_catalog_list_does(
        qapp: QCoreApplication) -> None:
    """A file name with a line break, a byte order mark or a right-to-left override was
    put in the operator's line as it was: the list broke over lines, or read backwards
    from the mark on (`gpj.evil` shown for `\\u202elive.jpg`). Names are shown the way
    `kiosk-admin catalog list --live` shows ids (`catalog_names.escaped`)."""
    from kiosk.controllers.curation import reload_summary
    from kiosk.recommend.catalog import SkippedFile, SmallImage

    report = RescanReport(
        skipped=(SkippedFile("happy/a\nb.jpg", "file name has control characters"),
                 SkippedFile("happy/\u202egpj.exe", "unreadable")),
        ignored_folders=("\ufeffFear",), small=(SmallImage("sad/\u200btiny.png", 32, 32),))
    text = reload_summary(report)
    assert "\n" not in text and not {"\u202e", "\ufeff", "\u200b"} & set(text)
    assert ": happy/a\\x0ab.jpg, happy/\\u202egpj.exe." in text
    assert "…): \\ufeffFear/." in text
    assert text.endswith("(replace them): sad/\\u200btiny.png (32×32).")
