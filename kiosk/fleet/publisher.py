"""The durable path from a closed bucket to CloudWatch.

`FleetPublisher.on_bucket` (called on the analytics thread) commits the bucket's datums
as one `metric` row in `metrics.sqlite3`: the event queue's code (WAL, bounded,
dead letters) in a file of its own, so metrics can never crowd out likes. It is the
"metrics queue" in log lines and messages, and `kiosk-admin fleet queue` shows it.
`MetricsUploader` is the events uploader with another call and its own names (thread
"kiosk-metrics-uploader", "metrics uploader: …" lines): up to 10 rows (≤ 1,000
datums, well under 1 MB) per PutMetricData, oldest first, the same rate limit, backoff
with jitter, OFFLINE probing and dead-letter rules. Rows older than CloudWatch's two
weeks are dead-lettered as `Expired` instead of sent. Their age goes by
`kiosk.wallclock.SteadyNow` (the wall clock at the uploader's start plus monotonic time,
when the wall clock is ahead of that), so a jump expires nothing: before, a +20-day step
dead-lettered 2-minute-old rows as `Expired` and raised the DeadLetters alarm. A row that
is too old all the same (its stamp from a clock that was behind) is refused by
CloudWatch with `InvalidParameterValue`, which refuses the whole call: such a batch is
sent again one row at a time, so only the rows CloudWatch refuses are dead-lettered,
with its code (before, the 9 good rows of the batch went with it).

A bucket the metrics queue refuses (a full disk) is held in memory and queued,
oldest first, before the next bucket once the queue takes rows again (at most
`HELD_BUCKETS`; the oldest is lost beyond that, all of them if the kiosk stops).
Meanwhile the metrics uploader sends the held buckets straight from memory (one
PutMetricData, no queue, no lease: nothing else can send them), so a live kiosk on a
full disk keeps its heartbeat and reports DiskFreeMB 0 centrally; before, `fleet
status` showed it as "no heartbeat since …; disk low: 36 MB free" (its last queued
bucket's figure), like a killed one (tester round 21). A bucket sent this way is not
queued again; one whose call fails goes back to the held ones.

A bucket normally leaves once, when it closes. A run that starts after an unclean end
(or notes a crash) may not live to see its bucket close — a crash-looping kiosk never
does — so `FleetPublisher.on_counts` queues the early counts that hold a restart or a
crash at once (Heartbeat 1, Restarts, Crashes and the other counts gained so far), and
`on_bucket` later sends the bucket less what went early. Sums per bucket (Restarts,
Crashes, Visits: the dashboard, `kiosk-admin fleet status`) stay exact; such a bucket
has two Heartbeat datapoints, which the alarms' per-kiosk MAX reads as one (see
build/aws/fleet.yaml).

A run killed before its bucket closes never sends the visits and likes the analytics
store saved early for it. Every queued row is entered in the fleet's ledger in the same
transaction (`kiosk.fleet.ledger`), and at the next start `publish_unsent` queues what
the store holds beyond the ledger for the buckets the previous run was last seen in,
once (stamped with their own bucket's start).
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
import uuid
from collections import deque
from datetime import tzinfo
from functools import partial
from typing import Any

from kiosk.analytics.bucket import BucketStats, Mix, has_counts, minus_counts
from kiosk.analytics.recorder import JUMP_S
from kiosk.analytics.store import AnalyticsError, AnalyticsStore
from kiosk.config import AwsSettings, Settings
from kiosk.errors import KioskError
from kiosk.events.errors import EventsError
from kiosk.events.queue import Batch, EventQueue
from kiosk.events.records import Record, RecordKind, Targets
from kiosk.events.upload_status import UploaderState
from kiosk.events.uploader import Uploader
from kiosk.fleet import ledger
from kiosk.fleet.metrics import (
    MAX_AGE_S,
    bucket_datums,
    default_kiosk_id,
    run_datum,
    to_api,
)
from kiosk.logs import local_time, log_zone

log = logging.getLogger(__name__)

# what reading a damaged analytics store or fleet ledger raises: the kiosk's own errors,
# raw sqlite3 ones (AnalyticsStore.buckets) and bad JSON or values (ledger._load, rows)
CATCH_UP_ERRORS = (KioskError, AnalyticsError, sqlite3.Error, ValueError, TypeError, OSError)


def metric_record(datums: list[dict[str, Any]], created_at: float) -> Record:
    """One queued row: a bucket's datums (JSON-ready)."""
    return Record(RecordKind.METRIC, str(uuid.uuid4()), {"datums": datums},
                  created_at=created_at)


