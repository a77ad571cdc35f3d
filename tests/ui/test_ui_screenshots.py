"""The screenshot tool renders every screen (a smoke test of the whole UI), as a visitor
sees it with the built-in (offline) settings, at the four resolutions and in Korean."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QEvent
from PySide6.QtGui import QImage

from kiosk.tools.screenshots import Demo, demo_window, render_all


def test_screenshots_render_every_screen(
    qapp: QCoreApplication, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="kiosk.tools.screenshots"):
        written = render_all(qapp, tmp_path, tmp_path / "no-faces", tmp_path / "no-catalog")
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    names = {p.stem for p in written}
    assert {"attract", "main", "mood_picker", "pin_pad", "admin_panel", "main_portrait",
            "main_1366x768", "main_1280x800", "main_ko", "main_portrait_ko",
            "mood_picker_ko", "attract_ko"} <= names
    sizes = {"main": (1920, 1080), "main_portrait": (1080, 1920),
             "main_1366x768": (1366, 768), "main_1280x800": (1280, 800)}
    for name, size in sizes.items():
        image = QImage(str(tmp_path / f"{name}.png"))
        assert (image.width(), image.height()) == size
    clipped = [r.getMessage() for r in caplog.records if r.name == "kiosk.tools.screenshots"]
    assert clipped == []  # no elided or clipped text on any shot
    assert QCoreApplication.translate("MainScreen", "Next") == "Next"  # English restored


def test_the_screenshots_show_the_offline_default(qapp: QCoreApplication,
                                                  tmp_path: Path) -> None:
    """The README's main screenshot must not promise Rekognition: it is off by default."""
    window = demo_window(1920, 1080, Demo(tmp_path / "no-faces", tmp_path / "no-catalog"))
    try:
        text = window.main.privacy.text()
        assert "Nothing is sent to the cloud" in text
        assert "Rekognition" not in text
    finally:
        window.close()
        window.deleteLater()
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
