"""A Like tapped just before a newcomer's visit starts gets its answer on the card that
was tapped: the newcomer's visit waits until the like is answered and its "Liked" (or
"not saved") has been on screen long enough to read, at most `NEWCOMER_WAIT_S` for the
answer. Old code ended the visit at once: the page cleared under the finger, the like
was saved for the departed visit and nobody ever saw "Liked" (issue 15's last bullets)."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
from pytestqt.qtbot import QtBot

from kiosk.config import load_settings
from kiosk.controllers.visit import (
    LIKE_NOTICE_SEEN_S,
    LIKED_SEEN_S,
    NEWCOMER_WAIT_S,
    VisitController,
)
from kiosk.domain import Emotion, RecommendMode
from kiosk.testing import FakeClock
from tests.controllers.test_picked_mood_owner import swapped
from tests.test_controller import FakeBackend, FakeView, QueuedWorker, SyncWorker, result

Likes = tuple[VisitController, FakeView, FakeBackend, FakeClock, QueuedWorker]


@pytest.fixture
def likes(qtbot: QtBot) -> Iterator[Likes]:
    """A controller whose likes wait on `events` until the test answers them; visitor
    "a" is in view, read HAPPY, their first page on screen."""
    settings = load_settings(env={}, overrides={"app.idle_timeout_s": "20"})
    view, backend, clock, events = FakeView(), FakeBackend(), FakeClock(), QueuedWorker()
    controller = VisitController(settings, view, SyncWorker(), backend, clock=clock,
                                 events_worker=events)
    controller.start()
    controller.on_vision_result(result("a", Emotion.HAPPY, started=True))
    clock.now += 5  # they look at the page a while
    yield controller, view, backend, clock, events
    controller.stop()


def liked(controller: VisitController, view: FakeView) -> str:
    """The visitor taps Like on the first card (its commit waits on the events worker)."""
    item = str(view.last("show_page")[0].item_ids[0])
    controller.on_like(item)
    return item


def wait(controller: VisitController, clock: FakeClock, seconds: float) -> None:
    """`seconds` pass; the newcomer's wait is checked (as its timer would)."""
    clock.now += seconds
    controller._check_held_switch()


def test_a_like_tapped_as_someone_steps_in_says_liked_before_their_visit_begins(
        likes: Likes, caplog: pytest.LogCaptureFixture) -> None:
    controller, view, backend, clock, events = likes
    visit = controller.visit_id
    item = liked(controller, view)
    clock.now += 0.05
    with caplog.at_level(logging.INFO, logger="kiosk.controllers.visit"):
        controller.on_vision_result(swapped("a", Emotion.SAD))  # b in a's place
        assert controller.visit_id == visit  # old code: b's visit began here
        assert view.last("set_page_leaving") == (True,)  # a tap now may be b's
        events.run_one()  # saved, 30 ms later
        assert view.last("show_like_confirmed") == (item,)  # on the card tapped
        assert backend.likes == [(visit, item)]
        wait(controller, clock, LIKED_SEEN_S - 0.05)
        assert controller.visit_id == visit  # "Liked" is being read
        assert view.count("clear_page") == 0
        wait(controller, clock, 0.05)
    began = controller.visit_id
    assert began not in (None, visit)  # b's visit, on b's vision visit
    assert controller._vision_visit == "a"
    assert backend.ended == [visit]
    assert "the newcomer's visit begins 0.80 s after they came" in caplog.text
    # b's own mood, read on their next frame, brings their own page
    controller.on_vision_result(result("a", Emotion.SAD))
    page = view.last("show_page")[0]
    assert page.visit_id == began and page.emotion is Emotion.SAD


