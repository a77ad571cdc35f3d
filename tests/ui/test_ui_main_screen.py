"""The main screen: page of cards, Next, Like, mode toggle, emotion, preview, privacy."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, QRectF, Qt
from pytestqt.qtbot import QtBot

from kiosk.camera.capture import CameraState
from kiosk.domain import Box, Emotion, RecommendMode
from kiosk.ui.main_window import MainWindow
from kiosk.ui.testing import FakeClock, make_page, settle, solid_image
from kiosk.ui.testing import make_reading as reading


def test_show_page_fills_one_card_per_item(window: MainWindow) -> None:
    page, images = make_page(3)
    window.wake()
    settle(window)
    window.show_page(page, images)
    cards = window.main.grid.cards()
    assert [c.item_id for c in cards] == list(page.item_ids)
    assert all(c.isVisible() for c in cards)
    assert window.main.grid.columns() == 3  # a row in landscape
    assert window.main.headline.text() == "Because you look happy"

    small, small_images = make_page(2, Emotion.CALM)
    window.show_page(small, small_images)
    assert len(window.main.grid.cards()) == 2
    assert window.main.headline.text() == "Because you look calm"


def test_page_size_is_configurable_and_portrait_stacks(make_window: Any) -> None:
    win = make_window(1080, 1920, page_size=5)
    assert len(win.main.grid.cards()) == 5  # placeholders before the first page
    page, images = make_page(5)
    win.show_page(page, images)
    assert win.main.grid.columns() == 2
    three, three_images = make_page(3)
    win.show_page(three, three_images)
    assert win.main.grid.columns() == 1  # a column in portrait


def test_next_click_emits_next_requested(
    window: MainWindow, qtbot: QtBot, clock: FakeClock
) -> None:
    window.wake()
    settle(window)
    with qtbot.waitSignal(window.next_requested, timeout=1000):
        qtbot.mouseClick(window.main.next_button, Qt.MouseButton.LeftButton)
    # A bounce within 0.4 s is ignored; a later tap counts.
    seen: list[bool] = []
    window.next_requested.connect(lambda: seen.append(True))
    qtbot.mouseClick(window.main.next_button, Qt.MouseButton.LeftButton)
    assert seen == []
    clock.advance(0.5)
    qtbot.mouseClick(window.main.next_button, Qt.MouseButton.LeftButton)
    assert seen == [True]


def test_like_emits_once_on_double_tap_then_confirms(window: MainWindow, qtbot: QtBot) -> None:
    page, images = make_page(3)
    window.wake()
    settle(window)
    window.show_page(page, images)
    settle(window)  # past the Like guard of the new cards
    card = window.main.grid.cards()[1]
    liked: list[str] = []
    window.like_requested.connect(liked.append)
    qtbot.mouseClick(card.like_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(card.like_button, Qt.MouseButton.LeftButton)
    qtbot.mouseDClick(card.like_button, Qt.MouseButton.LeftButton)
    assert liked == [page.items[1].id]
    assert card.like_state() == "pending"
    assert card.like_button.text() == "Saving…"  # not "Liked" before the commit returns
    assert not card.like_button.isEnabled()
    window.show_like_confirmed(page.items[1].id)
    assert card.like_state() == "confirmed"
    assert card.like_button.text() == "Liked"
    assert window.main.grid.cards()[0].like_state() == "idle"


def test_placeholder_cards_offer_no_like(window: MainWindow, qtbot: QtBot) -> None:
    """Before the first page arrives the cards are placeholders: no Like to tap."""
    window.wake()
    settle(window)
    cards = window.main.grid.cards()
    assert cards and all(not c.item_id for c in cards)
    liked: list[str] = []
    window.like_requested.connect(liked.append)
    for card in cards:
        assert card.like_button.isHidden()
        qtbot.mouseClick(card.like_button, Qt.MouseButton.LeftButton)
    assert liked == []
    window.show_page(*make_page(3))
    assert not any(c.like_button.isEnabled() for c in window.main.grid.cards())  # guard
    settle(window)
    assert all(not c.like_button.isHidden() and c.like_button.isEnabled()
               for c in window.main.grid.cards())


def test_like_failure_reverts_and_tells_the_visitor(window: MainWindow, qtbot: QtBot) -> None:
    page, images = make_page(3)
    window.wake()
    settle(window)
    window.show_page(page, images)
    settle(window)
    card = window.main.grid.cards()[0]
    qtbot.mouseClick(card.like_button, Qt.MouseButton.LeftButton)
    window.show_like_failed(card.item_id, "Could not save, try again")
    assert card.like_state() == "idle"
    assert card.like_button.isEnabled()
    assert window.toast.isVisible()
    # The reason is the operator's (log, admin panel); the visitor reads a sentence.
    assert window.toast.text() == "Your like could not be saved. Please try again."
    assert window.last_problem.endswith("Could not save, try again")
    with qtbot.waitSignal(window.like_requested, timeout=1000) as blocker:
        qtbot.mouseClick(card.like_button, Qt.MouseButton.LeftButton)
    assert blocker.args == [card.item_id]


def test_mode_toggle_emits_and_locks_until_ready(window: MainWindow, qtbot: QtBot) -> None:
    window.wake()
    settle(window)
    window.set_mode(RecommendMode.EMOTION, personalization_ready=False)
    seen: list[str] = []
    window.mode_requested.connect(seen.append)
    for_you = window.main.mode_toggle.button("personalized")
    qtbot.mouseClick(for_you, Qt.MouseButton.LeftButton)
    assert seen == []
    assert window.main.mode_toggle.current() == "emotion"
    assert window.toast.isVisible()

    window.set_mode(RecommendMode.EMOTION, personalization_ready=True)
    with qtbot.waitSignal(window.mode_requested, timeout=1000) as blocker:
        qtbot.mouseClick(for_you, Qt.MouseButton.LeftButton)
    assert blocker.args == ["personalized"]
    with qtbot.waitSignal(window.mode_requested, timeout=1000) as blocker:
        qtbot.mouseClick(window.main.mode_toggle.button("emotion"), Qt.MouseButton.LeftButton)
    assert blocker.args == ["emotion"]
    # a tap on the segment already chosen keeps the page (it reloaded it, like Next:
    # the visitor lost the images they were looking at; black box, round 19)
    seen.clear()
    qtbot.mouseClick(window.main.mode_toggle.button("emotion"), Qt.MouseButton.LeftButton)
    assert seen == [] and window.main.mode_toggle.current() == "emotion"

    page, images = make_page(3, mode=RecommendMode.PERSONALIZED)
    window.show_page(page, images)
    assert window.main.headline.text() == f"For you · {page.emotion.name.title()}"
    assert window.main.mode_toggle.current() == "personalized"


def test_show_emotion_label_icon_and_confidence(window: MainWindow) -> None:
    badge = window.main.badge
    window.show_emotion(None)
    assert badge.name.text() == "Looking for you…"
    assert badge.face.emotion() is None
    window.show_emotion(reading(Emotion.HAPPY, 0.87))
    assert badge.name.text() == "Happy"
    assert badge.detail.text() == "87 % confidence"
    assert badge.face.emotion() == Emotion.HAPPY
    window.show_emotion(reading(Emotion.SAD, 0.5, uncertain=True))
    assert badge.detail.text() == "Not sure yet"
    window.show_emotion(reading(Emotion.CALM, 1.0, source="manual"))
    assert badge.detail.text() == "Your choice"
    page, images = make_page(3, Emotion.CALM)
    window.show_page(page, images)
    assert window.main.headline.text() == "Because you feel calm"
    # the page's mood while the camera reads another: no figure (tester round 10 saw
    # "Happy, 13 % confidence" beside an angry face), and no confidence bar
    window.show_emotion(reading(Emotion.HAPPY, 0.13))
    window.show_page_mood(Emotion.HAPPY)
    assert (badge.name.text(), badge.detail.text()) == ("Happy", "Mood of these images")
    assert badge.face.emotion() is Emotion.HAPPY and "%" not in badge.detail.text()


def test_preview_is_mirrored_cached_and_creates_no_widgets(window: MainWindow) -> None:
    window.wake()
    settle(window)
    camera = window.main.camera
    frame = solid_image("#445566", 640, 480)
    before = len(window.findChildren(QObject))
    for _ in range(50):
        window.show_frame(frame, [((0, 0, 100, 100), True), (Box(500, 0, 640, 80), False)])
    assert len(window.findChildren(QObject)) == before
    assert not camera.has_cached_pixmap()  # nothing scaled until a paint
    camera.repaint()
    assert camera.has_cached_pixmap()
    primary, other = camera.boxes()
    assert primary == (QRectF(0, 0, 100, 100), True)
    # A box at the frame's left edge shows at the preview's right edge (selfie view).
    rect = camera.widget_rect(primary[0])
    assert abs(rect.right() - camera.width()) < 1.0
    assert camera.widget_rect(other[0]).left() < 1.0


def test_privacy_notice_reflects_flags_and_camera(window: MainWindow) -> None:
    window.wake()
    settle(window)
    window.set_privacy({"cloud_fallback": True, "identity": False})
    text = window.main.privacy.text()
    assert "facial expression" in text and "on this device" in text
    assert "No image is stored" in text
    assert "Amazon Rekognition" in text
    assert window.main.privacy.isVisible()
    assert "Amazon Rekognition" in window.attract.privacy.text()
    window.set_privacy({"cloud_fallback": False, "identity": True})
    text = window.main.privacy.text()
    # identity sends a face crop once consent is given: never "nothing is sent"
    assert "Nothing is sent to the cloud" not in text and "Only if you agree" in text
    window.set_camera_state(CameraState.LOST, "")
    assert "Nothing is analysed" in window.main.privacy.text()
    window.set_camera_state(CameraState.LIVE, "")
    assert "No image is stored" in window.main.privacy.text()


def test_page_images_are_decoded_at_the_size_the_cards_show(make_window: Any) -> None:
    """The back end decodes page images at `KioskBackend.image_size` (640x640), and a
    card cover-scales its image: the largest card at the supported screen sizes needs
    a square of 602 px (1080x1920), so 640 is the shown size, not a bigger copy."""
    import inspect

    from PySide6.QtCore import QCoreApplication

    from kiosk.backend.kiosk_backend import KioskBackend

    side = inspect.signature(KioskBackend).parameters["image_size"].default
    needed = []
    for width, height in ((1920, 1080), (1080, 1920), (1366, 768), (1280, 800)):
        win = make_window(width, height)
        page, images = make_page(3)
        win.wake()
        win.show_page(page, images)
        QCoreApplication.processEvents()
        rects = [card._image_rect() for card in win.main.grid.cards()]
        needed.append(max(max(r.width(), r.height()) for r in rects))
        win.close()
    assert side[0] == side[1]
    assert max(needed) <= side[0]  # never upscaled on screen
    assert max(needed) >= 0.9 * side[0]  # nor decoded much larger than shown


def test_a_boxed_face_with_no_reading_yet_is_being_read_not_looked_for(
        window: MainWindow, clock: FakeClock) -> None:
    # Two fresh testers (rounds 15, 16): the badge said "Looking for you… Look at the
    # camera" under the visitor's boxed face while their first reading settled, or
    # while the models stayed unsure.
    badge = window.main.badge
    frame = solid_image("gray", 640, 480)
    window.show_emotion(None)
    window.main.show_frame(frame, [(Box(100, 100, 200, 200), True)])
    assert badge.name.text() == "Reading your mood…"
    clock.now += 0.2  # a frame or two without the box: no flip back
    window.main.show_frame(frame, [])
    assert badge.name.text() == "Reading your mood…"
    clock.now += 0.5
    window.main.show_frame(frame, [])
    assert badge.name.text() == "Looking for you…"
    window.main.show_frame(frame, [(Box(100, 100, 200, 200), False)])  # a bystander
    assert badge.name.text() == "Looking for you…"
    window.main.show_frame(frame, [(Box(100, 100, 200, 200), True)])
    window.show_emotion(reading(Emotion.HAPPY, 0.87))
    assert badge.name.text() == "Happy"  # a reading wins
