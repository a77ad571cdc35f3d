"""Fixtures for the event queue and uploader: a fresh queue, the local fake endpoint,
uploaders with short timeouts and backoffs (always stopped), and a status watcher."""

from __future__ import annotations

import random
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
from kiosk.events.testing import FakePersonalizeEvents
from kiosk.events.uploader import Uploader, UploaderStatus

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
