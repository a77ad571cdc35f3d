"""`kiosk-admin fleet status [--json]`: one line per kiosk from CloudWatch, and
`kiosk-admin fleet queue`: this kiosk's queue of metrics waiting to be sent, and
`kiosk-admin fleet retry-dead [--error CODE]`: its dead letters queued again, and
`kiosk-admin fleet downgrade [--to N]`: that queue rewritten for an older kiosk.

Reads `[fleet] namespace` and `endpoint_url` and `[aws]` from the settings (`--config`).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from kiosk.admin.events_cmds import add_downgrade, no_file_to_roll_back, run_downgrade
from kiosk.config import Settings
from kiosk.storage.sqlite import is_empty

if TYPE_CHECKING:
    from kiosk.events.queue import EventQueue

R = TypeVar("R")


def register(subparsers: Any) -> None:
    """Add the `fleet` command group to the admin cli's subparsers."""
    fleet = subparsers.add_parser(
        "fleet", help="fleet health on Amazon CloudWatch",
        description="Read the fleet's latest metrics (GetMetricData).",
    )
    sub = fleet.add_subparsers(dest="fleet_command", metavar="COMMAND", required=True)
    status = sub.add_parser("status", help="one line per kiosk: what is wrong and since "
                            "when, heartbeat age, camera, queue, dead letters, crashes, "
                            "visits today")
    status.add_argument("--json", action="store_true", help="print the lines as JSON")
    status.add_argument("--disk-low-mb", type=float, default=None, metavar="MB",
                        help="free space under which a kiosk's disk is low (default 1024, "
                        "as the DiskLowMB of build/aws/fleet.yaml)")
    status.add_argument("--namespace", help="CloudWatch namespace (default: [fleet] namespace)")
    status.set_defaults(func=cmd_status)
    queue = sub.add_parser("queue", help="this kiosk's metrics queue as JSON")
    queue.set_defaults(func=cmd_queue)
    retry = sub.add_parser("retry-dead", help="queue this kiosk's dead-lettered metrics again")
    retry.add_argument("--error", metavar="CODE", help="only those refused with this code")
    retry.set_defaults(func=cmd_retry_dead)
    add_downgrade(sub, "this kiosk's metrics queue", cmd_downgrade)


def _settings(args: argparse.Namespace) -> Settings:
    settings = getattr(args, "settings", None)
    return settings if isinstance(settings, Settings) else Settings()


def cmd_status(args: argparse.Namespace, client: Any = None) -> int:
    from kiosk.aws import make_client
    from kiosk.config.timezone import store_zone, zone_label
    from kiosk.fleet.problems import CAMERA_LIVE_MIN_PCT, DISK_LOW_MB, SILENT_BUCKETS
    from kiosk.fleet.status import HEARTBEAT_MEANS, FleetError, fleet_status

    settings = _settings(args)
    namespace = args.namespace or settings.fleet.namespace
    bucket_min = settings.analytics.bucket_min
    disk_low_mb = getattr(args, "disk_low_mb", None)
    disk_low_mb = DISK_LOW_MB if disk_low_mb is None else disk_low_mb
    try:  # checked when the settings were loaded; a missing tz database shows here too
        zone = store_zone(settings.analytics.timezone)
    except ValueError as exc:
        print(f"kiosk-admin fleet status: analytics.timezone: {exc}", file=sys.stderr)
        if args.json:
            print(json.dumps({"error": str(exc)}, ensure_ascii=False))
        return 2
    try:
        if client is None:
            client = make_client("cloudwatch", settings.aws,
                                 endpoint_url=settings.fleet.endpoint_url)
        lines = fleet_status(client, namespace, zone=zone, bucket_s=bucket_min * 60.0,
                             disk_low_mb=disk_low_mb)
    except FleetError as exc:
        print(f"kiosk-admin fleet status: {exc}", file=sys.stderr)
        if args.json:  # stdout stays JSON
            print(json.dumps({"error": str(exc)}, ensure_ascii=False))
        return 1
    if args.json:
        json.dump({"namespace": namespace, "timezone": zone_label(zone),
                   "heartbeat_age_means": HEARTBEAT_MEANS, "bucket_min": bucket_min,
                   "disk_low_mb": disk_low_mb,
                   "kiosks": [line.to_dict() for line in lines]}, sys.stdout, indent=2)
        print()
    elif not lines:
        print(f"no kiosk has sent a heartbeat to {namespace!r} yet "
              "(is [fleet] enabled on the kiosks, with the same namespace?)")
    else:
        print(f"today: since midnight {zone_label(zone)} ([analytics] timezone); "
              f"heartbeat: {HEARTBEAT_MEANS}")
        print(f"[problems] in each kiosk's newest buckets: stopped cleanly (SIGTERM, Exit "
              f"or Restart), else no heartbeat for {SILENT_BUCKETS} buckets (a crash, a "
              f"power or network loss), camera lost (LIVE under "
              f"{CAMERA_LIVE_MIN_PCT:.0f}%, with the kiosk's reason), uploads failing, disk "
              f"low (under {disk_low_mb:.0f} MB free), a restart after a crash or power "
              f"loss in the last 3 hours; a kiosk's bucket is read from its points, else "
              f"[analytics] bucket_min = {bucket_min}")
        for line in lines:
            print(line.text())
    return 0


