"""The main screen's header keeps its height whatever it says, in portrait: at 1080x1920
in Korean "Step closer — …" wrapped onto a second line where "Because you look happy"
did not, so the preview and the cards moved down a line when the visitor left and back
up when the next one came (the header-pending change, 2026-12-02). `HeaderText`
reserves the tallest of the texts it may show there; in landscape the cards need the
height (see `HeaderText.set_reserve`)."""

from __future__ import annotations

from dataclasses import replace

import pytest
from PySide6.QtCore import QCoreApplication, QPoint
from pytestqt.qtbot import QtBot

from kiosk.config import load_settings
from kiosk.controllers.visit import VisitController
from kiosk.domain import Emotion
from kiosk.testing import FakeClock
from kiosk.ui.i18n import install_translator
from kiosk.ui.main_window import MainWindow
from tests.test_controller import FakeBackend, SyncWorker, result


@pytest.mark.parametrize("size", [(1080, 1920), (1080, 1700)])  # portrait (set_reserve)
@pytest.mark.parametrize("language", ["en", "ko"])
def test_the_cards_stay_put_when_the_header_text_changes(
        qtbot: QtBot, qapp: QCoreApplication, language: str, size: tuple[int, int]) -> None:
    from kiosk.ui.adapter import ViewAdapter

    assert install_translator(qapp, language)
    settings = load_settings(env={}, overrides={"app.idle_timeout_s": "20"})
    window = MainWindow.from_settings(settings, touch_settle_s=0.0)
    qtbot.addWidget(window)
    window.resize(*size)
    window.show()
    qtbot.waitExposed(window)
    clock = FakeClock()
    controller = VisitController(settings, ViewAdapter(window), SyncWorker(),
                                 FakeBackend(), clock=clock)

    def places() -> tuple[int, int, int]:
        qapp.processEvents()
        main = window.main
        return (main.grid.mapTo(window, QPoint(0, 0)).y(),
                main.camera.mapTo(window, QPoint(0, 0)).y(), main.grid.height())

    try:
        controller.start()
        controller.on_camera_state("LIVE", "")
        controller.on_vision_result(result("a", Emotion.SURPRISED, started=True))
        headline = window.main.headline.text()
        with_page = places()
        clock.now += 4
        controller.on_vision_result(result(None, None, ended="a", face=False))
        assert window.main.headline.text() != headline  # "Step closer — …"
        assert places() == with_page
        clock.now += 1
        controller.on_vision_result(replace(result("b", None, started=True),
                                            reading_steady=False))
        assert places() == with_page  # "Still reading your mood…"
        # every header text fits inside the header: nothing is clipped
        header = window.main.header_text
        assert header.height() >= header.needed_height(header.width()) > 0
    finally:
        controller.stop()
        window.main.stop_animations()
        window.attract.stop()
        window.close()
        install_translator(qapp, "en")


def test_landscape_keeps_the_cards_the_header_would_take(make_window: object) -> None:
    # CI on the first version, which reserved in landscape too: at 800x800 a page of 3
    # showed 2 cards (tests/test_app_flow.py)
    win = make_window(800, 800, page_size=3)  # type: ignore[operator]
    win.wake()
    assert win.main.cards_that_fit(3) == 3
    assert not win.main.header_text.needed_height(win.main.header_text.width())
