"""The mood picker offers only the moods the catalog has images for (tester round 8,
finding 6: Confused, Disgusted and Scared had no images; a picked Scared brought other
moods' images under a Scared headline). Old code always offered all eight."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from kiosk.camera import CameraState
from kiosk.domain import Emotion
from kiosk.ui.main_window import MainWindow
from kiosk.ui.testing import settle

WITH_IMAGES = frozenset({Emotion.HAPPY, Emotion.SAD, Emotion.ANGRY, Emotion.SURPRISED,
                         Emotion.CALM})


def test_moods_without_images_are_not_offered(window: MainWindow, qtbot: QtBot) -> None:
    window.set_camera_state(CameraState.LOST, "gone")
    window.wake()
    assert window.current_screen() == "mood"
    picker = window.mood
    picker.set_moods_with_images(WITH_IMAGES)
    assert picker.offered() == [Emotion.HAPPY, Emotion.SAD, Emotion.ANGRY,
                                Emotion.SURPRISED, Emotion.CALM]
    for emotion in Emotion:
        assert picker.tile(emotion).isVisible() is (emotion in WITH_IMAGES), emotion
    # the offered tiles fill the grid in order: no hole where a hidden one was
    picker._layout.activate()
    spots = [picker.tile(e).pos() for e in picker.offered()]
    assert len({p.y() for p in spots[:4]}) == 1 and spots[4].y() > spots[0].y()
    assert spots[4].x() == spots[0].x()
    settle(window)
    with qtbot.waitSignal(picker.picked, timeout=1000) as picked:
        qtbot.mouseClick(picker.tile(Emotion.CALM), Qt.MouseButton.LeftButton)
    assert picked.args == ["CALM"]


def test_an_empty_catalog_still_offers_every_mood(window: MainWindow) -> None:
    """Nothing to choose from would be a dead end: every mood, whose page then says it
    could not be shown."""
    window.mood.set_moods_with_images(frozenset({Emotion.HAPPY}))
    assert window.mood.offered() == [Emotion.HAPPY]
    window.mood.set_moods_with_images(frozenset())
    assert window.mood.offered() == list(Emotion)
