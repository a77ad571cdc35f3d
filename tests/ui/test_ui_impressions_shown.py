"""Only the images on screen count as shown. A `[recommend] page_size` larger than the
grid can show usable (25 at 1366×768: the grid shows the first ones that fit,
`kiosk.ui.card_layout`) made the recommender build, and record as shown (the page's
impression, for the learner and Personalize), all 25, most never on screen. The
controller now asks the view how many fit and asks for a page of those only."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication

from kiosk.camera.capture import CameraState
from kiosk.config import load_settings
from kiosk.controllers.seams import PageResult
from kiosk.controllers.visit import VisitController
from kiosk.domain import Emotion
from kiosk.ui.adapter import ViewAdapter
from kiosk.ui.main_window import MainWindow
from kiosk.ui.testing import FakeClock
from tests.test_controller import FakeBackend, SyncWorker, result


class ImpressionBackend(FakeBackend):
    """Records each page it makes as KioskBackend records its impression."""

    def __init__(self) -> None:
        super().__init__()
        self.impressions: list[tuple[str, ...]] = []

    def page(self, request: int, visit_id: str, emotion: Emotion, user_id: str | None,
             mode: str, page_size: int) -> PageResult:
        made = super().page(request, visit_id, emotion, user_id, mode, page_size)
        self.impressions.append(made.page.item_ids)
        return made


Parts = tuple[VisitController, MainWindow, ImpressionBackend]


@pytest.fixture
def kiosk(make_window: Any, clock: FakeClock) -> Iterator[Parts]:
    window: MainWindow = make_window(1366, 768, page_size=25)
    settings = load_settings(env={}, overrides={"app.idle_timeout_s": "60",
                                                "recommend.page_size": "25"})
    backend = ImpressionBackend()
    controller = VisitController(settings, ViewAdapter(window), SyncWorker(), backend,
                                 clock=clock)
    controller.start()
    controller.on_camera_state(CameraState.LIVE.value, "")
    yield controller, window, backend
    controller.stop()


def _settle() -> None:
    for _ in range(3):
        QCoreApplication.processEvents()


@pytest.mark.parametrize("language", ["en", "ko"])
def test_a_page_too_big_for_the_screen_records_only_the_cards_drawn(
        language: str, request: pytest.FixtureRequest,
        caplog: pytest.LogCaptureFixture) -> None:
    if language == "ko":
        request.getfixturevalue("korean")  # before the window: its words size the cards
    controller, window, backend = request.getfixturevalue("kiosk")
    with caplog.at_level(logging.WARNING, logger="kiosk.ui.main_window"):
        controller.on_vision_result(result("a", Emotion.HAPPY, started=True))
        _settle()
        controller.on_next()
        _settle()
    drawn = [card.item_id for card in window.main.grid.cards()]
    assert 1 <= len(drawn) < 25  # the screen shows fewer than page_size
    assert len(backend.impressions) == 2
    assert list(backend.impressions[-1]) == drawn  # old code: 25 recorded, ~8 drawn
    assert len(backend.impressions[0]) == len(drawn)
    said = [r.getMessage() for r in caplog.records if "page_size" in r.getMessage()]
    assert len(said) == 1, said  # the operator is told once, not for every page
    assert f"set [recommend] page_size to {len(drawn)} or less" in said[0]


def test_a_page_that_fits_is_asked_for_whole(make_window: Any, clock: FakeClock) -> None:
    window: MainWindow = make_window(1366, 768, page_size=3)
    settings = load_settings(env={}, overrides={"app.idle_timeout_s": "60"})
    backend = ImpressionBackend()
    controller = VisitController(settings, ViewAdapter(window), SyncWorker(), backend,
                                 clock=clock)
    controller.start()
    controller.on_camera_state(CameraState.LIVE.value, "")
    controller.on_vision_result(result("a", Emotion.HAPPY, started=True))
    _settle()
    assert [len(i) for i in backend.impressions] == [3]
    assert len(window.main.grid.cards()) == 3
    controller.stop()
