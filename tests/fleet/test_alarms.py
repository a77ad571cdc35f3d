"""What build/aws/fleet.yaml's alarms mean, on synthetic datapoints (`alarm_model`):
every alarm is per kiosk, and a bucket that reaches CloudWatch twice (a retried call
that had landed, a partial bucket sent early, two processes) changes no alarm."""

from __future__ import annotations

from typing import Any

from .alarm_model import Evaluation, Point, evaluate
from .test_template import template

P = 300.0  # BucketMinutes 5
T0 = 1_800_000_000.0  # a bucket start
# FleetSize: only the old template (a count of kiosks) read it
PARAMS = {"BucketMinutes": 5, "DiskLowMB": 1024, "FleetSize": 3, "Namespace": "Kiosk/Fleet"}


def alarm_state(name: str, points: list[Point], now: float) -> Evaluation:
    t = template()
    return evaluate(t["Resources"][name]["Properties"], points, now, PARAMS, t["Mappings"])


def beats(kiosk: str, buckets: range, copies: int = 1) -> list[Point]:
    return [Point(("lab", kiosk), "Heartbeat", T0 + P * b, 1.0)
            for b in buckets for _ in range(copies)]


def test_no_heartbeat_names_the_silent_kiosk_when_another_sends_twice() -> None:
    # k1 sends each bucket once, k2 twice (its calls timed out after landing), k3 stops
    # after bucket 1: a count of datapoints (4 per bucket for 3 kiosks) hid k3
    points = beats("k1", range(4)) + beats("k2", range(4), copies=2) + beats("k3", range(2))
    got = alarm_state("NoHeartbeatAlarm", points, now=T0 + 4 * P)
    assert got == Evaluation("ALARM", [("k3", "lab")])
    # all three alive, k2 still doubled: no alarm
    points += beats("k3", range(2, 4))
    assert alarm_state("NoHeartbeatAlarm", points, now=T0 + 4 * P).state == "OK"
    # one bucket late is not silence (2 of 2 buckets must be missing)
    points = beats("k1", range(4)) + beats("k2", range(3))
    assert alarm_state("NoHeartbeatAlarm", points, now=T0 + 4 * P).state == "OK"


def restarts(kiosk: str, buckets: list[int], value: float = 1.0) -> list[Point]:
    return [Point(("lab", kiosk), "Restarts", T0 + P * b, value) for b in buckets]


def test_crash_loop_is_the_same_kiosk_in_three_buckets() -> None:
    # three different kiosks restarting once each in consecutive buckets is no crash loop
    spread = (restarts("k1", [0]) + restarts("k2", [1]) + restarts("k3", [2])
              + restarts("k1", [1, 2], 0.0) + restarts("k2", [0, 2], 0.0))
    assert alarm_state("CrashLoopAlarm", spread, now=T0 + 3 * P).state == "OK"
    # k4 restarts in each bucket; each bucket also closed with the rest (Restarts 0)
    # after the early send of its restart: MAX per kiosk still sees 1
    loop = restarts("k4", [0, 1, 2]) + restarts("k4", [0, 1, 2], 0.0)
    assert alarm_state("CrashLoopAlarm", spread + loop, now=T0 + 3 * P) == Evaluation(
        "ALARM", [("k4", "lab")])
    # two buckets in a row are not yet a loop
    assert alarm_state("CrashLoopAlarm", restarts("k4", [1, 2]), now=T0 + 3 * P).state == "OK"


def fleet_day() -> list[Point]:
    """13 buckets of three kiosks: k1 healthy, k2 in trouble in every way, k3 silent
    for the last two buckets."""
    out: list[Point] = []
    for b in range(13):
        t = T0 + P * b
        for kiosk, live, growth, dead, restarts_, disk in (
                ("k1", 100.0, 0.0, 0.0, 0.0, 9000.0),
                ("k2", 20.0, 3.0, 2.0, 1.0, 500.0)):
            for metric, value in (("Heartbeat", 1.0), ("CameraLive", live),
                                  ("QueueGrowth", growth), ("DeadLetters", dead),
                                  ("Restarts", restarts_), ("DiskFreeMB", disk)):
                out.append(Point(("lab", kiosk), metric, t, value))
        if b < 11:
            out.append(Point(("lab", "k3"), "Heartbeat", t, 1.0))
    return out


ALARMS = ("NoHeartbeatAlarm", "CameraNotLiveAlarm", "DeadLettersAlarm", "CrashLoopAlarm",
          "DiskLowAlarm", "QueueGrowingAlarm")


def test_every_alarm_is_per_kiosk_and_blind_to_duplicates() -> None:
    points = fleet_day()
    now = T0 + 13 * P
    expected = {name: Evaluation("ALARM", [("k2", "lab")]) for name in ALARMS}
    expected["NoHeartbeatAlarm"] = Evaluation("ALARM", [("k3", "lab")])
    assert {name: alarm_state(name, points, now) for name in ALARMS} == expected
    # every datapoint sent twice, or k1's sent three times: the same alarms
    for doubled in (points + points, points + 2 * [p for p in points if p.kiosk[1] == "k1"]):
        assert {name: alarm_state(name, doubled, now) for name in ALARMS} == expected


def test_no_alarm_needs_the_fleet_size() -> None:
    """Per-kiosk alarms need no count of kiosks (the FleetSize parameter is gone), and
    no alarm counts or sums datapoints."""
    t: dict[str, Any] = template()
    assert "FleetSize" not in t["Parameters"]
    for name in ALARMS:
        (query,) = t["Resources"][name]["Properties"]["Metrics"]
        assert "GROUP BY KioskId, Site ORDER BY" in query["Expression"]["!Sub"], name
        assert not query["Expression"]["!Sub"].startswith(("SELECT COUNT", "SELECT SUM")), name
