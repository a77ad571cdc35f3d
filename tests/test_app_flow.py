"""End to end on the real app: real models, a camera video made of real faces.

A visitor arrives, the emotion settles and the grid fills; Next pages; Like records
one event in the durable queue; the visitor leaves and attract mode starts; the
camera is lost and the mood picker drives recommendations.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from kiosk.app import Kiosk
from kiosk.config import load_settings
from kiosk.domain import Emotion
from kiosk.tools.face_video import Segment, write_face_video

pytestmark = [pytest.mark.faces, pytest.mark.slow]

HAPPY = "images/Sanjay_Gupta_0001.jpg"  # read as HAPPY by the shipped models (see bench ui)


@pytest.fixture
def face_video(tmp_path: Path, faces_dir: Path) -> Path:
    script = [Segment(None, 0.5), Segment("happy", 5.0), Segment(None, 30.0)]
    return write_face_video(tmp_path / "visitor.avi", faces_dir, script,
                            chosen={"happy": faces_dir / HAPPY})


def make_kiosk(qtbot: QtBot, tmp_path: Path, camera: str, **extra: str) -> Kiosk:
    settings = load_settings(env={}, overrides={
        "camera.source": camera, "camera.loop": "false",
        "app.data_dir": str(tmp_path / "data"), "app.log_dir": str(tmp_path / "log"),
        "app.idle_timeout_s": "3", "vision.visit_grace_s": "1", **extra,
    })
    kiosk = Kiosk(settings)
    qtbot.addWidget(kiosk.window)
    return kiosk


@pytest.fixture
def running(qtbot: QtBot, tmp_path: Path, face_video: Path) -> Iterator[Kiosk]:
    kiosk = make_kiosk(qtbot, tmp_path, str(face_video))
    kiosk.start()
    yield kiosk
    kiosk.shutdown()


def test_visitor_arrives_pages_likes_and_leaves(running: Kiosk, qtbot: QtBot) -> None:
    window, controller = running.window, running.controller
    assert window.current_screen() == "attract"

    # a visitor arrives: the emotion settles and the grid fills
    qtbot.waitUntil(lambda: controller.page is not None, timeout=20000)
    assert window.current_screen() == "main"
    first = controller.page
    assert first is not None and first.emotion is Emotion.HAPPY
    assert len(window.main.grid.cards()) == 3

    # Next pages, without repeats (once the screen has settled: see kiosk.ui.touch_guard)
    qtbot.waitUntil(window.touch_guard.settled, timeout=2000)
    qtbot.mouseClick(window.main.next_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: controller.page is not first, timeout=5000)
    second = controller.page
    assert second is not None and set(first.item_ids).isdisjoint(second.item_ids)

    # Like, tapped twice, records exactly one event in the durable queue
    card = window.main.grid.cards()[0]
    qtbot.mouseClick(card.like_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(card.like_button, Qt.MouseButton.LeftButton)
    queue = running.backend
    qtbot.waitUntil(lambda: queue.queue is not None and
                    queue.queue.status()["pending_by_kind"].get("event") == 1, timeout=5000)

    # the visitor leaves: the visit ends and, after the idle time, attract mode starts
    qtbot.waitUntil(lambda: controller.attract, timeout=20000)
    assert window.current_screen() == "attract"
    assert controller.visit_id is None


def test_camera_lost_mood_picker_drives_recommendations(
    qtbot: QtBot, tmp_path: Path
) -> None:
    kiosk = make_kiosk(qtbot, tmp_path, str(tmp_path / "unplugged.avi"))
    kiosk.start()
    try:
        window, controller = kiosk.window, kiosk.controller
        window.wake()
        assert window.current_screen() == "mood"
        qtbot.waitUntil(window.touch_guard.settled, timeout=2000)  # a new screen settles
        qtbot.mouseClick(window.mood.tile(Emotion.CALM), Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: controller.page is not None, timeout=20000)
        assert controller.page is not None and controller.page.emotion is Emotion.CALM
        assert window.current_screen() == "main"
        shown = controller.page.item_ids
    finally:
        assert kiosk.shutdown() == []
    # the back end was closed on its worker: the page's impressions reached the disk
    import sqlite3

    db = sqlite3.connect(tmp_path / "data" / "recommender.sqlite3")
    try:
        rows = db.execute("SELECT item_id, impressions FROM stats WHERE emotion = 'calm'"
                          ).fetchall()
    finally:
        db.close()
    assert {item for item, n in rows if n > 0} >= set(shown)
