"""Run one `kiosk-admin` command group in-process, as its parser would: the tests of
the rollback tools (events, analytics, fleet) share it."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from kiosk.config import load_settings


def run_admin(module: Any, argv: list[str], data_dir: Path | None = None, /,
              **overrides: str) -> int:
    """`module.register`'s commands parsed from `argv`, with settings from `overrides`
    (and `app.data_dir` = `data_dir` when given); the command's exit code."""
    parser = argparse.ArgumentParser(prog="kiosk-admin")
    module.register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    if data_dir is not None:
        overrides = {"app.data_dir": str(data_dir), **overrides}
    args.settings = load_settings(overrides=overrides)
    result: int = args.func(args)
    return result
