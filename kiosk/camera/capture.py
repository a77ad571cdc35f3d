"""The capture loop: one long-lived thread that keeps only the newest frame and
judges the camera's health with an explicit state machine.

States (reported to `on_state` callbacks from the capture thread):

- OPENING: first open in progress, no frame yet;
- LIVE: fresh frames arrive;
- STALLED: no new frame (or only identical content) for `stall_after_s`;
- LOST: opening failed, a read failed, or STALLED for `lost_after_s`. The source is
  closed and reopened with exponential backoff until frames flow again (LIVE).
  A source with a `fingerprint()` (folder contents, a video file's stat, a Linux
  device node) is polled every `PROBE_S` while LOST: when it changes (the files
  or the camera came back) the source is reopened at once, not after the backoff.

The log says each loss once, as a WARNING naming the source, why, and what to do; the
retries are DEBUG, a retry that fails for another reason INFO, and while the camera stays
lost a WARNING reminds of it after 1 min, then 2, 4, … up to every hour
(`REMIND_FIRST_S`, `REMIND_MAX_S`); the camera coming back is one INFO line with how long
it was lost.
"""

from __future__ import annotations

import enum
import logging
import random
import re
import threading
import time
import zlib
from collections import deque
from collections.abc import Callable
from pathlib import Path

import numpy as np

from kiosk.camera.errors import SourceEnded
from kiosk.camera.folder import ImageFolderSource
from kiosk.camera.sources import FrameSource
from kiosk.camera.trouble import CameraTrouble
from kiosk.config import CameraSettings
from kiosk.domain import Frame
from kiosk.imaging import ROTATIONS, image_files, rotate_frame
from kiosk.logs import duration_text

__all__ = ["CameraState", "Capture", "StateCallback", "backoff_delay", "content_key"]

log = logging.getLogger(__name__)

StateCallback = Callable[["CameraState", str], None]
_FPS_WINDOW_S = 2.0
_JITTER = 0.25  # a reopen waits between 75 % and 100 % of the backoff step
PROBE_S = 0.5  # while LOST, how often a source's fingerprint is looked at
REMIND_FIRST_S = 60.0  # a camera still lost is logged again after this long, then
REMIND_MAX_S = 3600.0  # after twice as long each time, up to this


class CameraState(enum.StrEnum):
    """The capture loop's four states (module docstring). The value is the name: it is
    what crosses to the admin panel's status, the audience analytics and the logs
    ("LIVE", "LOST", ...). A camera that was never built (a bad `camera.source`) is
    reported as LOST with the reason. NONE is never a capture loop's: it is the app's
    word for no camera on purpose (an empty `camera.source`), not a fault."""

    OPENING = "OPENING"
    LIVE = "LIVE"
    STALLED = "STALLED"
    LOST = "LOST"
    NONE = "NONE"

    @property
    def off(self) -> bool:
        """No picture can be expected: the visitor picks a mood by hand."""
        return self in (CameraState.LOST, CameraState.NONE)


def backoff_delay(
    attempt: int, initial_s: float, max_s: float, rng: random.Random | None = None
) -> float:
    """Wait before reopen number `attempt` (0-based): doubling from `initial_s`,
    capped at `max_s`, jittered downwards so kiosks do not retry in lock-step."""
    step = min(max_s, initial_s * 2.0 ** min(attempt, 60))
    return step * (1.0 - _JITTER * (rng or random).random())


