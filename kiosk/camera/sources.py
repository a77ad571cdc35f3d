"""Camera sources behind one protocol: a device, a video file, a folder of images.

`Capture` drives a `FrameSource` from its thread: `open()`, then `read()` in a
loop (None means "no frame right now", never "end"), `close()` when the camera is
lost or capture stops. A source may be opened again after `close()`.
"""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Protocol, runtime_checkable

import cv2
import numpy as np

from kiosk.camera.errors import CameraError, SourceEnded
from kiosk.camera.fake import FakeSource
from kiosk.camera.folder import ImageFolderSource
from kiosk.camera.video_decode import open_video, wants_threads
from kiosk.config import CameraSettings
from kiosk.imaging import DEFAULT_POLICY, IMAGE_SUFFIXES, ImageError, conform_frame

__all__ = [
    "BACKENDS",
    "IMAGE_SUFFIXES",
    "DeviceSource",
    "FakeSource",
    "FrameSource",
    "ImageFolderSource",
    "PendingPathSource",
    "VideoFileSource",
    "backend_id",
    "source_from_setting",
]

log = logging.getLogger(__name__)

Clock = Callable[[], float]

BACKENDS: dict[str, int] = {
    "any": cv2.CAP_ANY,
    "v4l2": cv2.CAP_V4L2,
    "dshow": cv2.CAP_DSHOW,
    "msmf": cv2.CAP_MSMF,
    "avfoundation": cv2.CAP_AVFOUNDATION,
    "gstreamer": cv2.CAP_GSTREAMER,
    "ffmpeg": cv2.CAP_FFMPEG,
}
_DEVICE_READ_TIMEOUT_MS = 1000  # a dead camera must not block the capture loop for long


@runtime_checkable
class FrameSource(Protocol):
    """Where frames come from. Images are BGR uint8 HxWx3 and must not be mutated.

    `expect_sensor_noise` is True for live cameras: two identical frames then mean
    the driver is repeating a stale frame (OpenCV does that after an unplug), so
    Capture treats identical content as no frame at all.

    Optional: `fingerprint() -> object`, a cheap, never-raising summary of whether
    and how the source is there (None: unknown). While LOST, Capture reopens as
    soon as it changes, so a source that comes back is LIVE within a second.

    Optional: `lost_advice() -> str`, what the operator should check when the source
    is lost ("check the video file /x.mp4: …"); without it, a camera's (cable, power,
    another program using it)."""

    name: str
    nominal_fps: float
    expect_sensor_noise: bool

    def open(self) -> None:
        """Open the source; raise CameraError with an operator-friendly message."""

    def read(self) -> np.ndarray | None:
        """The next frame, or None when there is none right now."""

    def close(self) -> None:
        """Release the source; safe to call when not open."""


def backend_id(name: str, platform: str = sys.platform) -> int:
    """OpenCV's CAP_* id for a `camera.backend` name; auto = DirectShow on Windows."""
    key = name.strip().lower()
    if key == "auto":
        return cv2.CAP_DSHOW if platform.startswith("win") else cv2.CAP_ANY
    if key not in BACKENDS:
        allowed = ", ".join(["auto", *BACKENDS])
        raise CameraError(f"unknown camera backend {name!r}; allowed: {allowed}")
    return BACKENDS[key]


def as_bgr(image: np.ndarray, name: str = "camera") -> np.ndarray:
    """A driver's or a video's frame under the image policy: BGR uint8, at most
    `FRAME_MAX_SIDE` on the long side; CameraError naming `name` for a frame the
    policy refuses (a 4000×1 sliver, a 20000×20000 monster)."""
    try:
        return conform_frame(image, name)
    except ImageError as exc:
        raise CameraError(str(exc)) from None


