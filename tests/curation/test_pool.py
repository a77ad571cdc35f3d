"""The pending pool: validation on import, atomic approval, PutItems on approval, retag."""

from __future__ import annotations

import errno
import json
import os
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from kiosk.curation import files
from kiosk.curation.errors import CurationError, DiskFullError, NotFoundError, RejectedImage
from kiosk.curation.pool import PendingPool
from kiosk.domain import Emotion
from kiosk.events.queue import EventQueue
from kiosk.events.records import RecordKind
from kiosk.recommend.catalog import Catalog

from .conftest import all_files, image_bytes, visible_files


def _images(folder: Path) -> list[str]:
    """Every file but the pool's own database files, hidden temporaries included."""
    return [n for n in all_files(folder) if not n.startswith("pool.sqlite3")]


# --------------------------------------------------------------------------- import


def test_import_stores_the_image_with_its_metadata(pool: PendingPool, write_image: Any) -> None:
    path = write_image("Sunrise Over Sea.jpg", width=400, height=300)
    entry = pool.add_file(path, "Happy")
    assert entry.emotion is Emotion.HAPPY
    assert (entry.width, entry.height, entry.origin) == (400, 300, "import")
    assert entry.source_name == "Sunrise Over Sea.jpg"
    assert entry.size == path.stat().st_size and len(entry.checksum) == 64
    assert Path(entry.path).read_bytes() == path.read_bytes()
    assert entry.id == entry.checksum[:12]
    assert [e.id for e in pool.entries()] == [entry.id]
    assert pool.get(entry.id[:6]) == entry  # a unique prefix is enough
    with pytest.raises(NotFoundError, match="at least its first 4 characters"):
        pool.get(entry.id[:2])
    assert _images(pool.root) == [Path(entry.path).name]


def test_import_records_the_size_as_shown(pool: PendingPool, tmp_path: Path) -> None:
    """A phone photo stored 256×320 with EXIF orientation 6 is shown 320×256; `catalog
    list` showed the stored size (tester round 8)."""
    from kiosk.imaging.testing import odd_bytes

    rotated = odd_bytes()["exif_rotated.jpg"]
    assert rotated is not None
    path = tmp_path / "phone.jpg"
    path.write_bytes(rotated)
    entry = pool.add_file(path, Emotion.HAPPY)
    assert (entry.width, entry.height) == (320, 256)


@pytest.mark.parametrize(
    ("content", "reason", "words"),
    [
        (b"", "unreadable", "empty file"),
        (b"this is not an image at all", "unreadable", "not an image"),
        (image_bytes(400, 300)[:1500], "unreadable", "unreadable image"),  # truncated JPEG
        (image_bytes(400, 300, fmt="GIF"), "unsupported", "JPEG, PNG or WebP"),
        (image_bytes(200, 150), "too_small", "at least 256"),
        (image_bytes(2000, 300, fmt="PNG"), "too_large", "scale it down"),
    ],
    ids=["empty", "garbage", "truncated", "gif", "tiny", "huge"],
)
def test_bad_images_are_rejected_with_a_clear_reason(
    settings: Any, catalog: Catalog, tmp_path: Path, content: bytes, reason: str, words: str
) -> None:
    path = tmp_path / "bad.jpg"
    path.write_bytes(content)
    with PendingPool(tmp_path / "pending", catalog, max_pixels=500_000) as pool:
        with pytest.raises(RejectedImage) as info:
            pool.add_file(path, Emotion.SAD)
        assert info.value.reason == reason
        assert words in str(info.value) and "bad.jpg" in str(info.value)
        assert str(info.value).count("at most") <= 1  # a limit is stated once
        assert "Pillow" not in str(info.value)  # the same words as `classify`
        assert pool.entries() == [] and _images(pool.root) == []


def test_files_over_the_byte_limit_are_not_even_read(catalog: Catalog, tmp_path: Path,
                                                      write_image: Any) -> None:
    path = write_image(width=600, height=600, fmt="PNG")
    with (PendingPool(tmp_path / "pending", catalog, max_image_mb=0.001) as pool,
          pytest.raises(RejectedImage, match="larger than the limit") as info):
        pool.add_file(path, Emotion.CALM)
    assert info.value.reason == "too_large"


