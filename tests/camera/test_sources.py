"""Frame sources: backends, a real video file, an image folder with a bad image,
and `source_from_setting`."""

from __future__ import annotations

import logging
from pathlib import Path

import cv2
import numpy as np
import pytest

from kiosk.camera.capture import CameraState
from kiosk.camera.errors import CameraError, SourceEnded
from kiosk.camera.fake import FakeSource
from kiosk.camera.sources import (
    DeviceSource,
    FrameSource,
    ImageFolderSource,
    PendingPathSource,
    VideoFileSource,
    backend_id,
    source_from_setting,
)
from kiosk.config import CameraSettings
from kiosk.testing import FakeClock

VIDEO_FPS = 10.0
VIDEO_LEVELS = (20, 80, 140, 200, 250)  # one gray level per frame, easy to tell apart


@pytest.fixture
def video_path(tmp_path: Path) -> Path:
    """A 5-frame 64x48 MJPG .avi at 10 fps (MJPG works in the headless wheel)."""
    path = tmp_path / "clip.avi"
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"MJPG"), VIDEO_FPS, (64, 48))
    assert writer.isOpened(), "this OpenCV build cannot write MJPG .avi"
    for level in VIDEO_LEVELS:
        writer.write(np.full((48, 64, 3), level, dtype=np.uint8))
    writer.release()
    return path


def level_of(image: np.ndarray | None) -> int:
    """Which VIDEO_LEVELS frame this is (MJPG is lossy: the nearest level)."""
    assert image is not None
    mean = float(image.mean())
    return min(VIDEO_LEVELS, key=lambda level: abs(level - mean))


# ---------------------------------------------------------------------- backends


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("v4l2", cv2.CAP_V4L2),
        ("dshow", cv2.CAP_DSHOW),
        ("msmf", cv2.CAP_MSMF),
        ("avfoundation", cv2.CAP_AVFOUNDATION),
        ("gstreamer", cv2.CAP_GSTREAMER),
        ("FFmpeg", cv2.CAP_FFMPEG),
    ],
)
def test_backend_names_map_to_opencv_ids(name: str, expected: int) -> None:
    assert backend_id(name) == expected


def test_auto_backend_is_directshow_on_windows_only() -> None:
    assert backend_id("auto", platform="win32") == cv2.CAP_DSHOW
    assert backend_id("auto", platform="linux") == cv2.CAP_ANY
    assert backend_id("auto", platform="darwin") == cv2.CAP_ANY


def test_unknown_backend_names_the_allowed_ones() -> None:
    with pytest.raises(CameraError, match=r"unknown camera backend 'qt'.*dshow"):
        backend_id("qt")


def test_missing_device_is_an_operator_friendly_error() -> None:
    source = DeviceSource(97, "auto")
    with pytest.raises(CameraError, match=r"camera 97 not found"):
        source.open()
    source.close()


def test_every_source_satisfies_the_protocol(tmp_path: Path) -> None:
    for source in (
        DeviceSource(0), VideoFileSource(tmp_path / "x.avi"), ImageFolderSource(tmp_path),
        FakeSource(), PendingPathSource(tmp_path / "later.avi"),
    ):
        assert isinstance(source, FrameSource)


# ---------------------------------------------------------------------- video file


def test_video_plays_at_its_own_rate_and_loops(video_path: Path) -> None:
    clock = FakeClock(50.0)
    source = VideoFileSource(video_path, loop=True, clock=clock)
    source.open()
    assert source.nominal_fps == pytest.approx(VIDEO_FPS)
    got = []
    for _ in range(12):
        image = source.read()
        assert image is not None and image.shape == (48, 64, 3)
        got.append(level_of(image))
        clock.now += 0.04
        assert source.read() is None  # not yet time for the next frame
        clock.now += 0.06
    source.close()
    assert got == [*VIDEO_LEVELS, *VIDEO_LEVELS, *VIDEO_LEVELS[:2]]


def test_video_skips_frames_to_catch_up_with_real_time(video_path: Path) -> None:
    clock = FakeClock(50.0)
    source = VideoFileSource(video_path, clock=clock)
    source.open()
    assert level_of(source.read()) == VIDEO_LEVELS[0]
    clock.now += 0.3  # three frame periods late
    assert level_of(source.read()) == VIDEO_LEVELS[3]
    clock.now += 0.05
    assert source.read() is None
    clock.now += 0.05
    assert level_of(source.read()) == VIDEO_LEVELS[4]
    source.close()