def test_a_newcomer_after_a_gap_waits_too(likes: Likes) -> None:
    # a left (vision's visit ended), someone else came: `_someone_else_came`
    controller, view, _, clock, events = likes
    visit = controller.visit_id
    item = liked(controller, view)
    controller.on_vision_result(result(None, None, face=False, ended="a"))
    controller.on_vision_result(result("b", Emotion.SAD, started=True, someone_else=True))
    assert controller.visit_id == visit
    events.run_one()
    assert view.last("show_like_confirmed") == (item,)
    wait(controller, clock, LIKED_SEEN_S)
    assert controller.visit_id not in (None, visit) and controller._vision_visit == "b"


def test_liked_shown_just_before_the_newcomer_came_is_read_first(likes: Likes) -> None:
    controller, view, _, clock, events = likes
    visit = controller.visit_id
    liked(controller, view)
    events.run_one()  # "Liked" now
    clock.now += 0.3
    controller.on_vision_result(swapped("a", None))
    assert controller.visit_id == visit
    # the timer is set for the rest of the 0.8 s, and ends the wait when it fires
    assert controller.switch_timer.isActive()
    assert controller.switch_timer.interval() == round((LIKED_SEEN_S - 0.3) * 1000)
    clock.now += LIKED_SEEN_S - 0.3
    controller.switch_timer.timeout.emit()
    began = controller.visit_id
    assert began not in (None, visit)
    assert not controller.switch_timer.isActive()
    # a "Liked" read already does not hold the next newcomer
    controller.on_vision_result(result("a", Emotion.SAD))
    liked(controller, view)
    events.run_one()
    clock.now += LIKED_SEEN_S
    controller.on_vision_result(swapped("a", None))
    assert controller.visit_id not in (None, visit, began)


def test_a_like_that_fails_is_told_to_the_tapper_before_the_newcomer_comes_in(
        likes: Likes) -> None:
    controller, view, backend, clock, events = likes
    visit = controller.visit_id
    item = liked(controller, view)
    controller.on_vision_result(swapped("a", None))
    backend.fail_like = True
    events.run_one()
    assert view.last("show_like_failed")[0] == item  # old code: the log only
    wait(controller, clock, LIKE_NOTICE_SEEN_S - 0.1)
    assert controller.visit_id == visit
    names = [n for n, _ in view.calls]
    assert "clear_visitor_notice" not in names[names.index("show_like_failed"):]
    wait(controller, clock, 0.1)
    assert controller.visit_id not in (None, visit)
    names = [n for n, _ in view.calls]  # the notice goes with the visitor
    assert "clear_visitor_notice" in names[names.index("show_like_failed"):]


def test_taps_while_the_newcomer_waits_neither_like_nor_turn_the_page(
        likes: Likes) -> None:
    controller, view, backend, clock, events = likes
    visit = controller.visit_id
    first, second = view.last("show_page")[0].item_ids[:2]
    controller.on_like(first)
    controller.on_vision_result(swapped("a", None))
    pages = len(backend.pages)
    controller.on_like(second)  # a tap now may be the newcomer's: not saved
    controller.on_next()
    controller.on_mode("personalized")
    assert len(events.jobs) == 1 and len(backend.pages) == pages
    # a steady stream of taps does not keep the newcomer out: the wait is bounded
    for _ in range(int(NEWCOMER_WAIT_S * 10) - 1):
        wait(controller, clock, 0.1)
        controller.on_user_activity()
    assert controller.visit_id == visit
    wait(controller, clock, 0.1)
    assert controller.visit_id not in (None, visit)


def test_a_page_on_its_way_does_not_replace_the_card_being_liked(
        likes: Likes) -> None:
    controller, view, backend, _, _ = likes
    page = view.last("show_page")[0]
    queued = QueuedWorker()
    controller.worker = queued  # the recommend worker is busy
    liked(controller, view)
    controller.on_next()  # a page on its way
    controller.on_vision_result(swapped("a", None))
    queued.run()
    assert controller.page is page  # the card stays for its "Liked"
    assert view.last("show_page")[0] is page and view.count("clear_page") == 0
    assert backend.discarded and backend.discarded[-1].visit_id == page.visit_id


