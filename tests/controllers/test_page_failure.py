"""A page that cannot be made (the catalog folder unmounted, no image readable) reaches
the screen at every entry point: Next, a new visitor, a new mood, "For you", and a page
whose stand-ins ran out (tester round 8, finding 1). Before, the view kept whatever page
it had: Next did nothing visible, and a newcomer saw the last shopper's headline and
"Liked" heart beside their own mood, for as long as the folder stayed away."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from pytestqt.qtbot import QtBot

from kiosk.config import Settings, load_settings
from kiosk.controllers.visit import VisitController
from kiosk.domain import Emotion
from kiosk.recommend.errors import CatalogError
from kiosk.testing import FakeClock
from tests.controllers.test_picked_mood_owner import swapped
from tests.test_controller import FakeBackend, FakeView, SyncWorker, result

Parts = tuple[VisitController, FakeView, FakeBackend, FakeClock]

GONE = CatalogError("catalog folder /media/usb/catalog is empty but held 127 images")


@pytest.fixture
def settings() -> Settings:
    return load_settings(env={}, overrides={"app.idle_timeout_s": "60"})


@pytest.fixture
def shown(qtbot: QtBot, settings: Settings) -> Iterator[Parts]:
    """A visitor read as SURPRISED, their page on screen, one image liked."""
    view, backend, clock = FakeView(), FakeBackend(), FakeClock()
    controller = VisitController(settings, view, SyncWorker(), backend, clock=clock)
    controller.start()
    controller.on_vision_result(result("v1", Emotion.SURPRISED, started=True))
    page = controller.page
    assert page is not None
    controller.on_like(page.item_ids[0])
    assert view.last("show_like_confirmed") == (page.item_ids[0],)
    clock.now += 5  # the visitor read "Liked" (a newcomer now is not held for it)
    yield controller, view, backend, clock
    controller.stop()


def fail(backend: FakeBackend, how: str) -> None:
    """The back end's page fails: raises (`error`) or has no images (`empty`)."""
    if how == "error":
        backend.page_error = GONE
    else:
        backend.empty_pages = True


HOW = ["error", "empty"]


def calls_after(view: FakeView, name: str) -> list[str]:
    """The view's calls (names) after the last call of `name`."""
    names = [n for n, _ in view.calls]
    last = len(names) - 1 - names[::-1].index(name)
    return names[last + 1:]


@pytest.mark.parametrize("how", HOW)
def test_next_that_brings_no_page_says_so_and_the_page_stays(shown: Parts, how: str) -> None:
    """The page on screen answers the same mood: it stays, takes likes again, and a
    notice says no new images came. Old code: nothing on screen changed (a dead Next)."""
    controller, view, backend, _ = shown
    old = controller.page
    fail(backend, how)
    controller.on_next()
    assert controller.page is old
    assert view.count("show_page_not_changed") == 1
    assert view.last("set_page_leaving") == (False,) and view.count("clear_page") == 0
    controller.on_next()  # each tap is answered
    assert view.count("show_page_not_changed") == 2


def new_mood(controller: VisitController) -> None:
    """The visitor's mood changes to ANGRY, and holds (they touched the grid a while
    ago: `kiosk.controllers.mood_hold`)."""
    clock = controller._clock
    assert isinstance(clock, FakeClock)
    for _ in range(3):
        clock.now += 30
        controller.on_vision_result(result("v1", Emotion.ANGRY))


REPLACERS: dict[str, Callable[[VisitController], None]] = {
    "new_visitor": lambda c: c.on_vision_result(swapped("v1", Emotion.ANGRY)),
    "new_mood": new_mood,
    "picked_mood": lambda c: c.on_mood_picked("ANGRY"),
}


@pytest.mark.parametrize("how", HOW)
@pytest.mark.parametrize("replace", REPLACERS.values(), ids=list(REPLACERS))
def test_a_page_for_another_mood_that_fails_leaves_no_old_page(
        shown: Parts, how: str, replace: Callable[[VisitController], None]) -> None:
    """The tester's case: the folder gone, a newcomer read ANGRY got no page and saw the
    first shopper's "You look surprised" page, its "Liked" heart and dimmed buttons
    beside a badge saying Angry. Now the page goes and the screen says it could not be
    shown, beside the mood asked for. Old code never cleared the view's page."""
    controller, view, backend, _ = shown
    fail(backend, how)
    replace(controller)
    assert controller.page is None
    assert view.count("clear_page") >= 1
    after = calls_after(view, "clear_page")
    assert "show_page" not in after and "show_like_confirmed" not in after
    assert view.last("show_waiting") == ("failed",)
    badge = view.last("show_emotion")[0]
    assert badge is not None and badge.emotion is Emotion.ANGRY  # the mood asked for
    # Next after that is answered too, and the folder back brings a page
    controller.on_next()
    assert view.count("show_page_not_changed") == 1
    controller._check_catalog()  # the generation the controller knows
    backend.page_error, backend.empty_pages = None, False
    backend.catalog_generation += 1
    controller._check_catalog()
    assert controller.page is not None and controller.page.emotion is Emotion.ANGRY
    assert view.last("show_waiting") == ("",)


def test_for_you_that_fails_does_not_leave_the_emotion_page_under_its_toggle(
        shown: Parts) -> None:
    controller, view, backend, _ = shown
    backend.ready_after = 1  # the like opened "For you"
    backend.page_error = GONE
    controller.on_mode("personalized")
    assert controller.page is None and view.last("show_waiting") == ("failed",)
    assert calls_after(view, "clear_page").count("show_page") == 0


def test_a_new_visitor_never_sees_the_last_visitors_page_while_theirs_loads(
        shown: Parts) -> None:
    """Even when the newcomer's page comes: the old one goes first (placeholders)."""
    controller, view, _, _ = shown
    old = controller.page
    assert old is not None
    controller.on_vision_result(swapped("v1", Emotion.CALM))
    names = [n for n, _ in view.calls]
    ended = names.index("clear_page")
    assert "show_page" in names[ended:]
    new = controller.page
    assert new is not None and new is not old and new.emotion is Emotion.CALM
    assert all(args != (old.item_ids[0],) for n, args in view.calls[ended:]
               if n == "show_like_confirmed")
