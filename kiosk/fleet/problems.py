"""What is wrong with a kiosk now, and since when, from its newest buckets in CloudWatch
(the problem column of `kiosk-admin fleet status`).

A kiosk sends each metric once per bucket, stamped with the bucket's start
(`kiosk.fleet.metrics`); read at a 60-second period (CloudWatch's finest standard
resolution, and a whole minute divides every bucket) each point is one bucket of the
kiosk, at its own start. A series here is such points, oldest first: (bucket start,
value). The thresholds are the fleet alarms' (build/aws/fleet.yaml), so this column
names what the alarms would, but at once and with the time it began.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, tzinfo
from functools import reduce
from itertools import pairwise
from typing import Any

from kiosk.camera.trouble import trouble_text

Series = Sequence[tuple[float, float]]

CAMERA_LIVE_MIN_PCT = 50.0  # CameraDownAlarm: LIVE under 50 % of a bucket
DISK_LOW_MB = 1024.0  # DiskLowAlarm's DiskLowMB default
DISK_FULL_MB = 1.0  # under a megabyte free: "disk full" (a full disk reads 0 MB)
SILENT_BUCKETS = 2  # NoHeartbeatAlarm: no heartbeat in two buckets in a row
MAX_BUCKET_S = 3600  # [analytics] bucket_min is at most 60
TRUSTED_GAPS = 3  # heartbeat gaps whose divisor is taken over the settings' bucket
# a clean stop with nothing since for this many buckets reads "nothing since": a kiosk
# that restarted without network sends nothing either (tester round 23, M4)
QUIET_STOP_BUCKETS = 3


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a kiosk. `since`: epoch seconds it began (the start of the
    first bad bucket of the newest run of them; for `no_heartbeat`, the end of the newest
    bucket the kiosk sent), None when not timed; `since_before`: that run reaches back
    to the oldest point read, so it began then or earlier."""

    # "stopped" (a clean stop: SIGTERM, the panel's Exit or Restart; `since` is when),
    # "no_heartbeat" (silent without one: a crash, a power or network loss),
    # "camera_lost", "uploads_failing", "disk_low", "unclean_restart" (`since`: the start
    # of the bucket of a start after an unclean end)
    kind: str
    since: float | None = None
    since_before: bool = False
    free_mb: float | None = None  # disk_low only
    reason_code: int | None = None  # camera_lost: a `kiosk.camera.CameraTrouble` code
    # stopped: nothing came for `QUIET_STOP_BUCKETS` buckets after the stop
    quiet: bool = False
    # the kiosk is stopped: this was so at the stop, not now (a camera lost then)
    at_stop: bool = False

    def text(self, now: float, zone: tzinfo | None) -> str:
        at = "" if self.since is None else local_time(self.since, now, zone)
        when = ("" if self.since is None else
                f" since {'before ' if self.since_before else ''}{at}")
        if self.at_stop:
            return "when it stopped: " + replace(self, at_stop=False).text(now, zone)
        if self.kind == "disk_low":
            free = self.free_mb or 0.0
            full = free < DISK_FULL_MB  # likes, visits and metrics cannot be saved
            return f"disk {'full' if full else 'low'}: {free:.0f} MB free"
        if self.kind == "stopped":
            if self.quiet:
                return (f"stopped cleanly at {at}, nothing since (not restarted, or "
                        "restarted without network)")
            return f"stopped cleanly at {at}"
        if self.kind == "no_heartbeat":
            return f"no heartbeat{when} (crashed, or lost power or network)"
        if self.kind == "unclean_restart":
            return f"restarted after a crash or power loss (bucket of {at})"
        if self.kind == "camera_lost" and self.reason_code is not None:
            return f"camera lost{when}: {trouble_text(self.reason_code)}"
        return f"{self.kind.replace('_', ' ')}{when}"

    def to_dict(self, now: float, zone: tzinfo | None) -> dict[str, Any]:
        return {"kind": self.kind, "since": self.since, "since_before": self.since_before,
                "since_local": (None if self.since is None else
                                datetime.fromtimestamp(self.since, zone).isoformat(
                                    timespec="seconds")),
                "free_mb": self.free_mb, "reason_code": self.reason_code,
                "reason": trouble_text(self.reason_code), "nothing_since": self.quiet,
                "at_stop": self.at_stop, "text": self.text(now, zone)}


def local_time(epoch: float, now: float, zone: tzinfo | None) -> str:
    """"HH:MM" in `zone` on the day of `now` there, else "YYYY-MM-DD HH:MM"."""
    when = datetime.fromtimestamp(epoch, zone)
    if when.date() == datetime.fromtimestamp(now, zone).date():
        return when.strftime("%H:%M")
    return when.strftime("%Y-%m-%d %H:%M")


