"""SIGTERM (systemctl stop) always reaches the orderly shutdown, even when it arrives
before the event loop runs (during start-up)."""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from kiosk.app import _quit_on_sigterm


@pytest.fixture
def handlers_restored() -> Iterator[None]:
    saved = {s: signal.getsignal(s) for s in (signal.SIGTERM, signal.SIGINT)}
    yield
    for sig, handler in saved.items():
        signal.signal(sig, handler)


def test_a_sigterm_before_the_event_loop_runs_is_not_lost(
    qapp: QApplication, handlers_restored: None
) -> None:
    wakeup = _quit_on_sigterm(qapp)
    guard = QTimer()  # only if the SIGTERM were lost: end the loop with another status
    guard.setSingleShot(True)
    guard.timeout.connect(lambda: qapp.exit(7))
    try:
        os.kill(os.getpid(), signal.SIGTERM)  # the handler runs now, before exec()
        guard.start(10_000)
        assert qapp.exec() == 0
    finally:
        guard.stop()
        wakeup.stop()
