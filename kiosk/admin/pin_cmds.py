"""`kiosk-admin pin`: make the salted hash for `[ui] admin_pin_hash`, and say which
settings file it belongs in (the one the kiosk reads: --config, else $KIOSK_CONFIG,
else the platform config folder)."""

from __future__ import annotations

import argparse
import getpass
import sys
import unicodedata
from pathlib import Path

from kiosk.config import Settings, hash_pin, settings_path
from kiosk.config.pin import weak_pin_reason


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("pin", help="hash an admin PIN for the settings file")
    p.add_argument("--stdin", action="store_true",
                   help="read the PIN from standard input (the default when it is not a terminal)")
    p.set_defaults(handler=_pin, needs_settings=False)


def _pin(args: argparse.Namespace) -> int:
    # A PIN piped in (`echo 4321 | kiosk-admin pin`) is read as with --stdin: asking
    # twice on a pipe read the PIN, then found no repeat and said none was typed.
    if args.stdin or not sys.stdin.isatty():
        pin = sys.stdin.readline().strip()
        if not pin:
            print("kiosk-admin: no PIN on standard input (`echo 1234 | kiosk-admin pin`)",
                  file=sys.stderr)
            return 1
    else:
        try:
            pin = getpass.getpass("New admin PIN (4–12 digits): ")
            repeat = getpass.getpass("Repeat: ")
        except (EOFError, KeyboardInterrupt):
            print("\nkiosk-admin: no PIN was typed; to pipe one in, use "
                  "`kiosk-admin pin --stdin`", file=sys.stderr)
            return 1
        if repeat != pin:
            print("kiosk-admin: the PINs differ", file=sys.stderr)
            return 1
    # Full-width digits (a Korean or Japanese input method: "１２３４") are the PIN pad's
    # 1234 (NFKC; "²" too); other digits str.isdigit takes ("٣") the pad cannot type:
    # a hash of them would lock the operator out of the panel.
    pin = unicodedata.normalize("NFKC", pin)
    if not (pin.isascii() and pin.isdigit()) or not 4 <= len(pin) <= 12:
        print("kiosk-admin: a PIN is 4 to 12 digits (0-9, as on the PIN pad)",
              file=sys.stderr)
        return 1
    weak = weak_pin_reason(pin)
    if weak:  # still made: the kiosk's PIN pad locks after five wrong PINs
        print(f"kiosk-admin: warning: this PIN is easy to guess ({weak}); run "
              "`kiosk-admin pin` again to choose another", file=sys.stderr)
    config = _config_file(args)
    print(f"Put this line in the [ui] section of {config}:")
    print(f'admin_pin_hash = "{hash_pin(pin)}"')
    if not config.is_file():
        print(f"({config} does not exist yet: create it with a [ui] line above this one, "
              "or put the line in the file you pass to kiosk with --config)")
    return 0


def _config_file(args: argparse.Namespace) -> Path:
    """The settings file the kiosk reads with the same --config / $KIOSK_CONFIG."""
    settings = getattr(args, "settings", None)
    if isinstance(settings, Settings) and settings.source_file:
        return Path(settings.source_file).expanduser().resolve()
    return settings_path(getattr(args, "config", None)).expanduser().resolve()
