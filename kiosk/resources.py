"""The one resolver for bundled files (models, catalog, translations, example config).

From source: the repository's `resources/` folder. From the PyInstaller bundle
(`sys.frozen`): `resources/` inside the bundle's folder (`sys._MEIPASS`).
"""

from __future__ import annotations

import sys
from pathlib import Path

from kiosk.errors import KioskError


class ResourceError(KioskError):
    """A bundled file is missing: the install is incomplete."""


def resources_root() -> Path:
    if getattr(sys, "frozen", False):
        base = Path(getattr(sys, "_MEIPASS", Path(sys.executable).parent))
        return base / "resources"
    return Path(__file__).resolve().parent.parent / "resources"


def resource_path(*parts: str, must_exist: bool = True) -> Path:
    """Path of a bundled file, e.g. `resource_path("models", "x.pt")`."""
    path = resources_root().joinpath(*parts)
    if must_exist and not path.exists():
        raise ResourceError(
            f"bundled file missing: {path} — the installation is incomplete; "
            "reinstall the kiosk (or run from a complete checkout)"
        )
    return path


def model_path(name: str) -> Path:
    return resource_path("models", name)


def catalog_root() -> Path:
    return resource_path("catalog")
