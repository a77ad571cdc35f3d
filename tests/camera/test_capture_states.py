"""The capture state machine, driven one `step()` at a time on a hand-moved clock:
no thread, no waiting, fully deterministic."""

from __future__ import annotations

import itertools
import random

import numpy as np
import pytest

from kiosk.camera.capture import CameraState, Capture, backoff_delay, content_key
from kiosk.camera.errors import SourceEnded
from kiosk.camera.fake import FakeSource, numbered_frame
from kiosk.config import CameraSettings
from kiosk.domain import Frame

OPENING, LIVE, STALLED, LOST = (
    CameraState.OPENING, CameraState.LIVE, CameraState.STALLED, CameraState.LOST
)


def newest(capture: Capture) -> Frame:
    """The capture's newest frame; fails the test when there is none yet."""
    frame = capture.latest()
    assert frame is not None, "no frame published yet"
    return frame


def make(source: FakeSource, clock, states, **kw) -> Capture:
    kw.setdefault("stall_after_s", 2.0)
    kw.setdefault("lost_after_s", 5.0)
    kw.setdefault("rng", random.Random(7))
    capture = Capture(source, clock=clock, **kw)
    capture.on_state(states)
    return capture


def run_for(capture: Capture, clock, seconds: float, tick: float = 0.1) -> None:
    """Step the loop while the clock moves `seconds` in `tick` steps."""
    end = clock.now + seconds - 1e-9
    while clock.now < end:
        clock.advance(tick)
        capture.step()


def reopen(capture: Capture, clock) -> None:
    """Move the clock to the scheduled reopen and step through open + first read."""
    clock.advance(capture.last_backoff_s)
    capture.step()
    capture.step()


def test_opening_then_live(clock, states) -> None:
    capture = make(FakeSource(), clock, states)
    capture.step()  # announce OPENING, open
    assert capture.state is OPENING and capture.latest() is None
    capture.step()
    frame = capture.latest()
    assert capture.state is LIVE
    assert frame is not None and frame.seq == 1 and frame.timestamp == clock.now
    assert frame.source == "fake camera" and (frame.width, frame.height) == (32, 24)
    assert states.states == [OPENING, LIVE]
    assert "live" in states.history[-1][1]


def test_stall_goes_stalled_then_lost_then_reopens_live(clock, states) -> None:
    source = FakeSource()
    capture = make(source, clock, states)
    capture.step(), capture.step()
    source.stall()
    run_for(capture, clock, 1.9)
    assert capture.state is LIVE
    run_for(capture, clock, 0.1)
    assert capture.state is STALLED
    assert states.history[-1][1] == "no frames from fake camera for 2.0 s"
    run_for(capture, clock, 4.9)
    assert capture.state is STALLED and source.closes == 0
    run_for(capture, clock, 0.1)
    assert capture.state is LOST and source.closes == 1 and not source.is_open
    assert capture.message == "no frames from fake camera for 7.0 s; reopening fake camera"
    source.resume()
    capture.step()  # still waiting for the backoff
    assert source.opens == 1
    reopen(capture, clock)
    assert source.opens == 2 and capture.state is LIVE
    assert states.states == [OPENING, LIVE, STALLED, LOST, LIVE]
    assert newest(capture).seq == 2  # seq keeps counting across a reopen


def test_frames_returning_within_stall_time_stay_live(clock, states) -> None:
    source = FakeSource()
    capture = make(source, clock, states)
    capture.step(), capture.step()
    source.stall()
    run_for(capture, clock, 1.5)
    source.resume()
    capture.step()
    run_for(capture, clock, 1.5)
    assert states.states == [OPENING, LIVE]


def test_stalled_recovers_to_live_without_reopen(clock, states) -> None:
    source = FakeSource()
    capture = make(source, clock, states)
    capture.step(), capture.step()
    source.stall()
    run_for(capture, clock, 3.0)
    source.resume()
    capture.step()
    assert states.states == [OPENING, LIVE, STALLED, LIVE] and source.opens == 1


def test_frozen_identical_frames_count_as_stalled(clock, states) -> None:
    source = FakeSource()
    capture = make(source, clock, states)
    capture.step(), capture.step()
    seq = newest(capture).seq
    source.freeze()  # the driver keeps handing out the last frame (OpenCV after an unplug)
    run_for(capture, clock, 2.0)
    assert capture.state is STALLED
    assert "picture frozen (identical frames) for 2.0 s" in capture.message
    assert newest(capture).seq == seq  # stale copies are not published as new frames
    assert source.reads > 20
    run_for(capture, clock, 5.0)
    assert capture.state is LOST and source.closes == 1
    reopen(capture, clock)
    assert capture.state is LOST  # still the same stale picture after reopening
    source.unfreeze()
    capture.step()
    assert capture.state is LIVE and newest(capture).seq == seq + 1


