"""The page's cards keep a visible image and a tappable Like at every allowed
`[recommend] page_size` (1-25) and the four resolutions; a page that cannot fit so
shows the cards that do and the operator is told which setting to change. Before,
25 at 1366×768 drew 4 rows of 7 cards with images 20 px tall (strips)."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication, QPoint, QRect

from kiosk.domain import Emotion
from kiosk.ui import card_layout, theme
from kiosk.ui.cards import LIKE_STATES
from kiosk.ui.main_window import MainWindow
from kiosk.ui.testing import make_page, make_reading

SIZES = [(1920, 1080), (1080, 1920), (1366, 768), (1280, 800)]


def _settle() -> None:
    for _ in range(3):
        QCoreApplication.processEvents()


@pytest.mark.parametrize("language", ["en", "ko"])
@pytest.mark.parametrize("size", SIZES, ids=lambda v: f"{v[0]}x{v[1]}")
def test_every_page_size_keeps_each_card_usable_or_says_what_fits(
    make_window: Any, language: str, size: tuple[int, int], request: pytest.FixtureRequest,
    caplog: pytest.LogCaptureFixture,
) -> None:
    if language == "ko":
        request.getfixturevalue("korean")
    width, height = size
    win: MainWindow = make_window(width, height, page_size=25)
    win.wake()
    win.show_emotion(make_reading(Emotion.HAPPY, 0.9))
    m = win.metrics()
    side = card_layout.min_image_side(m)
    grid = win.main.grid
    problems: list[str] = []
    fewer: list[int] = []
    for n in range(1, 26):
        caplog.clear()
        with caplog.at_level(logging.WARNING, logger="kiosk.ui.main_window"):
            win.show_page(*make_page(n, Emotion.HAPPY, off=min(n, 2)))
            _settle()
        cards = grid.cards()
        assert 1 <= len(cards) <= n
        assert all(c.isVisible() for c in cards)
        area = QRect(QPoint(0, 0), grid.size())
        placed = [c.geometry() for c in cards]
        for i, card in enumerate(cards):
            image = card.image_rect()
            button = card.like_button.geometry()
            where = f"{n} images, card {i}: image {image.width():.0f}x{image.height():.0f}, " \
                    f"Like {button.width()}x{button.height()}"
            if image.width() < side or image.height() < side:
                problems.append(f"{where}: image under {side} px")
            if button.width() < m.min_touch or button.height() < m.min_touch:
                problems.append(f"{where}: Like under {m.min_touch} px")
            if not card.rect().contains(button) or image.toRect().intersects(button):
                problems.append(f"{where}: Like off the card or over the image")
            if not area.contains(placed[i]) or any(
                    placed[i].intersects(other) for other in placed[i + 1:]):
                problems.append(f"{where}: overlaps another card or leaves the grid")
            for state in LIKE_STATES:
                card.set_like_state(state)
                if card.like_button.clipped_texts():
                    problems.append(f"{where}: {card.like_button.text()!r} cut")
            card.set_like_state("idle")
        said = [r.getMessage() for r in caplog.records if "page_size" in r.getMessage()]
        if len(cards) < n:
            fewer.append(n)
            assert len(said) == 1, said  # once, not for each passing size
            assert f"{width}x{height}" in said[0]
            assert f"at most {len(cards)} images" in said[0]
            assert f"set [recommend] page_size to {len(cards)} or less" in said[0]
            assert win.last_problem == said[0]  # the admin panel's "Last problem"
            # and one more would not have been usable: the most that fit are shown
            assert card_layout.choose_grid(
                len(cards) + 1, grid.width(), grid.height(), m, portrait=height > width,
                label_fits=cards[0].like_fits) is None
        else:
            assert said == []
    assert not problems, f"{width}x{height} {language}:\n" + "\n".join(problems)
    if size in ((1366, 768), (1280, 800)):
        assert 25 in fewer  # 25 cannot be usable there; 3 (the default) always is
    assert 3 not in fewer


def test_the_usual_arrangement_stays_when_it_is_usable() -> None:
    m = theme.metrics_for(1920, 1080)
    three = card_layout.choose_grid(3, 1282, 738, m, portrait=False)
    assert three is not None and (three.rows, three.columns) == (1, 3)
    portrait = theme.metrics_for(1080, 1920)
    column = card_layout.choose_grid(3, 1000, 1095, portrait, portrait=True)
    assert column is not None and (column.rows, column.columns) == (3, 1)
    small = theme.metrics_for(1366, 768)
    assert card_layout.choose_grid(25, 914, 524, small, portrait=False) is None
    fits = card_layout.capacity(914, 524, small, portrait=False)
    assert 1 <= fits < 25
    most = card_layout.choose_grid(fits, 914, 524, small, portrait=False)
    assert most is not None
    assert card_layout.usable(most.card_width, most.card_height, small)


def test_a_card_with_its_like_beside_the_image_shows_most_of_a_square_picture() -> None:
    # round 19: at 1080x1920 the three cards' images were 602x312 boxes, so half of each
    # (square) catalog picture was cut off: the rocket's nose, the tree tops
    portrait = theme.metrics_for(1080, 1920)
    column = card_layout.choose_grid(3, 1000, 1095, portrait, portrait=True)
    assert column is not None
    image, like = card_layout.card_parts(column.card_width, column.card_height, portrait)
    assert image.width() <= card_layout.HORIZONTAL_IMAGE_ASPECT * image.height() + 0.5
    assert image.height() / image.width() >= 0.75  # of a square picture, 3/4 shows
    assert like.left() > image.right() and like.width() >= portrait.min_touch


def test_an_overflow_found_by_the_controller_and_the_grid_is_said_once(
    make_window: Any, caplog: pytest.LogCaptureFixture,
) -> None:
    # Fresh tester round 11 (black box, 1366x768, page_size 25): the same WARNING was
    # logged twice 50 ms apart, once by the controller's `cards_that_fit` and once by
    # the grid's own `overflow` when the page was drawn.
    win: MainWindow = make_window(1366, 768, page_size=25)
    win.wake()
    win.show_emotion(make_reading(Emotion.HAPPY, 0.9))
    with caplog.at_level(logging.WARNING, logger="kiosk.ui.main_window"):
        fit = win.cards_that_fit(25)
        assert fit < 25
        win.show_page(*make_page(25, Emotion.HAPPY, off=2))
        _settle()
        win.main.grid.overflow.emit(25, fit)
    said = [r.getMessage() for r in caplog.records if "page_size" in r.getMessage()]
    assert len(said) == 1, said
