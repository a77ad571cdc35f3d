"""Files a catalog folder may hold that the kiosk does not show, at rescan and first
index (tester round 25 D7, D8): a GIF, a multi-page TIFF, a text file, a GIF named
`.png`, a fully or nearly transparent PNG, one flat colour, and a JPEG whose EXIF
block is cut short (Pillow's raw "Corrupt EXIF data" UserWarning). Each is named by
the rescan, with what to do; none is passed over without a word, none is a blank card.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from kiosk.imaging import NOT_READABLE
from kiosk.imaging.testing import CATALOG_ODD, make_catalog_odd_files
from kiosk.recommend.catalog import EMPTY_IMAGE, Catalog
from kiosk.recommend.images import CARD_BACKGROUND, decode_scaled

REPO = Path(__file__).resolve().parents[2]
NOT_SHOWN = ("anim.gif", "pages.tif", "photo.tiff")  # skipped by name, never decoded


def test_a_rescan_names_every_file_it_does_not_show(
        catalog_dir: Path, data_dir: Path, caplog: pytest.LogCaptureFixture) -> None:
    make_catalog_odd_files(catalog_dir / "happy")
    catalog = Catalog(catalog_dir, data_dir / "catalog.sqlite3")
    try:
        report = catalog.rescan()
        skipped = {Path(s.path).name: s.reason for s in report.skipped}
        assert set(skipped) == {n for n, what in CATALOG_ODD.items()
                                if what in ("empty", "format")}
        for name in NOT_SHOWN:
            suffix = Path(name).suffix
            assert skipped[name] == (f"{suffix} files are not shown by the kiosk; convert it "
                                     "to JPEG, PNG or WebP")
        assert skipped["notes.txt"] == NOT_READABLE
        assert skipped["gif_named.png"].startswith("a GIF image, which the kiosk does not show")
        for name in ("clear.png", "faint.png", "flat.png", "flat.jpg"):
            assert skipped[name] == EMPTY_IMAGE, name
            assert f"{name}: {EMPTY_IMAGE}" in caplog.text  # the kiosk's log names it
        added = {Path(k).name for k in report.added}
        assert {"logo.png", "bad_exif.jpg"} <= added
        [note] = report.notes
        assert note.path == "happy/bad_exif.jpg"
        assert note.reason.startswith("its EXIF data (camera details, orientation) is damaged")
        assert "the image is still used" in note.reason
        again = catalog.rescan()  # unchanged: still named, by name or from the manifest
        assert {Path(s.path).name for s in again.skipped} == set(skipped)
        assert again.unchanged == 16 + 2
    finally:
        catalog.close()


def test_transparent_pixels_are_the_card_s_colour_not_a_white_box(tmp_path: Path) -> None:
    logo = make_catalog_odd_files(tmp_path)["logo.png"]  # a white square, transparent round it
    tile = decode_scaled(logo, (160, 128))
    assert tuple(int(v) for v in tile[5, 5]) == CARD_BACKGROUND  # was (255, 255, 255)
    assert tuple(int(v) for v in tile[64, 80]) == (255, 255, 255)


def test_the_card_colour_is_the_theme_s() -> None:
    from kiosk.ui import theme

    surface = theme.SURFACE
    assert (surface.red(), surface.green(), surface.blue()) == CARD_BACKGROUND


def test_catalog_rescan_prints_the_kiosk_s_lines_and_no_python_warning(tmp_path: Path) -> None:
    """The command as an operator runs it, in a fresh process (pytest's own warning
    filters are not there): Pillow's "Corrupt EXIF data" UserWarning was printed raw."""
    catalog = tmp_path / "catalog"
    make_catalog_odd_files(catalog / "sad")
    (catalog / "calm").mkdir()
    noise = np.random.default_rng(0).integers(0, 256, (300, 300, 3), dtype=np.uint8)
    Image.fromarray(noise).save(catalog / "calm" / "noise.png")
    env = {**os.environ, "PYTHONPATH": str(REPO), "KIOSK_CONFIG": os.devnull}
    done = subprocess.run(
        [sys.executable, "-m", "kiosk.admin", "--data-dir", str(tmp_path / "data"),
         "--catalog", str(catalog), "catalog", "rescan"],
        capture_output=True, text=True, env=env, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""  # was: ".../TiffImagePlugin.py:982: UserWarning: Corrupt EXIF …"
    lines = done.stdout.splitlines()
    assert lines[0].endswith("3 added, 0 updated, 0 removed, 0 unchanged, 9 skipped")
    assert ("  skipped sad/anim.gif: .gif files are not shown by the kiosk; convert it to "
            "JPEG, PNG or WebP") in lines
    assert f"  skipped sad/clear.png: {EMPTY_IMAGE}" in lines
    assert f"  skipped sad/notes.txt: {NOT_READABLE}" in lines
    assert any(line.startswith("  note    sad/bad_exif.jpg: its EXIF data (camera details, "
                               "orientation) is damaged (") for line in lines), lines