def test_repeats_are_fine_for_sources_without_sensor_noise(clock, states) -> None:
    still = np.zeros((24, 32, 3), np.uint8)
    source = FakeSource([still], expect_sensor_noise=False)
    capture = make(source, clock, states)
    run_for(capture, clock, 10.0)
    assert states.states == [OPENING, LIVE] and newest(capture).seq == 99


def test_missing_at_start_is_lost_not_an_exception(clock, states) -> None:
    source = FakeSource()
    source.disappear()
    capture = make(source, clock, states)
    capture.step()
    assert capture.state is LOST and capture.message == "fake camera not found"
    run_for(capture, clock, 0.3)
    assert len(source.open_attempts) == 1  # waits for the backoff, no busy retry
    source.come_back()
    reopen(capture, clock)
    assert states.states == [OPENING, LOST, LIVE]


def test_unplug_while_live_is_lost_then_replug_is_live(clock, states) -> None:
    source = FakeSource()
    capture = make(source, clock, states)
    capture.step(), capture.step()
    source.disappear()
    capture.step()
    assert capture.state is LOST and capture.message == "fake camera disconnected"
    reopen(capture, clock)
    assert capture.state is LOST and capture.message == "fake camera not found"
    source.come_back()
    reopen(capture, clock)
    assert states.states == [OPENING, LIVE, LOST, LIVE]


def test_reopened_but_silent_source_is_closed_again(clock, states) -> None:
    source = FakeSource()
    capture = make(source, clock, states, stall_after_s=1.0, lost_after_s=1.0)
    capture.step(), capture.step()
    source.stall()
    run_for(capture, clock, 2.0)
    assert capture.state is LOST and source.closes == 1
    first_backoff = capture.last_backoff_s
    reopen(capture, clock)
    assert source.is_open
    run_for(capture, clock, 1.9)
    assert source.closes == 1
    run_for(capture, clock, 0.1)
    assert source.closes == 2 and "after reopening" in capture.message
    assert capture.last_backoff_s > first_backoff
    assert states.states == [OPENING, LIVE, STALLED, LOST]


def test_backoff_doubles_from_half_a_second_and_is_capped(clock, states) -> None:
    source = FakeSource(clock=clock)
    source.disappear()
    capture = make(source, clock, states, reopen_backoff_max_s=4.0)
    for _ in range(8):
        capture.step()
        clock.advance(capture.last_backoff_s)
    times = source.open_attempts
    gaps = [b - a for a, b in itertools.pairwise(times)]
    steps = [0.5, 1.0, 2.0, 4.0, 4.0, 4.0, 4.0]
    assert len(gaps) == len(steps)
    for gap, step in zip(gaps, steps, strict=True):
        assert 0.75 * step <= gap <= step
    assert states.states == [OPENING, LOST]  # retries do not re-report LOST


def test_backoff_resets_after_live(clock, states) -> None:
    source = FakeSource()
    source.disappear()
    capture = make(source, clock, states)
    for _ in range(4):
        capture.step()
        clock.advance(capture.last_backoff_s)
    source.come_back()
    capture.step(), capture.step()
    assert capture.state is LIVE
    source.disappear()
    capture.step()
    assert capture.last_backoff_s <= 0.5


def test_backoff_delay_bounds() -> None:
    class Fixed(random.Random):
        def __init__(self, value: float) -> None:
            super().__init__()
            self.value = value

        def random(self) -> float:
            return self.value

    assert [backoff_delay(n, 0.5, 30.0, Fixed(0.0)) for n in range(8)] == [
        0.5, 1.0, 2.0, 4.0, 8.0, 16.0, 30.0, 30.0
    ]
    assert backoff_delay(3, 0.5, 30.0, Fixed(1.0)) == pytest.approx(3.0)
    assert backoff_delay(10_000, 0.5, 30.0, Fixed(0.0)) == 30.0


def test_end_of_file_is_lost_without_reopen(clock, states) -> None:
    def script(index: int) -> np.ndarray:
        if index == 3:
            raise SourceEnded("clip.avi ended (camera.loop is off)")
        return numbered_frame(index)

    source = FakeSource(script)
    capture = make(source, clock, states)
    run_for(capture, clock, 60.0, tick=1.0)
    assert capture.state is LOST and capture.message == "clip.avi ended (camera.loop is off)"
    assert source.opens == 1 and newest(capture).seq == 3


def test_frames_are_read_only_views(clock, states) -> None:
    image = numbered_frame(0)
    capture = make(FakeSource([image]), clock, states)
    capture.step(), capture.step()
    frame = newest(capture)
    assert not frame.image.flags.writeable
    assert image.flags.writeable  # the source's own array is untouched
    with pytest.raises(ValueError):
        frame.image[0, 0, 0] = 1


