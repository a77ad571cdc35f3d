"""The admin panel's problem lines clear after recovery (issue 18): "last upload error"
and "last Personalize fallback" are shown only until a success comes after them."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

import pytest

from kiosk.backend import KioskBackend
from kiosk.events.uploader import UploaderState, UploaderStatus


@dataclass
class Recommender:
    personalize: dict[str, Any] = field(default_factory=dict)
    last_fallback: str | None = None
    last_fallback_at: float | None = None

    def status(self) -> dict[str, Any]:
        return {"backend": "personalize", "items_by_emotion": {}, "personalize": self.personalize,
                "last_fallback": self.last_fallback, "last_fallback_at": self.last_fallback_at}


class Uploader:
    def __init__(self) -> None:
        self.values: dict[str, Any] = {"online": True}

    def status(self) -> UploaderStatus:
        return UploaderStatus(state=UploaderState.IDLE, last_error=self.values.get("last_error"),
                              online=self.values.get("online"), pending=0,
                              last_error_at=self.values.get("last_error_at"),
                              last_success_at=self.values.get("last_success_at"),
                              retry_in_s=self.values.get("retry_in_s"))

    def stop(self, timeout: float | None = None) -> bool:
        return True

    def notify_online(self) -> None:
        self.values["asked"] = "notify_online"

    def retry_now(self) -> None:
        self.values["asked"] = "retry_now"


def test_problem_lines_show_until_a_later_success() -> None:
    rec, uploader = Recommender(), Uploader()
    backend = KioskBackend(recommender=rec, uploader=uploader)  # type: ignore[arg-type]
    assert "last upload error" not in backend.status().as_dict()

    uploader.values.update(last_error="ThrottlingException: slow down", last_error_at=100.0,
                           last_success_at=50.0)
    rec.last_fallback, rec.last_fallback_at = "Personalize timed out; embedded used", 100.0
    rec.personalize = {"last_success_at": 50.0}
    status = backend.status().as_dict()
    assert status["last upload error"] == "ThrottlingException: slow down"
    assert status["last Personalize fallback"] == "Personalize timed out; embedded used"

    uploader.values["last_success_at"] = 130.0  # recovered
    rec.personalize = {"last_success_at": 120.0}
    status = backend.status().as_dict()
    assert "last upload error" not in status
    assert "last Personalize fallback" not in status


def test_one_status_snapshot_keeps_the_panel_keys_and_order() -> None:
    """`KioskStatus.as_dict` is the admin panel's flat dict: back-end keys first, only
    the keys that apply, the same names the panel reads."""
    from kiosk.status import AppStatus, BackendStatus, KioskStatus, QueueStatus

    backend = BackendStatus(catalog_counts={"happy": 3}, recommender="embedded",
                            queue=QueueStatus(depth=4, dead_letters=1, disk_full="disk full"),
                            online=False, uploader="offline")
    app = AppStatus(crash_count=2, model_device="cpu", camera_state="LIVE", camera_fps=29.8,
                    history={"restarts_last_hour": 1},
                    rekognition={"calls_this_hour": 0, "last_outcome": "ok"})
    flat = KioskStatus(backend, app).as_dict()
    assert list(flat) == ["catalog_counts", "recommender", "queue_depth", "dead_letters", "disk",
                          "online", "uploader", "crash_count", "model_device",
                          "uploads_configured", "restarts_last_hour", "camera_state",
                          "camera_fps", "Rekognition"]
    assert flat["queue_depth"] == 4 and flat["online"] is False and flat["disk"] == "disk full"
    idle = KioskStatus(BackendStatus(uploads_off="off (Personalize not configured)")).as_dict()
    assert idle["uploads"] == "off (Personalize not configured)" and "queue_depth" not in idle


class _BrokenQueue:
    """A queue on a read-only data folder: every write fails, until `fixed`."""

    def __init__(self) -> None:
        self.fixed = False
        self.impressions = 0

    def record_impression(self, *args: object, **kwargs: object) -> int:
        if not self.fixed:
            raise OSError("the event queue cannot be written (Read-only file system)")
        self.impressions += 1
        return 1


def test_lost_impressions_are_said_once_then_as_reminders(
        caplog: pytest.LogCaptureFixture) -> None:
    from kiosk.backend import kiosk_backend
    from kiosk.domain import Emotion, Page

    queue = _BrokenQueue()
    backend = KioskBackend(recommender=Recommender(), queue=queue)  # type: ignore[arg-type]
    pages = 2 * kiosk_backend.IMPRESSION_REMINDER + 5
    with caplog.at_level(logging.DEBUG, "kiosk.backend.kiosk_backend"):
        for n in range(pages):
            backend.record_impression(Page(items=(), emotion=Emotion.HAPPY, visit_id="v",
                                           index=n))
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 3  # the first page, then every IMPRESSION_REMINDER pages
    assert "Read-only file system" in warnings[0].getMessage()
    assert f"({2 * kiosk_backend.IMPRESSION_REMINDER} since" in warnings[-1].getMessage()
    caplog.clear()
    queue.fixed = True
    with caplog.at_level(logging.INFO, "kiosk.backend.kiosk_backend"):
        backend.record_impression(Page(items=(), emotion=Emotion.HAPPY, visit_id="v",
                                       index=pages))
    assert queue.impressions == 1
    assert f"queued again ({pages} were not)" in caplog.text


def test_flush_events_asks_for_a_try_now_and_the_status_says_when() -> None:
    # before: the admin panel's Flush called notify_online, which did nothing during a
    # service backoff, and the status had no time for "retrying soon"
    uploader = Uploader()
    backend = KioskBackend(recommender=Recommender(), uploader=uploader)  # type: ignore[arg-type]
    backend.wake_uploader()
    assert uploader.values["asked"] == "retry_now"
    uploader.values["retry_in_s"] = 12.5
    assert backend.status().as_dict()["retry_in_s"] == 12.5
