"""Suite-wide fixtures: offscreen Qt, isolated folders, real faces, leak guard."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_LOGGING_RULES", "qt.qpa.*=false")

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
def _no_leaked_qt_timers(request: pytest.FixtureRequest) -> Iterator[None]:
    """Fail a test that leaves an active QTimer or running QThread behind."""
    yield
    if "qtbot" not in request.fixturenames and "qapp" not in request.fixturenames:
        return
    from PySide6.QtCore import QCoreApplication, QThread, QTimer

    app = QCoreApplication.instance()
    if app is None:
        return
    for _ in range(3):
        QCoreApplication.processEvents()
    active = [
        t.objectName() or repr(t)
        for t in app.findChildren(QTimer)
        if t.isActive()
    ]
    running = [t.objectName() or repr(t) for t in app.findChildren(QThread) if t.isRunning()]
    if active or running:
        pytest.fail(f"test left Qt timers/threads running: timers={active} threads={running}")


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
