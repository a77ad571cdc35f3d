"""Camera recovery and the image policy at the camera's entry points.

Folder camera: files that vanish come back LIVE within a second of returning,
files that had failed are retried on reopen, every odd file is skipped with a
warning naming it. Device and video frames: slivers and monsters are refused,
big frames shrunk once on the capture thread. All driven with `step()` on a
hand-moved clock: no thread, no sleeping."""

from __future__ import annotations

import logging
import random
import shutil
from pathlib import Path

import cv2
import numpy as np
import pytest

from kiosk.camera.capture import PROBE_S, CameraState, Capture
from kiosk.camera.errors import CameraError
from kiosk.camera.fake import FakeSource
from kiosk.camera.sources import (
    ImageFolderSource,
    PendingPathSource,
    VideoFileSource,
    as_bgr,
)
from kiosk.config import CameraSettings
from kiosk.imaging import FRAME_MAX_SIDE
from kiosk.imaging.testing import BAD, GOOD, make_odd_files, textured

LIVE, LOST = CameraState.LIVE, CameraState.LOST


def run_for(capture: Capture, clock, seconds: float, tick: float = 0.05) -> None:
    end = clock.now + seconds - 1e-9
    while clock.now < end:
        clock.advance(tick)
        capture.step()


def seconds_until(capture: Capture, clock, state: CameraState, limit: float,
                  tick: float = 0.05) -> float:
    """Step until `state`; how long it took on the fake clock (fails past `limit`)."""
    start = clock.now
    while capture.state is not state:
        assert clock.now - start <= limit, f"not {state} within {limit} s: {capture.message}"
        clock.advance(tick)
        capture.step()
    return clock.now - start


@pytest.fixture
def eleven(tmp_path: Path) -> Path:
    folder = tmp_path / "frames"
    folder.mkdir()
    for i in range(11):
        textured(64, 48, seed=i).save(folder / f"f{i:02d}.png")
    return folder


def folder_capture(folder: Path, clock, states, **kw) -> Capture:
    source = ImageFolderSource(folder, interval_s=0.5, fps=10.0, clock=clock)
    capture = Capture(source, clock=clock, rng=random.Random(3), stall_after_s=2.0,
                      lost_after_s=5.0, **kw)
    capture.on_state(states)
    return capture


def test_folder_whose_files_vanish_for_5_s_is_live_within_a_second_of_their_return(
    eleven: Path, tmp_path: Path, clock, states
) -> None:
    capture = folder_capture(eleven, clock, states, reopen_backoff_max_s=30.0)
    assert seconds_until(capture, clock, LIVE, 1.0) < 1.0
    aside = tmp_path / "aside"
    shutil.move(eleven, aside)  # the whole folder vanishes (a remount, a sync tool)
    eleven.mkdir()
    assert seconds_until(capture, clock, LOST, 2.0) <= 1.0
    run_for(capture, clock, 5.0)
    assert capture.state is LOST
    for path in aside.iterdir():  # the files come back
        shutil.move(path, eleven / path.name)
    took = seconds_until(capture, clock, LIVE, 3.0)
    assert took <= PROBE_S + 0.2, "waited for the backoff instead of noticing the files"
    frame = capture.latest()
    assert frame is not None and frame.image.shape == (48, 64, 3)


