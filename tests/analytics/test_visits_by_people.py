"""Audience analytics count visits by people: a newcomer who steps straight into the
place of the person in view (vision's `new_person`; vision's visit id goes on) is a
visit of their own, and one person stays one visit.

The tester's case, end to end through the visit flow and `kiosk-admin report`: A is
in view and picks a mood, then the camera sees B straight away. Before, the report
said 1 visit for the two of them, with one dwell for both."""

from __future__ import annotations

import json
import time
from dataclasses import replace
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from kiosk.admin.cli import main
from kiosk.analytics import AnalyticsStore, Recorder
from kiosk.analytics.taps import RecordingView, record_vision_result
from kiosk.config import load_settings
from kiosk.controllers.visit import VisitController
from kiosk.domain import Emotion
from kiosk.testing import FakeClock
from kiosk.vision.pipeline import VisionResult
from tests.test_controller import FakeBackend, FakeView, SyncWorker, result


def test_a_newcomer_after_a_picked_mood_is_a_second_visit_in_the_report(
        qtbot: QtBot, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "data"
    data.mkdir()
    clock = FakeClock(time.time() - 600)
    rec = Recorder(AnalyticsStore(data / "analytics.sqlite3", k=2), bucket_s=3600, k=2,
                   attention_s=4.0, clock=clock)
    settings = load_settings(env={}, overrides={"app.idle_timeout_s": "60"})
    controller = VisitController(settings, RecordingView(FakeView(), rec), SyncWorker(),
                                 FakeBackend(), clock=clock)
    controller.start()

    def see(r: VisionResult) -> None:  # as the app wires vision.result
        controller.on_vision_result(r)
        record_vision_result(rec, r)

    see(result("a", Emotion.HAPPY, started=True))  # A steps up, read as happy
    clock.advance(2)
    controller.on_mood_picked("SAD")  # A picks a mood
    clock.advance(3)
    see(replace(result("a", None), new_person=True))  # B straight into A's place
    assert not controller.manual  # the flow reads B afresh
    see(result("a", Emotion.SURPRISED))
    clock.advance(6)
    see(result(None, None, ended="a", face=False))  # B leaves
    controller.stop()
    assert rec.stop(5.0)

    [bucket] = AnalyticsStore(data / "analytics.sqlite3", k=2).buckets()
    assert (bucket.visits, bucket.engaged) == (2, 2)  # A 5 s, B 6 s
    assert bucket.dwell_sum_s == pytest.approx(11.0)
    assert main(["report", "--since", "2h", "--json", "--data-dir", str(data)]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["totals"]["visits"] == 2
    # the mix (k=2) counts two people, each with their own mood
    assert report["totals"]["suppressed_visits"] == 0


def test_one_person_stays_one_visit_and_nothing_is_left_behind(tmp_path: Path) -> None:
    clock = FakeClock(1_800_000_000.0)
    rec = Recorder(AnalyticsStore(tmp_path / "a.sqlite3", k=1), bucket_s=300, k=1,
                   clock=clock)
    record_vision_result(rec, result("a", Emotion.HAPPY, started=True))
    record_vision_result(rec, result("a", Emotion.SAD))  # a new mood, the same person
    rec.page_shown("a", "SAD")
    clock.advance(5)
    record_vision_result(rec, replace(result("a", None), new_person=True))
    rec.liked("a", "HAPPY", "emotions/happy/1.jpg")  # the newcomer's
    record_vision_result(rec, result(None, None, ended="a", face=False))
    assert rec._visits == {} and rec._switched == {}
    rec.close_all()
    [bucket] = rec.store.buckets() if rec.store else []
    assert bucket.visits == 2
    [mix] = rec.store.mixes() if rec.store else []
    assert mix.visits == 2 and mix.emotions == {"HAPPY": 1, "SAD": 1}


def test_a_mood_picked_unseen_and_the_pickers_face_are_one_person(qtbot: QtBot,
                                                                  tmp_path: Path) -> None:
    """Nobody in view picks a mood (the visit flow's own visit id), then their face
    arrives within `MANUAL_ADOPT_S` of the touch (vision's visit id): one person.
    Before, the emotion mix counted two visitors (k-anonymity over-counted)."""
    clock = FakeClock(1_800_000_000.0)
    rec = Recorder(AnalyticsStore(tmp_path / "a.sqlite3", k=1), bucket_s=300, k=1,
                   attention_s=4.0, clock=clock)
    settings = load_settings(env={}, overrides={"app.idle_timeout_s": "60"})
    controller = VisitController(settings, RecordingView(FakeView(), rec), SyncWorker(),
                                 FakeBackend(), clock=clock)
    controller.picker_seen.connect(rec.same_person)  # as the app wires it
    controller.start()

    def see(r: VisionResult) -> None:  # the controller first, as the app connects them
        controller.on_vision_result(r)
        record_vision_result(rec, r)

    controller.on_mood_picked("CALM")  # nobody in view
    clock.advance(3)
    see(result("v", Emotion.HAPPY, started=True))  # the picker's face
    assert controller.manual  # the flow took it to be the picker's
    controller.on_next()
    clock.advance(5)
    see(result(None, None, ended="v", face=False))
    controller.stop()
    rec.close_all()
    assert rec._alias == {}
    [bucket] = rec.store.buckets() if rec.store else []
    assert bucket.visits == 1 and bucket.engaged == 1
    [mix] = rec.store.mixes() if rec.store else []
    assert mix.visits == 1
