"""Suite-wide fixtures: offscreen Qt, isolated folders, real faces, leak guard."""

from __future__ import annotations

import gc
import os
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Qt categories silenced on purpose (everything else at WARNING fails the test, see
# `qt_log_level_fail` in pyproject.toml):
#  - qt.qpa.fonts: the offscreen platform has no fontconfig cache on CI machines and warns
#    once per family lookup; fonts are checked by the screenshot tests instead.
#  - qt.qpa.plugin / qt.qpa.offscreen: "This plugin does not support propagateSizeHints()"
#    and similar notices from the offscreen platform, which has no window manager.
os.environ.setdefault(
    "QT_LOGGING_RULES", "qt.qpa.fonts=false;qt.qpa.plugin=false;qt.qpa.offscreen=false"
)

REPO = Path(__file__).resolve().parents[1]
SHARED_FACES = REPO.parent / "shared" / "data" / "faces"


@pytest.fixture(autouse=True)
def _isolated_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test reads the developer's config or writes to their data folders."""
    for name in list(os.environ):
        if name.startswith("KIOSK_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "xdg-state"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg-cache"))
    # AWS: never reach a real account, even by accident.
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.delenv("AWS_PROFILE", raising=False)


@pytest.fixture(autouse=True)
def _no_leaked_threads() -> Iterator[None]:
    """Fail a test that leaves a Python thread running (napari-style guard)."""
    before = set(threading.enumerate())
    yield
    leaked = []
    for thread in set(threading.enumerate()) - before:
        thread.join(timeout=2.0)  # bounded: a stopping thread gets a moment to finish
        if (thread.is_alive() and not thread.daemon) or (thread.is_alive() and _is_ours(thread)):
            leaked.append(thread.name)
    if leaked:
        pytest.fail(f"test left threads running: {leaked}")


def _is_ours(thread: threading.Thread) -> bool:
    return thread.name.startswith("kiosk-")


@pytest.fixture(autouse=True)
def _collector_restored() -> Iterator[None]:
    """The app holds off full garbage collections while its models load and then
    freezes what exists, with a short switch interval (`kiosk.vision.quiet_load`); in
    the test process that would keep each test's garbage cycles for good, so they are
    unfrozen after the test, and a test that leaves the collector or the switch
    interval changed fails."""
    thresholds, interval = gc.get_threshold(), sys.getswitchinterval()
    yield
    if gc.get_freeze_count():
        gc.unfreeze()
    changed = (gc.get_threshold() != thresholds or not gc.isenabled()
               or sys.getswitchinterval() != interval)
    gc.set_threshold(*thresholds)
    gc.enable()
    sys.setswitchinterval(interval)
    if changed:
        pytest.fail("test left the garbage collector or the switch interval changed")


@pytest.fixture(autouse=True)
def _no_leaked_qt_objects(request: pytest.FixtureRequest) -> Iterator[None]:
    """Fail a test that leaves an active QTimer, a running QThread or a new visible top-level
    window behind.

    Timers are caught where they start (napari's `_dangling_qtimers`: `QTimer.start` is
    wrapped for the test), so a timer owned by a window, the controller or no parent at all is
    seen, not only the QApplication's children.
    """
    if "qtbot" not in request.fixturenames and "qapp" not in request.fixturenames:
        yield
        return
    import shiboken6
    from PySide6.QtCore import QCoreApplication, QThread, QTimer
    from PySide6.QtWidgets import QApplication

    started: list[QTimer] = []
    original_start = QTimer.start

    def tracking_start(self: QTimer, *args: object) -> None:
        started.append(self)
        original_start(self, *args)

    app = QCoreApplication.instance()
    windows_before = (
        set(QApplication.topLevelWidgets()) if isinstance(app, QApplication) else set()
    )
    QTimer.start = tracking_start  # type: ignore[method-assign]
    try:
        yield
    finally:
        QTimer.start = original_start  # type: ignore[method-assign]
    app = QCoreApplication.instance()
    if app is None:
        return
    for _ in range(3):
        QCoreApplication.processEvents()
    active = sorted(
        {
            t.objectName() or f"{type(t).__name__} parent={type(t.parent()).__name__}"
            for t in started + app.findChildren(QTimer)
            if shiboken6.isValid(t) and t.isActive()
        }
    )
    running = [t.objectName() or repr(t) for t in app.findChildren(QThread) if t.isRunning()]
    windows = [
        f"{type(w).__name__}({w.objectName()!r})"
        for w in (QApplication.topLevelWidgets() if isinstance(app, QApplication) else [])
        if w not in windows_before and shiboken6.isValid(w) and w.isVisible()
    ]
    for w in QApplication.topLevelWidgets() if isinstance(app, QApplication) else []:
        if w not in windows_before and shiboken6.isValid(w) and w.isVisible():
            w.close()  # one leak must not cascade into the next test
    if active or running or windows:
        pytest.fail(
            "test left Qt objects behind: "
            f"timers={active} threads={running} visible windows={windows}"
        )


@pytest.fixture(scope="session")
def faces_dir() -> Path:
    """The real labeled faces in ../shared/data/faces (skip when absent)."""
    if not (SHARED_FACES / "labels.csv").is_file():
        pytest.skip(f"real faces not available: {SHARED_FACES} is missing "
                    "(../shared beside the repo)")
    return SHARED_FACES


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    path = tmp_path / "data"
    path.mkdir()
    return path
