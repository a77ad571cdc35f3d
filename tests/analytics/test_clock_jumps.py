"""A step of the wall clock (NTP's first sync on a kiosk without a real-time clock, a
clock set back by hand) neither invents time nor makes a negative dwell: durations come
from the monotonic clock and the open bucket is closed at the jump. The tester's case:
before, a 30-day step forward during a 1-min visit wrote 289 buckets with 86,460 s of
camera LIVE and put the visit in the >= 3600 s dwell bin; a 1-h step back counted a
negative dwell and lost 30 s of camera time."""

from __future__ import annotations

from pathlib import Path

from kiosk.analytics import AnalyticsStore, Recorder
from kiosk.analytics.bucket import dwell_bin
from kiosk.analytics.report import build_report

T0 = 1_800_000_000.0 - (1_800_000_000.0 % 300) + 20  # 20 s into a bucket


class Clocks:
    """A wall clock and a monotonic clock that advance together; `jump` moves the
    wall clock alone."""

    def __init__(self) -> None:
        self.wall, self.mono = T0, 5_000.0

    def advance(self, seconds: float) -> None:
        self.wall += seconds
        self.mono += seconds

    def jump(self, seconds: float) -> None:
        self.wall += seconds


def _recorder(path: Path, c: Clocks) -> Recorder:
    return Recorder(AnalyticsStore(path, k=1), bucket_s=300, k=1, attention_s=4.0,
                    clock=lambda: c.wall, monotonic=lambda: c.mono)


def test_a_step_forward_during_a_visit_adds_no_time(tmp_path: Path) -> None:
    c = Clocks()
    rec = _recorder(tmp_path / "a.sqlite3", c)
    rec.camera_state("LIVE")
    rec.visit_started("v1")
    c.advance(60)
    c.jump(30 * 86400)
    c.advance(10)
    rec.visit_ended("v1")
    rec.close_all()
    assert rec.clock_jumps == 1
    report = build_report(AnalyticsStore(tmp_path / "a.sqlite3", k=1), 0, c.wall + 600)
    assert len(report["buckets"]) == 2  # the bucket of the jump and the one after it
    assert report["camera_s"]["LIVE"] == 70.0
    assert report["totals"]["visits"] == 1
    # the 70-s visit is in the bin of 70 s, not the open-ended one
    store = AnalyticsStore(tmp_path / "a.sqlite3", k=1)
    bins = [i for b in store.buckets(0, c.wall + 600) for i, n in enumerate(b.dwell_hist) if n]
    assert bins == [dwell_bin(70)]
    # the jump is seen at the next note (10 s on): the bucket open then ends there with
    # the 70 s, the bucket of the new time has none of the gap
    first, second = report["buckets"]
    assert first["start"] <= T0 < first["start"] + 300
    assert (first["camera_live_s"], second["camera_live_s"]) == (70.0, 0.0)
    assert second["start"] > T0 + 30 * 86400 - 300


def test_a_step_back_never_counts_a_negative_dwell(tmp_path: Path) -> None:
    c = Clocks()
    rec = _recorder(tmp_path / "a.sqlite3", c)
    rec.camera_state("LIVE")
    rec.visit_started("v2")
    c.advance(30)
    c.jump(-3600)
    rec.visit_ended("v2")
    rec.visit_started("v3")
    c.advance(40)
    rec.visit_ended("v3")
    rec.close_all()
    report = build_report(AnalyticsStore(tmp_path / "a.sqlite3", k=1), 0, T0 + 7200)
    totals = report["totals"]
    assert (totals["visits"], totals["engaged"], totals["passers_by"]) == (2, 2, 0)
    assert report["camera_s"]["LIVE"] == 70.0
    store = AnalyticsStore(tmp_path / "a.sqlite3", k=1)
    bins = sorted(i for b in store.buckets(0, T0 + 7200) for i, n in enumerate(b.dwell_hist)
                  for _ in range(n))
    assert bins == [dwell_bin(30), dwell_bin(40)]


def test_a_slow_slew_is_no_jump(tmp_path: Path) -> None:
    """NTP slewing the clock a little (under `JUMP_S` in all) keeps the buckets going."""
    c = Clocks()
    rec = _recorder(tmp_path / "a.sqlite3", c)
    rec.camera_state("LIVE")
    for _ in range(20):
        c.advance(60)
        c.jump(0.2)
        rec.gauges(fps=10.0)
    rec.close_all()
    assert rec.clock_jumps == 0
    report = build_report(AnalyticsStore(tmp_path / "a.sqlite3", k=1), 0, c.wall + 600)
    starts = [b["start"] for b in report["buckets"]]
    assert starts == [starts[0] + 300 * i for i in range(len(starts))]
    assert abs(report["camera_s"]["LIVE"] - (c.wall - T0)) < 1e-6
