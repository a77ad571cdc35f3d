"""`kiosk-admin fleet status`: the latest numbers of every kiosk, from CloudWatch.

ListMetrics on the namespace finds the kiosks (their `Site`/`KioskId` pairs of the
Heartbeat metric); GetMetricData (≤ 500 queries a call, 5-minute periods over the last
24 hours, newest first) reads, per kiosk: the last heartbeat, camera LIVE share, queue
depth (or growth in the lean profile), dead letters, crashes and restarts today and
visits today ("today": since midnight in `[analytics] timezone`, the store's zone).
Errors become `FleetError` with a message an operator can act on.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any

from kiosk.aws import error_code
from kiosk.config.timezone import store_zone
from kiosk.logs import duration_text

PERIOD_S = 300
MAX_QUERIES = 500  # GetMetricData's limit per call
# column -> (metric, statistic, how the points become one number)
COLUMNS: dict[str, tuple[str, str, str]] = {
    "heartbeat": ("Heartbeat", "Maximum", "age"),
    "camera_live_pct": ("CameraLive", "Average", "last"),
    "queue_depth": ("QueueDepth", "Maximum", "last"),
    "queue_growth": ("QueueGrowth", "Sum", "last"),
    "dead_letters": ("DeadLetters", "Maximum", "last"),
    "crashes_today": ("Crashes", "Sum", "today"),
    "restarts_today": ("Restarts", "Sum", "today"),
    "visits_today": ("Visits", "Sum", "today"),
}


class FleetError(Exception):
    """CloudWatch could not be read; the message says what to check."""


@dataclass(frozen=True)
class KioskLine:
    """One kiosk's latest numbers; None where CloudWatch has no point."""

    site: str
    kiosk_id: str
    heartbeat_age_s: float | None
    camera_live_pct: float | None
    queue_depth: float | None
    queue_growth: float | None
    dead_letters: float | None
    crashes_today: float | None
    restarts_today: float | None
    visits_today: float | None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def text(self) -> str:
        age = ("never" if self.heartbeat_age_s is None
               else f"{duration_text(self.heartbeat_age_s)} ago")
        camera = "?" if self.camera_live_pct is None else f"LIVE {self.camera_live_pct:.0f}%"
        queue = (f"{self.queue_depth:.0f}" if self.queue_depth is not None else
                 f"{self.queue_growth:+.0f}/5min" if self.queue_growth is not None else "?")
        return (f"{self.site}/{self.kiosk_id}: heartbeat {age}, camera {camera}, "
                f"queue {queue}, dead letters {_n(self.dead_letters)}, "
                f"crashes {_n(self.crashes_today)} (restarts {_n(self.restarts_today)}), "
                f"visits today {_n(self.visits_today)}")


def fleet_status(client: Any, namespace: str, now: float | None = None,
                 today_start: float | None = None, zone: tzinfo | None = None
                 ) -> list[KioskLine]:
    """One `KioskLine` per kiosk that ever sent a heartbeat, sorted by site and id;
    "today" is since midnight in `zone` (`[analytics] timezone`; default: the system's)."""
    now = time.time() if now is None else now
    if today_start is None:
        local = datetime.fromtimestamp(now, store_zone() if zone is None else zone)
        today_start = local.replace(hour=0, minute=0, second=0, microsecond=0).timestamp()
    try:
        kiosks = sorted(_kiosks(client, namespace))
        queries = [
            (kiosk, column, {
                "Id": f"q{i}_{j}",
                "MetricStat": {
                    "Metric": {"Namespace": namespace, "MetricName": metric,
                               "Dimensions": [{"Name": "Site", "Value": kiosk[0]},
                                              {"Name": "KioskId", "Value": kiosk[1]}]},
                    "Period": PERIOD_S, "Stat": stat,
                },
                "ReturnData": True,
            })
            for i, kiosk in enumerate(kiosks)
            for j, (column, (metric, stat, _how)) in enumerate(COLUMNS.items())
        ]
        start = datetime.fromtimestamp(min(today_start, now - 86400), tz=UTC)
        end = datetime.fromtimestamp(now, tz=UTC) + timedelta(minutes=5)
        points: dict[str, tuple[list[float], list[float]]] = {}
        for chunk in _chunks([q for _k, _c, q in queries], MAX_QUERIES):
            for result in _get(client, chunk, start, end):
                stamps = [t.timestamp() for t in result.get("Timestamps", [])]
                old = points.setdefault(result["Id"], ([], []))
                old[0].extend(stamps)
                old[1].extend(float(v) for v in result.get("Values", []))
    except FleetError:
        raise
    except Exception as exc:
        raise FleetError(_explain(exc, namespace)) from None
    values: dict[tuple[str, str], dict[str, float | None]] = {k: {} for k in kiosks}
    for kiosk, column, query in queries:
        empty: tuple[list[float], list[float]] = ([], [])
        stamps, vals = points.get(str(query["Id"]), empty)
        how = COLUMNS[column][2]
        values[kiosk][column] = _reduce(how, stamps, vals, now, today_start)
    return [KioskLine(site, kid, values[(site, kid)]["heartbeat"],
                      *(values[(site, kid)][c] for c in list(COLUMNS)[1:]))
            for site, kid in kiosks]


def _kiosks(client: Any, namespace: str) -> set[tuple[str, str]]:
    found: set[tuple[str, str]] = set()
    token: str | None = None
    while True:
        kwargs: dict[str, Any] = {"Namespace": namespace, "MetricName": "Heartbeat"}
        if token:
            kwargs["NextToken"] = token
        page = client.list_metrics(**kwargs)
        for metric in page.get("Metrics", []):
            dims = {d["Name"]: d["Value"] for d in metric.get("Dimensions", [])}
            if "Site" in dims and "KioskId" in dims:
                found.add((dims["Site"], dims["KioskId"]))
        token = page.get("NextToken")
        if not token:
            return found


def _get(client: Any, queries: list[dict[str, Any]], start: datetime, end: datetime
         ) -> Iterator[dict[str, Any]]:
    token: str | None = None
    while True:
        kwargs: dict[str, Any] = {"MetricDataQueries": queries, "StartTime": start,
                                  "EndTime": end, "ScanBy": "TimestampDescending"}
        if token:
            kwargs["NextToken"] = token
        page = client.get_metric_data(**kwargs)
        yield from page.get("MetricDataResults", [])
        token = page.get("NextToken")
        if not token:
            return


def _reduce(how: str, stamps: list[float], vals: list[float], now: float, today: float
            ) -> float | None:
    if not stamps:
        return None
    if how == "age":
        return max(0.0, now - max(stamps))
    if how == "last":
        return vals[stamps.index(max(stamps))]
    return sum(v for t, v in zip(stamps, vals, strict=False) if t >= today)


def _chunks(items: list[Any], size: int) -> Iterator[list[Any]]:
    for i in range(0, len(items), size):
        yield items[i:i + size]


def _n(value: float | None) -> str:
    return "?" if value is None else f"{value:.0f}"


def _explain(exc: BaseException, namespace: str) -> str:
    code = error_code(exc)
    if code in ("AccessDenied", "AccessDeniedException"):
        return (f"CloudWatch refused ({code}): the operator's credentials need "
                "cloudwatch:ListMetrics and cloudwatch:GetMetricData (see build/aws/fleet.yaml, "
                "OperatorPolicy)")
    if code in ("NoCredentialsError", "NoRegionError", "ProfileNotFound"):
        return f"{code}: set AWS credentials and [aws] region (or AWS_DEFAULT_REGION)"
    return f"cannot read the fleet's metrics in {namespace!r}: {code}: {exc}"
