"""The store's time zone (`[analytics] timezone`): the days and hours of the reports.

`store_zone(name)` is the zone of an IANA name (`Asia/Seoul`), or, for an empty name, the
system's local zone, so "today" and "hour of day" are the store's whoever runs
`kiosk-admin` (before, they followed the `TZ` of the shell). zoneinfo reads the system's
tz database (Debian: package tzdata, /usr/share/zoneinfo; the frozen bundle uses the
same, through the TZPATH of the Python it was built with, else /usr/share/zoneinfo);
`zone_problem` says what to do when a name is not there.
"""

from __future__ import annotations

import os
import zoneinfo
from datetime import datetime, tzinfo
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

SYSTEM_TZPATH = "/usr/share/zoneinfo"
if not zoneinfo.TZPATH and Path(SYSTEM_TZPATH).is_dir():  # a Python built without TZPATH
    zoneinfo.reset_tzpath([SYSTEM_TZPATH])


def zone_problem(name: str) -> str | None:
    """What is wrong with a time-zone name, or None when it can be used ("" is the
    system's zone)."""
    if not name:
        return None
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        if not _have_database():
            return ("no time-zone database found (/usr/share/zoneinfo): install the "
                    "system package tzdata, or leave it empty for the system's zone")
        return ("not an IANA time zone; use a name such as Asia/Seoul, Europe/Berlin or "
                "America/Los_Angeles (see /usr/share/zoneinfo), or leave it empty for the "
                "system's zone")
    return None


def store_zone(name: str = "") -> tzinfo:
    """The zone of `name`; empty: the system's local zone (`TZ`, else /etc/localtime),
    as an IANA zone when it can be named (daylight saving included), else the current
    fixed offset. Raises ValueError for a name `zone_problem` refuses."""
    if name:
        problem = zone_problem(name)
        if problem:
            raise ValueError(f"time zone {name!r}: {problem}")
        return ZoneInfo(name)
    for key in (os.environ.get("TZ", "").lstrip(":"), _localtime_key()):
        if key:
            try:
                return ZoneInfo(key)
            except (ZoneInfoNotFoundError, ValueError):
                continue
    local = datetime.now().astimezone().tzinfo
    assert local is not None  # astimezone() always gives an aware time
    return local


def zone_label(zone: tzinfo) -> str:
    """The name a report prints for `zone`: its IANA key, else its abbreviation."""
    key = getattr(zone, "key", None)
    return str(key) if key else (zone.tzname(None) or "local time")


def _have_database() -> bool:
    """Whether zoneinfo finds a tz database at all: one small file (UTC) read afresh.
    Not `available_timezones()`, which opens every file of /usr/share/zoneinfo (about
    600; 75 ms on a warm cache, far more on a kiosk's cold SD card) and runs on the GUI
    thread when a saved settings file is checked (`kiosk.ui.settings_check`)."""
    try:
        ZoneInfo.no_cache("UTC")
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return False
    return True


def _localtime_key() -> str:
    """The IANA key /etc/localtime links to (…/zoneinfo/Asia/Seoul), else ""."""
    try:
        target = os.path.realpath("/etc/localtime")
    except OSError:
        return ""
    return target.split("/zoneinfo/", 1)[1] if "/zoneinfo/" in target else ""