class DeviceSource:
    """A camera by index through OpenCV, with the configured backend and size."""

    expect_sensor_noise = True

    def __init__(
        self, index: int, backend: str = "auto", width: int = 640, height: int = 480,
        fps: float = 30.0,
    ) -> None:
        self.index = index
        self.backend = backend
        self.api = backend_id(backend)
        self.width, self.height, self.nominal_fps = width, height, float(fps)
        self.name = f"camera {index}"
        self._cap: cv2.VideoCapture | None = None

    def open(self) -> None:
        self.close()
        try:
            cap = cv2.VideoCapture(self.index, self.api)
            opened = cap.isOpened()
        except cv2.error as exc:
            raise CameraError(f"camera {self.index} could not be opened ({exc})") from None
        if not opened:
            cap.release()
            raise CameraError(
                f"camera {self.index} not found (backend {self.backend}); check that it is "
                "plugged in, not used by another program, and camera.source"
            )
        cap.set(cv2.CAP_PROP_FRAME_WIDTH, self.width)
        cap.set(cv2.CAP_PROP_FRAME_HEIGHT, self.height)
        cap.set(cv2.CAP_PROP_FPS, self.nominal_fps)
        cap.set(cv2.CAP_PROP_BUFFERSIZE, 1)  # newest frame, not a driver backlog
        cap.set(cv2.CAP_PROP_READ_TIMEOUT_MSEC, _DEVICE_READ_TIMEOUT_MS)  # where supported
        got = cap.get(cv2.CAP_PROP_FPS)
        if 0 < got <= 1000:
            self.nominal_fps = float(got)
        self._cap = cap
        log.info(
            "%s opened: %dx%d at %.1f fps", self.name,
            int(cap.get(cv2.CAP_PROP_FRAME_WIDTH)), int(cap.get(cv2.CAP_PROP_FRAME_HEIGHT)),
            self.nominal_fps,
        )

    def read(self) -> np.ndarray | None:
        if self._cap is None:
            raise CameraError(f"{self.name} is not open")
        try:
            ok, image = self._cap.read()
        except cv2.error as exc:
            raise CameraError(f"{self.name} read failed ({exc})") from None
        return as_bgr(image, self.name) if ok and image is not None else None

    def close(self) -> None:
        if self._cap is not None:
            self._cap.release()
            self._cap = None

    def node(self) -> Path | None:
        """The device node (`/dev/videoN`) on Linux; None elsewhere (no node to look at)."""
        return Path(f"/dev/video{self.index}") if sys.platform.startswith("linux") else None

    def missing_message(self) -> str:
        """Why the camera is known to be absent (its node does not exist), or "" when
        it may be there (the node exists, or there is no node to look at)."""
        node = self.node()
        if node is None or node.exists():
            return ""
        return (f"camera {self.index} not found: {node} does not exist; check that the "
                "camera is plugged in (ls /dev/video*) and the index in [camera] source")

    def fingerprint(self) -> object:
        """Whether the device node exists (Linux); None elsewhere (unknown), so
        Capture relies on its backoff there. Never raises."""
        node = self.node()
        return None if node is None else node.exists()


class VideoFileSource:
    """A video file played at its own frame rate (paced on a monotonic clock).

    When it falls behind it skips frames (up to `max_catch_up`) to stay in real
    time. At the end it loops, or raises SourceEnded when `loop` is off. FFmpeg
    decodes it on one thread up to 1920x1080 (`kiosk.camera.video_decode`)."""

    expect_sensor_noise = False  # a still scene in a file repeats exactly

    def __init__(
        self, path: str | Path, loop: bool = True, *, clock: Clock = time.monotonic,
        max_catch_up: int = 5,
    ) -> None:
        self.path = Path(path)
        self.loop = loop
        self.name = self.path.name
        self.nominal_fps = 30.0
        self._clock = clock
        self._max_catch_up = max_catch_up
        self._cap: cv2.VideoCapture | None = None
        self._t0 = 0.0  # clock time of frame slot 0
        self._played = 0  # slots played (shown or skipped) since _t0
        self._frames_since_start = 0
        self._one_thread = True  # off for frames over 1920x1080 (kiosk.camera.video_decode)

    def open(self) -> None:
        self.close()
        if not self.path.is_file():
            raise CameraError(f"video file not found: {self.path}")
        self._one_thread = True
        cap = open_video(self.path)
        if not cap.isOpened():
            cap.release()
            raise CameraError(f"cannot play {self.path}: not a video OpenCV can decode")
        width = int(cap.get(cv2.CAP_PROP_FRAME_WIDTH))
        height = int(cap.get(cv2.CAP_PROP_FRAME_HEIGHT))
        if width > 0 and height > 0:  # refused before a single frame is decoded
            try:
                DEFAULT_POLICY.check_size(self.name, width, height)
            except ImageError as exc:
                cap.release()
                raise CameraError(str(exc)) from None
        if wants_threads(width, height):  # large frames: OpenCV's decoding threads
            cap.release()
            self._one_thread = False
            cap = open_video(self.path, one_thread=False)
            if not cap.isOpened():
                cap.release()
                raise CameraError(f"cannot play {self.path}: not a video OpenCV can decode")
        fps = cap.get(cv2.CAP_PROP_FPS)
        self.nominal_fps = float(fps) if 0 < fps <= 1000 else 30.0
        self._cap = cap
        self._t0, self._played = self._clock(), 0
        self._frames_since_start = 0

    def read(self) -> np.ndarray | None:
        if self._cap is None:
            raise CameraError(f"{self.name} is not open")
        now = self._clock()
        slot = int((now - self._t0) * self.nominal_fps + 1e-6)  # the frame due now
        if slot < self._played:
            return None
        behind = slot - self._played
        if behind > self._max_catch_up:  # paused for long (debugger, suspend): resync
            self._t0, self._played, behind = now, 0, 0
        for _ in range(behind):
            if not self._cap.grab():
                break
        image = self._next_image()
        self._played += behind + 1
        return image

    def _next_image(self) -> np.ndarray:
        assert self._cap is not None
        ok, image = self._cap.read()
        if ok and image is not None:
            self._frames_since_start += 1
            return as_bgr(image, self.name)
        if self._frames_since_start == 0:
            raise CameraError(f"cannot read frames from {self.path}: the file has no video frames")
        if not self.loop:
            raise SourceEnded(f"{self.name} ended (camera.loop is off)")
        # Seeking is unreliable for some codecs; reopening always rewinds.
        self._cap.release()
        self._cap = open_video(self.path, self._one_thread)
        self._frames_since_start = 0
        ok, image = self._cap.read()
        if not ok or image is None:
            raise CameraError(f"cannot read frames from {self.path} after rewinding")
        self._frames_since_start = 1
        return as_bgr(image, self.name)

    def close(self) -> None:
        if self._cap is not None:
            self._cap.release()
            self._cap = None

    @property
    def decode_threads(self) -> int | None:
        """FFmpeg's decoding threads for the open file (None when closed; 0 where the
        backend does not say)."""
        return None if self._cap is None else int(self._cap.get(cv2.CAP_PROP_N_THREADS))

    def lost_advice(self) -> str:
        """What to check when the file is lost (not a camera's cable)."""
        return (f"check the video file {self.path} (is it still there and readable? its "
                "disk or network share mounted?) and [camera] source")

    def fingerprint(self) -> object:
        """The file's size and modification time (None while it is missing)."""
        try:
            st = self.path.stat()
        except OSError:
            return None
        return st.st_size, st.st_mtime_ns