def bucket_length(stamps: Sequence[float], default_s: float) -> float:
    """The kiosk's bucket in seconds: bucket starts are multiples of it, so it is the
    greatest common divisor of the gaps between its heartbeats (read at a 60-s period);
    `default_s` (`[analytics] bucket_min` of the settings read) with fewer than two.

    A kiosk that was off between its heartbeats leaves a gap of several buckets; with
    only one or two gaps their divisor can be that outage, and a bucket read too long
    makes a silent kiosk's age read too short. So below `TRUSTED_GAPS` gaps the
    length is at most `default_s`: an age then errs long (an operator looks once too
    often), never short (a dead kiosk passes for live)."""
    points = sorted({round(t) for t in stamps})
    gaps = [b - a for a, b in pairwise(points)]
    found = reduce(math.gcd, gaps, 0)
    if not 0 < found <= MAX_BUCKET_S:
        return default_s
    return float(found) if len(gaps) >= TRUSTED_GAPS else min(float(found), default_s)


def heartbeat_age(stamps: Sequence[float], bucket_s: float, now: float) -> float | None:
    """Seconds since the end of the newest bucket with a heartbeat (a kiosk sends a
    bucket when it ends: a live one reads under one bucket, plus the upload's delay);
    0 for a bucket still open (an early row after a restart); None without one."""
    return None if not stamps else max(0.0, now - (max(stamps) + bucket_s))


def streak(series: Series, bad: Callable[[float], bool]) -> tuple[float, bool] | None:
    """(start of the oldest bucket, reaches the oldest point) of the newest run of bad
    buckets; None when the newest bucket is fine or there is none."""
    ordered = sorted(series)
    since: float | None = None
    for stamp, value in reversed(ordered):
        if not bad(value):
            break
        since = stamp
    return None if since is None else (since, since == ordered[0][0])


def stopped_at(markers: Series, beats: Sequence[float]) -> float | None:
    """When the kiosk stopped cleanly, if it is stopped now: its newest `Stopped`
    point (minimum per minute: a start in the minute of a stop wins, as after the
    panel's Restart) is a stop (1) and no bucket began after it; else None."""
    if not markers:
        return None
    stamp, value = max(markers)
    if value < 1 or (beats and max(beats) > stamp):
        return None
    return stamp


def started_at(markers: Series) -> float | None:
    """When the kiosk's newest run started, if its newest `Stopped` point is a start."""
    if not markers:
        return None
    stamp, value = max(markers)
    return stamp if value < 1 else None


def problems(*, now: float, age_s: float | None, bucket_s: float, camera: Series,
             uploads_failing: Series, disk_free_mb: Series, window_start: float,
             disk_low_mb: float = DISK_LOW_MB, stopped: float | None = None,
             camera_trouble: Series = (), restarts: Series = (),
             started: float | None = None) -> list[Problem]:
    """A kiosk's problems, worst first: stopped cleanly at `stopped` (then never "no
    heartbeat": it is silent on purpose; "nothing since" after `QUIET_STOP_BUCKETS`
    buckets; the camera, uploads and disk then read as they were at the stop), else no
    heartbeat for `SILENT_BUCKETS` buckets (since the end of its newest bucket), then
    the newest buckets' camera (with the reason of the newest `camera_trouble` point of
    the run), uploads and disk, and the newest start after an unclean end (`restarts`
    above 0). A run `started` after the newest bucket ended is not silent until
    `SILENT_BUCKETS` buckets after its start (a run sends its first bucket when it
    closes). `window_start`: where the series read began (a run of bad buckets starting
    within a bucket of it may have begun earlier)."""
    out: list[Problem] = []
    if stopped is not None:
        out.append(Problem("stopped", stopped,
                           quiet=now - stopped >= QUIET_STOP_BUCKETS * bucket_s))
    elif age_s is not None and age_s >= SILENT_BUCKETS * bucket_s and not (
            started is not None and started >= now - age_s
            and now - started < SILENT_BUCKETS * bucket_s):
        out.append(Problem("no_heartbeat", now - age_s))

    def timed(kind: str, series: Series, bad: Callable[[float], bool]) -> Problem | None:
        run = streak(series, bad)
        if run is None:
            return None
        since, oldest = run
        found = Problem(kind, since, oldest and since < window_start + bucket_s)
        out.append(found)
        return found

    lost = timed("camera_lost", camera, lambda pct: pct < CAMERA_LIVE_MIN_PCT)
    if lost is not None and lost.since is not None:
        why = [(t, v) for t, v in camera_trouble if t >= lost.since]
        if why:
            out[-1] = replace(lost, reason_code=int(max(why)[1]))
    timed("uploads_failing", uploads_failing, lambda n: n > 0)
    if disk_free_mb:
        free = sorted(disk_free_mb)[-1][1]
        if free < disk_low_mb:
            out.append(Problem("disk_low", free_mb=free))
    if stopped is not None:  # the newest buckets are the stopped run's: history now
        out[1:] = [replace(p, at_stop=True) for p in out[1:]]
    unclean = [t for t, v in restarts if v > 0]
    if unclean:
        out.append(Problem("unclean_restart", max(unclean)))
    return out
