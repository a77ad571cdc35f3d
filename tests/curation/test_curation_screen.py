"""The curation screen: thumbnails from `set_pending`, touch-sized Approve/Reject that
emit the image id once, the empty state, Korean."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QCoreApplication, QEvent, Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QAbstractButton, QWidget
from pytestqt.qtbot import QtBot

from kiosk.domain import Emotion
from kiosk.ui import theme
from kiosk.ui.curation_screen import CurationScreen
from kiosk.ui.i18n import install_translator


def _image(color: str, w: int = 400, h: int = 300) -> QImage:
    image = QImage(w, h, QImage.Format.Format_RGB32)
    image.fill(QColor(color))
    return image


def _hosted(qtbot: QtBot, width: int, height: int) -> tuple[QWidget, CurationScreen]:
    """The screen inside a plain window, as it sits in the main window's stack."""
    host = QWidget()
    qtbot.addWidget(host)
    host.resize(width, height)
    widget = CurationScreen(host)
    widget.setGeometry(0, 0, width, height)
    widget.set_metrics(theme.metrics_for(width, height))
    host.show()
    qtbot.waitExposed(host)
    return host, widget


@pytest.fixture
def screen(qtbot: QtBot) -> Iterator[CurationScreen]:
    host, widget = _hosted(qtbot, 1920, 1080)
    yield widget
    host.close()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


ITEMS = [
    ("a1b2c3d4e5f6", Emotion.HAPPY, _image("#ffcc00"), "행복한 고양이 사진 1.jpg"),
    ("0f1e2d3c4b5a", "sad", _image("#3366ff", 300, 500), "rain.png"),
    ("99aa88bb77cc", Emotion.CALM, _image("#33ccaa"), "sea " * 40 + "end.jpg"),
]


def test_empty_state_then_thumbnails(screen: CurationScreen, qtbot: QtBot) -> None:
    assert screen.empty_label.isVisible() and not screen.scroll_area.isVisible()
    assert "No images are waiting for review" in screen.empty_label.text()
    screen.set_pending(ITEMS)
    QCoreApplication.processEvents()
    assert screen.pending_ids() == [k for k, *_ in ITEMS]
    assert not screen.empty_label.isVisible() and screen.scroll_area.isVisible()
    assert screen.count_label.text() == "3 waiting"
    tiles = [screen.tile(k) for k, *_ in ITEMS]
    assert all(t is not None and t.isVisible() for t in tiles)
    assert tiles[1] is not None and tiles[1].emotion is Emotion.SAD
    assert tiles[1].emotion_label.text() == "Sad"
    assert tiles[0] is not None and tiles[0].thumbnail.image().pixelColor(0, 0) == QColor(
        "#ffcc00")
    assert screen.columns() >= 3  # landscape: a row of tiles
    # the imported file's name, not only the pool id: whole, or elided in the middle
    assert tiles[0].name_label.text() == "행복한 고양이 사진 1.jpg"
    assert tiles[0].id_label.text() == "a1b2c3d4e5f6"
    long_name = tiles[2].name_label  # type: ignore[union-attr]
    assert long_name.text().startswith("sea ") and long_name.text().endswith("end.jpg")
    assert "…" in long_name.text() and long_name.toolTip() == ITEMS[2][3]
    assert long_name.width() <= tiles[2].width()  # type: ignore[union-attr]
    screen.set_pending([])
    assert screen.empty_label.isVisible() and screen.pending_ids() == []


def test_buttons_emit_the_id_once_and_are_touch_sized(screen: CurationScreen,
                                                      qtbot: QtBot) -> None:
    screen.set_pending(ITEMS)
    QCoreApplication.processEvents()
    min_px = 48 * screen.logicalDpiX() / 96
    buttons = [b for b in screen.findChildren(QAbstractButton) if b.isVisibleTo(screen)]
    assert len(buttons) == 2 * len(ITEMS) + 1  # Approve + Reject per tile, and Close
    for button in buttons:
        assert button.width() >= min_px and button.height() >= min_px, button.objectName()

    tile = screen.tile("0f1e2d3c4b5a")
    assert tile is not None and tile.approve_button.text() == "Approve"
    with qtbot.waitSignal(screen.approve_requested) as approved:
        qtbot.mouseClick(tile.approve_button, Qt.MouseButton.LeftButton)
    assert approved.args == ["0f1e2d3c4b5a"]
    assert not tile.approve_button.isEnabled() and not tile.reject_button.isEnabled()
    with qtbot.assertNotEmitted(screen.approve_requested):
        qtbot.mouseClick(tile.approve_button, Qt.MouseButton.LeftButton)  # no double approval

    screen.set_item_error("0f1e2d3c4b5a", "the disk is full")
    assert tile.error_label.text() == "the disk is full" and tile.reject_button.isEnabled()

    other = screen.tile("99aa88bb77cc")
    assert other is not None
    with qtbot.waitSignal(screen.reject_requested) as rejected:
        qtbot.mouseClick(other.reject_button, Qt.MouseButton.LeftButton)
    assert rejected.args == ["99aa88bb77cc"]
    with qtbot.waitSignal(screen.close_requested):
        qtbot.mouseClick(screen.close_button, Qt.MouseButton.LeftButton)


def test_portrait_uses_fewer_columns(qtbot: QtBot) -> None:
    host, widget = _hosted(qtbot, 1080, 1920)
    widget.set_pending([(f"{k}{n}", e, i, f) for n in range(2) for k, e, i, f in ITEMS])
    QCoreApplication.processEvents()
    assert 1 <= widget.columns() <= 2
    min_px = 48 * widget.logicalDpiX() / 96
    for button in widget.findChildren(QAbstractButton):
        assert button.width() >= min_px and button.height() >= min_px
    host.close()


def test_korean(screen: CurationScreen, qapp: QCoreApplication) -> None:
    screen.set_pending(ITEMS[:1])
    try:
        assert install_translator(qapp, "ko")
        screen.retranslate()
        tile = screen.tile(ITEMS[0][0])
        assert tile is not None
        assert tile.approve_button.text() == "승인" and tile.reject_button.text() == "거절"
        assert screen.title.text() == "새 이미지 검토"
        assert screen.count_label.text() == "1개 대기 중"
        assert tile.emotion_label.text() == "행복"
    finally:
        assert install_translator(qapp, "en")
    screen.retranslate()
    assert screen.title.text() == "Review new images"