def content_key(image: np.ndarray) -> tuple[tuple[int, ...], int]:
    """A cheap exact fingerprint: CRC of a ~64x48 subsample. A live sensor's noise
    makes it differ between any two real frames, even of a still scene."""
    h, w = image.shape[:2]
    sample = np.ascontiguousarray(image[:: max(1, h // 48), :: max(1, w // 64)])
    return image.shape, zlib.crc32(sample.data)


class Capture:
    """Reads `source` on the daemon thread "kiosk-capture"; consumers take the
    newest frame with `latest()` or block with `wait_newer(seq, timeout)`.

    Frames are `domain.Frame` with `seq` 1, 2, 3, … and a `clock()` timestamp;
    their images are read-only, turned `rotate` degrees clockwise (`[camera] rotate`:
    a camera mounted sideways or upside down) so that every consumer sees them
    upright, at the turned size. `clock` is injectable, and `step()` runs one loop
    iteration synchronously, so tests can drive the state machine without a thread."""

    def __init__(
        self,
        source: FrameSource,
        *,
        stall_after_s: float = 2.0,
        lost_after_s: float = 5.0,
        reopen_backoff_max_s: float = 5.0,
        reopen_backoff_initial_s: float = 0.5,
        rotate: int = 0,
        clock: Callable[[], float] = time.monotonic,
        rng: random.Random | None = None,
    ) -> None:
        if rotate not in ROTATIONS:
            raise ValueError(f"rotate must be one of {ROTATIONS} (degrees clockwise), "
                             f"not {rotate!r}")
        self.source = source
        self.rotate = rotate
        self.stall_after_s = stall_after_s
        self.lost_after_s = lost_after_s
        self.backoff_max_s = reopen_backoff_max_s
        self.backoff_initial_s = reopen_backoff_initial_s
        self._clock = clock
        self._rng = rng or random.Random()
        self._cond = threading.Condition()  # guards the frame slot and fps window
        self._latest: Frame | None = None
        self._seq = 0
        self._times: deque[float] = deque()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._callbacks: list[StateCallback] = []
        self._trouble_callbacks: list[Callable[[CameraTrouble | None], None]] = []
        self._state = CameraState.OPENING
        self._message = ""
        self._announced = False
        # Loop-private (capture thread or step() caller only):
        self._is_open = False
        self._ended = False
        self._attempt = 0
        self._next_open_at = float("-inf")
        self._opened_at = 0.0
        self._last_new_at = 0.0
        self._last_dup_at = float("-inf")
        self._last_key: tuple[tuple[int, ...], int] | None = None
        self._stalled_since = 0.0
        self._lost_fingerprint: object = None
        self._next_probe_at = float("-inf")
        self.last_backoff_s = 0.0
        self._lost_since: float | None = None  # when the current loss began
        self._trouble_since: float | None = None  # when STALLED/LOST began (any mix)
        self._lost_reason = ""  # the loss's reason as last logged (numbers masked)
        self._trouble: CameraTrouble | None = None  # why STALLED/LOST, as a code
        self._remind_every = REMIND_FIRST_S
        self._next_remind_at = float("inf")

    @classmethod
    def from_settings(
        cls,
        source: FrameSource,
        settings: CameraSettings,
        *,
        clock: Callable[[], float] = time.monotonic,
        rng: random.Random | None = None,
    ) -> Capture:
        return cls(
            source,
            stall_after_s=settings.stall_after_s,
            lost_after_s=settings.lost_after_s,
            reopen_backoff_max_s=settings.reopen_backoff_max_s,
            rotate=settings.rotate,
            clock=clock,
            rng=rng,
        )

    # ------------------------------------------------------------------ consumers

    @property
    def state(self) -> CameraState:
        return self._state

    @property
    def message(self) -> str:
        """Why the camera is in its state (e.g. "camera 0 not found")."""
        return self._message

    @property
    def trouble(self) -> CameraTrouble | None:
        """Why the camera is STALLED or LOST, as a code (`kiosk.camera.trouble`: what
        the fleet reports centrally); None while it is OPENING or LIVE."""
        return self._trouble

    def trouble_s(self) -> float | None:
        """Seconds (the capture's clock) since the camera last gave frames, while it is
        STALLED or LOST (a stall that became a loss counts from the stall); None
        while it is OPENING or LIVE. For the admin panel's "since" (tester round 12:
        the tile named no time)."""
        since = self._trouble_since
        return None if since is None else max(0.0, self._clock() - since)

    def latest(self) -> Frame | None:
        """The newest frame, without waiting (None before the first one)."""
        with self._cond:
            return self._latest

    def wait_newer(self, after_seq: int, timeout: float | None = None) -> Frame | None:
        """The newest frame with `seq > after_seq`, waiting up to `timeout` seconds;
        None on timeout or once capture stops."""

        def ready() -> bool:
            return (self._latest is not None and self._latest.seq > after_seq) or (
                self._stop.is_set()
            )

        with self._cond:
            self._cond.wait_for(ready, timeout)
            frame = self._latest
        return frame if frame is not None and frame.seq > after_seq else None

    def fps(self) -> float:
        """Frames per second published over the last ~2 s (decays to 0 when stalled)."""
        now = self._clock()
        with self._cond:
            while self._times and self._times[0] < now - _FPS_WINDOW_S:
                self._times.popleft()
            if len(self._times) < 2:
                return 0.0
            span = max(now - self._times[0], self._times[-1] - self._times[0])
            return (len(self._times) - 1) / span if span > 0 else 0.0

    def on_state(self, callback: StateCallback) -> Callable[[], None]:
        """Call `callback(state, message)` on each change, from the capture thread.
        Keep it short (hand over to your own thread). Returns an unsubscribe function."""
        self._callbacks.append(callback)

        def unsubscribe() -> None:
            if callback in self._callbacks:
                self._callbacks.remove(callback)

        return unsubscribe

    def on_trouble(self, callback: Callable[[CameraTrouble | None], None]) -> Callable[[], None]:
        """Call `callback(trouble)` when the reason changes while the state stays (LOST
        with one reason, then LOST with another: `on_state` is not called again, and the
        fleet's CameraTrouble must follow the newest reason). From the capture thread.
        Returns an unsubscribe function."""
        self._trouble_callbacks.append(callback)

        def unsubscribe() -> None:
            if callback in self._trouble_callbacks:
                self._trouble_callbacks.remove(callback)

        return unsubscribe

    # ------------------------------------------------------------------ lifecycle

    def start(self) -> None:
        """Start the capture thread. Never raises for a missing camera: that is LOST."""
        if self._thread is not None and self._thread.is_alive():
            raise RuntimeError("capture is already running")
        self._stop.clear()
        self._announced, self._ended, self._attempt = False, False, 0
        self._next_open_at = float("-inf")
        self._thread = threading.Thread(target=self._run, name="kiosk-capture", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 1.0) -> bool:
        """Stop the thread (and close the source); False if it did not end in time
        (a driver blocked inside read — the daemon thread closes it when it returns)."""
        self._stop.set()
        with self._cond:
            self._cond.notify_all()
        thread = self._thread
        if thread is None:
            self._close()
            return True
        thread.join(timeout)
        if thread.is_alive():
            log.warning("capture thread did not stop within %.2f s", timeout)
            return False
        self._thread = None
        return True

    def __enter__(self) -> Capture:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _run(self) -> None:
        try:
            while not self._stop.is_set():
                try:
                    delay = self.step()
                except Exception as exc:  # the loop must outlive any bug in a source
                    log.exception("capture loop error")
                    delay = self._lose(self._clock(), f"{self.source.name}: {exc}",
                                       self._gone_or(CameraTrouble.READ_FAILED))
                if delay > 0:
                    self._stop.wait(delay)
        finally:
            self._close()
            with self._cond:
                self._cond.notify_all()

    # ------------------------------------------------------------------ state machine

    def step(self) -> float:
        """One loop iteration; returns how long to wait before the next one."""
        now = self._clock()
        if not self._announced:
            self._announced = True
            self._set_state(CameraState.OPENING, f"opening {self.source.name}", announce=True)
        if self._ended:
            return 3600.0
        if not self._is_open:
            return self._try_open(now)
        try:
            image = self.source.read()
        except SourceEnded as exc:
            self._ended = True
            self._close()
            self._set_state(CameraState.LOST, str(exc), trouble=CameraTrouble.ENDED)
            return 3600.0
        except Exception as exc:
            return self._lose(now, str(exc) or f"{self.source.name} read failed",
                              self._gone_or(CameraTrouble.READ_FAILED))
        if image is not None:
            key = content_key(image) if self.source.expect_sensor_noise else None
            if key is None or key != self._last_key:
                self._last_key = key
                self._publish(image, now)
                return 0.0
            self._last_dup_at = now
        return self._watchdog(now)

    def _try_open(self, now: float) -> float:
        if now < self._next_open_at:
            if now < self._next_probe_at or not self._source_changed(now):
                return min(self._next_open_at, self._next_probe_at) - now
            log.info("%s changed while lost; reopening now", self.source.name)
        try:
            self.source.open()
        except Exception as exc:
            self._close()
            return self._lose(now, str(exc) or f"{self.source.name} could not be opened",
                              self._gone_or(CameraTrouble.CANNOT_OPEN))
        self._is_open = True
        # _last_key survives a reopen: a "new" frame equal to the last one is stale.
        self._opened_at = self._last_new_at = now
        return 0.0

    def _watchdog(self, now: float) -> float:
        idle = now - self._last_new_at
        state = self._state
        if state in (CameraState.OPENING, CameraState.LIVE) and idle >= self.stall_after_s:
            self._stalled_since = now
            self._set_state(CameraState.STALLED, self._stall_reason(idle),
                            trouble=self._gone_or(self._stall_trouble()))
        elif state is CameraState.STALLED and now - self._stalled_since >= self.lost_after_s:
            return self._lose(now, f"{self._stall_reason(idle)}; reopening {self.source.name}",
                              self._gone_or(self._stall_trouble()))
        elif state is CameraState.LOST and now - self._opened_at >= (
            self.stall_after_s + self.lost_after_s
        ):
            return self._lose(now, f"{self._stall_reason(idle)} after reopening",
                              self._gone_or(self._stall_trouble()))
        poll = 0.25 / max(self.source.nominal_fps, 1.0)
        return min(max(poll, 0.001), 0.02)

    def _stall_trouble(self) -> CameraTrouble:
        frozen = self._last_dup_at >= self._last_new_at
        return CameraTrouble.FROZEN if frozen else CameraTrouble.NO_FRAMES

    def _gone_or(self, trouble: CameraTrouble) -> CameraTrouble:
        """What is gone, by kind of source, when the source is known to be absent:
        DEVICE_GONE (a camera's device node), VIDEO_GONE / FOLDER_GONE (a file or
        folder that was there), FOLDER_EMPTY (a folder left with no images),
        SOURCE_MISSING (a configured path that has not existed in this run); else
        `trouble`. OpenCV repeats a stale frame or fails a read after an unplug, so a
        stall or a failed read is first checked against the source being there."""
        source = self.source
        inner = getattr(source, "inner", source)  # a PendingPathSource's file or folder
        try:
            if inner is None:  # a configured path that has not appeared
                return CameraTrouble.SOURCE_MISSING
            path = getattr(inner, "path", None)
            if path is not None:
                path = Path(path)
                if isinstance(inner, ImageFolderSource):
                    if not path.is_dir():
                        return CameraTrouble.FOLDER_GONE
                    return trouble if image_files(path) else CameraTrouble.FOLDER_EMPTY
                return trouble if path.exists() else CameraTrouble.VIDEO_GONE
            missing = getattr(inner, "missing_message", None)
            return CameraTrouble.DEVICE_GONE if missing is not None and missing() else trouble
        except Exception:  # a hint only: it must never break the loop
            log.debug("checking whether %s is there failed", source.name, exc_info=True)
            return trouble

    def _stall_reason(self, idle: float) -> str:
        if self._last_dup_at >= self._last_new_at:
            return f"{self.source.name} picture frozen (identical frames) for {idle:.1f} s"
        return f"no frames from {self.source.name} for {idle:.1f} s"

    def _fingerprint(self) -> object:
        probe = getattr(self.source, "fingerprint", None)
        if probe is None:
            return None
        try:
            return probe()
        except Exception:  # a probe is a hint; it must never break the loop
            log.debug("fingerprint of %s failed", self.source.name, exc_info=True)
            return None

    def _source_changed(self, now: float) -> bool:
        """True when the source's fingerprint differs from when it was lost."""
        self._next_probe_at = now + PROBE_S
        current = self._fingerprint()
        return current is not None and current != self._lost_fingerprint

    def _lose(self, now: float, message: str, trouble: CameraTrouble) -> float:
        """Close the source, go LOST and schedule the next open with backoff."""
        self._close()
        self._lost_fingerprint = self._fingerprint()
        self._next_probe_at = now + PROBE_S
        delay = backoff_delay(self._attempt, self.backoff_initial_s, self.backoff_max_s, self._rng)
        self._attempt += 1
        self.last_backoff_s = delay
        self._next_open_at = now + delay
        if self._state is CameraState.LOST:
            self._log_retry(now, message, delay)
        else:
            self._lost_since, self._lost_reason = now, _reason_key(message)
            self._remind_every = REMIND_FIRST_S
            self._next_remind_at = now + REMIND_FIRST_S
        self._set_state(CameraState.LOST, message, trouble=trouble)
        return delay

    def _log_retry(self, now: float, message: str, delay: float) -> None:
        """A reopen failed again: DEBUG, unless the reason changed (INFO) or a reminder
        is due (WARNING, then twice as late each time up to `REMIND_MAX_S`)."""
        reason = _reason_key(message)
        if reason != self._lost_reason:
            self._lost_reason = reason
            log.info("camera still lost, now: %s; next try in %.1f s", message, delay)
        elif now >= self._next_remind_at:
            lost_for = now - (self._lost_since if self._lost_since is not None else now)
            log.warning("camera still lost after %s: %s%s", duration_text(lost_for), message,
                        _what_to_do(message, self.source))
            self._remind_every = min(REMIND_MAX_S, self._remind_every * 2)
            self._next_remind_at = now + self._remind_every
        else:
            log.debug("%s; next try in %.1f s", message, delay)

    def _publish(self, image: np.ndarray, now: float) -> None:
        view = rotate_frame(image, self.rotate).view()  # 0: the source's own array
        view.flags.writeable = False
        with self._cond:
            self._seq += 1
            self._latest = Frame(view, self._seq, now, self.source.name)
            self._times.append(now)
            while self._times[0] < now - _FPS_WINDOW_S:
                self._times.popleft()
            self._cond.notify_all()
        self._last_new_at = now
        if self._state is not CameraState.LIVE:
            self._attempt = 0
            h, w = view.shape[:2]
            back = ""
            if self._lost_since is not None:
                back = f" (back after {duration_text(now - self._lost_since)} lost)"
                self._lost_since, self._next_remind_at = None, float("inf")
            self._set_state(CameraState.LIVE, f"{self.source.name} live ({w}x{h})", note=back)

    def _set_state(self, state: CameraState, message: str, *, announce: bool = False,
                   note: str = "", trouble: CameraTrouble | None = None) -> None:
        """`note`: said in the log only (the callbacks get `message`); `trouble`: why,
        for STALLED and LOST."""
        changed = announce or state is not self._state
        before = self._trouble
        if state in (CameraState.STALLED, CameraState.LOST):
            if self._trouble_since is None:
                self._trouble_since = self._clock()
            self._trouble = trouble
        else:
            self._trouble_since = None
            self._trouble = None
        self._state, self._message = state, message
        if not changed:
            if self._trouble != before:  # same state, a new reason (tester round 23, M1)
                for on_trouble in list(self._trouble_callbacks):
                    try:
                        on_trouble(self._trouble)
                    except Exception:
                        log.exception("camera trouble callback failed")
            return
        if state is CameraState.LOST and not self._ended:
            log.warning("camera lost: %s%s", message, _what_to_do(message, self.source))
        else:
            quiet = state in (CameraState.LIVE, CameraState.OPENING)
            level = logging.INFO if quiet else logging.WARNING
            log.log(level, "camera %s: %s%s", state.value.lower(), message, note)
        for callback in list(self._callbacks):
            try:
                callback(state, message)
            except Exception:
                log.exception("camera state callback failed")

    def _close(self) -> None:
        self._is_open = False
        try:
            self.source.close()
        except Exception:
            log.exception("closing %s failed", self.source.name)


CAMERA_ADVICE = "check the camera (cable, power, another program using it) and [camera] source"


def _what_to_do(message: str, source: object) -> str:
    """What the operator can do about a loss, unless its message says it already: for a
    video file or an image folder, its own `lost_advice()` (its path: is it still
    there, readable?), not a camera's cable (tester round 10)."""
    parts = []
    if "check" not in message:
        advice = getattr(source, "lost_advice", None)
        parts.append(advice() if advice is not None else CAMERA_ADVICE)
    if "keeps trying" not in message:
        parts.append("the kiosk keeps retrying, with the mood picker meanwhile")
    return "".join(f"; {p}" for p in parts)


def _reason_key(message: str) -> str:
    """A loss's reason without its numbers ("no frames … for 7.3 s" is one reason)."""
    return re.sub(r"\d+(\.\d+)?", "#", message)
