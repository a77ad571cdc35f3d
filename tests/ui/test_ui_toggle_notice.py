"""The "Like a few images first, then “For you” opens up." notice, shown when "For you"
is tapped before the visitor's likes open it, is the toggle's answer: beside the toggle
(landscape: over the header's text) or over it (portrait), never over a picture, a
Like, a button, a privacy notice, the camera tile or the mood badge, at the four sizes,
in English and Korean. Before, it went where any notice goes, as low as it fits: at
1080x1920 over the top of the third picture, and at the landscape sizes in the bottom
row, the width of the screen away from the toggle tapped."""

from __future__ import annotations

import os
from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication, QPoint, QRect, Qt
from PySide6.QtGui import QColor
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractButton, QWidget

from kiosk.domain import Emotion, RecommendMode
from kiosk.ui.main_window import MainWindow
from kiosk.ui.placement import near_spot
from kiosk.ui.privacy import PrivacyNotice
from kiosk.ui.testing import COLORS, make_page, make_reading, settle

SHOTS = os.environ.get("KIOSK_TEST_SHOTS", "")  # a folder to save the grabs in, to look at

SIZES = [(1080, 1920), (1920, 1080), (1366, 768), (1280, 800)]
LOCKED = {"en": "Like a few images first, then “For you” opens up.",
          "ko": "이미지 몇 개에 좋아요를 누르시면 ‘맞춤 추천’이 열려요."}


def _rect(win: MainWindow, widget: QWidget) -> QRect:
    return QRect(widget.mapTo(win, QPoint(0, 0)), widget.size())


def _tap_for_you(win: MainWindow) -> None:
    """The visitor, with a page and no likes yet, taps "For you" where it is drawn
    (through the window, as a finger: whatever is on top at that point gets it)."""
    win.wake()
    win.show_emotion(make_reading(Emotion.HAPPY, 0.9))
    win.show_page(*make_page(3, Emotion.HAPPY))
    win.set_mode(RecommendMode.EMOTION, personalization_ready=False)
    for _ in range(3):
        QCoreApplication.processEvents()  # laid out, as long before any tap
    settle(win)
    for_you = win.main.mode_toggle.button("personalized")
    QTest.mouseClick(win.windowHandle(), Qt.MouseButton.LeftButton, pos=_rect(
        win, for_you).center())
    QCoreApplication.processEvents()


def _spoiled_pictures(win: MainWindow) -> list[str]:
    """Cards whose picture, in a grab of the window, is not its solid colour throughout
    (sampled every 16 px inside its rounded corners)."""
    shot = win.grab().toImage()
    ratio = shot.width() / win.width()
    spoiled = []
    for i, card in enumerate(win.main.grid.cards()):
        inner = card.image_rect().toAlignedRect().adjusted(24, 24, -24, -24)
        inner.translate(card.mapTo(win, QPoint(0, 0)))
        colour = QColor(COLORS[i % len(COLORS)]).rgb()
        for y in range(inner.top(), inner.bottom(), 16):
            if any(shot.pixel(int(x * ratio), int(y * ratio)) != colour
                   for x in range(inner.left(), inner.right(), 16)):
                spoiled.append(f"card {i}")
                break
    return spoiled


