"""Reports are in the store's time zone (`[analytics] timezone`), not in the zone of
whoever runs kiosk-admin. The tester's case: the same data gave visits_by_hour {"22": 21}
under TZ=Asia/Seoul and {"5": 21} under TZ=America/Los_Angeles, and report.html said
"(UTC)" over hours drawn in local time."""

from __future__ import annotations

import json
import sys
import time
import zoneinfo
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from kiosk.admin.cli import main
from kiosk.analytics import AnalyticsStore, BucketStats
from kiosk.analytics.report import parse_since, start_of_today
from kiosk.config import ConfigError, load_settings, timezone

T13 = datetime(2026, 12, 1, 13, 0, tzinfo=UTC).timestamp()  # 22:00 in Seoul, 05:00 in LA


@pytest.fixture
def shell_in_los_angeles(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The admin's shell runs in another zone than the store."""
    monkeypatch.setenv("TZ", "America/Los_Angeles")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def _seed(data: Path) -> None:
    store = AnalyticsStore(data / "analytics.sqlite3", k=5)
    b = BucketStats(T13, 300)
    for _ in range(21):
        b.add_visit(10.0, 4.0)
    store.write(b)
    store.close()


def _config(tmp_path: Path, zone: str) -> Path:
    path = tmp_path / "kiosk.toml"
    path.write_text(f'[app]\ndata_dir = "{tmp_path / "data"}"\n\n'
                    f'[analytics]\ntimezone = "{zone}"\n', encoding="utf-8")
    return path


def test_hours_are_the_stores_whoever_runs_the_report(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], shell_in_los_angeles: None) -> None:
    _seed(tmp_path / "data")
    config = _config(tmp_path, "Asia/Seoul")
    assert main(["--config", str(config), "report", "--since", "2026-11-30",
                 "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["timezone"] == "Asia/Seoul"
    assert {h: n for h, n in report["visits_by_hour"].items() if n} == {"22": 21}
    assert report["buckets"][0]["local_time"] == "2026-12-01T22:00:00+09:00"
    assert report["buckets"][0]["time"] == "2026-12-01T13:00:00+00:00"
    # a date without an offset is the store's midnight, not the shell's
    assert report["since"] == "2026-11-29T15:00:00+00:00"

    out = tmp_path / "out"
    assert main(["--config", str(config), "report", "--since", "2026-11-30",
                 "--out", str(out)]) == 0
    page = (out / "report.html").read_text(encoding="utf-8")
    assert "hours of day and bucket times in Asia/Seoul" in page
    assert "Visits by hour (Asia/Seoul)" in page
    assert "local_time" in (out / "buckets.csv").read_text(encoding="utf-8").splitlines()[0]


def test_today_starts_at_the_stores_midnight() -> None:
    now = datetime(2026, 12, 1, 15, 30, tzinfo=UTC).timestamp()  # 00:30 on the 2nd in Seoul
    seoul = start_of_today(now, ZoneInfo("Asia/Seoul"))
    assert seoul == datetime(2026, 12, 1, 15, 0, tzinfo=UTC).timestamp()
    la = start_of_today(now, ZoneInfo("America/Los_Angeles"))
    assert la == datetime(2026, 12, 1, 8, 0, tzinfo=UTC).timestamp()
    assert parse_since("2026-12-02", zone=ZoneInfo("Asia/Seoul")) == seoul


def test_a_zone_that_does_not_exist_is_refused_at_load(tmp_path: Path,
                                                        capsys: pytest.CaptureFixture[str]
                                                        ) -> None:
    config = _config(tmp_path, "Asia/Seol")
    with pytest.raises(ConfigError) as caught:
        load_settings(config)
    message = caught.value.located()
    assert "analytics.timezone = 'Asia/Seol': not an IANA time zone" in message
    assert "Asia/Seoul" in message and "leave it empty" in message
    assert caught.value.line == 5  # the line of the key in the file
    assert main(["--config", str(config), "report"]) == 2
    assert "analytics.timezone" in capsys.readouterr().err


def test_a_misspelt_zone_is_told_without_listing_the_tz_database(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A saved settings file is checked on the GUI thread (`kiosk.ui.settings_check`):
    a misspelt zone must not open every file of /usr/share/zoneinfo
    (`available_timezones`, called twice per check before: 50-90 ms here, far more on
    a cold SD card)."""
    def listing() -> set[str]:
        raise AssertionError("the whole tz database was listed")

    monkeypatch.setattr(zoneinfo, "available_timezones", listing)
    monkeypatch.setattr(timezone, "available_timezones", listing, raising=False)
    problem = timezone.zone_problem("Asia/Seol")
    assert problem is not None and "not an IANA time zone" in problem


def test_no_tz_database_says_install_tzdata(tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "tzdata", None)  # no Python tzdata package either
    old = zoneinfo.TZPATH
    zoneinfo.reset_tzpath([str(tmp_path)])  # an empty database folder
    try:
        problem = timezone.zone_problem("Asia/Seol")
    finally:
        zoneinfo.reset_tzpath(old)
    assert problem is not None and "no time-zone database found" in problem
    assert "tzdata" in problem
