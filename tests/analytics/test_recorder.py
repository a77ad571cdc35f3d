"""Aggregation and k-anonymity rules with synthetic visits on a fake clock."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from kiosk.analytics import AnalyticsStore, BucketStats, Mix, Recorder
from kiosk.analytics.bucket import histogram_percentile
from kiosk.analytics.report import build_report, parse_since
from kiosk.testing import FakeClock

T0 = 1_800_000_000.0 - (1_800_000_000.0 % 300)  # a bucket boundary


def make(tmp_path: Path, k: int = 5, max_merge_s: float = 3600.0
         ) -> tuple[Recorder, AnalyticsStore, FakeClock]:
    clock = FakeClock(T0)
    store = AnalyticsStore(tmp_path / "analytics.sqlite3", k=k)
    rec = Recorder(store, bucket_s=300, k=k, max_merge_s=max_merge_s, attention_s=4.0,
                   clock=clock)
    return rec, store, clock


def visit(rec: Recorder, clock: FakeClock, vid: str, dwell: float, emotion: str = "HAPPY",
          pages: int = 1, like: str | None = None) -> None:
    rec.visit_started(vid)
    rec.emotion_settled(vid, emotion)
    rec.emotion_settled(vid, emotion)  # the same settled emotion again: counted once
    for _ in range(pages):
        rec.page_shown(vid, emotion)
    if like:
        rec.liked(vid, emotion, like)
    clock.now += dwell
    rec.visit_ended(vid)


def test_counts_dwell_and_attention_in_one_bucket(tmp_path: Path) -> None:
    rec, store, clock = make(tmp_path)
    for i, dwell in enumerate([1.0, 2.0, 6.0, 10.0, 30.0, 50.0]):
        visit(rec, clock, f"v{i}", dwell, like="emotions/happy/a.jpg" if i % 2 else None)
    clock.now = T0 + 300  # the bucket is over
    rec.write_pending()
    rec.mood_picked()
    [bucket] = store.buckets()
    # engaged: the four of at least 4 s, and the 2 s one that liked (tester round 21: a
    # shopper who picked a mood, liked and left within 4 s was a passer-by)
    assert (bucket.visits, bucket.engaged, bucket.pages, bucket.likes) == (6, 5, 6, 3)
    assert bucket.dwell_sum_s == pytest.approx(99.0)
    p50 = bucket.dwell_p(0.5)
    assert p50 is not None and 5.0 <= p50 <= 10.0
    [mix] = store.mixes()
    assert mix.visits == 6 and mix.emotions == {"HAPPY": 6}
    assert mix.items == {"emotions/happy/a.jpg": 3}
    assert mix.likes_by_emotion == {"HAPPY": 3} and mix.pages_by_emotion == {"HAPPY": 6}


def test_no_visit_id_or_single_visit_time_reaches_the_database(tmp_path: Path) -> None:
    rec, _store, clock = make(tmp_path)
    for i in range(6):
        visit(rec, clock, f"secret-visit-{i}", 3.0 + i)
    rec.stop()
    raw = (tmp_path / "analytics.sqlite3").read_bytes()
    wal = tmp_path / "analytics.sqlite3-wal"
    raw += wal.read_bytes() if wal.exists() else b""
    assert b"secret-visit" not in raw
    with sqlite3.connect(tmp_path / "analytics.sqlite3") as conn:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        held = conn.execute("SELECT COUNT(*) FROM mix_pending").fetchone()[0]
    conn.close()
    assert tables == {"buckets", "mix", "mix_pending"}
    assert held == 0  # a clean stop writes or drops the mix it held: none is left


def test_small_mix_is_merged_into_a_longer_bucket_until_k(tmp_path: Path) -> None:
    rec, store, clock = make(tmp_path, k=5)
    for b in range(3):  # 2 visits per bucket: 2, 4, 6 -> written at the third
        clock.now = T0 + 300 * b + 1
        visit(rec, clock, f"a{b}", 5.0, emotion="SAD")
        visit(rec, clock, f"b{b}", 5.0, emotion="HAPPY")
    clock.now = T0 + 900
    rec.write_pending()
    buckets = store.buckets()
    assert [b.visits for b in buckets] == [2, 2, 2]  # visit counts are never suppressed
    [mix] = store.mixes()
    assert (mix.start, mix.end, mix.visits) == (T0, T0 + 900, 6)
    assert mix.emotions == {"SAD": 3, "HAPPY": 3}


def test_small_mix_is_suppressed_after_the_longest_merge(tmp_path: Path) -> None:
    rec, store, clock = make(tmp_path, k=5, max_merge_s=600)
    for b in range(2):
        clock.now = T0 + 300 * b + 1
        visit(rec, clock, f"v{b}", 5.0, like="emotions/sad/x.jpg")
    clock.now = T0 + 600
    rec.write_pending()
    assert store.mixes() == []
    assert [b.suppressed_visits for b in store.buckets()] == [0, 2]
    assert sum(b.likes for b in store.buckets()) == 2  # plain counts stay


def test_store_refuses_a_mix_below_k(tmp_path: Path) -> None:
    store = AnalyticsStore(tmp_path / "a.sqlite3", k=5)
    with pytest.raises(ValueError, match="below k=5"):
        store.write(BucketStats(T0, 300), Mix(T0, T0 + 300, visits=4, emotions={"SAD": 4}))
    store.close()


def test_camera_uptime_gauges_and_restart_in_the_same_bucket(tmp_path: Path) -> None:
    rec, store, clock = make(tmp_path)
    rec.started(unclean_previous_exit=True)
    rec.camera_state("OPENING")
    clock.now += 10
    rec.camera_state("LIVE")
    for fps, q in [(14.0, 3), (16.0, 5), (15.0, 9)]:
        rec.gauges(fps=fps, queue_depth=q, dead_letters=1, disk_free_mb=900.0 + q)
    for ms in range(1, 101):
        rec.vision_latency(float(ms))
    clock.now += 50
    rec.camera_state("LOST (unplugged)")
    clock.now += 40
    rec.crashed()
    rec.close_all()  # shutdown mid-bucket
    [b] = store.buckets()
    assert b.camera_s == {"OPENING": 10.0, "LIVE": 50.0, "LOST": 40.0}
    assert b.camera_live_pct == pytest.approx(50.0)
    assert (b.fps_mean, b.queue_depth, b.queue_delta, b.dead_letters) == (15.0, 9, 6, 1)
    assert (b.disk_free_mb, b.vision_p95_ms, b.crashes, b.restarts) == (903.0, 95.0, 2, 1)
    # the next run in the same bucket adds to the row; it follows a clean shutdown,
    # so it is neither a restart nor a crash
    rec2 = Recorder(store, bucket_s=300, clock=clock)
    rec2.started()
    rec2.close_all()
    [b] = store.buckets()
    assert (b.restarts, b.crashes) == (1, 2)
    store.close()


def test_camera_time_is_split_at_bucket_boundaries(tmp_path: Path) -> None:
    rec, store, clock = make(tmp_path)
    clock.now = T0 + 200
    rec.camera_state("LIVE")
    clock.now = T0 + 700
    rec.write_pending()
    rec.close_all()
    assert [b.camera_s.get("LIVE") for b in store.buckets()] == [100.0, 300.0, 100.0]


def test_the_open_bucket_counts_the_camera_time_up_to_now(tmp_path: Path) -> None:
    """The audience screen's report adds the open bucket (`unsaved()`): a camera live
    since the start counts as live (old code: no LIVE time until the state changed or
    the bucket closed, so "Camera live 0 %" in red after every start)."""
    rec, store, clock = make(tmp_path)
    rec.started()
    rec.camera_state("OPENING")
    clock.now += 2
    rec.camera_state("LIVE")
    clock.now += 58
    open_bucket = rec.unsaved()
    assert open_bucket.camera_s == {"OPENING": 2.0, "LIVE": 58.0}
    report = build_report(store, since=T0 - 1, until=T0 + 300, extra=[open_bucket])
    assert report["totals"]["camera_live_pct"] == pytest.approx(96.7, abs=0.1)
    clock.now += 40  # nothing is counted twice: the closed bucket has the same seconds
    assert rec.snapshot().camera_s == {"OPENING": 2.0, "LIVE": 98.0}
    rec.close_all()
    [b] = store.buckets()
    assert b.camera_s == {"OPENING": 2.0, "LIVE": 98.0}
    store.close()


def test_report_totals_and_like_rate(tmp_path: Path) -> None:
    rec, store, clock = make(tmp_path)
    for i in range(5):
        visit(rec, clock, f"h{i}", 8.0, "HAPPY", pages=2, like=f"emotions/happy/{i % 2}.jpg")
    for i in range(5):
        visit(rec, clock, f"s{i}", 2.0, "SAD", pages=1)
    rec.close_all()
    report = build_report(store, since=T0 - 1, until=T0 + 300)
    t = report["totals"]
    assert (t["visits"], t["engaged"], t["passers_by"], t["pages"], t["likes"]) == (
        10, 5, 5, 15, 5)
    assert report["like_rate_by_emotion"] == {"HAPPY": 0.5, "SAD": 0.0}
    assert report["top_items"][0] == {"item": "emotions/happy/0.jpg", "likes": 3}
    assert report["emotion_mix"] == {"HAPPY": 5, "SAD": 5}
    assert len(report["buckets"]) == 1 and report["buckets"][0]["visits"] == 10
    store.close()


def test_retention_purge(tmp_path: Path) -> None:
    store = AnalyticsStore(tmp_path / "a.sqlite3", k=2)
    store.write(BucketStats(T0, 300, visits=3), Mix(T0, T0 + 300, visits=3, emotions={"SAD": 3}))
    store.write(BucketStats(T0 + 86400 * 10, 300, visits=1))
    assert store.purge(retention_days=5, now=T0 + 86400 * 10) == 2
    assert [b.visits for b in store.buckets()] == [1] and store.mixes() == []
    store.close()


def test_histogram_percentile_and_since_parsing() -> None:
    assert histogram_percentile([0] * 20, 0.5) is None
    assert histogram_percentile([0, 0, 0, 4] + [0] * 16, 0.5) == pytest.approx(4.0)
    assert parse_since("7d", now=1000.0 + 7 * 86400) == 1000.0
    assert parse_since("90m", now=6000.0) == 600.0
    with pytest.raises(ValueError, match="7d, 24h"):
        parse_since("last week")


def test_thread_writes_closed_buckets_and_stops(tmp_path: Path) -> None:
    rec, _store, clock = make(tmp_path)
    written: list[BucketStats] = []
    rec.add_bucket_listener(lambda b, m: written.append(b))
    rec.start()
    visit(rec, clock, "x", 5.0)
    assert rec.stop(5.0)
    assert [b.visits for b in written] == [1]
    assert AnalyticsStore(tmp_path / "analytics.sqlite3").buckets()[0].visits == 1


def test_shutdown_just_after_a_bucket_ends_writes_that_bucket_once(tmp_path: Path) -> None:
    # the thread closes a bucket up to 50 ms after its end; a shutdown in between used
    # to close it twice (its likes and pages counted twice)
    rec, store, clock = make(tmp_path)
    rec.page_shown("v1", "HAPPY")
    rec.liked("v1", "HAPPY", "emotions/happy/0.jpg")
    clock.advance(300.01)
    rec.close_all()
    assert (sum(b.pages for b in store.buckets()), sum(b.likes for b in store.buckets())) == (1, 1)
    store.close()


def test_no_camera_on_purpose_reports_no_camera_time(tmp_path: Path) -> None:
    """An empty [camera] source (state NONE): no camera share at all, so the fleet's
    CameraLive is not sent (0 % would fire CameraNotLive for a kiosk that has none)."""
    from kiosk.fleet.metrics import METRICS

    rec, store, clock = make(tmp_path)
    rec.camera_state("NONE")
    visit(rec, clock, "v1", 20.0)
    clock.now = T0 + 300
    rec.write_pending()
    [bucket] = store.buckets()
    assert bucket.camera_s == {} and bucket.camera_live_pct is None
    assert METRICS["CameraLive"][1](bucket) is None



def test_the_camera_reason_reaches_the_closed_bucket_and_its_fleet_datum(tmp_path: Path) -> None:
    """The reason (a `CameraTrouble` code) goes with the bucket to the fleet listener: the
    newest of the bucket, and none for a bucket the camera was LIVE throughout."""
    from kiosk.camera.trouble import CameraTrouble
    from kiosk.fleet.metrics import bucket_datums

    rec, store, clock = make(tmp_path)
    got: list[BucketStats] = []
    rec.add_bucket_listener(lambda bucket, _mix: got.append(bucket))
    rec.camera_state("LIVE")
    clock.now += 100
    rec.camera_state("STALLED", CameraTrouble.FROZEN)
    clock.now += 50
    rec.camera_state("LOST", CameraTrouble.DEVICE_GONE)
    clock.now = T0 + 300 + 120  # still lost in the next bucket
    rec.camera_state("LIVE")
    clock.now = T0 + 900  # a bucket LIVE throughout
    rec.write_pending()
    assert [b.camera_trouble for b in got] == [CameraTrouble.DEVICE_GONE,
                                               CameraTrouble.DEVICE_GONE, None]
    by_name = {d["MetricName"]: d["Value"] for d in bucket_datums(got[0], "s", "k", "lean")}
    assert by_name["CameraTrouble"] == 1.0
    assert "CameraTrouble" not in {d["MetricName"] for d in bucket_datums(got[2], "s", "k")}
    store.close()


def test_a_new_reason_while_the_camera_stays_lost_replaces_the_old(tmp_path: Path) -> None:
    """Tester round 23, M1: LOST for "reading frames failed", then LOST for "the image
    folder is gone": the bucket (and CloudWatch's CameraTrouble) kept the first for good."""
    from kiosk.camera.trouble import CameraTrouble

    rec, store, clock = make(tmp_path)
    got: list[BucketStats] = []
    rec.add_bucket_listener(lambda bucket, _mix: got.append(bucket))
    rec.camera_state("LOST", CameraTrouble.READ_FAILED)
    clock.now += 100
    rec.camera_trouble(CameraTrouble.FOLDER_GONE)
    clock.now = T0 + 300 + 120
    rec.camera_trouble(CameraTrouble.SOURCE_MISSING)  # state unchanged, a later bucket
    clock.now = T0 + 600
    rec.camera_state("LIVE")
    rec.camera_trouble(CameraTrouble.READ_FAILED)  # not LOST: ignored
    clock.now = T0 + 900
    rec.write_pending()
    assert [b.camera_trouble for b in got] == [CameraTrouble.FOLDER_GONE,
                                               CameraTrouble.SOURCE_MISSING, None]
    store.close()
