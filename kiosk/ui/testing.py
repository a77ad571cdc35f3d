"""Helpers for tests of the UI (and of the wiring that drives it): solid images, sample
pages and readings, and `settle`. No pytest import, so any test can use them.

`FakeClock` lives in the Qt-free `kiosk.testing` (domain tests use it without Qt); it is
re-exported here so UI tests keep one import line."""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QColor, QImage

from kiosk.domain import Emotion, EmotionReading, Item, Page, RecommendMode
from kiosk.testing import FakeClock

__all__ = ["COLORS", "FakeClock", "make_page", "make_reading", "settle", "solid_image",
           "wait_likes_open"]

COLORS = ("#c0392b", "#27ae60", "#2980b9", "#8e44ad", "#f39c12", "#16a085")


def settle(window: Any) -> None:
    """Move the window's FakeClock past the touch guard's settle time after its last
    screen change, and past the Like guard of the cards drawn last (a tap right after
    either is ignored, as on the kiosk); the cards' Likes open."""
    guard = window.touch_guard
    assert isinstance(guard.clock, FakeClock), "settle() needs a window on a FakeClock"
    if not guard.settled():
        guard.clock.advance(guard.remaining_s() + 0.001)
    grid = window.main.grid
    left = grid.guard_remaining_s()
    if left > 0:
        guard.clock.advance(left + 0.001)
    grid.check_guards()


def wait_likes_open(qtbot: Any, window: Any, timeout_ms: int = 5000) -> None:
    """Wait (on the real clock) until every card's Like on the main screen takes a tap:
    a freshly drawn card's Like is closed for `ui.like_guard_s`, as on the kiosk."""
    cards = window.main.grid.cards
    qtbot.waitUntil(lambda: all(c.likes_open() for c in cards() if c.item_id),
                    timeout=timeout_ms)


def solid_image(color: str, width: int = 320, height: int = 240) -> QImage:
    image = QImage(width, height, QImage.Format.Format_RGB32)
    image.fill(QColor(color))
    return image


def make_page(
    n: int = 3, emotion: Emotion = Emotion.HAPPY, mode: RecommendMode = RecommendMode.EMOTION,
    *, off: int = 0,
) -> tuple[Page, dict[str, QImage]]:
    """A page of `n` items and a decoded image for each; the last `off` of them are of
    another emotion than the page's (`Page.off_emotion`)."""
    moods = list(Emotion)
    other = moods[(moods.index(emotion) + 1) % len(moods)]
    items = tuple(
        Item(id=f"emotions/{e.folder}/img{i}.jpg", emotion=e, path=f"img{i}.jpg")
        for i in range(n) for e in [other if i >= n - off else emotion]
    )
    images = {item.id: solid_image(COLORS[i % len(COLORS)]) for i, item in enumerate(items)}
    return Page(items=items, emotion=emotion, visit_id="v1", mode=mode), images


def make_reading(
    emotion: Emotion = Emotion.HAPPY,
    confidence: float = 0.87,
    *,
    source: str = "local",
    uncertain: bool = False,
) -> EmotionReading:
    probs = {e: 0.0 for e in Emotion}
    probs[emotion] = confidence
    return EmotionReading(emotion, confidence, probs, source=source, uncertain=uncertain)
