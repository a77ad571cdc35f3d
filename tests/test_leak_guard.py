"""The suite's own leak guard (tests/conftest.py) catches what it promises to catch."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

LEAKY_TESTS = '''
from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QWidget

_keep = []


def test_timer_owned_by_a_plain_object(qtbot):
    owner = QObject()
    timer = QTimer(owner)
    timer.start(10_000)
    _keep.append(owner)


def test_visible_window_left_open(qtbot):
    window = QWidget()
    window.show()
    _keep.append(window)


def test_clean(qtbot):
    timer = QTimer()
    timer.start(10_000)
    timer.stop()
'''


@pytest.mark.slow
def test_guard_reports_timers_and_windows_that_a_test_leaves(tmp_path: Path) -> None:
    tests_dir = tmp_path / "tests"
    tests_dir.mkdir()
    (tests_dir / "conftest.py").write_text((REPO / "tests" / "conftest.py").read_text())
    (tests_dir / "test_leaky.py").write_text(LEAKY_TESTS)
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:randomly",
         "-o", "qt_api=pyside6", "-W", "error", str(tests_dir)],
        capture_output=True, text=True, timeout=120, cwd=tmp_path,
    )
    out = result.stdout + result.stderr
    assert "timers=['QTimer parent=QObject']" in out, out
    assert "visible windows=[\"QWidget('')\"]" in out, out
    assert "3 passed, 2 errors" in out, out  # teardown errors on the two leaky tests
