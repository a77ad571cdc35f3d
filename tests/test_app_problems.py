"""The app wires every worker's `errored` to the operator: a failed job on the recommend,
events or identity thread, a failed frame on the vision thread, and a failed run of the
periodic catalog sync each show as the admin panel's "Last problem" (on the GUI thread)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from kiosk.app import Kiosk
from kiosk.config import load_settings
from kiosk.ui import admin_status
from kiosk.workers.problems import WorkerProblems


@pytest.fixture
def kiosk(qtbot: QtBot, tmp_path: Path) -> Iterator[Kiosk]:
    settings = load_settings(env={}, overrides={
        "camera.source": "",  # no camera (an empty source): no vision thread
        "app.data_dir": str(tmp_path / "data"), "app.log_dir": str(tmp_path / "log"),
    })
    app = Kiosk(settings)
    qtbot.addWidget(app.window)
    app.start()
    yield app
    assert app.shutdown() == []


def fail(message: str) -> None:
    raise OSError(message)


def test_worker_errors_reach_the_admin_panel(kiosk: Kiosk, qtbot: QtBot) -> None:
    kiosk.worker.submit(fail, "catalog folder unreadable")
    qtbot.waitUntil(lambda: "catalog folder unreadable" in kiosk.window.last_problem,
                    timeout=30000)
    assert "recommend: fail failed: catalog folder unreadable" in kiosk.window.last_problem
    kiosk.events_worker.submit(fail, "database or disk is full")
    qtbot.waitUntil(lambda: "database or disk is full" in kiosk.window.last_problem,
                    timeout=30000)
    assert kiosk.problems.count >= 2
    assert "events: fail failed" in kiosk.window.last_problem
    kiosk.window.set_status(kiosk.status().as_dict())
    other = "\n".join(admin_status.other_lines(kiosk.window.admin.status()))
    assert "Last problem: " in other and "database or disk is full" in other


def make_kiosk(qtbot: QtBot, tmp_path: Path, **overrides: str) -> Kiosk:
    """An app with no camera (unless overridden) and a small catalog: it opens and
    stops within its budgets even on a loaded machine."""
    catalog = tmp_path / "catalog" / "happy"
    catalog.mkdir(parents=True)
    settings = load_settings(env={}, overrides={
        "recommend.catalog_dir": str(catalog.parent),
        "camera.source": "",  # no camera: a missing path would be retried (a camera)
        "app.data_dir": str(tmp_path / "data"), "app.log_dir": str(tmp_path / "log"),
        **overrides,
    })
    app = Kiosk(settings)
    qtbot.addWidget(app.window)
    return app


def test_identity_worker_errors_reach_the_admin_panel(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.setenv(name, "test")
    app = make_kiosk(qtbot, tmp_path, **{
        "identity.enabled": "true", "identity.collection_id": "kiosk-test",
        "aws.region": "us-east-1", "aws.endpoint_rekognition": "http://127.0.0.1:9",
    })
    assert app.identity_worker is not None
    app.start()
    try:
        app.identity_worker.submit(fail, "collection unreachable")
        qtbot.waitUntil(lambda: "collection unreachable" in app.window.last_problem,
                        timeout=30000)
        assert "identity: fail failed: collection unreachable" in app.window.last_problem
    finally:
        assert app.shutdown() == []


class BrokenPipeline:
    """Stands in for the vision pipeline: every frame fails."""

    fallback = None
    light = None  # no light or orientation watcher: the admin panel shows neither
    camera_turn = None

    def process(self, frame: object) -> object:
        raise RuntimeError("classifier returned NaN")

    def reset(self) -> None:
        pass

    def close(self, timeout: float = 3.0) -> None:
        pass


def test_vision_frame_errors_reach_the_admin_panel(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import cv2
    import numpy as np

    frames = tmp_path / "frames"
    frames.mkdir()
    assert cv2.imwrite(str(frames / "a.png"), np.full((120, 160, 3), 90, np.uint8))
    monkeypatch.setattr("kiosk.app.pipeline_factory",
                        lambda settings, **options: lambda stop: (BrokenPipeline(), "cpu (test)"))
    app = make_kiosk(qtbot, tmp_path, **{"camera.source": str(frames)})
    assert app.vision is not None
    app.start()
    try:
        qtbot.waitUntil(lambda: "classifier returned NaN" in app.window.last_problem,
                        timeout=30000)
        assert "vision: a frame failed: classifier returned NaN" in app.window.last_problem
    finally:
        assert app.shutdown() == []


SYNC = {"sync.url": "s3://fleet-catalog/kiosks", "sync.interval_min": "60"}


def test_periodic_sync_errors_reach_the_admin_panel(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The sync thread's failure arrives on the GUI thread, through the one bridge."""
    threads: list[str] = []

    def sync_once(self: Kiosk, stop: threading.Event) -> None:
        raise OSError("bucket fleet-catalog: access denied")

    def record(self: WorkerProblems, source: str, what: str) -> None:
        threads.append(threading.current_thread().name)
        original(self, source, what)

    original = WorkerProblems.record
    monkeypatch.setattr(Kiosk, "_sync_once", sync_once)
    monkeypatch.setattr(WorkerProblems, "record", record)
    app = make_kiosk(qtbot, tmp_path, **SYNC)
    assert app.periodic_sync is not None
    app.start()
    assert "catalog sync" in app.cleanups.names()  # its own stop budget
    try:
        qtbot.waitUntil(lambda: "access denied" in app.window.last_problem, timeout=30000)
        assert ("catalog sync: catalog sync failed: bucket fleet-catalog: access denied"
                in app.window.last_problem)
        assert threads == [threading.main_thread().name]
    finally:
        assert app.shutdown() == []


