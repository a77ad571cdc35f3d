"""The bundled demo catalog and its generator: counts, motifs, near-duplicates, and
pages of the real catalog that never repeat a motif."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import numpy as np
from PIL import Image

from kiosk.domain import Emotion
from kiosk.recommend import features, variety
from kiosk.recommend.catalog import Catalog
from kiosk.recommend.embedded import EmbeddedRecommender
from kiosk.resources import catalog_root
from kiosk.tools import make_demo_catalog
from kiosk.tools.demo_art import MOTIFS, PER_MOTIF


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
        picks = [i for i in items if i.id.endswith("-01.jpg")]
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
    assert total <= 8 * 1024 * 1024  # the repository stays small to clone


def test_every_emotion_shows_8_motifs_at_most_3_images_each(data_dir: Path) -> None:
    cat = Catalog(catalog_root(), data_dir / "catalog.sqlite3")
    try:
        cat.rescan()
        for emotion in Emotion:
            items = cat.items(emotion)
            tags = Counter(variety.motif_of(i) for i in items)
            assert None not in tags, [i.id for i in items if variety.motif_of(i) is None]
            assert len(items) >= 24 and len(tags) >= 8, (emotion, tags)
            assert max(tags.values()) <= PER_MOTIF, (emotion, tags)
            assert set(tags) <= {m.tag for m in MOTIFS[emotion]}
    finally:
        cat.close()
    for emotion, motifs in MOTIFS.items():  # the generator's table itself
        assert len({m.tag for m in motifs}) == len(motifs) >= 8
        assert len({m.draw for m in motifs}) == len(motifs)
        assert len({m.framing for m in motifs}) >= 3, emotion  # close-up, wide, pattern...


def test_pages_of_the_demo_catalog_never_repeat_a_motif(data_dir: Path) -> None:
    cat = Catalog(catalog_root(), data_dir / "catalog.sqlite3")
    try:
        cat.rescan()
        items = cat.items()
        rec = EmbeddedRecommender(seed=11)
        rec.set_catalog(items, cat.features([i.id for i in items]))
    finally:
        cat.close()
    rng = np.random.default_rng(4)
    for emotion in Emotion:
        for v in range(3):
            visit, last = f"{emotion.folder}-{v}", set[tuple[Emotion, str | None]]()
            for p in range(12):  # a cycle and a half of the 24 images
                page = rec.page(visit, emotion, mode="auto")
                rec.record_impression(visit, emotion, page.item_ids)
                motifs = [(i.emotion, variety.motif_of(i)) for i in page.items]
                assert len(set(motifs)) == len(motifs) == 3, (emotion, p, page.item_ids)
                assert not set(motifs) & last, (emotion, p, page.item_ids)
                last = set(motifs)
                for item in page.item_ids:
                    if rng.random() < 0.1:
                        rec.record_like(visit, emotion, item)
            rec.end_visit(visit)
    rec.close()


def test_generator_is_deterministic_and_emotions_look_different(tmp_path: Path) -> None:
    a = make_demo_catalog.render(Emotion.CALM, 0, 0, seed=5, size=96)
    b = make_demo_catalog.render(Emotion.CALM, 0, 0, seed=5, size=96)
    c = make_demo_catalog.render(Emotion.CALM, 0, 1, seed=5, size=96)
    d = make_demo_catalog.render(Emotion.CALM, 1, 0, seed=5, size=96)
    assert a.size == (96, 96)
    assert np.array_equal(np.asarray(a), np.asarray(b))
    assert not np.array_equal(np.asarray(a), np.asarray(c))
    assert not np.array_equal(np.asarray(a), np.asarray(d))
    fear = np.asarray(make_demo_catalog.render(Emotion.FEAR, 0, 0, seed=5, size=96), np.float32)
    happy = np.asarray(make_demo_catalog.render(Emotion.HAPPY, 0, 0, seed=5, size=96),
                       np.float32)
    assert happy.mean() > fear.mean() + 60  # bright warm vs dark
    assert make_demo_catalog.quotas(24, 8) == [3] * 8
    assert make_demo_catalog.quotas(24, 10) == [3, 3, 3, 3, 2, 2, 2, 2, 2, 2]


def test_every_motif_draws_at_a_small_size() -> None:
    for emotion, motifs in MOTIFS.items():
        for m in range(len(motifs)):
            image = make_demo_catalog.render(emotion, m, 0, seed=1, size=48)
            assert image.size == (48, 48) and np.asarray(image).std() > 1.0, motifs[m].tag


def test_generator_cli_writes_files_and_readme(tmp_path: Path) -> None:
    out = tmp_path / "catalog"
    assert make_demo_catalog.main(["--out", str(out), "--per-emotion", "2", "--size", "64",
                                   "--only", "sad", "--only", "angry"]) == 0
    sad, angry = MOTIFS[Emotion.SAD], MOTIFS[Emotion.ANGRY]
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*.jpg")) == sorted([
        f"angry/angry-{angry[0].tag}-01.jpg", f"angry/angry-{angry[1].tag}-01.jpg",
        f"sad/sad-{sad[0].tag}-01.jpg", f"sad/sad-{sad[1].tag}-01.jpg"])
    with Image.open(out / "sad" / f"sad-{sad[0].tag}-01.jpg") as img:
        assert img.size == (64, 64)
    readme = (out / "README.md").read_text(encoding="utf-8")
    assert "License" in readme and f"`{angry[-1].tag}`" in readme
