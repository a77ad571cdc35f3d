"""`kiosk-admin identity purge | export | forget`: the operator's side of returning-visitor
identity (retention, access and erasure requests).

* `identity purge [--older-than DAYS]` deletes faces enrolled more than DAYS ago
  (default: `[identity] retention_days`) from the Rekognition collection (DeleteFaces)
  and from the local register, and retries deletions still pending;
* `identity export [FILE]` writes what is held (user ids, face ids, dates; never an
  image, nothing else exists) as JSON to FILE or standard output;
* `identity forget USER_ID` deletes one visitor's faces and register rows at once.

Exit codes: 0 done, 1 something is still pending or failed (the message says what),
2 a settings problem. Handlers read `args.settings` (set by `kiosk.admin.cli`).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from kiosk.aws import make_client
from kiosk.config import Settings
from kiosk.identity.errors import IdentityError
from kiosk.identity.register import IdentityRegister, register_path
from kiosk.identity.service import IdentityService


def register(subparsers: Any) -> None:
    """Add the `identity` command group to the admin cli's subparsers."""
    identity = subparsers.add_parser(
        "identity", help="remembered visitors: purge, export, forget",
        description="Operate the opt-in returning-visitor identity (face collection and "
                    "local register).",
    )
    sub = identity.add_subparsers(dest="identity_command", metavar="COMMAND", required=True)

    purge = sub.add_parser("purge", help="delete faces enrolled more than DAYS ago")
    purge.add_argument("--older-than", type=_days, metavar="DAYS", default=None,
                       help="age in days (default: [identity] retention_days; 0: all)")
    purge.set_defaults(func=cmd_purge)

    export = sub.add_parser("export", help="list what is held, as JSON")
    export.add_argument("file", nargs="?", default="-",
                        help="output file (default or '-': standard output)")
    export.set_defaults(func=cmd_export)

    forget = sub.add_parser("forget", help="delete one visitor's face and data now")
    forget.add_argument("user_id", metavar="USER_ID", help="the user id (see `export`)")
    forget.set_defaults(func=cmd_forget)


def _days(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of days") from None
    if value < 0:
        raise argparse.ArgumentTypeError("days must be zero or more")
    return value


def _settings(args: argparse.Namespace) -> Settings:
    settings = getattr(args, "settings", None)
    return settings if isinstance(settings, Settings) else Settings()


def rekognition_client(settings: Settings) -> Any:
    """The Rekognition client for deletions (a seam for tests)."""
    return make_client("rekognition", settings.aws)


def _service(settings: Settings) -> IdentityService:
    service = IdentityService.from_settings(
        settings, None, client_factory=lambda: rekognition_client(settings)
    )
    service.add_forget_hook(lambda user_ids: forget_local_data(settings, list(user_ids)))
    return service


def forget_local_data(settings: Settings, user_ids: list[str]) -> int:
    """What the running kiosk's forget hook does, from the command line: the users'
    like history in the recommender and their records still queued for upload."""
    from kiosk.events.queue import EventQueue
    from kiosk.recommend.embedded import EmbeddedRecommender
    from kiosk.recommend.service import RECOMMENDER_DB

    removed = 0
    if settings.events_db.exists():
        with EventQueue.from_settings(settings) as queue:
            removed += queue.forget_users(user_ids)
    recommender_db = settings.data_dir / RECOMMENDER_DB
    if recommender_db.exists():
        recommender = EmbeddedRecommender(recommender_db)
        try:
            removed += recommender.forget_users(user_ids)
        finally:
            recommender.close()
    return removed


def _print_json(data: Any, out: Any = None) -> None:
    print(json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False), file=out or sys.stdout)


def cmd_purge(args: argparse.Namespace) -> int:
    settings = _settings(args)
    days = settings.identity.retention_days if args.older_than is None else args.older_than
    if not register_path(settings).exists():
        print("nothing to purge: no identity register in "
              f"{settings.data_dir}", file=sys.stderr)
        return 0
    try:
        service = _service(settings)
        try:
            report = service.purge(days)
        finally:
            service.close()
    except IdentityError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2 if "collection_id" in str(exc) else 1
    _print_json(report.as_json())
    if report.pending:
        print(f"{len(report.pending)} face(s) could not be deleted yet ({report.error}); "
              "they stay listed as pending and are retried by the next purge",
              file=sys.stderr)
        return 1
    print(f"{len(report.purged)} enrolment(s) older than {days:g} days purged; "
          f"{len(report.deleted)} face(s) deleted from the collection", file=sys.stderr)
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    settings = _settings(args)
    data: dict[str, Any] = {
        "identity_enabled": settings.identity.enabled,
        "collection_id": settings.identity.collection_id,
        "retention_days": settings.identity.retention_days,
        "held": "user ids, Rekognition face ids and dates only; no image is stored "
                "(the face vectors are in the Rekognition collection)",
    }
    try:
        if register_path(settings).exists():
            data.update(IdentityRegister.from_settings(settings).export())
        else:
            data.update({"register": str(register_path(settings)), "enrolments": [],
                         "pending_deletions": []})
    except IdentityError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    ahead = sum(1 for e in data["enrolments"] if e.get("dated_in_future"))
    if ahead:
        print(f"note: {ahead} enrolment(s) dated in the future (made while the clock ran "
              "ahead): the next purge removes them; check the system clock (NTP)",
              file=sys.stderr)
    if args.file == "-":
        _print_json(data)
        return 0
    path = Path(args.file)
    try:
        with path.open("w", encoding="utf-8") as out:
            _print_json(data, out)
        path.chmod(0o600)
    except OSError as exc:
        print(f"error: cannot write {path}: {exc.strerror}", file=sys.stderr)
        return 1
    print(f"{len(data['enrolments'])} enrolment(s) and {len(data['pending_deletions'])} "
          f"pending deletion(s) written to {path}", file=sys.stderr)
    return 0


def cmd_forget(args: argparse.Namespace) -> int:
    settings = _settings(args)
    try:
        service = _service(settings)
        try:
            result = service.forget(args.user_id)
        finally:
            service.close()
    except IdentityError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2 if "collection_id" in str(exc) else 1
    _print_json({
        "user_id": result.user_id,
        "deleted_face_ids": list(result.deleted),
        "pending_face_ids": list(result.pending),
        "error": result.error,
    })
    if result.error and not result.pending:
        print(f"error: {result.error}", file=sys.stderr)
        return 1
    if not result.face_ids:
        print(f"nothing held for {args.user_id}", file=sys.stderr)
        return 0
    if result.pending:
        print(f"local data deleted; {len(result.pending)} face(s) still to delete from the "
              f"collection ({result.error}); retried by the next purge", file=sys.stderr)
        return 1
    print(f"{args.user_id}: {len(result.deleted)} face(s) deleted", file=sys.stderr)
    return 0