def test_missing_files_folders_and_unknown_emotions(pool: PendingPool, write_image: Any,
                                                   tmp_path: Path) -> None:
    with pytest.raises(RejectedImage, match="no such file"):
        pool.add_file(tmp_path / "nope.jpg", Emotion.CALM)
    with pytest.raises(RejectedImage, match="is a folder"):
        pool.add_file(tmp_path, Emotion.CALM)
    with pytest.raises(RejectedImage, match="unknown emotion 'joyful'; allowed: happy") as info:
        pool.add_file(write_image(), "joyful")
    assert info.value.reason == "unknown_emotion"
    assert pool.entries() == []


def test_duplicates_by_checksum_against_the_pool_and_the_catalog(
    pool: PendingPool, catalog: Catalog, catalog_root: Path, write_image: Any, tmp_path: Path
) -> None:
    first = write_image("a.jpg", seed=1)
    entry = pool.add_file(first, Emotion.HAPPY)
    renamed = tmp_path / "same-bytes-other-name.jpg"
    shutil.copy(first, renamed)
    with pytest.raises(RejectedImage, match=f"already waiting for review as {entry.id}") as info:
        pool.add_file(renamed, Emotion.SAD)
    assert info.value.reason == "duplicate"

    live = catalog_root / "calm" / "live.jpg"
    live.write_bytes(image_bytes(seed=2))
    catalog.rescan()
    copy = tmp_path / "copy-of-live.jpg"
    shutil.copy(live, copy)
    with pytest.raises(RejectedImage, match=r"already in the catalog as emotions/calm/live\.jpg"):
        pool.add_file(copy, Emotion.CALM)


def test_import_files_reports_each_file(pool: PendingPool, write_image: Any,
                                        tmp_path: Path) -> None:
    good = [write_image(), write_image()]
    bad = tmp_path / "broken.png"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n broken")
    report = pool.import_files([good[0], bad, good[1], good[0]], Emotion.FEAR)
    assert [e.source_name for e in report.added] == [good[0].name, good[1].name]
    assert [(r.source, r.reason) for r in report.rejected] == [
        (str(bad), "unreadable"), (str(good[0]), "duplicate")]


