"""A small model of how CloudWatch evaluates build/aws/fleet.yaml's alarms, to test
what the queries mean on synthetic datapoints (no AWS needed).

What it models, from the CloudWatch documentation:
- PutMetricData adds datapoints: a bucket sent twice is two observations, so COUNT and
  SUM see it twice while MAX and MIN do not;
- a Metrics Insights query `SELECT FN(Metric) FROM SCHEMA("ns", KioskId, Site)` rolls
  every matching observation of a period into one value of one time series; with
  `GROUP BY KioskId, Site` it returns one time series per kiosk, and an alarm on it
  evaluates each series as a contributor of its own (the alarm is in ALARM while any
  contributor is);
- a metric-math `SUM(id)` of a grouped query (`id`, not returned itself) adds up, per
  period, the values of the series that have one (a GROUP BY result is an array of
  time series, which any metric-math function taking an array accepts: "Use Metrics
  Insights queries with metric math" in the CloudWatch guide); a period where no
  series has a value has no value;
- a contributor breaches in a period when its value compares to the threshold, or when
  the period has no value and `TreatMissingData` is `breaching`; it is in ALARM when at
  least `DatapointsToAlarm` of the last `EvaluationPeriods` periods breach.

Periods are one bucket long and aligned to buckets: a kiosk stamps every datum with its
bucket's start, so any window of one bucket holds exactly one bucket's stamps.
A series is returned when it has a datapoint anywhere in the data given (the real
window is the last 3 hours).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

Kiosk = tuple[str, str]  # (Site, KioskId)

QUERY = re.compile(
    r"SELECT (?P<fn>AVG|COUNT|MAX|MIN|SUM)\((?P<metric>\w+)\) "
    r"FROM SCHEMA\(\"\$\{Namespace\}\", KioskId, Site\)"
    r"(?: GROUP BY (?P<group>\w+(?:, \w+)*))?"
    r"(?: ORDER BY (?P<order>AVG|COUNT|MAX|MIN|SUM)\(\) (?:ASC|DESC))?$")
SUM_OF = re.compile(r"SUM\((?P<id>[a-z]\w*)\)$")
FUNCTIONS: dict[str, Callable[[Sequence[float]], float]] = {
    "AVG": lambda v: sum(v) / len(v), "COUNT": len, "MAX": max, "MIN": min, "SUM": sum}
COMPARE: dict[str, Callable[[float, float], bool]] = {
    "GreaterThanThreshold": lambda v, t: v > t,
    "GreaterThanOrEqualToThreshold": lambda v, t: v >= t,
    "LessThanThreshold": lambda v, t: v < t,
    "LessThanOrEqualToThreshold": lambda v, t: v <= t,
}


@dataclass(frozen=True)
class Point:
    """One PutMetricData datum as CloudWatch keeps it."""

    kiosk: Kiosk
    metric: str
    ts: float
    value: float


def points_from_datums(datums: Iterable[Mapping[str, Any]]) -> list[Point]:
    """Points of the kiosk's JSON-ready datums (`kiosk.fleet.metrics.bucket_datums`)."""
    out = []
    for d in datums:
        dims = {x["Name"]: x["Value"] for x in d["Dimensions"]}
        out.append(Point((dims["Site"], dims["KioskId"]), d["MetricName"],
                         float(d["Timestamp"]), float(d["Value"])))
    return out


def run_query(expression: str, points: Iterable[Point], period_s: float
              ) -> dict[tuple[str, ...], dict[float, float]]:
    """The query's time series: group labels -> {period start: value}."""
    m = QUERY.match(expression)
    assert m, f"not a query this model reads: {expression}"
    group = [g.strip() for g in m["group"].split(",")] if m["group"] else []
    if group:
        assert set(group) == {"KioskId", "Site"}, group
    observed: dict[tuple[str, ...], dict[float, list[float]]] = {}
    for p in points:
        if p.metric != m["metric"]:
            continue
        labels = {"Site": p.kiosk[0], "KioskId": p.kiosk[1]}
        key = tuple(labels[g] for g in group)
        start = p.ts - p.ts % period_s
        observed.setdefault(key, {}).setdefault(start, []).append(p.value)
    fn = FUNCTIONS[m["fn"]]
    return {key: {t: float(fn(vs)) for t, vs in by_t.items()} for key, by_t in observed.items()}


@dataclass(frozen=True)
class Evaluation:
    state: str  # "ALARM" or "OK"
    contributors: list[tuple[str, ...]]  # the series in ALARM (() for an ungrouped query)


def evaluate(alarm: Mapping[str, Any], points: Iterable[Point], now: float,
             params: Mapping[str, Any], mappings: Mapping[str, Any]) -> Evaluation:
    """The alarm's state at `now` (the end of the last complete bucket)."""
    (query,) = [q for q in alarm["Metrics"] if q.get("ReturnData")]
    expression = _resolve(query["Expression"], params, mappings)
    summed = SUM_OF.match(expression)
    if summed:  # metric math over a grouped query: one series, the sum over the groups
        (query,) = [q for q in alarm["Metrics"] if q["Id"] == summed["id"]]
        expression = _resolve(query["Expression"], params, mappings)
    period = float(_resolve(query["Period"], params, mappings))
    series = run_query(expression, points, period)
    if summed:
        total: dict[float, float] = {}
        for values in series.values():
            for t, v in values.items():
                total[t] = total.get(t, 0.0) + v
        series = {(): total}  # one series, even with no value at all (all silent)
    n = int(_resolve(alarm["EvaluationPeriods"], params, mappings))
    m = int(_resolve(alarm.get("DatapointsToAlarm", n), params, mappings))
    threshold = float(_resolve(alarm["Threshold"], params, mappings))
    compare = COMPARE[alarm["ComparisonOperator"]]
    missing = alarm.get("TreatMissingData", "missing")
    starts = [now - period * (i + 1) for i in range(n)]
    alarming = []
    for key, values in sorted(series.items()):
        breaches = 0
        for start in starts:
            value = values.get(start)
            breaches += (missing == "breaching") if value is None else compare(value, threshold)
        if breaches >= m:
            alarming.append(key)
    return Evaluation("ALARM" if alarming else "OK", alarming)


def _resolve(value: Any, params: Mapping[str, Any], mappings: Mapping[str, Any]) -> Any:
    """CloudFormation's !Ref, !Sub (of ${Namespace}: kept as is) and !FindInMap."""
    if isinstance(value, dict) and "!Ref" in value:
        return params[value["!Ref"]]
    if isinstance(value, dict) and "!Sub" in value:
        return value["!Sub"]
    if isinstance(value, dict) and "!FindInMap" in value:
        table, key, field = value["!FindInMap"]
        return mappings[table][str(_resolve(key, params, mappings))][field]
    return value