METRICS_QUEUE = "metrics queue"  # its name in log lines and messages
# what a full disk leaves safe (its DiskFullError); the event queue's says likes
METRICS_KEPT = ("the metric buckets already in the metrics queue are kept and will still be "
                "sent to CloudWatch.")
HELD_BUCKETS = 6  # closed buckets kept in memory while the metrics queue cannot take them
# a clean stop's last send (the last bucket and the stop) waits at most this long for
# its call before the stop goes on: a dead network must not hold up the shutdown
FINAL_SEND_S = 3.0
OFFLINE_RETRY_S = 60.0  # the metrics uploader's offline probe, at most this far apart


def open_metrics_queue(settings: Settings, **kwargs: Any) -> EventQueue:
    """The metrics queue (`[fleet] db_path`, else `metrics.sqlite3`), bounded apart from
    the event queue. Opening creates the file: a read-only caller checks it exists
    first. Raises EventsError."""
    return EventQueue(settings.metrics_db, max_records=100_000, max_bytes=64 * 1024 * 1024,
                      synchronous="NORMAL", name=METRICS_QUEUE, kinds=(RecordKind.METRIC,),
                      kept=METRICS_KEPT, **kwargs)


class MetricsUploader(Uploader):
    """Drains the metrics queue into PutMetricData on `namespace` (thread
    "kiosk-metrics-uploader", the events uploader's loop; see `kiosk.events.uploader`).
    It logs as "metrics uploader: …" under this module's logger."""

    name = "metrics uploader"
    thread_name = "kiosk-metrics-uploader"
    logger_name = __name__
    service = "cloudwatch"
    # CloudWatch refuses a whole call for one bad datum (a timestamp over two weeks old)
    split_codes = frozenset({"InvalidParameterValue", "InvalidParameterValueException",
                             "InvalidParameterCombination",
                             "InvalidParameterCombinationException"})

    def __init__(self, queue: EventQueue, namespace: str, *, endpoint_url: str = "",
                 aws: AwsSettings | None = None, zone: tzinfo | None = None,
                 **kwargs: Any) -> None:
        super().__init__(queue, Targets(), aws=aws, **kwargs)
        self.zone = zone  # the store's: bucket times in log lines
        self.kinds = (RecordKind.METRIC,)
        self._held_ahead_s = 0.0  # how far ahead the wall clock was at the last WARNING
        self.namespace = namespace
        self.endpoint_url = endpoint_url  # `[fleet] endpoint_url`
        self.held: HeldBuckets | None = None  # sent from memory first (FleetPublisher)

    def send_held(self) -> None:
        """A bucket is held in memory: send it now, whatever the retry wait (the wait
        comes from the queue that cannot be written, not from CloudWatch)."""
        self.retry_now()

    def _pass(self, ticket: int, now: bool) -> bool:
        held = self.held
        taken = held.take() if held is not None else []
        if held is None or not taken:
            return super()._pass(ticket, now)
        if (self._client is None and not self._make_client()) or not self._send_held(taken):
            held.restore(taken)
            return False
        return True

    def _send_held(self, taken: list[tuple[BucketStats, list[dict[str, Any]]]]) -> bool:
        """One PutMetricData for the held buckets (at most HELD_BUCKETS, ≤ 600
        datums), straight from memory: no lease, no ack (no other uploader has them)."""
        wait = self._limiter.reserve()
        if wait > 0 and self._stop.wait(wait):
            return False
        data = [to_api(d) for _, datums in taken for d in datums]
        started = time.monotonic()
        try:
            self._client.put_metric_data(Namespace=self.namespace, MetricData=data)
        except Exception as exc:
            self._on_error(None, exc)
            return False
        self._log.info("%s: %d bucket(s) the %s could not take sent from memory (%s)",
                       self.name, len(taken), METRICS_QUEUE,
                       ", ".join(local_time(b.start, self.zone) for b, _ in taken))
        self._on_success(time.monotonic() - started)
        return True


    def _send(self, batch: Batch) -> bool:
        now = self._steady.now()
        expired = [r.id for r in batch.rows if now - r.created_at > MAX_AGE_S]
        self._note_held(batch, now, len(expired))
        if expired:
            self.queue.dead_letter(expired, "Expired",
                                   "older than two weeks: CloudWatch no longer accepts it")
            return True
        try:
            data = [to_api(d) for row in batch.rows for d in row.body["datums"]]
        except (KeyError, TypeError, ValueError) as exc:
            self.queue.dead_letter(batch.ids, type(exc).__name__, f"bad metric row: {exc}")
            return True
        return self._call(batch, "put_metric_data",
                          {"Namespace": self.namespace, "MetricData": data})

    def _note_held(self, batch: Batch, now: float, expired: int) -> None:
        """One WARNING when the wall clock, ahead of what the monotonic clock confirms,
        would have expired rows that are sent instead (again after a further jump)."""
        ahead = self._steady.ahead_s()
        if ahead <= 0 or abs(ahead - self._held_ahead_s) < JUMP_S:
            return
        wall = now + ahead
        held = sum(1 for r in batch.rows if wall - r.created_at > MAX_AGE_S) - expired
        if held <= 0:
            return
        self._held_ahead_s = ahead
        self._log.warning(
            "%s: %d row(s) the wall clock calls older than two weeks are sent, not "
            "expired: the wall clock (%s) is %.1f days ahead of the time the monotonic "
            "clock confirms since this uploader started (%s), a clock jump; CloudWatch "
            "refuses any that are too old", self.name, held, local_time(wall, self.zone),
            ahead / 86400, local_time(now, self.zone))


