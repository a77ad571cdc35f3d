"""The report from a real app run: real models on a camera video made of real faces."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from kiosk.admin.cli import main
from kiosk.app import Kiosk
from kiosk.config import load_settings
from kiosk.domain import Emotion
from kiosk.tools.face_video import Segment, write_face_video
from kiosk.ui.testing import wait_likes_open

pytestmark = [pytest.mark.faces, pytest.mark.slow]

HAPPY = "images/Sanjay_Gupta_0001.jpg"  # read as HAPPY by the shipped models


def test_report_after_a_real_visit(qtbot: QtBot, tmp_path: Path, faces_dir: Path,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    video = write_face_video(tmp_path / "visitor.avi", faces_dir,
                             [Segment(None, 0.5), Segment("happy", 6.0), Segment(None, 6.0)],
                             chosen={"happy": faces_dir / HAPPY})
    data = tmp_path / "data"
    settings = load_settings(env={}, overrides={
        "camera.source": str(video), "camera.loop": "true", "app.data_dir": str(data),
        "app.log_dir": str(tmp_path / "log"), "app.idle_timeout_s": "3",
        "vision.visit_grace_s": "1", "analytics.k_anonymity": "3",
    })
    kiosk = Kiosk(settings)
    qtbot.addWidget(kiosk.window)
    kiosk.start()
    try:
        controller = kiosk.controller
        # the video loops (a visitor every 12.5 s) until the models are loaded
        qtbot.waitUntil(lambda: controller.page is not None, timeout=90000)
        assert controller.page is not None and controller.page.emotion is Emotion.HAPPY
        card = kiosk.window.main.grid.cards()[0]
        # a tap right after the screen changed is ignored (kiosk.ui.touch_guard)
        qtbot.waitUntil(kiosk.window.touch_guard.settled, timeout=2000)
        wait_likes_open(qtbot, kiosk.window)  # and a freshly drawn card's Like (ui.cards)
        qtbot.mouseClick(card.like_button, Qt.MouseButton.LeftButton)
        rec = kiosk.analytics
        assert rec is not None
        qtbot.waitUntil(lambda: rec.snapshot().likes == 1, timeout=5000)
        qtbot.waitUntil(lambda: rec.snapshot().visits >= 1, timeout=20000)
        kiosk._sample_gauges()
    finally:
        assert kiosk.shutdown() == []

    assert main(["report", "--since", "1h", "--json", "--data-dir", str(data)]) == 0
    report = json.loads(capsys.readouterr().out)
    t = report["totals"]
    assert (t["likes"], t["restarts"], t["crashes"]) == (1, 0, 0)  # a first start: no restart
    assert 1 <= t["visits"] <= 2 and t["engaged"] + t["passers_by"] == t["visits"]
    assert t["pages"] >= 1 and t["dwell_p50_s"] is not None and t["dwell_p50_s"] > 0
    assert t["camera_live_pct"] is not None and t["camera_live_pct"] > 50
    assert t["vision_p95_ms"] is not None and t["vision_p95_ms"] > 0
    assert t["fps_mean"] is not None and t["fps_mean"] > 0
    # below k = 3: no emotion mix, like rate or item leaves the kiosk's memory
    assert report["emotion_mix"] == {} and report["top_items"] == []
    assert t["suppressed_visits"] >= 1
