"""Fixtures for the worker tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pytestqt.qtbot import QtBot

from kiosk.workers.runner import SerialWorker


@pytest.fixture
def worker(qtbot: QtBot) -> Iterator[SerialWorker]:
    """A started `SerialWorker` ("test"), stopped (and checked stopped) after the test."""
    w = SerialWorker("test")
    w.start()
    yield w
    assert w.stop(2.0)
