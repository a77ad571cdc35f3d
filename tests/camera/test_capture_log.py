"""A lost camera is logged once (a WARNING naming it and what to do), then rarely while
it stays lost, and once when it is back; the retrying itself goes on as before."""

from __future__ import annotations

import logging
import random
import re

import pytest

from kiosk.camera.capture import REMIND_FIRST_S, CameraState, Capture
from kiosk.camera.fake import FakeSource
from kiosk.testing import FakeClock


def run_for(capture: Capture, clock: FakeClock, seconds: float, tick: float = 0.1) -> None:
    end = clock.now + seconds - 1e-9
    while clock.now < end:
        clock.advance(tick)
        capture.step()


def lines(caplog: pytest.LogCaptureFixture, level: int = logging.INFO) -> list[str]:
    return [r.getMessage() for r in caplog.records
            if r.name == "kiosk.camera.capture" and r.levelno >= level]


def test_a_camera_missing_for_an_hour_is_logged_a_few_times_not_every_retry(
    caplog: pytest.LogCaptureFixture,
) -> None:
    clock = FakeClock()
    source = FakeSource(clock=clock)
    source.disappear()
    capture = Capture(source, clock=clock, rng=random.Random(3))
    with caplog.at_level(logging.DEBUG, logger="kiosk.camera"):
        run_for(capture, clock, 3600.0, tick=0.5)
        assert capture.state is CameraState.LOST
        assert len(source.open_attempts) > 600  # still retrying every ~5 s
        said = lines(caplog)
        warnings = lines(caplog, logging.WARNING)
        assert warnings[0].startswith("camera lost: fake camera not found; check the camera")
        assert "keeps retrying" in warnings[0]
        # then reminders after 1, 3, 7, 15, 31 min: a handful, not 700 lines
        assert len(warnings) == 6, warnings
        assert re.match(r"camera still lost after 6\d s: fake camera not found; check", warnings[1])
        assert len(said) == len(warnings) + 1  # and "camera opening"
        assert sum("next try" in r.getMessage() for r in caplog.records) > 600  # DEBUG
        caplog.clear()
        source.come_back()
        run_for(capture, clock, 6.0)
    assert capture.state is CameraState.LIVE
    said = lines(caplog)
    assert len(said) == 1 and said[0].startswith("camera live: fake camera live ("), said
    assert said[0].endswith("(back after 60 min lost)")


def test_a_retry_failing_for_another_reason_is_said_once(
    caplog: pytest.LogCaptureFixture,
) -> None:
    clock = FakeClock()
    source = FakeSource(clock=clock)
    capture = Capture(source, clock=clock, rng=random.Random(3))
    capture.step(), capture.step()
    with caplog.at_level(logging.INFO, logger="kiosk.camera"):
        source.disappear()  # "disconnected", then "not found" on every reopen
        run_for(capture, clock, REMIND_FIRST_S - 1)
    said = lines(caplog)
    assert said == [
        "camera lost: fake camera disconnected; check the camera (cable, power, another "
        "program using it) and [camera] source; the kiosk keeps retrying, with the mood "
        "picker meanwhile",
        "camera still lost, now: fake camera not found; next try in "
        + said[1].rsplit("next try in ", 1)[1],
    ]
