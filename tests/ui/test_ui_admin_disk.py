"""The admin panel's Disk tile: red "Full" while saves fail for lack of space, and back
as soon as space is freed (tester, round 8: the disk problem was small grey text under
"Other", and ~3 s after space was freed it still read "0 MB free")."""

from __future__ import annotations

from typing import Any

import pytest

from kiosk.status import AppStatus, BackendStatus, KioskStatus, QueueStatus
from kiosk.ui import theme

DISK_FULL = ("cannot save to the event queue: the disk holding /data/events.sqlite3 is full "
             "(0 MB free). Free some space on that disk and try again")


def _status(disk_full: str, free_mb: float | None) -> dict[str, object]:
    """The panel's keys as `AdminController` builds them (back end + app parts)."""
    return KioskStatus(
        BackendStatus(queue=QueueStatus(3, 0, disk_full), catalog_counts={"happy": 4}),
        AppStatus(camera_state="LIVE", disk_free_mb=free_mb),
    ).as_dict()


@pytest.mark.parametrize("language", ["en", "ko"])
def test_the_disk_tile_is_red_while_full_and_clears_when_space_is_freed(
    make_window: Any, language: str, request: pytest.FixtureRequest
) -> None:
    if language == "ko":
        request.getfixturevalue("korean")
    win = make_window(1366, 768)
    ko = language == "ko"
    win.set_status(_status(DISK_FULL, 0.2))
    tile = win.admin.tiles["disk"]
    assert tile.value.text() == ("가득 참" if ko else "Full")
    assert theme.DANGER.name() in tile.value.styleSheet()
    detail = tile.detail.text()
    assert ("0 MB 남음" if ko else "0 MB free") in detail
    assert "/data/events.sqlite3" in detail and "(0 MB free)" not in detail  # said once, now
    assert "Disk" not in win.admin.tiles["other"].detail.text()  # a tile of its own
    # space freed: the next refresh (every 2 s) says so, though the queue's line stays
    # until its next save works
    win.set_status(_status(DISK_FULL, 4.0))  # a small partition: 4 MB is room enough
    assert tile.value.text() == ("공간 확보됨" if ko else "Space freed")
    win.set_status(_status(DISK_FULL, 850.0))
    assert tile.value.text() == ("공간 확보됨" if ko else "Space freed")
    assert theme.DANGER.name() not in tile.value.styleSheet()
    assert ("850 MB 남음" if ko else "850 MB free") in tile.detail.text()
    win.set_status(_status("", 51234.0))
    assert tile.value.text() == ("정상" if ko else "OK")
    assert tile.detail.text() == ("51.2 GB 남음" if ko else "51.2 GB free")


def test_the_app_status_carries_the_free_space() -> None:
    assert AppStatus(disk_free_mb=12.34).as_dict()["disk_free_mb"] == 12.3
    assert "disk_free_mb" not in AppStatus().as_dict()