def test_a_full_disk_during_import_leaves_nothing(pool: PendingPool, write_image: Any,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(DiskFullError, match=r"disk holding .* is full"):
        pool.add_file(write_image(), Emotion.HAPPY)
    assert pool.entries() == [] and _images(pool.root) == []


# --------------------------------------------------------------------------- approve


def test_approve_moves_the_image_live_and_queues_put_items(
    pool: PendingPool, catalog: Catalog, catalog_root: Path, queue: EventQueue, write_image: Any
) -> None:
    src = write_image("Morning Light!.JPG")
    entry = pool.add_file(src, Emotion.HAPPY)
    done = pool.approve(entry.id)

    assert done.item.id == "emotions/happy/Morning Light!.jpg"
    assert done.queued and done.warnings == ()
    live = catalog_root / "happy" / "Morning Light!.jpg"
    assert live.read_bytes() == src.read_bytes()
    assert all_files(catalog_root / "happy") == ["Morning Light!.jpg"]  # no temporary left
    assert catalog.get(done.item.id) is not None
    assert catalog.get(done.item.id).checksum == entry.checksum  # type: ignore[union-attr]
    assert pool.entries() == [] and not Path(entry.path).exists()

    batch = queue.next_batch([RecordKind.ITEM])
    assert batch is not None and batch.operation == "PutItems" and len(batch) == 1
    body = batch.rows[0].body
    assert body["itemId"] == "emotions/happy/Morning Light!.jpg"
    props = json.loads(body["properties"])
    assert props["emotion"] == "HAPPY"
    assert abs(props["creationTimestamp"] - done.item.added_at) < 2


def test_approve_keeps_existing_names_and_finishes_after_a_crash(
    pool: PendingPool, catalog_root: Path, write_image: Any, queue: EventQueue
) -> None:
    (catalog_root / "sad" / "rain.jpg").write_bytes(image_bytes(seed=10))
    entry = pool.add_file(write_image("rain.jpg", seed=11), Emotion.SAD)
    done = pool.approve(entry.id)
    assert done.item.id == f"emotions/sad/rain-{entry.checksum[:8]}.jpg"
    assert (catalog_root / "sad" / "rain.jpg").read_bytes() == image_bytes(seed=10)

    # A crash after the copy but before the pool forgot the image: approving again
    # finishes the job instead of making a second copy.
    again = pool.add_file(write_image("drizzle.jpg", seed=12), Emotion.SAD)
    shutil.copy(again.path, catalog_root / "sad" / "drizzle.jpg")
    redo = pool.approve(again.id)
    assert redo.item.id == "emotions/sad/drizzle.jpg"
    assert visible_files(catalog_root / "sad") == sorted(
        ["rain.jpg", f"rain-{entry.checksum[:8]}.jpg", "drizzle.jpg"])


def test_approve_keeps_korean_names_as_a_copy_by_hand_would(
    pool: PendingPool, catalog: Catalog, catalog_root: Path, write_image: Any
) -> None:
    """The store's files (tester round 8): `행복한 고양이 사진 1.jpg` went live as `1.jpg`,
    `강아지.jpg` as `image.jpg`, `고양이.jpg` as `image-5c0f7e23c697.jpg`."""
    import unicodedata

    names = ["행복한 고양이 사진 1.jpg", "강아지.jpg", unicodedata.normalize("NFD", "고양이.jpg"),
             "웃는 얼굴 1.jpg", "웃는 얼굴 1.png"]
    ids = []
    for seed, name in enumerate(names, start=40):
        fmt = "PNG" if name.endswith(".png") else "JPEG"
        ids.append(pool.approve(pool.add_file(write_image(name, seed=seed, fmt=fmt),
                                              Emotion.HAPPY).id).item.id)
    assert ids == ["emotions/happy/행복한 고양이 사진 1.jpg", "emotions/happy/강아지.jpg",
                   "emotions/happy/고양이.jpg", "emotions/happy/웃는 얼굴 1.jpg",
                   "emotions/happy/웃는 얼굴 1.png"]
    # a name taken: a short tag, the rest of the name kept
    again = pool.add_file(write_image("강아지.jpg", seed=50), Emotion.HAPPY)
    assert pool.approve(again.id).item.id == f"emotions/happy/강아지-{again.checksum[:8]}.jpg"
    # the same name copied by hand gets the same id (the scan keeps the file's name)
    (catalog_root / "sad" / "행복한 고양이 사진 1.jpg").write_bytes(image_bytes(seed=51))
    catalog.rescan()
    assert catalog.get("emotions/sad/행복한 고양이 사진 1.jpg") is not None


def test_approve_and_a_copy_by_hand_from_a_mac_give_one_id(
    pool: PendingPool, catalog: Catalog, catalog_root: Path, write_image: Any
) -> None:
    """A Mac writes `고양이.jpg` decomposed (NFD). A copy by hand got the NFD id, an
    approval of that name the NFC id; and on Linux the two forms are two files."""
    import unicodedata

    nfd = unicodedata.normalize("NFD", "고양이.jpg")
    (catalog_root / "sad" / nfd).write_bytes(image_bytes(seed=60))
    catalog.rescan()
    by_hand = catalog.item_at(catalog_root / "sad" / nfd)
    assert by_hand is not None and by_hand.id == "emotions/sad/고양이.jpg"
    # approving another image of that name: the name is taken (in its other form)
    entry = pool.add_file(write_image("고양이.jpg", seed=61), Emotion.SAD)
    done = pool.approve(entry.id)
    assert done.item.id == f"emotions/sad/고양이-{entry.checksum[:8]}.jpg" and not done.warnings
    assert catalog.get(by_hand.id) == by_hand  # the copy by hand keeps its id


@pytest.mark.parametrize("rescanned", [False, True])
def test_an_approval_that_crashed_under_the_previous_build_goes_live_once(
    pool: PendingPool, catalog: Catalog, catalog_root: Path, write_image: Any,
    queue: EventQueue, rescanned: bool
) -> None:
    """The previous build named an approved file ASCII only (`행복한 고양이 사진 1.jpg` →
    `1.jpg`, a taken name with the pool id); a crash after its copy left the pool entry.
    Approving it again under the readable names copied it a second time (two ids for one
    image) or, once the kiosk had rescanned, refused it ("already in the catalog")."""
    (catalog_root / "happy" / "image.jpg").write_bytes(image_bytes(seed=70))  # taken
    first = pool.add_file(write_image("행복한 고양이 사진 1.jpg", seed=71), Emotion.HAPPY)
    second = pool.add_file(write_image("강아지.jpg", seed=72), Emotion.HAPPY)
    shutil.copy(first.path, catalog_root / "happy" / "1.jpg")  # the previous build's copies
    shutil.copy(second.path, catalog_root / "happy" / f"image-{second.id}.jpg")
    if rescanned:
        catalog.rescan()
    assert pool.approve(first.id).item.id == "emotions/happy/1.jpg"
    assert pool.approve(second.id).item.id == f"emotions/happy/image-{second.id}.jpg"
    assert visible_files(catalog_root / "happy") == sorted(
        ["image.jpg", "1.jpg", f"image-{second.id}.jpg"])
    assert len(catalog.items(Emotion.HAPPY)) == 3 and pool.entries() == []


def test_safe_stem_replaces_only_what_is_unsafe() -> None:
    import unicodedata

    assert files.safe_stem(unicodedata.normalize("NFD", "고양이.jpg")) == "고양이"  # NFC
    assert files.safe_stem("a\tb\x00c\u202ed.jpg") == "a b-c-d"  # control, format chars
    assert files.safe_stem('C:\\photos\\what? "yes" <1>|*.jpg') == "what- -yes- -1-"
    assert files.safe_stem("...숨김.jpg") == "숨김"  # no hidden file
    assert files.safe_stem("끝. .jpg") == "끝"  # Windows drops trailing dots and spaces
    assert len(files.safe_stem("가" * 300 + ".jpg")) == files.MAX_STEM


@pytest.mark.parametrize("where", ["write", "fsync", "rename"])
def test_a_failing_write_leaves_no_partial_file_and_keeps_the_pool_entry(
    pool: PendingPool, catalog: Catalog, catalog_root: Path, queue: EventQueue,
    write_image: Any, monkeypatch: pytest.MonkeyPatch, where: str,
) -> None:
    entry = pool.add_file(write_image("storm.jpg", width=640, height=480), Emotion.ANGRY)
    original = Path(entry.path).read_bytes()
    enospc = OSError(errno.ENOSPC, "No space left on device")

    if where == "write":
        def half_then_full(src: Any, dst: Any, length: int = 0) -> None:
            dst.write(src.read(len(original) // 2))
            raise enospc

        monkeypatch.setattr(shutil, "copyfileobj", half_then_full)
    elif where == "fsync":
        monkeypatch.setattr(os, "fsync", lambda fd: (_ for _ in ()).throw(enospc))
    else:
        real_replace = os.replace

        def failing_replace(src: Any, dst: Any) -> None:
            if str(dst).startswith(str(catalog_root)):
                raise enospc
            real_replace(src, dst)

        monkeypatch.setattr(os, "replace", failing_replace)

    with pytest.raises(DiskFullError) as info:
        pool.approve(entry.id)
    message = str(info.value)
    assert "is full" in message and "nothing already in the catalog" in message
    assert all_files(catalog_root / "angry") == []  # not even a hidden temporary
    assert [e.id for e in pool.entries()] == [entry.id]
    assert Path(entry.path).read_bytes() == original
    assert catalog.items(Emotion.ANGRY) == []
    assert queue.next_batch([RecordKind.ITEM]) is None

    monkeypatch.undo()  # the disk has room again: the same approval now works
    assert pool.approve(entry.id).item.id == "emotions/angry/storm.jpg"


def test_approve_unknown_id_and_missing_pool_file(pool: PendingPool, write_image: Any) -> None:
    with pytest.raises(NotFoundError, match="no pending image 'ffffff'"):
        pool.approve("ffffff")
    entry = pool.add_file(write_image(), Emotion.CALM)
    Path(entry.path).unlink()
    with pytest.raises(CurationError, match=r"pool file .* is missing"):
        pool.approve(entry.id)


def test_approve_without_a_queue_still_goes_live(catalog: Catalog, tmp_path: Path,
                                                 write_image: Any) -> None:
    with PendingPool(tmp_path / "pending", catalog) as pool:
        done = pool.approve(pool.add_file(write_image("x.png", fmt="PNG"), "calm").id)
    assert not done.queued and done.item.id == "emotions/calm/x.png"


# --------------------------------------------------------------------------- reject, retag


def test_reject_and_retag_pending_images(pool: PendingPool, write_image: Any) -> None:
    a = pool.add_file(write_image(), Emotion.HAPPY)
    b = pool.add_file(write_image(), Emotion.HAPPY)
    assert pool.retag(b.id, "surprised").emotion is Emotion.SURPRISED
    assert [e.id for e in pool.entries(Emotion.SURPRISED)] == [b.id]
    with pytest.raises(RejectedImage, match="unknown emotion"):
        pool.retag(b.id, "bored")
    rejected = pool.reject(a.id)
    assert not Path(rejected.path).exists()
    assert [e.id for e in pool.entries()] == [b.id] and len(pool) == 1


def test_stale_temporaries_are_swept(tmp_path: Path) -> None:
    folder = tmp_path / "f"
    folder.mkdir()
    stale = folder / ".a.jpg.1234.part"
    stale.write_bytes(b"x")
    os.utime(stale, (1, 1))
    fresh = folder / ".b.jpg.5678.part"
    fresh.write_bytes(b"x")
    assert files.sweep_parts(folder) == 1
    assert all_files(folder) == [".b.jpg.5678.part"]
    assert files.safe_stem("../../etc/passwd") == "passwd"
    assert files.safe_stem(".hidden file (1).jpg") == "hidden file (1)"
    assert files.safe_stem("???.png") == "image"


def test_the_catalog_scan_never_sees_temporaries(catalog: Catalog, catalog_root: Path) -> None:
    folder = catalog_root / "happy"
    (folder / "done.jpg").write_bytes(image_bytes(seed=90))
    (folder / ".done2.jpg.1a2b3c4d.part").write_bytes(image_bytes(seed=91)[:500])
    (folder / ".s3sync-x.jpg.1a2b3c4d.part").write_bytes(image_bytes(seed=92)[:500])
    report = catalog.rescan()
    assert [i.id for i in catalog.items()] == ["emotions/happy/done.jpg"]
    assert report.skipped == ()


def test_thumbnails_for_the_curation_screen(pool: PendingPool, write_image: Any) -> None:
    wide = pool.add_file(write_image(width=1200, height=600), Emotion.HAPPY)
    tall = pool.add_file(write_image(width=300, height=400, fmt="PNG"), Emotion.SAD)
    Path(tall.path).write_bytes(b"gone bad")
    thumbs = pool.thumbnails(max_side=256)
    assert [(e.id, a.shape, a.dtype.name) for e, a in thumbs] == [
        (wide.id, (128, 256, 3), "uint8"), (tall.id, (1, 1, 3), "uint8")]


# ------------------------------------------------------------------ the index file


def _unversioned(index: Path) -> None:
    """Make `index` what the pool wrote before versions: same table, version 0."""
    conn = sqlite3.connect(index, isolation_level=None)
    conn.execute("PRAGMA user_version = 0")
    conn.close()


def test_an_index_from_before_versions_keeps_its_images(
    tmp_path: Path, catalog: Catalog, write_image: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "pool"
    with PendingPool(root, catalog) as first:
        entry = first.add_file(write_image("a.jpg"), "calm")
    _unversioned(root / "pool.sqlite3")

    real = sqlite3.connect

    def full(database: Any, *args: Any, **kwargs: Any) -> sqlite3.Connection:
        if str(database).startswith("file:") and "mode=ro" in str(database):
            return real(database, *args, **kwargs)
        raise sqlite3.OperationalError("database or disk is full")

    with monkeypatch.context() as mp:  # a full disk: listed as it is, not upgraded
        mp.setattr(sqlite3, "connect", full)
        with PendingPool(root, catalog) as listed:
            assert "is full" in listed.read_only
            assert listed.entries() == [entry]
    with PendingPool(root, catalog) as again:
        assert again.entries() == [entry]
        assert again.retag(entry.id, "happy").emotion is Emotion.HAPPY
    with sqlite3.connect(root / "pool.sqlite3") as check:
        assert check.execute("PRAGMA user_version").fetchone()[0] == 1
    check.close()


def test_an_index_from_a_newer_kiosk_is_refused(tmp_path: Path, catalog: Catalog) -> None:
    root = tmp_path / "pool"
    PendingPool(root, catalog).close()
    with sqlite3.connect(root / "pool.sqlite3") as conn:
        conn.execute("PRAGMA user_version = 4")
    conn.close()
    with pytest.raises(CurationError, match=r"the pending pool .* is version 4, newer"):
        PendingPool(root, catalog)
