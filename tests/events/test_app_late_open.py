"""A queue that could not be opened at start (a full disk) is opened by a later like
(kiosk.backend, 1b1a86a); with Personalize configured, its uploader starts then, once,
so those likes are sent in this run, not after the next restart."""

from __future__ import annotations

import time
from pathlib import Path

from pytestqt.qtbot import QtBot

from kiosk.app import Kiosk
from kiosk.backend import Queue
from kiosk.config import load_settings
from kiosk.domain import Emotion, Item, Like, Page
from kiosk.errors import KioskError
from kiosk.events.testing import FakePersonalizeEvents

from .conftest import TRACKING_ID


def test_a_queue_opened_late_by_a_like_starts_the_uploader_once(
        qtbot: QtBot, tmp_path: Path, endpoint: FakePersonalizeEvents) -> None:
    (tmp_path / "catalog" / "happy").mkdir(parents=True)
    settings = load_settings(env={}, overrides={
        "camera.source": "", "recommend.catalog_dir": str(tmp_path / "catalog"),
        "app.data_dir": str(tmp_path / "data"), "app.log_dir": str(tmp_path / "log"),
        "personalize.tracking_id": TRACKING_ID, "aws.region": "us-east-1",
        "aws.endpoint_personalize_events": endpoint.url,
        "aws.connect_timeout_s": 1.0, "aws.read_timeout_s": 1.0,
    })
    app = Kiosk(settings)
    qtbot.addWidget(app.window)
    full = [True]
    real_opener = app.backend._events_opener
    assert real_opener is not None

    def opener() -> Queue:  # the data disk is full at start, freed later
        if full[0]:
            raise KioskError("the disk is full (0 MB free)")
        return real_opener()

    app.backend._events_opener = opener
    app.start()
    try:
        qtbot.waitUntil(lambda: "0 MB free" in app.backend.open_error, timeout=10000)
        assert app.uploader is None and app.backend.queue is None
        full[0] = False  # space freed: the next like opens the queue
        item = Item("emotions/happy/a.jpg", Emotion.HAPPY, str(tmp_path / "a.jpg"))
        page = Page((item,), Emotion.HAPPY, "visit-1")
        liked: list[Like] = []
        for n in range(2):  # the second like finds the queue open: nothing more starts
            app.events_worker.submit(app.backend.commit_like, page, item.id,
                                     time.time() + n, None, on_result=liked.append)
        qtbot.waitUntil(lambda: len(liked) == 2 and app.uploader is not None,
                        timeout=10000)
        # old code: no uploader until the next start, so nothing reached Personalize
        assert endpoint.wait_accepted([like.event_id for like in liked], timeout=10.0)
        assert app.cleanups.names().count("uploader") == 1
        assert app.backend.uploader is app.uploader
    finally:
        assert app.shutdown() == []
