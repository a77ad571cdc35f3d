"""A Like held down while a new page swaps the card's image likes nothing (found by a tester)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from pytestqt.qtbot import QtBot

from kiosk.ui.cards import ImageCard


def _card(qtbot: QtBot) -> ImageCard:
    card = ImageCard(guard_s=0)  # about the swap, not the Like guard (test_ui_like_guard)
    qtbot.addWidget(card)
    card.resize(400, 400)
    card.show()
    qtbot.waitExposed(card)
    return card


def test_a_like_pressed_before_the_image_changes_does_not_like_the_new_image(
    qtbot: QtBot,
) -> None:
    card = _card(qtbot)
    card.set_item("emotions/sad/a.jpg", QImage(8, 8, QImage.Format.Format_RGB32))
    liked: list[str] = []
    card.like_clicked.connect(liked.append)

    qtbot.mousePress(card.like_button, Qt.MouseButton.LeftButton)
    card.set_item("emotions/calm/b.jpg", QImage(8, 8, QImage.Format.Format_RGB32))
    qtbot.mouseRelease(card.like_button, Qt.MouseButton.LeftButton)

    assert liked == []
    assert card.like_state() == "idle"


def test_a_like_on_an_unchanged_card_still_likes_it(qtbot: QtBot) -> None:
    card = _card(qtbot)
    card.set_item("emotions/sad/a.jpg", QImage(8, 8, QImage.Format.Format_RGB32))
    liked: list[str] = []
    card.like_clicked.connect(liked.append)

    qtbot.mousePress(card.like_button, Qt.MouseButton.LeftButton)
    card.set_item("emotions/sad/a.jpg", QImage(8, 8, QImage.Format.Format_RGB32))
    qtbot.mouseRelease(card.like_button, Qt.MouseButton.LeftButton)

    assert liked == ["emotions/sad/a.jpg"]
    assert card.like_state() == "pending"
