"""The screenshot tool renders every screen (a smoke test of the whole UI)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEvent
from PySide6.QtGui import QImage

from kiosk.tools.screenshots import render_all


def test_screenshots_render_every_screen(qapp: QCoreApplication, tmp_path: Path) -> None:
    written = render_all(qapp, tmp_path, tmp_path / "no-faces", tmp_path / "no-catalog")
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    names = {p.stem for p in written}
    assert {"attract", "main", "mood_picker", "pin_pad", "admin_panel", "main_portrait",
            "main_ko"} <= names
    main = QImage(str(tmp_path / "main.png"))
    assert (main.width(), main.height()) == (1920, 1080)
    portrait = QImage(str(tmp_path / "main_portrait.png"))
    assert (portrait.width(), portrait.height()) == (1080, 1920)
    assert QCoreApplication.translate("MainScreen", "Next") == "Next"  # English restored
