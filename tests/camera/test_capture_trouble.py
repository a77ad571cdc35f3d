"""The capture loop names why the camera is STALLED or LOST as a code (`CameraTrouble`),
which the fleet carries centrally ("camera lost since 19:47: the device disappeared
(unplugged?)"); before, only the panel's free-text message said why."""

from __future__ import annotations

import random
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest

from kiosk.camera import CameraTrouble, DeviceSource, FrameSource, trouble_text
from kiosk.camera.capture import CameraState, Capture
from kiosk.camera.errors import SourceEnded
from kiosk.camera.fake import FakeSource
from kiosk.camera.folder import ImageFolderSource
from kiosk.camera.sources import source_from_setting
from kiosk.testing import FakeClock


def make(source: FrameSource, clock: FakeClock) -> Capture:
    return Capture(source, clock=clock, stall_after_s=2.0, lost_after_s=5.0,
                   rng=random.Random(7))


def run_for(capture: Capture, clock: FakeClock, seconds: float, tick: float = 0.1) -> None:
    end = clock.now + seconds - 1e-9
    while clock.now < end:
        clock.advance(tick)
        capture.step()


def live(source: FakeSource, clock: FakeClock) -> Capture:
    capture = make(source, clock)
    capture.step(), capture.step()
    assert capture.state is CameraState.LIVE and capture.trouble is None
    return capture


def test_unplugged_is_device_gone_while_lost_and_when_reopening(clock: FakeClock) -> None:
    source = FakeSource()
    capture = live(source, clock)
    source.disappear()
    capture.step()
    assert (capture.state, capture.trouble) == (CameraState.LOST, CameraTrouble.DEVICE_GONE)
    clock.advance(capture.last_backoff_s)
    capture.step()  # the reopen fails: still gone, not "cannot open"
    assert capture.trouble is CameraTrouble.DEVICE_GONE
    source.come_back()
    clock.advance(capture.last_backoff_s)
    capture.step(), capture.step()
    assert (capture.state, capture.trouble) == (CameraState.LIVE, None)


def test_no_frames_and_a_frozen_picture_differ(clock: FakeClock) -> None:
    source = FakeSource()
    capture = live(source, clock)
    source.stall()
    run_for(capture, clock, 2.0)
    assert (capture.state, capture.trouble) == (CameraState.STALLED, CameraTrouble.NO_FRAMES)
    run_for(capture, clock, 5.0)
    assert (capture.state, capture.trouble) == (CameraState.LOST, CameraTrouble.NO_FRAMES)

    frozen = FakeSource()
    capture = live(frozen, clock)
    frozen.freeze()
    run_for(capture, clock, 2.0)
    assert (capture.state, capture.trouble) == (CameraState.STALLED, CameraTrouble.FROZEN)


def test_a_failed_open_with_the_device_there_and_an_ended_video(clock: FakeClock) -> None:
    class Busy(FakeSource):
        def open(self) -> None:
            raise OSError("device or resource busy")

    capture = make(Busy(), clock)
    capture.step()
    assert (capture.state, capture.trouble) == (CameraState.LOST, CameraTrouble.CANNOT_OPEN)

    class Ends(FakeSource):
        def read(self) -> np.ndarray | None:
            raise SourceEnded("clip.mp4 ended (camera.loop is off)")

    capture = make(Ends(), clock)
    capture.step(), capture.step()
    assert (capture.state, capture.trouble) == (CameraState.LOST, CameraTrouble.ENDED)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="device nodes are Linux's")
def test_a_camera_whose_device_node_is_missing_is_gone(clock: FakeClock) -> None:
    capture = make(DeviceSource(97, "auto"), clock)  # no /dev/video97
    capture.step()
    assert (capture.state, capture.trouble) == (CameraState.LOST, CameraTrouble.DEVICE_GONE)


def test_codes_read_back_as_words() -> None:
    assert trouble_text(1.0) == "the camera device disappeared (unplugged?)"
    assert trouble_text(8.0) == "the video file is gone (moved or deleted?)"
    assert trouble_text(11.0) == "camera.source does not exist: check the path"
    for odd in (99.0, float("inf"), float("nan")):  # a newer kiosk's code, or garbage
        assert trouble_text(odd).startswith("reason code ")
    assert "update kiosk-admin" in trouble_text(99.0)
    assert trouble_text(None) == ""
    assert sorted(int(c) for c in CameraTrouble) == list(range(1, len(CameraTrouble) + 1))


def write_images(folder: Path, n: int) -> None:
    folder.mkdir(exist_ok=True)
    for i in range(n):
        cv2.imwrite(str(folder / f"{i}.png"), np.full((48, 64, 3), 40 + 10 * i, np.uint8))


def test_a_new_reason_while_lost_reaches_the_trouble_callback(
    tmp_path: Path, clock: FakeClock,
) -> None:
    """Tester round 23, M1: LOST -> LOST for a new reason called nobody, so the fleet's
    CameraTrouble kept the loss's first reason. Emptied, then removed: each is said."""
    folder = tmp_path / "faces"
    write_images(folder, 2)
    capture = make(ImageFolderSource(folder, clock=clock), clock)
    run_for(capture, clock, 1.0)
    assert capture.state is CameraState.LIVE
    states: list[CameraState] = []
    troubles: list[CameraTrouble | None] = []
    capture.on_state(lambda state, _msg: states.append(state))
    capture.on_trouble(troubles.append)
    for f in folder.iterdir():
        f.unlink()
    run_for(capture, clock, 5.0)
    assert (capture.state, capture.trouble) == (CameraState.LOST, CameraTrouble.FOLDER_EMPTY)
    folder.rmdir()
    run_for(capture, clock, 60.0)
    assert (capture.state, capture.trouble) == (CameraState.LOST, CameraTrouble.FOLDER_GONE)
    assert states == [CameraState.LOST]  # one state change
    assert troubles[-1] is CameraTrouble.FOLDER_GONE  # and the new reason told


@pytest.mark.parametrize("kind", ["video", "folder"])
def test_a_file_or_folder_that_went_away_is_not_a_device_gone(
    tmp_path: Path, clock: FakeClock, kind: str,
) -> None:
    """Tester round 23, M2: a moved video file read "the device disappeared (unplugged?)"
    centrally and an operator checked cables."""
    if kind == "folder":
        path = tmp_path / "faces"
        write_images(path, 1)
        want = CameraTrouble.FOLDER_GONE
    else:
        path = tmp_path / "shop.avi"
        writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"MJPG"), 10.0, (64, 48))
        for level in (20, 120, 220):
            writer.write(np.full((48, 64, 3), level, np.uint8))
        writer.release()
        want = CameraTrouble.VIDEO_GONE
    capture = make(source_from_setting(str(path)), clock)
    run_for(capture, clock, 1.0)
    assert capture.state is CameraState.LIVE
    path.rename(tmp_path / "moved")
    run_for(capture, clock, 60.0)
    assert (capture.state, capture.trouble) == (CameraState.LOST, want)


@pytest.mark.parametrize("setting", ["/nonexistent-dir/nonexist.avi", "abc"])
def test_a_path_that_never_existed_says_check_the_path(
    tmp_path: Path, clock: FakeClock, setting: str, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Tester round 23, M2: `--camera abc` read "the device disappeared (unplugged?)"."""
    monkeypatch.chdir(tmp_path)
    capture = make(source_from_setting(setting), clock)
    capture.step()
    assert (capture.state, capture.trouble) == (CameraState.LOST,
                                                CameraTrouble.SOURCE_MISSING)
    assert capture.trouble is not None
    assert capture.trouble.text == "camera.source does not exist: check the path"
