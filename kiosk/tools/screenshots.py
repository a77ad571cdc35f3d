"""Render every kiosk screen to PNG, offscreen, for the README and design review.

    python -m kiosk.tools.screenshots --out DIR [--faces DIR] [--catalog DIR]

Feeds the window what the wiring would: a camera frame (a real face photo from
../shared/data/faces padded into 640×480, with its face box), a HAPPY 0.87
reading and a page of three catalog images (`resources/catalog/happy/*.jpg`,
or drawn placeholders when the catalog is not there yet), with the built-in
settings (offline). The main screen at 1920×1080, 1080×1920, 1366×768 and
1280×800, the other screens at 1920×1080, and Korean; any elided or clipped
text is logged as a warning.
"""

from __future__ import annotations

import argparse
import logging
import math
import os
import random
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QImage, QLinearGradient, QPainter, QRadialGradient
from PySide6.QtWidgets import QApplication

from kiosk.camera.capture import CameraState
from kiosk.domain import Emotion, EmotionReading, Item, Page, RecommendMode
from kiosk.resources import resource_path

log = logging.getLogger(__name__)

REPO = Path(__file__).resolve().parents[2]
DEFAULT_FACES = REPO.parent / "shared" / "data" / "faces"
FRAME_W, FRAME_H = 640, 480


