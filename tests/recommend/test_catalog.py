"""Catalog rescans: added, changed, removed, corrupt, oversized and ignored files."""

from __future__ import annotations

import contextlib
import logging
import os
import sqlite3
import sys
import unicodedata
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from kiosk.domain import Emotion
from kiosk.imaging import NOT_READABLE
from kiosk.recommend import catalog as catalog_mod
from kiosk.recommend import catalog_names
from kiosk.recommend.catalog import Catalog, SkippedFile
from kiosk.recommend.errors import CatalogError
from kiosk.recommend.features import FEATURE_DIM


@pytest.fixture
def catalog(catalog_dir: Path, data_dir: Path) -> Any:
    cat = Catalog(catalog_dir, data_dir / "catalog.sqlite3")
    yield cat
    cat.close()


def _bump_mtime(path: Path) -> None:
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 5_000_000_000))


def test_first_scan_adds_every_image_with_sample_ids(catalog: Catalog, catalog_dir: Path) -> None:
    report = catalog.rescan()
    assert len(report.added) == 16 and not report.skipped and not report.removed
    items = catalog.items()
    assert len(items) == 16
    happy = catalog.items(Emotion.HAPPY)
    assert [i.id for i in happy] == ["emotions/happy/happy-1.jpg", "emotions/happy/happy-2.png"]
    assert all(i.emotion is Emotion.HAPPY for i in happy)
    assert Path(happy[0].path) == catalog_dir / "happy" / "happy-1.jpg"
    assert len(happy[0].checksum) == 64
    assert catalog.counts() == {e.folder: 2 for e in Emotion}


def test_features_are_stored_normalised_and_tell_images_apart(catalog: Catalog) -> None:
    catalog.rescan()
    ids = [i.id for i in catalog.items()]
    feats = catalog.features(ids)
    assert feats.shape == (16, FEATURE_DIM)
    np.testing.assert_allclose(np.linalg.norm(feats, axis=1), 1.0, rtol=1e-5)
    happy, sad = feats[ids.index("emotions/happy/happy-1.jpg")], feats[ids.index(
        "emotions/sad/sad-1.jpg")]
    assert float(happy @ sad) < 0.999
    assert not catalog.features(["emotions/happy/nope.jpg"]).any()


def test_rescan_is_incremental(catalog: Catalog, catalog_dir: Path,
                               monkeypatch: pytest.MonkeyPatch) -> None:
    catalog.rescan()

    def no_decode(data: bytes) -> None:
        raise AssertionError("an unchanged file was decoded again")

    monkeypatch.setattr(catalog_mod, "decode_checked", no_decode)
    report = catalog.rescan()
    assert report.unchanged == 16 and not report.changed
    # Touched but not modified: read for its checksum, not decoded.
    _bump_mtime(catalog_dir / "happy" / "happy-1.jpg")
    report = catalog.rescan()
    assert report.unchanged == 16 and not report.changed


def test_added_changed_and_removed_files(catalog: Catalog, catalog_dir: Path,
                                         write_image: Any) -> None:
    catalog.rescan()
    old = catalog.get("emotions/sad/sad-1.jpg")
    assert old is not None
    old_features = catalog.features([old.id])
    write_image(catalog_dir / "calm" / "new.webp", 200)
    write_image(catalog_dir / "sad" / "sad-1.jpg", 300, stripes=9)
    _bump_mtime(catalog_dir / "sad" / "sad-1.jpg")
    (catalog_dir / "fear" / "fear-2.png").unlink()

    report = catalog.rescan()

    assert report.added == ("emotions/calm/new.webp",)
    assert report.updated == ("emotions/sad/sad-1.jpg",)
    assert report.removed == ("emotions/fear/fear-2.png",)
    new = catalog.get("emotions/sad/sad-1.jpg")
    assert new is not None and new.checksum != old.checksum
    assert new.added_at == old.added_at  # an update keeps its age
    assert not np.allclose(catalog.features([new.id]), old_features)
    assert catalog.get("emotions/fear/fear-2.png") is None
    assert catalog.counts()["calm"] == 3 and catalog.counts()["fear"] == 1


