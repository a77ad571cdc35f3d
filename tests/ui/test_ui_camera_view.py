"""The preview scales only what it shows: a frame of any allowed shape costs a
widget-sized pixmap, mirrored, with the centre of the frame in the middle."""

from __future__ import annotations

from PySide6.QtGui import QColor, QImage
from pytestqt.qtbot import QtBot

from kiosk.ui.camera_view import CameraView


def striped(width: int, height: int) -> QImage:
    """Left third red, middle third green, right third blue."""
    image = QImage(width, height, QImage.Format.Format_RGB32)
    for x in range(width):
        color = QColor("red") if x < width / 3 else QColor("green") if x < 2 * width / 3 \
            else QColor("blue")
        for y in range(height):
            image.setPixelColor(x, y, color)
    return image


def test_a_wide_frame_costs_a_widget_sized_pixmap(qtbot: QtBot) -> None:
    view = CameraView()
    qtbot.addWidget(view)
    view.setFixedSize(300, 200)
    view.show()
    qtbot.waitExposed(view)
    view.show_frame(striped(1920, 96))  # 20:1, the widest the image policy allows
    pixmap = view._scaled_pixmap()
    assert (pixmap.width(), pixmap.height()) == (300, 200)
    middle = pixmap.toImage().pixelColor(150, 100)
    assert middle.green() > 100 and middle.red() < 100  # the centre of the frame


def test_the_preview_is_mirrored(qtbot: QtBot) -> None:
    view = CameraView()
    qtbot.addWidget(view)
    view.setFixedSize(120, 90)
    view.show()
    qtbot.waitExposed(view)
    view.show_frame(striped(160, 120))  # same aspect: everything visible
    image = view._scaled_pixmap().toImage()
    assert image.pixelColor(5, 45).blue() > 200  # the frame's right edge is on the left
    assert image.pixelColor(114, 45).red() > 200
