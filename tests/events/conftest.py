"""Fixtures for the event queue and uploader: a fresh queue, a queue another connection
holds locked (`locked`), the local fake endpoint, uploaders with short timeouts and
backoffs (always stopped), and a status watcher."""

from __future__ import annotations

import io
import json
import random
import sqlite3
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from kiosk.aws import make_client
from kiosk.config import AwsSettings
from kiosk.domain import Emotion, Like
from kiosk.events.queue import EventQueue
from kiosk.events.records import Targets
from kiosk.events.spool import Spool
from kiosk.events.testing import FakePersonalizeEvents
from kiosk.events.uploader import Uploader, UploaderStatus
from kiosk.testing import FakeClock

TRACKING_ID = "test-tracker"
USERS_ARN = "arn:aws:personalize:us-east-1:123456789012:dataset/kiosk/USERS"
ITEMS_ARN = "arn:aws:personalize:us-east-1:123456789012:dataset/kiosk/ITEMS"


def make_like(
    visit: str = "visit-1",
    item: str = "emotions/happy/a.jpg",
    emotion: Emotion = Emotion.HAPPY,
    **kwargs: Any,
) -> Like:
    return Like(event_id=str(uuid.uuid4()), sent_at=time.time(), visit_id=visit,
                item_id=item, emotion=emotion, **kwargs)


@pytest.fixture
def new_like() -> Callable[..., Like]:
    return make_like


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "queue" / "events.sqlite3"


@pytest.fixture
def queue(db_path: Path) -> Iterator[EventQueue]:
    q = EventQueue(db_path)
    yield q
    q.close()


@pytest.fixture
def endpoint() -> Iterator[FakePersonalizeEvents]:
    with FakePersonalizeEvents() as server:
        yield server


def fast_aws(url: str, timeout_s: float = 1.0) -> AwsSettings:
    return AwsSettings(region="us-east-1", endpoint_personalize_events=url,
                       connect_timeout_s=timeout_s, read_timeout_s=timeout_s)


@pytest.fixture
def make_uploader(
    queue: EventQueue, endpoint: FakePersonalizeEvents
) -> Iterator[Callable[..., Uploader]]:
    """Uploader factory against the fake endpoint with test-sized timings; every
    uploader made is stopped (and its client closed) at teardown."""
    made: list[tuple[Uploader, Any]] = []

    def factory(
        q: EventQueue | None = None,
        targets: Targets | None = None,
        timeout_s: float = 5.0,
        url: str | None = None,
        **kwargs: Any,
    ) -> Uploader:
        client = kwargs.pop("client", None) or make_client(
            "personalize-events", fast_aws(url or endpoint.url, timeout_s)
        )
        options: dict[str, Any] = {
            "base_backoff_s": 0.01, "max_backoff_s": 0.2, "offline_retry_s": 0.05,
            "max_requests_per_s": 1000.0, "status_interval_s": 0.0,
            "rng": random.Random(7),
        }
        options.update(kwargs)
        uploader = Uploader(q or queue, targets or Targets(TRACKING_ID), client=client,
                            **options)
        made.append((uploader, client))
        return uploader

    yield factory
    for uploader, client in made:
        uploader.stop(timeout=5.0)
        close = getattr(client, "close", None)
        if callable(close):
            close()


class StatusWatch:
    """Collects an uploader's status callbacks; `wait(pred)` blocks until one matches."""

    def __init__(self, uploader: Uploader) -> None:
        self.seen: list[UploaderStatus] = []
        self._cond = threading.Condition()
        uploader.add_listener(self._on_status)

    def _on_status(self, status: UploaderStatus) -> None:
        with self._cond:
            self.seen.append(status)
            self._cond.notify_all()

    def wait(self, predicate: Callable[[UploaderStatus], bool], timeout: float = 10.0) -> bool:
        with self._cond:
            return self._cond.wait_for(lambda: any(predicate(s) for s in self.seen), timeout)


@pytest.fixture
def watch() -> Callable[[Uploader], StatusWatch]:
    return StatusWatch


class Locked:
    """A queue on a fake clock, its file held by another connection."""

    def __init__(self, db: Path) -> None:
        self.db = db
        self.clock = FakeClock(1000.0)
        self.queue = self.open()
        self.holder = sqlite3.connect(db, isolation_level=None)
        self.holder.execute("BEGIN EXCLUSIVE")

    def open(self) -> EventQueue:
        return EventQueue(self.db, busy_timeout_s=0.001, clock=self.clock,
                          pause=self.clock.advance)

    def release(self) -> None:
        if self.holder.in_transaction:
            self.holder.execute("ROLLBACK")


@pytest.fixture
def locked(db_path: Path) -> Iterator[Locked]:
    lk = Locked(db_path)
    yield lk
    lk.release()
    lk.holder.close()
    lk.queue.close()


def pending(queue: EventQueue) -> list[dict[str, Any]]:
    """`kiosk-admin events export --pending`, as JSON objects."""
    out = io.StringIO()
    queue.export(out, pending=True)
    return [json.loads(line) for line in out.getvalue().splitlines()]


def rows_of(db: Path, event_id: str) -> int:
    """How many rows of the queue file `db` hold `event_id`."""
    with sqlite3.connect(db) as conn:
        return int(conn.execute("SELECT count(*) FROM records WHERE record_id = ?",
                                (event_id,)).fetchone()[0])


def spooled_ids(queue: EventQueue) -> list[str]:
    """The record ids in the spool file and in any taken file beside it."""
    files = [queue.spool_path, *queue.spool_path.parent.glob(queue.spool_path.name + ".*")]
    return [r.record_id for f in files if f.is_file() for r in Spool(f).read(f)]
