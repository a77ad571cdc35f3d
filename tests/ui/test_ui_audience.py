"""The admin panel's Audience screen: reached from the panel, readable at the four
screen sizes and in Korean, Back returns to the panel."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from kiosk.analytics.bucket import BucketStats, Mix
from kiosk.analytics.report import summarize
from kiosk.ui.main_window import MainWindow
from kiosk.ui.testing import settle

T0 = 1_800_000_000.0


def report() -> dict[str, Any]:
    buckets = []
    for i in range(6):
        b = BucketStats(T0 + 3600 * i, 300, pages=6, likes=2, mood_picks=1, consent_yes=1,
                        camera_s={"LIVE": 290.0, "LOST": 10.0})
        for dwell in (2.0, 7.0, 25.0):
            b.add_visit(dwell, 4.0)
        buckets.append(b)
    mixes = [Mix(T0, T0 + 7200, visits=9, emotions={"HAPPY": 5, "SAD": 3, "CALM": 2},
                 pages_by_emotion={"HAPPY": 20, "SAD": 10, "CALM": 6},
                 likes_by_emotion={"HAPPY": 8, "SAD": 2, "CALM": 2},
                 items={"emotions/happy/sunrise.jpg": 5, "emotions/sad/rain.jpg": 2})]
    # a long zone name: the title says whose "today" it is and must still fit
    return summarize(buckets, mixes, T0, T0 + 86400, 5, ZoneInfo("America/Los_Angeles"))


def open_audience(window: MainWindow, qtbot: QtBot) -> None:
    window.wake()
    window._open_admin()
    settle(window)
    qtbot.mouseClick(window.admin.buttons["audience"], Qt.MouseButton.LeftButton)
    window.show_audience(report())  # what the app sends back from its worker
    QCoreApplication.processEvents()


@pytest.mark.parametrize(("width", "height"), [(1920, 1080), (1080, 1920), (1366, 768),
                                               (1280, 800)])
def test_readable_at_the_four_sizes(make_window: Any, qtbot: QtBot, width: int,
                                    height: int) -> None:
    window: MainWindow = make_window(width, height)
    with qtbot.waitSignal(window.admin_action_requested) as asked:
        open_audience(window, qtbot)
    assert asked.args == ["audience"]
    assert window.current_screen() == "audience"
    view = window.audience
    assert view.tiles["visits"].value.text() == "18"
    assert view.tiles["attention"].value.text() == "67 %"
    assert "sunrise.jpg (5)" in view.top_items.text()
    assert view.title.text() == "Audience today (America/Los_Angeles)"
    hint = view.minimumSizeHint()
    assert hint.width() <= width and hint.height() <= height, (hint, width, height)
    for label in view.findChildren(QLabel):  # nothing clipped: every label gets its height
        if label.isVisibleTo(view) and label.text():
            assert label.height() >= label.fontMetrics().height(), label.text()
    for chart in view.charts.values():
        assert chart.isVisibleTo(view) and chart.height() >= 100 and chart.values
        assert chart.geometry().bottom() <= view.height()
    assert view.back_button.geometry().bottom() <= view.height()
    portrait = height > width
    charts = list(view.charts.values())
    assert (charts[0].y() < charts[1].y()) == portrait  # stacked on a portrait screen
    settle(window)  # the screen just changed: the touch guard's settle time
    qtbot.mouseClick(view.back_button, Qt.MouseButton.LeftButton)
    assert window.current_screen() == "admin"


def test_korean(make_window: Any, qtbot: QtBot, korean: None) -> None:
    window: MainWindow = make_window(1366, 768)
    open_audience(window, qtbot)
    view = window.audience
    assert view.title.text() == "오늘의 관객 (America/Los_Angeles)"
    assert window.admin.buttons["audience"].text() != "Audience"
    assert view.charts["emotions"].labels[0] != "Happy"  # emotion names translated
    assert view.minimumSizeHint().height() <= 768


def test_empty_day_shows_no_data_text(make_window: Any, qtbot: QtBot) -> None:
    window: MainWindow = make_window(1280, 800)
    window.wake()
    window._open_admin()
    window.show_audience(summarize([], [], T0, T0 + 60, 5))
    assert window.current_screen() == "audience"
    assert window.audience.tiles["visits"].value.text() == "0"
    assert window.audience.charts["emotions"].values == []
    window.audience.charts["emotions"].grab()  # paints the empty text without error


def held_report(pages: int = 3, likes: int = 2, suppressed: int = 0, waiting: int = 0,
                crashes: int = 0) -> dict[str, Any]:
    """A day whose pages and likes are in no mix (below k), for one held-back case."""
    b = BucketStats(T0, 300, pages=pages, likes=likes, crashes=crashes,
                    suppressed_visits=suppressed)
    b.add_visit(5.0, 4.0)
    return summarize([b], [], T0, T0 + 86400, 5, ZoneInfo("Asia/Seoul"),
                     waiting_visits=waiting)


HELD_CASES = {  # (pages, likes, suppressed, waiting, crashes): every wording and plural
    "suppressed and waiting": (3, 2, 2, 3, 0),
    "one suppressed, one waiting": (1, 1, 1, 1, 0),
    "suppressed": (2, 1, 4, 0, 1),
    "one waiting": (1, 2, 0, 1, 0),
    "waiting": (4, 1, 0, 2, 0),
    "open period": (9, 3, 0, 21, 0),  # k visits or more: not held for k at all
    "suppressed and open period": (9, 3, 2, 6, 0),
    "a crash": (1, 1, 0, 0, 1),
    "crashes": (2, 2, 0, 0, 3),
    "groups": (2, 0, 0, 0, 0),
}


@pytest.mark.parametrize("case", HELD_CASES)
def test_the_held_back_note_is_the_sentence_kiosk_admin_report_prints(
        case: str, make_window: Any, qtbot: QtBot) -> None:
    """Fresh tester: `kiosk-admin report` said why likes were left out of the like rates
    ("held back: …"); the Audience screen showed the rates without a word."""
    from kiosk.ui.audience_note import held_back_text

    r = held_report(*HELD_CASES[case])
    note = r["held_back"]["note"]
    assert note and held_back_text(r) == note  # word for word, every case and plural
    window: MainWindow = make_window(1366, 768)
    window.wake()
    window._open_admin()
    window.show_audience(r)
    label = window.audience.held_back
    assert label.isVisibleTo(window.audience) and label.text() == note
    window.show_audience(report())  # every like in a mix: nothing held back, no line
    assert not window.audience.held_back.isVisibleTo(window.audience)


def test_the_held_back_note_in_korean(make_window: Any, qtbot: QtBot, korean: None) -> None:
    window: MainWindow = make_window(1366, 768)
    window.wake()
    window._open_admin()
    for case in HELD_CASES.values():
        r = held_report(*case)
        window.show_audience(r)
        text = window.audience.held_back.text()
        assert text and text != r["held_back"]["note"]
        assert not any("a" <= ch.lower() <= "z" for ch in text), text  # all translated
        assert f"페이지 {r['totals']['pages']}개 중 {r['held_back']['pages']}개" in text
        if r["held_back"]["reason"] not in ("crashes", "open"):
            assert "5회" in text  # k


@pytest.mark.parametrize("language", ["en", "ko"])
@pytest.mark.parametrize(("width", "height"), [(1920, 1080), (1080, 1920), (1366, 768),
                                               (1280, 800)])
def test_the_held_back_note_fits_at_the_four_sizes(
        make_window: Any, qtbot: QtBot, qapp: QCoreApplication, language: str, width: int,
        height: int) -> None:
    """The longest note (visits suppressed and waiting) with the rest of the screen: in
    Korean at 1366x768 and 1280x800 it ran the screen 16 and 25 px past the bottom
    before the charts' minimum went from 260 to 220 px (scaled)."""
    from kiosk.ui.i18n import install_translator

    assert install_translator(qapp, language) or language == "en"
    try:
        window: MainWindow = make_window(width, height)
        window.wake()
        window._open_admin()
        window.show_audience(held_report(*HELD_CASES["suppressed and waiting"]))
        QCoreApplication.processEvents()
        view = window.audience
        hint = view.minimumSizeHint()
        assert hint.width() <= width and hint.height() <= height, (hint, width, height)
        label = view.held_back
        assert label.isVisibleTo(view)
        assert label.height() >= label.heightForWidth(label.width())  # every line shown
        assert label.geometry().bottom() <= view.height()
        for chart in view.charts.values():
            assert chart.height() >= 100 and chart.geometry().bottom() <= view.height()
        assert view.back_button.geometry().bottom() <= view.height()
    finally:
        install_translator(qapp, "en")
