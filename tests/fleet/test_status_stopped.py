"""`kiosk-admin fleet status` tells a kiosk stopped on purpose from one that went silent,
says why a camera is lost, and names a restart after a crash. Before, a clean stop and a
crash both read "no heartbeat since HH:MM", and "camera lost since HH:MM" had no reason."""

from __future__ import annotations

import time
from datetime import UTC

import boto3

from kiosk.analytics.bucket import BucketStats
from kiosk.camera.trouble import CameraTrouble
from kiosk.fleet.metrics import bucket_datums, run_datum, to_api
from kiosk.fleet.status import fleet_status
from tests.fleet.test_status_age import NOW, beats, status

B = 300.0  # 5-minute buckets; NOW is 08:00 UTC


def test_a_clean_stop_is_not_a_silent_kiosk() -> None:
    last = NOW - 2 * B  # the newest bucket began 07:50; the run stopped in it at 07:52:10
    stop = last + 130
    raw = {
        ("mall", "stopped", "Heartbeat"): beats(last, B),
        ("mall", "stopped", "Stopped"): [(NOW - 2 * 3600, 0.0), (stop, 1.0)],
        ("mall", "crashed", "Heartbeat"): beats(last, B),
        ("mall", "crashed", "Stopped"): [(NOW - 2 * 3600, 0.0)],  # its start only
        # the panel's Restart: the stop and the next start in one minute, so it is running
        ("mall", "restarted", "Heartbeat"): beats(last, B),
        ("mall", "restarted", "Stopped"): [(stop, 1.0), (stop + 20, 0.0)],
    }
    crashed, restarted, stopped = status(raw, NOW + B + 10)  # two buckets missed
    assert stopped.problem_text() == "stopped cleanly at 07:52"
    assert [(p.kind, p.since) for p in stopped.problems] == [("stopped", NOW - 8 * 60)]
    assert crashed.problem_text() == (
        "no heartbeat since 07:55 (crashed, or lost power or network)")
    # started again: not "stopped"; silent since, as any kiosk whose buckets stop coming
    assert [p.kind for p in restarted.problems] == ["no_heartbeat"]


def test_a_stop_older_than_the_recent_window_still_reads_stopped() -> None:
    last = NOW - 5 * 3600  # stopped at 03:02, five hours ago: the 5-minute points
    raw = {("mall", "k1", "Heartbeat"): beats(last, B),
           ("mall", "k1", "Stopped"): [(last - 3600, 0.0), (last + 120, 1.0)],
           ("mall", "k2", "Heartbeat"): beats(last, B)}
    k1, k2 = status(raw, NOW)
    assert [p.kind for p in k1.problems] == ["stopped"]
    assert k1.problem_text() == (  # to the 5-minute window; nothing came since
        "stopped cleanly at 03:00, nothing since (not restarted, or restarted without "
        "network)")
    assert [p.kind for p in k2.problems] == ["no_heartbeat"]


def test_a_start_after_the_stop_is_running_again() -> None:
    last = NOW - B
    raw = {("mall", "k1", "Heartbeat"): beats(last, B),
           # stopped at 07:00, started at 07:30: its buckets since are newer than the stop
           ("mall", "k1", "Stopped"): [(NOW - 3600, 1.0), (NOW - 1800, 0.0)]}
    (line,) = status(raw, NOW + 10)
    assert line.problems == ()


def test_camera_lost_says_why_and_a_crash_restart_is_named() -> None:
    starts = [NOW - (12 - i) * B for i in range(12)]  # the newest ended at NOW
    raw = {
        ("mall", "k1", "Heartbeat"): [(t, 1.0) for t in starts],
        ("mall", "k1", "CameraLive"): [(t, 0.0 if t >= NOW - 3 * B else 100.0)
                                       for t in starts],
        # the camera froze first, then its device went away: the newest reason is said
        ("mall", "k1", "CameraTrouble"): [(NOW - 3 * B, float(CameraTrouble.FROZEN)),
                                          (NOW - B, float(CameraTrouble.DEVICE_GONE))],
        ("mall", "k1", "Restarts"): [(NOW - 6 * B, 1.0), (NOW - 5 * B, 0.0)],
    }
    (line,) = status(raw, NOW + 10)
    assert line.problem_text() == (
        "camera lost since 07:45: the camera device disappeared (unplugged?); "
        "restarted after a crash or power loss (bucket of 07:30)")
    lost = line.to_dict()["problems"][0]
    assert (lost["reason_code"], lost["reason"]) == (
        1, "the camera device disappeared (unplugged?)")


