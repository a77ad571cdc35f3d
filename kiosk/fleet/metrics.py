"""Which CloudWatch metrics a kiosk publishes, and the PutMetricData datums of a bucket.

Namespace `[fleet] namespace` (default `Kiosk/Fleet`); every datum has the dimensions
`Site` (`[fleet] site`) and `KioskId` (`[fleet] kiosk_id`, default the host name), and
the timestamp of its bucket's start, so history sent late lands where it happened.

| metric | unit | value per bucket (5 min by default) | lean |
|---|---|---|---|
| Heartbeat | Count | 1 (the kiosk ran in this bucket) | yes |
| CameraLive | Percent | share of the bucket the camera was LIVE | yes |
| PreviewFps | Count/Second | mean preview frame rate | |
| VisionLatencyP95 | Milliseconds | p95 of face detection + emotion model | |
| QueueDepth | Count | largest upload backlog (event-queue rows an upload is configured for) | |
| QueueGrowth | Count | upload backlog at the end minus at the start | yes |
| DeadLetters | Count | dead-lettered events | yes |
| UploadsFailing | Count | health samples with the uploader failing | |
| Crashes | Count | uncaught errors and unclean exits | |
| Restarts | Count | starts after an unclean end (crash, kill, watchdog) | yes |
| DiskFreeMB | Megabytes | lowest free space of the data folder | yes |
| CameraTrouble | None | why the camera was STALLED or LOST (a `CameraTrouble` code) | yes |
| Visits, Engaged | Count | visits; visits of at least attention_s | Visits |
| DwellP50 | Seconds | median dwell | |
| Pages, Likes | Count | pages shown, likes | |

Besides the buckets, a run sends `Stopped` (unit None, in every profile), stamped with
the moment itself, not a bucket's start: 0 when it starts, 1 when it stops cleanly
(SIGTERM, the admin panel's Exit or Restart), so `kiosk-admin fleet status` can tell a
kiosk stopped on purpose from one that went silent (a crash, a power or network loss
sends nothing). The camera's reason goes as a number, one metric whatever the reason
(a `Reason` dimension would make one metric per reason and kiosk); the words are
`kiosk.camera.trouble`'s, on the operator's side.

Only aggregates leave the kiosk; the emotion mix and item counts stay local. The upload
backlog leaves out rows kept with no upload target (`kiosk.status.awaiting_upload`): a
kiosk without Personalize reports 0, not every page it showed.
"""

from __future__ import annotations

import math
import socket
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from kiosk.analytics.bucket import BucketStats

MAX_DATUMS_PER_CALL = 1000  # PutMetricData: 1,000 datums and 1 MB per request
ROWS_PER_CALL = 10  # the queue's batch size
MAX_DATUMS_PER_ROW = MAX_DATUMS_PER_CALL // ROWS_PER_CALL
MAX_AGE_S = 14 * 86400 - 3600  # CloudWatch refuses datums older than two weeks

# metric -> (unit, BucketStats -> value or None)
METRICS: dict[str, tuple[str, Any]] = {
    "Heartbeat": ("Count", lambda b: 1.0),
    "CameraLive": ("Percent", lambda b: b.camera_live_pct),
    "PreviewFps": ("Count/Second", lambda b: b.fps_mean),
    "VisionLatencyP95": ("Milliseconds", lambda b: b.vision_p95_ms),
    "QueueDepth": ("Count", lambda b: b.queue_depth),
    "QueueGrowth": ("Count", lambda b: b.queue_delta),
    "DeadLetters": ("Count", lambda b: b.dead_letters),
    "UploadsFailing": ("Count", lambda b: b.uploads_failing),
    "Crashes": ("Count", lambda b: b.crashes),
    "Restarts": ("Count", lambda b: b.restarts),
    "DiskFreeMB": ("Megabytes", lambda b: b.disk_free_mb),
    "CameraTrouble": ("None", lambda b: b.camera_trouble),
    "Visits": ("Count", lambda b: b.visits),
    "Engaged": ("Count", lambda b: b.engaged),
    "DwellP50": ("Seconds", lambda b: b.dwell_p(0.5)),
    "Pages": ("Count", lambda b: b.pages),
    "Likes": ("Count", lambda b: b.likes),
}
LEAN = ("Heartbeat", "CameraLive", "QueueGrowth", "DeadLetters", "Restarts", "DiskFreeMB",
        "CameraTrouble", "Visits")
STOPPED = "Stopped"  # a run's start (0) and clean stop (1), stamped with the moment
PROFILES: Mapping[str, tuple[str, ...]] = {"default": tuple(METRICS), "lean": LEAN}


def default_kiosk_id() -> str:
    return socket.gethostname() or "kiosk"


def dimensions(site: str, kiosk_id: str) -> list[dict[str, str]]:
    return [{"Name": "Site", "Value": site[:1024]}, {"Name": "KioskId", "Value": kiosk_id[:1024]}]


def bucket_datums(bucket: BucketStats, site: str, kiosk_id: str,
                  profile: str = "default") -> list[dict[str, Any]]:
    """The bucket's datums (JSON-ready: `Timestamp` in epoch seconds), metrics without a
    value in this bucket left out. Raises KeyError for an unknown profile."""
    dims = dimensions(site, kiosk_id)
    out = []
    for name in PROFILES[profile]:
        unit, get = METRICS[name]
        value = get(bucket)
        if value is None or not math.isfinite(float(value)):
            continue
        out.append({"MetricName": name, "Dimensions": dims, "Timestamp": bucket.start,
                    "Value": float(value), "Unit": unit})
    return out[:MAX_DATUMS_PER_ROW]


def run_datum(site: str, kiosk_id: str, at: float, *, stopped: bool) -> dict[str, Any]:
    """The `Stopped` datum of a run's start (0) or clean stop (1) at `at` (JSON-ready)."""
    return {"MetricName": STOPPED, "Dimensions": dimensions(site, kiosk_id),
            "Timestamp": float(at), "Value": 1.0 if stopped else 0.0, "Unit": "None"}


def to_api(datum: Mapping[str, Any]) -> dict[str, Any]:
    """A stored datum as boto3 takes it (`Timestamp` as an aware datetime)."""
    out = dict(datum)
    out["Timestamp"] = datetime.fromtimestamp(float(datum["Timestamp"]), tz=UTC)
    return out
