"""The moods the catalog has images for reach the mood picker (tester round 8, finding
6): the back end answers from its manifest, the visit controller asks whenever the
catalog opened, came back or changed (its 2 s check)."""

from __future__ import annotations

import shutil
from pathlib import Path

from pytestqt.qtbot import QtBot

from kiosk.backend import KioskBackend
from kiosk.config import load_settings
from kiosk.controllers.visit import VisitController
from kiosk.domain import Emotion
from kiosk.resources import catalog_root
from kiosk.testing import FakeClock
from tests.test_controller import FakeBackend, FakeView, SyncWorker


def fill(root: Path, emotions: set[Emotion], per_emotion: int = 2) -> None:
    """A few demo images of each of `emotions` in `root`."""
    for emotion in emotions:
        source = catalog_root() / emotion.folder
        (root / emotion.folder).mkdir(parents=True, exist_ok=True)
        for image in sorted(source.glob("*.jpg"))[:per_emotion]:
            shutil.copy2(image, root / emotion.folder / image.name)


def test_the_back_end_names_the_moods_with_images(tmp_path: Path) -> None:
    cat = tmp_path / "catalog"
    fill(cat, {Emotion.HAPPY, Emotion.CALM})
    (cat / "fear").mkdir()  # an emotion folder with no images
    settings = load_settings(env={}, overrides={
        "app.data_dir": str(tmp_path / "data"), "recommend.catalog_dir": str(cat)})
    backend = KioskBackend.from_settings(settings)
    assert backend.moods_with_images() == frozenset()  # not open yet
    try:
        backend.open(events=False)
        assert backend.moods_with_images() == {Emotion.HAPPY, Emotion.CALM}
        cat.rename(tmp_path / "away")  # unmounted for a moment: the manifest stays
        cat.mkdir()
        assert backend.check_catalog() == 1
        assert backend.moods_with_images() == {Emotion.HAPPY, Emotion.CALM}
    finally:
        backend.close()


def test_the_controller_tells_the_picker_when_the_catalog_opens_or_changes(
        qtbot: QtBot) -> None:
    settings = load_settings(env={})
    view, backend = FakeView(), FakeBackend()
    backend.catalog_generation = 0  # not open yet
    backend.moods = frozenset({Emotion.HAPPY})
    controller = VisitController(settings, view, SyncWorker(), backend, clock=FakeClock())
    controller.start()
    try:
        controller._check_catalog()
        assert view.count("set_moods_with_images") == 0
        backend.catalog_generation = 1  # opened
        controller._check_catalog()
        assert view.last("set_moods_with_images") == ({Emotion.HAPPY},)
        controller._check_catalog()  # no change: not asked again
        assert view.count("set_moods_with_images") == 1
        backend.moods = frozenset({Emotion.HAPPY, Emotion.FEAR})  # fear images copied in
        backend.catalog_generation = 2
        controller._check_catalog()
        assert view.last("set_moods_with_images") == ({Emotion.HAPPY, Emotion.FEAR},)
    finally:
        controller.stop()
