"""Audience analytics count visits by people: the visit flow's visits
(`kiosk.analytics.taps.record_visits`), which go on while a shopper looks away, and
end when another person steps straight into their place (vision's `new_person`).

End to end through the visit flow, wired as the app wires it, and `kiosk-admin report`."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from kiosk.admin.cli import main
from kiosk.analytics import AnalyticsStore, Recorder
from kiosk.analytics.taps import RecordingView, record_vision_result, record_visits
from kiosk.config import load_settings
from kiosk.controllers.visit import VisitController
from kiosk.domain import Emotion
from kiosk.testing import FakeClock
from kiosk.vision.pipeline import VisionResult
from tests.test_controller import FakeBackend, FakeView, SyncWorker, result


@dataclass
class Kiosk:
    rec: Recorder
    controller: VisitController
    clock: FakeClock
    data: Path

    def see(self, r: VisionResult) -> None:  # as the app wires vision.result
        self.controller.on_vision_result(r)
        record_vision_result(self.rec, r)

    def idle(self, seconds: float) -> None:
        self.clock.advance(seconds)
        self.controller._check_idle()


@pytest.fixture
def kiosk(qtbot: QtBot, tmp_path: Path) -> Iterator[Callable[[int], Kiosk]]:
    made: list[Kiosk] = []

    def make(k: int) -> Kiosk:
        data = tmp_path / "data"
        data.mkdir()
        # the start of the hour before this one: within the report's 2 h, one bucket
        clock = FakeClock(time.time() // 3600 * 3600 - 3600)
        rec = Recorder(AnalyticsStore(data / "analytics.sqlite3", k=k), bucket_s=3600, k=k,
                       attention_s=4.0, clock=clock)
        settings = load_settings(env={}, overrides={"app.idle_timeout_s": "60"})
        controller = VisitController(settings, RecordingView(FakeView(), rec), SyncWorker(),
                                     FakeBackend(), clock=clock)
        record_visits(rec, controller)
        controller.start()
        made.append(Kiosk(rec, controller, clock, data))
        return made[-1]

    yield make
    for k in made:
        k.controller.stop()


def report(data: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    assert main(["report", "--since", "2h", "--json", "--data-dir", str(data)]) == 0
    answer: dict[str, Any] = json.loads(capsys.readouterr().out)
    return answer


def test_a_shopper_who_looks_away_is_one_visit(kiosk: Callable[[int], Kiosk],
                                               capsys: pytest.CaptureFixture[str]) -> None:
    """The tester's video: one shopper in view 7 s, away 5 s (vision's visit ends
    after its 3 s grace), five times. Old code: 5 visits, and a k=5 emotion mix of
    that one person ({"HAPPY": 5}) written, as if five people."""
    k = kiosk(5)
    for n in range(5):
        k.see(result(f"v{n}", Emotion.HAPPY, started=True, returning=n > 0))
        k.clock.advance(7)
        k.see(result(f"v{n}", Emotion.HAPPY))
        k.clock.advance(3)
        k.see(result(None, None, ended=f"v{n}", face=False))
        k.clock.advance(2)
    k.idle(100)  # nobody for the idle timeout: the visit ends
    assert k.controller.attract
    assert k.rec.stop(5.0)
    [bucket] = AnalyticsStore(k.data / "analytics.sqlite3", k=5).buckets()
    assert bucket.visits == 1 and bucket.engaged == 1
    assert bucket.dwell_sum_s == pytest.approx(55.0)  # first face to last, not the idle wait
    assert AnalyticsStore(k.data / "analytics.sqlite3", k=5).mixes() == []  # 1 < k
    totals = report(k.data, capsys)["totals"]
    assert totals["visits"] == 1 and totals["suppressed_visits"] == 1


def test_a_newcomer_after_a_picked_mood_is_a_second_visit_in_the_report(
        kiosk: Callable[[int], Kiosk], capsys: pytest.CaptureFixture[str]) -> None:
    """A is in view and picks a mood, then the camera sees B straight away (vision's
    `new_person`, its visit id goes on): two visits, two dwells, two moods."""
    k = kiosk(2)
    k.see(result("a", Emotion.HAPPY, started=True))  # A steps up, read as happy
    k.clock.advance(2)
    k.controller.on_mood_picked("SAD")  # A picks a mood
    k.clock.advance(3)
    k.see(replace(result("a", None), new_person=True))  # B straight into A's place
    assert not k.controller.manual  # the flow reads B afresh
    k.see(result("a", Emotion.SURPRISED))
    k.clock.advance(6)
    k.see(result("a", Emotion.SURPRISED))
    k.see(result(None, None, ended="a", face=False))  # B leaves
    k.idle(60)
    assert k.rec.stop(5.0)
    [bucket] = AnalyticsStore(k.data / "analytics.sqlite3", k=2).buckets()
    assert (bucket.visits, bucket.engaged) == (2, 2)  # A 5 s, B 6 s
    assert bucket.dwell_sum_s == pytest.approx(11.0)
    [mix] = AnalyticsStore(k.data / "analytics.sqlite3", k=2).mixes()
    assert mix.visits == 2  # A: happy, then sad (picked); B: surprised
    assert mix.emotions == {"HAPPY": 1, "SAD": 1, "SURPRISED": 1}
    totals = report(k.data, capsys)["totals"]
    assert totals["visits"] == 2 and totals["suppressed_visits"] == 0


def test_a_mood_picked_unseen_and_the_pickers_face_are_one_person(
        kiosk: Callable[[int], Kiosk]) -> None:
    """Nobody in view picks a mood, then their face arrives within `MANUAL_ADOPT_S`
    of the touch: one person, one visit (the flow's)."""
    k = kiosk(1)
    k.controller.on_mood_picked("CALM")  # nobody in view
    k.clock.advance(3)
    k.see(result("v", Emotion.HAPPY, started=True))  # the picker's face
    assert k.controller.manual  # the flow took it to be the picker's
    k.controller.on_next()
    k.clock.advance(5)
    k.see(result("v", Emotion.HAPPY))
    k.see(result(None, None, ended="v", face=False))
    k.idle(60)
    k.rec.close_all()
    assert k.rec._visits == {}
    [bucket] = k.rec.store.buckets() if k.rec.store else []
    assert bucket.visits == 1 and bucket.engaged == 1
    [mix] = k.rec.store.mixes() if k.rec.store else []
    assert mix.visits == 1 and mix.emotions == {"CALM": 1}
    assert mix.pages_by_emotion == {"CALM": 2}


def test_a_visit_open_at_shutdown_counts_up_to_the_visitors_last_face(
        kiosk: Callable[[int], Kiosk]) -> None:
    """A shutdown (a nightly restart, an update) while a visit is still open, its
    visitor gone 15 s before: its dwell runs to their last face, as any visit's. The
    app's clean-ups stop the visit flow before the analytics. Old code: 20 s (the
    recorder closed the open visit at the shutdown)."""
    k = kiosk(1)
    k.see(result("v", Emotion.HAPPY, started=True))
    k.clock.advance(5)
    k.see(result("v", Emotion.HAPPY))
    k.see(result(None, None, ended="v", face=False))  # the visitor leaves
    k.idle(15)  # under the 60 s idle timeout: the visit is still on
    assert k.controller.visit_id is not None
    k.controller.stop()
    k.controller.stop()  # twice (the fixture does it again): counted once
    assert k.rec.stop(5.0)
    [bucket] = AnalyticsStore(k.data / "analytics.sqlite3", k=1).buckets()
    assert (bucket.visits, bucket.engaged) == (1, 1)
    assert bucket.dwell_sum_s == pytest.approx(5.0)
