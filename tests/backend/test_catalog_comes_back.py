"""A catalog folder that is missing at start, or goes away while the kiosk runs (a USB
stick or network share not mounted), comes back without a restart: pages fail with
the reason, logged once per change, and the next page or `check_catalog` after the
folder is there opens or rescans the catalog (`kiosk.backend.catalog_watch`)."""

from __future__ import annotations

import logging
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.backend import KioskBackend
from kiosk.config import load_settings
from kiosk.domain import Emotion, RecommendMode
from kiosk.errors import KioskError
from kiosk.resources import catalog_root
from kiosk.workers import runner

PER_EMOTION = 2


def fill(root: Path) -> int:
    """Copy the first `PER_EMOTION` demo images of each emotion into `root`."""
    count = 0
    for folder in sorted(p for p in catalog_root().iterdir() if p.is_dir()):
        (root / folder.name).mkdir(parents=True, exist_ok=True)
        for image in sorted(folder.glob("*.jpg"))[:PER_EMOTION]:
            shutil.copy2(image, root / folder.name / image.name)
            count += 1
    return count


@pytest.fixture
def cat(tmp_path: Path) -> Path:
    return tmp_path / "usb" / "catalog"


@pytest.fixture
def backend(tmp_path: Path, cat: Path) -> Iterator[KioskBackend]:
    settings = load_settings(env={}, overrides={
        "app.data_dir": str(tmp_path / "data"), "recommend.catalog_dir": str(cat)})
    b = KioskBackend.from_settings(settings)
    b.image_size = (32, 32)
    clock = [0.0]
    assert b.catalog_watch is not None
    b.catalog_watch._clock = lambda: clock[0]
    yield b
    b.close()


def page(b: KioskBackend, request: int = 1) -> int:
    return len(b.page(request, "v1", Emotion.HAPPY, None, RecommendMode.EMOTION, 3).page.items)


def lines(caplog: pytest.LogCaptureFixture, level: int) -> list[str]:
    return [r.getMessage() for r in caplog.records
            if r.name.startswith("kiosk") and r.levelno == level]


def test_a_folder_missing_at_start_opens_once_it_appears(
        backend: KioskBackend, cat: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    with pytest.raises(KioskError, match="does not exist") as started:
        backend.open(events=False)
    assert started.value.logged  # the worker will not log it again
    for request in range(3):  # Next, Next, Next, and the controller's checks
        with pytest.raises(KioskError, match="does not exist") as failed:
            page(backend, request)
        assert failed.value.logged
        assert backend.check_catalog() == 0
    errors = lines(caplog, logging.ERROR)
    assert len(errors) == 1 and "checks again every 2 s" in errors[0]
    assert "recommendations unavailable" in backend.status().problem

    images = fill(cat)  # the stick is mounted
    assert page(backend, 9) == 3  # Next works: no restart
    assert backend.check_catalog() == 1
    assert backend.status().problem == ""
    assert sum((backend.status().catalog_counts or {}).values()) == images
    assert lines(caplog, logging.INFO)[-1:] == [
        f"catalog folder {cat} is there: recommendations are back ({images} images)"]
    assert len(lines(caplog, logging.ERROR)) == 1


def test_a_folder_that_goes_and_comes_back_is_rescanned_not_reindexed(
        backend: KioskBackend, cat: Path, tmp_path: Path,
        caplog: pytest.LogCaptureFixture) -> None:
    images = fill(cat)
    backend.open(events=False)
    assert backend.check_catalog() == 1 and page(backend) == 3
    caplog.set_level(logging.INFO)
    away = tmp_path / "away"
    cat.rename(away)  # unplugged
    assert backend.check_catalog() == 1
    for request in range(2, 6):
        with pytest.raises(KioskError, match="does not exist") as failed:
            page(backend, request)
        assert failed.value.logged
        backend.check_catalog()
    with pytest.raises(KioskError, match="does not exist"):
        backend.rescan()  # the admin panel's Reload catalog says why
    assert "does not exist" in backend.status().problem
    assert len(lines(caplog, logging.ERROR)) == 1
    assert not [r for r in caplog.records if r.levelno == logging.WARNING]  # no flood

    away.rename(cat)  # plugged back in
    assert backend.check_catalog() == 2
    assert page(backend, 7) == 3 and backend.status().problem == ""
    report = backend.rescan()
    assert getattr(report, "unchanged", None) == images  # the manifest was kept
    assert lines(caplog, logging.INFO).count(
        f"catalog folder {cat} is there: recommendations are back ({images} images)") == 1


def test_an_empty_mount_point_keeps_the_manifest(
        backend: KioskBackend, cat: Path, tmp_path: Path,
        caplog: pytest.LogCaptureFixture) -> None:
    images = fill(cat)
    backend.open(events=False)
    away = tmp_path / "stick"
    away.mkdir()
    for folder in list(cat.iterdir()):  # unmounted: the mount point stays, empty
        folder.rename(away / folder.name)
    caplog.set_level(logging.INFO)
    assert backend.check_catalog() == 1
    with pytest.raises(KioskError, match=f"is empty but held {images} images"):
        page(backend)
    with pytest.raises(KioskError, match="not mounted"):
        backend.rescan()
    assert len(lines(caplog, logging.ERROR)) == 1
    for folder in list(away.iterdir()):
        folder.rename(cat / folder.name)
    assert backend.check_catalog() == 2
    assert getattr(backend.rescan(), "unchanged", None) == images  # nothing re-indexed


def test_an_empty_new_catalog_still_opens(backend: KioskBackend, cat: Path) -> None:
    cat.mkdir(parents=True)  # a fresh catalog, filled later by approvals
    backend.open(events=False)
    assert backend.check_catalog() == 1 and backend.status().problem == ""
    assert page(backend) == 0


def test_a_failing_reopen_backs_off(backend: KioskBackend, cat: Path, tmp_path: Path,
                                     caplog: pytest.LogCaptureFixture) -> None:
    fill(cat)
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "catalog.sqlite3").write_bytes(b"not a database" * 100)
    opened: list[float] = []
    opener = backend._opener
    assert opener is not None and backend.catalog_watch is not None
    clock = [0.0]
    backend.catalog_watch._clock = lambda: clock[0]

    def counting(b: KioskBackend) -> None:
        opened.append(clock[0])
        opener(b)

    backend._opener = counting
    caplog.set_level(logging.INFO)
    with pytest.raises(KioskError):
        backend.open(events=False)
    for t in range(0, 40):  # a check every second for 40 s
        clock[0] = float(t)
        assert backend.check_catalog() == 0
    # at start, then 2 s, 4 s, 8 s, 16 s apart: not once a second
    assert opened == [0.0, 2.0, 6.0, 14.0, 30.0]
    assert len(lines(caplog, logging.ERROR)) == 1  # the same reason, logged once


def test_the_worker_does_not_repeat_a_logged_error(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger=runner.__name__)
    worker = runner.SerialWorker("t")
    error = KioskError("catalog folder /x does not exist")
    error.logged = True
    worker._log_failure("KioskBackend.page", error)
    assert [r.levelno for r in caplog.records] == [logging.DEBUG]
