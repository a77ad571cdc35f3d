"""An image of another mood than the page answers says so on its card, in words that
fit the page's mode, inside the image at every supported size; a swap clears it."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication, QRect

from kiosk.domain import Emotion, RecommendMode
from kiosk.ui.i18n import install_translator
from kiosk.ui.main_window import MainWindow
from kiosk.ui.testing import make_page
from kiosk.ui.text_fit import label_problem


def _captions(window: MainWindow) -> list[str]:
    return [card.caption_text() for card in window.main.grid.cards()]


def test_a_for_you_page_marks_the_images_of_another_mood(window: MainWindow) -> None:
    window.wake()
    page, images = make_page(3, Emotion.SAD, mode=RecommendMode.PERSONALIZED, off=1)
    assert len(page.off_emotion) == 1
    window.show_page(page, images)
    assert _captions(window) == ["", "", "Also for you"]
    window.show_page(*make_page(4, Emotion.SAD, off=2))  # exploration on an Emotion page
    assert _captions(window) == ["", "", "Another mood", "Another mood"]
    window.show_page(*make_page(3, Emotion.SAD, mode=RecommendMode.PERSONALIZED))
    assert _captions(window) == ["", "", ""]  # all of the mood: nothing to say
    window.main.clear_page()
    assert _captions(window) == ["", "", ""]


@pytest.mark.parametrize("size", [(1366, 768), (1080, 1920), (1920, 1080), (1280, 800)])
@pytest.mark.parametrize("language", ["en", "ko"])
def test_the_caption_is_readable_inside_its_image(
    make_window: Any, qapp: QCoreApplication, size: tuple[int, int], language: str,
) -> None:
    assert install_translator(qapp, language)
    try:
        window = make_window(*size, page_size=4)
        window.wake()
        window.show_page(*make_page(4, Emotion.HAPPY, mode=RecommendMode.PERSONALIZED, off=4))
        for _ in range(3):
            QCoreApplication.processEvents()
        for card in window.main.grid.cards():
            caption = card.caption
            assert caption.isVisible()
            if language == "ko":
                assert caption.text() not in ("", "Also for you")
            assert label_problem(caption) == ""
            image = card._image_rect().toAlignedRect()
            assert image.contains(QRect(caption.pos(), caption.size()))
            assert caption.font().pixelSize() >= 14  # a caption, still readable
            assert not caption.geometry().intersects(card.like_button.geometry())
    finally:
        install_translator(qapp, "en")
