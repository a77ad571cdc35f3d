"""A notice (the toast) never covers the privacy notice or a button: on the main screen,
the attract screen and the mood picker (the window's privacy footer), at the four
resolutions, in English and Korean, with the longest privacy text (every flag on).
Before, it went bottom-centre and moved up only to clear buttons: it lay over the
main screen's privacy card (landscape sidebar, portrait top) and over the attract
screen's and the footer's privacy lines at every size."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication, QPoint, QRect
from PySide6.QtWidgets import QAbstractButton, QWidget

from kiosk.domain import Emotion
from kiosk.ui import notices
from kiosk.ui.main_window import MainWindow
from kiosk.ui.placement import free_spot
from kiosk.ui.privacy import PrivacyNotice
from kiosk.ui.testing import make_page, make_reading

SIZES = [(1920, 1080), (1080, 1920), (1366, 768), (1280, 800)]
ALL_FLAGS = {"cloud_fallback": True, "identity": True, "analytics": True,
             "personalize_recommend": True, "personalize_events": True}


def _rect(win: MainWindow, widget: QWidget) -> QRect:
    return QRect(widget.mapTo(win, QPoint(0, 0)), widget.size())


def _open(win: MainWindow, screen: str) -> None:
    if screen == "main":
        win.wake()
        win.show_emotion(make_reading(Emotion.HAPPY, 0.9))
        win.show_page(*make_page(3, Emotion.HAPPY))
    elif screen == "mood":
        win.open_mood_picker()
    else:
        win.show_attract([])
    for _ in range(3):
        QCoreApplication.processEvents()


@pytest.mark.parametrize("language", ["en", "ko"])
@pytest.mark.parametrize("size", SIZES, ids=lambda v: f"{v[0]}x{v[1]}")
def test_a_notice_never_covers_the_privacy_text_or_a_button(
    make_window: Any, language: str, size: tuple[int, int], request: pytest.FixtureRequest,
) -> None:
    if language == "ko":
        request.getfixturevalue("korean")
    win = make_window(*size)
    win.set_privacy(ALL_FLAGS)
    problems: list[str] = []
    for screen in ("main", "attract", "mood"):
        _open(win, screen)
        privacy = [n for n in win.findChildren(PrivacyNotice) if n.isVisibleTo(win)]
        assert privacy, screen  # wherever the camera is analysed
        for text in (notices.page_not_shown(), notices.likes_unavailable(),
                     notices.like_not_saved(), notices.something_went_wrong()):
            win.show_notice(text)
            toast = win.toast.geometry()
            assert win.toast.isVisible() and win.rect().contains(toast), (screen, toast)
            covered = [f"privacy {n.objectName() or screen}" for n in privacy
                       if _rect(win, n).intersects(toast)]
            covered += [b.objectName() or b.text() for b in win.findChildren(QAbstractButton)
                        if b.isVisibleTo(win) and _rect(win, b).intersects(toast)]
            if covered:
                problems.append(f"{screen}: {text!r} at {toast.getRect()} covers {covered}")
            assert not win.toast.clipped_texts(), (screen, text)
    assert not problems, "\n".join(problems)


def test_free_spot_goes_beside_what_it_avoids_and_says_when_nothing_is_free() -> None:
    bounds = QRect(0, 0, 1000, 600)
    sidebar = QRect(0, 0, 300, 600)  # a privacy card down the whole left side
    next_button = QRect(800, 500, 200, 100)
    spot = free_spot(bounds, [800, 450], lambda w: 80, [sidebar, next_button], clearance=10)
    assert spot is not None
    assert not spot.intersects(sidebar) and not spot.intersects(next_button)
    assert spot.bottom() >= 500  # low, between the card and the button, not up top
    assert spot.width() == 450  # 800 fits only higher up
    assert free_spot(bounds, [800], lambda w: 80, [QRect(0, 0, 1000, 600)]) is None
    # a tall (many-line) box only where nothing shorter fits
    low_narrow = free_spot(bounds, [900, 300], lambda w: 50 if w > 500 else 200,
                           [QRect(0, 350, 1000, 40), QRect(400, 390, 600, 210)],
                           tier=lambda h: 0 if h < 100 else 1)
    assert low_narrow is not None and low_narrow.height() == 50
