"""The light judged from a camera's frames is forgotten when the camera is lost (black
box: the admin panel's Camera tile kept "Faces too dark (111 of 255)" for a camera that
had disappeared): the app hands the capture's LOST to the vision thread, which forgets
it, so a warning comes back only from the visits after the camera is back."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from kiosk.ui import admin_status
from kiosk.vision.light import DARK, LightMonitor
from tests.test_app_problems import make_kiosk


class DarkPipeline:
    """Stands in for the vision pipeline, its light judged dark by earlier visits."""

    fallback = None
    camera_turn = None

    def __init__(self) -> None:
        self.light = LightMonitor()
        for median in (20.0, 25.0):
            for _ in range(5):
                self.light.observe(median)
            self.light.face_done()
        assert self.light.problem == DARK
        self.lost_on: list[str] = []

    def camera_lost(self) -> None:
        self.lost_on.append(threading.current_thread().name)
        self.light.reset()

    def process(self, frame: object) -> object:
        raise AssertionError("no frame comes from an empty folder")

    def reset(self) -> None:
        pass

    def close(self, timeout: float = 3.0) -> None:
        pass


def test_a_lost_camera_forgets_the_light_of_its_frames(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pipeline = DarkPipeline()
    monkeypatch.setattr("kiosk.app.pipeline_factory",
                        lambda settings, **options: lambda stop: (pipeline, "cpu (test)"))
    empty = tmp_path / "frames"
    empty.mkdir()  # no images: the camera cannot open, so it is LOST
    app = make_kiosk(qtbot, tmp_path, **{"camera.source": str(empty)})
    assert app.vision is not None
    app.start()
    try:
        qtbot.waitUntil(lambda: pipeline.lost_on != [], timeout=30000)
        status = app.status().as_dict()
        assert str(status["camera_state"]).startswith("LOST")
        assert "camera_light" not in status and "camera_face_mean" not in status
        assert "has no images" in admin_status.camera_tile(status).detail
    finally:
        assert app.shutdown() == []
    assert pipeline.lost_on[0] == "kiosk-vision"
