"""The admin panel's fleet metrics line and Network tile with `[fleet]` on, in the
operator's language (tester rounds 12 and 13: nothing said the metrics could not go
out; then the line was English in the Korean panel, "offline in 7 s" read as "goes
offline in 7 s", and the Network tile said "Not needed")."""

from __future__ import annotations

import time
from typing import Any

import pytest

from kiosk.ui import admin_status

OK, BAD = 1_800_000_000.0, 1_800_000_400.0


def hhmm(at: float) -> str:
    return time.strftime("%H:%M", time.localtime(at))


def fleet(**kw: Any) -> dict[str, Any]:
    base: dict[str, Any] = {"state": "idle", "online": True, "last_error": None,
                            "last_error_at": None, "last_success_at": None, "pending": 0,
                            "retry_in_s": None, "disk_full": None}
    return base | kw


OFFLINE = fleet(state="offline", online=False, pending=7, last_error="could not connect",
                last_error_at=BAD, last_success_at=OK, retry_in_s=20.4)


def test_the_line_in_english() -> None:
    assert admin_status.fleet_text(fleet(last_success_at=OK)) == f"all sent (last {hhmm(OK)})"
    assert admin_status.fleet_text(fleet()) == "all sent"
    assert admin_status.fleet_text(OFFLINE) == (
        f"7 waiting · offline, next try in 20 s · nothing sent since {hhmm(OK)} · "
        "last error: could not connect")
    never = fleet(state="offline", online=False, pending=1, last_error="refused", last_error_at=5.0)
    assert "nothing sent since the start" in admin_status.fleet_text(never)
    blocked = fleet(state="blocked", pending=2, last_error="AccessDenied", last_error_at=5.0)
    assert admin_status.fleet_text(blocked).startswith(
        "2 waiting · AWS refused the credentials or permissions")
    # an old error before a later success is not "failing"
    assert admin_status.fleet_text(fleet(state="sending", pending=3, last_error="old",
                                         last_error_at=10.0, last_success_at=20.0)) == "3 waiting"
    assert admin_status.fleet_text(fleet(disk_full="full")) == (
        "all sent · cannot be queued: the disk is full")


def test_the_line_and_tile_in_korean(korean: None) -> None:
    text = admin_status.fleet_text(OFFLINE)
    assert text.startswith("7건 대기 중") and "could not connect" in text
    assert not any(word in text for word in ("waiting", "offline", "sent", "next try"))
    status = {"uploads_configured": False, "fleet metrics": OFFLINE}
    tile = admin_status.network_tile(status)
    assert tile.value == "오프라인" and tile.alert and "CloudWatch" in tile.detail
    line = "\n".join(admin_status.other_lines(status))
    assert line.startswith("원격 모니터링 지표 (CloudWatch): 7건 대기 중")


@pytest.mark.parametrize(("online", "value", "alert"), [
    (True, "Online", False), (False, "Offline", True), (None, admin_status.NA, False)])
def test_the_network_tile_is_needed_for_the_fleet(online: bool | None, value: str,
                                                  alert: bool) -> None:
    tile = admin_status.network_tile({"uploads_configured": False,
                                      "fleet metrics": fleet(online=online)})
    assert (tile.value, tile.alert) == (value, alert)
    assert "CloudWatch" in tile.detail
    # without [fleet]: not needed, as before
    assert admin_status.network_tile({"uploads_configured": False}).value == "Not needed"
