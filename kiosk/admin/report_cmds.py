"""`kiosk-admin report [--since 7d] [--out DIR] [--json]`: the audience and health numbers
of a period, from the analytics database of the kiosk's data folder.
`kiosk-admin analytics downgrade [--to 2]`: that database rewritten for an older kiosk
(`kiosk.analytics.downgrade`), with the kiosk stopped.

`--json` prints `{"totals": {...}, "buckets": [...], ...}` (see
`kiosk.analytics.report`); `--out DIR` writes CSV tables and a self-contained
`report.html` with charts. Without either, a short summary is printed. Days and hours
are the store's (`[analytics] timezone`), whoever runs it.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from kiosk.admin.events_cmds import add_downgrade, no_file_to_roll_back, report_downgrade
from kiosk.config import Settings
from kiosk.storage.sqlite import is_empty


def register(subparsers: Any) -> None:
    """Add the `report` command to the admin cli's subparsers."""
    report = subparsers.add_parser(
        "report", help="audience and health numbers of a period (JSON, CSV, HTML charts)",
        description="Summarize the kiosk's local audience analytics.",
    )
    report.add_argument("--since", default="7d", metavar="WHEN",
                        help="start: a duration ago (7d, 24h, 90m, 2w) or a date "
                             "(2026-11-30, in [analytics] timezone); default 7d")
    report.add_argument("--out", metavar="DIR", type=Path,
                        help="write buckets.csv, by_emotion.csv, top_items.csv, totals.csv "
                             "and report.html into DIR")
    report.add_argument("--json", action="store_true", help="print the numbers as JSON")
    report.set_defaults(func=cmd_report)

    from kiosk.analytics.downgrade import OLDEST

    analytics = subparsers.add_parser(
        "analytics", help="the audience analytics database (rollback)",
        description="Operate the kiosk's local audience analytics database.")
    sub = analytics.add_subparsers(dest="analytics_command", metavar="COMMAND", required=True)
    add_downgrade(sub, "the analytics database", cmd_downgrade, OLDEST,
                  "keeping every bucket and mix and dropping only the mix still below "
                  "k visits, never reportable")


def settings_of(args: argparse.Namespace) -> Settings:
    """The settings the admin cli loaded (`--config`, `--data-dir`), else the defaults."""
    settings = getattr(args, "settings", None)
    return settings if isinstance(settings, Settings) else Settings()


def _fail(args: argparse.Namespace, message: str, code: int) -> int:
    """The error on stderr; with --json also `{"error": …}` on stdout (stdout stays JSON)."""
    print(f"kiosk-admin report: {message}", file=sys.stderr)
    if getattr(args, "json", False):
        print(json.dumps({"error": message}, ensure_ascii=False))
    return code


def cmd_report(args: argparse.Namespace) -> int:
    from kiosk.analytics import AnalyticsError, AnalyticsStore
    from kiosk.analytics.report import build_report, parse_since
    from kiosk.config.timezone import store_zone

    settings = settings_of(args)
    try:  # checked when the settings were loaded; a missing tz database shows here too
        zone = store_zone(settings.analytics.timezone)
    except ValueError as exc:
        return _fail(args, f"analytics.timezone: {exc}", 2)
    try:
        since = parse_since(args.since, zone=zone)
    except ValueError as exc:
        return _fail(args, str(exc), 2)
    path = settings.analytics_db
    if not path.is_file():
        return _fail(args, f"no analytics database at {path}; run the kiosk first, or point "
                     "--data-dir / --config at the data folder it used", 1)
    if is_empty(path):  # left as it is: opening it may write a header into it
        return _fail(args, f"the analytics database {path} is empty (0 bytes): nothing "
                     "recorded yet; the kiosk sets it up at its next start", 1)
    try:
        store = AnalyticsStore(path, k=settings.analytics.k_anonymity, read_only=True)
    except AnalyticsError as exc:
        return _fail(args, str(exc), 1)
    try:
        report = build_report(store, since, zone=zone)
    finally:
        store.close()
    if args.out is not None:
        from kiosk.analytics.export import write_csv, write_html

        try:
            files = [*write_csv(report, args.out), write_html(report, args.out)]
        except OSError as exc:
            return _fail(args, f"cannot write into {args.out}: {exc.strerror}", 1)
        if not args.json:
            for f in files:
                print(f"wrote {f}")
    if args.json:
        json.dump(report, sys.stdout, indent=2)
        print()
    elif args.out is None:
        print(summary_line(report))
    note = report["held_back"]["note"]
    if note and not args.json:  # the like rates and top items leave these out: why
        print(f"held back: {note}")
    return 0


def cmd_downgrade(args: argparse.Namespace) -> int:
    from kiosk.analytics.downgrade import downgrade

    settings = settings_of(args)
    missing = no_file_to_roll_back(
        "analytics downgrade", settings.analytics_db, "analytics database", settings.data_dir,
        "" if settings.analytics.enabled else "[analytics] enabled")
    if missing is not None:
        return missing
    return report_downgrade("analytics downgrade", lambda: downgrade(
        settings.analytics_db, args.to, k=settings.analytics.k_anonymity))


def summary_line(report: dict[str, Any]) -> str:
    """The one-line summary; a number with nothing to measure says why, never "None"."""
    t = report["totals"]
    dwell = ("dwell p50 -- (no finished visits)" if t["dwell_p50_s"] is None
             else f"dwell p50 {t['dwell_p50_s']:g} s")
    live = ("camera LIVE -- (no camera time recorded)" if t["camera_live_pct"] is None
            else f"camera LIVE {t['camera_live_pct']:g} %")
    return (f"{report['since']} to {report['until']} (hours in {report['timezone']}): "
            f"{_n(t['visits'], 'visit')} "
            f"({t['engaged']} engaged), {_n(t['pages'], 'page')}, {_n(t['likes'], 'like')}, "
            f"{dwell}, {live}, {_n(t['crashes'], 'crash', 'crashes')}")


def _n(count: int, one: str, many: str = "") -> str:
    return f"{count} {one if count == 1 else (many or one + 's')}"
