"""The bundled demo catalog and its generator."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image

from kiosk.domain import Emotion
from kiosk.recommend import features, variety
from kiosk.recommend.catalog import Catalog
from kiosk.resources import catalog_root
from kiosk.tools import demo_art, make_demo_catalog


def test_bundled_catalog_has_24_distinct_images_per_emotion(data_dir: Path) -> None:
    root = catalog_root()
    cat = Catalog(root, data_dir / "catalog.sqlite3")
    try:
        report = cat.rescan()  # verify() + a full decode of every file
        assert not report.skipped and not report.ignored_folders
        counts = cat.counts()
        assert set(counts) == {e.folder for e in Emotion}
        assert min(counts.values()) >= 24
        items = cat.items()
        # Distinct files, and no two look alike by the recommender's own threshold.
        assert len({i.checksum for i in items}) == len(items)
        centred = variety.centre(cat.features([i.id for i in items]), len(items))
        pairs = variety.near_duplicate_pairs(centred)
        assert pairs == [], [(items[a].id, items[b].id) for a, b in pairs]
        # The threshold is calibrated on this catalog: re-cropped copies are caught.
        caught = 0
        picks = [i for i in items if i.id.endswith(("-01.jpg", "-02.jpg"))]
        for item in picks:
            with Image.open(item.path) as img:
                w, h = img.size
                crop = img.convert("RGB").crop((w // 20, h // 20, w - w // 20, h - h // 20))
            vector = features.image_features(crop)
            mean = cat.features([i.id for i in items]).mean(axis=0)
            copy = features.normalize(vector - mean)
            caught += float(copy @ centred[items.index(item)]) >= variety.NEAR_DUPLICATE_COS
        assert caught >= 0.85 * len(picks)
    finally:
        cat.close()
    assert (root / "README.md").is_file()
    total = sum(p.stat().st_size for p in root.rglob("*.jpg"))
    assert total <= 7 * 1024 * 1024  # the repository stays small to clone


def test_every_emotion_has_several_scenes() -> None:
    assert all(len(demo_art.MOTIFS[e]) >= 4 for e in Emotion)


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
