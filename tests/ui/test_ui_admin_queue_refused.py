"""The admin panel's Event queue tile says, in red, when a new like cannot be saved
(tester round 15: with the disk full, the folder read-only or the queue locked by
another program, it read "0 waiting, everything is sent" while every like was refused;
only the Disk tile said Full)."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication

from kiosk.events import connection
from kiosk.events.queue import EventQueue
from kiosk.status import AppStatus, BackendStatus, KioskStatus, QueueStatus
from kiosk.ui import theme
from kiosk.ui.text_fit import text_problems
from tests.events.conftest import make_like

DISK_FULL = ("cannot save to the event queue: the disk holding /data/events.sqlite3 is full "
             "(0 MB free). Free some space on that disk and try again")


def _status(queue: QueueStatus, free_mb: float | None = 5000.0,
            read_only: bool = False) -> dict[str, object]:
    """The panel's keys as `AdminController` builds them (back end + app parts)."""
    return KioskStatus(
        BackendStatus(queue=queue, catalog_counts={"happy": 4}, online=True, uploader="idle"),
        AppStatus(camera_state="LIVE", uploads_configured=True, disk_free_mb=free_mb,
                  data_read_only=read_only),
    ).as_dict()


@pytest.mark.parametrize("language", ["en", "ko"])
def test_the_event_queue_tile_says_new_likes_cannot_be_saved_and_why(
    make_window: Any, language: str, request: pytest.FixtureRequest
) -> None:
    if language == "ko":
        request.getfixturevalue("korean")
    ko = language == "ko"
    win = make_window(1366, 768)
    win.open_pin_pad()
    for digit in "0000":  # the factory PIN opens the admin panel
        win.pin.press_digit(digit)
    win.pin.submit()
    tile = win.admin.tiles["events"]
    assert tile.isVisibleTo(win)
    lead = "새 좋아요를 저장할 수 없음: " if ko else "new likes cannot be saved: "
    cases = [
        (_status(QueueStatus(0, 0, DISK_FULL, "disk_full"), 0.2),
         "디스크가 가득 참" if ko else "disk full"),
        # full before a like has failed: the Disk tile's "Full" (< 1 MB free)
        (_status(QueueStatus(0, 0), 0.4), "디스크가 가득 참" if ko else "disk full"),
        (_status(QueueStatus(0, 0, "", "read_only")),
         "데이터 폴더가 읽기 전용임" if ko else "the data folder is read-only"),
        (_status(QueueStatus(0, 0), read_only=True),  # the mount, seen by the app
         "데이터 폴더가 읽기 전용임" if ko else "the data folder is read-only"),
    ]
    for status, why in cases:
        win.set_status(status)
        QCoreApplication.processEvents()
        assert tile.value.text() == ("0건 대기 중" if ko else "0 waiting")
        assert tile.detail.text().splitlines()[0] == lead + why
        assert theme.DANGER.name() in tile.value.styleSheet()
        assert "queue_refusing" not in win.admin.tiles["other"].detail.text()
        assert not text_problems(win)  # nothing elided or clipped at 1366x768
    # a lock is no refusal: likes go to the spool meanwhile, and the tile says so, in
    # red (before: "new likes cannot be saved: the queue is locked", new user's trial)
    win.set_status(_status(QueueStatus(0, 0, "", "locked")))
    QCoreApplication.processEvents()
    assert tile.detail.text().splitlines()[0] == (
        "다른 프로그램이 잠금: 새 좋아요는 따로 보관했다가 잠금이 풀리면 대기열에 넣어요" if ko
        else "locked by another program: new likes are kept aside and queued when it lets go")
    assert theme.DANGER.name() in tile.value.styleSheet() and not text_problems(win)
    # space freed (the queue's line stays until its next save): the Disk tile says
    # "Space freed", so the queue tile does not say "disk full" any more
    win.set_status(_status(QueueStatus(0, 0, DISK_FULL, "disk_full"), 850.0))
    assert tile.detail.text() == ("모두 전송됨" if ko else "everything is sent")
    assert theme.DANGER.name() not in tile.value.styleSheet()


def test_a_write_another_program_kept_locked_is_refusing_until_a_write_works(
    tmp_path: Path,
) -> None:
    db = tmp_path / "events.sqlite3"
    queue = EventQueue(db, busy_timeout_s=0.01, lock_wait_s=0.0)
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        # the like is kept in the spool (round 22; before, refused), but the queue file
        # refused the write: the panel says it is locked
        assert queue.record_like(make_like()) == 0
        assert QueueStatus.of(queue).refusing == "locked"
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    queue.record_like(make_like())  # the spooled like comes in with it
    assert QueueStatus.of(queue) == QueueStatus(2, 0)
    queue.close()


def test_a_queue_on_a_read_only_folder_is_refusing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "events.sqlite3"
    EventQueue(db).close()
    monkeypatch.setattr(connection, "write_problem", lambda folder: "Read-only file system")
    with EventQueue(db) as queue:
        assert QueueStatus.of(queue).refusing == "read_only"
        assert "queue_refusing" in BackendStatus(queue=QueueStatus.of(queue)).as_dict()


@pytest.mark.parametrize("language", ["en", "ko"])
def test_a_like_kept_in_the_spool_is_counted_as_waiting(
    make_window: Any, language: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    """Black box: a like another program's lock kept in the spool file (`kiosk-admin
    events status`: `spooled 1`) left the tile at "0 waiting", with "everything is sent"
    under it for a kiosk with uploads on."""
    if language == "ko":
        request.getfixturevalue("korean")
    ko = language == "ko"
    db = tmp_path / "events.sqlite3"
    queue = EventQueue(db, busy_timeout_s=0.01, lock_wait_s=0.0)
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        assert queue.record_like(make_like()) == 0  # kept in the spool
        spooled = QueueStatus.of(queue)  # the back end's read: memory only
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert spooled == QueueStatus(0, 0, "", "locked", spooled=1)
    win = make_window(1366, 768)
    win.open_pin_pad()
    for digit in "0000":
        win.pin.press_digit(digit)
    win.pin.submit()
    tile = win.admin.tiles["events"]
    win.set_status(_status(spooled))
    QCoreApplication.processEvents()
    assert tile.value.text() == ("1건 대기 중" if ko else "1 waiting")
    assert tile.detail.text().splitlines()[1] == (
        "그중 1건은 잠금이 풀릴 때까지 따로 보관 중" if ko
        else "1 of them kept aside until the lock lets go")
    assert ("모두 전송됨" if ko else "everything is sent") not in tile.detail.text()
    assert "queue_spooled" not in win.admin.tiles["other"].detail.text()
    assert not text_problems(win)  # nothing elided or clipped at 1366x768
    # the lock let go: queued, then sent as any like
    queue.ingest_spool()
    win.set_status(_status(QueueStatus.of(queue)))
    assert tile.value.text() == ("1건 대기 중" if ko else "1 waiting")
    assert tile.detail.text() == ("지금 전송 중" if ko else "being sent now")
    queue.close()
