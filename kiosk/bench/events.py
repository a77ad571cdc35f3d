"""`python -m kiosk.bench events`: how fast a like is saved, and how fast a backlog drains.

Record: `record_like` of N likes into a fresh queue with `synchronous=FULL` (one fsync
per like), timed one by one; `fsync_floor_ms` is a bare fsync on the same disk, the
least any durable record can cost there. Drain: those N queued likes (sessions of 10 likes) uploaded
by the real uploader and botocore to the fake endpoint (`kiosk.events.testing`, in its
own process on 127.0.0.1) at the Personalize quota of 1,000 calls/s, timed from
`flush()` to an empty queue.

Fleet metrics: `analytics_bucket_ms` is the cost of closing and recording one
analytics bucket (the analytics thread's SQLite write plus its CloudWatch datums
queued in `metrics.sqlite3`), `analytics_note_us` the cost of one counter call on the
GUI thread. `metric_drain` sends a week of buckets queued offline (2,016 by default)
through the metrics uploader and botocore to moto's CloudWatch on 127.0.0.1, timed
from `flush()` to an empty queue (batches of 10 buckets = one PutMetricData call).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from kiosk.aws import make_client
from kiosk.config import AwsSettings
from kiosk.domain import Emotion, Like
from kiosk.events.queue import EventQueue
from kiosk.events.records import Targets
from kiosk.events.testing import FakePersonalizeEvents
from kiosk.events.uploader import Uploader

EMOTIONS = list(Emotion)


def run(argv: list[str]) -> dict[str, Any]:
    parser = argparse.ArgumentParser(prog="python -m kiosk.bench events")
    parser.add_argument("--events", type=int, default=10_000, help="likes to record and drain")
    parser.add_argument("--rate", type=float, default=1000.0,
                        help="uploader calls per second (Personalize allows 1,000)")
    parser.add_argument("--dir", help="folder for the queue (default: a temporary folder)")
    parser.add_argument("--metric-buckets", type=int, default=2016,
                        help="analytics buckets to record and drain as fleet metrics "
                        "(2,016 = a week of 5-minute buckets); 0 skips")
    parser.add_argument("--in-process", action="store_true",
                        help="run the fake endpoint as a thread of this process "
                        "(it then competes with the uploader for the GIL)")
    args = parser.parse_args(argv)
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "bench")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "bench")

    with tempfile.TemporaryDirectory(prefix="kiosk-bench-", dir=args.dir) as folder:
        fsync = _fsync_floor(Path(folder))
        queue = EventQueue(Path(folder) / "events.sqlite3", synchronous="FULL")
        try:
            latencies = _record(queue, args.events)
            drain = _drain(queue, args.rate, args.in_process)
        finally:
            queue.close()
        fleet = _fleet(Path(folder), args.metric_buckets) if args.metric_buckets else {}
    ordered = sorted(latencies)
    return {
        "record_ms": {
            "p50": round(_percentile(ordered, 50), 3),
            "p99": round(_percentile(ordered, 99), 3),
            "max": round(ordered[-1], 3),
            "mean": round(statistics.fmean(ordered), 3),
        },
        "fsync_floor_ms": fsync,
        "drain_events_per_s": round(args.events / drain["seconds"], 1),
        "drain": drain,
        "n": args.events,
        "fsync": True,
        "synchronous": "FULL",
        "journal_mode": "WAL",
        "max_requests_per_s": args.rate,
        **fleet,
        "cpu_count": os.cpu_count(),
        "load_avg_1m": round(os.getloadavg()[0], 2) if hasattr(os, "getloadavg") else None,
    }


def _fsync_floor(folder: Path, n: int = 300) -> dict[str, float]:
    """Latency of rewriting one 4 KB block + fsync in the queue's folder: the floor under any
    durable record on this disk, reported beside `record_ms` for context."""
    path = folder / "fsync-probe"
    latencies = []
    fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        for _ in range(n):
            os.pwrite(fd, b"\0" * 4096, 0)  # the same block: a pure data flush
            started = time.perf_counter()
            os.fsync(fd)
            latencies.append((time.perf_counter() - started) * 1000.0)
    finally:
        os.close(fd)
        path.unlink()
    ordered = sorted(latencies)
    return {"p50": round(_percentile(ordered, 50), 3), "p99": round(_percentile(ordered, 99), 3)}


def _record(queue: EventQueue, n: int) -> list[float]:
    latencies: list[float] = []
    visit = ""
    for i in range(n):
        if i % 10 == 0:
            visit = str(uuid.uuid4())
        emotion = EMOTIONS[i % len(EMOTIONS)]
        shown = tuple(f"emotions/{emotion.folder}/{j:04d}.jpg" for j in range(i % 7, i % 7 + 3))
        like = Like(
            event_id=str(uuid.uuid4()), sent_at=time.time(), visit_id=visit,
            item_id=shown[0], emotion=emotion, impression=shown,
        )
        started = time.perf_counter()
        queue.record_like(like)
        latencies.append((time.perf_counter() - started) * 1000.0)
    return latencies


def _drain(queue: EventQueue, rate: float, in_process: bool) -> dict[str, Any]:
    with _endpoint(in_process) as (url, summary):
        aws = AwsSettings(region="us-east-1", endpoint_personalize_events=url,
                          connect_timeout_s=2.0, read_timeout_s=5.0)
        client = make_client("personalize-events", aws)
        uploader = Uploader(queue, Targets(tracking_id="bench-tracker"), client=client,
                            max_requests_per_s=rate)
        pending = queue.counts().pending_total
        uploader.start()
        try:
            started = time.perf_counter()
            drained = uploader.flush(timeout=600.0)
            seconds = time.perf_counter() - started
        finally:
            uploader.stop()
            client.close()
    return {
        "seconds": round(seconds, 3),
        "drained": drained,
        "queued": pending,
        "endpoint": "in-process thread" if in_process else "separate process",
        "calls": summary.get("calls"),
        "unique_event_ids_received": summary.get("unique"),
    }


@contextlib.contextmanager
def _endpoint(in_process: bool) -> Iterator[tuple[str, dict[str, Any]]]:
    """The fake endpoint's URL, and once the block ends, what it received."""
    summary: dict[str, Any] = {}
    if in_process:
        with FakePersonalizeEvents() as endpoint:
            yield endpoint.url, summary
            accepted = endpoint.accepted_event_ids
            summary.update(calls=len(endpoint.received), unique=len(set(accepted)))
        return
    child = subprocess.Popen(
        [sys.executable, "-m", "kiosk.events.testing"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )
    assert child.stdin is not None and child.stdout is not None
    try:
        url = child.stdout.readline().strip()
        if not url.startswith("http://"):
            raise RuntimeError(f"the fake endpoint did not start: {url!r}")
        yield url, summary
    finally:
        out, _ = child.communicate("", timeout=30)
    summary.update(json.loads(out.strip().splitlines()[-1]))


def _fleet(folder: Path, n: int) -> dict[str, Any]:
    """Record `n` analytics buckets (with fleet datums), then drain them to moto."""
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        host, port = server.get_host_and_port()
        aws = AwsSettings(region="us-east-1", connect_timeout_s=2.0, read_timeout_s=30.0)
        client = make_client("cloudwatch", aws, endpoint_url=f"http://{host}:{port}")
        client.list_metrics(Namespace="Kiosk/Bench")  # warm moto up, not timed
        try:
            return _record_and_drain_metrics(folder, n, client)
        finally:
            client.close()
    finally:
        server.stop()


def _record_and_drain_metrics(folder: Path, n: int, client: Any) -> dict[str, Any]:
    from kiosk.analytics import AnalyticsStore, Recorder
    from kiosk.fleet.publisher import FleetPublisher, MetricsUploader

    metrics = EventQueue(folder / "metrics.sqlite3", synchronous="NORMAL")
    clock = [time.time() - n * 300.0 - 600.0]
    store = AnalyticsStore(folder / "analytics.sqlite3")
    recorder = Recorder(store, clock=lambda: clock[0])
    uploader = MetricsUploader(metrics, "Kiosk/Bench", client=client, max_requests_per_s=1000.0)
    publisher = FleetPublisher(metrics, uploader, site="bench", kiosk_id="k1")
    recorder.add_bucket_listener(publisher.on_bucket)
    record_ms: list[float] = []
    note_us: list[float] = []
    for i in range(n):
        recorder.camera_state("LIVE")
        for v in range(6):  # a busy bucket: six visits, pages and a like
            t0 = time.perf_counter()
            recorder.visit_started(f"{i}-{v}")
            note_us.append((time.perf_counter() - t0) * 1e6)
            recorder.emotion_settled(f"{i}-{v}", EMOTIONS[v % len(EMOTIONS)].value)
            recorder.page_shown(f"{i}-{v}", EMOTIONS[v % len(EMOTIONS)].value)
            recorder.liked(f"{i}-{v}", EMOTIONS[v % len(EMOTIONS)].value, f"emotions/x/{v}.jpg")
            recorder.vision_latency(30.0 + v)
            clock[0] += 20.0
            recorder.visit_ended(f"{i}-{v}")
        recorder.gauges(fps=15.0, queue_depth=i % 5, dead_letters=0, disk_free_mb=9000.0)
        clock[0] += 300.0 - 120.0
        t0 = time.perf_counter()
        recorder.write_pending()  # closes the bucket: store write + datums queued
        record_ms.append((time.perf_counter() - t0) * 1000.0)
    queued = metrics.counts().pending_total
    datums = int(metrics._conn().execute(
        "SELECT sum(json_array_length(body, '$.datums')) FROM records").fetchone()[0] or 0)
    store.close()
    drain = _drain_metrics(uploader, queued)
    metrics.close()
    ordered, notes = sorted(record_ms), sorted(note_us)
    return {
        "analytics_bucket_ms": {"p50": round(_percentile(ordered, 50), 3),
                                "p99": round(_percentile(ordered, 99), 3),
                                "max": round(ordered[-1], 3), "n": len(ordered)},
        "analytics_note_us": {"p50": round(_percentile(notes, 50), 2),
                              "p99": round(_percentile(notes, 99), 2)},
        "metric_drain": {**drain, "buckets": queued, "datums": datums,
                         "buckets_per_s": round(queued / drain["seconds"], 1),
                         "calls_per_s": round(queued / 10 / drain["seconds"], 1)},
    }


def _drain_metrics(uploader: Any, queued: int) -> dict[str, Any]:
    uploader.start()
    try:
        started = time.perf_counter()
        drained = uploader.flush(timeout=600.0)
        seconds = time.perf_counter() - started
    finally:
        uploader.stop()
    return {"seconds": round(seconds, 3), "drained": drained,
            "left": uploader.queue.counts().pending_total, "endpoint": "moto, in-process"}


def _percentile(ordered: list[float], q: float) -> float:
    index = min(len(ordered) - 1, max(0, round(q / 100.0 * (len(ordered) - 1))))
    return ordered[index]
