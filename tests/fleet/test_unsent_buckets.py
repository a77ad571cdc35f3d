"""Visits and likes of a run killed before its bucket closes reach CloudWatch once: the
analytics store saved them early, the fleet's ledger (kiosk.fleet.ledger) says what the
metrics queue was given, and the next start queues the difference. Kills are simulated
as in test_crash_loop: the files are closed, nothing else runs."""

from __future__ import annotations

import json
import random
import sqlite3
import time
from datetime import UTC, datetime
from pathlib import Path

import boto3
import pytest

from kiosk.analytics import AnalyticsStore, BucketStats, Recorder
from kiosk.events.errors import EventsError
from kiosk.events.queue import EventQueue
from kiosk.fleet import ledger
from kiosk.fleet.metrics import bucket_datums
from kiosk.fleet.publisher import FleetPublisher, MetricsUploader, metric_record
from tests.fleet.stubbed import publish_once

NS = "Kiosk/Fleet"
B = 300.0
T0 = time.time() // B * B - 6 * 3600.0  # a bucket start six hours ago


def publisher(queue: EventQueue, client: object = None) -> FleetPublisher:
    up = MetricsUploader(queue, NS, client=client or object(), base_backoff_s=0.01)
    return FleetPublisher(queue, up, site="lab", kiosk_id="k1")  # default profile: Likes too


def run(folder: Path, start: float, life_s: float, *, visits: int = 0, likes: int = 0,
        unclean: bool = False, fleet: bool = True, clean_stop: bool = False) -> int:
    """One run of the kiosk's analytics (and, with `fleet`, its publisher wired as the app
    does): `visits` visits (the first `likes` with a like) in its first seconds, the
    analytics thread's early save, then killed `life_s` after the start (or stopped
    cleanly). Returns the rows the start queued for the previous run."""
    clock = [start]
    store = AnalyticsStore(folder / "analytics.sqlite3")
    rec = Recorder(store, bucket_s=B, clock=lambda: clock[0])
    queue = pub = None
    caught = 0
    if fleet:
        queue = EventQueue(folder / "metrics.sqlite3", synchronous="NORMAL")
        pub = publisher(queue)
        caught = pub.publish_unsent(store, rec.snapshot().start, B, now=start)
        rec.add_bucket_listener(pub.on_bucket)
        rec.add_counts_listener(pub.on_counts)
    rec.started(unclean_previous_exit=unclean)
    rec.write_pending()  # the thread's first pass
    for i in range(visits):
        clock[0] = start + 1 + i * 0.5
        rec.visit_started(f"v{i}")
        rec.page_shown(f"v{i}", "happy")
        if i < likes:
            rec.liked(f"v{i}", "happy", "emotions/happy/a.jpg")
        rec.visit_ended(f"v{i}", 3.0)
    rec.save_counts()  # the thread's minute pass
    clock[0] = start + life_s
    if clean_stop:
        rec.stop()
    else:
        rec.write_pending()  # its last pass before the kill (closes a bucket whose time is up)
        store.close()
    if queue is not None:
        queue.close()
    return caught


def queued(folder: Path, metric: str) -> dict[float, float]:
    """The sum of `metric` per bucket over the metrics queue's rows."""
    with sqlite3.connect(folder / "metrics.sqlite3") as db:
        bodies = [json.loads(b) for (b,) in db.execute("SELECT body FROM records")]
    out: dict[float, float] = {}
    for body in bodies:
        for d in body["datums"]:
            if d["MetricName"] == metric:
                out[d["Timestamp"]] = out.get(d["Timestamp"], 0.0) + d["Value"]
    return {t: v for t, v in out.items() if v}


def stored(folder: Path, field: str) -> dict[float, float]:
    store = AnalyticsStore(folder / "analytics.sqlite3")
    try:
        return {b.start: float(getattr(b, field)) for b in store.buckets() if getattr(b, field)}
    finally:
        store.close()


