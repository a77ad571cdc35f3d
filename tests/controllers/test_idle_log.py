"""The idle-out's log line names a like's answer only when the visit waited for one
(tester round 21: all 41 idle-outs of a 25-minute run said "(8 s since a like's
answer)", 10 likes tapped: two clock reads a moment apart)."""

from __future__ import annotations

import logging

import pytest
from pytestqt.qtbot import QtBot

from kiosk.config import load_settings
from kiosk.controllers.visit import VisitController
from kiosk.domain import Emotion
from kiosk.testing import FakeClock
from tests.test_controller import FakeBackend, FakeView, SyncWorker, result


class TickingClock(FakeClock):
    """Moves 1 ms at every read, as a real clock does between two reads."""

    def __call__(self) -> float:
        self.now += 0.001
        return self.now


def idle_lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if "no touch for" in r.getMessage()]


def test_an_idle_out_without_likes_names_no_answer(
        qtbot: QtBot, caplog: pytest.LogCaptureFixture) -> None:
    settings = load_settings(env={}, overrides={"app.idle_timeout_s": "8"})
    clock = TickingClock()
    controller = VisitController(settings, FakeView(), SyncWorker(), FakeBackend(),
                                 clock=clock)
    controller.start()
    try:
        controller.on_vision_result(result("a", Emotion.HAPPY, started=True))
        clock.now += 9
        with caplog.at_level(logging.INFO, logger="kiosk.controllers.visit"):
            controller._check_idle()
        lines = idle_lines(caplog)
        assert len(lines) == 1 and controller.attract
        assert "like's answer" not in lines[0]
        assert lines[0].endswith("the visit ends, attract mode")
    finally:
        controller.stop()
