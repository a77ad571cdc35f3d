"""Why the visitor's face is in view but not read: one line per visit (a WARNING when
the light is the cause).

A face that the quality gate (`kiosk.vision.quality`) or the confidence floor keeps
uncertain leaves the card at "Reading your mood… Hold still"; before 2026-12-02 nothing
said why (a dark camera's faces were "too blurred" for a whole visit, silently). When
the primary face stays in view unread for `UNREAD_LOG_S` (3 s), `UnreadLog` logs once
per visit what kept it unread, with the figures ("face in view 3.0 s but not read: too
blurred (sharpness 4.1 < 15); too dark: face mean 17/255 ..."). The face's light is
named when its mean gray level is under `DARK_FACE` or over `BRIGHT_FACE`: the shared
faces in a normal frame have a mean of 75-154 (p5-p95), darkened to 0.3 22-46; the
tester's over-exposed video (frame mean 249) is the bright case.
"""

from __future__ import annotations

import logging

from kiosk.config import VisionSettings
from kiosk.domain import EmotionReading
from kiosk.vision.quality import FaceQuality

log = logging.getLogger(__name__)

UNREAD_LOG_S = 3.0
DARK_FACE = 50.0
BRIGHT_FACE = 220.0


def light_note(brightness: float) -> str:
    """"" for a face in normal light (or not measured: 0), else what is wrong and what
    to do."""
    if 0 < brightness < DARK_FACE:
        return (f"too dark: face mean {brightness:.0f}/255 (light the visitor's face, or "
                "raise the camera's exposure or gain)")
    if brightness > BRIGHT_FACE:
        return (f"too bright: face mean {brightness:.0f}/255 (less light on the face or "
                "behind the camera, or lower the camera's exposure)")
    return ""


def describe(reason: str, quality: FaceQuality | None, raw: EmotionReading | None,
             settings: VisionSettings) -> str:
    """The figures behind an uncertain reading's `reason` ("too small", "too blurred",
    "uncertain", "low confidence"), and the face's light when it is off."""
    if reason == "too small" and quality is not None:
        why = f"too small ({quality.side_px:.0f} px < {settings.min_face_px} px)"
    elif reason == "too blurred" and quality is not None:
        why = f"too blurred (sharpness {quality.sharpness:.1f} < {settings.min_sharpness:g})"
    elif reason == "low confidence" and raw is not None:
        why = f"low confidence ({raw.confidence:.2f} < {settings.min_confidence:.2f})"
    else:
        why = reason
    note = light_note(quality.brightness) if quality is not None else ""
    return f"{why}; {note}" if note else why


class UnreadLog:
    """Tracks how long the primary face has been in view unread; logs once per visit
    (`reset` at a visit's end) when that reaches `after_s`."""

    def __init__(self, after_s: float = UNREAD_LOG_S) -> None:
        self.after_s = after_s
        self._since: float | None = None
        self._told = False

    def reset(self) -> None:
        """A new visit: the clock and the once-per-visit line start afresh."""
        self._since = None
        self._told = False

    def lost(self) -> None:
        """The primary face is out of view: its unread time starts again."""
        self._since = None

    def update(self, ts: float, why: str) -> str | None:
        """A classification of the primary face at `ts`: `why` is "" when it was read,
        else `describe`'s text. Returns the line when it logs one."""
        if not why:
            self._since = None
            return None
        if self._since is None:
            self._since = ts
        waited = ts - self._since
        if self._told or waited < self.after_s:
            return None
        self._told = True
        line = f"face in view {waited:.1f} s but not read: {why}"
        # the light is the operator's to fix: a WARNING (round 20: an INFO line was all)
        log.log(logging.WARNING if ("too dark" in why or "too bright" in why)
                else logging.INFO, line)
        return line