def test_a_sync_that_changed_files_rescans_from_the_gui_thread(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kiosk.curation.s3sync import SyncReport

    seen: list[tuple[str, bool]] = []

    def sync_once(self: Kiosk, stop: threading.Event) -> SyncReport:
        return SyncReport("s3://fleet-catalog/kiosks", downloaded=("happy/new.jpg",))

    def on_synced(self: Kiosk, report: SyncReport) -> None:
        seen.append((threading.current_thread().name, report.changed))
        original(self, report)

    original = Kiosk._on_synced
    monkeypatch.setattr(Kiosk, "_sync_once", sync_once)
    monkeypatch.setattr(Kiosk, "_on_synced", on_synced)
    app = make_kiosk(qtbot, tmp_path, **SYNC)
    rescans: list[str] = []

    def rescan() -> str:
        rescans.append(threading.current_thread().name)
        return "0 added"

    monkeypatch.setattr(app.backend, "rescan", rescan)
    app.start()
    try:
        qtbot.waitUntil(lambda: bool(rescans), timeout=30000)
        assert seen == [(threading.main_thread().name, True)]
        assert rescans == ["kiosk-recommend"]  # the rescan itself runs on its worker
    finally:
        assert app.shutdown() == []


def test_a_sync_that_does_not_stop_is_reported_by_the_shutdown(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A sync run stuck past its 10 s budget is named by the shutdown (so the process
    leaves with os._exit instead of finalizing around a running thread)."""
    monkeypatch.setattr(Kiosk, "_sync_once", lambda self, stop: None)
    app = make_kiosk(qtbot, tmp_path, **SYNC)
    sync = app.periodic_sync
    assert sync is not None
    app.start()
    real_stop = sync.stop
    monkeypatch.setattr(sync, "stop", lambda timeout=10.0: False)  # "still running"
    try:
        assert app.shutdown() == ["catalog sync"]
    finally:
        assert real_stop(5.0)


def test_without_vision_the_catalog_indexes_at_full_speed(
    qtbot: QtBot, tmp_path: Path
) -> None:
    """No camera, so no models load: the indexing's pauses end at start
    (kiosk.recommend.pacing); with a camera they end on vision ready or failed."""
    app = make_kiosk(qtbot, tmp_path)
    assert app.vision is None and not app.index_pacer.settled
    app.start()
    try:
        assert app.index_pacer.settled
    finally:
        assert app.shutdown() == []


def test_vision_failing_to_load_ends_the_indexing_pauses(
    qtbot: QtBot, tmp_path: Path
) -> None:
    import numpy as np
    from PIL import Image

    frames = tmp_path / "frames"
    frames.mkdir()
    Image.fromarray(np.zeros((48, 64, 3), np.uint8)).save(frames / "0001.png")
    app = make_kiosk(qtbot, tmp_path, **{"camera.source": str(frames)})
    assert app.vision is not None and not app.index_pacer.settled
    app.vision.failed.emit("the models could not be loaded")  # not started: wiring only
    assert app.index_pacer.settled
