"""The consent card in pytest-qt: Yes, No, no answer (timeout), More info, Forget me,
touch sizes, placement over the main window, Korean, and no timer left running."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication, QEvent, QPoint, QRect, Qt
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from kiosk.identity.consent import ConsentState, VisitConsent
from kiosk.ui.consent import ConsentOverlay, attach_consent
from kiosk.ui.i18n import install_translator
from kiosk.ui.main_window import MainWindow
from kiosk.ui.testing import FakeClock, make_page, make_reading, settle


@pytest.fixture
def fake_clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def window(qtbot: QtBot, fake_clock: FakeClock) -> Iterator[MainWindow]:
    win = MainWindow(clock=fake_clock, corner_hold_s=0.05)
    qtbot.addWidget(win)
    win.resize(1920, 1080)
    win.show()
    qtbot.waitExposed(win)
    win.wake()
    win.show_page(*make_page(3))
    win.show_emotion(make_reading())
    yield win
    win.close()
    win.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


@pytest.fixture
def overlay(window: MainWindow, fake_clock: FakeClock) -> Iterator[ConsentOverlay]:
    ov = attach_consent(window, clock=fake_clock)
    yield ov
    ov.close_prompt()


def _click(qtbot: QtBot, button: QWidget) -> None:
    assert button.isVisible(), button.objectName()
    settle(button.window())  # a card that has just appeared ignores taps for a moment
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def test_yes_answers_yes_and_closes(qtbot: QtBot, overlay: ConsentOverlay) -> None:
    overlay.ask(retention_days=30)
    assert overlay.mode() == "ask" and overlay.isVisible()
    assert "remember your face" in overlay.body.text()
    with qtbot.waitSignal(overlay.answered) as blocker:
        _click(qtbot, overlay.yes_button)
    assert blocker.args == ["yes"]
    assert overlay.mode() == "hidden" and not overlay.isVisible()
    assert not overlay._timer.isActive()


def test_no_answers_no(qtbot: QtBot, overlay: ConsentOverlay) -> None:
    overlay.ask(retention_days=30)
    with qtbot.waitSignal(overlay.answered) as blocker:
        _click(qtbot, overlay.no_button)
    assert blocker.args == ["no"]
    assert not overlay._timer.isActive()


def test_no_answer_times_out_as_no(qtbot: QtBot, window: MainWindow) -> None:
    """Real timer, short timeout: the countdown itself ends the question."""
    overlay = attach_consent(window, timeout_s=0.2)
    overlay.ask(retention_days=30)
    with qtbot.waitSignal(overlay.answered, timeout=5000) as blocker:
        pass
    assert blocker.args == ["timeout"]
    assert overlay.mode() == "hidden" and not overlay._timer.isActive()


def test_the_countdown_is_visible_and_counts_down(
    overlay: ConsentOverlay, fake_clock: FakeClock, qtbot: QtBot
) -> None:
    overlay.ask(retention_days=30, timeout_s=15)
    assert overlay.countdown.isVisible()
    assert "15" in overlay.countdown.text()
    fake_clock.advance(5.2)
    overlay.tick()
    assert "10" in overlay.countdown.text()
    with qtbot.waitSignal(overlay.answered) as blocker:
        fake_clock.advance(10)
        overlay.tick()
    assert blocker.args == ["timeout"]


def test_more_info_says_what_is_kept_for_how_long_and_how_to_be_forgotten(
    qtbot: QtBot, overlay: ConsentOverlay, fake_clock: FakeClock
) -> None:
    overlay.ask(retention_days=14, timeout_s=15)
    fake_clock.advance(10)
    _click(qtbot, overlay.info_button)
    text = overlay.body.text()
    assert overlay.mode() == "info"
    assert "face vector" in text and "not a picture" in text
    assert "Amazon Rekognition collection" in text and "No image" in text
    assert "14 days" in text and "Forget me" in text
    assert overlay.seconds_left() == 15  # reading gets the full time again
    _click(qtbot, overlay.back_button)
    assert overlay.mode() == "ask"
    with qtbot.waitSignal(overlay.answered) as blocker:
        _click(qtbot, overlay.yes_button)
    assert blocker.args == ["yes"]


def test_one_day_of_retention_reads_well(overlay: ConsentOverlay, qtbot: QtBot) -> None:
    overlay.ask(retention_days=1)
    _click(qtbot, overlay.info_button)
    assert "after 1 day." in overlay.body.text()


def test_taps_on_the_scrim_answer_nothing(qtbot: QtBot, overlay: ConsentOverlay) -> None:
    overlay.ask(retention_days=30)
    with qtbot.assertNotEmitted(overlay.answered):
        qtbot.mouseClick(overlay, Qt.MouseButton.LeftButton, pos=overlay.rect().topLeft())
    assert overlay.mode() == "ask"


def test_close_prompt_emits_nothing_and_stops_the_timer(
    qtbot: QtBot, overlay: ConsentOverlay
) -> None:
    overlay.ask(retention_days=30)
    with qtbot.assertNotEmitted(overlay.answered):
        overlay.close_prompt()
    assert overlay.mode() == "hidden" and not overlay._timer.isActive()


def test_forget_me_confirms_then_reports_done(qtbot: QtBot, overlay: ConsentOverlay) -> None:
    overlay.offer_forget(matched=True)
    assert overlay.mode() == "offer" and overlay.forget_button.isVisible()
    assert not overlay.card.isVisible()
    _click(qtbot, overlay.forget_button)
    assert overlay.mode() == "confirm" and overlay.delete_button.isVisible()
    with qtbot.waitSignal(overlay.forget_requested):
        _click(qtbot, overlay.delete_button)
    assert not overlay.delete_button.isEnabled()  # one request only
    overlay.show_forgotten()
    assert overlay.mode() == "forgotten"
    assert overlay.title.text() == "Done — your face has been deleted"
    _click(qtbot, overlay.ok_button)
    assert overlay.mode() == "hidden" and not overlay._timer.isActive()


def test_forget_me_pending_says_the_cloud_copy_follows(overlay: ConsentOverlay) -> None:
    overlay.show_forgotten(pending=True)
    assert "back online" in overlay.body.text()


def test_keep_returns_to_the_offer(qtbot: QtBot, overlay: ConsentOverlay) -> None:
    overlay.offer_forget(matched=False)
    _click(qtbot, overlay.forget_button)
    with qtbot.assertNotEmitted(overlay.forget_requested):
        _click(qtbot, overlay.keep_button)
    assert overlay.mode() == "offer"


def test_the_done_message_closes_by_itself(
    overlay: ConsentOverlay, fake_clock: FakeClock
) -> None:
    overlay.show_forgotten()
    fake_clock.advance(60)
    overlay.tick()
    assert overlay.mode() == "hidden" and not overlay._timer.isActive()


def test_a_lookup_that_did_not_work_says_so_briefly_on_the_preview(
    window: MainWindow, overlay: ConsentOverlay, fake_clock: FakeClock
) -> None:
    overlay.show_lookup_failed()
    assert overlay.mode() == "failed" and overlay.bar.isVisible()
    assert "did not work this time" in overlay.bar_text.text()
    assert not overlay.forget_button.isVisible()  # nothing to forget
    assert not overlay.card.isVisible()  # no scrim: the visitor keeps browsing
    camera = window.main.camera
    assert QRect(camera.mapTo(window, QPoint(0, 0)), camera.size()).contains(overlay.geometry())
    fake_clock.advance(60)
    overlay.tick()
    assert overlay.mode() == "hidden" and not overlay._timer.isActive()


@pytest.mark.parametrize(("width", "height"), [(1920, 1080), (1080, 1920), (1280, 800)])
def test_every_button_is_a_big_touch_target(
    qtbot: QtBot, window: MainWindow, fake_clock: FakeClock, width: int, height: int
) -> None:
    window.resize(width, height)
    overlay = attach_consent(window, clock=fake_clock)
    min_side = window.metrics().min_touch
    try:
        for show in (lambda: overlay.ask(30), overlay._on_info, lambda: overlay.offer_forget(),
                     overlay._on_forget, overlay.show_forgotten):
            show()
            QCoreApplication.processEvents()
            buttons = [b for b in overlay.findChildren(QWidget)
                       if b.objectName().startswith("consent-") and hasattr(b, "click")
                       and b.isVisible()]
            assert buttons, overlay.mode()
            for button in buttons:
                holder = button.parentWidget()
                assert holder is not None
                assert button.height() >= min_side and button.width() >= min_side, (
                    overlay.mode(), button.objectName(), button.size())
                assert overlay.rect().contains(button.geometry().translated(holder.pos()))
    finally:
        overlay.close_prompt()


def test_the_card_covers_the_window_and_follows_its_size(
    qtbot: QtBot, window: MainWindow, overlay: ConsentOverlay
) -> None:
    overlay.ask(retention_days=30)
    assert overlay.geometry() == window.rect()
    window.resize(1080, 1920)
    QCoreApplication.processEvents()
    assert overlay.geometry() == window.rect()
    assert window.rect().contains(overlay.card.geometry())


def test_the_forget_bar_sits_on_the_camera_preview(
    window: MainWindow, overlay: ConsentOverlay
) -> None:
    overlay.offer_forget()
    camera = window.main.camera
    area = QRect(camera.mapTo(window, QPoint(0, 0)), camera.size())
    assert area.contains(overlay.geometry())


def test_korean(qtbot: QtBot, qapp: Any, overlay: ConsentOverlay) -> None:
    overlay.ask(retention_days=30)
    english = overlay.title.text()
    assert install_translator(qapp, "ko")
    try:
        QCoreApplication.processEvents()
        assert overlay.title.text() != english
        assert overlay.yes_button.text() == "네, 기억해 주세요"
    finally:
        install_translator(qapp, "en")
        QCoreApplication.processEvents()
    assert overlay.title.text() == english


def test_the_visit_flow_with_the_state_machine(qtbot: QtBot, overlay: ConsentOverlay) -> None:
    """How the controller pairs the card with `VisitConsent`."""
    consent = VisitConsent(enabled=True)
    consent.begin("visit-1")
    assert consent.should_ask()
    consent.ask()
    overlay.answered.connect(consent.answer)
    overlay.ask(retention_days=30)
    with qtbot.waitSignal(overlay.answered):
        _click(qtbot, overlay.no_button)
    assert consent.state is ConsentState.DECLINED and consent.claim_lookup(1) is None


def test_closing_the_window_stops_the_countdown(
    qtbot: QtBot, window: MainWindow, overlay: ConsentOverlay
) -> None:
    overlay.ask(retention_days=30)
    assert overlay._timer.isActive()
    window.close()
    assert not overlay._timer.isActive()