def test_video_without_loop_reports_its_end(video_path: Path) -> None:
    clock = FakeClock(50.0)
    source = VideoFileSource(video_path, loop=False, clock=clock)
    source.open()
    for _ in VIDEO_LEVELS:
        assert source.read() is not None
        clock.now += 0.1
    with pytest.raises(SourceEnded, match=r"clip\.avi ended"):
        source.read()
    source.close()


def mpeg4_video(path: Path, size: tuple[int, int], frames: int) -> Path:
    """An MPEG-4 (mp4v) file: a codec FFmpeg decodes with frame threads (MJPEG has none)."""
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"mp4v"), VIDEO_FPS, size)
    if not writer.isOpened():
        pytest.skip("this OpenCV build cannot write MPEG-4")
    for level in VIDEO_LEVELS[:frames]:
        writer.write(np.full((size[1], size[0], 3), level, dtype=np.uint8))
    writer.release()
    return path


def test_video_decodes_on_one_thread_also_after_looping(tmp_path: Path) -> None:
    # OpenCV's FFmpeg backend decodes with one thread per core (8 on an 8-core kiosk:
    # 8-42 MB more, kiosk.camera.video_decode); the old open took that default
    clock = FakeClock(50.0)
    source = VideoFileSource(mpeg4_video(tmp_path / "clip.mp4", (64, 48), 5), clock=clock)
    source.open()
    assert source.decode_threads == 1
    got = []
    for _ in range(len(VIDEO_LEVELS) + 2):  # past the end: reopened to rewind
        got.append(level_of(source.read()))
        clock.now += 0.1
    assert got == [*VIDEO_LEVELS, *VIDEO_LEVELS[:2]]
    assert source.decode_threads == 1
    source.close()
    assert source.decode_threads is None


def test_video_over_1920x1080_keeps_opencvs_decoding_threads(tmp_path: Path) -> None:
    source = VideoFileSource(mpeg4_video(tmp_path / "big.mp4", (1936, 1090), 1),
                             clock=FakeClock(50.0))
    source.open()
    assert source.decode_threads == cv2.getNumberOfCPUs()
    assert source.read() is not None
    source.close()


def test_video_errors_name_the_file(tmp_path: Path) -> None:
    with pytest.raises(CameraError, match=r"video file not found: .*gone\.avi"):
        VideoFileSource(tmp_path / "gone.avi").open()
    junk = tmp_path / "junk.avi"
    junk.write_bytes(b"this is not a video")
    with pytest.raises(CameraError, match=r"junk\.avi"):
        source = VideoFileSource(junk)
        source.open()
        source.read()


def test_capture_plays_a_video_file(video_path: Path, make_capture, states) -> None:
    capture = make_capture(VideoFileSource(video_path))
    capture.on_state(states)
    capture.start()
    states.wait_for(CameraState.LIVE)
    frame = capture.wait_newer(0, timeout=1.0)
    assert frame is not None and (frame.width, frame.height) == (64, 48)
    assert frame.source == "clip.avi"


# ---------------------------------------------------------------------- image folder


def write_image(path: Path, level: int) -> None:
    ok, data = cv2.imencode(path.suffix, np.full((30, 40, 3), level, np.uint8))
    assert ok
    path.write_bytes(data.tobytes())


@pytest.fixture
def image_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "faces"
    folder.mkdir()
    write_image(folder / "a.png", 10)
    (folder / "b_broken.jpg").write_bytes(b"\xff\xd8 not really a jpeg")
    write_image(folder / "c.JPG", 120)
    write_image(folder / "d.bmp", 200)
    write_image(folder / "e.webp", 250)
    (folder / "notes.txt").write_text("not an image")
    return folder


