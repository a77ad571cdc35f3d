"""Next taps while a page loads (issue 18): coalesced into the page on its way, one
page request at a time, and a page the screen never drew sends no impression.
The shopper looks at each drawn page for 5 s (on a fake clock): a page passed over
within `GLANCE_S` sends none either (tests/controllers/test_page_change.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
import pytest
from pytestqt.qtbot import QtBot

from kiosk.backend import KioskBackend
from kiosk.config import load_settings
from kiosk.controllers.visit import VisitController
from kiosk.domain import Emotion, Item, Page
from kiosk.testing import FakeClock
from tests.test_controller import FakeView, result


class HeldWorker:
    """Keeps jobs until `run_next` (a slow Personalize call, under the test's control)."""

    def __init__(self) -> None:
        self.jobs: list[tuple[Callable[..., Any], tuple[Any, ...], Any, Any]] = []

    def submit(self, fn: Callable[..., Any], *args: Any,
               on_result: Callable[[Any], None] | None = None,
               on_error: Callable[[BaseException], None] | None = None) -> None:
        self.jobs.append((fn, args, on_result, on_error))

    def names(self) -> list[str]:
        return [getattr(fn, "__name__", "?") for fn, *_ in self.jobs]

    def run_next(self) -> None:
        fn, args, on_result, on_error = self.jobs.pop(0)
        try:
            out = fn(*args)
        except Exception as exc:
            if on_error is not None:
                on_error(exc)
            return
        if on_result is not None:
            on_result(out)

    def run_all(self) -> None:
        while self.jobs:
            self.run_next()


class Recommender:
    """Pages of fresh items; the recommend service's other calls do nothing."""

    def __init__(self) -> None:
        self.pages = 0

    def page(self, visit_id: str, emotion: Emotion, *_: Any) -> Page:
        self.pages += 1
        items = tuple(Item(f"emotions/{emotion.folder}/{self.pages}-{i}.jpg", emotion, "x")
                      for i in range(3))
        return Page(items, emotion, visit_id, index=self.pages - 1)

    def image(self, item_id: str, size: tuple[int, int]) -> np.ndarray:
        return np.zeros((4, 4, 3), np.uint8)

    def impression(self, page: Page) -> None:
        pass

    def personalization_ready(self, visit_id: str) -> bool:
        return False

    def end_visit(self, visit_id: str) -> None:
        pass

    def status(self) -> dict[str, Any]:
        return {}


class Queue:
    def __init__(self) -> None:
        self.impressions: list[tuple[str, ...]] = []

    def record_impression(self, visit_id: str, item_ids: tuple[str, ...], **_: Any) -> int:
        self.impressions.append(tuple(item_ids))
        return 1


@pytest.fixture
def rig(qtbot: QtBot) -> Iterator[tuple[VisitController, HeldWorker, Recommender, Queue, Any,
                                         FakeClock]]:
    worker, recommender, queue, view = HeldWorker(), Recommender(), Queue(), FakeView()
    clock = FakeClock()
    backend = KioskBackend(recommender=recommender, queue=queue)  # type: ignore[arg-type]
    backend.defer_event = lambda fn, *args: fn(*args)  # impressions inline for the test
    controller = VisitController(load_settings(env={}), view, worker, backend, clock=clock)
    yield controller, worker, recommender, queue, view, clock
    controller.stop()


def shown(view: Any) -> list[tuple[str, ...]]:
    return [args[0].item_ids for name, args in view.calls if name == "show_page"]


def test_next_taps_while_a_page_loads_are_answered_by_that_page(rig: Any) -> None:
    controller, worker, recommender, queue, view, clock = rig
    controller.on_vision_result(result("v1", Emotion.HAPPY, started=True))
    worker.run_all()
    assert len(shown(view)) == 1
    clock.advance(5.0)  # looked at (`GLANCE_S`)
    for _ in range(3):  # impatient taps while Personalize is slow
        controller.on_next()
    assert worker.names().count("page") == 1  # one request, not three
    worker.run_all()
    assert recommender.pages == 2 and len(shown(view)) == 2
    clock.advance(5.0)
    controller.on_next()
    worker.run_all()
    # impressions: only for pages that were drawn (the first two; the third is on screen)
    assert queue.impressions == list(shown(view)[:2])


def test_a_page_superseded_while_loading_is_never_drawn_and_sends_no_impression(
    rig: Any,
) -> None:
    controller, worker, recommender, queue, view, clock = rig
    controller.on_vision_result(result("v1", Emotion.HAPPY, started=True))
    worker.run_all()
    clock.advance(5.0)
    controller.on_next()  # page 2 asked ...
    controller.on_mood_picked("SAD")  # ... and the mood changes while it loads
    assert worker.names().count("page") == 1
    worker.run_next()  # page 2 arrives: superseded
    assert worker.names()[:2] == ["discard_page", "page"]  # discarded before the next page
    worker.run_all()
    drawn = shown(view)
    assert len(drawn) == 2 and recommender.pages == 3
    assert all("/sad/" in i for i in drawn[-1])
    clock.advance(5.0)
    controller.on_next()
    worker.run_all()
    assert queue.impressions == drawn  # page 2 (never drawn) has no impression


def test_a_failed_page_lets_the_next_request_through(rig: Any) -> None:
    controller, worker, _recommender, _queue, view, _clock = rig
    controller.on_vision_result(result("v1", Emotion.HAPPY, started=True))
    *_, on_error = worker.jobs.pop(0)
    on_error(RuntimeError("catalog gone"))
    controller.on_next()
    assert worker.names().count("page") == 1  # not stuck "loading"
    worker.run_all()
    assert len(shown(view)) == 1
