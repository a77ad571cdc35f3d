"""The recorder: counts what the kiosk sees into time buckets without blocking anyone.

Every `note_*`/`visit_*` method is O(1) work under a lock, with no I/O, so the GUI
thread may call it from a slot. When a bucket's time is up it is closed in memory (by
the next call or by the "kiosk-analytics" thread, whichever comes first) and the
thread writes it to the `AnalyticsStore`, then hands it to the bucket listeners (the
CloudWatch publisher).

Privacy by construction:
- visit ids live only in memory, to pair a visit's start with its end and to count
  distinct visits; they are never written;
- a visit is a person: the visits are the visit flow's (`kiosk.analytics.taps.
  record_visits`), which go on through a look-away, and end when another person steps
  straight into the visitor's place (vision's `new_person`); the dwell is the
  visitor's time at the kiosk, not the idle wait after them;
- a visit adds its dwell to a histogram bin, never a row of its own; a visit in
  progress at an early write is counted there (its dwell at its end), so a crash
  during a visit does not lose the visit while its pages and likes are kept;
- the emotion mix, pages and likes by emotion and liked items (`Mix`) are written
  only when they cover at least `k` visits; a smaller mix is merged with the next
  buckets until it does, and dropped (counted as `suppressed_visits`) after
  `max_merge_s` or at shutdown. Until it is written or dropped, the mix held (the
  carried one and the open bucket's) is saved with the early writes as the store's
  pending mix, never reported, so a crash does not lose it: the next start takes it
  over (a mix of k visits is written at once, a smaller one is carried on).

Clock jumps: bucket times are wall-clock (epoch) times, but every duration (dwell, camera
seconds) is measured on the monotonic clock, so a step of the wall clock (NTP's first
sync on a kiosk without a real-time clock, a clock set by hand, a resume from suspend)
never makes a negative dwell nor fills the gap with time that never happened. When the
wall clock moves against the monotonic one by more than `JUMP_S`, the open bucket is
closed at the jump (its camera time ends there) and counting goes on in the bucket of
the new time; visits in progress go on, their dwell still monotonic.

Retention (`purge`, hourly on the analytics thread) never goes by a wall clock it cannot
confirm: it deletes what is older than `retention_days` at `kiosk.wallclock.SteadyNow`'s
time, the wall clock read at a trusted point carried forward on the monotonic clock when
the wall clock is ahead of that (a step forward in this run), so a jump deletes nothing
(before, a +100-day step deleted 41 rows 3 ms later, and `kiosk-admin report --since 7d`
showed 0 visits once the clock was right again). The trusted point is the start-up
clock, unless it reads more than `START_AHEAD_S` after the newest bucket a stopped run
wrote (a kiosk started with a wrong clock, or one that was switched off for months): then
that bucket's end is, until the run has lived `TRUST_AFTER_S` without a jump (NTP would
have stepped a wrong clock by then), and the start-up clock after. Rows held that the
wall clock calls old are named in one WARNING.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import tzinfo
from typing import Any

from kiosk.analytics.bucket import (
    BucketStats,
    Mix,
    counts_only,
    early_part,
    has_camera_time,
    has_counts,
    minus_counts,
    percentile,
)
from kiosk.analytics.store import AnalyticsError, AnalyticsStore
from kiosk.config import Settings
from kiosk.logs import local_time, log_zone
from kiosk.wallclock import SteadyNow

log = logging.getLogger(__name__)

BucketListener = Callable[[BucketStats, "Mix | None"], None]
CountsListener = Callable[[BucketStats], None]
MAX_SAMPLES = 20_000  # latency/fps samples kept per bucket (about 1 MB at worst)
JUMP_S = 5.0  # the wall clock moved this far against the monotonic clock: a jump
PURGE_EVERY_S = 3600.0  # the retention purge's period (monotonic)
# a start-up clock this far after the newest stored bucket is not trusted for deletion
# (a weekend off is under it: 3 days; a dead RTC or a wrong year is far over it)...
START_AHEAD_S = 7 * 86400.0
# ...until the run has lived this long with no jump: NTP's first sync steps a wrong clock
# within minutes of the network coming up; a kiosk really switched off for months then
# deletes its old rows a day late
TRUST_AFTER_S = 86400.0


@dataclass
class _Open:
    """The bucket being filled, with its in-memory-only helpers."""

    stats: BucketStats
    mix: Mix
    visitors: set[str] = field(default_factory=set)
    fps: list[float] = field(default_factory=list)
    latency: list[float] = field(default_factory=list)
    queue_first: int | None = None
    queue_last: int | None = None
    saved: BucketStats | None = None  # counts already written early (`save_counts`)


class Recorder:
    """Thread-safe bucket recorder; see the module docstring.

    `clock` gives epoch seconds (buckets align to multiples of `bucket_s`); `monotonic`
    measures durations. By default `monotonic` is `time.monotonic` with the real
    `time.time`, and `clock` itself with any other clock (a test's fake time is both,
    unless the test passes its own monotonic clock to step the wall clock against)."""

    def __init__(
        self,
        store: AnalyticsStore | None,
        *,
        open_store: Callable[[], AnalyticsStore] | None = None,
        bucket_s: float = 300.0,
        k: int = 5,
        max_merge_s: float = 86400.0,
        attention_s: float = 4.0,
        retention_days: float = 90.0,
        clock: Callable[[], float] = time.time,
        monotonic: Callable[[], float] | None = None,
        zone: tzinfo | None = None,
    ) -> None:
        self.store = store
        self.zone = zone  # the store's: bucket times in log lines (`kiosk.logs.local_time`)
        self._open_store = open_store
        self._open_lock = threading.Lock()
        self._on_start: list[Callable[[], None]] = []
        self.bucket_s = float(bucket_s)
        self.k = int(k)
        self.max_merge_s = float(max_merge_s)
        self.attention_s = float(attention_s)
        self.retention_days = float(retention_days)
        self._clock = clock
        if monotonic is None:
            monotonic = time.monotonic if clock is time.time else clock
        self._monotonic = monotonic
        real = clock is time.time  # then the steady clock's own: CLOCK_BOOTTIME
        self._steady = SteadyNow(None if real else clock, None if real else monotonic)
        self._start_reading = self._steady.trusted  # the start-up clock, trusted or not
        self._start_mono = monotonic()
        self._start_checked = False  # the start-up clock checked against the stored buckets
        self._trust_start_at: float | None = None  # monotonic: trust the start-up clock then
        self._distrust = ""  # why the wall clock is not trusted for deletion (logged once)
        self._held_logged = ""  # the `_distrust` a WARNING already named
        self._offset = clock() - monotonic()  # wall minus monotonic; moves at a jump
        self.clock_jumps = 0
        self._lock = threading.Lock()
        # closed buckets to write: (bucket, mix or None, counts already written early)
        self._closed: list[tuple[BucketStats, Mix | None, BucketStats | None]] = []
        self._early: list[BucketStats] = []  # counts of the open bucket, to write now
        self._visits: dict[str, float] = {}  # visit id -> monotonic start (memory only)
        self._visit_emotion: dict[str, str] = {}
        self._counted: set[str] = set()  # visits in progress already counted early
        self._liked_visits: set[str] = set()  # visits in progress that liked an image
        self._carry: Mix | None = None
        self._carry_visitors: set[str] = set()
        self._carry_extra = 0  # visits of a carry a stopped run left (their ids are gone)
        self._write_lock = threading.RLock()  # one writer at a time: pending mix order
        self._adopted = False  # the store's pending mix from a stopped run taken over
        self._pending_saved: Mix | None = None  # the store's pending mix, as last written
        self._camera_state: str | None = None
        self._camera_trouble: int | None = None  # why the camera is STALLED or LOST
        self._camera_since = 0.0
        self._listeners: list[BucketListener] = []
        self._early_listeners: list[CountsListener] = []
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._last_purge: float | None = None  # monotonic
        self.write_errors = 0
        self._open = self._new(self._align(clock()))
        self._first_start = self._open.stats.start  # buckets before it: a stopped run's

    @classmethod
    def from_settings(cls, settings: Settings, **kwargs: Any) -> Recorder:
        """The recorder of `settings.analytics`. Its store is opened on the analytics
        thread (or at the first write), never on the caller's thread; when it cannot be
        opened the reason is logged and the kiosk runs on without analytics."""
        a, path = settings.analytics, settings.analytics_db
        return cls(None, open_store=lambda: AnalyticsStore(path, k=a.k_anonymity),
                   bucket_s=a.bucket_min * 60.0, k=a.k_anonymity,
                   max_merge_s=a.max_merge_h * 3600.0, attention_s=a.attention_s,
                   retention_days=a.retention_days,
                   **({"zone": log_zone(a.timezone)} | kwargs))

    # ------------------------------------------------------------------ notes (any thread)

    def visit_started(self, visit_id: str) -> None:
        with self._lock:
            o = self._roll()
            self._visits.setdefault(visit_id, self._monotonic())
            o.visitors.add(visit_id)

    def visit_ended(self, visit_id: str, dwell_s: float | None = None) -> None:
        """Visit `visit_id` ended; its dwell is `dwell_s` (the visit flow's: up to the
        visitor's last face or touch), else the time since `visit_started`."""
        with self._lock:
            o = self._roll()
            started = self._visits.pop(visit_id, None)
            self._visit_emotion.pop(visit_id, None)
            counted = visit_id in self._counted
            self._counted.discard(visit_id)
            liked = visit_id in self._liked_visits
            self._liked_visits.discard(visit_id)
            if started is not None:
                dwell = self._monotonic() - started if dwell_s is None else dwell_s
                o.stats.add_visit(max(0.0, dwell), self.attention_s, counted=counted,
                                  liked=liked)

    def emotion_settled(self, visit_id: str, emotion: str) -> None:
        """A visit's settled emotion changed (counted once per change, not per frame)."""
        with self._lock:
            o = self._roll()
            if self._visit_emotion.get(visit_id) == emotion:
                return
            self._visit_emotion[visit_id] = emotion
            o.visitors.add(visit_id)
            o.mix.emotions[emotion] = o.mix.emotions.get(emotion, 0) + 1

    def page_shown(self, visit_id: str, emotion: str) -> None:
        with self._lock:
            o = self._roll()
            o.stats.pages += 1
            o.visitors.add(visit_id)
            o.mix.pages_by_emotion[emotion] = o.mix.pages_by_emotion.get(emotion, 0) + 1

    def liked(self, visit_id: str, emotion: str, item_id: str) -> None:
        with self._lock:
            o = self._roll()
            o.stats.likes += 1
            o.visitors.add(visit_id)
            if visit_id in self._visits:  # a visit that liked is engaged, however short
                self._liked_visits.add(visit_id)
            o.mix.likes_by_emotion[emotion] = o.mix.likes_by_emotion.get(emotion, 0) + 1
            o.mix.items[item_id] = o.mix.items.get(item_id, 0) + 1
            self._save_counts()  # a like is worth saving now: the thread writes it
        self._wake.set()

    def mood_picked(self) -> None:
        with self._lock:
            self._roll().stats.mood_picks += 1

    def consent(self, answer: str) -> None:
        """The identity overlay's answer: "yes" or anything else (counted as no)."""
        with self._lock:
            o = self._roll()
            if answer.strip().lower() in ("yes", "true", "accept", "accepted"):
                o.stats.consent_yes += 1
            else:
                o.stats.consent_no += 1

    def camera_state(self, state: str, trouble: int | None = None) -> None:
        """The camera's new state; `trouble`: why it is STALLED or LOST
        (`kiosk.camera.CameraTrouble`), kept as the bucket's `camera_trouble`."""
        with self._lock:
            self._roll()
            now = self._clock()
            self._account_camera(now)
            name = state.split(" ", 1)[0].upper()
            # NONE: no camera on purpose (an empty [camera] source): no camera time at all,
            # so CameraLive is not reported (not 0 %: the fleet's CameraNotLive alarm
            # would fire for a kiosk that never had a camera)
            self._camera_state = None if name == "NONE" else name
            self._camera_trouble = None if name in ("LIVE", "OPENING", "NONE") else trouble
            self._camera_since = now

    def camera_trouble(self, trouble: int | None) -> None:
        """The camera's reason changed while its state stayed (LOST, then LOST for
        another reason): the bucket's `camera_trouble` follows the newest (before, it
        kept the first reason of a loss for as long as the loss lasted)."""
        with self._lock:
            self._roll()
            if self._camera_state in ("STALLED", "LOST"):
                self._account_camera(self._clock())
                self._camera_trouble = trouble or None

    def gauges(self, *, fps: float | None = None, queue_depth: int | None = None,
               dead_letters: int | None = None, disk_free_mb: float | None = None,
               uploads_failing: bool = False) -> None:
        """A periodic sample of the kiosk's health (any subset); `uploads_failing`: the
        event uploader is backing off, offline or blocked."""
        with self._lock:
            o = self._roll()
            o.stats.uploads_failing += int(uploads_failing)
            if fps is not None and len(o.fps) < MAX_SAMPLES:
                o.fps.append(float(fps))
            if queue_depth is not None:
                if o.queue_first is None:
                    o.queue_first = queue_depth
                o.queue_last = queue_depth
                o.stats.queue_depth = max(o.stats.queue_depth or 0, int(queue_depth))
            if dead_letters is not None:
                o.stats.dead_letters = int(dead_letters)
            if disk_free_mb is not None:
                old = o.stats.disk_free_mb
                o.stats.disk_free_mb = disk_free_mb if old is None else min(old, disk_free_mb)

    def vision_latency(self, ms: float) -> None:
        with self._lock:
            o = self._roll()
            if len(o.latency) < MAX_SAMPLES:
                o.latency.append(float(ms))

    def crashed(self) -> None:
        with self._lock:
            self._roll().stats.crashes += 1

    def started(self, unclean_previous_exit: bool = False) -> None:
        """The app started. After an unclean end of the previous run (crash, kill,
        watchdog; `kiosk.crashlog`) that start is a restart and the end a crash; a
        start after a clean shutdown counts as neither."""
        with self._lock:
            o = self._roll()
            o.stats.restarts += int(unclean_previous_exit)
            o.stats.crashes += int(unclean_previous_exit)
            if unclean_previous_exit:  # saved at once: this run may not last a bucket
                self._save_counts()
        self._wake.set()

    def snapshot(self) -> BucketStats:
        """A copy of the open bucket's counters (the mix is not included: it is not yet
        k-anonymous), the camera's time in its current state up to now included."""
        with self._lock:
            o = self._roll()
            self._account_camera(self._clock())
            return replace(o.stats, dwell_hist=list(o.stats.dwell_hist),
                           camera_s=dict(o.stats.camera_s))

    def unsaved(self) -> BucketStats:
        """`snapshot()` less the counts already in the store (early writes): what a
        report of the store adds for the open bucket, without counting anything twice.
        The camera's time in its current state counts up to now: before, a camera live
        since the start had no LIVE time until its state changed or the bucket closed,
        and the audience screen said "Camera live 0 %" in red for the first bucket."""
        with self._lock:
            o = self._roll()
            self._account_camera(self._clock())
            snap = replace(o.stats, dwell_hist=list(o.stats.dwell_hist),
                           camera_s=dict(o.stats.camera_s))
            written = o.saved
            for counts in self._early:  # queued, not written yet
                if written is not None and counts.start == snap.start:
                    written = minus_counts(written, counts)
        return snap if written is None else minus_counts(snap, written)

    # ------------------------------------------------------------------ listeners

    def call_on_thread(self, callback: Callable[[], None]) -> None:
        """Run `callback` on the analytics thread when it starts (after the store is
        opened): slow set-up such as opening another database."""
        self._on_start.append(callback)

    def add_bucket_listener(self, callback: BucketListener) -> None:
        """`callback(bucket, mix_or_None)` on the analytics thread after each write."""
        self._listeners.append(callback)

    def add_counts_listener(self, callback: CountsListener) -> None:
        """`callback(counts)` on the analytics thread after each early write of an open
        bucket's counts (`save_counts`): the counts gained since the previous early
        write (`counts_only`, gauges empty), including the restart and crash of a start
        after an unclean end, which this run may not live to see closed. The whole
        bucket still reaches the bucket listeners when it closes."""
        self._early_listeners.append(callback)

    # ------------------------------------------------------------------ thread

    def start(self) -> None:
        if self._thread is not None:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="kiosk-analytics", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> bool:
        """Close the open bucket (visits in progress end now; a mix below k is dropped),
        write everything and end the thread. True when done within `timeout`."""
        self._stop.set()
        self._wake.set()
        thread, self._thread = self._thread, None
        if thread is not None:
            thread.join(timeout)
            if thread.is_alive():
                log.warning("analytics: still writing after %.1f s", timeout)
                return False
        self.close_all()
        if self.store is not None:
            self.store.close()
        return True

    def close_all(self) -> None:
        """Close the open bucket now and write it with everything pending (shutdown)."""
        self._ensure_store()  # a stopped run's held mix is taken over before the close
        with self._lock:
            self._roll()  # a bucket whose time is up is closed once, here, not again below
            now, mono = self._clock(), self._monotonic()
            for visit_id, started in list(self._visits.items()):
                self._open.stats.add_visit(max(0.0, mono - started), self.attention_s,
                                           counted=visit_id in self._counted)
            self._visits.clear()
            self._counted.clear()
            self._close_open(min(now, self._open.stats.end), final=True)
            # counting after this goes into a new bucket, never into the closed one again
            self._open = self._new(self._open.stats.start)
        self.write_pending()

    def save_counts(self) -> None:
        """Write the open bucket's counts gained since its last early write now, to the
        store only (the listeners get the whole bucket when it closes), so a kiosk
        that crashes before the bucket's end still reports its visits, likes, crashes
        and restarts; the camera's seconds up to now go with them, so a report of the
        store has the open bucket's camera time (the counts listeners get no camera
        time: `counts_only`). The analytics thread does this each minute and after a like or a
        start after a crash; when the bucket closes only the rest is written (the
        store adds rows of the same start), so nothing is counted twice. The mix held
        (below k, and the open bucket's) goes with it as the store's pending mix."""
        with self._lock:
            self._roll()
            self._save_counts()
        self.write_pending()

    def write_pending(self) -> int:
        """Close a bucket whose time is up, then write the closed ones (the analytics
        thread does this; tests and the bench call it directly). Returns how many
        closed buckets were written; early counts (`save_counts`) are written first."""
        with self._write_lock:
            return self._write_pending()

    def _write_pending(self) -> int:
        self._ensure_store()
        with self._lock:
            self._roll()
            early, self._early = self._early, []
            closed, self._closed = self._closed, []
            pending = self._pending_now()  # what is held once `closed` is written
        for counts in early:
            self._write_early(counts)
            if not has_counts(counts):  # camera seconds only: the store's, not the fleet's
                continue
            for listener in list(self._early_listeners):
                try:
                    listener(counts_only(counts))
                except Exception:
                    log.exception("analytics counts listener %r failed", listener)
        self._write_closed(closed, pending)
        for bucket, mix, _saved in closed:
            for callback in list(self._listeners):
                try:
                    callback(bucket, mix)
                except Exception:
                    log.exception("analytics bucket listener %r failed", callback)
        return len(closed)

    def _write_closed(self, closed: list[tuple[BucketStats, Mix | None, BucketStats | None]],
                      pending: Mix | None) -> None:
        """Write the closed buckets (less what was written early) and their mixes, with
        the pending mix that is left, in one transaction: a mix is never both in the
        store's mixes and in its pending mix, so a crash counts nothing twice."""
        store = self.store
        if store is None:
            return
        rows = [(bucket if saved is None else minus_counts(bucket, saved), mix)
                for bucket, mix, saved in closed]
        save_pending = self._adopted and pending != self._pending_saved
        if not rows and not save_pending:
            return
        try:
            if save_pending:
                store.write_many(rows, pending)
                self._pending_saved = pending
            else:
                store.write_many(rows)
        except AnalyticsError as exc:
            self.write_errors += 1
            for bucket, _mix, _saved in closed:
                log.error("analytics: bucket at %s not written: %s",
                          local_time(bucket.start, self.zone), exc)
            if not closed:
                log.error("analytics: the mix held below k not saved yet: %s", exc)

    def _adopt_pending(self) -> None:
        """Take over the pending mix a stopped run left in the store (once, when the
        store is open): the store writes one of k visits at once; a smaller one is
        carried on with this run's visits, as that run would have."""
        store = self.store
        if self._adopted or store is None:
            return
        try:
            left = store.take_pending()
        except AnalyticsError as exc:  # tried again at the next write; nothing overwritten
            log.error("analytics: the mix a stopped run left cannot be read yet: %s", exc)
            return
        self._adopted = True
        self._pending_saved = left
        if left is None:
            return
        log.info("analytics: the mix of %d visit(s) a stopped run held below k=%d goes on",
                 left.visits, self.k)
        with self._lock:
            if self._carry is None:
                self._carry, self._carry_visitors, self._carry_extra = left, set(), left.visits
            else:
                self._carry.merge(left)
                self._carry_extra += left.visits

    def _write_early(self, counts: BucketStats) -> None:
        """Write early counts; when that fails they are given back to their bucket,
        which then writes them when it closes."""
        if self.store is None:
            self._unsave(counts)
            return
        try:
            self.store.write(counts)
        except AnalyticsError as exc:
            self.write_errors += 1
            log.error("analytics: counts of the bucket at %s not written yet: %s",
                      local_time(counts.start, self.zone), exc)
            self._unsave(counts)

    def _unsave(self, counts: BucketStats) -> None:
        with self._lock:
            if self._open.stats.start == counts.start and self._open.saved is not None:
                self._open.saved = minus_counts(self._open.saved, counts)
                return
            for i, (bucket, mix, saved) in enumerate(self._closed):
                if bucket.start == counts.start and saved is not None:
                    self._closed[i] = (bucket, mix, minus_counts(saved, counts))
                    return

    def _ensure_store(self) -> None:
        with self._open_lock:
            if self.store is None and self._open_store is not None:
                opener, self._open_store = self._open_store, None
                try:
                    self.store = opener()
                except AnalyticsError as exc:
                    log.error("audience analytics are not saved: %s", exc)
        with self._write_lock:
            self._adopt_pending()

    def _run(self) -> None:
        self._ensure_store()
        for callback in self._on_start:
            try:
                callback()
            except Exception:
                log.exception("analytics start-up job %r failed", callback)
        try:
            while not self._stop.is_set():
                with self._lock:
                    self._roll()
                    self._save_counts()  # at most each minute (the wait below)
                    wait = self._open.stats.end - self._clock() + 0.05
                self.write_pending()
                self._maybe_purge()
                self._wake.wait(max(0.05, min(wait, 60.0)))
                self._wake.clear()
        except Exception:  # thread boundary: log, the kiosk runs on without analytics
            log.exception("analytics thread stopped by an unexpected error")

    def _maybe_purge(self) -> None:
        mono = self._monotonic()
        if self.store is None or (self._last_purge is not None
                                  and mono - self._last_purge < PURGE_EVERY_S):
            return
        self._last_purge = mono
        try:
            self.purge()
        except AnalyticsError as exc:
            log.error("analytics: retention purge failed: %s", exc)

    def purge(self) -> int:
        """Delete the rows older than `retention_days` at the time the monotonic clock
        confirms (module docstring); returns rows deleted. The analytics thread runs it
        each `PURGE_EVERY_S`. Raises AnalyticsError."""
        store = self.store
        if store is None:
            return 0
        if not self._start_checked:
            self._check_start(store)
        if self._trust_start_at is not None and self._monotonic() >= self._trust_start_at:
            self._trust_start_at = None
            self._steady.trust(*self._start_reading)
            log.info("analytics: the start-up clock is trusted for the retention purge: "
                     "%.0f h without a clock jump", TRUST_AFTER_S / 3600)
        now, wall = self._steady.now(), self._clock()
        if wall > now:
            held = (store.count_older(self.retention_days, wall)
                    - store.count_older(self.retention_days, now))
            if held > 0 and self._held_logged != self._distrust:
                self._held_logged = self._distrust
                log.warning(
                    "analytics: the retention purge keeps %d row(s) the wall clock calls "
                    "older than %.0f days: the wall clock (%s UTC) is %.1f days ahead of the "
                    "time the monotonic clock confirms (%s UTC) since %s; they are deleted "
                    "once that much time has passed, or at a start with a trusted clock",
                    held, self.retention_days, _utc(wall), (wall - now) / 86400, _utc(now),
                    self._distrust or "the start")
        return store.purge(self.retention_days, now)

    def _check_start(self, store: AnalyticsStore) -> None:
        """Trust the start-up clock for deletion unless it reads more than `START_AHEAD_S`
        after the newest bucket a stopped run wrote: then trust that bucket's end as the
        start's time, and the start-up clock once the run has lived `TRUST_AFTER_S`
        without a jump."""
        newest = store.newest_end(self._first_start)
        self._start_checked = True
        wall, at = self._start_reading
        if newest is None or wall - newest <= START_AHEAD_S:
            return
        self._steady.trust(newest, at)
        with self._lock:
            if self.clock_jumps:  # the start-up clock was stepped already: never trusted
                return
            self._trust_start_at = self._start_mono + TRUST_AFTER_S
            self._distrust = (f"the start, whose clock read {_utc(wall)} UTC, "
                              f"{(wall - newest) / 86400:.1f} days after the newest stored "
                              f"bucket ({_utc(newest)} UTC): the clock is trusted after "
                              f"{TRUST_AFTER_S / 3600:.0f} h without a jump")

    # ------------------------------------------------------------------ internals (locked)

    def _save_counts(self) -> None:
        """Queue the open bucket's counts and camera seconds gained since its last early
        write (locked). The camera's time in its current state counts up to now, as
        `unsaved` and a closed bucket count it: before, the store had no camera time for
        the open bucket, so `kiosk-admin report` showed none for it.

        A visit in progress is counted here (once: its end then adds only its dwell),
        in the bucket open at this write, as its pages and likes are: before, a kill
        during a visit left its pages and likes in the store (and its visitor in the
        held mix, later suppressed) but not the visit, so the report said "1 visit"
        and "2 visits suppressed" after 2 visits. Its dwell and engagement are counted
        at its end, so a visit a crash ends has no dwell."""
        o = self._open
        self._account_camera(self._clock())
        for visit_id in self._visits.keys() - self._counted:
            o.stats.visits += 1
            self._counted.add(visit_id)
        counts = o.stats if o.saved is None else minus_counts(o.stats, o.saved)
        if has_counts(counts) or has_camera_time(counts):
            self._early.append(early_part(counts))
            o.saved = early_part(o.stats)

    def _pending_now(self) -> Mix | None:
        """The mix held and not written (locked): the carried one and the open bucket's,
        with their visits; None when there is none."""
        o = self._open
        held = Mix(o.mix.start, o.mix.end)
        if self._carry is not None:
            held.merge(self._carry)
        held.merge(o.mix)
        held.visits = len(self._carry_visitors | o.visitors) + self._carry_extra
        return None if held.empty else held

    def _align(self, t: float) -> float:
        return t - (t % self.bucket_s)

    def _new(self, start: float) -> _Open:
        return _Open(BucketStats(start, self.bucket_s), Mix(start, start + self.bucket_s))

    def _roll(self) -> _Open:
        now, mono = self._clock(), self._monotonic()
        offset = now - mono
        if abs(offset - self._offset) > JUMP_S:
            self._clock_jumped(mono + self._offset, now)
        self._offset = offset  # also follows a slow slew (NTP adjusting the rate)
        skipped = 0
        while now >= self._open.stats.end:
            end = self._open.stats.end
            self._close_open(end, final=False)
            skipped += 1
            # every bucket of a quiet stretch is written (camera time, heartbeats); after
            # a day (a suspended machine) the recorder jumps to now
            self._open = self._new(end if skipped < 288 else self._align(now))
            self._camera_since = max(self._camera_since, self._open.stats.start)
            self._wake.set()
        return self._open

    def _clock_jumped(self, before: float, now: float) -> None:
        """The wall clock stepped from `before` (the wall time the monotonic clock says
        it is) to `now` (locked): the buckets up to `before` are closed as lived (the
        open one at `before`), and counting goes on in the bucket of `now`. Nothing of
        the gap is counted: no camera seconds, no empty buckets."""
        self.clock_jumps += 1
        self._trust_start_at = None  # a start-up clock that was stepped is never trusted
        self._distrust = (f"the wall clock jumped {now - before:+.0f} s at {_utc(now)} UTC "
                          f"(jump {self.clock_jumps} of this run)")
        log.warning("analytics: the wall clock jumped %+.0f s (from %s to %s UTC); the "
                    "bucket open at the jump is closed there and counting goes on from "
                    "the new time", now - before, _utc(before), _utc(now))
        while before >= self._open.stats.end:  # the kiosk lived up to `before`
            end = self._open.stats.end
            self._close_open(end, final=False)
            self._open = self._new(end)
            self._camera_since = max(self._camera_since, end)
        self._close_open(max(before, self._open.stats.start), final=False)
        self._open = self._new(self._align(now))
        self._camera_since = now
        self._wake.set()

    def _account_camera(self, until: float) -> None:
        if self._camera_state is not None and until > self._camera_since:
            cam = self._open.stats.camera_s
            cam[self._camera_state] = cam.get(self._camera_state, 0.0) + until - self._camera_since
            if self._camera_trouble is not None:
                self._open.stats.camera_trouble = self._camera_trouble
            self._camera_since = until

    def _close_open(self, at: float, final: bool) -> None:
        o = self._open
        self._account_camera(at)
        s = o.stats
        s.fps_mean = sum(o.fps) / len(o.fps) if o.fps else None
        s.vision_p95_ms = percentile(o.latency, 0.95)
        if o.queue_first is not None and o.queue_last is not None:
            s.queue_delta = o.queue_last - o.queue_first
        mix, visitors, extra = o.mix, set(o.visitors), 0
        if self._carry is not None:
            self._carry.merge(mix)
            mix, visitors = self._carry, self._carry_visitors | visitors
            extra = self._carry_extra
        mix.visits = len(visitors) + extra
        written: Mix | None = None
        self._carry, self._carry_visitors, self._carry_extra = None, set(), 0
        if mix.visits >= self.k:
            written = mix
        elif mix.empty:
            pass
        elif final or mix.end - mix.start >= self.max_merge_s:
            s.suppressed_visits += mix.visits
            log.info("analytics: mix of %d visit(s) below k=%d suppressed", mix.visits, self.k)
        else:
            self._carry, self._carry_visitors, self._carry_extra = mix, visitors, extra
        self._closed.append((s, written, o.saved))


def _utc(epoch: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(epoch))
