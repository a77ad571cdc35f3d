"""The operator's controls: Exit asks first, Flush says what happens, the factory PIN
is flagged, the PIN pad takes the keyboard, and the panel speaks Korean."""

from __future__ import annotations

import logging
import re
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from kiosk.config import hash_pin
from kiosk.errors import KioskError
from kiosk.ui.main_window import MainWindow
from kiosk.ui.testing import settle
from kiosk.ui.widgets import TouchButton

RAW_STATUS: dict[str, Any] = {
    "camera_state": "LIVE", "camera_fps": 29.8, "model_device": "cpu, 2 threads",
    "inference_ms": 18.4, "queue_depth": 3, "dead_letters": 1,
    "catalog_counts": {"HAPPY": 12, "SAD": 9, "FEAR": 4}, "crash_count": 0,
    "restarts_last_hour": 1, "unclean_exits_last_hour": 0, "crash_loop": False,
    "uploads": "off (Personalize not configured)", "uploads_configured": False,
    "recommender": "embedded",
}


def open_admin(window: MainWindow) -> None:
    window.open_pin_pad()
    settle(window)
    for digit in "0000":
        window.pin.press_digit(digit)
    window.pin.submit()
    assert window.current_screen() == "admin"
    settle(window)


def tap(qtbot: QtBot, button: TouchButton) -> None:
    assert button.isVisible(), button.objectName()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def test_exit_asks_for_confirmation(window: MainWindow, qtbot: QtBot) -> None:
    open_admin(window)
    actions: list[str] = []
    window.admin_action_requested.connect(actions.append)
    tap(qtbot, window.admin.buttons["exit"])
    assert actions == []
    assert window.admin.confirm.isVisible()
    assert "Exit the kiosk?" in window.admin.confirm_text.text()
    tap(qtbot, window.admin.confirm_cancel)
    assert actions == [] and not window.admin.confirm.isVisible()
    assert window.admin.buttons["exit"].isVisible()
    tap(qtbot, window.admin.buttons["exit"])
    tap(qtbot, window.admin.confirm_ok)
    assert actions == ["exit"]


def test_flush_without_uploads_says_so_and_the_queue_says_why(
    window: MainWindow, qtbot: QtBot
) -> None:
    open_admin(window)
    window.set_status(RAW_STATUS)
    events = window.admin.tiles["events"]
    assert events.value.text() == "3 waiting"
    assert "kept for later: uploads not configured" in events.detail.text()
    assert window.admin.tiles["network"].value.text() == "Not needed"
    tap(qtbot, window.admin.buttons["flush_events"])
    notice = window.admin.notice_text()
    assert "not configured" in notice and "Uploading" not in notice
    assert window.toast.text() != "Uploading queued events now"

    window.set_status({**RAW_STATUS, "uploads_configured": True, "online": True,
                       "uploader": "sending"})
    assert "being sent now" in events.detail.text()
    tap(qtbot, window.admin.buttons["flush_events"])
    assert window.admin.notice_text() == "Uploading the queued events now."

    # a retry wait says when the next try goes out (before: "retrying soon", for minutes)
    window.set_status({**RAW_STATUS, "uploads_configured": True, "online": True,
                       "uploader": "backoff", "retry_in_s": 41.6})
    assert "AWS is busy, next try in 42 s" in events.detail.text()


def test_the_factory_pin_is_flagged_until_changed(
    make_window: Any, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="kiosk.ui.pin_pad"):
        factory: MainWindow = make_window()
    assert "factory 0000" in caplog.text
    open_admin(factory)
    assert factory.admin.pin_warning.isVisible()
    assert "0000" in factory.admin.pin_warning.text()
    factory.admin.close_button.click()
    factory.open_pin_pad()
    assert "factory PIN" in factory.pin.status.text()

    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="kiosk.ui.pin_pad"):
        own: MainWindow = make_window(admin_pin_hash=hash_pin("2468"))
    assert "factory" not in caplog.text
    own.open_pin_pad()
    assert "factory" not in own.pin.status.text()
    settle(own)
    for digit in "2468":
        own.pin.press_digit(digit)
    own.pin.submit()
    assert own.current_screen() == "admin"
    assert not own.admin.pin_warning.isVisible()


