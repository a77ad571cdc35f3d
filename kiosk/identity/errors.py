"""The identity package's exceptions: one base, messages a store operator can act on."""

from __future__ import annotations

from kiosk.errors import KioskError


class IdentityError(KioskError):
    """Base of every error raised by `kiosk.identity`."""


class IdentityConfigError(IdentityError):
    """The `[identity]` settings cannot work (no collection id, for instance)."""


class RegisterError(IdentityError):
    """The local identity register cannot be opened, read or written."""


class ConsentError(IdentityError):
    """A collection call was attempted for a visit without consent (a wiring bug)."""
