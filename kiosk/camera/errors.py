"""The camera package's exceptions: one base, messages an operator can act on."""

from __future__ import annotations

from kiosk.errors import KioskError


class CameraError(KioskError):
    """A camera problem an operator can fix (unplugged, wrong index, missing or
    unreadable file). The message names the camera or file and what to check."""


class SourceEnded(CameraError):
    """A finite source (a video file with `camera.loop` off) has no more frames.

    Capture reports it as LOST and does not reopen the source."""
