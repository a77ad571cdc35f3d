"""The uploader: a background thread that drains the event queue into Amazon Personalize.

One call per batch (≤ 10 rows of one operation; PutEvents: one session and user), oldest
first, at most `max_requests_per_s` calls a second. Rows are deleted only after the call
succeeded, so a crash in between resends the same event ids, which Personalize ignores.

Failures:
- throttling, 5xx, timeouts and refused connections are transient: retried with
  exponential backoff and full jitter up to `max_backoff_s` for as long as the batch's
  oldest record is younger than `max_event_age_s`; only then does it go to the dead
  letters (code `EventTooOld`; the age goes by `kiosk.wallclock.SteadyNow`, so a wall
  clock that jumps forward ages no row). Connection failures (OFFLINE) are not the service
  being busy: they are probed every `offline_retry_s` at most, on a count of their own,
  and neither grow the rows' attempt count nor the service backoff, so the first try
  after the network returns waits at most `offline_retry_s` and a 500 then starts the
  backoff afresh. `notify_online()` lets the next try start early; `retry_now()` (the
  admin panel's Flush events) tries at once whatever the state. Each failed try is
  stored with the rows (attempt count and the time the next try may start), so a
  restart neither resets nor skips the backoff. Dead letters an outage made (older
  kiosks did) are queued again at start;
- a read timeout (the call went out, no answer in `aws.read_timeout_s`; the service may
  well have taken the events) doubles the time the next try waits for its answer, up to
  `max_read_timeout_s`, and answers in time step it back down (a new client each step;
  `kiosk.events.read_timeout`, shown as `slow_endpoint`);
- credential or permission errors: BLOCKED (an operator must fix them); retried at the
  same capped backoff, rows kept;
- `InvalidInputException`, `ResourceNotFoundException` and other 4xx: the rows go to the
  dead-letter table with the error (a batch refused as invalid, `split_codes`, is split
  so one bad row does not take nine good ones with it).

Two uploaders of one queue (the kiosk's and `kiosk-admin events flush`) never send at
the same time: each claims the queue's upload lease before it takes a batch, renews it
before each call (a refused batch split into single rows is several calls; the lease
lasts one call) and lets it go when idle or waiting to retry; the other waits for it
(`kiosk.events.upload_lease`). An uploader that finds its lease taken mid-pass (it ran
out) sends nothing more: the other one sends those rows.

`stop()` waits for the call in flight (connect + the current read timeout) and its
ack, at most `MAX_STOP_WAIT_S` (the kiosk must stop within systemd's TimeoutStopSec;
its shutdown calls `request_stop` first, so that wait overlaps the other parts' stops);
rows of a call still unanswered then are sent again at the next start, with the same
event ids, which Personalize ignores.
With `record_status` (the kiosk's) the state, last error and next try are written to the
queue, so `kiosk-admin events status` shows them (`kiosk.events.upload_status`).

Records another program's lock kept in the queue's spool (likes among them) are queued
from it at the start of each pass (`EventQueue.ingest_spool(retry=True)`, exactly once:
one try without waiting for the lock, and an idle uploader looks again every
`SPOOL_RETRY_S`), then sent like any other. In the kiosk the spool drain
(`kiosk.events.spool_drain`) does the same whether uploads are on or off.

The loop waits on a `threading.Event` (new record, flush, stop), never sleeps blindly.
No error ends the thread: a queue that fails (locked, damaged, disk full) or any
unexpected exception is logged, shown in the status and retried after a backoff.
Listeners get an `UploaderStatus` on the uploader thread when something changes (at most
every `status_interval_s` while a drain is progressing), and a last STOPPED one on the
thread that calls `stop()`.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from kiosk.aws import error_code, http_status, is_transient, make_client
from kiosk.aws.classify import REFUSED_CODES
from kiosk.config import AwsSettings, Settings
from kiosk.errors import KioskError
from kiosk.events.queue import Batch, EventQueue
from kiosk.events.read_timeout import STEP_DOWN_AFTER, ReadTimeout
from kiosk.events.records import Targets, build_request
from kiosk.events.rows import SPOOL_RETRY_S
from kiosk.events.upload_lease import LEASE_POLL_S, UploadLease
from kiosk.events.upload_status import StatusRecorder, UploaderState, UploaderStatus
from kiosk.logs import duration_text
from kiosk.wallclock import SteadyNow

__all__ = ["STEP_DOWN_AFTER", "RateLimiter", "Uploader", "UploaderState", "UploaderStatus"]

PERMANENT_CODES = frozenset({
    "InvalidInputException", "ResourceNotFoundException", "ValidationException",
    "SerializationException", "ParamValidationError",
})
BLOCKED_CODES = REFUSED_CODES  # credentials or permissions (kiosk.aws.classify)
RETRY_CODES = frozenset({"ResourceInUseException"})  # the dataset is busy: try again later
READ_TIMEOUT_CODES = frozenset({"ReadTimeoutError", "ReadTimeout"})
TOO_OLD = "EventTooOld"
DAY_S = 86400.0
ACK_WAIT_S = 1.0  # what `stop` allows for the ack after the call in flight
# a failure that goes on (the same state: offline, throttled, blocked) is logged when it
# begins and then at most this often, with how long and how many tries; "back online"
# once when a call goes through again (tester round 23, L5: 28 INFO lines in 2.5 min
# offline, so a weekend offline pushed the crash context out of the log rotation)
FAILURE_LOG_EVERY_S = 300.0
MAX_STOP_WAIT_S = 10.0  # `stop`'s wait at most, however long the read timeout grew
# `stop`'s wait for a call in flight while offline (the last call failed to connect or
# got no answer): a probe into a dead network is not waited for its whole read timeout
# (tester round 23, L1: SIGTERM took 12 s against an endpoint that never answers).
# Abandoning it loses nothing: its rows stay pending until a call is acked
OFFLINE_STOP_WAIT_S = 2.0


class RateLimiter:
    """At most `rate` calls a second, evenly spaced (a token bucket of depth one), so no
    one-second window ever holds more than `rate` calls."""

    def __init__(self, rate: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.interval = 1.0 / rate
        self._clock = clock
        self._next = 0.0

    def reserve(self) -> float:
        """Take the next slot; returns how long to wait before using it."""
        now = self._clock()
        at = max(now, self._next)
        self._next = at + self.interval
        return at - now


class Uploader:
    """Drains `queue` on the daemon thread "kiosk-uploader"; `start`, `flush`, `stop`.

    `client` (a boto3 personalize-events client) is made from `aws` on the uploader
    thread when not given. Callbacks added with `add_listener` receive `UploaderStatus`.
    A subclass for another queue names itself (`name`, `thread_name`, `logger_name`), so
    its log lines and thread are never taken for the event uploader's."""

    name = "uploader"  # the log lines' prefix
    thread_name = "kiosk-uploader"
    logger_name = __name__
    service = "personalize-events"  # the boto3 client `_make_client` makes
    endpoint_url = ""  # "": the configured one (`aws.endpoint_personalize_events`)
    # a batch refused with one of these is sent again one row at a time (`_split`)
    split_codes: frozenset[str] = frozenset({"InvalidInputException"})

    def __init__(
        self,
        queue: EventQueue,
        targets: Targets,
        *,
        aws: AwsSettings | None = None,
        client: Any = None,
        max_backoff_s: float = 60.0,
        max_requests_per_s: float = 100.0,
        base_backoff_s: float = 0.5,
        offline_retry_s: float = 10.0,
        idle_poll_s: float = 30.0,
        max_event_age_s: float = 30 * DAY_S,
        status_interval_s: float = 0.25,
        rng: random.Random | None = None,
        max_read_timeout_s: float = 30.0,
        record_status: bool = True,
        steady: SteadyNow | None = None,
    ) -> None:
        self.queue = queue
        self._steady = steady or SteadyNow()  # the time rows age by (module docstring)
        self.targets = targets
        self.kinds = targets.sendable()
        self._aws = aws or AwsSettings()
        self._client = client
        self._owns_client = client is None
        self.max_backoff_s = max_backoff_s
        self.base_backoff_s = base_backoff_s
        self.offline_retry_s = min(offline_retry_s, max_backoff_s)
        self.idle_poll_s = idle_poll_s
        self.max_event_age_s = max_event_age_s
        self.status_interval_s = status_interval_s
        self._limiter = RateLimiter(max_requests_per_s)
        self._log = logging.getLogger(self.logger_name)
        self._read_timeout = ReadTimeout(self._aws.read_timeout_s, max_read_timeout_s,
                                         self.name, self._log)
        self._rng = rng or random.Random()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._cond = threading.Condition()
        self._flush_asked = 0
        self._flush_answered = 0
        self._flush_result = False
        self._listeners: list[Callable[[UploaderStatus], None]] = []
        self._state = UploaderState.STOPPED
        self._online: bool | None = None
        self._last_error: str | None = None
        self._last_error_at: float | None = None
        self._last_success_at: float | None = None
        self._failures = 0  # service failures in a row (throttling, 5xx): the backoff
        self._offline_tries = 0  # connection failures in a row: the offline probe
        # the failure being logged sparingly (`FAILURE_LOG_EVERY_S`): its state, when it
        # began (monotonic), the tries since, and when its last line was logged
        self._failing: UploaderState | None = None
        self._failing_since = 0.0
        self._failing_tries = 0
        self._failing_logged_at = 0.0
        self._retry_at = 0.0
        self._skip_stored_wait = False  # notify_online() / retry_now(): try now
        self._queue_error = ""  # the queue failed on the last pass (not AWS); "" when not
        self._last_emit = 0.0
        self._lease = UploadLease(queue, self.name, self._log)
        self._recorder = StatusRecorder(queue, self.name, self._lease.holder,
                                        enabled=record_status)

    @property
    def holder(self) -> str:
        """This uploader's name in the queue's lease (`kiosk.events.upload_lease`)."""
        return self._lease.holder

    @classmethod
    def from_settings(cls, queue: EventQueue, settings: Settings, **kwargs: Any) -> Uploader:
        p = settings.personalize
        kwargs.setdefault("max_backoff_s", settings.events.max_backoff_s)
        kwargs.setdefault("max_requests_per_s", settings.events.max_requests_per_s)
        kwargs.setdefault("max_event_age_s", settings.events.max_event_age_days * DAY_S)
        return cls(queue, Targets(p.tracking_id, p.dataset_arn_users, p.dataset_arn_items),
                   aws=settings.aws, **kwargs)

    @property
    def enabled(self) -> bool:
        """False when nothing is configured to upload (no tracking id, no dataset ARNs)."""
        return bool(self.kinds)

    # ------------------------------------------------------------------ control

    def start(self) -> None:
        if self._thread is not None and self._thread.is_alive():
            return
        if not self.enabled:
            self._log.info("%s: nothing configured (personalize.tracking_id empty); "
                           "events stay in the local queue", self.name)
            return
        self._stop.clear()
        self.queue.add_listener(self.wake)
        self._set_state(UploaderState.IDLE)
        self._thread = threading.Thread(target=self._run, name=self.thread_name,
                                        daemon=True)
        self._thread.start()

    @property
    def stop_wait_s(self) -> float:
        """How long `stop` waits by default: the call in flight (connect + the current
        read timeout) and its ack, at most MAX_STOP_WAIT_S."""
        return min(MAX_STOP_WAIT_S,
                   self._aws.connect_timeout_s + self._aws.read_timeout_s + ACK_WAIT_S)

    def request_stop(self) -> None:
        """Ask the thread to stop after the call in flight (and its ack), without
        waiting: the kiosk's shutdown asks first, so that the call ends while the other
        parts stop, and `stop` (the events worker's last job) then waits for the rest."""
        self.queue.remove_listener(self.wake)
        self._stop.set()
        self._wake.set()

    def stop(self, timeout: float | None = None) -> bool:
        """Stop the thread (an in-flight call finishes or times out first, and its rows
        are acked); True when it ended within `timeout` (None: `stop_wait_s`)."""
        if timeout is None:
            timeout = self.stop_wait_s
        if self._online is False:  # a call in flight now is a probe into a dead network
            timeout = min(timeout, OFFLINE_STOP_WAIT_S)
        self.request_stop()
        thread, stopped = self._thread, True
        if thread is not None:
            thread.join(timeout)
            stopped = not thread.is_alive()
            if not stopped:
                self._log.warning("%s: still busy after %.1f s; left as a daemon thread",
                                  self.name, timeout)
        with self._cond:
            self._flush_answered = self._flush_asked
            self._flush_result = False
            self._cond.notify_all()
        if stopped:
            self._thread = None
            self._close_client()
            self._set_state(UploaderState.STOPPED)
        return stopped

    def wake(self) -> None:
        """Something new is queued: send it unless a retry wait is running."""
        self._wake.set()

    def notify_online(self) -> None:
        """Another part of the kiosk reached AWS: retry now instead of at the next probe."""
        if self._state in (UploaderState.OFFLINE, UploaderState.BLOCKED):
            self._skip_stored_wait = True
        self._wake.set()

    def retry_now(self) -> None:
        """The operator asked (admin panel "Flush events"): try the next batch at once,
        whatever the state and any retry wait; a failure backs off as usual again."""
        self._skip_stored_wait = True
        self._wake.set()

    def flush(self, timeout: float = 30.0) -> bool:
        """Send everything now, skipping any retry wait. True when nothing sendable was
        left; False on timeout, when a call failed (see `status().last_error`) or when the
        uploader is not running."""
        if self._thread is None or not self._thread.is_alive():
            return False
        with self._cond:
            self._flush_asked += 1
            ticket = self._flush_asked
            self._wake.set()
            done = self._cond.wait_for(lambda: self._flush_answered >= ticket, timeout)
            return bool(done and self._flush_result)

    @property
    def read_timeout_s(self) -> float:
        """How long a call waits for its answer now (grown after read timeouts)."""
        return self._aws.read_timeout_s

    def add_listener(self, callback: Callable[[UploaderStatus], None]) -> None:
        self._listeners.append(callback)

    def status(self) -> UploaderStatus:
        counts = self.queue.counts()
        retry = self._retry_at - time.monotonic()
        return UploaderStatus(
            state=self._state,
            online=self._online,
            last_error=self._last_error,
            last_error_at=self._last_error_at,
            last_success_at=self._last_success_at,
            pending=counts.pending_total,
            pending_by_kind=dict(counts.pending),
            dead=counts.dead,
            sent_total=counts.sent_total,
            evicted_total=counts.evicted_total,
            disk_full=self.queue.disk_full or None,
            retry_in_s=(round(retry, 3) if retry > 0 and (self._failures or self._offline_tries)
                        else None),
            slow_endpoint=self._read_timeout.slow_endpoint,
            queue_error=self._queue_error or None,
        )

    # ------------------------------------------------------------------ the loop

    def _run(self) -> None:
        try:
            self._requeue_outage_dead_letters()
            self._loop()
        finally:
            self._answer_flush(False)
            self._let_go()
            self._write_status(force=True, state=UploaderState.STOPPED)

    def _requeue_outage_dead_letters(self) -> None:
        try:
            self.queue.retry_transient_dead()
        except Exception as exc:  # the loop reports a failing queue itself
            self._log.warning("%s: could not re-queue outage dead letters: %s", self.name, exc)

    def _loop(self) -> None:
        while not self._stop.is_set():
            self._wake.clear()
            ticket = self._flush_asked  # a flush asked after this is answered by a later pass
            flushing = self._flush_answered < ticket
            wait = self._retry_at - time.monotonic()
            if wait > 0 and not (flushing or self._skip_stored_wait):
                self._let_go()
                self._wake.wait(wait)
                continue
            now, self._skip_stored_wait = self._skip_stored_wait, False
            try:
                progressed = self._pass(ticket, flushing or now)
            except KioskError as exc:  # the queue itself failed (locked, damaged, disk full)
                self._log.error("%s: %s", self.name, exc)
                self._queue_error = str(exc)
                self._fail(str(exc))
                self._backoff(UploaderState.BACKOFF, self._online)
                progressed = False
            except Exception as exc:  # thread boundary: report, back off, never die
                self._log.exception("%s: unexpected error; retrying after a backoff", self.name)
                self._fail(f"unexpected error: {exc!r}")
                self._backoff(UploaderState.BACKOFF, self._online)
                progressed = False
            if not progressed:
                self._answer_flush(False, ticket)

    def _pass(self, ticket: int, now: bool) -> bool:
        """One step: make the client, take the next batch, wait out its stored backoff
        (unless `now`: a flush) or send it. True when it made progress (or had nothing
        to do)."""
        if self.queue.spool_waiting():  # a lock kept records out: in once it is gone
            self.queue.ingest_spool(retry=True)
        if self._client is None and not self._make_client():
            return False
        if not self._claim():
            self._wake.wait(LEASE_POLL_S)
            return True
        batch = self.queue.next_batch(self.kinds)
        self._queue_error = ""  # the lease and the read worked
        if batch is None:
            self._let_go()
            self._answer_flush(True, ticket)
            self._set_state(UploaderState.IDLE)
            idle = self.idle_poll_s
            if self.queue.spool_waiting():  # still locked: look again soon
                idle = min(idle, SPOOL_RETRY_S)
            if not self._wake.wait(idle):
                self.queue.refresh_counts()  # another process may have queued rows
            return True
        stored_wait = min(batch.retry_at - time.time(), self.max_backoff_s)
        if stored_wait > 0 and not now:  # from a restart
            self._failures = max(self._failures, batch.attempts)
            self._retry_at = time.monotonic() + stored_wait
            self._set_state(UploaderState.BACKOFF)
            return True
        self._set_state(UploaderState.SENDING)
        return self._send(batch)

    def _claim(self) -> bool:
        """Take or renew the upload lease for one call; False while another uploader
        holds it."""
        return self._lease.claim(self._aws.connect_timeout_s + self._aws.read_timeout_s)

    def _let_go(self) -> None:
        self._lease.let_go()

    def _make_client(self) -> bool:
        try:
            self._client = make_client(self.service, self._aws,
                                       endpoint_url=self.endpoint_url)
            return True
        except Exception as exc:  # botocore ProfileNotFound, NoRegionError, …
            self._on_error(None, exc)
            return False

    def _send(self, batch: Batch) -> bool:
        """One call for the batch; True when it made progress (sent or dead-lettered)."""
        try:
            method, params = build_request(
                batch.operation, self.targets, batch.bodies, batch.session_id, batch.user_id
            )
        except (ValueError, TypeError, KeyError) as exc:  # a row no call can carry
            self.queue.dead_letter(batch.ids, type(exc).__name__, f"cannot build request: {exc}")
            return True
        return self._call(batch, method, params)

    def _call(self, batch: Batch, method: str, params: dict[str, Any]) -> bool:
        """Send `batch` as the client's `method(**params)` when the rate limit and the
        lease allow, and ack its rows as soon as it answered; True when it made progress."""
        wait = self._limiter.reserve()
        if wait > 0 and self._stop.wait(wait):
            return False
        if self._client is None and not self._make_client():  # a new timeout, mid-split
            return False
        if not self._claim():  # the lease ran out mid-pass: the other uploader sends these
            return True
        started = time.monotonic()
        try:
            getattr(self._client, method)(**params)
        except Exception as exc:
            return self._on_error(batch, exc)
        self.queue.ack(batch.ids)
        self._on_success(time.monotonic() - started)
        return True

    def _on_success(self, answered_in_s: float = 0.0) -> None:
        if self._failing is not None:
            back = ("back online" if self._failing is UploaderState.OFFLINE
                    else "calls go through again")
            self._log.info("%s: %s after %s %s (%d failed tries)", self.name, back,
                           duration_text(time.monotonic() - self._failing_since),
                           self._failing.value, self._failing_tries)
            self._failing = None
        self._failures = 0
        self._wait_shorter(answered_in_s)
        self._offline_tries = 0
        self._retry_at = 0.0
        was_online, self._online = self._online, True
        self._last_success_at = time.time()
        self._emit()
        self._write_status(force=not was_online)

    def _on_error(self, batch: Batch | None, exc: Exception) -> bool:
        """Classify a failed call; True when the rows were dealt with (dead-lettered)."""
        code = error_code(exc)
        status = http_status(exc)  # None: no answer from the service
        self._fail(f"{code}: {exc}")
        if code in READ_TIMEOUT_CODES:
            self._wait_longer()
        if code in BLOCKED_CODES or status in (401, 403):
            self._backoff(UploaderState.BLOCKED, True if status is not None else None)
            return False
        if code in RETRY_CODES or is_transient(exc):
            online = status is not None
            if batch is not None:
                return self._retry_later(batch, code, online)
            self._backoff(UploaderState.BACKOFF if online else UploaderState.OFFLINE, online)
            return False
        if batch is None or (status is None and code not in PERMANENT_CODES):
            self._log.error("%s: unexpected error %s", self.name, code, exc_info=exc)
            self._backoff(UploaderState.BACKOFF, self._online)
            return False
        # permanent: the service answered and refused these records
        self._online = True
        if code in self.split_codes and len(batch) > 1:
            return self._split(batch)
        self.queue.dead_letter(batch.ids, code, str(exc))
        self._failures = 0
        self._emit(force=True)
        return True

    def _retry_later(self, batch: Batch, code: str, online: bool) -> bool:
        """A transient failure: keep the rows with their attempt count and next try
        time, or dead-letter them once too old for Personalize; True when they went."""
        age = self._steady.now() - batch.oldest
        if age > self.max_event_age_s:
            self.queue.dead_letter(
                batch.ids, TOO_OLD, f"still failing after {age / DAY_S:.1f} days, older "
                f"than events.max_event_age_days; last error {self._last_error}")
            self._failures = 0
            self._emit(force=True)
            return True
        if online:  # the service answered: it is busy, count the try against the rows
            self._failures = max(self._failures, batch.attempts)
        delay = self._backoff(UploaderState.BACKOFF if online else UploaderState.OFFLINE,
                              online)
        self.queue.note_attempt(batch.ids, retry_at=time.time() + delay, count=online)
        return False

    def _wait_longer(self) -> None:
        """A call timed out waiting for its answer: the next waits twice as long."""
        if self._read_timeout.timed_out():
            self._use_read_timeout()

    def _wait_shorter(self, answered_in_s: float) -> None:
        """A call answered in time: a grown read timeout may step back down."""
        if self._read_timeout.answered(answered_in_s):
            self._use_read_timeout()

    def _use_read_timeout(self) -> None:
        self._aws = replace(self._aws, read_timeout_s=self._read_timeout.seconds)
        if self._owns_client:
            self._close_client()  # the next pass makes one with the new timeout

    def _split(self, batch: Batch) -> bool:
        """Send a refused batch one row at a time, so only the invalid rows go dead;
        each call renews the lease (`_send`), and a lease found taken ends the split."""
        self._log.info("%s: batch of %d refused as invalid; sending one by one", self.name,
                       len(batch))
        for row in batch.rows:
            if self._stop.is_set() or not self._send(Batch(batch.operation, (row,))):
                return False
            if not self._lease.held:  # another uploader has the queue now: it sends the rest
                return True
        return True

    def _backoff(self, state: UploaderState, online: bool | None) -> float:
        """Wait before the next try (exponential, full jitter, capped); returns seconds.
        Connection failures count apart from the service's answers (`_offline_tries`)."""
        if state is UploaderState.OFFLINE:
            self._offline_tries += 1
            tries = self._offline_tries
        else:
            self._failures += 1
            tries = self._failures
        if online:
            self._offline_tries = 0
        cap = self.offline_retry_s if state in (UploaderState.OFFLINE, UploaderState.BLOCKED) \
            else self.max_backoff_s
        ceiling = min(cap, self.base_backoff_s * 2 ** min(tries - 1, 32))
        delay = max(self.base_backoff_s / 2, self._rng.uniform(0, ceiling))
        self._retry_at = time.monotonic() + delay
        if online is not None:
            self._online = online
        self._log_failure(state, delay)
        self._set_state(state)
        self._write_status(force=True)
        return delay

    def _log_failure(self, state: UploaderState, delay: float) -> None:
        """The first try of a failure (a new state) at INFO, then at most one line per
        `FAILURE_LOG_EVERY_S` while it goes on; the tries between at DEBUG."""
        now = time.monotonic()
        if state is not self._failing:
            self._failing, self._failing_since, self._failing_tries = state, now, 0
            self._failing_logged_at = now
            self._failing_tries += 1
            self._log.info("%s: %s; retry in %.2f s (while this goes on, logged every "
                           "%s)", self.name, self._last_error, delay,
                           duration_text(FAILURE_LOG_EVERY_S))
            return
        self._failing_tries += 1
        if now - self._failing_logged_at >= FAILURE_LOG_EVERY_S:
            self._failing_logged_at = now
            self._log.info("%s: still %s after %s (%d tries): %s; retry in %.2f s",
                           self.name, state.value, duration_text(now - self._failing_since),
                           self._failing_tries, self._last_error, delay)
        else:
            self._log.debug("%s: %s; retry in %.2f s", self.name, self._last_error, delay)

    def _fail(self, message: str) -> None:
        self._last_error = message
        self._last_error_at = time.time()

    # ------------------------------------------------------------------ reporting

    def _answer_flush(self, result: bool, ticket: int | None = None) -> None:
        with self._cond:
            upto = self._flush_asked if ticket is None else ticket
            if self._flush_answered < upto:
                self._flush_answered = upto
                self._flush_result = result
                self._cond.notify_all()

    def _set_state(self, state: UploaderState) -> None:
        changed = state != self._state
        self._state = state
        if changed:
            self._emit(force=True)
            self._write_status(force=True)

    def _write_status(self, force: bool = False, state: UploaderState | None = None) -> None:
        """Keep the status in the queue for `kiosk-admin events status` (with
        `record_status`; from the uploader thread only, `StatusRecorder`'s pace)."""
        if threading.current_thread() is not self._thread or not self._recorder.due(force):
            return
        retry = self._retry_at - time.monotonic()
        self._recorder.write({
            "state": (state or self._state).value,
            "online": self._online,
            "last_error": self._last_error,
            "last_error_at": self._last_error_at,
            "last_success_at": self._last_success_at,
            "retry_at": time.time() + retry if retry > 0 and state is None else None,
            "slow_endpoint": self._read_timeout.slow_endpoint,
        })

    def _emit(self, force: bool = False) -> None:
        now = time.monotonic()
        if not self._listeners or (not force and now - self._last_emit < self.status_interval_s):
            return
        self._last_emit = now
        snapshot = self.status()
        for callback in list(self._listeners):
            try:
                callback(snapshot)
            except Exception:
                self._log.exception("%s status listener %r failed", self.name, callback)

    def _close_client(self) -> None:
        if self._owns_client and self._client is not None:
            close = getattr(self._client, "close", None)
            if callable(close):
                close()
            self._client = None

