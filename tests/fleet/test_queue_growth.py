"""QueueDepth and QueueGrowth count only the event-queue rows an upload is configured
for (tester round 21: a kiosk without Personalize keeps every page's impression and
every like with nowhere to send them, about 3.5 rows a minute on a busy one, so
QueueGrowth was > 0 in 24 buckets in a row and the fleet's QueueGrowingAlarm, "uploads
stuck", fired for a healthy offline kiosk)."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from kiosk.app import Kiosk
from kiosk.config import load_settings
from kiosk.domain import Emotion
from kiosk.events.queue import EventQueue
from kiosk.events.records import user_record
from kiosk.status import awaiting_upload


def gauged_depths(qtbot: QtBot, tmp_path: Path, **overrides: str) -> tuple[int | None, int]:
    """(QueueDepth, QueueGrowth) of the open bucket after 3 pages and a new visitor
    were queued between two gauge samples."""
    settings = load_settings(env={}, overrides={
        "camera.source": "", "app.data_dir": str(tmp_path / "d"),
        "app.log_dir": str(tmp_path / "log"), "fleet.enabled": "true", **overrides,
    })
    kiosk = Kiosk(settings)  # not started: only its gauge sampling is used
    qtbot.addWidget(kiosk.window)
    queue = EventQueue(tmp_path / "events.sqlite3")
    try:
        kiosk.backend.queue = queue
        rec = kiosk.analytics
        assert rec is not None
        kiosk._sample_gauges()
        for page in range(3):
            queue.record_impression("visit-1", [f"happy-{page}"], emotion=Emotion.HAPPY)
        queue.record(user_record("user-1", Emotion.HAPPY))
        kiosk._sample_gauges()
        snap = rec.snapshot()
        first, last = rec._open.queue_first, rec._open.queue_last
    finally:
        queue.close()
    assert first is not None and last is not None
    return snap.queue_depth, last - first


def test_rows_with_no_upload_target_are_no_backlog(qtbot: QtBot, tmp_path: Path) -> None:
    assert gauged_depths(qtbot, tmp_path) == (0, 0)  # before: (4, 4)


def test_rows_an_upload_is_configured_for_are_the_backlog(qtbot: QtBot,
                                                          tmp_path: Path) -> None:
    # PutEvents configured, PutUsers not: the pages are waiting, the new visitor is kept
    assert gauged_depths(qtbot, tmp_path, **{"personalize.tracking_id": "t-1"}) == (3, 3)


@pytest.mark.parametrize(("kinds", "expected"), [
    ((), 0), (("event", "impression"), 3), (("event", "impression", "user", "item"), 4)])
def test_awaiting_upload_counts_the_given_kinds(tmp_path: Path, kinds: tuple[str, ...],
                                                expected: int) -> None:
    queue = EventQueue(tmp_path / "events.sqlite3")
    try:
        for page in range(3):
            queue.record_impression("visit-1", [f"calm-{page}"], emotion=Emotion.CALM)
        queue.record(user_record("user-1", Emotion.CALM))
        assert awaiting_upload(queue, kinds) == expected
    finally:
        queue.close()
