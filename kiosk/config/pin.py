"""The admin PIN, stored as a salted PBKDF2-SHA256 hash (`ui.admin_pin_hash`), never
as the PIN itself; an empty hash means the factory PIN 0000."""

from __future__ import annotations

import hashlib
import hmac
import secrets

FACTORY_PIN = "0000"


def hash_pin(pin: str, salt: str | None = None) -> str:
    """`pbkdf2_sha256$<iterations>$<salt>$<hex>`; never store the PIN itself."""
    salt = salt or secrets.token_hex(8)
    iterations = 120_000
    digest = hashlib.pbkdf2_hmac("sha256", pin.encode(), salt.encode(), iterations).hex()
    return f"pbkdf2_sha256${iterations}${salt}${digest}"


def check_pin(pin: str, stored: str) -> bool:
    """True when `pin` matches the `stored` hash (compared in constant time); an empty
    hash accepts only the factory PIN."""
    if not stored:
        return hmac.compare_digest(pin, FACTORY_PIN)
    try:
        algo, iterations, salt, digest = stored.split("$")
    except ValueError:
        return False
    if algo != "pbkdf2_sha256":
        return False
    got = hashlib.pbkdf2_hmac("sha256", pin.encode(), salt.encode(), int(iterations)).hex()
    return hmac.compare_digest(got, digest)


def is_factory_pin(stored: str) -> bool:
    """True while the admin PIN is still the factory 0000 (unset, or set to 0000)."""
    return check_pin(FACTORY_PIN, stored)
