"""One image-decoding policy for every entry point (no Qt here).

Camera frames (device, video, image folder), `kiosk-admin classify`, catalog
import and rescan, S3 sync, generated images, review thumbnails and the grid all
decode through `load_image` / `load_rgb` / `load_bgr` (files and bytes) or
`conform_frame` (frames OpenCV already decoded), so limits, truncation checks,
EXIF orientation and transparency handling are the same everywhere.
"""

from kiosk.imaging.decode import (
    ImageInfo,
    load_bgr,
    load_image,
    load_rgb,
    probe,
    read_bytes,
    to_rgb,
)
from kiosk.imaging.errors import KINDS, ImageError
from kiosk.imaging.files import IMAGE_SUFFIXES, expand_image_args, image_files, is_image_name
from kiosk.imaging.frames import FRAME_MAX_SIDE, ROTATIONS, conform_frame, rotate_frame
from kiosk.imaging.policy import DEFAULT_POLICY, MAX_ASPECT, MAX_PIXELS, ImagePolicy

__all__ = [
    "DEFAULT_POLICY",
    "FRAME_MAX_SIDE",
    "IMAGE_SUFFIXES",
    "KINDS",
    "MAX_ASPECT",
    "MAX_PIXELS",
    "ROTATIONS",
    "ImageError",
    "ImageInfo",
    "ImagePolicy",
    "conform_frame",
    "expand_image_args",
    "image_files",
    "is_image_name",
    "load_bgr",
    "load_image",
    "load_rgb",
    "probe",
    "read_bytes",
    "rotate_frame",
    "to_rgb",
]