def _no_queue(settings: Settings) -> str | None:
    """Why there is no metrics queue to read, or None when its file is there. Read-only
    commands never create it (an empty file in a folder the kiosk does not use)."""
    path = settings.metrics_db
    if path.is_file():
        if is_empty(path):  # left as it is: opening it would write a header into it
            return (f"the metrics queue {path} is empty (0 bytes): nothing queued; the "
                    "kiosk sets it up at its next start with [fleet] enabled = true "
                    "(check --config / --data-dir)")
        return None
    if not settings.fleet.enabled:
        return (f"no metrics queue at {path}: [fleet] enabled = false in these settings, so "
                "this kiosk does not publish metrics (check --config / --data-dir)")
    return (f"no metrics queue at {path} yet; the kiosk creates it at its first start with "
            "[fleet] enabled = true (check --config / --data-dir)")


def _on_queue(command: str, settings: Settings, use: Callable[[EventQueue], R],
              *, upgrade: bool = True) -> R | None:
    """`use(queue)` on this kiosk's metrics queue; None after saying why it could not
    (`kiosk-admin fleet COMMAND: ...` on stderr: no file, or the queue's error).
    `upgrade=False`: read it as it is (read-only, never upgraded)."""
    from kiosk.events.errors import EventsError
    from kiosk.fleet.publisher import open_metrics_queue

    problem = _no_queue(settings)
    if problem:
        print(f"kiosk-admin fleet {command}: {problem}", file=sys.stderr)
        return None
    try:
        with open_metrics_queue(settings, upgrade=upgrade) as queue:
            return use(queue)
    except EventsError as exc:
        print(f"kiosk-admin fleet {command}: {exc}", file=sys.stderr)
        return None


def cmd_queue(args: argparse.Namespace) -> int:
    settings = _settings(args)
    status = _on_queue("queue", settings, lambda queue: queue.status(), upgrade=False)
    if status is None:
        return 1
    status["fleet_enabled"] = settings.fleet.enabled
    json.dump(status, sys.stdout, indent=2)
    print()
    return 0


def cmd_retry_dead(args: argparse.Namespace) -> int:
    moved = _on_queue("retry-dead", _settings(args),
                      lambda queue: queue.retry_dead(code=args.error))
    if moved is None:
        return 1
    print(f"{moved} dead-lettered metric batch(es) queued again; the kiosk sends them "
          "at its next try")
    return 0


def cmd_downgrade(args: argparse.Namespace) -> int:
    settings = _settings(args)
    missing = no_file_to_roll_back(
        "fleet downgrade", settings.metrics_db, "metrics queue", settings.data_dir,
        "" if settings.fleet.enabled else "[fleet] enabled")
    if missing is not None:
        return missing
    return run_downgrade("fleet downgrade", settings.metrics_db, "the metrics queue", args.to,
                         "the kiosk, or kiosk-admin fleet queue / retry-dead")
