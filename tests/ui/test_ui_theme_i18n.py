"""Touch targets, type sizes, contrast, and the Korean translation."""

from __future__ import annotations

import logging
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QAbstractButton

from kiosk.domain import Emotion
from kiosk.resources import resource_path
from kiosk.ui import theme
from kiosk.ui.i18n import install_translator
from kiosk.ui.main_window import MainWindow, Screen
from kiosk.ui.testing import make_page, make_reading

REPO = Path(__file__).resolve().parents[2]
TS_FILE = REPO / "resources" / "translations" / "kiosk_ko.ts"

# --------------------------------------------------------------------------- sizes


@pytest.mark.parametrize(("width", "height"), [(1920, 1080), (1080, 1920)])
def test_every_button_is_at_least_48_dp(make_window: Any, width: int, height: int) -> None:
    window: MainWindow = make_window(width, height)
    window.show_page(*make_page(3))
    window.show_emotion(make_reading())
    min_px = 48 * window.metrics().dp
    checked = 0
    for name in Screen:
        window._show(name)
        QCoreApplication.processEvents()
        for button in window.findChildren(QAbstractButton):
            if not button.isVisibleTo(window):
                continue
            assert button.width() >= min_px and button.height() >= min_px, (
                f"{name}: {button.objectName() or button.text()!r} is "
                f"{button.width()}×{button.height()} px, below 48 dp ({min_px:.0f} px)"
            )
            checked += 1
    # attract 1, main 7 (3 likes, 2 segments, Next, mood), picker 9, PIN 14, admin 5
    assert checked >= 36


def test_text_is_readable_from_a_metre(make_window: Any) -> None:
    window: MainWindow = make_window(1920, 1080)
    m = window.metrics()
    assert m.body >= 28 and m.headline > m.title > m.body
    window.wake()
    assert window.main.headline.font().pixelSize() >= 48
    assert window.main.subline.font().pixelSize() >= 28
    assert window.main.next_button.font().pixelSize() >= 28


def test_sizes_scale_with_the_window() -> None:
    hd = theme.metrics_for(1920, 1080)
    uhd = theme.metrics_for(3840, 2160)
    portrait = theme.metrics_for(1080, 1920)
    assert hd == portrait
    assert uhd.body == 2 * hd.body and uhd.button_h == 2 * hd.button_h
    dense = theme.metrics_for(1280, 800, dpi=192)  # small window on a 2x screen
    assert dense.min_touch == 96 and dense.button_h >= 96


# --------------------------------------------------------------------------- contrast

PAIRS = [
    ("text on background", theme.TEXT, theme.BG),
    ("text on surface", theme.TEXT, theme.SURFACE),
    ("text on raised surface", theme.TEXT, theme.SURFACE_2),
    ("muted text on background", theme.TEXT_MUTED, theme.BG),
    ("muted text on surface", theme.TEXT_MUTED, theme.SURFACE),
    ("muted text on raised surface", theme.TEXT_MUTED, theme.SURFACE_2),
    ("text on Like", theme.ON_ACCENT, theme.LIKE),
    ("error text on background", theme.DANGER, theme.BG),
    ("text on neutral accent", theme.ON_ACCENT, theme.NEUTRAL_ACCENT),
    ("text on For you accent", theme.ON_ACCENT, theme.FOR_YOU_ACCENT),
] + [
    (f"text on {e.folder} accent", theme.ON_ACCENT, c) for e, c in theme.EMOTION_ACCENTS.items()
] + [
    (f"{e.folder} name on surface", c, theme.SURFACE) for e, c in theme.EMOTION_ACCENTS.items()
]


@pytest.mark.parametrize(("what", "fg", "bg"), PAIRS, ids=[p[0] for p in PAIRS])
def test_colour_pairs_meet_wcag_aa(what: str, fg: Any, bg: Any) -> None:
    assert theme.contrast_ratio(fg, bg) >= 4.5, what


def test_contrast_ratio_matches_wcag_reference_values() -> None:
    from PySide6.QtGui import QColor

    assert theme.contrast_ratio(QColor("#000000"), QColor("#ffffff")) == pytest.approx(21.0)
    grey = theme.contrast_ratio(QColor("#777777"), QColor("#ffffff"))
    assert grey == pytest.approx(4.48, abs=0.01)