class PendingPathSource:
    """A `camera.source` path that did not exist at start (a USB stick or a network
    share that mounts after boot): treated like a camera that is not there yet.

    `open()` raises CameraError naming the path and what to do while nothing is
    there; once the path exists it becomes an ImageFolderSource (a folder) or a
    VideoFileSource (a file) for good, and every call goes to that. `fingerprint()`
    is None while the path is missing, so Capture reopens as soon as it appears
    (within `PROBE_S`), and otherwise retries with its usual backoff."""

    def __init__(
        self, path: str | Path, settings: CameraSettings | None = None, *,
        clock: Clock = time.monotonic,
    ) -> None:
        self.path = Path(path)
        self.settings = settings or CameraSettings()
        self._clock = clock
        self.name = self.path.name or str(self.path)
        self.nominal_fps = 30.0
        self.expect_sensor_noise = False  # a file or a folder: the inner source's value
        self.inner: ImageFolderSource | VideoFileSource | None = None

    def missing_message(self) -> str:
        """The operator's message while the path is missing (retry interval in s)."""
        return (
            f"camera.source {str(self.path)!r} does not exist (yet); the kiosk keeps trying "
            f"every {self.settings.reopen_backoff_max_s:g} s; check the path in [camera] "
            "source (a video file or a folder of images)"
        )

    def open(self) -> None:
        self.close()
        if self.inner is None:
            if self.path.is_dir():
                self.inner = ImageFolderSource(
                    self.path, self.settings.slideshow_interval_s, clock=self._clock
                )
            elif self.path.is_file():
                self.inner = VideoFileSource(self.path, self.settings.loop, clock=self._clock)
            else:
                raise CameraError(self.missing_message())
            self.name = self.inner.name
            self.expect_sensor_noise = self.inner.expect_sensor_noise
            log.info("camera.source %s appeared: %s", self.path, self.name)
        self.inner.open()
        self.nominal_fps = self.inner.nominal_fps

    def read(self) -> np.ndarray | None:
        if self.inner is None:
            raise CameraError(f"{self.name} is not open")
        return self.inner.read()

    def close(self) -> None:
        if self.inner is not None:
            self.inner.close()

    def lost_advice(self) -> str:
        if self.inner is not None:
            return self.inner.lost_advice()
        return (f"check {self.path}, a video file or a folder of images (is it there and "
                "readable? its USB stick or network share mounted?) and [camera] source")

    def fingerprint(self) -> object:
        """The inner source's fingerprint; None while the path is missing."""
        if self.inner is not None:
            return self.inner.fingerprint()
        try:
            st = self.path.stat()
        except OSError:
            return None
        return st.st_size, st.st_mtime_ns


def source_from_setting(text: str, settings: CameraSettings | None = None) -> FrameSource:
    """`camera.source` as a source: a device index, a folder of images, or a video file.

    A path that does not exist (yet) gives a PendingPathSource, which Capture retries
    like an absent camera. Raises CameraError for an empty setting."""
    settings = settings or CameraSettings()
    value = text.strip()
    if value.isdigit():
        return DeviceSource(
            int(value), settings.backend, settings.width, settings.height, settings.fps
        )
    if not value:
        raise CameraError(
            "camera.source is empty; use a device index (0), a video file or a folder of images"
        )
    path = Path(value).expanduser()
    if path.is_dir():
        return ImageFolderSource(path, settings.slideshow_interval_s)
    if path.is_file():
        return VideoFileSource(path, settings.loop)
    return PendingPathSource(path, settings)
