"""Camera test helpers: a hand-driven clock, a state recorder, and captures that
are always stopped."""

from __future__ import annotations

import queue
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from kiosk.camera.capture import CameraState, Capture
from kiosk.testing import FakeClock


class StateLog:
    """Collects `on_state` reports; `wait_for` blocks on a queue, never sleeps."""

    def __init__(self) -> None:
        self.history: list[tuple[CameraState, str]] = []
        self._queue: queue.Queue[tuple[CameraState, str]] = queue.Queue()

    def __call__(self, state: CameraState, message: str) -> None:
        self.history.append((state, message))
        self._queue.put((state, message))

    @property
    def states(self) -> list[CameraState]:
        return [s for s, _ in self.history]

    def wait_for(self, state: CameraState, timeout: float = 1.5) -> str:
        while True:
            try:
                got, message = self._queue.get(timeout=timeout)
            except queue.Empty:
                raise AssertionError(f"no {state} within {timeout} s; saw {self.states}") from None
            if got is state:
                return message


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def states() -> StateLog:
    return StateLog()


@pytest.fixture
def make_capture() -> Iterator[Callable[..., Capture]]:
    """Build captures that are stopped at teardown even when the test fails."""
    made: list[Capture] = []

    def make(*args: Any, **kwargs: Any) -> Capture:
        capture = Capture(*args, **kwargs)
        made.append(capture)
        return capture

    yield make
    for capture in made:
        assert capture.stop(timeout=1.0)