class HeldBuckets:
    """Closed buckets the metrics queue could not take (a full disk), oldest first, at
    most HELD_BUCKETS, each with its datums. The analytics thread holds and queues them
    (`FleetPublisher`), the metrics uploader's thread takes them to send from memory;
    a bucket taken is in neither place twice, so it is never both sent and queued."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._items: deque[tuple[BucketStats, list[dict[str, Any]]]] = deque()

    def __len__(self) -> int:
        with self._lock:
            return len(self._items)

    def add(self, bucket: BucketStats, datums: list[dict[str, Any]]) -> BucketStats | None:
        """Hold `bucket`; returns the oldest one dropped to make room, if any."""
        with self._lock:
            dropped = self._items.popleft()[0] if len(self._items) >= HELD_BUCKETS else None
            self._items.append((bucket, datums))
            return dropped

    def take(self) -> list[tuple[BucketStats, list[dict[str, Any]]]]:
        with self._lock:
            taken = list(self._items)
            self._items.clear()
            return taken

    def restore(self, taken: list[tuple[BucketStats, list[dict[str, Any]]]]) -> None:
        """A send failed: they are held again, before any held since (the newest
        HELD_BUCKETS kept)."""
        with self._lock:
            items = taken + list(self._items)
            self._items = deque(items[-HELD_BUCKETS:])

class FleetPublisher:
    """Queues each bucket's datums and runs the metrics uploader."""

    def __init__(self, queue: EventQueue, uploader: MetricsUploader, *, site: str,
                 kiosk_id: str, profile: str = "default") -> None:
        self.queue = queue
        # the store's zone: bucket times in log lines (a test's stand-in may have none)
        self.zone: tzinfo | None = getattr(uploader, "zone", None)
        self.uploader = uploader
        self.site = site
        self.kiosk_id = kiosk_id
        self.profile = profile
        # bucket start -> early counts already queued for it (this run only)
        self._sent_early: dict[float, list[BucketStats]] = {}
        # closed buckets the metrics queue could not take (a full disk), oldest first:
        # queued before the next bucket, at most HELD_BUCKETS (this run only); the
        # uploader sends them from memory meanwhile
        self._held = HeldBuckets()
        uploader.held = self._held
        self._record_error = ""  # why the metrics queue refused the last row

    @classmethod
    def from_settings(cls, settings: Settings, **uploader_kwargs: Any) -> FleetPublisher:
        f = settings.fleet
        queue = open_metrics_queue(settings)
        uploader_kwargs.setdefault("max_backoff_s", settings.events.max_backoff_s)
        uploader_kwargs.setdefault("max_requests_per_s", 10.0)
        # offline, probe up to every OFFLINE_RETRY_S, not the events' 10 s: a bucket is
        # minutes long, and a weekend offline is thousands of probes fewer (round 23, L5)
        uploader_kwargs.setdefault("offline_retry_s", OFFLINE_RETRY_S)
        uploader_kwargs.setdefault("zone", log_zone(settings.analytics.timezone))
        uploader = MetricsUploader(queue, f.namespace, endpoint_url=f.endpoint_url,
                                   aws=settings.aws, **uploader_kwargs)
        return cls(queue, uploader, site=f.site, kiosk_id=f.kiosk_id or default_kiosk_id(),
                   profile=f.profile)

    def on_bucket(self, bucket: BucketStats, mix: Mix | None = None) -> None:
        """A closed bucket (analytics thread): commit its datums, less the counts that
        `on_counts` already queued for it; the uploader is woken. When the metrics queue
        cannot take it (a full disk) it is held in memory and queued, after the buckets
        held before it, when a later bucket closes and the queue takes rows again (at
        most `HELD_BUCKETS`; beyond that the oldest is lost, and all of them if the
        kiosk stops first)."""
        rest = bucket
        for sent in self._sent_early.pop(bucket.start, []):
            rest = minus_counts(rest, sent)
        for start in [s for s in self._sent_early if s < bucket.start]:
            del self._sent_early[start]  # a bucket that never reached this listener
        if self._queue_held() and self._record(rest, quiet=True) is not None:
            return
        self._hold(rest)

    def _queue_held(self) -> bool:
        """Queue the held buckets, oldest first; True when none is left."""
        queued, taken = 0, self._held.take()  # taken: the uploader cannot send them too
        for held, _ in taken:
            if self._record(held, quiet=True) is None:
                self._held.restore(taken[queued:])
                break
            queued += 1
        if queued:
            log.info("fleet: %d bucket(s) held while the %s could not take them queued now",
                     queued, METRICS_QUEUE)
        return queued == len(taken)

    def _hold(self, bucket: BucketStats) -> None:
        error = self._record_error
        lost = ""
        datums = bucket_datums(bucket, self.site, self.kiosk_id, self.profile)
        if not datums:
            return
        dropped = self._held.add(bucket, datums)
        if dropped is not None:
            lost = (f"; the bucket at {local_time(dropped.start, self.zone)}, the oldest "
                    f"of the {HELD_BUCKETS} held, is lost")
        log.error("fleet metrics of the bucket at %s not queued; kept in memory, sent from "
                  "there and queued once the %s takes rows again (%d held, at most %d; lost "
                  "if the kiosk stops first)%s: %s", local_time(bucket.start, self.zone),
                  METRICS_QUEUE, len(self._held), HELD_BUCKETS, lost, error)
        self.uploader.send_held()

    def on_counts(self, counts: BucketStats) -> None:
        """Early counts of the open bucket (analytics thread, `Recorder.add_counts_listener`):
        queued at once when they hold a restart or a crash, so that a kiosk which dies
        before the bucket closes (a crash loop) still reports its heartbeat, restarts
        and crashes; other early counts wait for the bucket's close."""
        if not (counts.restarts or counts.crashes):
            return
        if self._record(counts):
            self._sent_early.setdefault(counts.start, []).append(counts)

    def publish_unsent(self, store: AnalyticsStore, open_start: float, bucket_s: float,
                       now: float | None = None) -> int:
        """At a start, before the recorder has written anything of this run (the app
        calls it from the analytics thread's start-up job, before its first write):
        queue, once, the counts the analytics store holds beyond the ledger for the
        buckets the previous run was last seen in (its last ledger entry's bucket and
        the next one: a run that is killed leaves its last counts there; when that is
        this run's open bucket too, what is in the store is the previous run's), then
        mark this run's open bucket. Returns how many rows were queued. Buckets older
        than CloudWatch takes, and any before the ledger's first entry (a new or
        replaced metrics queue), are left alone."""
        now = time.time() if now is None else now

        def mark(conn: Any) -> None:
            ledger.prune(conn, now - MAX_AGE_S)
            ledger.mark(conn, open_start)

        # best effort: a damaged analytics page or ledger entry costs the previous run's
        # late counts, never this run's fleet metrics (the app starts the publisher next)
        reading = self.queue.path  # the file being read when something fails
        queued = 0
        try:
            last = self.queue.transact("read the fleet ledger", ledger.last_start)
            if last is not None:
                since = max(last, now - MAX_AGE_S)
                reading = store.path
                stored_buckets = store.buckets(since, last + 2 * bucket_s)
                reading = self.queue.path
                for stored in stored_buckets:
                    old = self.queue.transact("read the fleet ledger", partial(
                        ledger.handed, start=stored.start, span_s=stored.span_s))
                    rest = ledger.unsent(stored, old)
                    if has_counts(rest) and self._record(rest):
                        queued += 1
                        log.info("fleet: the bucket at %s was not sent before the kiosk "
                                 "stopped; queued now (visits %d, likes %d, pages %d)",
                                 local_time(rest.start, self.zone), rest.visits, rest.likes,
                                 rest.pages)
            self.queue.transact("mark the fleet ledger", mark)
        except CATCH_UP_ERRORS as exc:
            log.warning("fleet: the previous run's unsent buckets were not checked: %s "
                        "cannot be read (%s: %s); fleet metrics go on for this run, only "
                        "counts the previous run did not send are left out. If this repeats, "
                        "stop the kiosk and move %s aside (a new one is started)",
                        reading, type(exc).__name__, exc, reading)
        return queued

    def _record(self, bucket: BucketStats, *, quiet: bool = False) -> bool | None:
        """Commit `bucket`'s datums as one row, entered in the ledger in the same
        transaction. True: queued; False: nothing to queue; None: the queue refused it
        (logged unless `quiet`; the error is kept in `_record_error`)."""
        datums = bucket_datums(bucket, self.site, self.kiosk_id, self.profile)
        if not datums:
            return False
        try:
            self.queue.record(metric_record(datums, bucket.start),
                              also=lambda conn: ledger.add(conn, bucket))
        except (EventsError, KioskError) as exc:
            self._record_error = str(exc)
            if not quiet:
                log.error("fleet metrics of the bucket at %s not queued: %s",
                          local_time(bucket.start, self.zone), exc)
            return None
        return True

    def note_start(self, at: float | None = None) -> None:
        """Queue this run's start (`Stopped` 0 at `at`), so that a kiosk stopped
        cleanly and started again reads as running at once, not a bucket later."""
        self._record_run(time.time() if at is None else at, stopped=False)

    def _record_run(self, at: float, *, stopped: bool) -> bool:
        """Queue a `Stopped` datum as a row of its own (no ledger entry: it holds no
        counts); False when the queue refused it (logged)."""
        try:
            self.queue.record(metric_record([run_datum(self.site, self.kiosk_id, at,
                                                       stopped=stopped)], at))
        except (EventsError, KioskError) as exc:
            log.error("fleet: the %s of this run not queued: %s",
                      "clean stop" if stopped else "start", exc)
            return False
        return True

    def start(self) -> None:
        self.uploader.start()

    def stop(self, timeout: float | None = None, *, clean: bool = False,
             at: float | None = None) -> bool:
        """Stop the uploader: a PutMetricData in flight is waited for (None: the
        uploader's `stop_wait_s`, connect + read timeout + 1 s, at most 10 s) and its
        rows are marked sent, so the next start does not send them again (CloudWatch
        would count them twice). The queue is closed once the uploader has stopped;
        when it has not, it is left open for that call's ack (the process exit closes
        it). True when the uploader stopped in time.

        `clean` (an orderly shutdown, after the analytics recorder queued the last
        bucket): the stop (`Stopped` 1 at `at`, default now) is queued first, so it is
        never lost, then what is queued is sent for at most `FINAL_SEND_S` (not at all
        while the uploader is offline: a dead network holds nothing up); what does not
        go now goes at the next start, as before. The whole stays within `timeout`."""
        if clean:
            timeout = self.uploader.stop_wait_s if timeout is None else timeout
            deadline = time.monotonic() + timeout
            if self._record_run(time.time() if at is None else at, stopped=True):
                self._final_send(min(FINAL_SEND_S, timeout))
            timeout = max(0.0, deadline - time.monotonic())
        offline = self.uploader.status().online is False  # waits OFFLINE_STOP_WAIT_S
        stopped = self.uploader.stop(timeout)
        if stopped:
            self.queue.close()
        elif offline:
            log.warning("fleet: offline, so the metrics uploader's call in flight was "
                        "not waited for; its rows stay in the %s and go at the next "
                        "start", METRICS_QUEUE)
        else:
            log.warning("fleet: the %s stays open for the metrics uploader's call still "
                        "in flight; its rows are sent again at the next start unless it "
                        "answers first", METRICS_QUEUE)
        return stopped

    def _final_send(self, wait_s: float) -> None:
        status = self.uploader.status()
        if status.state is UploaderState.OFFLINE or status.online is False:
            log.info("fleet: the clean stop is queued, not sent: offline (it goes at the "
                     "next start)")
            return
        if self.uploader.flush(wait_s):
            log.info("fleet: the clean stop and the last bucket sent to CloudWatch")
        else:
            log.info("fleet: the clean stop is queued; not all of the %s was sent within "
                     "%.1f s (%s); the rest goes at the next start", METRICS_QUEUE, wait_s,
                     self.uploader.status().last_error or "no answer yet")

    def status(self) -> dict[str, Any]:
        """The uploader's status with `held`: buckets kept in memory now."""
        return self.uploader.status().to_dict() | {"held": len(self._held)}
