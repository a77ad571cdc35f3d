"""The main screen's header keeps its height whatever it says, in portrait: at 1080x1920
in Korean "Step closer — …" wrapped onto a second line where "Because you look happy"
did not, so the preview and the cards moved down a line when the visitor left and back
up when the next one came (the header-pending change, 2026-12-02). `HeaderText`
reserves the tallest of the texts it may show there; in landscape the cards need the
height (see `HeaderText.set_reserve`), and the texts fit one line instead: at 1920x1080
in Korean "Step closer…" took two lines where "Because you look surprised" took one, and
the cards moved down 76 px and shrank when the visitor left (`HeaderText.set_fit`)."""

from __future__ import annotations

from dataclasses import replace

import pytest
from PySide6.QtCore import QCoreApplication, QPoint
from pytestqt.qtbot import QtBot

from kiosk.config import load_settings
from kiosk.controllers.visit import VisitController
from kiosk.domain import Emotion
from kiosk.testing import FakeClock
from kiosk.ui.header_text import _wrapped_height
from kiosk.ui.i18n import install_translator
from kiosk.ui.main_window import MainWindow
from tests.test_controller import FakeBackend, SyncWorker, result


@pytest.mark.parametrize("size", [(1080, 1920), (1080, 1700),  # portrait: set_reserve
                                  (1920, 1080), (1366, 768), (1280, 800)])  # set_fit
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
        # every header text fits inside its label: nothing is clipped
        header = window.main.header_text
        if size[1] > size[0]:
            assert header.height() >= header.needed_height(header.width()) > 0
        for label in (header.headline, header.subline):
            assert label.height() >= _wrapped_height(label.font(), label.text(), label.width())
            assert header.geometry().contains(label.geometry().translated(header.pos()))
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


def test_a_text_too_wide_for_one_line_is_set_smaller_down_to_its_floor(qapp: object) -> None:
    from PySide6.QtGui import QFontMetrics

    from kiosk.ui import theme
    from kiosk.ui.label_fit import one_line_font

    base = theme.font(52)
    text = "Because you look surprised"
    width = QFontMetrics(base).horizontalAdvance(text)
    assert one_line_font(base, text, width, 0.7) is base  # it fits: unchanged
    smaller = one_line_font(base, text, int(width * 0.8), 0.7)
    assert 0.7 * 52 <= smaller.pixelSize() < 52
    assert QFontMetrics(smaller).horizontalAdvance(text) <= int(width * 0.8)
    floor = one_line_font(base, text, width // 3, 0.7)  # cannot fit: the floor, then wraps
    assert floor.pixelSize() == 37
