"""Screens and their transitions: attract, mood picker, camera loss, toasts."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt
from pytestqt.qtbot import QtBot

from kiosk.camera.capture import CameraState
from kiosk.domain import Emotion
from kiosk.ui import attract, theme
from kiosk.ui.main_window import MainWindow
from kiosk.ui.testing import FakeClock, make_page, settle, solid_image


def test_starts_on_the_attract_screen_with_its_slideshow_running(window: MainWindow) -> None:
    assert window.current_screen() == "attract"
    assert window.attract.is_running()


def test_attract_touch_emits_user_activity_and_wakes(window: MainWindow, qtbot: QtBot) -> None:
    window.show_attract([solid_image("#336699"), solid_image("#993366")])
    assert window.current_screen() == "attract"
    assert window.attract.image_count() == 2
    with qtbot.waitSignal(window.user_activity, timeout=1000):
        qtbot.mouseClick(window.attract, Qt.MouseButton.LeftButton, pos=QPoint(960, 300))
    assert window.current_screen() == "main"
    assert not window.attract.is_running()  # no timer burns CPU behind the main screen


def test_ken_burns_moves_slowly_and_advances_slides(window: MainWindow, clock: FakeClock) -> None:
    window.show_attract([solid_image("#336699"), solid_image("#993366")])
    start_index, start_t = window.attract.slide_at()
    clock.advance(attract.SLIDE_S / 2)
    index, t = window.attract.slide_at()
    assert index == start_index and t > start_t
    clock.advance(attract.SLIDE_S)
    assert window.attract.slide_at()[0] == start_index + 1
    window.attract.repaint()  # paints a cross-fade or a slide without error
    # The visible part of a slide changes continuously: something moves, nothing jumps.
    burns = attract.KenBurns(0)
    from PySide6.QtCore import QSize

    a = burns.source_rect(QSize(1920, 1080), 0.50)
    b = burns.source_rect(QSize(1920, 1080), 0.51)
    assert a != b
    assert abs(a.x() - b.x()) < 5 and abs(a.width() - b.width()) < 5


def test_slideshow_keeps_two_image_sized_pixmaps_and_drops_them_when_hidden(
        window: MainWindow, clock: FakeClock) -> None:
    """The slides are painted from pixmaps at the images' own size (800 px), not
    screen-sized copies (three of ~1960x1960 ARGB took 44 MB at 1920x1080)."""
    window.show_attract([solid_image(c, 800, 800) for c in ("#336699", "#993366", "#669933")])
    for _ in range(40):  # three slides, cross-fades included
        clock.advance(attract.SLIDE_S / 12)
        window.attract.repaint()
        cached = list(window.attract._cache.values())
        assert 1 <= len(cached) <= 2
        assert all((p.width(), p.height()) == (800, 800) for p in cached)
    window.wake()
    assert window.current_screen() == "main"
    assert window.attract._cache == {}


def test_wake_and_show_attract_reset_the_visit(window: MainWindow) -> None:
    page, images = make_page(3)
    window.wake()
    window.show_page(page, images)
    window.show_attract([])
    assert window.current_screen() == "attract"
    assert window.main.page() is None
    assert all(card.item_id == "" for card in window.main.grid.cards())
    window.wake()
    assert window.current_screen() == "main"
    window.wake()  # idempotent
    assert window.current_screen() == "main"


def test_lost_camera_shows_mood_picker_and_picking_emits(window: MainWindow, qtbot: QtBot) -> None:
    window.wake()
    window.set_camera_state(CameraState.LOST, "Camera disconnected")
    assert window.current_screen() == "mood"
    assert "camera is unavailable" in window.mood.subtitle.text()
    assert window.main.camera.is_unavailable()
    settle(window)
    with qtbot.waitSignal(window.mood_picked, timeout=1000) as blocker:
        qtbot.mouseClick(window.mood.tile(Emotion.SURPRISED), Qt.MouseButton.LeftButton)
    assert blocker.args == ["SURPRISED"]
    assert window.current_screen() == "main"
    # Attract → wake with the camera still off goes straight to the picker.
    window.show_attract([])
    window.wake()
    assert window.current_screen() == "mood"
    window.set_camera_state(CameraState.LIVE, "")
    assert not window.main.camera.is_unavailable()


def test_choose_my_mood_button_and_back(window: MainWindow, qtbot: QtBot) -> None:
    with qtbot.waitSignal(window.mood_picker_requested, timeout=1000):
        qtbot.mouseClick(window.attract.mood_button, Qt.MouseButton.LeftButton)
    assert window.current_screen() == "mood"
    assert len(window.mood.tiles) == 8
    settle(window)
    qtbot.mouseClick(window.mood.back_button, Qt.MouseButton.LeftButton)
    assert window.current_screen() == "attract"
    window.wake()
    settle(window)
    qtbot.mouseClick(window.main.mood_button, Qt.MouseButton.LeftButton)
    assert window.current_screen() == "mood"
    settle(window)
    qtbot.mouseClick(window.mood.back_button, Qt.MouseButton.LeftButton)
    assert window.current_screen() == "main"


def test_any_touch_emits_user_activity(window: MainWindow, qtbot: QtBot, clock: FakeClock) -> None:
    window.wake()
    with qtbot.waitSignal(window.user_activity, timeout=1000):
        qtbot.mousePress(window.main.grid, Qt.MouseButton.LeftButton)
    qtbot.mouseRelease(window.main.grid, Qt.MouseButton.LeftButton)


def test_message_toast_hides_and_its_timer_stops_on_close(make_window: Any) -> None:
    win: MainWindow = make_window()
    win.show_notice("Hello")
    assert win.toast.isVisible() and win.toast.text() == "Hello"
    win.close()
    assert not win.toast.isVisible()
    assert not win.attract.is_running()


def test_ken_burns_keeps_the_view_aspect_ratio() -> None:
    """A square catalog image on a 16:9 screen is cropped, never stretched."""
    from PySide6.QtCore import QSize

    from kiosk.ui.attract import KenBurns

    image, view = QSize(1960, 1960), QSize(1920, 1080)
    for t in (0.0, 0.5, 1.0):
        rect = KenBurns(3).source_rect(image, t, view)
        assert abs(rect.width() / rect.height() - 1920 / 1080) < 1e-6
        assert rect.left() >= 0 and rect.top() >= 0
        assert rect.right() <= image.width() + 1e-6 and rect.bottom() <= image.height() + 1e-6


def test_the_face_row_draws_its_faces_once_per_size(window: MainWindow,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """The slideshow repaints the row with every frame: the faces are drawn into a
    pixmap once per size and copied (330 calls into Qt a frame before)."""
    from kiosk.ui import icons

    row = window.attract.faces
    drawn: list[object] = []
    real = icons.draw_face

    def counted(p: Any, rect: Any, emotion: Any) -> None:
        drawn.append(emotion)
        real(p, rect, emotion)

    monkeypatch.setattr(icons, "draw_face", counted)
    row._strip = None  # as after a resize
    for _ in range(3):
        row.repaint()
    assert len(drawn) == len(Emotion)  # one face each, for three paints
    image = row.grab().toImage()
    side = row.height()
    step = side + side // 4
    for i, emotion in enumerate(Emotion):  # each face's accent colour at its centre-top
        pixel = image.pixelColor(round((i * step + side / 2) * image.devicePixelRatio()),
                                 round(side * 0.15 * image.devicePixelRatio()))
        assert pixel.name() == theme.accent_for(emotion).name(), emotion
    row.set_side(side + 8)
    row.repaint()
    assert len(drawn) == 2 * len(Emotion)  # a new size: drawn again


def test_the_glows_alone_move_at_a_slower_frame_rate_than_the_slideshow(
        window: MainWindow) -> None:
    screen = window.attract
    screen.set_images([])
    assert screen._timer.interval() == attract.GLOW_FRAME_MS > attract.FRAME_MS
    window.show_attract([solid_image("#336699")])
    assert screen.is_running() and screen._timer.interval() == attract.FRAME_MS
    screen.set_images([])
    assert screen._timer.interval() == attract.GLOW_FRAME_MS


def test_a_slideshow_frame_does_not_paint_the_window_under_it(
        window: MainWindow, monkeypatch: pytest.MonkeyPatch) -> None:
    painted: list[str] = []
    real = MainWindow.paintEvent

    def counted(self: MainWindow, event: Any) -> None:
        painted.append("window")
        real(self, event)

    monkeypatch.setattr(MainWindow, "paintEvent", counted)
    window.show_attract([solid_image("#336699")])
    window.attract.repaint()
    assert painted == []  # the frame covers the screen: its background is not filled first
    image = window.attract.grab().toImage()
    assert image.pixelColor(image.width() // 2, 2).name() != "#000000"  # painted, not left black
