"""Catalog changes reach the running kiosk without Admin → Reload: a catalog folder
swapped for another or with images added, a manifest another process changed
(`kiosk-admin catalog approve`), and a card whose file vanished
(`kiosk.backend.catalog_watch`: `CatalogWatch.changes`, driven by `check_catalog`)."""

from __future__ import annotations

import logging
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kiosk.backend import KioskBackend
from kiosk.backend.catalog_watch import RESCAN_GAP_S
from kiosk.config import load_settings
from kiosk.domain import Emotion, Like, Page, RecommendMode
from kiosk.recommend.catalog import Catalog, RescanReport
from kiosk.recommend.service import CATALOG_DB
from kiosk.resources import catalog_root


def fill(root: Path, first: int, count: int) -> set[str]:
    """Copy demo images `first` … `first + count - 1` of each emotion into `root`;
    returns their item ids."""
    ids = set()
    for folder in sorted(p for p in catalog_root().iterdir() if p.is_dir()):
        (root / folder.name).mkdir(parents=True, exist_ok=True)
        for image in sorted(folder.glob("*.jpg"))[first:first + count]:
            shutil.copy2(image, root / folder.name / image.name)
            ids.add(f"emotions/{folder.name}/{image.name}")
    return ids


@pytest.fixture
def cat(tmp_path: Path) -> Path:
    return tmp_path / "catalog"


@pytest.fixture
def clock() -> list[float]:
    return [100.0]


@pytest.fixture
def backend(tmp_path: Path, cat: Path, clock: list[float]) -> Iterator[KioskBackend]:
    settings = load_settings(env={}, overrides={
        "app.data_dir": str(tmp_path / "data"), "recommend.catalog_dir": str(cat)})
    b = KioskBackend.from_settings(settings)
    b.image_size = (32, 32)
    assert b.catalog_watch is not None
    b.catalog_watch._clock = lambda: clock[0]
    yield b
    b.close()


def shown(b: KioskBackend) -> set[str]:
    return {i.id for i in b.recommender.items()}


def page_ids(b: KioskBackend, visit: str, emotion: Emotion = Emotion.HAPPY) -> list[str]:
    result = b.page(1, visit, emotion, None, RecommendMode.EMOTION, 3)
    return [i.id for i in result.page.items]


def test_a_catalog_folder_swapped_for_another_is_rescanned(
        backend: KioskBackend, cat: Path, tmp_path: Path, clock: list[float],
        caplog: pytest.LogCaptureFixture) -> None:
    old = fill(cat, 0, 2)
    backend.open(events=False)
    generation = backend.check_catalog()
    assert shown(backend) == old
    new_dir = tmp_path / "cat_new"
    new = fill(new_dir, 3, 2)
    reused = sorted((cat / "happy").iterdir())[0]  # an old name, a new image
    shutil.copy2(sorted((catalog_root() / "happy").iterdir())[5],
                 new_dir / "happy" / reused.name)
    new.add(f"emotions/happy/{reused.name}")
    caplog.set_level(logging.INFO)
    cat.rename(tmp_path / "cat_old")
    new_dir.rename(cat)

    assert backend.check_catalog() == generation  # noticed; rescanned once it settled
    clock[0] += 2.0
    assert backend.check_catalog() == generation + 1  # the screens fetch afresh
    assert shown(backend) == new
    assert set(page_ids(backend, "v1")) <= new
    assert [m for m in caplog.messages if "rescanning" in m] == [
        f"catalog folder {cat} changed: rescanning it"]
    clock[0] += 2.0
    assert backend.check_catalog() == generation + 1  # nothing new: nothing done
    assert backend.status().catalog_counts == {e.folder: 2 + (e is Emotion.HAPPY)
                                               for e in Emotion}


def test_images_added_to_an_emotion_folder_reach_the_pages(
        backend: KioskBackend, cat: Path, clock: list[float]) -> None:
    old = fill(cat, 0, 2)
    backend.open(events=False)
    backend.check_catalog()
    added = sorted(catalog_root().joinpath("happy").glob("*.jpg"))[10]
    shutil.copy2(added, cat / "happy" / added.name)
    for _ in range(2):
        backend.check_catalog()
        clock[0] += 2.0
    assert shown(backend) == old | {f"emotions/happy/{added.name}"}


