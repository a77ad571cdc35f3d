"""The spool drain: queues what another program's lock kept in the event queue's spool
as soon as the lock goes, on its own thread, whether uploads are on or off.

Before, with uploads off (the default: `personalize.tracking_id` empty) there was no
uploader to retry, so a like kept in the spool stayed there until the kiosk's next
write (the next visitor's first page) or the next start: hours on a quiet evening, with
`kiosk-admin events status` saying `spooled` all the while.

The thread ("kiosk-spool") sleeps on a `threading.Event` with no timeout while the spool
is empty: nothing polls the disk then. The queue wakes it when a record goes to the
spool (`EventQueue.add_spool_listener`); from then on it tries `ingest_spool` once
every `SPOOL_RETRY_S` (one try, without waiting for the lock, logged at DEBUG while the
lock holds) until the spool is empty again. Each record is still queued exactly once
(`kiosk.events.recording`): a try racing the uploader's or a write's queues nothing
twice. No error ends the thread: one is logged and tried again after `SPOOL_RETRY_S`.
"""

from __future__ import annotations

import logging
import threading

from kiosk.events.queue import EventQueue
from kiosk.events.rows import SPOOL_RETRY_S

log = logging.getLogger(__name__)


class SpoolDrain:
    """Drains `queue`'s spool on the daemon thread "kiosk-spool"; `start`, `wake`,
    `stop` (see the module docstring). `step` is one round of the loop."""

    thread_name = "kiosk-spool"

    def __init__(self, queue: EventQueue, retry_s: float | None = None) -> None:
        self.queue = queue
        self.retry_s = SPOOL_RETRY_S if retry_s is None else retry_s
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Start the thread; it looks at the spool at once (a start under a lock leaves
        the spool as it found it) and then waits to be woken."""
        if self._thread is not None:
            return
        self.queue.add_spool_listener(self.wake)
        self._thread = threading.Thread(target=self._run, name=self.thread_name,
                                        daemon=True)
        self._thread.start()

    def wake(self) -> None:
        """A record went to the spool (any thread): try from now on."""
        self._wake.set()

    def stop(self, timeout: float = 3.0) -> bool:
        """End the thread (a try in progress finishes: one try, without waiting for the
        lock); True when it ended within `timeout`."""
        self.queue.remove_spool_listener(self.wake)
        self._stop.set()
        self._wake.set()
        thread = self._thread
        if thread is None:
            return True
        thread.join(timeout)
        if thread.is_alive():
            log.warning("spool drain: still busy after %.1f s", timeout)
            return False
        self._thread = None
        return True

    def step(self) -> float | None:
        """Try to queue the spool; returns how long to wait before the next try
        (`retry_s` while records still wait), or None when the spool is empty (wait
        until woken)."""
        try:
            if not self.queue.spool_waiting():
                return None
            self.queue.ingest_spool(retry=True)  # logs what it queued
            return self.retry_s if self.queue.spool_waiting() else None
        except Exception:  # thread boundary: report and try again later, never die
            log.exception("spool drain: queueing the spool failed; trying again in %.1f s",
                          self.retry_s)
            return self.retry_s

    def _run(self) -> None:
        while not self._stop.is_set():
            self._wake.clear()  # before the try: a record spooled during it wakes us
            wait = self.step()
            if self._stop.is_set():
                return
            self._wake.wait(wait)