def test_fps_is_measured_and_decays_when_stalled(clock, states) -> None:
    source = FakeSource()
    capture = make(source, clock, states)
    capture.step()
    run_for(capture, clock, 3.0, tick=0.1)
    assert capture.fps() == pytest.approx(10.0, rel=0.05)
    source.stall()
    clock.advance(1.0)
    assert 0 < capture.fps() < 7.0
    clock.advance(1.5)
    assert capture.fps() == 0.0


def test_state_callbacks_survive_errors_and_unsubscribe(clock, states) -> None:
    source = FakeSource()
    capture = Capture(source, clock=clock)

    def broken(state: CameraState, message: str) -> None:
        raise RuntimeError("callback bug")

    capture.on_state(broken)
    unsubscribe = capture.on_state(states)
    capture.step()
    unsubscribe()
    capture.step()
    assert capture.state is LIVE and states.states == [OPENING]


def test_from_settings_uses_the_watchdog_settings(clock) -> None:
    settings = CameraSettings(stall_after_s=1.5, lost_after_s=9.0, reopen_backoff_max_s=12.0)
    capture = Capture.from_settings(FakeSource(), settings, clock=clock)
    assert (capture.stall_after_s, capture.lost_after_s, capture.backoff_max_s) == (1.5, 9.0, 12.0)


def test_content_key_is_exact_on_a_subsample() -> None:
    rng = np.random.default_rng(0)
    image = rng.integers(0, 256, (480, 640, 3), dtype=np.uint8)
    assert content_key(image) == content_key(image.copy())
    noisy = image.copy()
    noisy[::10, ::10] ^= 1  # one-level sensor noise on the sampled grid
    assert content_key(noisy) != content_key(image)
    assert content_key(image[:240]) != content_key(image)


def test_trouble_time_counts_from_the_stall_through_the_loss_and_clears_when_live(
        clock, states) -> None:
    """The admin panel's "since" (tester round 12: the camera tile named no time)."""
    source = FakeSource()
    capture = make(source, clock, states)
    capture.step(), capture.step()
    assert capture.state is LIVE and capture.trouble_s() is None
    source.stall()
    run_for(capture, clock, 2.0)
    assert capture.state is STALLED and capture.trouble_s() == pytest.approx(0.0)
    run_for(capture, clock, 5.0)
    assert capture.state is LOST
    assert capture.trouble_s() == pytest.approx(5.0)  # from the stall, not from the loss
    source.resume()
    reopen(capture, clock)
    assert capture.state is LIVE and capture.trouble_s() is None


def test_a_loss_whose_reason_changes_keeps_its_start_and_reads_the_new_reason(
        clock, states) -> None:
    source = FakeSource()
    capture = make(source, clock, states)
    capture.step(), capture.step()
    source.disappear()
    capture.step()
    assert capture.state is LOST
    first = capture.message
    lost_at = clock.now
    source.come_back()
    source.stall()  # it opens again but gives nothing: a new reason, the same loss
    for _ in range(3):
        reopen(capture, clock)
        run_for(capture, clock, 7.5)
    assert capture.state is LOST and capture.message != first
    assert "after reopening" in capture.message
    assert capture.trouble_s() == pytest.approx(clock.now - lost_at)
    # the state callback told only the change of state; the message is read live
    assert [s for s, _ in states.history].count(LOST) == 1


@pytest.mark.parametrize(("degrees", "k"), [(90, -1), (180, 2), (270, 1)])
def test_a_sideways_camera_gives_upright_frames_of_the_turned_size(
    clock, states, degrees: int, k: int
) -> None:
    """`[camera] rotate`: every frame is turned clockwise before anyone sees it (the
    preview, the vision loop, Rekognition crops), and LIVE names the turned size."""
    source_frame = numbered_frame(3, height=24, width=32)
    settings = CameraSettings(rotate=degrees)
    capture = Capture.from_settings(FakeSource([source_frame]), settings, clock=clock)
    capture.on_state(states)
    capture.step(), capture.step()
    frame = newest(capture)
    np.testing.assert_array_equal(frame.image, np.rot90(source_frame, k))  # k<0: clockwise
    assert not frame.image.flags.writeable
    size = "24x32" if degrees in (90, 270) else "32x24"
    assert states.history[-1] == (LIVE, f"fake camera live ({size})")


def test_an_unknown_rotation_is_refused() -> None:
    with pytest.raises(ValueError, match=r"rotate must be one of \(0, 90, 180, 270\)"):
        Capture(FakeSource(), rotate=45)
