"""With every privacy option on (audience analytics, Rekognition fallback, identity,
Personalize recommendations and events) the landscape sidebar's privacy notice is
whole on screen: before, at its usual size it ran under "Choose my mood" and off the
bottom (548 px tall at 1920×1080). The preview gets shorter and the text smaller, to a
legible minimum; with the default options nothing changes."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication, QPoint, QRect
from PySide6.QtWidgets import QWidget

from kiosk.domain import Emotion
from kiosk.ui.main_screen import PRIVACY_MIN_PX
from kiosk.ui.main_window import MainWindow
from kiosk.ui.testing import make_page, make_reading
from kiosk.ui.widgets import TouchButton

LANDSCAPE = [(1920, 1080), (1366, 768), (1280, 800)]
EVERY_OPTION: dict[str, object] = {"cloud_fallback": True, "identity": True, "analytics": True,
                "retention_days": 30, "personalize_recommend": True,
                "personalize_events": True, "fleet": True}


def _in_window(window: MainWindow, widget: QWidget) -> QRect:
    return QRect(widget.mapTo(window, QPoint(0, 0)), widget.size())


def _main_screen(make_window: Any, size: tuple[int, int], flags: Mapping[str, object]
                 ) -> MainWindow:
    window: MainWindow = make_window(*size)
    window.set_privacy(flags)
    window.wake()
    window.show_emotion(make_reading(Emotion.HAPPY, 0.9))
    window.show_page(*make_page(3, Emotion.HAPPY))
    for _ in range(3):
        QCoreApplication.processEvents()
    return window


@pytest.mark.parametrize("language", ["en", "ko"])
@pytest.mark.parametrize("size", LANDSCAPE, ids=lambda v: f"{v[0]}x{v[1]}")
def test_every_privacy_option_on_keeps_the_notice_whole_on_screen(
        make_window: Any, size: tuple[int, int], language: str,
        request: pytest.FixtureRequest) -> None:
    if language == "ko":
        request.getfixturevalue("korean")
    window = _main_screen(make_window, size, EVERY_OPTION)
    label = window.main.privacy.label
    text = _in_window(window, label)
    assert "Personalize" in label.text() and "Rekognition" in label.text()
    assert "CloudWatch" in label.text()  # the longest notice: the fleet's line too
    assert window.rect().contains(text), f"{text} leaves the {size} screen"
    for button in window.main.findChildren(TouchButton):
        if button.isVisible():
            assert not text.intersects(_in_window(window, button)), \
                f"privacy text {text} under {button.objectName() or button.text()!r}"
    assert label.heightForWidth(label.width()) <= label.height()  # every line shown
    assert label.font().pixelSize() >= PRIVACY_MIN_PX


@pytest.mark.parametrize("size", LANDSCAPE, ids=lambda v: f"{v[0]}x{v[1]}")
def test_the_default_options_keep_the_usual_preview_and_text(
        make_window: Any, size: tuple[int, int]) -> None:
    window = _main_screen(make_window, size, {})
    camera = window.main.camera
    assert camera.height() == camera.width() * 3 // 4
    assert window.main.privacy.label.font().pixelSize() == window.metrics().small


def test_options_turned_off_again_give_the_usual_sizes_back(make_window: Any) -> None:
    window = _main_screen(make_window, (1366, 768), EVERY_OPTION)
    camera = window.main.camera
    assert camera.height() < camera.width() * 3 // 4  # it had to make room
    window.set_privacy({})
    assert camera.height() == camera.width() * 3 // 4
    assert window.main.privacy.label.font().pixelSize() == window.metrics().small
