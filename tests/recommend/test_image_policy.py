"""The one image policy where the catalog is read: rescan (what becomes an item)
and the grid's image cache (what a visitor sees), with the odd files of
`kiosk.imaging.testing`."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.domain import Emotion
from kiosk.imaging.testing import BAD, GOOD, good_pixel, make_odd_files
from kiosk.recommend.catalog import Catalog
from kiosk.recommend.errors import CatalogError
from kiosk.recommend.images import CARD_BACKGROUND, ImageCache, decode_scaled


@pytest.fixture(scope="module")
def odd(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return make_odd_files(tmp_path_factory.mktemp("odd"))


def test_rescan_takes_good_odd_files_upright_and_skips_bad_ones_with_the_reason(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    root = tmp_path / "catalog"
    make_odd_files(root / Emotion.HAPPY.folder)
    catalog = Catalog(root, tmp_path / "catalog.sqlite3")
    try:
        report = catalog.rescan()
        skipped = {Path(s.path).name: s.reason for s in report.skipped}
        assert set(skipped) == {n for n in BAD if n != "folder.jpg"}
        for name, kind in BAD.items():
            if name == "folder.jpg":
                continue
            prefix = {"too_large": "oversized", "aspect": "wrong shape"}.get(kind, "unreadable")
            assert skipped[name].startswith(prefix), (name, skipped[name])
            assert name in caplog.text
        assert "truncated" in skipped["no_eoi.jpg"]
        added = {Path(k).name for k in report.added}
        assert added == set(GOOD)
        sizes = dict(catalog._db.execute("SELECT path, width || 'x' || height FROM items"))
        assert sizes["happy/exif_rotated.jpg"] == "320x256"  # as shown, not as stored
        assert len(catalog.rescan().skipped) == len(skipped)  # remembered, not re-decoded
    finally:
        catalog.close()


@pytest.mark.parametrize("name", GOOD)
def test_grid_images_are_upright_with_transparency_on_the_card_s_colour(
    odd: dict[str, Path], name: str
) -> None:
    """Transparent pixels are the card's colour (tester round 25 D8: a transparent PNG
    was a white square on the dark card)."""
    cache = ImageCache(4)
    tile = cache.get(odd[name], (100, 100))
    assert tile.shape == (100, 100, 3)
    expected = good_pixel(name, CARD_BACKGROUND)
    if expected is not None:
        assert tuple(int(v) for v in tile[50, 50]) == pytest.approx(expected, abs=4)
    assert decode_scaled(odd[name], (64, 40), "contain").shape == (40, 50, 3)


@pytest.mark.parametrize("name", tuple(BAD))
def test_grid_refuses_bad_files_naming_them(odd: dict[str, Path], name: str) -> None:
    with pytest.raises(CatalogError) as info:
        ImageCache(2).get(odd[name], (100, 100))
    assert name in str(info.value)