def test_a_folder_still_changing_waits_and_rescans_are_paced(
        backend: KioskBackend, cat: Path, clock: list[float]) -> None:
    fill(cat, 0, 1)
    backend.open(events=False)
    backend.check_catalog()
    rescans: list[float] = []
    rescan = backend.recommender.rescan

    def counting() -> object:
        rescans.append(clock[0])
        return rescan()

    backend.recommender.rescan = counting  # type: ignore[method-assign]
    demo = sorted(catalog_root().joinpath("sad").glob("*.jpg"))
    for n in range(3):  # a copy going on: a file at every check
        shutil.copy2(demo[5 + n], cat / "sad" / demo[5 + n].name)
        backend.check_catalog()
        clock[0] += 2.0
    assert rescans == []  # not indexed half-way
    backend.check_catalog()
    assert rescans == [clock[0]]
    shutil.copy2(demo[9], cat / "sad" / demo[9].name)  # more, soon after
    start = clock[0]
    while clock[0] < start + 2 * RESCAN_GAP_S:
        clock[0] += 2.0
        backend.check_catalog()
    assert rescans[1:] == [start + RESCAN_GAP_S]  # the next one waits out the gap
    assert len(backend.recommender.items(Emotion.SAD)) == 5


def test_a_manifest_changed_by_another_program_is_reloaded(
        backend: KioskBackend, cat: Path, tmp_path: Path, clock: list[float],
        caplog: pytest.LogCaptureFixture) -> None:
    """`kiosk-admin catalog approve` copies the image in and rescans in its own
    process: the kiosk ranks over it at its next check, without reading the folder."""
    old = fill(cat, 0, 2)
    backend.open(events=False)
    generation = backend.check_catalog()
    other = Catalog(cat, tmp_path / "data" / CATALOG_DB)  # kiosk-admin's connection
    try:
        image = sorted(catalog_root().joinpath("calm").glob("*.jpg"))[7]
        shutil.copy2(image, cat / "calm" / image.name)
        assert other.rescan().added == (f"emotions/calm/{image.name}",)
        caplog.set_level(logging.INFO)
        assert backend.check_catalog() == generation + 1  # at once: no need to settle
        assert shown(backend) == old | {f"emotions/calm/{image.name}"}
        assert any("manifest changed by another program" in m for m in caplog.messages)

        hidden = sorted(old)[0]
        clock[0] += RESCAN_GAP_S
        assert other.set_enabled(hidden, False)  # the operator hides one
        clock[0] += RESCAN_GAP_S
        backend.check_catalog()
        assert hidden not in shown(backend)
    finally:
        other.close()


def test_a_card_whose_file_vanished_rescans(
        backend: KioskBackend, cat: Path, clock: list[float],
        caplog: pytest.LogCaptureFixture) -> None:
    """A share whose folder times do not move (or an image overwritten in place): the
    page that cannot show a file asks the next check for a rescan."""
    fill(cat, 0, 3)
    backend.open(events=False)
    backend.check_catalog()
    folder = cat / "happy"
    times = folder.stat()
    for image in list(folder.iterdir())[:2]:
        image.unlink()
    os.utime(folder, ns=(times.st_atime_ns, times.st_mtime_ns))  # the folder looks the same
    backend.check_catalog()
    assert len(backend.recommender.items(Emotion.HAPPY)) == 3  # not noticed yet
    caplog.set_level(logging.INFO)
    first = page_ids(backend, "v1")  # completed at once from the neighbours
    assert len(first) == 3 and all((cat / i.removeprefix("emotions/")).exists() for i in first)
    clock[0] += 2.0
    backend.check_catalog()
    assert len(backend.recommender.items(Emotion.HAPPY)) == 1
    assert any("lost a file a page wanted: rescanning" in m for m in caplog.messages)
    assert len(page_ids(backend, "v2")) == 1 + 2  # the one left, topped up from neighbours


