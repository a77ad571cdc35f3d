"""The capture loop names why the camera is STALLED or LOST as a code (`CameraTrouble`),
which the fleet carries centrally ("camera lost since 19:47: the device disappeared
(unplugged?)"); before, only the panel's free-text message said why."""

from __future__ import annotations

import random
import sys

import numpy as np
import pytest

from kiosk.camera import CameraTrouble, DeviceSource, FrameSource, trouble_text
from kiosk.camera.capture import CameraState, Capture
from kiosk.camera.errors import SourceEnded
from kiosk.camera.fake import FakeSource
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
    assert trouble_text(1.0) == "the device disappeared (unplugged?)"
    assert trouble_text(99.0) == "reason code 99"  # a newer kiosk's code
    assert trouble_text(None) == ""
    assert sorted(int(c) for c in CameraTrouble) == list(range(1, len(CameraTrouble) + 1))
