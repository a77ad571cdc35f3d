"""No button, label or toast is elided or clipped on any screen, at the four supported
resolutions, in English and Korean; and the privacy notice shows wherever the camera
is analysed."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import fields
from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication, QPoint, QRect
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QApplication

from kiosk.camera.capture import CameraState
from kiosk.config.schema import RecommendSettings
from kiosk.domain import Emotion, RecommendMode
from kiosk.ui.cards import LIKE_STATES
from kiosk.ui.consent import ConsentOverlay, attach_consent
from kiosk.ui.i18n import install_translator
from kiosk.ui.label_fit import fit_label
from kiosk.ui.main_window import MainWindow
from kiosk.ui.privacy import PrivacyNotice
from kiosk.ui.testing import make_page, make_reading, solid_image
from kiosk.ui.text_fit import text_problems

RESOLUTIONS = [(1920, 1080), (1080, 1920), (1366, 768), (1280, 800)]
STATUS: dict[str, Any] = {
    "camera_state": "LOST (camera 0 not found (backend auto))", "camera_fps": 0.0,
    "model_device": "cpu, 2 threads", "inference_ms": 786.0, "online": False,
    "queue_depth": 1234, "dead_letters": 12,
    "catalog_counts": {e.value: 24 for e in Emotion}, "crash_count": 3,
    "restarts_last_hour": 2, "unclean_exits_last_hour": 1, "crash_loop": True,
    "uploads_configured": True, "uploader": "offline", "recommender": "personalize",
    "last upload error": "EndpointConnectionError: could not connect",
}


def _settle(window: MainWindow) -> None:
    for _ in range(4):
        QCoreApplication.processEvents()
    window.repaint()


def _states(window: MainWindow, overlay: ConsentOverlay) -> Iterator[str]:
    """Walk the window through every screen and state; yield a name at each."""
    window.set_privacy({"cloud_fallback": True, "identity": True})
    window.set_camera_state(CameraState.LIVE, "")
    window.show_attract([solid_image("#336699")])
    yield "attract"
    window.set_camera_state(CameraState.LOST, "")
    yield "attract, camera off"
    window.wake()
    yield "mood picker, camera off"
    window.set_camera_state(CameraState.LIVE, "")
    window.wake()
    window.show_emotion(None)
    window.main.clear_page()
    yield "main, looking"
    window.set_camera_state(CameraState.LOST, "")
    window.main.show_waiting("no_face")
    yield "main, looking, camera off"
    window.set_camera_state(CameraState.LIVE, "")
    page, images = make_page(3, Emotion.CONFUSED)
    window.show_emotion(make_reading(Emotion.CONFUSED, 0.87))
    window.show_page(page, images)
    yield "main, emotion page"
    window.show_page_mood(Emotion.CONFUSED)  # another mood held back: no figure
    yield "main, emotion page, the page's mood without a figure"
    window.set_mode(RecommendMode.EMOTION, personalization_ready=True)
    window.show_page(*make_page(3, Emotion.DISGUSTED, mode=RecommendMode.PERSONALIZED, off=1))
    yield "main, for you (one image of another mood)"
    window.show_page(*make_page(4, Emotion.DISGUSTED, off=2))
    yield "main, emotion page, four images (two of another mood)"
    window.show_page(*make_page(3, Emotion.DISGUSTED, mode=RecommendMode.PERSONALIZED, off=1))
    window.show_emotion(make_reading(Emotion.SURPRISED, 1.0, source="manual"))
    window.show_message("Your like could not be saved. Please try again.")
    yield "main, toast"
    window.toast.hide()
    window.set_camera_state(CameraState.LOST, "")
    window.wake()
    window.open_mood_picker()
    yield "mood picker"
    window.set_camera_state(CameraState.LIVE, "")
    window.open_mood_picker()
    yield "mood picker, camera on"
    window.open_pin_pad()
    for digit in "12":
        window.pin.press_digit(digit)
    yield "PIN pad"
    window.pin.submit()
    yield "PIN pad, wrong PIN"
    for digit in "0000":
        window.pin.press_digit(digit)
    window.pin.submit()
    window.set_status(STATUS)
    yield "admin"
    window.admin.buttons["flush_events"].click()
    yield "admin, flush notice"
    window.admin.buttons["exit"].click()
    yield "admin, exit question"
    window.admin.confirm_cancel.click()
    window.show_curation([(f"{i}a1b2c3d4e5f", e, solid_image("#553322"),
                           f"행복한 고양이 사진 {i}.jpg" if i else "x" * 80 + ".jpg")
                          for i, e in enumerate(list(Emotion)[:5])])
    yield "review"
    window.curation.close_requested.emit()
    window.show_audience({})
    yield "audience, nothing counted yet"
    window.audience.close_requested.emit()
    window.admin.close_button.click()
    window.wake()
    for ask in ("ask", "info"):
        overlay.ask(retention_days=30)
        if ask == "info":
            overlay.info_button.click()
        yield f"consent card, {ask}"
    overlay.close_prompt()
    overlay.offer_forget(matched=True)
    yield "consent bar, forget me"
    overlay.forget_button.click()
    yield "consent card, confirm"
    overlay.show_forgotten(pending=True)
    yield "consent card, forgotten"
    overlay.close_prompt()


def enter_pin(window: MainWindow, digits: str) -> None:
    """Type `digits` on the PIN pad and submit (opens the admin panel for the right PIN)."""
    for digit in digits:
        window.pin.press_digit(digit)
    window.pin.submit()


def open_audience(window: MainWindow) -> None:
    window.curation.close_requested.emit()
    window.show_audience({})


@pytest.fixture(params=["en", "ko"])
def language(request: pytest.FixtureRequest, qapp: QApplication) -> Iterator[str]:
    assert install_translator(qapp, request.param)
    yield request.param
    install_translator(qapp, "en")


@pytest.mark.parametrize(("width", "height"), RESOLUTIONS, ids=lambda v: str(v))
def test_no_text_is_elided_or_clipped_on_any_screen(
    make_window: Callable[..., MainWindow], language: str, width: int, height: int
) -> None:
    window = make_window(width, height)
    window.retranslate()
    overlay = attach_consent(window, clock=window.touch_guard.clock)
    problems: list[str] = []
    seen: list[str] = []
    for state in _states(window, overlay):
        _settle(window)
        seen.append(state)
        problems += [f"{state}: {p}" for p in text_problems(window)]
    assert len(seen) >= 20
    assert not problems, f"{width}x{height} {language}:\n" + "\n".join(problems)


def _page_sizes() -> range:
    meta = next(f for f in fields(RecommendSettings) if f.name == "page_size").metadata
    return range(int(meta["min"]), int(meta["max"]) + 1)


@pytest.mark.parametrize(("width", "height"), RESOLUTIONS, ids=lambda v: str(v))
def test_every_like_label_fits_whole_for_every_page_size(
    make_window: Callable[..., MainWindow], language: str, width: int, height: int
) -> None:
    """Like / Saving… / Liked on every card, for every allowed `[recommend] page_size`
    (1-25), in English and Korean. Before: "좋아요 완료" (Liked) was elided to "좋아요…" on
    pages of 4 and 6 images at 1920x1080 (it read as "still saving"), and at 9 or more
    images even "좋아요" was cut."""
    window = make_window(width, height)
    window.retranslate()
    window.wake()
    window.show_emotion(make_reading(Emotion.HAPPY, 0.9))
    problems: list[str] = []
    sizes = _page_sizes()
    assert (sizes.start, sizes.stop) == (1, 26)
    for n in sizes:
        window.show_page(*make_page(n, Emotion.HAPPY, off=min(n, 2)))
        for _ in range(3):
            QCoreApplication.processEvents()
        cards = window.main.grid.cards()
        assert 1 <= len(cards) <= n  # the ones usable at this size (test_ui_card_grid)
        for state in LIKE_STATES:
            for card in cards:
                card.set_like_state(state)
            button = cards[0].like_button
            if button.clipped_texts():
                problems.append(f"{n} images, {state} {button.text()!r} in "
                                f"{button.width()}x{button.height()}")
            layout = button.fitted_layout()
            if layout is not None:  # whole words, nothing dropped
                assert " ".join(layout.lines) == button.text()
            problems += [f"{n} images, {state}: {p}" for p in text_problems(window)]
    assert not problems, f"{width}x{height} {language}:\n" + "\n".join(problems)


def test_a_label_too_wide_shrinks_then_wraps_then_goes_under_its_icon() -> None:
    font = QFont()
    font.setPixelSize(40)
    wide = QFontMetrics(font).horizontalAdvance("좋아요 완료")
    roomy = fit_label(font, "좋아요 완료", icon=True, width=wide * 3, height=100, padding=40,
                      tight_padding=10, min_size=16)
    assert roomy is not None and roomy.size == 40 and roomy.lines == ("좋아요 완료",)
    narrow = fit_label(font, "좋아요 완료", icon=True, width=wide * 0.75, height=100,
                       padding=40, tight_padding=10, min_size=16)
    assert narrow is not None and narrow.size < 40
    assert " ".join(narrow.lines) == "좋아요 완료"
    one_word = fit_label(font, "Saving…", icon=True, width=90, height=90, padding=40,
                         tight_padding=10, min_size=16)
    assert one_word is not None and one_word.lines == ("Saving…",)
    assert fit_label(font, "Saving…", icon=True, width=20, height=20, padding=10,
                     tight_padding=4, min_size=16) is None


def _notices(window: MainWindow) -> list[PrivacyNotice]:
    return [n for n in window.findChildren(PrivacyNotice) if n.isVisibleTo(window)]


@pytest.mark.parametrize(("width", "height"), [(1920, 1080), (1080, 1920)],
                         ids=lambda v: str(v))
def test_the_privacy_notice_shows_wherever_the_camera_is_analysed(
    make_window: Callable[..., MainWindow], width: int, height: int
) -> None:
    window = make_window(width, height)
    window.set_camera_state(CameraState.LIVE, "")
    opened: dict[str, Callable[[], None]] = {
        "attract": lambda: window.show_attract([]),
        "main": window.wake,
        "mood": window.open_mood_picker,
        "pin": window.open_pin_pad,
        "admin": lambda: enter_pin(window, "0000"),
        "curation": lambda: window.show_curation([]),
        "audience": lambda: open_audience(window),
    }
    for screen, open_it in opened.items():
        open_it()
        _settle(window)
        assert window.current_screen() == screen
        shown = _notices(window)
        assert len(shown) == 1, f"{screen}: {len(shown)} privacy notices"
        assert "read on this device" in shown[0].text(), screen
        notice = shown[0]
        where = QRect(notice.mapTo(window, QPoint(0, 0)), notice.size())
        assert notice.height() > 0 and window.rect().contains(where), screen


@pytest.mark.parametrize("language", ["en", "ko"])
@pytest.mark.parametrize("size", [(1366, 768), (1280, 800), (1080, 1920)])
def test_the_emotion_card_shows_looking_for_you_on_one_whole_line(
    qtbot: Any, language: str, size: tuple[int, int]
) -> None:
    """The card has a fixed height: "Looking for you…" wrapped onto two lines was cut at
    the top and bottom (seen at 1366x768, English and Korean); it shrinks to fit instead."""
    from PySide6.QtGui import QFontMetrics

    app = QApplication.instance()
    assert app is not None
    if language == "ko":
        assert install_translator(app, "ko")
    try:
        window = MainWindow()
        qtbot.addWidget(window)
        window.resize(*size)
        window.show()
        for camera in (CameraState.LIVE, CameraState.LOST):
            window.set_camera_state(camera, "")
            window.wake()
            window.show_emotion(None)
            _settle(window)
            badge = window.main.badge
            for label in (badge.name, badge.detail):
                one_line = QFontMetrics(label.font()).horizontalAdvance(label.text())
                assert one_line <= label.width(), (language, size, camera, label.text())
                assert badge.rect().contains(label.geometry()), (language, size, camera)
    finally:
        install_translator(app, "en")
