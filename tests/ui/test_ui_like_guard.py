"""A tap that lands just after a page is drawn was aimed at the page before (a fresh
tester: Next, then ~0.2 s after the new page was drawn a Like landed on a picture not
seen yet). A freshly drawn card's Like takes no tap for `like_guard_s` and fades in;
Next takes none for as long after a new page. All on the window's FakeClock; the guard's
timer is stood in for by `check_guards` (the real timer: the last test)."""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from pytestqt.qtbot import QtBot

from kiosk.config import ConfigError, load_settings
from kiosk.domain import Emotion, Item
from kiosk.ui.cards import LIKE_GUARD_S, ImageCard
from kiosk.ui.main_window import MainWindow
from kiosk.ui.testing import FakeClock, make_page, settle, solid_image

CLICK = Qt.MouseButton.LeftButton


def _on_page(window: MainWindow) -> None:
    """The main screen with a first page whose Likes are open."""
    window.wake()
    settle(window)
    window.show_page(*make_page(3))
    settle(window)


def test_a_like_just_after_a_new_page_is_not_taken_then_opens(
    window: MainWindow, qtbot: QtBot, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    _on_page(window)
    liked: list[str] = []
    window.like_requested.connect(liked.append)
    new, images = make_page(3, Emotion.CALM)
    window.show_page(new, images)  # Next's page is drawn
    card = window.main.grid.cards()[0]
    assert not card.likes_open() and not card.like_button.isEnabled()
    assert card.like_button.opacity() < 1.0  # fading in: visibly not ready yet

    clock.advance(0.2)  # the tester's tap, 200 ms after the draw
    with caplog.at_level(logging.DEBUG, logger="kiosk.ui.cards"):
        qtbot.mouseClick(card.like_button, CLICK)
    window.main.grid.check_guards()
    assert liked == []
    assert card.like_state() == "idle" and card.like_button.text() == "Like"
    assert card.swallowed == 1
    assert any("tapped 200 ms after its image was drawn: not taken" in r.getMessage()
               for r in caplog.records)

    clock.advance(LIKE_GUARD_S - 0.2 + 0.001)  # the guard is over: the timer opens it
    window.main.grid.check_guards()
    assert card.likes_open() and card.like_button.isEnabled()
    assert card.like_button.opacity() == 1.0
    qtbot.mouseClick(card.like_button, CLICK)
    assert liked == [new.items[0].id]


def test_only_a_card_replaced_in_place_is_guarded(window: MainWindow, qtbot: QtBot) -> None:
    """A stand-in for one card (its image pulled): the others keep their open Likes."""
    _on_page(window)
    page = window.main.page()
    assert page is not None
    stand_in = Item(id="emotions/happy/stand_in.jpg", emotion=Emotion.HAPPY, path="s.jpg")
    items = (page.items[0], stand_in, page.items[2])
    images: dict[str, QImage] = {item.id: solid_image("#123456") for item in items}
    window.show_page(replace(page, items=items), images)
    cards = window.main.grid.cards()
    assert [c.likes_open() for c in cards] == [True, False, True]
    liked: list[str] = []
    window.like_requested.connect(liked.append)
    for card in cards:
        qtbot.mouseClick(card.like_button, CLICK)
    assert liked == [page.items[0].id, page.items[2].id]


def test_the_first_page_after_the_mood_picker_is_guarded(
    window: MainWindow, qtbot: QtBot
) -> None:
    _on_page(window)
    window.open_mood_picker()
    settle(window)
    qtbot.mouseClick(window.mood.tile(Emotion.SAD), CLICK)  # placeholders, then its page
    assert window.current_screen() == "main"
    window.show_page(*make_page(3, Emotion.SAD))
    assert not any(c.likes_open() for c in window.main.grid.cards())
    settle(window)
    assert all(c.likes_open() for c in window.main.grid.cards())


def test_cards_off_screen_are_not_left_closed(window: MainWindow, clock: FakeClock) -> None:
    """A guard does not outlive its screen (the main screen hidden mid-guard: the
    touch guard settles the screen change that shows it again), and a page drawn while
    another screen is shown is not guarded: no finger was on it, and nothing would
    open it (the child-process harness picks moods with the picker still shown)."""
    _on_page(window)
    window.show_page(*make_page(3, Emotion.CALM))
    assert not any(c.likes_open() for c in window.main.grid.cards())
    window.open_mood_picker()
    window.mood.back.emit()
    assert window.current_screen() == "main"
    assert all(c.likes_open() and c.like_button.isEnabled()
               for c in window.main.grid.cards())

    window.open_mood_picker()  # a page drawn behind the picker
    window.show_page(*make_page(3, Emotion.SAD))
    assert all(c.likes_open() for c in window.main.grid.cards())


def test_next_just_after_a_new_page_is_not_taken(
    window: MainWindow, qtbot: QtBot, clock: FakeClock
) -> None:
    """A new mood replaced the page as the shopper tapped Next at the old one: that Next
    would skip the new page unseen; it is not taken. A later one is."""
    _on_page(window)
    clock.advance(1.0)
    nexts: list[bool] = []
    window.next_requested.connect(lambda: nexts.append(True))
    window.show_page(*make_page(3, Emotion.SAD))
    clock.advance(0.2)
    qtbot.mouseClick(window.main.next_button, CLICK)
    assert nexts == []
    clock.advance(LIKE_GUARD_S - 0.2 + 0.001)
    qtbot.mouseClick(window.main.next_button, CLICK)
    assert nexts == [True]


@pytest.mark.parametrize("gap_s", [0.08, 0.2])
def test_a_double_tap_on_next_asks_for_one_page(
    window: MainWindow, qtbot: QtBot, clock: FakeClock, gap_s: float
) -> None:
    """Two taps `gap_s` apart, the first one's page drawn between them (a fast page):
    one page asked for, so none is skipped unseen."""
    _on_page(window)
    clock.advance(1.0)
    nexts: list[bool] = []
    window.next_requested.connect(lambda: nexts.append(True))
    qtbot.mouseClick(window.main.next_button, CLICK)
    clock.advance(gap_s / 2)
    window.show_page(*make_page(3, Emotion.CALM))
    clock.advance(gap_s / 2)
    qtbot.mouseClick(window.main.next_button, CLICK)
    assert nexts == [True]


def test_the_guard_comes_from_the_settings_and_is_checked(make_window: Any) -> None:
    settings = load_settings(env={}, overrides={"ui.like_guard_s": "0"})
    assert settings.ui.like_guard_s == 0.0
    assert load_settings(env={}).ui.like_guard_s == LIKE_GUARD_S
    win = make_window(like_guard_s=settings.ui.like_guard_s)
    win.show_page(*make_page(3))
    assert all(c.likes_open() for c in win.main.grid.cards())  # off: open at once
    for bad in ("-0.1", "5", "soon"):
        with pytest.raises(ConfigError, match="like_guard_s"):
            load_settings(env={}, overrides={"ui.like_guard_s": bad})


def test_the_guard_timer_opens_the_like_on_the_real_clock(qtbot: QtBot) -> None:
    card = ImageCard(guard_s=0.05)
    qtbot.addWidget(card)
    card.resize(400, 400)
    card.show()
    qtbot.waitExposed(card)
    card.set_item("emotions/happy/a.jpg", QImage(8, 8, QImage.Format.Format_RGB32))
    assert not card.likes_open()
    qtbot.waitUntil(card.likes_open, timeout=5000)  # nobody but its timer opens it
    assert card.like_button.isEnabled()
    with qtbot.waitSignal(card.like_clicked, timeout=1000):
        qtbot.mouseClick(card.like_button, CLICK)
