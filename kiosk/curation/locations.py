"""Where the operator tools keep their files, derived from the settings.

    <catalog>/<emotion>/<file>          the live catalog (recommend.catalog_dir, else the
                                        bundled demo catalog)
    <data_dir>/catalog.sqlite3          the catalog manifest (kiosk.recommend.catalog)
    <data_dir>/pending/                 images waiting for review, and pool.sqlite3
    <data_dir>/s3sync.sqlite3           which catalog files the fleet sync owns, by ETag
"""

from __future__ import annotations

from pathlib import Path

from kiosk.config import Settings
from kiosk.recommend.catalog import Catalog
from kiosk.resources import resource_path


def catalog_root(settings: Settings) -> Path:
    if settings.recommend.catalog_dir:
        return Path(settings.recommend.catalog_dir).expanduser()
    return resource_path("catalog", must_exist=False)


def catalog_db(settings: Settings) -> Path:
    return settings.data_dir / "catalog.sqlite3"


def pending_dir(settings: Settings) -> Path:
    return settings.data_dir / "pending"


def sync_state_db(settings: Settings) -> Path:
    return settings.data_dir / "s3sync.sqlite3"


def open_catalog(settings: Settings) -> Catalog:
    """The catalog manifest as the kiosk opens it (same root, database and size limit)."""
    return Catalog(
        catalog_root(settings), catalog_db(settings), max_image_mb=settings.recommend.max_image_mb
    )