def test_the_newcomer_gone_again_before_their_visit_leaves_the_visit_as_it_was(
        likes: Likes, caplog: pytest.LogCaptureFixture) -> None:
    controller, view, _, clock, events = likes
    visit = controller.visit_id
    item = liked(controller, view)
    controller.on_vision_result(result(None, None, face=False, ended="a"))
    controller.on_vision_result(result("b", None, started=True, someone_else=True))
    with caplog.at_level(logging.INFO, logger="kiosk.controllers.visit"):
        controller.on_vision_result(result(None, None, face=False, ended="b"))
    assert "the newcomer (vision visit b) left before their visit began" in caplog.text
    assert controller._held_switch is None and not controller.switch_timer.isActive()
    assert view.last("set_page_leaving") == (False,)  # the page takes likes again
    events.run_one()
    assert view.last("show_like_confirmed") == (item,)
    wait(controller, clock, NEWCOMER_WAIT_S + LIKED_SEEN_S)
    assert controller.visit_id == visit and view.count("clear_page") == 0


def test_the_toggle_tapped_while_a_newcomer_waits_is_not_taken_and_works_if_they_leave(
        likes: Likes) -> None:
    # Until round 22 (D3) a toggle tap during the hold was kept silently (the toggle
    # changed, no page) and answered only if the newcomer left. Now the toggle is dimmed
    # during the hold, a tap that comes anyway is set back, and once the newcomer has
    # left, the visitor's tap on it works at once.
    controller, view, backend, _, _ = likes
    visit = controller.visit_id
    backend.ready_after = 0  # "For you" open
    liked(controller, view)
    controller.on_vision_result(result(None, None, face=False, ended="a"))
    controller.on_vision_result(result("b", None, started=True, someone_else=True))
    assert view.last("set_page_held") == (True,)
    pages = len(backend.pages)
    controller.on_mode("personalized")  # the visitor's tap, or b's: not taken
    assert len(backend.pages) == pages and controller.visit_id == visit
    assert view.last("set_mode")[0] is not RecommendMode.PERSONALIZED  # set back
    controller.on_vision_result(result(None, None, face=False, ended="b"))
    assert len(backend.pages) == pages  # b left: nothing was asked for meanwhile
    assert view.last("set_page_held") == (False,)
    controller.on_mode("personalized")  # the toggle takes taps again
    assert backend.pages[-1] == (visit, Emotion.HAPPY, "personalized")
    page = view.last("show_page")[0]
    assert page.visit_id == visit and page.mode == "personalized"


def test_a_mood_picked_while_the_newcomer_waits_is_theirs(likes: Likes) -> None:
    controller, view, _, _, _ = likes
    visit = controller.visit_id
    liked(controller, view)
    controller.on_vision_result(swapped("a", None))
    assert controller.visit_id == visit  # waiting for the like's answer
    controller.on_mood_picked("surprised")
    assert controller.visit_id not in (None, visit)
    assert controller.manual and controller.emotion is Emotion.SURPRISED
    page = view.last("show_page")[0]
    assert page.visit_id == controller.visit_id and page.emotion is Emotion.SURPRISED


def test_a_stranger_who_picked_a_mood_gets_it_once_their_visit_begins(
        likes: Likes) -> None:
    # a's face left; a touch with nobody in view picked Calm; the face that came is
    # someone else: the picker, with a visit of their own (`_picker_of_their_own`),
    # after a's like that was saving is answered
    controller, view, _, clock, events = likes
    visit = controller.visit_id
    item = liked(controller, view)
    controller.on_vision_result(result(None, None, face=False, ended="a"))
    clock.now += 1
    controller.on_mood_picked("calm")
    assert controller.visit_id == visit and controller.manual
    controller.on_vision_result(result("b", None, started=True, someone_else=True))
    assert controller.visit_id == visit
    events.run_one()
    assert view.last("show_like_confirmed") == (item,)
    wait(controller, clock, LIKED_SEEN_S)
    assert controller.visit_id not in (None, visit)
    assert controller.manual and controller.emotion is Emotion.CALM
    assert controller._manual_face == "b"


