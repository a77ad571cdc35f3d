"""The admin panel's one-liner for an uploader (`summary_line`): the fleet metrics'
line said nothing while CloudWatch could not be reached (tester round 12)."""

from __future__ import annotations

import time

from kiosk.events.upload_status import UploaderState, UploaderStatus, summary_line


def _status(**kw: object) -> UploaderStatus:
    base: dict[str, object] = {"state": UploaderState.IDLE, "online": True, "last_error": None,
                               "last_error_at": None, "last_success_at": None, "pending": 0}
    base.update(kw)
    return UploaderStatus(**base)  # type: ignore[arg-type]


def _hhmm(at: float) -> str:
    return time.strftime("%H:%M", time.localtime(at))


def test_all_sent_names_the_last_upload() -> None:
    at = 1_800_000_000.0
    assert summary_line(_status(last_success_at=at)) == f"all sent (last {_hhmm(at)})"
    assert summary_line(_status()) == "all sent"


def test_offline_with_rows_waiting_says_since_when_and_why() -> None:
    ok, bad = 1_800_000_000.0, 1_800_000_400.0
    line = summary_line(_status(state=UploaderState.OFFLINE, online=False, pending=7,
                                last_error="could not connect to the endpoint",
                                last_error_at=bad, last_success_at=ok, retry_in_s=20.4))
    assert line == (f"7 waiting; offline in 20 s, no upload since {_hhmm(ok)}; "
                    "last error: could not connect to the endpoint")


def test_never_sent_and_blocked_say_so() -> None:
    line = summary_line(_status(state=UploaderState.BLOCKED, pending=2,
                                last_error="AccessDenied", last_error_at=5.0))
    assert line.startswith("2 waiting; blocked (credentials or permissions)")
    assert line.endswith("last error: AccessDenied")
    line = summary_line(_status(state=UploaderState.OFFLINE, pending=1, last_error="refused",
                                last_error_at=5.0))
    assert "no upload since this start" in line


def test_an_old_error_after_a_later_success_is_not_shown_as_failing() -> None:
    line = summary_line(_status(state=UploaderState.SENDING, pending=3, last_error="old",
                                last_error_at=10.0, last_success_at=20.0))
    assert line == "3 waiting; sending"


def test_a_full_disk_is_named_even_when_everything_was_sent() -> None:
    line = summary_line(_status(disk_full="the data disk is full (0 MB free)"))
    assert line == "all sent; cannot queue: the data disk is full (0 MB free)"
