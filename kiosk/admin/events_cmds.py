"""`kiosk-admin events status | flush | export FILE | retry-dead | downgrade`: the
operator's view of the event queue.

Each command reads the settings from `args.settings` (the admin cli sets it from
`--config`) and is dispatched through `args.func(args) -> exit code`.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kiosk.config import Settings
from kiosk.errors import KioskError
from kiosk.events import health
from kiosk.events.downgrade import OLDEST, downgrade
from kiosk.events.queue import EventQueue
from kiosk.events.records import RecordKind
from kiosk.events.uploader import Uploader
from kiosk.storage import sqlite as store


def register(subparsers: Any) -> None:
    """Add the `events` command group to the admin cli's subparsers."""
    events = subparsers.add_parser(
        "events", help="the queue of likes waiting to reach Amazon Personalize",
        description="Inspect and operate the local event queue.",
    )
    sub = events.add_subparsers(dest="events_command", metavar="COMMAND", required=True)

    status = sub.add_parser(
        "status", help="print the queue's state and the kiosk's uploads as JSON",
        description="The queue's counts, and what the kiosk's uploader recorded last: "
        "uploader_state, online, last_error(_at), last_success_at, retry_in_s, "
        "uploader_recorded_at (null: no kiosk has uploaded from this queue); "
        "disk_full, read_only, locked and problem (checked now: null when a like "
        "can be saved). Exit status 1, with the reason on stderr, when it cannot.")
    status.add_argument("--json", action="store_true",
                        help="accepted for symmetry with other commands: the output is JSON")
    status.set_defaults(func=cmd_status)

    flush = sub.add_parser("flush", help="upload everything queued now")
    flush.add_argument("--timeout", type=float, default=60.0,
                       help="seconds to wait for the queue to drain (default 60)")
    flush.set_defaults(func=cmd_flush)

    export = sub.add_parser("export", help="write the dead letters as JSON lines")
    export.add_argument("file", help="output file ('-' for standard output)")
    export.add_argument("--pending", action="store_true",
                        help="also write the records still waiting to be sent")
    export.set_defaults(func=cmd_export)

    retry = sub.add_parser("retry-dead", help="queue the dead letters again")
    retry.add_argument("--error", metavar="CODE",
                       help="only those refused with this error code")
    retry.add_argument("--kind", choices=[k.value for k in RecordKind],
                       help="only records of this kind")
    retry.set_defaults(func=cmd_retry_dead)

    add_downgrade(sub, "the event queue", cmd_downgrade)


def add_downgrade(sub: Any, what: str, func: Any, oldest: int = OLDEST,
                  keeps: str = "keeping every pending and dead-lettered record") -> None:
    """The `downgrade [--to N]` command of `events`, `fleet` and `analytics`."""
    down = sub.add_parser(
        "downgrade", help=f"rewrite {what} for an older kiosk (a rollback)",
        description=f"Before installing an older kiosk, with this one stopped: rewrite {what} "
        f"to the older version, {keeps} (an older kiosk refuses a newer file).")
    down.add_argument("--to", type=int, default=oldest, metavar="VERSION",
                      help=f"the schema version the older kiosk knows (default {oldest}, "
                      "as its 'knows up to' message says)")
    down.set_defaults(func=func)


def run_downgrade(command: str, path: Any, what: str, to: int, users: str) -> int:
    """`kiosk-admin <command>`: downgrade the queue file at `path`, print what it did;
    `users`: who else may have it open (named when it is in use)."""
    return report_downgrade(command, lambda: downgrade(path, to, what, users))


def no_file_to_roll_back(command: str, path: Path, what: str, data_dir: Path,
                         off: str = "") -> int | None:
    """None when `path` is there (downgrade it); else the exit status after saying why
    not: a data folder that does not exist is a wrong --data-dir / --config (1); a
    folder without the file has nothing to roll back (0: an older kiosk starts a new
    one). `off`: the setting that is false in these settings, so the kiosk keeps no
    such file ("[fleet] enabled"); "" when it is on. The three downgrades say the same."""
    if path.is_file():
        return None
    if not data_dir.is_dir():
        print(f"kiosk-admin {command}: the data folder {data_dir} does not exist; check "
              "--data-dir / --config", file=sys.stderr)
        return 1
    why = (f"the kiosk keeps none: {off} = false in these settings" if off
           else "the kiosk creates it at its first start")
    print(f"no {what} at {path}: nothing to roll back ({why})")
    return 0


def report_downgrade(command: str, down: Callable[[], Any]) -> int:
    """`kiosk-admin <command>`: run `down` (a downgrade), print its summary, or its
    error on stderr (exit status 1)."""
    try:
        print(down().summary())
    except KioskError as exc:
        print(f"kiosk-admin {command}: {exc}", file=sys.stderr)
        return 1
    return 0


def _settings(args: argparse.Namespace) -> Settings:
    settings = getattr(args, "settings", None)
    return settings if isinstance(settings, Settings) else Settings()


class NoQueueError(KioskError):
    """The data folder has no event queue (a mistyped --data-dir, or a kiosk never run)."""