def test_the_pin_pad_takes_the_keyboards_digits(window: MainWindow, qtbot: QtBot) -> None:
    window.open_pin_pad()
    assert window.pin.hasFocus() or window.focusWidget() is window.pin
    qtbot.keyClicks(window.pin, "12")
    assert window.pin.entry_length() == 2
    qtbot.keyClick(window.pin, Qt.Key.Key_Backspace)
    qtbot.keyClick(window.pin, Qt.Key.Key_Delete)
    assert window.pin.entry_length() == 0
    qtbot.keyClick(window.pin, Qt.Key.Key_0, Qt.KeyboardModifier.KeypadModifier)
    qtbot.keyClicks(window.pin, "000")
    assert window.pin.entry_length() == 4
    qtbot.keyClick(window.pin, Qt.Key.Key_Return)
    assert window.current_screen() == "admin"


def test_escape_on_the_pin_pad_cancels(window: MainWindow, qtbot: QtBot) -> None:
    window.wake()
    window.open_pin_pad()
    qtbot.keyClicks(window.pin, "99")
    qtbot.keyClick(window.pin, Qt.Key.Key_Escape)
    assert window.current_screen() == "main"
    assert window.pin.entry_length() == 0


# Words that stay as they are in Korean (product names, units, commands, settings).
_KEEP = re.compile(
    r"kiosk-admin pin|\[personalize\] tracking_id|Amazon Personalize|Personalize|AWS|"
    r"CPU|CUDA|MPS|PIN|fps|ms"
)


def _visible_texts(window: MainWindow) -> list[str]:
    out = []
    for widget in window.admin.findChildren(QLabel) + window.admin.findChildren(TouchButton):
        if widget.isVisibleTo(window.admin) and widget.text():
            out.append(widget.text())
    return out


@pytest.mark.usefixtures("korean")
def test_every_admin_text_is_korean(window: MainWindow, qtbot: QtBot) -> None:
    window.retranslate()
    open_admin(window)
    window.set_status(RAW_STATUS)
    tap(qtbot, window.admin.buttons["flush_events"])
    texts = _visible_texts(window)
    assert len(texts) > 15
    for text in texts:
        rest = _KEEP.sub("", text)
        english = re.findall(r"[A-Za-z_]{2,}", rest)
        assert not english, f"English left in the Korean admin panel: {text!r}"
    joined = "\n".join(texts)
    for raw in ("LIVE", "restarts_last_hour", "threads", "HAPPY", "embedded"):
        assert raw not in joined


@pytest.mark.parametrize("size", [(1366, 768), (1080, 1920)])
def test_reload_catalog_answers_in_the_panels_notice_line_not_over_it(
        make_window: Any, qtbot: QtBot, size: tuple[int, int]) -> None:
    from kiosk.controllers.curation import reload_failed, reload_summary
    from kiosk.recommend.catalog import RescanReport
    from kiosk.ui.text_fit import text_problems

    window: MainWindow = make_window(*size)
    open_admin(window)
    gone = ("catalog folder /media/usb/catalog does not exist; set recommend.catalog_dir to a "
            "folder with one sub-folder per emotion (happy, sad, …)")
    window.set_status({**RAW_STATUS, "problem": gone, "last_problem": (
        f"06:01:08 recommend: KioskBackend.rescan failed: {gone} (30 errors since start)")})
    tap(qtbot, window.admin.buttons["reload_catalog"])
    assert window.admin.notice_text() == "Reloading the catalog…"
    summary = reload_summary(RescanReport(removed=("emotions/happy/x.jpg",), unchanged=95))
    window.show_operator_result(summary)  # what the curation controller does when done
    # one place to read: the line that said "Reloading…" now says how it went, and no
    # toast is drawn over the panel's line or its buttons
    assert window.admin.notice_text() == summary
    assert not window.toast.isVisible()
    failure = reload_failed(KioskError(gone))
    window.show_operator_result(failure, failed=True)
    qtbot.waitUntil(lambda: window.admin.notice.height() >= window.admin.notice.heightForWidth(
        window.admin.notice.width()))
    assert window.admin.notice_text() == failure and not window.toast.isVisible()
    # the long status lines scroll; the notice keeps its own room
    notice = window.admin.notice.geometry()
    assert not notice.intersects(window.admin.scroll_area.geometry())
    assert not any(notice.intersects(b.geometry()) for b in window.admin.buttons.values())
    assert text_problems(window) == []
    # on a visitor screen a technical message still becomes a short sentence
    window.admin.close_button.click()
    window.show_message("catalog folder /x does not exist")
    assert window.toast.isVisible() and "/x" not in window.toast.text()
