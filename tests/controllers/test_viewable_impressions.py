"""A page counts as an impression only once it was on screen long enough to be seen:
`GLANCE_S` (1 s, the IAB/MRC viewable-impression rule), whatever replaces it (Next, a
new mood, a newcomer, the visit's end). Before, only Next was held to it: a page a new
mood replaced 40 ms after it was drawn was queued as an impression (items shown and
not chosen, for Personalize) though nobody saw it."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from kiosk.backend import KioskBackend
from kiosk.config import load_settings
from kiosk.controllers.visit import GLANCE_S, VisitController
from kiosk.domain import Emotion
from kiosk.testing import FakeClock
from tests.controllers.test_picked_mood_owner import swapped
from tests.test_controller import FakeView, SyncWorker, result


def test_pages_replaced_or_left_at_once_queue_no_impression(
        qtbot: QtBot, tmp_path: Path) -> None:
    settings = load_settings(env={}, overrides={"app.data_dir": str(tmp_path / "data"),
                                                "app.idle_timeout_s": "60"})
    backend = KioskBackend.from_settings(settings)
    backend.image_size = (64, 64)
    backend.open()
    view, clock = FakeView(), FakeClock()
    controller = VisitController(settings, view, SyncWorker(), backend, clock=clock)
    controller.start()
    assert backend.queue is not None

    def impressions() -> int:
        assert backend.queue is not None
        return backend.queue.counts().pending.get("impression", 0)

    try:
        controller.on_vision_result(result("v1", Emotion.HAPPY, started=True))
        clock.advance(0.3)  # a new mood 0.3 s after the first page was drawn
        controller.on_vision_result(result("v1", Emotion.SAD))
        assert impressions() == 0  # old code: 1 (the HAPPY page nobody saw)
        clock.advance(GLANCE_S)  # the SAD page is looked at
        controller.on_vision_result(result("v1", Emotion.CALM))
        assert impressions() == 1
        clock.advance(0.5)  # a newcomer steps straight in: the CALM page goes at once
        controller.on_vision_result(swapped("v1", Emotion.ANGRY))
        assert controller.visit_id != "v1" and impressions() == 1  # old code: 3
        clock.advance(5.0)  # the newcomer's page is seen, and left when they go
        controller.on_vision_result(swapped("v1", Emotion.HAPPY))  # and another
        assert impressions() == 2
        # A page liked at once was seen, however briefly: its like carries its
        # impression (the like event lists the page's items), so none is queued
        page = controller.page
        assert page is not None
        clock.advance(0.3)
        controller.on_like(page.item_ids[0])
        controller._end_visit(keep_screen=False)
        pending = backend.queue.counts().pending
        assert impressions() == 2 and sum(pending.values()) == 3, pending
    finally:
        controller.stop()
        backend.close()

