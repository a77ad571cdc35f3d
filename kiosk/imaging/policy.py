"""The limits every image is held to before it is decoded at full size.

One policy for every entry point (camera frames, `kiosk-admin classify`, the
catalog, the review pool, S3 sync, generated images, thumbnails, the grid):
a header that announces too many pixels, or a sliver of an image, is refused
before any pixel is decoded or scaled, so a 48 KB PNG that claims 20000×20000
pixels costs nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.imaging.errors import ImageError

MAX_PIXELS = 64_000_000  # a 64 MP image decodes to 192 MB of RGB: the most we accept
MAX_ASPECT = 20.0  # long side / short side; wider panoramas than 20:1 are not photos
MAX_BYTES = 100 * 1024 * 1024  # a larger file is not read into memory at all
WHITE = (255, 255, 255)


@dataclass(frozen=True, slots=True)
class ImagePolicy:
    """Limits for one decode. `background` (RGB 0–255) is what transparent pixels
    are composited on, so a palette PNG never shows black and an RGBA PNG never
    shows the colour hidden under alpha 0."""

    max_pixels: int = MAX_PIXELS
    max_aspect: float = MAX_ASPECT
    max_bytes: int = MAX_BYTES
    background: tuple[int, int, int] = WHITE

    def __post_init__(self) -> None:
        if self.max_pixels < 1 or self.max_bytes < 1:
            raise ValueError("max_pixels and max_bytes must be positive")
        if not self.max_aspect >= 1.0:  # also refuses NaN
            raise ValueError(f"max_aspect must be at least 1, not {self.max_aspect}")

    def check_size(self, name: str, width: int, height: int) -> None:
        """Raise ImageError ("too_large" or "aspect") for a width×height (pixels)
        this policy refuses; cheap, meant for a header or a frame's shape."""
        if width < 1 or height < 1:
            raise ImageError(name, "corrupt", f"the image claims {width}×{height} pixels")
        if width * height > self.max_pixels:
            raise ImageError(
                name, "too_large",
                f"{width}×{height} pixels is more than the limit of {self.max_pixels:,}; "
                "scale it down (for example to 4000 pixels on the long side)",
            )
        ratio = max(width, height) / min(width, height)
        if ratio > self.max_aspect:
            raise ImageError(
                name, "aspect",
                f"{width}×{height} pixels is a sliver ({ratio:.0f}:1; the limit is "
                f"{self.max_aspect:.0f}:1); crop it to a normal photo shape",
            )

    def check_bytes(self, name: str, size: int) -> None:
        """Raise ImageError ("empty" or "too_large") for a file of `size` bytes."""
        if size == 0:
            raise ImageError(name, "empty", "the file is empty (0 bytes); copy it again")
        if size > self.max_bytes:
            raise ImageError(
                name, "too_large",
                f"{size / 1e6:.1f} MB is larger than the limit of {self.max_bytes / 1e6:.0f} MB",
            )


DEFAULT_POLICY = ImagePolicy()