def test_image_folder_slideshow_skips_and_names_a_corrupt_image(
    image_folder: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="kiosk.camera")
    clock = FakeClock(50.0)
    source = ImageFolderSource(image_folder, interval_s=1.0, fps=4.0, clock=clock)
    source.open()
    shown = []
    for _ in range(9):  # two full rounds and one more
        image = source.read()
        assert image is not None and image.shape == (30, 40, 3)
        assert source.current_file is not None
        shown.append(source.current_file.name)
        clock.now += 1.0
    source.close()
    assert shown == ["a.png", "c.JPG", "d.bmp", "e.webp"] * 2 + ["a.png"]
    warnings = [r.getMessage() for r in caplog.records if "b_broken.jpg" in r.getMessage()]
    assert len(warnings) == 1 and "skipping unreadable image" in warnings[0]


def test_image_folder_repeats_the_image_at_its_frame_rate(image_folder: Path) -> None:
    clock = FakeClock(50.0)
    source = ImageFolderSource(image_folder, interval_s=2.0, fps=4.0, clock=clock)
    source.open()
    first = source.read()
    assert first is not None and not first.flags.writeable
    clock.now += 0.1
    assert source.read() is None
    clock.now += 0.15
    assert source.read() is first  # same picture again, 4 times a second
    clock.now += 2.0
    image = source.read()
    assert image is not None and int(image.mean()) == 120  # next image after the interval


def test_image_folder_emptied_while_shown_says_so_once(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # tester round 23: emptying a 30-image folder logged 30 "skipping unreadable image
    # ... no such file" WARNINGs in one millisecond, then "no readable images"
    caplog.set_level(logging.WARNING, logger="kiosk.camera")
    folder = tmp_path / "frames"
    folder.mkdir()
    for i in range(30):
        write_image(folder / f"f{i:02}.png", i)
    clock = FakeClock(50.0)
    source = ImageFolderSource(folder, interval_s=1.0, fps=4.0, clock=clock)
    source.open()
    assert source.read() is not None
    for i in range(1, 30, 2):  # half of them moved away: the rest go on, unremarked
        (folder / f"f{i:02}.png").unlink()
    clock.now += 1.0
    image = source.read()
    assert image is not None and source.current_file is not None
    assert source.current_file.name == "f02.png"
    for path in folder.iterdir():
        path.unlink()
    clock.now += 1.0
    with pytest.raises(CameraError, match=r"has no images .*changed while shown"):
        source.read()
    assert not [r for r in caplog.records if "skipping unreadable" in r.getMessage()]


def test_image_folder_errors(tmp_path: Path) -> None:
    with pytest.raises(CameraError, match="image folder not found"):
        ImageFolderSource(tmp_path / "nope").open()
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "readme.txt").write_text("x")
    with pytest.raises(CameraError, match=r"has no images"):
        ImageFolderSource(empty).open()
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "x.png").write_bytes(b"junk")
    source = ImageFolderSource(bad)
    source.open()
    with pytest.raises(CameraError, match="no readable images"):
        source.read()


# ---------------------------------------------------------------------- settings


def test_source_from_setting_picks_device_folder_or_file(
    tmp_path: Path, video_path: Path
) -> None:
    settings = CameraSettings(backend="v4l2", width=320, height=240, fps=15.0, loop=False)
    device = source_from_setting(" 1 ", settings)
    assert isinstance(device, DeviceSource)
    assert (device.index, device.api, device.width, device.height, device.nominal_fps) == (
        1, cv2.CAP_V4L2, 320, 240, 15.0
    )
    assert device.name == "camera 1"
    folder = source_from_setting(str(tmp_path), CameraSettings(slideshow_interval_s=3.0))
    assert isinstance(folder, ImageFolderSource) and folder.interval_s == 3.0
    video = source_from_setting(str(video_path), settings)
    assert isinstance(video, VideoFileSource) and video.loop is False


def test_source_from_setting_keeps_a_missing_path_pending(tmp_path: Path) -> None:
    missing = tmp_path / "visitor-demo.mp4"
    source = source_from_setting(str(missing), CameraSettings(reopen_backoff_max_s=7.0))
    assert isinstance(source, PendingPathSource) and source.fingerprint() is None
    with pytest.raises(CameraError, match=r"'.*visitor-demo\.mp4' does not exist \(yet\); "
                       r"the kiosk keeps trying every 7 s; check the path in \[camera\] source"):
        source.open()
    with pytest.raises(CameraError, match=r"camera\.source is empty"):
        source_from_setting("  ", CameraSettings())
