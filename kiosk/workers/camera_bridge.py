"""Qt bridge for the capture thread: camera state changes become a signal.

The capture thread (kiosk.camera.Capture) keeps only the newest frame; the GUI
polls `latest()` for the preview (cheap, non-blocking), so frames never queue up
in the event loop.

Signals:
    state_changed(str state, str message): a `CameraState` value (OPENING, LIVE,
        STALLED, LOST; a plain str on the wire, `CameraState(state)` again), emitted
        from the capture thread and delivered queued on the GUI thread.
    trouble_changed(int code): the reason (`CameraTrouble`, 0 for none) changed while
        the state stayed (LOST for one reason, then for another).
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, Signal

from kiosk.camera import CameraState, CameraTrouble, Capture
from kiosk.domain import Frame

log = logging.getLogger(__name__)


class CameraBridge(QObject):
    state_changed = Signal(str, str)
    trouble_changed = Signal(int)

    def __init__(self, capture: Capture, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.capture = capture
        self._unsubscribe = capture.on_state(self._on_state)
        self._unsubscribe_trouble = capture.on_trouble(
            lambda trouble: self.trouble_changed.emit(int(trouble or 0)))

    def start(self) -> None:
        self.capture.start()

    def stop(self, timeout: float = 3.0) -> bool:
        self._unsubscribe()
        self._unsubscribe_trouble()
        return self.capture.stop(timeout)

    def latest(self) -> Frame | None:
        return self.capture.latest()

    @property
    def state(self) -> CameraState:
        return self.capture.state

    def fps(self) -> float:
        return self.capture.fps()

    @property
    def message(self) -> str:
        """The capture's current reason (memory read: it follows a loss whose reason
        changed, which `state_changed` does not repeat)."""
        return self.capture.message

    @property
    def trouble(self) -> CameraTrouble | None:
        """`Capture.trouble`: why it is STALLED or LOST, as a code (None otherwise)."""
        return self.capture.trouble

    def trouble_s(self) -> float | None:
        """`Capture.trouble_s`: seconds STALLED or LOST, None while it gives frames."""
        return self.capture.trouble_s()

    def _on_state(self, state: CameraState, message: str) -> None:
        log.info("camera %s: %s", state.value, message)
        self.state_changed.emit(state.value, message)
