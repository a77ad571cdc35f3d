"""The bridge carries a new reason of a loss that goes on (LOST, then LOST for another
reason) to the GUI thread, where the app hands it to the analytics recorder: the fleet's
CameraTrouble follows the newest reason (tester round 23, M1: it kept the first)."""

from __future__ import annotations

import random

from pytestqt.qtbot import QtBot

from kiosk.camera import CameraTrouble
from kiosk.camera.capture import CameraState, Capture
from kiosk.camera.fake import FakeSource
from kiosk.testing import FakeClock
from kiosk.workers.camera_bridge import CameraBridge


def test_a_new_reason_while_lost_is_a_signal(qtbot: QtBot) -> None:
    clock = FakeClock()
    source = FakeSource()
    capture = Capture(source, clock=clock, stall_after_s=2.0, lost_after_s=5.0,
                      rng=random.Random(7))
    bridge = CameraBridge(capture)
    capture.step(), capture.step()
    assert capture.state is CameraState.LIVE
    states: list[str] = []
    codes: list[int] = []
    bridge.state_changed.connect(lambda state, _msg: states.append(state))
    bridge.trouble_changed.connect(codes.append)
    source.disappear()
    capture.step()
    assert capture.trouble is CameraTrouble.DEVICE_GONE
    source.come_back()  # there again, but it will not open
    source.open = lambda: (_ for _ in ()).throw(OSError("device busy"))  # type: ignore[method-assign]
    clock.advance(capture.last_backoff_s)
    capture.step()
    assert (capture.state, capture.trouble) == (CameraState.LOST, CameraTrouble.CANNOT_OPEN)
    assert states == ["LOST"]  # one state change
    assert codes == [int(CameraTrouble.CANNOT_OPEN)]  # and the new reason, once
    bridge.stop(1.0)
