"""The capture thread in real time: newest-frame-only hand-off, prompt stop, and
the state machine end to end. Waits are on conditions and queues, never sleeps."""

from __future__ import annotations

import itertools
import threading
import time

import numpy as np

from kiosk.camera.capture import CameraState
from kiosk.camera.fake import FakeSource, numbered_frame
from kiosk.domain import Frame

FAST = {"stall_after_s": 0.05, "lost_after_s": 0.05, "reopen_backoff_initial_s": 0.01}


def test_capture_thread_is_a_named_daemon(make_capture, states) -> None:
    capture = make_capture(FakeSource(interval_s=0.001))
    capture.on_state(states)
    capture.start()
    threads = [t for t in threading.enumerate() if t.name == "kiosk-capture"]
    assert len(threads) == 1 and threads[0].daemon
    states.wait_for(CameraState.LIVE)
    assert states.states[:2] == [CameraState.OPENING, CameraState.LIVE]


def test_slow_consumer_gets_newest_frame_with_gaps_never_a_backlog(make_capture) -> None:
    capture = make_capture(FakeSource(interval_s=0.0005))
    capture.start()
    seen = []
    last = 0
    for _ in range(8):
        frame = capture.wait_newer(last, timeout=1.0)
        assert frame is not None
        seen.append(frame)
        last = frame.seq
        # "Work" for a while: until the camera has moved at least 3 frames on.
        assert capture.wait_newer(last + 2, timeout=1.0) is not None
    seqs = [f.seq for f in seen]
    assert all(b - a >= 3 for a, b in itertools.pairwise(seqs)), seqs
    stamps = [f.timestamp for f in seen]
    assert stamps == sorted(stamps)


def test_a_late_consumer_gets_the_newest_not_the_oldest(make_capture) -> None:
    burst = 20

    def script(index: int) -> np.ndarray | None:
        return numbered_frame(index) if index < burst else None

    capture = make_capture(FakeSource(script), stall_after_s=60.0)
    capture.start()
    assert capture.wait_newer(burst - 1, timeout=1.0) is not None
    frame = capture.wait_newer(0, timeout=1.0)  # asks for "anything after 0"
    assert frame is not None and frame.seq == burst  # gets the newest, once
    assert capture.latest() is frame


def test_timestamps_and_seq_are_monotonic(make_capture) -> None:
    capture = make_capture(FakeSource())
    capture.start()
    frames: list[Frame] = []
    last = 0
    while len(frames) < 50:
        frame = capture.wait_newer(last, timeout=1.0)
        assert frame is not None
        frames.append(frame)
        last = frame.seq
    assert all(b.seq > a.seq for a, b in itertools.pairwise(frames))
    assert all(b.timestamp >= a.timestamp for a, b in itertools.pairwise(frames))
    assert frames[-1].timestamp <= time.monotonic()


def test_stall_lost_reopen_live_in_real_time(make_capture, states) -> None:
    source = FakeSource(interval_s=0.002)
    capture = make_capture(source, **FAST)
    capture.on_state(states)
    capture.start()
    states.wait_for(CameraState.LIVE)
    source.stall()
    assert states.wait_for(CameraState.STALLED).startswith("no frames from fake camera")
    states.wait_for(CameraState.LOST)
    source.resume()
    states.wait_for(CameraState.LIVE)
    assert source.opens >= 2


def test_missing_camera_at_start_retries_until_it_appears(make_capture, states) -> None:
    source = FakeSource(interval_s=0.002)
    source.disappear()
    capture = make_capture(source, **FAST)
    capture.on_state(states)
    capture.start()  # does not raise
    assert states.wait_for(CameraState.LOST) == "fake camera not found"
    source.come_back()
    states.wait_for(CameraState.LIVE)
    assert capture.wait_newer(0, timeout=1.0) is not None


def test_frozen_picture_is_stalled_in_real_time(make_capture, states) -> None:
    source = FakeSource(interval_s=0.002)
    capture = make_capture(source, **FAST)
    capture.on_state(states)
    capture.start()
    states.wait_for(CameraState.LIVE)
    source.freeze()
    assert "frozen" in states.wait_for(CameraState.STALLED)
    source.unfreeze()
    states.wait_for(CameraState.LIVE)


def test_stop_is_prompt_while_live(make_capture) -> None:
    capture = make_capture(FakeSource(interval_s=0.01))
    capture.start()
    assert capture.wait_newer(0, timeout=1.0) is not None
    started = time.monotonic()
    assert capture.stop(timeout=1.0)
    assert time.monotonic() - started < 0.1
    assert not capture.source.is_open


def test_stop_is_prompt_while_waiting_to_reopen(make_capture, states) -> None:
    source = FakeSource()
    source.disappear()
    capture = make_capture(source, reopen_backoff_initial_s=30.0)
    capture.on_state(states)
    capture.start()
    states.wait_for(CameraState.LOST)
    started = time.monotonic()
    assert capture.stop(timeout=1.0)
    assert time.monotonic() - started < 0.1


def test_stop_wakes_a_waiting_consumer(make_capture) -> None:
    source = FakeSource()
    source.stall()
    capture = make_capture(source, stall_after_s=60.0)
    capture.start()
    result: list[object] = []
    waiter = threading.Thread(
        target=lambda: result.append(capture.wait_newer(0, timeout=5.0)), name="test-waiter"
    )
    waiter.start()
    started = time.monotonic()
    capture.stop(timeout=1.0)
    waiter.join(timeout=1.0)
    assert not waiter.is_alive() and result == [None]
    assert time.monotonic() - started < 0.1


def test_restart_after_stop(make_capture, states) -> None:
    source = FakeSource(interval_s=0.002)
    capture = make_capture(source)
    capture.on_state(states)
    capture.start()
    first = capture.wait_newer(0, timeout=1.0)
    assert capture.stop()
    capture.start()
    assert capture.wait_newer(first.seq, timeout=1.0) is not None
    assert source.opens == 2 and states.states.count(CameraState.OPENING) == 2
