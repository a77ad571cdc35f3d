"""The shared test helpers in `kiosk.testing` behave as the tests rely on."""

from __future__ import annotations

import subprocess
import sys

import pytest

from kiosk.testing import FakeClock


def test_fake_clock_moves_only_by_hand() -> None:
    clock = FakeClock()
    assert clock() == 1000.0 and clock() == 1000.0
    assert clock.advance(2.5) == 1002.5 and clock() == 1002.5
    clock.now = 5.0
    assert clock() == 5.0


def test_fake_clock_refuses_to_go_back() -> None:
    clock = FakeClock(10.0)
    with pytest.raises(ValueError, match="seconds must be >= 0"):
        clock.advance(-1.0)
    assert clock() == 10.0


def test_kiosk_testing_does_not_load_qt() -> None:
    code = "import sys, kiosk.testing; print(any(m.startswith('PySide6') for m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
