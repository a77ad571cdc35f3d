"""The recommend package's exceptions: one base, so callers can catch the package as a whole."""

from __future__ import annotations

from kiosk.errors import KioskError


class RecommendError(KioskError):
    """Base of every error raised by `kiosk.recommend`; the message says what an operator
    can do about it."""


class CatalogError(RecommendError):
    """The catalog folder, its manifest or one of its images cannot be used."""
