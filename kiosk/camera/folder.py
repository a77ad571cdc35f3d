"""The image-folder camera: a slideshow of the folder's images, decoded under the
one image policy (`kiosk.imaging`), so a sliver, a bomb or a truncated file is
skipped with a warning naming it instead of stalling or fooling the kiosk.

Recovery: `open()` rescans the folder and retries every file that had failed
(files that vanished for a moment, or were copied half-way, come back), and
`fingerprint()` lets Capture notice cheaply that the folder changed while the
camera is LOST, so it reopens at once instead of waiting for its backoff.
"""

from __future__ import annotations

import bisect
import logging
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from kiosk.camera.errors import CameraError
from kiosk.imaging import FRAME_MAX_SIDE, IMAGE_SUFFIXES, ImageError, image_files, load_bgr

__all__ = ["ImageFolderSource"]

log = logging.getLogger(__name__)

Clock = Callable[[], float]


class ImageFolderSource:
    """A slideshow of the folder's images (sorted by name), each shown for
    `interval_s` and repeated at `fps` meanwhile. Frames are BGR uint8, at most
    `FRAME_MAX_SIDE` pixels on the long side, read-only.

    An unreadable image is skipped with one warning naming the file and why (a
    new warning only when the reason changes); the listing is refreshed after
    each full round, so images added meanwhile join the show."""

    expect_sensor_noise = False

    def __init__(
        self, path: str | Path, interval_s: float = 2.0, *, fps: float = 10.0,
        clock: Clock = time.monotonic, max_side: int = FRAME_MAX_SIDE,
    ) -> None:
        self.path = Path(path)
        self.interval_s = interval_s
        self.nominal_fps = float(fps)
        self.max_side = max_side
        self.name = f"images in {self.path.name or self.path}"
        self._clock = clock
        self._files: list[Path] = []
        self._bad: set[Path] = set()  # failed during this open; retried after a reopen
        self._reasons: dict[Path, str] = {}  # last warning per file, to warn once
        self._open = False
        self._index = -1
        self._current: np.ndarray | None = None
        self._shown_at = 0.0
        self._next_emit = 0.0

    @property
    def current_file(self) -> Path | None:
        return self._files[self._index] if self._current is not None else None

    def open(self) -> None:
        """List the folder afresh; every file that failed before is tried again."""
        self._bad.clear()
        self._files = self._list()
        self._index, self._current, self._open = -1, None, True

    def _list(self) -> list[Path]:
        if not self.path.is_dir():
            raise CameraError(f"image folder not found: {self.path}")
        try:
            files = image_files(self.path)
        except OSError as exc:
            raise CameraError(f"cannot list the image folder {self.path}: {exc.strerror}") from None
        if not files:
            kinds = "/".join(IMAGE_SUFFIXES)
            raise CameraError(f"image folder {self.path} has no images ({kinds})")
        return files

    def read(self) -> np.ndarray | None:
        if not self._open:
            raise CameraError(f"{self.name} is not open")
        now = self._clock()
        if self._current is None or now - self._shown_at >= self.interval_s:
            self._advance(now)
        elif now < self._next_emit:
            return None
        self._next_emit = max(self._next_emit + 1.0 / self.nominal_fps, now)
        return self._current

    def _advance(self, now: float) -> None:
        if self._index + 1 >= len(self._files) and self._current is not None:
            self._refresh()  # a full round shown: pick up added and removed files
        relisted = False
        tries = len(self._files)
        while tries > 0:
            tries -= 1
            self._index = (self._index + 1) % len(self._files)
            path = self._files[self._index]
            if path in self._bad:
                continue
            if not relisted and not path.exists():
                # removed while shown (a folder emptied or replaced): list it afresh
                # once, instead of a warning for each file that is gone; an emptied
                # or vanished folder then says so (`_list`'s CameraError)
                relisted = True
                self._current = None
                self._refresh()
                # on from where the show was (the listing is sorted by path)
                self._index = bisect.bisect_left(self._files, path) - 1
                tries = len(self._files)
                continue
            image = self._load(path)
            if image is None:
                self._bad.add(path)
                continue
            self._current, self._shown_at, self._next_emit = image, now, now
            return
        self._current = None
        raise CameraError(f"no readable images in {self.path} (all {len(self._files)} failed)")

    def _refresh(self) -> None:
        try:
            files = self._list()
        except CameraError as exc:
            raise CameraError(f"{exc} (it changed while shown)") from None
        if files != self._files:
            self._files, self._index = files, -1
            self._bad &= set(files)

    def _load(self, path: Path) -> np.ndarray | None:
        try:
            image = load_bgr(path, max_side=self.max_side)
        except ImageError as exc:
            level = logging.DEBUG if self._reasons.get(path) == exc.kind else logging.WARNING
            self._reasons[path] = exc.kind
            log.log(level, "skipping unreadable image %s", exc)
            return None
        self._reasons.pop(path, None)
        return image

    def lost_advice(self) -> str:
        """What to check when the folder is lost (not a camera's cable)."""
        return (f"check the image folder {self.path} (is it still there and readable, with "
                "images in it? its disk or network share mounted?) and [camera] source")

    def fingerprint(self) -> object:
        """A cheap summary of the folder (names, sizes, times of its images); it
        changes when files appear, vanish or change. Never raises."""
        try:
            return tuple(
                (p.name, st.st_size, st.st_mtime_ns)
                for p in image_files(self.path) for st in (p.stat(),)
            )
        except OSError:
            return None

    def close(self) -> None:
        self._files, self._current, self._index, self._open = [], None, -1, False
