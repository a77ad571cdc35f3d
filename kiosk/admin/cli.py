"""`kiosk-admin`: the operator's command line.

Each command group lives in its own module with `register(subparsers)`; the
handlers receive the parsed args with `args.settings` already loaded.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from kiosk import __version__
from kiosk.config import ConfigError, load_settings

COMMAND_MODULES = (
    "kiosk.admin.pin_cmds",
    "kiosk.admin.vision_cmds",
    "kiosk.admin.events_cmds",
    "kiosk.admin.catalog_cmds",
    "kiosk.admin.generate_cmds",
    "kiosk.admin.identity_cmds",
    "kiosk.admin.report_cmds",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kiosk-admin", description="Operate a kiosk.")
    parser.add_argument("--config", metavar="FILE", help="settings file (TOML)")
    parser.add_argument("--version", action="version", version=f"kiosk-admin {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        args.settings = load_settings(args.config)
    except ConfigError as exc:
        print(f"kiosk-admin: settings error: {exc}", file=sys.stderr)
        return 2
    handler = getattr(args, "handler", None) or getattr(args, "func", None)
    if handler is None:
        parser.print_help()
        return 2
    result = handler(args)
    return int(result or 0)


if __name__ == "__main__":
    sys.exit(main())