def test_a_killed_runs_visits_and_likes_go_at_the_next_start_once(tmp_path: Path) -> None:
    run(tmp_path, T0 + 10, 100, visits=3, likes=2)  # killed 100 s in: bucket 0 never closed
    assert stored(tmp_path, "visits") == {T0: 3.0}
    assert queued(tmp_path, "Visits") == {}  # before: they stayed local for good
    assert run(tmp_path, T0 + 400, 50, unclean=True) == 1  # bucket 1: also killed
    assert queued(tmp_path, "Visits") == {T0: 3.0}
    assert queued(tmp_path, "Likes") == {T0: 2.0}
    assert queued(tmp_path, "Pages") == {T0: 3.0}
    # a third start queues nothing more of bucket 0 (nor of bucket 1, which had none)
    assert run(tmp_path, T0 + 700, 50, unclean=True) == 0
    assert queued(tmp_path, "Visits") == {T0: 3.0}
    assert queued(tmp_path, "Restarts") == {T0 + B: 1.0, T0 + 2 * B: 1.0}


def test_a_restart_within_the_same_bucket(tmp_path: Path) -> None:
    # killed at T0+100 with 2 visits; the next run starts in the same bucket, adds one
    # and lives to close it: the close sends its own visit, the start the earlier two
    run(tmp_path, T0 + 10, 90, visits=2, likes=1)
    run(tmp_path, T0 + 150, 200, visits=1, unclean=True)
    assert stored(tmp_path, "visits") == queued(tmp_path, "Visits") == {T0: 3.0}
    assert stored(tmp_path, "likes") == queued(tmp_path, "Likes") == {T0: 1.0}
    assert run(tmp_path, T0 + 1000, 10) == 0  # the bucket was whole: nothing to catch up


def test_kills_at_random_times_send_what_the_store_has(tmp_path: Path) -> None:
    """Runs killed at random points, some living through closes, one stopped cleanly at
    the end: per bucket, the queue's visits, likes and pages are exactly the store's."""
    rng = random.Random(7)
    t = T0 + 5
    for i in range(25):
        life = rng.choice([20.0, 90.0, 250.0, 400.0, 700.0])
        visits = rng.randint(0, 4)
        run(tmp_path, t, life, visits=visits, likes=rng.randint(0, visits), unclean=i > 0,
            clean_stop=i == 24)
        t += life + rng.choice([5.0, 30.0, 200.0])
    run(tmp_path, t + 10, 5)  # the start after the last kill catches it up
    for field, metric in (("visits", "Visits"), ("likes", "Likes"), ("pages", "Pages")):
        assert stored(tmp_path, field) == queued(tmp_path, metric), field
    assert sum(stored(tmp_path, "visits").values()) > 20


def test_buckets_recorded_with_the_fleet_off_stay_local(tmp_path: Path) -> None:
    run(tmp_path, T0 + 10, 400, visits=1, clean_stop=True)  # fleet on: bucket 0 and 1
    run(tmp_path, T0 + 5 * B + 10, 60, visits=2, fleet=False)  # fleet off, killed
    run(tmp_path, T0 + 20 * B + 10, 60, visits=1, fleet=False, unclean=True)
    assert run(tmp_path, T0 + 40 * B + 10, 60, unclean=True) == 0
    assert queued(tmp_path, "Visits") == {T0: 1.0}


def test_a_new_metrics_queue_sends_no_history(tmp_path: Path) -> None:
    """Turning the fleet on (or a metrics queue replaced after damage) starts a new
    ledger: the store's history is not sent."""
    run(tmp_path, T0 + 10, 100, visits=2, fleet=False)
    assert run(tmp_path, T0 + 400, 60, unclean=True) == 0
    assert queued(tmp_path, "Visits") == {}
    run(tmp_path, T0 + 500, 60, visits=1)  # killed in the bucket the fleet began in
    assert run(tmp_path, T0 + 900, 60) == 1
    assert queued(tmp_path, "Visits") == {T0 + B: 1.0}


