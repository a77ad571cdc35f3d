"""The application's QScreen is never owned by a widget's Python wrapper.

PySide6 ties the wrapper `QWidget.screen()` returns to the widget; a second widget
asking takes it over, and when that widget's wrapper is freed by the garbage
collector the real QScreen is deleted with it: the next widget segfaults
(`QScreen::virtualSiblings`). It crashed the suite whenever a collection fell between
two out-of-order page tests (tests/test_main.py, tests/test_selftest.py, then
tests/ui/test_ui_out_of_order.py). `kiosk.ui.screens.screen_of` looks the screen up
without an owner."""

from __future__ import annotations

import ast
import gc
import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from kiosk.ui import theme
from kiosk.ui.screens import screen_of

REPO = Path(__file__).resolve().parents[2]


def test_the_metrics_leave_the_screen_without_an_owner(qtbot: QtBot,
                                                      qapp: QCoreApplication) -> None:
    widget = QWidget()
    qtbot.addWidget(widget)
    assert theme.metrics_for_widget(widget).dp == 1.0  # offscreen: 96 dpi
    assert screen_of(widget) is QGuiApplication.primaryScreen()
    screen = QGuiApplication.primaryScreen()
    assert not [r for r in gc.get_referrers(screen) if r is widget]


# A child process: on the old code this crashes it (-11), not the suite.
COLLECTED_PAGE = """
import gc
from PySide6.QtWidgets import QApplication, QWidget
app = QApplication([])
from kiosk.ui.out_of_order import OutOfOrderPage
destroyed = []
QApplication.primaryScreen().destroyed.connect(lambda *a: destroyed.append(True))
first = OutOfOrderPage()  # kept, as pytest-qt keeps a test's page until teardown
def second():
    page = OutOfOrderPage()
    page.resize(1080, 1920)
    page.me = page  # in a reference cycle: only the collector frees it
second()
gc.collect()
print("screen destroyed:", bool(destroyed), flush=True)
QWidget()
print("a new widget: ok", flush=True)
"""


def test_a_page_freed_by_the_collector_leaves_the_screen_alive() -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(REPO)}
    done = subprocess.run([sys.executable, "-c", COLLECTED_PAGE], capture_output=True,
                          text=True, timeout=120, env=env, cwd=REPO)
    assert done.returncode == 0, (done.returncode, done.stdout, done.stderr[-2000:])
    assert "screen destroyed: False" in done.stdout
    assert "a new widget: ok" in done.stdout


def test_the_app_never_asks_a_widget_or_window_for_its_screen() -> None:
    """`x.screen()` anywhere in kiosk/ would bring the crash back: use `screen_of`."""
    calls = []
    for path in sorted((REPO / "kiosk").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr == "screen" and not node.args):
                calls.append(f"{path.relative_to(REPO)}:{node.lineno}")
    assert calls == []
