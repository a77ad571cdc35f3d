"""With `[fleet]` on and no other cloud feature the privacy notice says that only
visit totals go to the cloud (Amazon CloudWatch), never an image, whole on every
screen at the four sizes, in English and Korean. Before, it ended "Nothing is sent to
the cloud." while the fleet sent per-bucket Visits, Engaged, DwellP50 and Likes to
CloudWatch (tester round 21, defect 4)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication, QPoint, QRect
from PySide6.QtWidgets import QLabel, QWidget

from kiosk.domain import Emotion
from kiosk.ui.main_window import MainWindow
from kiosk.ui.testing import make_page, make_reading

SHOTS = os.environ.get("KIOSK_TEST_SHOTS", "")  # a folder to save the grabs in, to look at

SIZES = [(1080, 1920), (1920, 1080), (1366, 768), (1280, 800)]
FLEET_ONLY: dict[str, object] = {"analytics": True, "fleet": True}
SAYS = {"en": "Only visit totals go to the cloud (Amazon CloudWatch), never an image.",
        "ko": "클라우드(Amazon CloudWatch)로는 방문 합계만 보내고, 이미지는 보내지 않아요."}
NOTHING = {"en": "Nothing is sent to the cloud.", "ko": "클라우드로는 아무것도 보내지 않아요."}


def _in_window(window: MainWindow, widget: QWidget) -> QRect:
    return QRect(widget.mapTo(window, QPoint(0, 0)), widget.size())


def _whole(window: MainWindow, label: QLabel) -> None:
    rect = _in_window(window, label)
    assert window.rect().contains(rect), f"{rect} leaves the {window.size()} screen"
    assert label.heightForWidth(label.width()) <= label.height()  # every line shown


@pytest.mark.parametrize("language", ["en", "ko"])
@pytest.mark.parametrize("size", SIZES, ids=lambda v: f"{v[0]}x{v[1]}")
def test_the_fleet_notice_says_visit_totals_go_to_cloudwatch(
        make_window: Any, size: tuple[int, int], language: str,
        request: pytest.FixtureRequest) -> None:
    if language == "ko":
        request.getfixturevalue("korean")
    window: MainWindow = make_window(*size)
    window.set_privacy(FLEET_ONLY)
    for _ in range(3):
        QCoreApplication.processEvents()
    attract = window.attract.privacy.label  # the attract screen, before anyone comes
    assert SAYS[language] in attract.text() and NOTHING[language] not in attract.text()
    if attract.isVisible():
        _whole(window, attract)
    shots = [("attract", window.grab())]
    window.wake()
    window.show_emotion(make_reading(Emotion.HAPPY, 0.9))
    window.show_page(*make_page(3, Emotion.HAPPY))
    for _ in range(3):
        QCoreApplication.processEvents()
    label = window.main.privacy.label
    assert label.text().endswith(SAYS[language]), label.text()
    assert NOTHING[language] not in label.text()
    assert label.isVisible()
    _whole(window, label)
    shots.append(("main", window.grab()))
    if SHOTS:
        for name, shot in shots:
            shot.save(str(Path(SHOTS) / f"privacy_fleet_{name}_{size[0]}x{size[1]}_{language}.png"))


def test_without_the_fleet_nothing_is_sent(make_window: Any) -> None:
    window: MainWindow = make_window(1920, 1080)
    window.set_privacy({"analytics": True})
    assert window.main.privacy.text().endswith(NOTHING["en"])
