"""`kiosk-admin pin`: make the salted hash for `[ui] admin_pin_hash`."""

from __future__ import annotations

import argparse
import getpass
import sys

from kiosk.config import hash_pin


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("pin", help="hash an admin PIN for the settings file")
    p.add_argument("--stdin", action="store_true", help="read the PIN from standard input")
    p.set_defaults(handler=_pin)


def _pin(args: argparse.Namespace) -> int:
    if args.stdin:
        pin = sys.stdin.readline().strip()
    else:
        pin = getpass.getpass("New admin PIN (4–12 digits): ")
        if getpass.getpass("Repeat: ") != pin:
            print("kiosk-admin: the PINs differ", file=sys.stderr)
            return 1
    if not pin.isdigit() or not 4 <= len(pin) <= 12:
        print("kiosk-admin: a PIN is 4 to 12 digits", file=sys.stderr)
        return 1
    print("Put this line in the [ui] section of kiosk.toml:")
    print(f'admin_pin_hash = "{hash_pin(pin)}"')
    return 0
