"""`kiosk-admin fleet status [--json]`: one line per kiosk from CloudWatch, and
`kiosk-admin fleet queue`: this kiosk's queue of metrics waiting to be sent, and
`kiosk-admin fleet retry-dead [--error CODE]`: its dead letters queued again.

Reads `[fleet] namespace` and `endpoint_url` and `[aws]` from the settings (`--config`).
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from kiosk.config import Settings


def register(subparsers: Any) -> None:
    """Add the `fleet` command group to the admin cli's subparsers."""
    fleet = subparsers.add_parser(
        "fleet", help="fleet health on Amazon CloudWatch",
        description="Read the fleet's latest metrics (GetMetricData).",
    )
    sub = fleet.add_subparsers(dest="fleet_command", metavar="COMMAND", required=True)
    status = sub.add_parser("status", help="one line per kiosk: heartbeat age, camera, "
                            "queue, dead letters, crashes, visits today")
    status.add_argument("--json", action="store_true", help="print the lines as JSON")
    status.add_argument("--namespace", help="CloudWatch namespace (default: [fleet] namespace)")
    status.set_defaults(func=cmd_status)
    queue = sub.add_parser("queue", help="this kiosk's metrics queue as JSON")
    queue.set_defaults(func=cmd_queue)
    retry = sub.add_parser("retry-dead", help="queue this kiosk's dead-lettered metrics again")
    retry.add_argument("--error", metavar="CODE", help="only those refused with this code")
    retry.set_defaults(func=cmd_retry_dead)


def _settings(args: argparse.Namespace) -> Settings:
    settings = getattr(args, "settings", None)
    return settings if isinstance(settings, Settings) else Settings()


def cmd_status(args: argparse.Namespace, client: Any = None) -> int:
    from kiosk.aws import make_client
    from kiosk.fleet.status import FleetError, fleet_status

    settings = _settings(args)
    namespace = args.namespace or settings.fleet.namespace
    try:
        if client is None:
            client = make_client("cloudwatch", settings.aws,
                                 endpoint_url=settings.fleet.endpoint_url)
        lines = fleet_status(client, namespace)
    except FleetError as exc:
        print(f"kiosk-admin fleet status: {exc}", file=sys.stderr)
        if args.json:  # stdout stays JSON
            print(json.dumps({"error": str(exc)}, ensure_ascii=False))
        return 1
    if args.json:
        json.dump({"namespace": namespace, "kiosks": [line.to_dict() for line in lines]},
                  sys.stdout, indent=2)
        print()
    elif not lines:
        print(f"no kiosk has sent a heartbeat to {namespace!r} yet "
              "(is [fleet] enabled on the kiosks, with the same namespace?)")
    else:
        for line in lines:
            print(line.text())
    return 0


def cmd_queue(args: argparse.Namespace) -> int:
    from kiosk.events.errors import EventsError
    from kiosk.events.queue import EventQueue

    settings = _settings(args)
    try:
        with EventQueue(settings.metrics_db) as queue:
            json.dump(queue.status(), sys.stdout, indent=2)
    except EventsError as exc:
        print(f"kiosk-admin fleet queue: {exc}", file=sys.stderr)
        return 1
    print()
    return 0


def cmd_retry_dead(args: argparse.Namespace) -> int:
    from kiosk.events.errors import EventsError
    from kiosk.events.queue import EventQueue

    settings = _settings(args)
    try:
        with EventQueue(settings.metrics_db) as queue:
            moved = queue.retry_dead(code=args.error)
    except EventsError as exc:
        print(f"kiosk-admin fleet retry-dead: {exc}", file=sys.stderr)
        return 1
    print(f"{moved} dead-lettered metric batch(es) queued again; the kiosk sends them "
          "at its next try")
    return 0
