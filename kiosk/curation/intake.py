"""Intake checks: which images the pending pool takes, and why it refuses the others.

An image is taken only when it is a complete JPEG, PNG or WebP that decodes under
the one image policy (`kiosk.imaging`: header limits before any pixel is decoded,
then a checked full decode), is at most `recommend.max_image_mb` megabytes, and has
each side between `min_side` and `max_side` pixels and at most `max_pixels` pixels
in all, and shows something (not fully transparent or one flat colour, judged on the
card's colour: `kiosk.imaging.blank`). A refusal is a `RejectedImage` whose `reason`
is a short code for scripts and whose message names the file, what is wrong and
what to do. Duplicates are the pool's check (they need the pool and the catalog).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from kiosk.curation.errors import RejectedImage
from kiosk.domain import Emotion
from kiosk.imaging import MAX_PIXELS, ImageError, ImagePolicy, blank, load_image, probe
from kiosk.recommend.catalog import EMPTY_IMAGE, MIN_SIDE  # a rescan names smaller live images
from kiosk.recommend.images import CARD_BACKGROUND

__all__ = ["FORMATS", "MAX_SIDE", "MIN_SIDE", "IntakeLimits", "parse_emotion", "rejected"]

FORMATS = {"JPEG": ".jpg", "PNG": ".png", "WEBP": ".webp"}  # format -> pool file suffix
MAX_SIDE = 12_000
MB = 1024 * 1024


@dataclass(frozen=True, slots=True)
class IntakeLimits:
    """The limits an image must meet; `max_bytes` in bytes, sides and pixels in pixels."""

    max_bytes: int
    min_side: int = MIN_SIDE
    max_side: int = MAX_SIDE
    max_pixels: int = MAX_PIXELS

    def read(self, path: Path) -> bytes:
        """The bytes of the file at `path`, refused before reading when it is too large;
        RejectedImage ("too_large", "unreadable") otherwise."""
        try:
            size = path.stat().st_size
            if size > self.max_bytes:
                raise RejectedImage("too_large", f"{path}: {self.too_big(size)}")
            return path.read_bytes()
        except FileNotFoundError:
            raise RejectedImage("unreadable", f"{path}: no such file") from None
        except IsADirectoryError:
            raise RejectedImage("unreadable", f"{path}: is a folder, not an image") from None
        except OSError as exc:
            raise RejectedImage("unreadable", f"{path}: cannot read ({exc.strerror})") from None

    def check(self, data: bytes, source: str,
              notes: list[str] | None = None) -> tuple[str, int, int]:
        """(format, width, height) of an image the pool accepts, the size as shown (EXIF
        orientation applied: a phone's portrait photo stored 800×600 is 600×800);
        RejectedImage naming `source` otherwise. Damaged EXIF data (the image is
        taken) is a line in `notes`."""
        if not data:
            raise RejectedImage("unreadable", f"{source}: empty file")
        if len(data) > self.max_bytes:
            raise RejectedImage("too_large", f"{source}: {self.too_big(len(data))}")
        policy = ImagePolicy(max_pixels=self.max_pixels, background=CARD_BACKGROUND)
        try:
            info = probe(data, name=source, policy=policy)
        except ImageError as exc:
            raise rejected(exc, source) from None
        fmt, width, height = info.format, info.width, info.height
        if fmt not in FORMATS:
            raise RejectedImage("unsupported", f"{source}: {fmt} images are not shown by the "
                                "kiosk; convert it to JPEG, PNG or WebP")
        if min(width, height) < self.min_side:
            raise RejectedImage("too_small", f"{source}: {width}×{height} pixels is too small "
                                f"(each side must be at least {self.min_side})")
        if max(width, height) > self.max_side:
            raise RejectedImage(
                "too_large", f"{source}: {width}×{height} pixels is too large (at most "
                f"{self.max_side} per side and {self.max_pixels:,} pixels); scale it down")
        try:
            with load_image(data, name=source, policy=policy, notes=notes) as image:
                width, height = image.size  # upright, as the catalog records it
                empty = blank(image)
        except ImageError as exc:
            raise rejected(exc, source) from None
        if empty:
            raise RejectedImage("empty_image", f"{source}: {EMPTY_IMAGE}")
        return fmt, width, height

    def too_big(self, size: int) -> str:
        return (f"{size / MB:.1f} MB is larger than the limit of "
                f"{self.max_bytes / MB:.1f} MB (recommend.max_image_mb)")


def parse_emotion(value: Emotion | str) -> Emotion:
    """`value` as an Emotion; RejectedImage ("unknown_emotion") naming the allowed ones."""
    if isinstance(value, Emotion):
        return value
    try:
        return Emotion.parse(value)
    except ValueError as exc:
        raise RejectedImage("unknown_emotion", str(exc)) from None


def rejected(exc: ImageError, source: str) -> RejectedImage:
    """The pool's reason code and message for an image the policy refused."""
    if exc.kind == "too_large":  # the policy's message already names its limits
        return RejectedImage("too_large", str(exc))
    if exc.kind == "aspect":
        return RejectedImage("bad_shape", str(exc))
    if exc.kind == "not_image":
        return RejectedImage("unreadable", str(exc))  # the same words as classify
    return RejectedImage("unreadable", f"{source}: unreadable image: {exc.detail}")
