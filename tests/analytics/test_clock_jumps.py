"""A step of the wall clock (NTP's first sync on a kiosk without a real-time clock, a
clock set back by hand) neither invents time nor makes a negative dwell: durations come
from the monotonic clock and the open bucket is closed at the jump. The tester's case:
before, a 30-day step forward during a 1-min visit wrote 289 buckets with 86,460 s of
camera LIVE and put the visit in the >= 3600 s dwell bin; a 1-h step back counted a
negative dwell and lost 30 s of camera time."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from kiosk.analytics import AnalyticsStore, BucketStats, Recorder
from kiosk.analytics.bucket import dwell_bin
from kiosk.analytics.recorder import PURGE_EVERY_S
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


# ---------------------------------------------------------------------- retention

DAY = 86400.0


def _stored(path: Path, days_ago: list[float]) -> AnalyticsStore:
    """A store with one bucket of 1 visit `d` days before T0 for each d."""
    store = AnalyticsStore(path, k=1)
    for d in days_ago:
        start = T0 - 20 - d * DAY
        store.write(BucketStats(start - start % 300, 300, visits=1))
    return store


def _held_warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records
            if r.levelno == logging.WARNING and "retention purge keeps" in r.getMessage()]


def test_jumps_forward_and_back_delete_nothing(tmp_path: Path,
                                               caplog: pytest.LogCaptureFixture) -> None:
    """The tester's steps: +30 d, +100 d more, then back to the true time, with 68 days of
    history (before, the purge after the +100-day step deleted every row older than 40
    days, and a `--since 7d` report had no visits once the clock was right)."""
    caplog.set_level(logging.INFO, "kiosk.analytics")
    store = _stored(tmp_path / "a.sqlite3", [0.5 * d for d in range(1, 137)])  # 68 days
    c = Clocks()
    rec = _recorder(tmp_path / "a.sqlite3", c)
    rec._maybe_purge()  # the analytics thread's first pass, at the start
    for step in (30 * DAY, 100 * DAY, -130 * DAY):
        c.advance(60)
        c.jump(step)
        rec.gauges(fps=10.0)  # any note sees the jump
        c.advance(PURGE_EVERY_S)
        rec._maybe_purge()
    assert rec.clock_jumps == 3
    assert len(store.buckets(0, T0)) == 136
    # `kiosk-admin report --since 7d` with the clock back: the 13 half-days' buckets
    assert sum(b.visits for b in store.buckets(c.wall - 7 * DAY, c.wall)) == 13
    held = _held_warnings(caplog)
    # one WARNING per jump that held rows: the 17 over 60 days old at +30 d, all 136 at
    # +130 d; none once the clock is back
    assert len(held) == 2
    assert "keeps 17 row(s)" in held[0] and "jumped +2592000 s" in held[0]
    assert "keeps 136 row(s)" in held[1] and "jumped +8640000 s" in held[1]
    rec.close_all()


def test_a_start_up_clock_far_ahead_deletes_nothing_and_ntp_fixes_it(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """A kiosk starts with its clock 100 days ahead (set wrong by hand), NTP steps it back
    a minute later: nothing of the 60 days stored is deleted (before, the first pass
    deleted all 60 days), and a day later still nothing (the start-up clock was stepped:
    it is never trusted in this run)."""
    caplog.set_level(logging.INFO, "kiosk.analytics")
    store = _stored(tmp_path / "a.sqlite3", list(range(1, 61)))
    c = Clocks()
    c.jump(100 * DAY)  # before the recorder starts: no jump it can see
    rec = _recorder(tmp_path / "a.sqlite3", c)
    rec._maybe_purge()
    assert len(store.buckets(0, T0)) == 60
    held = _held_warnings(caplog)
    assert len(held) == 1 and "keeps 60 row(s)" in held[0]
    assert "days after the newest stored bucket" in held[0]
    c.advance(60)
    c.jump(-100 * DAY)
    rec.gauges(fps=10.0)
    for _ in range(25):  # a day and an hour of hourly passes
        c.advance(PURGE_EVERY_S)
        rec._maybe_purge()
    assert len(store.buckets(0, T0)) == 60
    assert len(_held_warnings(caplog)) == 1
    rec.close_all()


def test_a_kiosk_switched_off_for_months_deletes_its_old_rows_a_day_late(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """Its clock is right, its newest bucket 100 days old: the start-up clock is not
    trusted at first (it could be wrong), so only what is older than 90 days before that
    bucket goes; after a day without a jump the clock is trusted and the rest older
    than 90 days goes, as retention says."""
    caplog.set_level(logging.INFO, "kiosk.analytics")
    store = _stored(tmp_path / "a.sqlite3", [100 + 7 * i for i in range(15)])  # 100-198 d
    c = Clocks()
    rec = _recorder(tmp_path / "a.sqlite3", c)
    rec._maybe_purge()
    assert len(store.buckets(0, T0)) == 13  # only the 2 over 190 days (90 before 100)
    assert len(_held_warnings(caplog)) == 1
    for _ in range(23):
        c.advance(PURGE_EVERY_S)
        rec._maybe_purge()
    assert len(store.buckets(0, T0)) == 13  # 23 h: not trusted yet
    c.advance(PURGE_EVERY_S)
    rec._maybe_purge()
    assert store.buckets(0, T0) == []
    assert any("start-up clock is trusted" in r.getMessage() for r in caplog.records)
    rec.close_all()