def test_the_catch_up_row_reaches_put_metric_data(tmp_path: Path) -> None:
    """The kiosk side: the late row is a normal PutMetricData of the killed bucket,
    stamped with that bucket's start (Stubber checks the request)."""
    run(tmp_path, T0 + 10, 100, visits=2, likes=1)
    client = boto3.client("cloudwatch", region_name="us-east-1")
    queue = EventQueue(tmp_path / "metrics.sqlite3", synchronous="NORMAL")
    pub = publisher(queue, client)
    store = AnalyticsStore(tmp_path / "analytics.sqlite3")
    try:
        assert pub.publish_unsent(store, T0 + B, B, now=T0 + B + 10) == 1
    finally:
        store.close()
    b = BucketStats(T0, B, pages=2, likes=1)
    b.add_visit(3.0, 4.0, liked=True)  # the first visit liked: engaged, however short
    b.add_visit(3.0, 4.0)
    expected = [{**d, "Timestamp": datetime.fromtimestamp(T0, tz=UTC)}
                for d in bucket_datums(b, "lab", "k1")]
    publish_once(pub, client, NS, expected)


def test_a_row_and_its_ledger_entry_commit_together(tmp_path: Path) -> None:
    queue = EventQueue(tmp_path / "metrics.sqlite3", synchronous="NORMAL")
    try:
        record = metric_record([{"MetricName": "Visits", "Value": 1.0}], T0)

        def broken(conn: sqlite3.Connection) -> None:
            ledger.add(conn, BucketStats(T0, B, visits=1))
            raise RuntimeError("killed mid-transaction")

        with pytest.raises(RuntimeError):
            queue.record(record, also=broken)
        assert queue.refresh_counts().pending_total == 0
        assert queue.transact("read", lambda c: ledger.handed(c, T0)).visits == 0
        seen: list[int] = []
        queue.record(record, also=lambda c: seen.append(1))
        queue.record(record, also=lambda c: seen.append(2))  # the same record id: no-op
        assert seen == [1] and queue.refresh_counts().pending_total == 1
    finally:
        queue.close()
    with pytest.raises(EventsError):
        queue.transact("read", ledger.last_start)  # closed


@pytest.mark.parametrize("damage", ["analytics page", "ledger entry", "sqlite error"])
def test_a_damaged_catch_up_is_skipped_with_a_warning_and_the_run_goes_on(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch,
    damage: str,
) -> None:
    """`publish_unsent` runs before the app starts the publisher: a damaged analytics
    row (ValueError from json), a damaged ledger entry (ledger._load) or a raw sqlite3
    error from AnalyticsStore.buckets escaped it, so one bad page turned the fleet's
    metrics (heartbeats) off for the whole run. Now: one WARNING naming the file and
    what to do, 0 rows, and this run's buckets are queued as usual."""
    run(tmp_path, T0 + 10, 100, visits=3, likes=2)  # killed: bucket 0 left to catch up
    analytics, metrics = tmp_path / "analytics.sqlite3", tmp_path / "metrics.sqlite3"
    if damage == "analytics page":
        with sqlite3.connect(analytics) as db:
            db.execute("UPDATE buckets SET dwell_hist = '{not json' WHERE start = ?", (T0,))
        db.close()
    elif damage == "ledger entry":
        with sqlite3.connect(metrics) as db:
            db.execute("UPDATE fleet_ledger SET counts = '{not json'")
        db.close()
    else:
        def malformed(self: AnalyticsStore, *args: object) -> list[BucketStats]:
            raise sqlite3.DatabaseError("database disk image is malformed")

        monkeypatch.setattr(AnalyticsStore, "buckets", malformed)
    bad = metrics if damage == "ledger entry" else analytics
    with caplog.at_level("WARNING", logger="kiosk.fleet.publisher"):
        assert run(tmp_path, T0 + 400, 50, visits=1) == 0
    (warning,) = [r for r in caplog.records if r.name == "kiosk.fleet.publisher"]
    assert warning.levelname == "WARNING"
    text = warning.getMessage()
    assert f"{bad} cannot be read" in text and f"move {bad} aside" in text
    assert "fleet metrics go on for this run" in text
    queue = EventQueue(metrics, synchronous="NORMAL")  # the publisher can go on
    try:
        pub = publisher(queue)
        pub.on_bucket(BucketStats(T0 + 2 * B, B, pages=4))
        assert queue.refresh_counts().pending_total == 1
    finally:
        queue.close()
