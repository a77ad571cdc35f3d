"""The resource resolver works from source and from a (faked) PyInstaller bundle."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from kiosk import resources


def test_source_tree_resources() -> None:
    root = resources.resources_root()
    assert root == Path(__file__).resolve().parents[1] / "resources"
    assert resources.resource_path("kiosk.example.toml").is_file()


def test_frozen_bundle_resolves_inside_meipass(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bundle = tmp_path / "_internal"
    (bundle / "resources" / "models").mkdir(parents=True)
    (bundle / "resources" / "models" / "x.pt").write_bytes(b"w")
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", str(bundle), raising=False)
    assert resources.resources_root() == bundle / "resources"
    assert resources.model_path("x.pt") == bundle / "resources" / "models" / "x.pt"


def test_missing_resource_names_the_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    with pytest.raises(resources.ResourceError, match=r"models.*gone\.pt.*reinstall"):
        resources.model_path("gone.pt")