def test_reopen_retries_files_that_had_failed(eleven: Path, clock, states,
                                              caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="kiosk.camera")
    saved = {p.name: p.read_bytes() for p in eleven.iterdir()}
    for path in eleven.iterdir():
        path.write_bytes(saved[path.name][: len(saved[path.name]) // 2])  # half copied
    source = ImageFolderSource(eleven, interval_s=0.5, clock=clock)
    source.open()
    with pytest.raises(CameraError, match=r"no readable images .*all 11 failed"):
        source.read()
    assert sum("truncated" in r.getMessage() for r in caplog.records) == 11
    for name, data in saved.items():  # the copy finishes, same names
        (eleven / name).write_bytes(data)
    source.close()
    source.open()  # what Capture does on its next attempt
    image = source.read()
    assert image is not None and source.current_file == eleven / "f00.png"


def test_a_watchable_source_that_comes_back_is_live_at_once(clock, states) -> None:
    source = FakeSource(watchable=True, clock=clock)
    capture = Capture(source, clock=clock, rng=random.Random(1), reopen_backoff_max_s=60.0)
    capture.on_state(states)
    capture.step(), capture.step()
    source.disappear()
    run_for(capture, clock, 120.0, tick=0.25)  # backoff has grown to ~60 s
    assert capture.state is LOST and capture.last_backoff_s > 30
    source.come_back()
    assert seconds_until(capture, clock, LIVE, 2.0) <= PROBE_S + 0.2


def test_a_plain_source_comes_back_within_the_default_backoff(clock, states) -> None:
    source = FakeSource(clock=clock)  # no fingerprint: only the backoff
    capture = Capture(source, clock=clock, rng=random.Random(1))
    capture.on_state(states)
    capture.step(), capture.step()
    source.disappear()
    run_for(capture, clock, 120.0, tick=0.25)
    source.come_back()
    assert seconds_until(capture, clock, LIVE, 6.0) <= 5.0  # camera.reopen_backoff_max_s


def test_folder_camera_skips_every_odd_file_naming_it(
    tmp_path: Path, clock, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="kiosk.camera")
    folder = tmp_path / "odd"
    make_odd_files(folder)
    textured(4000, 3000, seed=9).save(folder / "zz_big.jpg")
    source = ImageFolderSource(folder, interval_s=1.0, fps=1.0, clock=clock)
    source.open()
    shown = []
    for _ in range(len(GOOD) + 1):
        image = source.read()
        assert image is not None and image.dtype == np.uint8 and not image.flags.writeable
        assert max(image.shape[:2]) <= FRAME_MAX_SIDE
        assert source.current_file is not None
        shown.append(source.current_file.name)
        clock.now += 1.0
    assert sorted(shown) == sorted([*GOOD, "zz_big.jpg"])
    warned = " ".join(r.getMessage() for r in caplog.records)
    for name, kind in BAD.items():
        if name == "folder.jpg":
            continue  # a folder is not listed as an image at all
        assert name in warned, f"{name} ({kind}) skipped silently"
    assert "sliver" in warned and "truncated" in warned and "400,000,000" in warned
    second_round = len(caplog.records)
    for _ in range(len(GOOD) + 1):
        source.read()
        clock.now += 1.0
    assert len(caplog.records) == second_round  # warned once per file, not per round


def test_exif_rotated_image_is_upright_in_the_folder_camera(tmp_path: Path, clock) -> None:
    make_odd_files(tmp_path / "one", ("exif_rotated.jpg",))
    source = ImageFolderSource(tmp_path / "one", clock=clock)
    source.open()
    image = source.read()
    assert image is not None and image.shape == (256, 320, 3)  # stored 320 tall, shown landscape


@pytest.mark.parametrize(("shape", "match"), [
    ((1, 4000, 3), "sliver"),
    ((8000, 10), "sliver"),
    ((20000, 20000), "more than the limit"),
])
def test_device_frames_outside_the_policy_are_refused(shape, match) -> None:
    # A 20000×20000 uint8 array would be 400 MB: a broadcast view has the shape only.
    frame = np.broadcast_to(np.zeros(1, np.uint8), shape)
    with pytest.raises(CameraError, match=match) as info:
        as_bgr(frame, "camera 0")
    assert "camera 0" in str(info.value)


def test_big_device_frames_are_shrunk_once_on_the_capture_thread() -> None:
    frame = np.zeros((2160, 3840, 3), np.uint8)
    assert as_bgr(frame, "camera 0").shape == (1080, 1920, 3)
    small = np.zeros((480, 640, 3), np.uint8)
    assert as_bgr(small, "camera 0") is small  # nothing to do: no copy


def test_sliver_video_is_refused_at_open_naming_the_file(tmp_path: Path) -> None:
    path = tmp_path / "sliver.avi"
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"MJPG"), 10.0, (4000, 8))
    assert writer.isOpened()
    for _ in range(2):
        writer.write(np.full((8, 4000, 3), 100, np.uint8))
    writer.release()
    with pytest.raises(CameraError, match=r"sliver\.avi: 4000×8 pixels is a sliver"):
        VideoFileSource(path).open()


def test_video_file_that_comes_back_is_live_at_once(tmp_path: Path, clock, states) -> None:
    path = tmp_path / "clip.avi"
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"MJPG"), 10.0, (64, 48))
    for level in (20, 120, 220):
        writer.write(np.full((48, 64, 3), level, np.uint8))
    writer.release()
    aside = tmp_path / "aside.avi"
    path.rename(aside)
    capture = Capture(VideoFileSource(path, clock=clock), clock=clock, rng=random.Random(2),
                      reopen_backoff_max_s=60.0)
    capture.on_state(states)
    run_for(capture, clock, 60.0, tick=0.25)
    assert capture.state is LOST and "video file not found" in capture.message
    aside.rename(path)
    assert seconds_until(capture, clock, LIVE, 2.0) <= PROBE_S + 0.2


def write_clip(path: Path) -> None:
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"MJPG"), 10.0, (64, 48))
    for level in (20, 120, 220):
        writer.write(np.full((48, 64, 3), level, np.uint8))
    writer.release()


@pytest.mark.parametrize("kind", ["video", "folder"])
def test_a_camera_path_missing_at_start_goes_live_when_it_appears(
    tmp_path: Path, clock, states, caplog, kind: str
) -> None:
    """`--camera /mnt/stick/clip.avi` before the stick is mounted: retried like an absent
    camera, one WARNING naming the path, LIVE once the file (or folder) is there."""
    late = tmp_path / ("late.avi" if kind == "video" else "late")
    source = PendingPathSource(late, CameraSettings(reopen_backoff_max_s=5.0), clock=clock)
    capture = Capture(source, clock=clock, rng=random.Random(4), reopen_backoff_initial_s=0.5,
                      reopen_backoff_max_s=5.0)
    capture.on_state(states)
    opens = 0
    real_open = source.open

    def counting_open() -> None:
        nonlocal opens
        opens += 1
        real_open()

    source.open = counting_open  # type: ignore[method-assign]
    with caplog.at_level(logging.INFO, logger="kiosk.camera"):
        while opens < 2:
            clock.advance(0.05)
            capture.step()
        run_for(capture, clock, 20.0)  # more retries while it is still missing
    assert opens > 2 and capture.state is LOST
    assert "does not exist (yet); the kiosk keeps trying every 5 s" in capture.message
    warnings = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(warnings) == 1 and str(late) in warnings[0], warnings
    if kind == "video":
        aside = tmp_path / "copying.avi"
        write_clip(aside)
        aside.rename(late)
    else:
        late.mkdir()
        textured(64, 48, seed=1).save(late / "a.png")
    assert seconds_until(capture, clock, LIVE, 6.0) <= PROBE_S + 0.2
    assert isinstance(source.inner, VideoFileSource if kind == "video" else ImageFolderSource)
    assert capture.latest() is not None