def test_the_idle_timeout_during_the_wait_ends_it(likes: Likes) -> None:
    controller, view, _, _, _ = likes
    visit = controller.visit_id
    liked(controller, view)
    controller.on_vision_result(swapped("a", None))
    assert controller.visit_id == visit  # waiting for the like's answer
    controller._enter_attract()
    assert controller._held_switch is None and not controller.switch_timer.isActive()
    assert controller.attract and controller.visit_id is None


def test_the_newcomers_last_reading_brings_their_page_when_their_visit_begins(
        likes: Likes) -> None:
    # Their face was read during the wait; before, their page waited for the next
    # vision step (none came with the camera gone: test_app_catalog_gone hung 60 s)
    controller, view, _, clock, events = likes
    visit = controller.visit_id
    liked(controller, view)
    controller.on_vision_result(swapped("a", Emotion.SAD))
    events.run_one()
    pages = view.count("show_page")
    wait(controller, clock, LIKED_SEEN_S)
    began = controller.visit_id
    assert began not in (None, visit)
    assert controller.emotion is Emotion.SAD  # no further vision result
    assert view.count("show_page") == pages + 1
    page = view.last("show_page")[0]
    assert page.visit_id == began and page.emotion is Emotion.SAD


def test_next_and_the_toggle_during_the_hold_are_visibly_not_taken(
        likes: Likes, caplog: pytest.LogCaptureFixture) -> None:
    """Tester round 22, D3/D4: during the ~0.8 s hold a tap on "For you" changed the
    toggle with no page to match, and Next did nothing visible until the newcomer's page
    came. Now the hold dims Next and the toggle with the Like buttons
    (`set_page_held`), a tap that reaches the controller anyway asks for no page and
    sets the toggle back, and both take taps again when the newcomer's visit begins."""
    controller, view, backend, clock, events = likes
    visit = controller.visit_id
    item = liked(controller, view)
    controller.on_vision_result(swapped("a", Emotion.SAD))  # b in a's place: held
    assert view.last("set_page_held") == (True,)
    events.run_one()
    assert view.last("show_like_confirmed") == (item,)
    pages, modes = len(backend.pages), view.count("set_mode")
    with caplog.at_level(logging.INFO, logger="kiosk.controllers.visit"):
        controller.on_mode("personalized")
        controller.on_next()
    assert len(backend.pages) == pages  # no page asked for the leaving visit
    assert controller.mode is not RecommendMode.PERSONALIZED
    assert view.count("set_mode") == modes + 1  # the toggle set back, visibly
    assert view.last("set_mode")[0] is controller._shown_mode(view.last("show_page")[0].mode)
    assert view.count("open_mood_picker") == 0
    assert "toggle (personalized) while a newcomer waits" in caplog.text
    assert "Next while a newcomer waits" in caplog.text
    wait(controller, clock, LIKED_SEEN_S)
    assert controller.visit_id not in (None, visit)  # b's visit
    assert view.last("set_page_held") == (False,)  # Next and the toggle take taps again
    controller.on_next()  # b's Next, with b's mood: b's page
    assert view.count("open_mood_picker") + len(backend.pages) > pages


def test_a_newcomer_gone_before_their_visit_gives_the_controls_back(likes: Likes) -> None:
    controller, view, _, _, _ = likes
    visit = controller.visit_id
    liked(controller, view)
    controller.on_vision_result(swapped("a", Emotion.SAD))
    assert view.last("set_page_held") == (True,)
    controller.on_vision_result(result(None, None, ended="a", face=False))  # b left
    assert controller.visit_id == visit
    assert view.last("set_page_held") == (False,)