def test_through_moto_the_kiosks_own_datums() -> None:
    """The datums as the kiosks send them, in moto's CloudWatch, 1-minute buckets: one
    kiosk stopped cleanly 3 minutes ago, one went silent as long ago."""
    from moto import mock_aws

    now = time.time() // 60 * 60 + 20  # 20 s into a minute
    newest = now - 20 - 4 * 60  # both sent their last bucket 3 min 20 s ago
    with mock_aws():
        client = boto3.client("cloudwatch", region_name="us-east-1")
        for kid in ("k1", "k2"):
            data = [to_api(d) for i in range(20)
                    for d in bucket_datums(BucketStats(newest - 60 * i, 60.0), "mall", kid)]
            data.append(to_api(run_datum("mall", kid, newest - 20 * 60, stopped=False)))
            if kid == "k1":
                data.append(to_api(run_datum("mall", kid, newest + 30, stopped=True)))
            client.put_metric_data(Namespace="Kiosk/Fleet", MetricData=data)
        stopped, silent = fleet_status(client, "Kiosk/Fleet", now=now, zone=UTC)
    assert [p.kind for p in stopped.problems] == ["stopped"]
    assert stopped.problems[0].since == newest
    assert [p.kind for p in silent.problems] == ["no_heartbeat"]


def test_a_run_started_after_a_silence_is_not_silent_before_its_first_bucket() -> None:
    """Stopped at 07:42, started at 07:58: its first bucket is sent when it closes, so
    for two buckets after the start it is not "no heartbeat since 07:45 (crashed, …)"
    (its start says it is up); after that it is."""
    last = NOW - 4 * B  # the newest bucket 07:40-07:45
    raw = {("mall", "k1", "Heartbeat"): beats(last, B),
           ("mall", "k1", "Stopped"): [(last + 120, 1.0), (NOW - 120, 0.0)]}
    (line,) = status(raw, NOW + 10)
    assert line.problems == ()
    (line,) = status(raw, NOW + 2 * B)
    assert line.problem_text() == "no heartbeat since 07:45 (crashed, or lost power or network)"


def test_a_stop_with_nothing_since_says_so_and_its_camera_is_history() -> None:
    """Tester round 23: M4, a kiosk that restarted without network read "stopped cleanly
    at 00:36" all day; L4, a stopped kiosk's "camera lost since …" read as current; L3,
    just stopped, it read "heartbeat 0 s ago" (its partial bucket's end lies ahead)."""
    last = NOW - B  # the newest bucket 07:55-08:00; stopped in it at 07:56
    stop = last + 60
    raw = {("mall", "k1", "Heartbeat"): beats(last, B),
           ("mall", "k1", "CameraLive"): [(last - B, 0.0), (last, 0.0)],
           ("mall", "k1", "CameraTrouble"): [(last, float(CameraTrouble.VIDEO_GONE))],
           ("mall", "k1", "Stopped"): [(NOW - 2 * 3600, 0.0), (stop, 1.0)]}
    (line,) = status(raw, stop + 90)  # 90 s after the stop, the bucket's end 2.5 min ahead
    assert line.heartbeat_age_s == 90.0
    assert line.problem_text() == (
        "stopped cleanly at 07:56; when it stopped: camera lost since 07:50: the video file "
        "is gone (moved or deleted?)")
    assert line.to_dict()["problems"][1]["at_stop"] is True
    (line,) = status(raw, stop + 3 * B)  # three buckets of nothing
    assert line.problem_text().startswith(
        "stopped cleanly at 07:56, nothing since (not restarted, or restarted without "
        "network); when it stopped: camera lost")
    assert line.to_dict()["problems"][0]["nothing_since"] is True
