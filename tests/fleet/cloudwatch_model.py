"""GetMetricData as CloudWatch answers it, for `fleet status` tests through Stubber.

Raw datapoints (what kiosks sent: a metric of a kiosk at a bucket's start) go in; for a
request's queries the model gives what CloudWatch returns: per query, the points of
[StartTime, EndTime) in periods of the query's `Period` counted from StartTime rounded
down to the whole minute (CloudWatch's rounding for data under 15 days old), each
period's statistic at the period's start, newest first (`ScanBy` TimestampDescending),
periods without data left out.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from botocore.stub import Stubber

# (site, kiosk id, metric) -> [(epoch seconds, value)]
Raw = Mapping[tuple[str, str, str], Sequence[tuple[float, float]]]

STATS: dict[str, Callable[[list[float]], float]] = {
    "Maximum": max,
    "Minimum": min,
    "Sum": sum,
    "Average": lambda vs: sum(vs) / len(vs),
    "SampleCount": len,
}


def at(epoch: float) -> datetime:
    return datetime.fromtimestamp(epoch, tz=UTC)


def answer(raw: Raw, queries: Sequence[Mapping[str, Any]], start: float, end: float
           ) -> dict[str, Any]:
    """The GetMetricData response body for `queries` over [start, end)."""
    first = start // 60 * 60
    results = []
    for query in queries:
        stat = query["MetricStat"]
        dims = {d["Name"]: d["Value"] for d in stat["Metric"]["Dimensions"]}
        period = float(stat["Period"])
        bins: dict[float, list[float]] = {}
        for stamp, value in raw.get((dims["Site"], dims["KioskId"],
                                     stat["Metric"]["MetricName"]), []):
            if first <= stamp < end:
                bins.setdefault(first + (stamp - first) // period * period, []).append(value)
        newest_first = sorted(bins, reverse=True)
        results.append({"Id": query["Id"], "Label": stat["Metric"]["MetricName"],
                        "Timestamps": [at(t) for t in newest_first],
                        "Values": [float(STATS[stat["Stat"]](bins[t])) for t in newest_first],
                        "StatusCode": "Complete"})
    return {"MetricDataResults": results}


def query(qid: str, site: str, kid: str, metric: str, stat: str, period: int
          ) -> dict[str, Any]:
    return {"Id": qid, "ReturnData": True,
            "MetricStat": {"Metric": {"Namespace": "Kiosk/Fleet", "MetricName": metric,
                                      "Dimensions": [{"Name": "Site", "Value": site},
                                                     {"Name": "KioskId", "Value": kid}]},
                           "Period": period, "Stat": stat}}


def stub_call(stub: Stubber, raw: Raw, queries: list[dict[str, Any]], start: float,
              end: float) -> None:
    """Expect one GetMetricData of `queries` over [start, end), answered from `raw`."""
    stub.add_response("get_metric_data", answer(raw, queries, start, end), {
        "MetricDataQueries": queries, "StartTime": at(start), "EndTime": at(end),
        "ScanBy": "TimestampDescending"})
