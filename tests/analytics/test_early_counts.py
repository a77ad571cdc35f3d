"""Counts of the open bucket are saved before it closes (a start after a crash at once,
a like soon, the rest each minute), so a kiosk that dies within a bucket still reports
its crashes, restarts and likes; when the bucket closes only the rest is written."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from kiosk.analytics import AnalyticsStore, BucketStats, Mix, Recorder
from kiosk.analytics.report import build_report
from kiosk.analytics.store import AnalyticsError
from kiosk.testing import FakeClock

T0 = 1_800_000_000.0 - (1_800_000_000.0 % 300)  # a bucket boundary


def _recorder(store: AnalyticsStore, clock: FakeClock) -> Recorder:
    return Recorder(store, bucket_s=300, k=2, attention_s=4.0, clock=clock)


def test_three_killed_runs_report_their_likes_crashes_and_restarts(tmp_path: Path) -> None:
    """The tester's case: three runs killed (kill -9) within one bucket, one like each.
    Before, nothing reached the store: the report said 0 likes, 0 crashes."""
    path, clock = tmp_path / "analytics.sqlite3", FakeClock(T0 + 10)
    for run in range(3):
        store = AnalyticsStore(path, k=2)
        rec = _recorder(store, clock)
        rec.started(unclean_previous_exit=run > 0)
        rec.write_pending()  # the analytics thread's first turn
        rec.visit_started(f"v{run}")
        rec.page_shown(f"v{run}", "HAPPY")
        rec.liked(f"v{run}", "HAPPY", "emotions/happy/a.jpg")
        rec.write_pending()  # woken by the like
        clock.advance(20)
        store.close()  # killed: no close_all, the bucket never closes
    report = build_report(AnalyticsStore(path, k=2), since=T0, until=T0 + 300)
    totals = report["totals"]
    assert (totals["likes"], totals["pages"]) == (3, 3)
    [bucket] = report["buckets"]
    assert (bucket["crashes"], bucket["restarts"]) == (2, 2)


def test_a_bucket_saved_early_is_counted_once_when_it_closes(tmp_path: Path) -> None:
    store, clock = AnalyticsStore(tmp_path / "a.sqlite3", k=2), FakeClock(T0)
    rec = _recorder(store, clock)
    heard: list[tuple[BucketStats, Mix | None]] = []
    rec.add_bucket_listener(lambda b, m: heard.append((b, m)))
    rec.started(unclean_previous_exit=True)
    rec.write_pending()
    [early] = store.buckets()
    assert (early.crashes, early.restarts, early.likes) == (1, 1, 0)  # saved at once
    for i, dwell in enumerate((2.0, 9.0, 40.0)):
        rec.visit_started(f"v{i}")
        rec.emotion_settled(f"v{i}", "SAD")
        rec.page_shown(f"v{i}", "SAD")
        clock.advance(dwell)
        rec.visit_ended(f"v{i}")
        if i == 1:
            rec.liked(f"v{i}", "SAD", "emotions/sad/b.jpg")
            rec.save_counts()
            assert store.buckets()[0].likes == 1  # before the bucket's end
    rec.save_counts()  # the thread's minute
    rec.save_counts()  # nothing new: nothing written twice
    rec.gauges(fps=12.0, disk_free_mb=500.0)
    clock.advance(300)
    rec.close_all()
    [bucket] = store.buckets(T0, T0 + 300)
    assert (bucket.crashes, bucket.restarts, bucket.likes, bucket.pages) == (1, 1, 1, 3)
    assert (bucket.visits, bucket.engaged) == (3, 2)
    assert sum(bucket.dwell_hist) == 3 and bucket.dwell_sum_s == pytest.approx(51.0)
    assert bucket.fps_mean == pytest.approx(12.0) and bucket.disk_free_mb == 500.0
    # the listeners (fleet metrics) hear the whole bucket, once
    [(whole, mix)] = [(b, m) for b, m in heard if b.start == T0]
    assert (whole.crashes, whole.likes, whole.pages, whole.visits) == (1, 1, 3, 3)
    assert mix is not None and mix.visits == 3
    store.close()


def test_counts_whose_early_write_failed_are_written_when_the_bucket_closes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    store, clock = AnalyticsStore(tmp_path / "a.sqlite3", k=2), FakeClock(T0)
    rec = _recorder(store, clock)
    real = store.write
    fail = [True]

    def flaky(bucket: BucketStats, mix: Mix | None = None) -> None:
        if fail[0]:
            raise AnalyticsError("database or disk is full")
        real(bucket, mix)

    monkeypatch.setattr(store, "write", flaky)
    rec.started(unclean_previous_exit=True)
    rec.liked("v", "HAPPY", "emotions/happy/a.jpg")
    rec.write_pending()
    assert store.buckets() == [] and rec.write_errors == 2
    local = datetime.fromtimestamp(T0).astimezone().isoformat(timespec="seconds")
    # not epoch seconds; the zone named (the machine's here: no [analytics] timezone)
    assert f"counts of the bucket at {local} (" in caplog.text
    assert ") not written yet" in caplog.text
    fail[0] = False
    clock.advance(300)
    rec.close_all()
    [bucket] = store.buckets(T0, T0 + 300)
    assert (bucket.crashes, bucket.restarts, bucket.likes) == (1, 1, 1)
    store.close()


def test_the_audience_view_adds_only_what_is_not_saved_yet(tmp_path: Path) -> None:
    store, clock = AnalyticsStore(tmp_path / "a.sqlite3", k=2), FakeClock(T0)
    rec = _recorder(store, clock)
    rec.started(unclean_previous_exit=True)
    rec.liked("v", "HAPPY", "emotions/happy/a.jpg")
    rec.write_pending()
    rec.page_shown("v", "HAPPY")
    rec.liked("v", "HAPPY", "emotions/happy/b.jpg")  # queued, not written yet
    report = build_report(store, since=T0, until=T0 + 300, extra=[rec.unsaved()])
    assert (report["totals"]["likes"], report["totals"]["pages"]) == (2, 1)
    assert sum(b["crashes"] for b in report["buckets"]) == 1
    store.close()
