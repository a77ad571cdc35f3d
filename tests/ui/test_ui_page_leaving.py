"""A page being replaced takes no likes: its Like buttons close, visibly, until the
next page is drawn (tester's finding 6: a Like tapped 150 ms after Next was saved for
an image that left before it could say "Liked")."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from kiosk.domain import Emotion
from kiosk.ui.main_window import MainWindow
from kiosk.ui.testing import make_page, settle


def test_like_buttons_close_while_the_page_is_replaced(window: MainWindow, qtbot: QtBot
                                                      ) -> None:
    page, images = make_page(3)
    window.wake()
    settle(window)
    window.show_page(page, images)
    settle(window)  # past the Like guard of the new cards
    liked: list[str] = []
    window.like_requested.connect(liked.append)
    first = window.main.grid.cards()[0]
    qtbot.mouseClick(first.like_button, Qt.MouseButton.LeftButton)
    assert liked == [page.items[0].id]

    window.set_page_leaving(True)  # Next was tapped: the new page is on its way
    cards = window.main.grid.cards()
    assert not any(c.like_button.isEnabled() for c in cards)
    qtbot.mouseClick(cards[1].like_button, Qt.MouseButton.LeftButton)
    assert liked == [page.items[0].id]  # no like for the leaving page
    assert cards[1].like_state() == "idle" and cards[1].like_button.text() == "Like"
    assert first.like_state() == "pending"  # a like on its way still says "Saving…"

    window.set_page_leaving(False)  # no new page came: the old one takes likes again
    assert cards[1].like_button.isEnabled()
    window.set_page_leaving(True)
    new, new_images = make_page(3, Emotion.CALM)
    window.show_page(new, new_images)  # the new page takes likes, after its guard
    settle(window)
    card = window.main.grid.cards()[1]
    qtbot.mouseClick(card.like_button, Qt.MouseButton.LeftButton)
    assert liked == [page.items[0].id, new.items[1].id]


def test_next_and_the_toggle_are_dimmed_while_a_newcomer_waits(
        window: MainWindow, qtbot: QtBot) -> None:
    # tester round 22, D3/D4: during the newcomer hold a tap on the toggle changed the
    # toggle (no page came to match) and Next did nothing visible; now both are dimmed
    # and take no taps, as the page's Like buttons, until the newcomer's visit begins
    page, images = make_page(3)
    window.wake()
    settle(window)
    window.show_page(page, images)
    settle(window)
    nexts: list[bool] = []
    modes: list[str] = []
    window.main.next_clicked.connect(lambda: nexts.append(True))
    window.main.mode_selected.connect(modes.append)
    toggle = window.main.mode_toggle
    before = toggle.current()
    window.set_page_held(True)
    assert not window.main.next_button.isEnabled()
    assert not any(toggle.button(k).isEnabled() for k in ("emotion", "personalized"))
    qtbot.mouseClick(window.main.next_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(toggle.button("personalized"), Qt.MouseButton.LeftButton)
    qtbot.mouseClick(toggle.button("emotion"), Qt.MouseButton.LeftButton)
    assert nexts == [] and modes == [] and toggle.current() == before
    window.set_page_held(False)  # the newcomer's visit began (or the visit went on)
    assert window.main.next_button.isEnabled()
    assert toggle.button("personalized").isEnabled()