def test_corrupt_files_are_skipped_with_a_log_line(catalog: Catalog, catalog_dir: Path,
                                                   caplog: pytest.LogCaptureFixture,
                                                   write_image: Any) -> None:
    catalog.rescan()
    bad = catalog_dir / "angry" / "broken.jpg"
    bad.write_bytes(b"\xff\xd8\xff\xe0 this is not a jpeg at all")
    good_jpeg = (catalog_dir / "happy" / "happy-1.jpg").read_bytes()
    truncated = catalog_dir / "happy" / "happy-1.jpg"
    truncated.write_bytes(good_jpeg[: len(good_jpeg) // 2])  # a good file turns bad
    _bump_mtime(truncated)

    with caplog.at_level(logging.WARNING, logger="kiosk.recommend.catalog"):
        report = catalog.rescan()

    skipped = {s.path: s.reason for s in report.skipped}
    assert set(skipped) == {"angry/broken.jpg", "happy/happy-1.jpg"}
    assert all("unreadable" in r for r in skipped.values())
    assert "emotions/happy/happy-1.jpg" in report.removed
    assert catalog.get("emotions/angry/broken.jpg") is None
    assert catalog.get("emotions/happy/happy-1.jpg") is None
    assert str(bad) in caplog.text and str(truncated) in caplog.text
    assert len(catalog.skipped) == 2
    # Still counted on the next scan, without decoding again; fixed files come back.
    assert len(catalog.rescan().skipped) == 2
    write_image(truncated, 10)
    _bump_mtime(truncated)
    report = catalog.rescan()
    assert report.added == ("emotions/happy/happy-1.jpg",)
    assert [s.path for s in report.skipped] == ["angry/broken.jpg"]


def test_oversized_files_are_skipped_unread(catalog_dir: Path, data_dir: Path,
                                            write_image: Any,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    big = write_image(catalog_dir / "surprised" / "huge.png", 30, size=400, stripes=40)
    limit_mb = (big.stat().st_size - 1) / 1024 / 1024
    cat = Catalog(catalog_dir, data_dir / "c.sqlite3", max_image_mb=limit_mb)
    try:
        report = cat.rescan()
        assert [s.path for s in report.skipped] == ["surprised/huge.png"]
        assert report.skipped[0].reason.startswith("oversized")
        assert cat.counts()["surprised"] == 2
    finally:
        cat.close()


def test_unknown_folders_are_ignored_and_other_files_named(
        catalog: Catalog, catalog_dir: Path, caplog: pytest.LogCaptureFixture,
        write_image: Any) -> None:
    """A file in an emotion folder the kiosk does not show is skipped by name (tester
    round 25 D7: it was passed over without a word); hidden files and Windows's own
    Thumbs.db / desktop.ini are not worth a line."""
    write_image(catalog_dir / "joy" / "x.jpg", 50)
    write_image(catalog_dir / "Happy" / "y.jpg", 50)
    (catalog_dir / "happy" / "notes.txt").write_text("not an image")
    (catalog_dir / "happy" / "Thumbs.db").write_bytes(b"\0" * 64)
    (catalog_dir / "happy" / "desktop.ini").write_text("[.ShellClassInfo]")
    write_image(catalog_dir / "happy" / ".hidden.jpg", 50)
    (catalog_dir / "README.md").write_text("top-level files are fine")
    with caplog.at_level(logging.WARNING, logger="kiosk.recommend.catalog"):
        report = catalog.rescan()
    assert set(report.ignored_folders) == {"joy", "Happy"}
    assert "joy" in caplog.text and "not an emotion" in caplog.text
    assert len(catalog.items()) == 16
    assert report.skipped == (SkippedFile("happy/notes.txt", NOT_READABLE),)
    assert f"happy/notes.txt: {NOT_READABLE}" in caplog.text


def test_disabled_items_stay_disabled_across_rescans(catalog: Catalog) -> None:
    catalog.rescan()
    assert catalog.set_enabled("emotions/calm/calm-1.jpg", False)
    assert not catalog.set_enabled("emotions/calm/unknown.jpg", False)
    catalog.rescan()
    assert "emotions/calm/calm-1.jpg" not in [i.id for i in catalog.items()]
    assert "emotions/calm/calm-1.jpg" in [i.id for i in catalog.items(enabled=None)]
    assert [i.id for i in catalog.items(enabled=False)] == ["emotions/calm/calm-1.jpg"]
    assert catalog.counts()["calm"] == 1


def test_manifest_survives_reopening(catalog_dir: Path, data_dir: Path) -> None:
    first = Catalog(catalog_dir, data_dir / "catalog.sqlite3")
    first.rescan()
    ids = [i.id for i in first.items()]
    first.close()
    again = Catalog(catalog_dir, data_dir / "catalog.sqlite3")
    try:
        assert [i.id for i in again.items()] == ids  # known before any rescan
        assert again.rescan().unchanged == 16
    finally:
        again.close()


def test_missing_catalog_folder_is_a_catalog_error(data_dir: Path, tmp_path: Path) -> None:
    cat = Catalog(tmp_path / "nowhere", data_dir / "c.sqlite3")
    try:
        with pytest.raises(CatalogError, match="does not exist"):
            cat.rescan()
    finally:
        cat.close()


def _unversioned(path: Path) -> None:
    """Make `path` what the catalog wrote before versions: same tables, version 0,
    rollback journal."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA user_version = 0")
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.close()


def test_a_manifest_from_before_versions_keeps_its_rows(
    catalog_dir: Path, data_dir: Path
) -> None:
    db = data_dir / "catalog.sqlite3"
    first = Catalog(catalog_dir, db)
    first.rescan()
    assert first.set_enabled("emotions/calm/calm-1.jpg", False)
    before = first.items(enabled=None)
    first.close()
    _unversioned(db)
    again = Catalog(catalog_dir, db)
    try:
        assert again.items(enabled=None) == before  # ids, checksums, added_at as they were
        assert [i.id for i in again.items(enabled=False)] == ["emotions/calm/calm-1.jpg"]
        assert again.rescan().unchanged == 16  # nothing decoded again
    finally:
        again.close()
    with sqlite3.connect(db) as check:
        assert check.execute("PRAGMA user_version").fetchone()[0] == 1
        assert check.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    check.close()


def test_a_newer_or_damaged_manifest_is_a_catalog_error_naming_it(
    catalog_dir: Path, data_dir: Path
) -> None:
    db = data_dir / "catalog.sqlite3"
    Catalog(catalog_dir, db).close()
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA user_version = 5")
    conn.close()
    with pytest.raises(CatalogError, match="version 5, newer than this kiosk"):
        Catalog(catalog_dir, db)
    db.write_bytes(b"garbage " * 1000)
    for suffix in ("-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    with pytest.raises(CatalogError, match="not a SQLite database") as caught:
        Catalog(catalog_dir, db)
    assert str(db) in str(caught.value)
    assert "rebuilds it from the catalog folder" in str(caught.value)  # the store's remedy


def test_a_manifest_from_before_versions_is_read_on_a_full_disk(
    catalog_dir: Path, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = data_dir / "catalog.sqlite3"
    first = Catalog(catalog_dir, db)
    first.rescan()
    first.close()
    _unversioned(db)
    real = sqlite3.connect

    def full(database: Any, *args: Any, **kwargs: Any) -> sqlite3.Connection:
        if str(database) == ":memory:" or (str(database).startswith("file:")
                                           and "mode=ro" in str(database)):
            return real(database, *args, **kwargs)
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(sqlite3, "connect", full)
    catalog = Catalog(catalog_dir, db)
    try:
        assert "is full" in catalog.read_only
        assert len(catalog.items()) == 16  # read as it is, not upgraded
    finally:
        catalog.close()
    monkeypatch.undo()
    with sqlite3.connect(db) as check:
        assert check.execute("PRAGMA user_version").fetchone()[0] == 0
    check.close()


def test_a_rescan_that_decoded_images_gives_the_free_heap_back(
        catalog: Catalog, catalog_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Decoding a whole catalog leaves its temporaries' pages in the indexing thread's
    malloc arena (a first start's +20 MB); only a rescan that decoded returns them."""
    calls: list[str] = []
    monkeypatch.setattr(catalog_mod, "release_free_heap", lambda why="": calls.append(why))
    catalog.rescan()
    assert calls == ["indexing the catalog"]
    catalog.rescan()  # nothing new: nothing decoded, nothing to give back
    assert calls == ["indexing the catalog"]
    _bump_mtime(catalog_dir / "happy" / "happy-1.jpg")  # read for its checksum only
    catalog.rescan()
    assert calls == ["indexing the catalog"]


def test_a_new_file_whose_name_cannot_be_an_item_id_is_skipped_but_live_ids_stay(
    catalog: Catalog, catalog_dir: Path, write_image: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The file name is the item id (a Personalize itemId: at most 256 characters); the
    import names files within that rule (`safe_stem`), a copy by hand is checked here."""
    catalog.rescan()  # an indexed catalog: the files below are new
    long_name = "x" * 238 + ".jpg"  # emotions/happy/ + 242: 257 characters
    write_image(catalog_dir / "happy" / long_name, 10)
    write_image(catalog_dir / "happy" / "tab\there.jpg", 20)
    write_image(catalog_dir / "happy" / "행복한 고양이 사진 1.jpg", 30)  # fine as it is
    report = catalog.rescan()
    skipped = {s.path: s.reason for s in report.skipped}
    assert set(skipped) == {f"happy/{long_name}", "happy/tab\there.jpg"}
    assert "too long for an item id (257 characters" in skipped[f"happy/{long_name}"]
    assert "rename it" in skipped["happy/tab\there.jpg"]
    assert catalog.get("emotions/happy/행복한 고양이 사진 1.jpg") is not None

    # an image already live under such an id keeps it: a store's history is keyed by it
    catalog.close()
    other = Catalog(catalog_dir, catalog_dir.parent / "other.sqlite3")
    try:
        monkeypatch.setattr(catalog_names, "MAX_ITEM_ID", 1000)
        other.rescan()  # a first index keeps control characters (it may be a rebuild)
        monkeypatch.undo()
        report = other.rescan()
        assert not report.skipped and not report.changed
        assert other.get(f"emotions/happy/{long_name}") is not None
        assert other.get("emotions/happy/tab\there.jpg") is not None
    finally:
        other.close()


def _rebuild(catalog: Catalog) -> Catalog:
    """The manifest deleted (as its error messages advise) and indexed again."""
    catalog.close()
    for suffix in ("", "-wal", "-shm"):
        Path(f"{catalog.db_path}{suffix}").unlink(missing_ok=True)
    return Catalog(catalog.root, catalog.db_path)


def test_a_rebuilt_manifest_keeps_live_images_with_control_characters_in_their_name(
    catalog: Catalog, catalog_dir: Path, write_image: Any, caplog: pytest.LogCaptureFixture
) -> None:
    """Images live under an id with a tab or \\x01 (a manifest from before the id rule
    keeps them) vanished from the kiosk when the manifest was rebuilt from scratch."""
    names = ["tab\there.jpg", "bell\x01.png"]
    for hue, name in enumerate(names):
        write_image(catalog_dir / "happy" / name, 100 + hue * 20)
    catalog.rescan()
    live = {i.id for i in catalog.items()}
    assert {f"emotions/happy/{n}" for n in names} <= live and len(live) == 18
    rebuilt = _rebuild(catalog)
    try:
        caplog.set_level(logging.WARNING, "kiosk.recommend.catalog")
        caplog.clear()
        report = rebuilt.rescan()
        assert {i.id for i in rebuilt.items()} == live and not report.skipped
        warned = [r.getMessage() for r in caplog.records if "control characters" in r.getMessage()]
        assert len(warned) == 2 and all("rename" in w for w in warned)
        assert any(repr(str(catalog_dir / "happy" / "tab\there.jpg")) in w for w in warned)
        caplog.clear()
        assert not rebuilt.rescan().changed
        assert not [r for r in caplog.records if "control" in r.getMessage()]  # said once
        # a file with a control character copied into an indexed catalog is still refused
        write_image(catalog_dir / "sad" / "new\tline.jpg", 50)
        assert [s.path for s in rebuilt.rescan().skipped] == ["sad/new\tline.jpg"]
    finally:
        rebuilt.close()


@pytest.mark.skipif(sys.platform == "darwin", reason="a Mac refuses names that are not UTF-8")
def test_a_file_name_that_is_not_utf8_is_skipped_with_its_name_not_a_crash(
    catalog: Catalog, catalog_dir: Path, write_image: Any, caplog: pytest.LogCaptureFixture
) -> None:
    """Python shows such a name with lone surrogates, which SQLite cannot store: the whole
    rescan failed with UnicodeEncodeError."""
    folder = os.fsencode(catalog_dir / "happy")
    data = (catalog_dir / "happy" / "happy-1.jpg").read_bytes()
    with open(folder + b"/caf\xe9.jpg", "wb") as fh:  # Latin-1, not UTF-8
        fh.write(data[:-10] + b"\0" * 10)  # another checksum
    caplog.set_level(logging.WARNING, "kiosk.recommend.catalog")
    for _ in range(2):
        report = catalog.rescan()
        assert [s.path for s in report.skipped] == ["happy/caf\\xe9.jpg"]
        assert "not valid UTF-8" in report.skipped[0].reason
        assert "rename it" in report.skipped[0].reason
        assert len(catalog.items()) == 16
    assert any("caf\\xe9.jpg" in r.getMessage() for r in caplog.records)


def _nfd(name: str) -> str:
    return unicodedata.normalize("NFD", name)


def test_a_name_written_decomposed_by_a_mac_gets_the_nfc_id_and_keeps_it(
    catalog: Catalog, catalog_dir: Path, write_image: Any
) -> None:
    """A Mac writes `고양이 café.jpg` decomposed (NFD); approve names files NFC: the id of
    one name was two strings, and `catalog.get` of the NFC id found nothing."""
    name = "고양이 café.jpg"
    assert _nfd(name) != name
    write_image(catalog_dir / "happy" / _nfd(name), 200)
    assert f"emotions/happy/{name}" in catalog.rescan().added
    item = catalog.get(f"emotions/happy/{name}")
    assert item is not None and Path(item.path).name == _nfd(name)
    assert catalog.item_at(item.path) == item
    _bump_mtime(catalog_dir / "happy" / _nfd(name))
    report = catalog.rescan()  # the same id at every rescan: likes keep pointing at it
    assert not report.changed and catalog.get(f"emotions/happy/{name}") is not None

    # the previous build gave the file its NFD id: a store's history is keyed by it, so
    # the upgrade keeps it (rather than removing it and adding the NFC id)
    old_id = f"emotions/happy/{_nfd(name)}"
    with contextlib.closing(sqlite3.connect(catalog.db_path)) as db, db:
        db.execute("UPDATE items SET id = ? WHERE id = ?", (old_id, f"emotions/happy/{name}"))
    report = catalog.rescan()
    assert not report.changed and catalog.get(old_id) is not None


def test_a_name_in_both_unicode_forms_is_one_id_and_a_clear_line(
    catalog: Catalog, catalog_dir: Path, write_image: Any, caplog: pytest.LogCaptureFixture
) -> None:
    """On Linux `고양이.jpg` and its NFD twin are two files; the catalog gives them one id."""
    caplog.set_level(logging.WARNING, "kiosk.recommend.catalog")
    nfc_id = "emotions/happy/고양이.jpg"
    write_image(catalog_dir / "happy" / _nfd("고양이.jpg"), 200)
    write_image(catalog_dir / "happy" / "고양이.jpg", 220)
    report = catalog.rescan()  # neither indexed yet: the NFC file holds the id
    assert nfc_id in report.added and len(report.added) == 17
    assert [s.path for s in report.skipped] == [f"happy/{_nfd('고양이.jpg')}"]
    assert "another Unicode form" in report.skipped[0].reason
    assert "remove one of the two files" in report.skipped[0].reason
    assert Path(catalog.get(nfc_id).path).name == "고양이.jpg"  # type: ignore[union-attr]
    assert any("another Unicode form" in r.getMessage() for r in caplog.records)

    # the file holding the id goes: its twin takes the id over (likes keep pointing at it)
    (catalog_dir / "happy" / "고양이.jpg").unlink()
    report = catalog.rescan()
    assert report.updated == (nfc_id,) and not report.added and not report.removed
    assert Path(catalog.get(nfc_id).path).name == _nfd("고양이.jpg")  # type: ignore[union-attr]
    # a twin copied next to an indexed file is skipped, the indexed one keeps the id
    write_image(catalog_dir / "happy" / "고양이.jpg", 240)
    report = catalog.rescan()
    assert not report.changed and [s.path for s in report.skipped] == ["happy/고양이.jpg"]
    assert Path(catalog.get(nfc_id).path).name == _nfd("고양이.jpg")  # type: ignore[union-attr]


def test_images_under_the_import_minimum_are_shown_and_named(
    catalog: Catalog, catalog_dir: Path, write_image: Any, caplog: pytest.LogCaptureFixture
) -> None:
    """`kiosk-admin catalog import` refuses a side under 256 px; a copy by hand is shown
    (upscaled), and every rescan names it with its size."""
    for path in catalog_dir.glob("*/*.*"):
        write_image(path, 5, size=catalog_mod.MIN_SIDE)
    write_image(catalog_dir / "sad" / "tiny.png", 40, size=32)
    with caplog.at_level(logging.WARNING, logger="kiosk.recommend.catalog"):
        report = catalog.rescan()
    assert [str(s) for s in report.small] == ["sad/tiny.png (32×32)"]
    assert catalog.get("emotions/sad/tiny.png") is not None  # still shown
    assert "1 under 256 px" in str(report)
    assert "sad/tiny.png (32×32)" in caplog.text and "upscaled" in caplog.text
    assert [str(s) for s in catalog.rescan().small] == ["sad/tiny.png (32×32)"]  # unchanged


@pytest.mark.parametrize("name", ["\ufeffbom_name.jpg", "a\u200bb.jpg", "bom\ufeff.jpg",
                                  "\u200e고양이\u200f 사진.png", "a-\u200b-b.jpg",
                                  # what the mark hid, stripped as import strips it
                                  "\ufeff photo.jpg", "\ufeff_u.jpg", "\ufeff.dot.jpg",
                                  "tail \ufeff .jpg", "\ufeff\u200ba:b.jpg"])
def test_invisible_characters_in_a_new_name_go_as_catalog_import_names_it(name: str) -> None:
    """A copy by hand and `catalog import` of one name give one id: `\\ufeffx.jpg` had the
    byte order mark in its id (invisible in a list, not found when typed)."""
    from kiosk.curation.files import safe_stem

    key = catalog_names.item_id(Emotion.CALM, name)
    assert key == f"emotions/calm/{safe_stem(name)}{Path(name).suffix}"
    assert catalog_names.escaped(key) == key  # nothing left that does not show
    assert catalog_names.item_id(Emotion.CALM, "plain name.jpg") == "emotions/calm/plain name.jpg"


def test_a_name_with_invisible_characters_gets_the_visible_id_and_keeps_an_old_one(
    catalog: Catalog, catalog_dir: Path, write_image: Any, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, "kiosk.recommend.catalog")
    write_image(catalog_dir / "calm" / "\ufeffbom.jpg", 200)
    assert "emotions/calm/bom.jpg" in catalog.rescan().added
    assert [r.getMessage() for r in caplog.records if "\\ufeffbom.jpg" in r.getMessage()
            and "invisible characters" in r.getMessage()]
    # the same name without the mark is one name to the operator: the indexed file keeps it
    write_image(catalog_dir / "calm" / "bom.jpg", 210)
    report = catalog.rescan()
    assert not report.added and [s.path for s in report.skipped] == ["calm/bom.jpg"]
    assert "calm/\\ufeffbom.jpg in another Unicode form" in report.skipped[0].reason
    assert "invisible characters" in report.skipped[0].reason
    (catalog_dir / "calm" / "bom.jpg").unlink()

    # an earlier build's id with the mark is kept (likes point at it) and found as it looks
    old_id = "emotions/calm/\ufeffbom.jpg"
    with contextlib.closing(sqlite3.connect(catalog.db_path)) as db, db:
        db.execute("UPDATE items SET id = ? WHERE id = ?", (old_id, "emotions/calm/bom.jpg"))
    _bump_mtime(catalog_dir / "calm" / "\ufeffbom.jpg")
    assert not catalog.rescan().changed and catalog.get(old_id) is not None
    assert [i.id for i in catalog.find("emotions/calm/bom.jpg")] == [old_id]
    assert [i.id for i in catalog.find("emotions/calm/\\ufeffbom.jpg")] == [old_id]
    assert catalog.find("emotions/calm/nothing.jpg") == []


def test_the_same_bytes_in_a_second_folder_are_kept_and_named_without_decoding_again(
    catalog: Catalog, catalog_dir: Path, caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch
) -> None:
    """Fresh tester round 10: `calm/cmyk.jpg` with `happy/cmyk.jpg`'s bytes was a second
    item, silently. It stays (an operator may mean it), named at every rescan from the
    manifest's checksums: unchanged files are not read or decoded for it."""
    catalog.rescan()
    (catalog_dir / "calm" / "cmyk.jpg").write_bytes((catalog_dir / "happy" / "happy-1.jpg")
                                                    .read_bytes())
    with caplog.at_level(logging.WARNING, logger="kiosk.recommend.catalog"):
        report = catalog.rescan()
    assert report.added == ("emotions/calm/cmyk.jpg",)
    assert [str(d) for d in report.duplicates] == [
        "calm/cmyk.jpg (same image as emotions/happy/happy-1.jpg)"]
    assert "1 the same image as another" in str(report)
    assert "calm/cmyk.jpg (same image as emotions/happy/happy-1.jpg)" in caplog.text

    def no_decode(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("an unchanged file was decoded")

    monkeypatch.setattr(catalog_mod, "decode_checked", no_decode)
    monkeypatch.setattr(Path, "read_bytes", no_decode)
    again = catalog.rescan()
    assert again.unchanged == 17 and [d.path for d in again.duplicates] == ["calm/cmyk.jpg"]
