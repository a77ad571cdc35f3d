"""A full data disk: the kiosk names the cause (disk full, with the space left) and keeps
showing pages from the catalog manifest already on disk instead of showing nothing."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

from kiosk.backend import KioskBackend
from kiosk.config import load_settings
from kiosk.domain import Emotion, RecommendMode
from kiosk.recommend.catalog import Catalog
from kiosk.resources import catalog_root

_real_connect = sqlite3.connect


def _disk_full(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every writable open fails as on a full disk; read-only URIs still work."""

    def connect(database: Any, *args: Any, **kwargs: Any) -> sqlite3.Connection:
        if str(database) == ":memory:" or (str(database).startswith("file:")
                                           and "mode=ro" in str(database)):
            return _real_connect(database, *args, **kwargs)
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(sqlite3, "connect", connect)


def _small_catalog(tmp_path: Path) -> Path:
    import shutil

    root = tmp_path / "catalog"
    for folder in catalog_root().iterdir():
        if folder.is_dir():
            (root / folder.name).mkdir(parents=True)
            for image in sorted(folder.iterdir())[:3]:
                shutil.copy(image, root / folder.name / image.name)
    return root


def test_catalog_on_a_full_disk_keeps_its_items_and_says_why(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root, db = _small_catalog(tmp_path), tmp_path / "data" / "catalog.sqlite3"
    with_writes = Catalog(root, db)
    with_writes.rescan()
    count = len(with_writes.items())
    with_writes.close()
    assert count > 0

    _disk_full(monkeypatch)
    catalog = Catalog(root, db)
    try:
        assert "is full" in catalog.read_only and "catalog manifest" in catalog.read_only
        assert len(catalog.items()) == count  # pages can still be made
        assert catalog.rescan().unchanged == count  # no write attempted, no error
    finally:
        catalog.close()


def test_a_rescan_that_hits_a_full_disk_keeps_the_manifest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _small_catalog(tmp_path)
    catalog = Catalog(root, tmp_path / "catalog.sqlite3")
    try:
        count = catalog.rescan().unchanged + len(catalog.items())
        def full() -> Any:
            raise sqlite3.OperationalError("database or disk is full")

        monkeypatch.setattr(catalog, "_rescan", full)
        assert catalog.rescan().unchanged == len(catalog.items()) == count
        assert "is full" in catalog.read_only
    finally:
        catalog.close()


def test_backend_pages_from_what_is_on_disk_and_names_the_full_disk(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = load_settings(env={}, overrides={
        "app.data_dir": str(tmp_path / "data"),
        "recommend.catalog_dir": str(_small_catalog(tmp_path)),
    })
    first = KioskBackend.from_settings(settings)
    first.open(events=False)
    first.close()

    _disk_full(monkeypatch)
    backend = KioskBackend.from_settings(settings)
    backend.image_size = (32, 32)
    backend.open(events=False)
    try:
        result = backend.page(1, "v1", Emotion.HAPPY, None, RecommendMode.EMOTION, 3)
        assert len(result.page.items) == 3
        problem = backend.status().problem
        assert "is full" in problem and "catalog manifest" in problem
        assert "recommender database" in problem
    finally:
        backend.close()


def test_no_catalog_at_all_is_named_on_the_admin_panel(tmp_path: Path) -> None:
    settings = load_settings(env={}, overrides={
        "app.data_dir": str(tmp_path / "data"),
        "recommend.catalog_dir": str(tmp_path / "missing"),
    })
    backend = KioskBackend.from_settings(settings)
    with pytest.raises(Exception, match="missing"):
        backend.open(events=False)
    assert "recommendations unavailable" in backend.status().problem


def test_a_first_start_on_a_full_disk_shows_pages_from_a_catalog_indexed_in_memory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No manifest yet and none can be created: before, every page was empty ("These
    images could not be shown"); now the catalog is indexed in memory for the run."""
    settings = load_settings(env={}, overrides={
        "app.data_dir": str(tmp_path / "data"),
        "recommend.catalog_dir": str(_small_catalog(tmp_path)),
    })
    _disk_full(monkeypatch)
    backend = KioskBackend.from_settings(settings)
    backend.image_size = (32, 32)
    backend.open(events=False)
    try:
        result = backend.page(1, "v1", Emotion.HAPPY, None, RecommendMode.EMOTION, 3)
        assert len(result.page.items) == 3
        problem = backend.status().problem
        assert "is full" in problem and "catalog is indexed in memory for this run" in problem
    finally:
        backend.close()
    assert not (tmp_path / "data" / "catalog.sqlite3").exists()
