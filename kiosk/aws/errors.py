"""Exceptions of `kiosk.aws`."""

from __future__ import annotations

from kiosk.errors import KioskError


class AwsError(KioskError):
    """Base of every error raised by `kiosk.aws`."""


class Cancelled(AwsError):
    """A stop event was set while a call waited to retry (shutting down)."""
