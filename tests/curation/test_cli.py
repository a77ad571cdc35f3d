"""`kiosk-admin catalog …` round trip through the real argument parser and settings file,
plus retag/remove of live images."""

from __future__ import annotations

import contextlib
import json
import logging
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from kiosk.admin import catalog_cmds, generate_cmds
from kiosk.admin.cli import main as admin_main
from kiosk.curation import live
from kiosk.curation.errors import NotFoundError
from kiosk.domain import Emotion
from kiosk.events.queue import EventQueue
from kiosk.events.records import RecordKind
from kiosk.recommend.catalog import Catalog

from .conftest import image_bytes, visible_files


@pytest.fixture
def run(tmp_path: Path, data_dir: Path, catalog_root: Path,
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Any:
    """`run(*argv) -> (exit code, stdout, stderr)` with a settings file for the test folders."""
    config = tmp_path / "kiosk.toml"
    config.write_text(f'[app]\ndata_dir = "{data_dir.as_posix()}"\n'
                      f'[recommend]\ncatalog_dir = "{catalog_root.as_posix()}"\n')
    # Only this package's commands: the others may be mid-edit by their owners.
    monkeypatch.setattr("kiosk.admin.cli.COMMAND_MODULES",
                        ("kiosk.admin.catalog_cmds", "kiosk.admin.generate_cmds"))

    def call(*argv: str) -> tuple[int, str, str]:
        code = admin_main(["--config", str(config), *argv])
        out, err = capsys.readouterr()
        return code, out, err

    return call


def _json(out: str) -> Any:
    return json.loads(out)


def test_import_list_approve_reject_round_trip(run: Any, write_image: Any, tmp_path: Path,
                                               catalog_root: Path, data_dir: Path) -> None:
    folder = tmp_path / "incoming"
    a, b = write_image("beach.jpg"), write_image("clouds.png", fmt="PNG")
    (folder / "notes.txt").write_text("not an image")
    bad = tmp_path / "broken.jpg"
    bad.write_bytes(b"\xff\xd8\xff nope")

    code, out, err = run("catalog", "import", str(folder), str(bad), "--emotion", "calm")
    assert code == 1, err  # one file was rejected
    assert "added    " in out and "beach.jpg (calm, 320×256)" in out
    assert f"rejected {bad}: " in out and "2 added to the pending pool, 2 rejected" in out
    # a folder's other files are named too (tester round 25 D7: passed over without a word)
    assert (f"rejected {folder / 'notes.txt'}: notes.txt: not an image the kiosk can read; "
            "use JPEG, PNG or WebP") in out

    code, out, _ = run("catalog", "list", "--json")
    listed = _json(out)
    assert code == 0 and {e["source_name"] for e in listed} == {a.name, b.name}
    ids = {e["source_name"]: e["id"] for e in listed}

    code, out, _ = run("catalog", "list")
    assert "2 image(s) waiting for review" in out and ids[a.name] in out

    code, out, _ = run("catalog", "retag", ids[b.name], "--emotion", "SURPRISED")
    assert code == 0 and f"retagged pending {ids[b.name]} as surprised" in out

    code, out, _ = run("catalog", "approve", ids[a.name], "--json")
    approved = _json(out)
    assert code == 0 and approved[0]["item_id"] == "emotions/calm/beach.jpg"
    assert approved[0]["queued"] is True
    assert visible_files(catalog_root / "calm") == ["beach.jpg"]

    code, out, _ = run("catalog", "approve", "deadbeef0000")
    assert code == 1 and "not approved deadbeef0000: no pending image" in out

    code, out, _ = run("catalog", "reject", ids[b.name])
    assert code == 0 and f"rejected {ids[b.name]} (clouds.png)" in out

    code, out, _ = run("catalog", "list", "--catalog")
    assert "emotions/calm/beach.jpg" in out and "1 image(s)" in out

    with EventQueue(data_dir / "events.sqlite3") as queue:
        batch = queue.next_batch([RecordKind.ITEM])
    assert batch is not None and batch.rows[0].body["itemId"] == "emotions/calm/beach.jpg"


def test_live_retag_and_remove(run: Any, catalog_root: Path, data_dir: Path) -> None:
    (catalog_root / "happy" / "sun.jpg").write_bytes(image_bytes(seed=40))
    (catalog_root / "happy" / "moon.jpg").write_bytes(image_bytes(seed=41))
    code, out, _ = run("catalog", "rescan", "--json")
    assert code == 0 and _json(out)["counts"]["happy"] == 2

    code, out, _ = run("catalog", "retag", "emotions/happy/sun.jpg", "--emotion", "calm")
    assert code == 0 and "retagged emotions/happy/sun.jpg → emotions/calm/sun.jpg" in out
    assert visible_files(catalog_root / "calm") == ["sun.jpg"]
    code, out, _ = run("catalog", "remove", "happy/moon.jpg")
    assert code == 0 and "removed emotions/happy/moon.jpg from the catalog" in out
    assert visible_files(catalog_root / "happy") == []
    code, out, _ = run("catalog", "remove", "emotions/happy/moon.jpg")
    assert code == 1 and "no catalog item" in out

    with EventQueue(data_dir / "events.sqlite3") as queue:
        batch = queue.next_batch([RecordKind.ITEM])
    assert batch is not None and [r.body["itemId"] for r in batch.rows] == [
        "emotions/calm/sun.jpg"]


def test_live_helpers(catalog: Catalog, catalog_root: Path) -> None:
    (catalog_root / "fear" / "fog.jpg").write_bytes(image_bytes(seed=50))
    (catalog_root / "calm" / "fog.jpg").write_bytes(image_bytes(seed=51))
    catalog.rescan()
    moved = live.retag_item(catalog, "emotions/fear/fog.jpg", Emotion.CALM)
    assert moved.new.id.startswith("emotions/calm/fog-") and not moved.queued
    assert catalog.get("emotions/fear/fog.jpg") is None
    same = live.retag_item(catalog, moved.new.id, Emotion.CALM)
    assert same.new == same.old and "already calm" in same.warnings[0]
    with pytest.raises(NotFoundError):
        live.find_item(catalog, "emotions/fear/none.jpg")


def test_bad_arguments_exit_2(run: Any, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        run("catalog", "import", "x.jpg", "--emotion", "joyful")
    assert info.value.code == 2
    assert "unknown emotion 'joyful'" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        run("generate", "--emotion", "happy", "--count", "0", "--endpoint", "e")
    assert "--count is from 1 to 50" in capsys.readouterr().err
    code, _, err = run("generate", "--emotion", "happy", "--endpoint", "e", "--width", "500")
    assert code == 2 and "multiple of 8" in err


def test_sync_rejects_a_bad_url(run: Any) -> None:
    code, _, err = run("catalog", "sync", "http://bucket/prefix")
    assert code == 1 and "is not an S3 URL; write s3://BUCKET/PREFIX" in err


def test_modules_register_their_commands() -> None:
    import argparse

    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command")
    catalog_cmds.register(sub)
    generate_cmds.register(sub)
    args = parser.parse_args(["catalog", "sync", "s3://b-1/emotions", "--max-kbps", "500"])
    assert args.func is catalog_cmds.cmd_sync and args.max_kbps == 500


def test_approve_under_a_locked_queue_keeps_the_putitems_record(
    run: Any, write_image: Any, tmp_path: Path, data_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Nothing accepted is dropped: the record waits in the spool, queued next start."""
    import sqlite3

    import kiosk.events.queue as queue_module

    write_image("beach.jpg")
    code, _, _ = run("catalog", "import", str(tmp_path / "incoming"), "--emotion", "calm")
    assert code == 0
    code, out, _ = run("catalog", "list", "--json")
    key = _json(out)[0]["id"]
    with EventQueue(data_dir / "events.sqlite3"):
        pass
    monkeypatch.setattr(queue_module, "LOCK_WAIT_S", 0.3)
    other = sqlite3.connect(data_dir / "events.sqlite3", isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        code, out, _ = run("catalog", "approve", key)
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert code == 0 and "PutItems record is kept and queued at the next start" in out
    with EventQueue(data_dir / "events.sqlite3") as queue:
        batch = queue.next_batch([RecordKind.ITEM])
    assert batch is not None and batch.rows[0].body["itemId"] == "emotions/calm/beach.jpg"


def test_approve_exits_1_when_the_putitems_record_is_lost(
    run: Any, write_image: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    from kiosk.errors import DiskFullError

    write_image("beach.jpg")
    run("catalog", "import", str(tmp_path / "incoming"), "--emotion", "calm")
    code, out, _ = run("catalog", "list", "--json")
    key = _json(out)[0]["id"]

    def full(self: Any, *args: Any, **kwargs: Any) -> int:
        raise DiskFullError(tmp_path, "save to the event queue")

    monkeypatch.setattr(EventQueue, "record_item", full)
    code, out, _ = run("catalog", "approve", key)
    assert code == 1 and "no PutItems record queued" in out and "is full" in out


def test_full_disk_keeps_read_only_commands_working(
    run: Any, write_image: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """On a full data disk `catalog list` still lists (from the files as they are) and
    changes are refused with the plain cause, exit 1."""
    import sqlite3

    write_image("beach.jpg")
    assert run("catalog", "import", str(tmp_path / "incoming"), "--emotion", "calm")[0] == 0
    real_connect = sqlite3.connect

    def full(database: Any, *args: Any, **kwargs: Any) -> sqlite3.Connection:
        if str(database) == ":memory:" or "mode=ro" in str(database):
            return real_connect(database, *args, **kwargs)
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(sqlite3, "connect", full)
    code, out, err = run("catalog", "list")
    assert code == 0, err
    assert "beach.jpg" in out and "1 image(s) waiting for review" in out
    write_image("clouds.jpg")
    code, out, err = run("catalog", "import", str(tmp_path / "incoming"), "--emotion", "calm")
    assert code == 1 and "is full" in err and "pending pool" in err
    code, out, err = run("catalog", "rescan")  # indexed in memory only: not saved
    assert code == 1 and "manifest was not saved" in err and "is full" in err


def test_rescan_prints_each_skipped_file_once_on_stdout(
        run: Any, catalog_root: Path, caplog: pytest.LogCaptureFixture) -> None:
    (catalog_root / "happy" / "sun.jpg").write_bytes(image_bytes(seed=40))
    (catalog_root / "happy" / "cut.jpg").write_bytes(image_bytes(seed=41)[:300])
    (catalog_root / "happy" / "tiny.png").write_bytes(image_bytes(32, 32, "PNG", seed=42))
    (catalog_root / "Sunny").mkdir()
    (catalog_root / "Fear").mkdir()
    caplog.set_level(logging.DEBUG, logger="kiosk.recommend.catalog")
    code, out, err = run("catalog", "rescan")
    assert code == 0 and err == ""
    assert out.count("cut.jpg") == 1 and "  skipped happy/cut.jpg: unreadable" in out
    assert out.count("Sunny") == 1 and "  ignored folder Sunny: not an emotion (allowed:" in out
    assert "  ignored folder Fear: emotion folders are lower case (fear)" in out
    # shown (import would have refused it), named with its size and what to do
    assert out.count("tiny.png") == 1 and "  small   happy/tiny.png: 32×32 pixels" in out
    # the log (standard error when run from a shell) does not say it a second time
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]
    code, out, _ = run("catalog", "rescan", "--json")
    report = _json(out)
    assert report["ignored_folders"] == ["Fear", "Sunny"]
    assert [s["path"] for s in report["skipped"]] == ["happy/cut.jpg"]
    assert report["small"] == [{"path": "happy/tiny.png", "width": 32, "height": 32}]
    # the kiosk's own rescan still logs each skipped file: its log is where staff look
    caplog.clear()
    catalog = Catalog(catalog_root, catalog_root.parent / "other.sqlite3")
    try:
        catalog.rescan()
    finally:
        catalog.close()
    assert sum("skipping" in r.getMessage() for r in caplog.records
               if r.levelno == logging.WARNING) == 1
    assert sum("happy/tiny.png (32×32)" in r.getMessage() for r in caplog.records
               if r.levelno == logging.WARNING) == 1


def test_list_catalog_alone_still_lists_the_live_images(run: Any, catalog_root: Path,
                                                         tmp_path: Path) -> None:
    (catalog_root / "happy" / "sun.jpg").write_bytes(image_bytes(seed=40))
    for flags in (["--catalog"], ["--live"], ["--live", "--catalog", str(catalog_root)]):
        code, out, err = run("catalog", "list", *flags)
        assert code == 0 and "emotions/happy/sun.jpg" in out, (flags, err)
    other = tmp_path / "other"
    (other / "sad").mkdir(parents=True)
    code, out, _ = run("catalog", "list", "--live", "--catalog", str(other))
    assert code == 0 and "0 image(s) in" in out
    code, out, _ = run("catalog", "list", "--catalog", str(other))  # the pending pool
    assert code == 0 and "waiting for review" in out


def test_list_live_points_at_rescan_instead_of_logging_its_warnings(
        run: Any, catalog_root: Path, caplog: pytest.LogCaptureFixture) -> None:
    """Tester round 8: `catalog list --live` printed the rescan's warnings as if it
    rescanned; `catalog list` (pending) and import did too."""
    (catalog_root / "happy" / "sun.jpg").write_bytes(image_bytes(seed=40))
    (catalog_root / "happy" / "cut.jpg").write_bytes(image_bytes(seed=41)[:300])
    (catalog_root / "happy" / "tiny.png").write_bytes(image_bytes(32, 32, "PNG", seed=42))
    caplog.set_level(logging.DEBUG, logger="kiosk.recommend.catalog")
    code, out, _ = run("catalog", "list", "--live")
    assert code == 0 and "emotions/happy/sun.jpg" in out
    assert out.splitlines()[-1] == ("(1 skipped, 1 under 256 px: see "
                                    "`kiosk-admin catalog rescan`)")
    code, out, _ = run("catalog", "list")
    assert code == 0 and "0 image(s) waiting for review" in out
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


def test_a_name_with_a_byte_order_mark_is_listed_found_and_removed_as_it_looks(
        run: Any, catalog_root: Path, data_dir: Path, caplog: pytest.LogCaptureFixture) -> None:
    """Fresh tester round 10: `\\ufeffbom_name.jpg` copied by hand (Windows tools write a
    byte order mark) went live as `emotions/calm/\\ufeffbom_name.jpg`: `catalog list
    --live` showed `emotions/calm/bom_name.jpg`, `catalog remove` of that said "no
    catalog item" (rc 1), and the id with the mark went to Personalize."""
    caplog.set_level(logging.WARNING, logger="kiosk.recommend.catalog")
    (catalog_root / "calm" / "\ufeffbom_name.jpg").write_bytes(image_bytes(seed=40))
    code, out, _ = run("catalog", "list", "--live")
    assert code == 0 and "emotions/calm/bom_name.jpg" in out.splitlines()
    assert "\ufeff" not in out
    assert any("invisible characters" in r.getMessage() and "\\ufeffbom_name.jpg"
               in r.getMessage() for r in caplog.records if r.levelno == logging.WARNING)
    code, out, _ = run("catalog", "remove", "emotions/calm/bom_name.jpg")
    assert code == 0 and "removed emotions/calm/bom_name.jpg from the catalog" in out
    assert visible_files(catalog_root / "calm") == []

    # an earlier build indexed such a file with the mark in its id (likes point at it):
    # it keeps the id, listed escaped, and is found as it looks or as listed
    for n, name in enumerate(("old.jpg", "older.jpg")):
        (catalog_root / "calm" / f"\ufeff{name}").write_bytes(image_bytes(seed=50 + n))
    assert run("catalog", "rescan")[0] == 0
    with contextlib.closing(sqlite3.connect(data_dir / "catalog.sqlite3")) as db, db:
        for name in ("old.jpg", "older.jpg"):
            db.execute("UPDATE items SET id = ? WHERE id = ?",
                       (f"emotions/calm/\ufeff{name}", f"emotions/calm/{name}"))
    code, out, _ = run("catalog", "list", "--live")
    assert code == 0 and "emotions/calm/\\ufeffold.jpg" in out.splitlines()
    assert "\ufeff" not in out
    code, out, _ = run("catalog", "remove", "emotions/calm/old.jpg")
    assert code == 0 and "removed emotions/calm/\ufeffold.jpg" in out
    code, out, _ = run("catalog", "remove", "emotions/calm/\\ufeffolder.jpg")  # as listed
    assert code == 0 and visible_files(catalog_root / "calm") == []


def test_the_same_image_copied_into_a_second_folder_is_named_by_rescan(
        run: Any, catalog_root: Path, caplog: pytest.LogCaptureFixture) -> None:
    """Fresh tester round 10: `calm/cmyk.jpg` copied by hand while `happy/cmyk.jpg` was
    live (the same bytes) was added silently as a second item; import refuses it."""
    data = image_bytes(seed=40)
    (catalog_root / "happy" / "cmyk.jpg").write_bytes(data)
    assert run("catalog", "rescan")[0] == 0
    (catalog_root / "calm" / "cmyk.jpg").write_bytes(data)
    code, out, _ = run("catalog", "rescan")
    assert code == 0 and "1 added" in out  # kept: an operator may mean it
    assert ("  same    calm/cmyk.jpg: the same image (bytes) as emotions/happy/cmyk.jpg, "
            "shown twice; remove the copy unless it is meant to be there") in out
    # unchanged since: still named (the kiosk may have indexed it first)
    code, out, _ = run("catalog", "rescan", "--json")
    assert _json(out)["duplicates"] == [{"path": "calm/cmyk.jpg",
                                         "same_as": "emotions/happy/cmyk.jpg"}]
    code, out, _ = run("catalog", "list", "--live")
    assert out.splitlines()[-1] == ("(1 the same image as another: see "
                                    "`kiosk-admin catalog rescan`)")


def test_rescan_shows_ignored_folders_and_small_images_escaped(
        run: Any, catalog_root: Path) -> None:
    """`catalog rescan` escaped skipped and duplicate names but put an ignored folder's
    and a small image's name as it was: a right-to-left override read the rest of the
    line backwards, a byte order mark hid. Shown as `catalog list --live` shows ids."""
    (catalog_root / "calm" / "a\u202etiny.jpg").write_bytes(image_bytes(32, 32, seed=60))
    (catalog_root / "\ufeffFear").mkdir()
    code, out, _ = run("catalog", "rescan")
    assert code == 0 and not {"\u202e", "\ufeff"} & set(out)
    assert "  small   calm/a\\u202etiny.jpg: 32×32 pixels" in out
    assert "  ignored folder \\ufeffFear: not an emotion" in out


# A byte order mark hid what `catalog import` strips at the start of a name (a space,
# `_`, a dot) and a space before the extension: import gave `photo.jpg` while a copy by
# hand (rescan, and a manifest rebuilt from the folder) gave ` photo.jpg`, `_u.jpg`, or
# skipped `.dot.jpg` as "only invisible characters". One rule now
# (`catalog_names.readable_stem`), checked at each entry point.
BOM_NAMES = {"\ufeff photo.jpg": "emotions/calm/photo.jpg",
             "\ufeff_under.jpg": "emotions/calm/under.jpg",
             "\ufeff.dot.jpg": "emotions/calm/dot.jpg",
             "tail \ufeff .jpg": "emotions/calm/tail -.jpg"}


def _ids(run: Any) -> set[str]:
    code, out, _ = run("catalog", "list", "--live", "--json")
    assert code == 0
    return {i["id"] for i in _json(out)}


@pytest.mark.parametrize("entry", ["import", "rescan", "rebuild"])
def test_a_name_with_a_byte_order_mark_gets_one_id_at_every_entry_point(
        entry: str, run: Any, write_image: Any, catalog_root: Path, data_dir: Path) -> None:
    (catalog_root / "calm" / "seed.jpg").write_bytes(image_bytes(seed=69))
    assert run("catalog", "rescan")[0] == 0  # an indexed catalog: the new files are new
    if entry == "import":
        paths = [write_image(name, seed=70 + n) for n, name in enumerate(BOM_NAMES)]
        assert run("catalog", "import", *map(str, paths), "--emotion", "calm")[0] == 0
        code, out, _ = run("catalog", "list", "--json")
        pending = [e["id"] for e in _json(out)]
        code, out, _ = run("catalog", "approve", *pending, "--json")
        assert code == 0 and {a["item_id"] for a in _json(out)} == set(BOM_NAMES.values())
    else:
        for n, name in enumerate(BOM_NAMES):  # copied by hand
            (catalog_root / "calm" / name).write_bytes(image_bytes(seed=70 + n))
        assert run("catalog", "rescan")[0] == 0
        if entry == "rebuild":  # the manifest deleted, as its error messages advise
            for suffix in ("", "-wal", "-shm"):
                Path(f"{data_dir / 'catalog.sqlite3'}{suffix}").unlink(missing_ok=True)
            code, out, _ = run("catalog", "rescan", "--json")
            added = set(_json(out)["added"])
            assert code == 0 and added == {*BOM_NAMES.values(), "emotions/calm/seed.jpg"}
    assert _ids(run) == {*BOM_NAMES.values(), "emotions/calm/seed.jpg"}