@pytest.mark.parametrize("language", ["en", "ko"])
@pytest.mark.parametrize("size", SIZES, ids=lambda v: f"{v[0]}x{v[1]}")
def test_the_for_you_notice_is_at_the_toggle_and_covers_no_picture_or_button(
    make_window: Any, language: str, size: tuple[int, int], request: pytest.FixtureRequest,
) -> None:
    if language == "ko":
        request.getfixturevalue("korean")
    win = make_window(*size)
    _tap_for_you(win)
    toast, toggle = win.toast.geometry(), _rect(win, win.main.mode_toggle)
    assert win.toast.isVisible() and win.toast.text() == LOCKED[language]
    assert win.main.mode_toggle.current() == "emotion"
    assert win.rect().contains(toast) and not win.toast.clipped_texts()
    main = win.main
    covered = [f"card {i}" for i, c in enumerate(main.grid.cards())
               if _rect(win, c).intersects(toast)]
    covered += [b.objectName() for b in main.findChildren(QAbstractButton)
                if b.isVisibleTo(win) and not main.mode_toggle.isAncestorOf(b)
                and _rect(win, b).intersects(toast)]
    covered += [name for name, w in (("camera", main.camera), ("badge", main.badge))
                if _rect(win, w).intersects(toast)]
    covered += ["privacy" for n in win.findChildren(PrivacyNotice)
                if n.isVisibleTo(win) and _rect(win, n).intersects(toast)]
    assert not covered, f"{toast.getRect()} covers {covered}"
    assert not _spoiled_pictures(win)
    # tied to the toggle: beside it (the toast's clearance from it) or standing in for it
    gap = max(0, toggle.left() - toast.right(), toast.left() - toggle.right(),
              toggle.top() - toast.bottom(), toast.top() - toggle.bottom())
    assert gap <= win._metrics.gap + 1 or toast.contains(toggle), (toast, toggle)


@pytest.mark.parametrize("language", ["en", "ko"])
@pytest.mark.parametrize("size", [s for s in SIZES if s[0] > s[1]], ids=lambda v: f"{v[0]}x{v[1]}")
def test_in_landscape_the_notice_covers_the_header_whole(
    make_window: Any, language: str, size: tuple[int, int], request: pytest.FixtureRequest,
) -> None:
    """Beside the toggle the notice lies over the header's text; it covers it whole, so
    no clipped words peek out around it ("Becaus", a subtitle's last word)."""
    if language == "ko":
        request.getfixturevalue("korean")
    win = make_window(*size)
    _tap_for_you(win)
    if SHOTS:
        win.grab().save(f"{SHOTS}/toast_{language}_{size[0]}x{size[1]}.png")
    toast, header = win.toast.geometry(), _rect(win, win.main.header_text)
    assert toast.contains(header), (toast.getRect(), header.getRect())
    assert not toast.intersects(_rect(win, win.main.mode_toggle))


def test_a_tap_on_the_toggle_under_the_notice_still_reaches_it(make_window: Any) -> None:
    # portrait: the notice stands in for the toggle; taps go through it
    win = make_window(1080, 1920)
    _tap_for_you(win)
    assert win.toast.geometry().contains(_rect(win, win.main.mode_toggle))
    win.set_mode(RecommendMode.EMOTION, personalization_ready=True)
    seen: list[str] = []
    win.mode_requested.connect(seen.append)
    for_you = _rect(win, win.main.mode_toggle.button("personalized")).center()
    QTest.mouseClick(win.windowHandle(), Qt.MouseButton.LeftButton, pos=for_you)
    assert seen == ["personalized"]


def test_near_spot_goes_beside_then_over_then_nearest() -> None:
    bounds = QRect(0, 0, 1000, 1000)
    toggle = QRect(600, 20, 380, 80)
    # room beside it: there, not over it
    beside = near_spot(bounds, [400], lambda w: 80, [toggle], toggle, clearance=10)
    assert beside is not None and not beside.intersects(toggle)
    assert beside.top() - toggle.bottom() == 11  # below it, its clearance away
    # portrait: the toggle spans the width between two blocks: over it, centred, at
    # least as large as it (no half-hidden control around it)
    wide = QRect(20, 300, 960, 80)
    above, below = QRect(20, 0, 960, 290), QRect(20, 390, 960, 600)
    parts = [QRect(24, 304, 476, 72), QRect(500, 304, 476, 72)]  # its segments
    over = near_spot(bounds, [700], lambda w: 100 if w < 900 else 84,
                     [above, below, wide, *parts], wide, clearance=10)
    assert over is not None and over.contains(wide) and over.height() == 84
    assert not over.intersects(above) and not over.intersects(below)
    # no room beside or over it: the nearest free place
    tight = [QRect(20, 0, 960, 299), QRect(20, 381, 960, 400)]
    far = near_spot(bounds, [400], lambda w: 100, tight, wide, clearance=10)
    assert far is not None and far.top() > 781 and not far.intersects(wide)
    assert near_spot(bounds, [400], lambda w: 100, [bounds], wide) is None
