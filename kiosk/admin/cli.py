"""`kiosk-admin`: the operator's command line.

Each command group lives in its own module with `register(subparsers)`; the
handlers receive the parsed args with `args.settings` already loaded. To add a
group, write its module and name it in `COMMAND_MODULES`.

Global options, accepted before or after the command (`kiosk-admin --data-dir D
events status` = `kiosk-admin events status --data-dir D`):
    --config FILE   the settings file (else $KIOSK_CONFIG, else the platform file)
    --data-dir DIR  the data folder, over the file and the environment (= app.data_dir)
    --catalog DIR   the catalog folder, over the file and the environment
                    (= recommend.catalog_dir), as `kiosk --catalog DIR`
Exit codes: 0 done, 1 something did not work, 2 bad arguments or settings, 141 the
reader of the output went away (`kiosk-admin … | head`: quietly, no traceback).
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Iterator
from typing import Any

from kiosk import __version__
from kiosk.config import ConfigError, load_settings
from kiosk.logs import quiet_opencv
from kiosk.pipes import quiet_when_reader_leaves

COMMAND_MODULES = (
    "kiosk.admin.pin_cmds",
    "kiosk.admin.vision_cmds",
    "kiosk.admin.events_cmds",
    "kiosk.admin.catalog_cmds",
    "kiosk.admin.generate_cmds",
    "kiosk.admin.identity_cmds",
    "kiosk.admin.report_cmds",
    "kiosk.admin.fleet_cmds",
)


def _add_global_options(parser: argparse.ArgumentParser, default: Any) -> None:
    """--config, --data-dir and --catalog; `default` is None on the main parser and SUPPRESS on a
    command's, so a value given after the command wins and none given keeps the first."""
    taken = set(parser._option_string_actions)
    if "--config" not in taken:
        parser.add_argument("--config", metavar="FILE", default=default,
                            help="settings file (TOML); else $KIOSK_CONFIG, else the "
                            "platform config folder")
    if "--data-dir" not in taken:
        parser.add_argument("--data-dir", dest="data_dir", metavar="DIR", default=default,
                            help="data folder (databases, pending pool); over the settings")
    if "--catalog" not in taken:  # `catalog list` has its own (kiosk.admin.catalog_cmds)
        parser.add_argument("--catalog", dest="catalog_dir", metavar="DIR", default=default,
                            help="catalog folder (<catalog>/<emotion>/<file>), as kiosk "
                            "--catalog; over the settings (recommend.catalog_dir)")


def _command_parsers(parser: argparse.ArgumentParser) -> Iterator[argparse.ArgumentParser]:
    """Every parser below `parser`: command groups and their commands."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for child in dict.fromkeys(action.choices.values()):
                yield child
                yield from _command_parsers(child)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kiosk-admin", description="Operate a kiosk.")
    _add_global_options(parser, None)
    parser.add_argument("--version", action="version", version=f"kiosk-admin {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    for child in _command_parsers(parser):
        _add_global_options(child, argparse.SUPPRESS)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run one command; its exit code (module docstring)."""
    return quiet_when_reader_leaves(lambda: _main(argv))


def _main(argv: list[str] | None) -> int:
    quiet_opencv()  # before a command imports cv2: its warnings bypass the log format
    parser = build_parser()
    args = parser.parse_args(argv)
    overrides: dict[str, Any] = {}
    if args.data_dir:
        overrides["app.data_dir"] = args.data_dir
    if args.catalog_dir:
        overrides["recommend.catalog_dir"] = args.catalog_dir
    try:
        # `pin` only makes a hash for the settings file: it must work while that file
        # is missing, or holds the very mistake a settings error sends you to `pin`
        # for (`admin_pin_hash = "1234"`).
        args.settings = (None if getattr(args, "needs_settings", True) is False
                         else load_settings(args.config, overrides=overrides or None))
    except ConfigError as exc:
        print(f"kiosk-admin: settings error: {exc.located()}", file=sys.stderr)
        return 2
    handler = getattr(args, "handler", None) or getattr(args, "func", None)
    if handler is None:
        parser.print_help()
        return 2
    result = handler(args)
    return int(result or 0)


if __name__ == "__main__":
    sys.exit(main())
