"""A lost camera is logged once (a WARNING naming it and what to do), then rarely while
it stays lost, and once when it is back; the retrying itself goes on as before."""

from __future__ import annotations

import logging
import random
import re
from pathlib import Path

import cv2
import numpy as np
import pytest

from kiosk.camera.capture import REMIND_FIRST_S, CameraState, Capture
from kiosk.camera.fake import FakeSource
from kiosk.camera.folder import ImageFolderSource
from kiosk.camera.sources import FrameSource, PendingPathSource, VideoFileSource
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


def write_clip(path: Path) -> None:
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"MJPG"), 10.0, (64, 48))
    for level in (20, 120, 220):
        writer.write(np.full((48, 64, 3), level, np.uint8))
    writer.release()


@pytest.mark.parametrize("kind", ["video", "folder", "video appeared late"])
def test_a_lost_file_or_folder_says_to_check_its_path_not_a_cable(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, kind: str,
) -> None:
    """Tester round 10: a video file that went away was logged as "check the camera
    (cable, power, another program using it)". A file or a folder of images says its
    path and asks whether it is still there and readable."""
    clock = FakeClock()
    if kind == "folder":
        path = tmp_path / "faces"
        path.mkdir()
        cv2.imwrite(str(path / "a.png"), np.full((48, 64, 3), 90, np.uint8))
        source: FrameSource = ImageFolderSource(path, clock=clock)
        what = f"check the image folder {path} (is it still there and readable"
    else:
        path = tmp_path / "shop.avi"
        write_clip(path)
        source = (VideoFileSource(path, clock=clock) if kind == "video"
                  else PendingPathSource(path, clock=clock))
        what = f"check the video file {path} (is it still there and readable"
    capture = Capture(source, clock=clock, rng=random.Random(3))
    run_for(capture, clock, 1.0)
    assert capture.state is CameraState.LIVE
    gone = tmp_path / "gone"
    with caplog.at_level(logging.INFO, logger="kiosk.camera"):
        path.rename(gone)  # the stick pulled: found missing at the next rewind or round
        run_for(capture, clock, REMIND_FIRST_S + 5)
    warnings = lines(caplog, logging.WARNING)
    assert warnings[0].startswith("camera lost: "), warnings
    assert what in warnings[0] and "[camera] source" in warnings[0]
    assert "cable" not in " ".join(warnings)
    assert any(what in w for w in warnings[1:])  # the reminder says it too
