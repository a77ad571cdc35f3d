"""The bundled demo catalog and its generator."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image

from kiosk.domain import Emotion
from kiosk.recommend.catalog import Catalog
from kiosk.resources import catalog_root
from kiosk.tools import make_demo_catalog


def test_bundled_catalog_has_12_decodable_images_per_emotion(data_dir: Path) -> None:
    root = catalog_root()
    cat = Catalog(root, data_dir / "catalog.sqlite3")
    try:
        report = cat.rescan()  # verify() + a full decode of every file
        assert not report.skipped and not report.ignored_folders
        counts = cat.counts()
        assert set(counts) == {e.folder for e in Emotion}
        assert min(counts.values()) >= 12
        # Distinct images: no two files share a checksum.
        assert len({i.checksum for i in cat.items()}) == len(cat.items())
    finally:
        cat.close()
    assert (root / "README.md").is_file()
    total = sum(p.stat().st_size for p in root.rglob("*.jpg"))
    assert total <= 8.5 * 1024 * 1024


def test_generator_is_deterministic_and_emotions_look_different(tmp_path: Path) -> None:
    a = make_demo_catalog.render(Emotion.CALM, 0, seed=5, size=96)
    b = make_demo_catalog.render(Emotion.CALM, 0, seed=5, size=96)
    c = make_demo_catalog.render(Emotion.CALM, 1, seed=5, size=96)
    assert a.size == (96, 96)
    assert np.array_equal(np.asarray(a), np.asarray(b))
    assert not np.array_equal(np.asarray(a), np.asarray(c))
    fear = np.asarray(make_demo_catalog.render(Emotion.FEAR, 0, seed=5, size=96), np.float32)
    happy = np.asarray(make_demo_catalog.render(Emotion.HAPPY, 0, seed=5, size=96), np.float32)
    assert happy.mean() > fear.mean() + 60  # bright warm vs dark


def test_generator_cli_writes_files_and_readme(tmp_path: Path) -> None:
    out = tmp_path / "catalog"
    assert make_demo_catalog.main(["--out", str(out), "--per-emotion", "1", "--size", "64",
                                   "--only", "sad", "--only", "angry"]) == 0
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*.jpg")) == [
        "angry/angry-01.jpg", "sad/sad-01.jpg"]
    with Image.open(out / "sad" / "sad-01.jpg") as img:
        assert img.size == (64, 64)
    assert "License" in (out / "README.md").read_text(encoding="utf-8")
