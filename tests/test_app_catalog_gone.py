"""The whole path, on the real app: the catalog folder goes away while shoppers use the
kiosk (a USB stick or network share dropping out: `mv catalog away && mkdir catalog`).
Next says no new images came, a newcomer sees "could not be shown" beside their own
mood, never the last shopper's page or likes, and the folder back brings their page
(tester round 8, finding 1: old code kept the first shopper's page on screen)."""

from __future__ import annotations

import shutil
from pathlib import Path

from pytestqt.qtbot import QtBot

from kiosk.app import Kiosk
from kiosk.config import load_settings
from kiosk.domain import Emotion
from kiosk.resources import catalog_root
from kiosk.ui import notices, texts
from tests.controllers.test_picked_mood_owner import swapped
from tests.test_controller import result

WAIT_MS = 60000  # a first start indexes the catalog; a busy 2-core machine is slow


def fill(root: Path, per_emotion: int = 4) -> None:
    """A few demo images of each emotion in `root`."""
    for folder in sorted(p for p in catalog_root().iterdir() if p.is_dir()):
        (root / folder.name).mkdir(parents=True, exist_ok=True)
        for image in sorted(folder.glob("*.jpg"))[:per_emotion]:
            shutil.copy2(image, root / folder.name / image.name)


def test_the_catalog_folder_going_away_reaches_the_screen(qtbot: QtBot, tmp_path: Path
                                                          ) -> None:
    cat = tmp_path / "usb" / "catalog"
    fill(cat)
    settings = load_settings(env={}, overrides={
        "camera.source": "",  # no camera: the visits below are driven by vision results
        "recommend.catalog_dir": str(cat), "app.idle_timeout_s": "600",
        "app.data_dir": str(tmp_path / "data"), "app.log_dir": str(tmp_path / "log"),
    })
    app = Kiosk(settings)
    qtbot.addWidget(app.window)
    app.start()
    try:
        main, controller = app.window.main, app.controller
        # a shopper read as SURPRISED gets a page and likes its first image
        controller.on_vision_result(result("a", Emotion.SURPRISED, started=True))
        qtbot.waitUntil(lambda: main.page() is not None, timeout=WAIT_MS)
        first = main.page()
        assert first is not None and first.emotion is Emotion.SURPRISED
        controller.on_like(first.item_ids[0])
        card = main.grid.cards()[0]
        qtbot.waitUntil(lambda: card.like_state() == "confirmed", timeout=WAIT_MS)

        # the folder goes (an empty mount point is left)
        cat.rename(cat.with_name("catalog.away"))
        cat.mkdir()

        # Next: the page stays, and the visitor is told no new images came
        main.next_clicked.emit()
        qtbot.waitUntil(lambda: app.window.toast.text() == notices.page_not_shown(),
                        timeout=WAIT_MS)
        assert main.page() is first and controller.page is first

        # a newcomer steps in, read as ANGRY: not the first shopper's page or likes
        controller.on_vision_result(swapped("a", Emotion.ANGRY))
        qtbot.waitUntil(lambda: main.headline.text() == "These images could not be shown",
                        timeout=WAIT_MS)
        assert main.page() is None
        assert all(c.like_state() == "idle" for c in main.grid.cards())
        assert main.badge.name.text() == texts.emotion_name(Emotion.ANGRY)

        # the folder back: the newcomer's page comes without a touch (the 2 s check)
        cat.rmdir()
        cat.with_name("catalog.away").rename(cat)
        qtbot.waitUntil(lambda: main.page() is not None, timeout=WAIT_MS)
        page = main.page()
        assert page is not None and page.emotion is Emotion.ANGRY
        assert page.visit_id != first.visit_id
    finally:
        assert app.shutdown() == []


def test_the_mood_picker_offers_the_moods_the_catalog_has(qtbot: QtBot, tmp_path: Path
                                                          ) -> None:
    """Finding 6: a catalog with no confused, disgusted or fear images; the picker
    offered them anyway, and a picked Scared got other moods' images."""
    from tests.controllers.test_moods_offered import fill as fill_some

    cat = tmp_path / "catalog"
    fill_some(cat, {Emotion.HAPPY, Emotion.SAD, Emotion.CALM})
    settings = load_settings(env={}, overrides={
        "camera.source": "", "recommend.catalog_dir": str(cat),
        "app.data_dir": str(tmp_path / "data"), "app.log_dir": str(tmp_path / "log"),
    })
    app = Kiosk(settings)
    qtbot.addWidget(app.window)
    app.start()
    try:
        picker = app.window.mood
        qtbot.waitUntil(lambda: picker.offered() == [Emotion.HAPPY, Emotion.SAD,
                                                     Emotion.CALM], timeout=WAIT_MS)
    finally:
        assert app.shutdown() == []
