"""A scripted camera for tests and benchmarks: frames on demand, plus the faults
real cameras have (stalls, a frozen picture, unplug and replug)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence

import numpy as np

from kiosk.camera.errors import CameraError

FrameScript = Sequence[np.ndarray] | Callable[[int], np.ndarray | None]


def numbered_frame(index: int, height: int = 24, width: int = 32) -> np.ndarray:
    """A small BGR frame whose every pixel depends on `index`, so consecutive
    frames always differ (like a real sensor's noise)."""
    row = (np.arange(width, dtype=np.int64) + index) % 256
    image = np.empty((height, width, 3), dtype=np.uint8)
    image[:] = row.astype(np.uint8)[None, :, None]
    image[0, 0, 0] = index % 251  # differs even when the row pattern wraps around
    return image


class FakeSource:
    """Frames from a list (cycled) or a callable `index -> image | None`
    (default: `numbered_frame`). Thread-safe controls:

    - `stall()` / `resume()`: read returns None (no frame now);
    - `freeze()` / `unfreeze()`: read repeats the last frame's content forever;
    - `disappear()` / `come_back()`: open and read raise CameraError.

    Observability: `open_attempts` (clock times of every open call), `opens`,
    `closes`, `reads`, `is_open`. `interval_s` > 0 paces frames on `clock`.
    `watchable=True` gives it a `fingerprint()` (present or gone), as a folder, a
    file or a Linux device has, so Capture notices a comeback without waiting."""

    def __init__(
        self,
        frames: FrameScript | None = None,
        *,
        name: str = "fake camera",
        nominal_fps: float = 30.0,
        interval_s: float = 0.0,
        expect_sensor_noise: bool = True,
        clock: Callable[[], float] = time.monotonic,
        watchable: bool = False,
    ) -> None:
        self.name = name
        self.watchable = watchable
        self.nominal_fps = nominal_fps
        self.expect_sensor_noise = expect_sensor_noise
        self.interval_s = interval_s
        self._clock = clock
        self._script = frames if frames is not None else numbered_frame
        self._lock = threading.Lock()
        self._stalled = False
        self._frozen = False
        self._gone = False
        self._index = 0
        self._last: np.ndarray | None = None
        self._next_due = 0.0
        self.is_open = False
        self.open_attempts: list[float] = []
        self.opens = 0
        self.closes = 0
        self.reads = 0

    # ------------------------------------------------------------------ controls

    def stall(self) -> None:
        with self._lock:
            self._stalled = True

    def resume(self) -> None:
        with self._lock:
            self._stalled = False

    def freeze(self) -> None:
        with self._lock:
            self._frozen = True

    def unfreeze(self) -> None:
        with self._lock:
            self._frozen = False

    def disappear(self) -> None:
        with self._lock:
            self._gone = True

    def come_back(self) -> None:
        with self._lock:
            self._gone = False

    # ------------------------------------------------------------------ protocol

    def open(self) -> None:
        with self._lock:
            self.open_attempts.append(self._clock())
            if self._gone:
                raise CameraError(f"{self.name} not found")
            self.is_open = True
            self.opens += 1
            self._next_due = self._clock()

    def read(self) -> np.ndarray | None:
        with self._lock:
            if self._gone:
                self.is_open = False
                raise CameraError(f"{self.name} disconnected")
            if not self.is_open:
                raise CameraError(f"{self.name} is not open")
            self.reads += 1
            if self._stalled:
                return None
            if self._frozen and self._last is not None:
                return self._last.copy()  # same content, new buffer, as OpenCV does
            if self.interval_s > 0:
                now = self._clock()
                if now < self._next_due:
                    return None
                self._next_due = max(self._next_due + self.interval_s, now)
            image = self._next_scripted()
            if image is not None:
                self._last = image
            return image

    def missing_message(self) -> str:
        """Why it is known to be absent ("" while plugged in), as `DeviceSource`'s."""
        with self._lock:
            return f"{self.name} not found: unplugged" if self._gone else ""

    def fingerprint(self) -> object:
        """"here" or "gone" when watchable; None (unknown) otherwise."""
        if not self.watchable:
            return None
        with self._lock:
            return "gone" if self._gone else "here"

    def close(self) -> None:
        with self._lock:
            if self.is_open:
                self.closes += 1
            self.is_open = False

    def _next_scripted(self) -> np.ndarray | None:
        index, self._index = self._index, self._index + 1
        if callable(self._script):
            return self._script(index)
        if not self._script:
            return None
        return self._script[index % len(self._script)]
