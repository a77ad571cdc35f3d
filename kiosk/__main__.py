"""Entry point for `kiosk`, `python -m kiosk` and the PyInstaller bundle."""

from __future__ import annotations

import argparse
import logging
import sys
from typing import Any

from kiosk.cli import build_parser, overrides_from_args
from kiosk.config import (
    AppSettings,
    ConfigError,
    Settings,
    describe,
    load_settings,
    peek_setting,
    settings_path,
)
from kiosk.logs import quiet_opencv
from kiosk.pipes import quiet_when_reader_leaves
from kiosk.vision.trace_child import FLAG as TRACE_FLAG

DISPLAY_WAIT_S = 60.0  # a display that is set but not up yet is waited for this long


def main(argv: list[str] | None = None) -> int:
    """Run the kiosk or one of its flags' jobs; the exit code. Every path that prints
    (--self-test, --print-config, `kiosk admin …`) ends quietly with 141 when the reader
    of its output went away (`kiosk --self-test | head -2`); argparse's --help and
    --version drop a failed write themselves."""
    return quiet_when_reader_leaves(lambda: _main(sys.argv[1:] if argv is None else argv))


def _main(argv: list[str]) -> int:
    if argv[:1] == [TRACE_FLAG]:  # hidden: a first start's traces (kiosk.vision.trace_child)
        from kiosk.vision.trace_child import child_main

        return child_main()
    quiet_opencv()  # before anything imports cv2: its warnings bypass the log format
    if argv[:1] == ["admin"]:
        # `kiosk admin …` = `kiosk-admin …`, so a bundle-only machine has the operator tools
        from kiosk.admin.cli import main as admin_main

        return admin_main(argv[1:])
    args = build_parser().parse_args(argv)
    overrides = overrides_from_args(args)
    try:
        settings = load_settings(args.config, overrides=overrides)
    except ConfigError as exc:
        if args.print_config or args.self_test or peek_setting(
                "app.kiosk_mode", args.config, overrides=overrides) is not True:
            print(f"kiosk: settings error: {exc.located()}", file=sys.stderr)
            return 2
        fixed = _out_of_order(args, overrides, exc)
        if fixed is None:
            return 0
        if isinstance(fixed, int):
            return fixed
        settings = fixed
    if args.print_config:
        sys.stdout.write(describe(settings))
        return 0

    from kiosk.logs import setup_logging

    setup_logging(settings.log_dir, settings.app.log_level)
    if args.self_test:
        from kiosk.selftest import run_self_test

        return run_self_test(settings)

    # before the crash log judges the previous run and anything opens a database
    from kiosk import instance

    try:
        held = instance.take(settings.data_dir)
    except instance.AlreadyRunning as exc:
        logging.getLogger("kiosk").error("not starting: %s", exc)
        return instance.ALREADY_RUNNING_EXIT_CODE
    try:
        code = _no_display()
        if code is not None:
            return code
        from kiosk.app import run_app

        return run_app(settings, quit_after=args.quit_after)
    finally:
        held.release()


def _no_display() -> int | None:
    """None when there is a display for Qt (waited for when it is set but not up yet,
    `kiosk.display`); else the exit status after one ERROR line naming what is missing
    and what to do: 2 when a setting is missing (a restart cannot fix it; the systemd
    unit does not restart on 2), 1 when the server did not come within the wait."""
    from kiosk.display import wait_for_display

    problem = wait_for_display(DISPLAY_WAIT_S)
    if problem is None:
        return None
    if not problem.may_come:
        logging.getLogger("kiosk").error("no display to show the kiosk on: %s", problem.message)
        return 2
    logging.getLogger("kiosk").error(
        "no display to show the kiosk on: %s after %.0f s; check that the display server "
        "(the X server or the Wayland compositor) runs and that DISPLAY / WAYLAND_DISPLAY "
        "name it (`echo $DISPLAY` in the session); under systemd the unit tries again",
        problem.message, DISPLAY_WAIT_S)
    return 1


def _out_of_order(args: argparse.Namespace, overrides: dict[str, Any], error: ConfigError
                  ) -> Settings | int | None:
    """Exhibit mode with unusable settings: log the problem as one line and show the
    out-of-order page until the settings file is fixed (its settings are returned)
    or the kiosk is asked to stop (None); an exit status when there is no display to
    show the page on (`_no_display`). See README "Operating it"."""
    from kiosk.logs import setup_logging

    log_dir = peek_setting("app.log_dir", args.config, overrides=overrides) or ""
    setup_logging(Settings(app=AppSettings(log_dir=log_dir)).log_dir)
    log = logging.getLogger("kiosk")
    log.error("settings error: %s", error.located())
    code = _no_display()
    if code is not None:
        return code
    from kiosk.app import wait_for_settings

    language = peek_setting("app.language", args.config, overrides=overrides) or "en"
    return wait_for_settings(
        error, lambda: load_settings(args.config, overrides=overrides),
        watch=settings_path(args.config), language=language, quit_after=args.quit_after,
    )


if __name__ == "__main__":
    sys.exit(main())
