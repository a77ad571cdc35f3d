"""The admin PIN, stored as a salted PBKDF2-SHA256 hash (`ui.admin_pin_hash`), never
as the PIN itself; an empty hash means the factory PIN 0000."""

from __future__ import annotations

import hashlib
import hmac
import itertools
import re
import secrets

FACTORY_PIN = "0000"
_HASH = re.compile(r"pbkdf2_sha256\$(?P<iterations>[0-9]{1,9})\$(?P<salt>[^$\s]+)\$[0-9a-f]{64}")


def hash_pin(pin: str, salt: str | None = None) -> str:
    """`pbkdf2_sha256$<iterations>$<salt>$<hex>`; never store the PIN itself."""
    salt = salt or secrets.token_hex(8)
    iterations = 120_000
    digest = hashlib.pbkdf2_hmac("sha256", pin.encode(), salt.encode(), iterations).hex()
    return f"pbkdf2_sha256${iterations}${salt}${digest}"


def check_pin(pin: str, stored: str) -> bool:
    """True when `pin` matches the `stored` hash (compared in constant time); an empty
    hash accepts only the factory PIN."""
    stored = stored.strip()
    if not stored:
        return hmac.compare_digest(pin, FACTORY_PIN)
    try:
        algo, iterations, salt, digest = stored.split("$")
    except ValueError:
        return False
    if algo != "pbkdf2_sha256" or pin_hash_problem(stored):
        return False
    got = hashlib.pbkdf2_hmac("sha256", pin.encode(), salt.encode(), int(iterations)).hex()
    return hmac.compare_digest(got, digest)


def pin_hash_problem(stored: str) -> str | None:
    """Why `stored` cannot be an admin PIN hash made by `hash_pin`, or None (also for
    the empty factory setting). A PIN written as itself ("1234") would otherwise lock
    every PIN out of the admin panel. The message never repeats the value: it may be
    the PIN."""
    if not stored:
        return None
    match = _HASH.fullmatch(stored.strip())
    if match is None or int(match["iterations"]) < 1000:
        return ("not a PIN hash made by `kiosk-admin pin` (one looks like "
                "pbkdf2_sha256$120000$<salt>$<64 hex digits>; never write the PIN itself): "
                "run `kiosk-admin pin`, and paste the line it prints, or remove the line to "
                "go back to the factory PIN 0000")
    return None


def is_factory_pin(stored: str) -> bool:
    """True while the admin PIN is still the factory 0000 (unset, or set to 0000)."""
    return check_pin(FACTORY_PIN, stored)


def weak_pin_reason(pin: str) -> str:
    """Why a PIN of digits is easy to guess, "" when it is not: the factory PIN, one
    digit repeated (1111), or a run up or down (1234, 9876, 7890). `kiosk-admin pin`
    warns and still takes it: the choice is the store's."""
    if pin == FACTORY_PIN:
        return f"{FACTORY_PIN} is the factory PIN, the first one anybody tries"
    if len(set(pin)) == 1:
        return "it is one digit repeated"
    steps = {(int(b) - int(a)) % 10 for a, b in itertools.pairwise(pin)}
    if steps in ({1}, {9}):
        return "its digits run in order"
    return ""