def _parse(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True, type=Path, help="folder for the PNGs")
    parser.add_argument("--faces", type=Path, default=DEFAULT_FACES, help="labeled faces folder")
    parser.add_argument("--catalog", type=Path, default=None, help="catalog folder")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = _parse(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(message)s")
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    app = QApplication.instance() or QApplication(sys.argv[:1])
    args.out.mkdir(parents=True, exist_ok=True)
    written = render_all(app, args.out, args.faces, args.catalog)
    for path in written:
        print(path)
    return 0


# --------------------------------------------------------------------------- inputs


def fake_frame(faces_dir: Path) -> tuple[QImage, tuple[float, float, float, float]]:
    """(QImage 640×480, face box x, y, w, h): a happy face padded into a camera frame."""
    face = QImage()
    labels = faces_dir / "labels.csv"
    if labels.is_file():
        for line in labels.read_text(encoding="utf-8-sig").splitlines()[1:]:
            rel, _, emotion = line.partition(",")
            if emotion.strip() == "happy":
                face = QImage(str(faces_dir / rel))
                if not face.isNull():
                    break
    frame = QImage(FRAME_W, FRAME_H, QImage.Format.Format_RGB32)
    p = QPainter(frame)
    room = QLinearGradient(QPointF(0, 0), QPointF(0, FRAME_H))
    room.setColorAt(0.0, QColor("#6b6f76"))
    room.setColorAt(1.0, QColor("#34373c"))
    p.fillRect(frame.rect(), room)
    side = 400
    target = QRectF((FRAME_W - side) / 2, (FRAME_H - side) / 2 + 20, side, side)
    if not face.isNull():
        p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
        p.drawImage(target, face.convertToFormat(QImage.Format.Format_RGB32))
    else:
        p.setBrush(QColor("#d9b38c"))
        p.setPen(Qt.PenStyle.NoPen)
        p.drawEllipse(target.adjusted(80, 40, -80, -40))
    p.end()
    # The labeled crops are tight around the face: its box is most of the crop.
    box = (target.x() + side * 0.16, target.y() + side * 0.14, side * 0.68, side * 0.76)
    return frame, box


def placeholder_art(emotion: str, index: int, size: int = 900) -> QImage:
    """A drawn stand-in for a catalog image (soft shapes in the emotion's colours)."""
    from kiosk.ui import theme

    base = theme.accent_for(Emotion.parse(emotion))
    rnd = random.Random(hash((emotion, index)) & 0xFFFF)
    img = QImage(size, size, QImage.Format.Format_RGB32)
    p = QPainter(img)
    p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    sky = QLinearGradient(QPointF(0, 0), QPointF(0, size))
    sky.setColorAt(0.0, base.lighter(150 - index * 10))
    sky.setColorAt(1.0, base.darker(180 + index * 30))
    p.fillRect(img.rect(), sky)
    sun = QRadialGradient(QPointF(size * rnd.uniform(0.25, 0.75), size * 0.35), size * 0.3)
    sun.setColorAt(0.0, QColor(255, 255, 240, 230))
    sun.setColorAt(1.0, QColor(255, 255, 240, 0))
    p.fillRect(img.rect(), sun)
    p.setPen(Qt.PenStyle.NoPen)
    for layer in range(3):
        color = base.darker(140 + layer * 45)
        p.setBrush(color)
        top = size * (0.55 + layer * 0.12)
        points = [QPointF(0, size)]
        for i in range(9):
            x = size * i / 8
            y = top + math.sin(i * 1.3 + index + layer) * size * 0.05 + rnd.uniform(-20, 20)
            points.append(QPointF(x, y))
        points.append(QPointF(size, size))
        p.drawPolygon(points)
    p.setBrush(QColor(255, 255, 255, 40))
    for _ in range(6):
        r = rnd.uniform(10, 40)
        p.drawEllipse(QRectF(rnd.uniform(0, size), rnd.uniform(0, size * 0.4), r, r))
    p.end()
    return img


def catalog_images(catalog: Path | None, emotion: str, count: int) -> list[tuple[str, QImage]]:
    """`count` decoded images of one emotion (drawn placeholders fill any gap)."""
    root = catalog or resource_path("catalog", must_exist=False)
    files = sorted((root / emotion).glob("*.jpg")) if (root / emotion).is_dir() else []
    files = files[:: max(1, len(files) // max(1, count))][:count]  # spread: varied motifs
    out: list[tuple[str, QImage]] = []
    for path in files:
        img = QImage(str(path))
        if not img.isNull():
            out.append((f"emotions/{emotion}/{path.name}", img))
    for i in range(len(out), count):
        out.append((f"emotions/{emotion}/placeholder-{i}.jpg", placeholder_art(emotion, i)))
    return out


# --------------------------------------------------------------------------- rendering

RESOLUTIONS = ((1920, 1080), (1080, 1920), (1366, 768), (1280, 800))
DEFAULT_PRIVACY = {"cloud_fallback": False, "identity": False}  # the built-in defaults


class Demo:
    """What the wiring would feed the window: a camera frame with its face box, a
    HAPPY 0.87 reading, a page of three catalog images and attract images."""

    def __init__(self, faces_dir: Path, catalog: Path | None) -> None:
        self.frame, self.box = fake_frame(faces_dir)
        probs = {e: 0.02 for e in Emotion}
        probs[Emotion.HAPPY] = 0.87
        self.reading = EmotionReading(Emotion.HAPPY, 0.87, probs)
        pics = catalog_images(catalog, "happy", 3)
        items = tuple(Item(id=i, emotion=Emotion.HAPPY, path=i) for i, _ in pics)
        self.page = Page(items=items, emotion=Emotion.HAPPY, visit_id="demo")
        self.images = dict(pics)
        self.attract = [img for e in ("happy", "calm", "surprised") for _, img in
                        catalog_images(catalog, e, 2)]


def demo_window(width: int, height: int, demo: Demo) -> Any:
    """A shown MainWindow of that size on the main screen, as a visitor sees it with
    the built-in settings (offline: nothing goes to the cloud)."""
    from kiosk.ui.main_window import MainWindow

    window = MainWindow(page_size=3, like_guard_s=0.0)  # the steady look, not a fade-in
    window.resize(width, height)
    window.show()
    window.set_privacy(DEFAULT_PRIVACY)
    window.set_camera_state(CameraState.LIVE, "")
    window.set_mode(RecommendMode.EMOTION, personalization_ready=False)
    window.wake()
    window.show_frame(demo.frame, [(demo.box, True)])
    window.show_emotion(demo.reading)
    window.show_page(demo.page, demo.images)
    return window


def render_all(
    app: QCoreApplication, out: Path, faces_dir: Path, catalog: Path | None
) -> list[Path]:
    """Render every screen to `out/*.png`; returns the files written. Any text that
    is elided or clipped is logged as a warning (`kiosk.ui.text_fit`)."""
    from kiosk.ui.i18n import install_translator
    from kiosk.ui.text_fit import text_problems

    demo = Demo(faces_dir, catalog)
    written: list[Path] = []

    def settle() -> None:
        for _ in range(5):
            app.processEvents()

    def shot(window: Any, name: str) -> None:
        settle()
        for problem in text_problems(window):
            log.warning("%s: %s", name, problem)
        path = out / f"{name}.png"
        window.grab().save(str(path))
        written.append(path)

    def close(window: Any) -> None:
        window.close()
        window.deleteLater()

    window = demo_window(1920, 1080, demo)
    window.show_attract(demo.attract)
    shot(window, "attract")
    window.wake()  # the attract screen cleared the visit: the next visitor's reading
    window.show_frame(demo.frame, [(demo.box, True)])
    window.show_emotion(demo.reading)
    window.show_page(demo.page, demo.images)
    liked = window.main.grid.cards()[1]
    liked.like_button.click()
    liked.stop_animations()
    window.show_like_confirmed(liked.item_id)
    shot(window, "main")
    window.open_mood_picker()
    shot(window, "mood_picker")
    window.open_pin_pad()
    window.pin.press_digit("1")
    window.pin.press_digit("2")
    shot(window, "pin_pad")
    window.pin.reset()
    for digit in "0000":  # the default PIN while none is set
        window.pin.press_digit(digit)
    window.pin.submit()
    window.set_status({
        "camera_state": "LIVE", "camera_fps": 29.8, "model_device": "cpu, 4 threads",
        "inference_ms": 18.4, "online": True, "queue_depth": 3, "dead_letters": 0,
        "catalog_counts": {e.value: 12 for e in Emotion}, "crash_count": 0,
        "uploads_configured": False, "recommender": "embedded", "restarts_last_hour": 0,
    })
    shot(window, "admin_panel")
    window.admin.close_button.click()
    window.set_camera_state(CameraState.LOST, "")
    shot(window, "camera_lost")
    close(window)

    for width, height in RESOLUTIONS[1:]:
        other = demo_window(width, height, demo)
        shot(other, "main_portrait" if height > width else f"main_{width}x{height}")
        close(other)

    install_translator(app, "ko")
    try:
        korean = demo_window(1920, 1080, demo)
        shot(korean, "main_ko")
        korean.open_mood_picker()
        shot(korean, "mood_picker_ko")
        korean.show_attract(demo.attract)
        shot(korean, "attract_ko")
        close(korean)
        portrait = demo_window(1080, 1920, demo)
        shot(portrait, "main_portrait_ko")
        close(portrait)
    finally:
        install_translator(app, "en")
    return written


if __name__ == "__main__":
    raise SystemExit(main())