def test_an_image_pulled_from_the_folder_leaves_the_pages_at_once(
        backend: KioskBackend, cat: Path, clock: list[float],
        caplog: pytest.LogCaptureFixture) -> None:
    """`rm` of a shown image (or `kiosk-admin catalog remove`): before, the next pages
    still showed it from the page-image cache until the paced rescan (12 s)."""
    fill(cat, 0, 3)
    backend.open(events=False)
    backend.check_catalog()
    shown_first = page_ids(backend, "v1")  # decoded and cached
    pulled = shown_first[0]
    (cat / pulled.removeprefix("emotions/")).unlink()
    caplog.set_level(logging.INFO)
    again = backend.page(1, "v2", Emotion.HAPPY, None, RecommendMode.EMOTION, 3)
    assert pulled not in [i.id for i in again.page.items] and pulled not in again.images
    assert len(again.page.items) == len(again.images) >= 1
    for _ in range(2):  # the folder changed: rescanned once it settled
        clock[0] += 2.0
        backend.check_catalog()
    assert pulled not in shown(backend)
    assert any("rescanning it" in m for m in caplog.messages)


@pytest.mark.parametrize("mode", [RecommendMode.EMOTION, RecommendMode.PERSONALIZED])
def test_a_page_whose_image_was_pulled_is_completed_at_once(
        backend: KioskBackend, cat: Path, mode: RecommendMode) -> None:
    """An image pulled (`rm`, `kiosk-admin catalog remove`) before the paced rescan saw
    it: the page gets the next candidate in its place, not 2 cards for up to 10 s; the
    Next page after it is full and repeats none of them. Old code showed 2 cards."""
    fill(cat, 0, 12)  # a pool of 12: four pages before a repeat
    backend.open(events=False)
    backend.check_catalog()
    if mode is RecommendMode.PERSONALIZED:  # "For you": two likes first
        liked = backend.page(1, "v1", Emotion.HAPPY, None, RecommendMode.EMOTION, 3)
        for item in liked.page.items[:2]:
            backend.learn_like(_like("v1", item.id))
    before = backend.page(2, "v1", Emotion.HAPPY, None, mode, 3)  # decoded and cached
    rank = backend.recommender.page  # what the recommender would put on the next page
    pulled: list[str] = []

    def page_with_a_pulled_image(*args: Any) -> Page:
        page = rank(*args)
        pulled.append(page.items[1].id)
        Path(page.items[1].path).unlink()  # pulled as the page is made
        return page

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(backend.recommender, "page", page_with_a_pulled_image)
        result = backend.page(3, "v1", Emotion.HAPPY, None, mode, 3)
    ids = [i.id for i in result.page.items]
    assert len(ids) == 3 and set(ids) == set(result.images) and pulled[0] not in ids
    assert result.page.index == before.page.index + 1
    assert result.page.mode == before.page.mode == mode
    after = backend.page(4, "v1", Emotion.HAPPY, None, mode, 3)
    next_ids = [i.id for i in after.page.items]
    assert len(next_ids) == 3 and pulled[0] not in next_ids
    assert not set(next_ids) & set(ids)  # the stand-in counts as shown


def test_a_page_looks_past_many_pulled_images(backend: KioskBackend, cat: Path) -> None:
    """Most of a folder pulled at once (9 of 12 happy images, the rescan not due
    yet): the page still has 3 cards, all of files that are there."""
    fill(cat, 0, 12)
    backend.open(events=False)
    backend.check_catalog()
    for image in sorted((cat / "happy").iterdir())[:9]:
        image.unlink()
    for request in (1, 2):
        result = backend.page(request, "v1", Emotion.HAPPY, None, RecommendMode.EMOTION, 3)
        assert len(result.page.items) == len(result.images) == 3
        assert all(Path(i.path).exists() for i in result.page.items)


def _like(visit: str, item_id: str) -> Like:
    return Like("e", 0.0, visit, item_id, Emotion.HAPPY, None)