def _open(args: argparse.Namespace, *, upgrade: bool = True) -> EventQueue:
    """The queue, never moved aside from here (the kiosk may have it open): a damaged
    file is reported (CorruptQueueError) and replaced by the kiosk's next start.
    `upgrade=False` for a command that only reads: the file is opened read-only at its
    own version, so a queue rolled back for an older kiosk stays rolled back.

    Raises NoQueueError when the file does not exist, or is empty (0 bytes: it holds
    nothing, and is left so): an operator command never creates or sets up a queue in
    a folder the kiosk does not use."""
    settings = _settings(args)
    if not settings.events_db.is_file():
        raise NoQueueError(
            f"no event queue at {settings.events_db}; check --data-dir / --config "
            "(the kiosk creates the queue on its first start)")
    if store.is_empty(settings.events_db):
        raise NoQueueError(
            f"the event queue {settings.events_db} is empty (0 bytes): nothing queued; "
            "the kiosk sets it up at its next start (check --data-dir / --config)")
    return EventQueue.from_settings(settings, recover=False, upgrade=upgrade)


def _print_json(data: Any) -> None:
    print(json.dumps(data, indent=2, sort_keys=True))


def cmd_downgrade(args: argparse.Namespace) -> int:
    settings = _settings(args)
    missing = no_file_to_roll_back(
        "events downgrade", settings.events_db, "event queue", settings.data_dir)
    if missing is not None:
        return missing
    return run_downgrade("events downgrade", settings.events_db, "the event queue", args.to,
                         "the kiosk, or kiosk-admin events flush")


def cmd_status(args: argparse.Namespace) -> int:
    """The queue's state as JSON; exit 1, with each reason on stderr, when a like could
    not be saved now (a full disk, a folder that cannot be written, a lock another
    program holds: checked for real, as this command only reads the file), or when the
    file cannot be read at all (then nothing on stdout)."""
    settings = _settings(args)
    try:
        with _open(args, upgrade=False) as queue:
            status = queue.status()
            status.update(_uploads(queue.uploader_record(Uploader.name)))
    except KioskError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    now = health.check(settings.events_db)
    status["disk_full"] = status.get("disk_full") or now.disk_full or None
    status["read_only"] = status.get("read_only") or now.read_only or None
    status["locked"] = now.locked or None
    problems = [p for p in (status.get("problem"), *now.problems()) if p]
    status["problem"] = "; ".join(problems) or None
    status["upload_configured"] = {
        "events": bool(settings.personalize.tracking_id),
        "users": bool(settings.personalize.dataset_arn_users),
        "items": bool(settings.personalize.dataset_arn_items),
    }
    _print_json(status)
    for problem in now.problems():
        print(f"kiosk-admin events status: {problem}", file=sys.stderr)
    return 1 if now.problems() else 0


def _uploads(record: dict[str, Any] | None) -> dict[str, Any]:
    """The kiosk uploader's last recorded status as `events flush` prints it, so remote
    IT tells "waiting" (retry_in_s) from "failing" (last_error after last_success_at)."""
    rec = record or {}
    retry_at = rec.get("retry_at")
    now = time.time()
    return {
        "uploader_state": rec.get("state"),
        "online": rec.get("online"),
        "last_error": rec.get("last_error"),
        "last_error_at": rec.get("last_error_at"),
        "last_success_at": rec.get("last_success_at"),
        "retry_in_s": (round(retry_at - now, 1) if isinstance(retry_at, (int, float))
                       and retry_at > now else None),
        "slow_endpoint": rec.get("slow_endpoint"),
        "uploader_recorded_at": rec.get("recorded_at"),
        "uploading_now": rec.get("uploading_now"),
    }


def cmd_flush(args: argparse.Namespace) -> int:
    settings = _settings(args)
    try:
        with _open(args) as queue:
            uploader = Uploader.from_settings(queue, settings, record_status=False)
            if not uploader.enabled:
                print("error: nothing to upload to: set personalize.tracking_id (and "
                      "dataset_arn_users / dataset_arn_items for users and items)",
                      file=sys.stderr)
                return 1
            uploader.start()
            try:
                drained = uploader.flush(args.timeout)
            finally:
                uploader.stop(timeout=uploader.read_timeout_s + 1.0)
            status = uploader.status().to_dict()
    except KioskError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    status["drained"] = drained
    _print_json(status)
    if not drained:
        print(f"not everything was sent: {status['last_error'] or 'timed out'}",
              file=sys.stderr)
    return 0 if drained else 1


def cmd_export(args: argparse.Namespace) -> int:
    try:
        with _open(args, upgrade=False) as queue:
            written = queue.export(sys.stdout if args.file == "-" else args.file,
                                   pending=args.pending)
    except (KioskError, OSError) as exc:
        print(f"error: cannot export: {exc}", file=sys.stderr)
        return 1
    if args.file != "-":
        print(f"{written} record(s) written to {args.file}", file=sys.stderr)
    return 0


def cmd_retry_dead(args: argparse.Namespace) -> int:
    try:
        with _open(args) as queue:
            moved = queue.retry_dead(code=args.error, kind=args.kind)
    except KioskError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"{moved} dead letter(s) queued again; they are sent by the running kiosk "
          "or by `kiosk-admin events flush`", file=sys.stderr)
    return 0
