"""Entry point for `kiosk`, `python -m kiosk` and the PyInstaller bundle."""

from __future__ import annotations

import sys

from kiosk.cli import build_parser, overrides_from_args
from kiosk.config import ConfigError, describe, load_settings
from kiosk.logs import quiet_opencv


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    quiet_opencv()  # before anything imports cv2: its warnings bypass the log format
    if argv[:1] == ["admin"]:
        # `kiosk admin …` = `kiosk-admin …`, so a bundle-only machine has the operator tools
        from kiosk.admin.cli import main as admin_main

        return admin_main(argv[1:])
    args = build_parser().parse_args(argv)
    try:
        settings = load_settings(args.config, overrides=overrides_from_args(args))
    except ConfigError as exc:
        print(f"kiosk: settings error: {exc}", file=sys.stderr)
        return 2
    if args.print_config:
        sys.stdout.write(describe(settings))
        return 0

    from kiosk.logs import setup_logging

    setup_logging(settings.log_dir, settings.app.log_level)
    if args.self_test:
        from kiosk.selftest import run_self_test

        return run_self_test(settings)

    from kiosk.app import run_app

    return run_app(settings, quit_after=args.quit_after)


if __name__ == "__main__":
    sys.exit(main())