def test_a_rescan_report_logs_counts_and_a_few_names() -> None:
    removed = tuple(f"emotions/happy/happy-old-{n:03d}.jpg" for n in range(191))
    report = RescanReport(added=("emotions/calm/new-calm-1.jpg",), removed=removed,
                          unchanged=2, seconds=3.79)
    text = str(report)
    assert text.startswith("1 added (new-calm-1.jpg), 0 updated, 191 removed "
                           "(happy-old-000.jpg, happy-old-001.jpg, happy-old-002.jpg, "
                           "… 188 more), 2 unchanged, 0 skipped")
    assert len(text) < 200 and "happy-old-003" not in text


# In a child whose data folder is a tmpfs (tests/events/tmpfs.py): a kiosk run killed
# there (its -wal and -shm stay), the folder made read-only, a kiosk opened over it.
_READ_ONLY_CHILD = r"""
import json, logging, os, sqlite3, sys
from pathlib import Path
from tests.events.tmpfs import remount
from kiosk.backend import KioskBackend
from kiosk.backend.catalog_watch import RESCAN_GAP_S
from kiosk.config import load_settings
from kiosk.domain import Emotion, Like, Page, RecommendMode

data, cat = Path(sys.argv[1]), sys.argv[2]
settings = load_settings(env={}, overrides={"app.data_dir": str(data),
                                            "recommend.catalog_dir": cat})
pid = os.fork()
if pid == 0:  # the earlier run, killed
    first = KioskBackend.from_settings(settings)
    first.open(events=False)
    first.page(1, "v0", Emotion.HAPPY, None, RecommendMode.EMOTION, 3)
    first.recommender.end_visit("v0")
    for name in ("catalog.sqlite3", "recommender.sqlite3"):  # as the tester found them:
        sqlite3.connect(data / name).execute("PRAGMA wal_checkpoint(TRUNCATE)")  # -wal empty
    os._exit(0)
os.waitpid(pid, 0)
remount(data, "ro")
messages = []
handler = logging.Handler()
handler.emit = lambda record: messages.append(record.getMessage())
logging.getLogger().addHandler(handler)
logging.getLogger().setLevel(logging.INFO)
now = [100.0]
b = KioskBackend.from_settings(settings)
b.image_size = (32, 32)
b.catalog_watch._clock = lambda: now[0]
b.open(events=False)
generation = b.check_catalog()
for n in range(4):
    b.page(1, f"v{n + 1}", Emotion.HAPPY, None, RecommendMode.EMOTION, 3)
    now[0] += RESCAN_GAP_S
    last = b.check_catalog()
b.recommender.end_visit("v4")  # its counts are saved (in memory: the file cannot be)
print(json.dumps({"generations": [generation, last], "messages": messages,
                  "counts_kept": b.recommender.embedded.read_only}))
"""


def test_a_read_only_data_folder_is_not_reloaded_at_every_check(tmp_path: Path) -> None:
    """The tester's read-only bind mount of a used data folder: the manifest was
    'changed by another program' at every paced check (13 reloads in 140 s), each
    followed by 'cannot save counts'. Nobody changed it: no reload, no failed save."""
    import json
    import sys

    from tests.events.tmpfs import require_unshare, run_in_tmpfs

    require_unshare()
    cat = tmp_path / "catalog"
    fill(cat, 0, 2)
    data = tmp_path / "data"
    proc = run_in_tmpfs(data, 8192, [sys.executable, "-c", _READ_ONLY_CHILD, str(data),
                                     str(cat)])
    assert proc.returncode == 0, proc.stderr[-3000:]
    seen = json.loads(proc.stdout.strip().splitlines()[-1])
    messages: list[str] = seen["messages"]
    assert not [m for m in messages if "manifest changed by another program" in m]
    assert not [m for m in messages if "cannot save counts" in m]
    assert seen["generations"][0] == seen["generations"][1]  # the screens keep their images
    assert any("indexed in memory for this run" in m for m in messages)  # said once, clearly
    assert "writable" in seen["counts_kept"]  # the admin panel says why likes stay in memory
