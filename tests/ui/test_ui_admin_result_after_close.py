"""An admin action whose outcome comes back after the operator closed the panel (a
slow "Reload catalog") lands quietly: no "Something went wrong" toast for the visitor
now in front; the log has it, and a failure waits in the panel's "Last problem"."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from kiosk.controllers.curation import CurationController
from kiosk.recommend.catalog import RescanReport
from kiosk.ui.adapter import ViewAdapter
from kiosk.ui.main_window import MainWindow
from kiosk.ui.testing import settle
from tests.test_controller import FakeBackend
from tests.ui.test_ui_admin import enter


class HeldWorker:
    """Keeps each job until `run_all()`: a rescan still running on the worker."""

    def __init__(self) -> None:
        self.jobs: list[Callable[[], None]] = []

    def submit(self, fn: Callable[..., Any], *args: Any,
               on_result: Callable[[Any], None] | None = None,
               on_error: Callable[[BaseException], None] | None = None) -> None:
        def job() -> None:
            try:
                value = fn(*args)
            except Exception as exc:
                if on_error is not None:
                    on_error(exc)
                return
            if on_result is not None:
                on_result(value)
        self.jobs.append(job)

    def run_all(self) -> None:
        jobs, self.jobs = self.jobs, []
        for job in jobs:
            job()


def _reload_then_close(window: MainWindow, qtbot: QtBot, backend: FakeBackend
                       ) -> HeldWorker:
    worker = HeldWorker()
    curation = CurationController(ViewAdapter(window), worker, backend)
    window.admin_action_requested.connect(
        lambda action: curation.reload_catalog() if action == "reload_catalog" else None)
    window.wake()
    window.open_pin_pad()
    enter(qtbot, window, "0000")
    settle(window)
    qtbot.mouseClick(window.admin.buttons["reload_catalog"], Qt.MouseButton.LeftButton)
    assert window.admin.notice_text() == "Reloading the catalog…"
    settle(window)
    qtbot.mouseClick(window.admin.close_button, Qt.MouseButton.LeftButton)
    assert window.current_screen() == "main"
    assert len(worker.jobs) == 1
    return worker


def test_a_reload_that_ends_after_the_panel_closed_shows_the_visitor_nothing(
    window: MainWindow, qtbot: QtBot, caplog: pytest.LogCaptureFixture,
) -> None:
    worker = _reload_then_close(window, qtbot, FakeBackend())
    with caplog.at_level(logging.INFO):
        worker.run_all()
    assert not window.toast.isVisible(), window.toast.text()
    assert window.last_problem == ""
    assert "Catalog reloaded: 1 added" in caplog.text


def test_a_reload_that_fails_after_the_panel_closed_waits_in_the_panel(
    window: MainWindow, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch,
) -> None:
    backend = FakeBackend()

    def broken() -> RescanReport:
        raise OSError("catalog folder /srv/catalog is missing")

    monkeypatch.setattr(backend, "rescan", broken)
    worker = _reload_then_close(window, qtbot, backend)
    worker.run_all()
    assert not window.toast.isVisible(), window.toast.text()
    assert "/srv/catalog is missing" in window.last_problem
    window.set_status({"crash_count": 0})
    assert "/srv/catalog is missing" in window.admin.tiles["other"].detail.text()


def test_a_reload_that_ends_on_the_panel_is_its_notice(
    window: MainWindow, qtbot: QtBot,
) -> None:
    worker = HeldWorker()
    curation = CurationController(ViewAdapter(window), worker, FakeBackend())
    window.open_pin_pad()
    enter(qtbot, window, "0000")
    curation.reload_catalog()
    worker.run_all()
    assert window.admin.notice_text().startswith("Catalog reloaded: 1 added")
    assert not window.toast.isVisible()