# --------------------------------------------------------------------------- Korean


def test_korean_translation_applies(make_window: Any, korean: None) -> None:
    window: MainWindow = make_window()
    window.wake()
    window.show_emotion(make_reading(Emotion.HAPPY, 0.87))
    window.show_page(*make_page(3))
    assert window.main.next_button.text() == "다음"
    assert window.main.headline.text() == "행복해 보이셔서 골랐어요"
    assert window.main.badge.name.text() == "행복"
    assert window.main.badge.detail.text() == "확신도 87%"
    window.show_page_mood(Emotion.HAPPY)  # another mood held back from the page
    assert window.main.badge.name.text() == "행복"
    assert window.main.badge.detail.text() == "지금 이미지의 기분"
    assert window.main.grid.cards()[0].like_button.text() == "좋아요"
    assert window.mood.tile(Emotion.CALM).text() == "평온"
    assert "Amazon Rekognition" not in window.main.privacy.text() or "분석" in (
        window.main.privacy.text()
    )


def test_switching_language_retranslates_a_live_window(
    make_window: Any, qapp: QCoreApplication
) -> None:
    window: MainWindow = make_window()
    assert window.attract.mood_button.text() == "Choose my mood"
    try:
        assert install_translator(qapp, "ko")
        QCoreApplication.processEvents()
        assert window.attract.mood_button.text() == "기분 직접 고르기"
    finally:
        assert install_translator(qapp, "en")
        QCoreApplication.processEvents()
    assert window.attract.mood_button.text() == "Choose my mood"


def test_unknown_language_stays_english(
    qapp: QCoreApplication, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="kiosk.ui.i18n"):
        assert install_translator(qapp, "fr") is False
    assert "stays in English" in caplog.text
    assert QCoreApplication.translate("MainScreen", "Next") == "Next"


def test_every_string_has_a_finished_korean_translation() -> None:
    root = ET.parse(TS_FILE).getroot()
    assert root.get("language") == "ko_KR"
    messages = root.findall("./context/message")
    assert len(messages) > 60
    for message in messages:
        source = message.findtext("source")
        translation = message.find("translation")
        assert translation is not None and translation.text, f"untranslated: {source!r}"
        assert translation.get("type") not in ("unfinished", "obsolete", "vanished"), source
    assert resource_path("translations", "kiosk_ko.qm").stat().st_size > 1000


@pytest.mark.skipif(shutil.which("pyside6-lupdate", path=str(REPO / ".venv" / "bin")) is None,
                    reason="pyside6-lupdate not installed")
def test_translation_file_is_up_to_date_with_the_code(tmp_path: Path) -> None:
    """Every translatable string in kiosk/ui (and controllers/curation.py) is in kiosk_ko.ts."""
    lupdate = shutil.which("pyside6-lupdate", path=str(REPO / ".venv" / "bin"))
    assert lupdate is not None
    fresh = tmp_path / "fresh.ts"
    sources = sorted(str(p) for p in (REPO / "kiosk" / "ui").glob("*.py"))
    sources.append(str(REPO / "kiosk" / "controllers" / "curation.py"))  # the operator's
    subprocess.run([lupdate, *sources, "-ts", str(fresh)], check=True, capture_output=True,
                   timeout=60)

    def keys(path: Path) -> set[tuple[str, str]]:
        root = ET.parse(path).getroot()
        return {
            (ctx.findtext("name") or "", msg.findtext("source") or "")
            for ctx in root.findall("context") for msg in ctx.findall("message")
        }

    missing = keys(fresh) - keys(TS_FILE)
    assert not missing, (
        f"strings missing from {TS_FILE.name}: {sorted(missing)}; run "
        "`.venv/bin/pyside6-lupdate kiosk/ui/*.py kiosk/controllers/curation.py "
        "-ts resources/translations/kiosk_ko.ts`, "
        "translate, then `.venv/bin/pyside6-lrelease resources/translations/kiosk_ko.ts`"
    )
