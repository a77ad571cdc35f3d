"""One image-decoding policy for every entry point (no Qt here).

Camera frames (device, video, image folder), `kiosk-admin classify`, catalog
import and rescan, S3 sync, generated images, review thumbnails and the grid all
decode through `load_image` / `load_rgb` / `load_bgr` (files and bytes) or
`conform_frame` (frames OpenCV already decoded), so limits, truncation checks,
EXIF orientation (damaged EXIF data: a line for the caller, never a raw warning)
and transparency handling are the same everywhere; `blank` tells an image that
shows nothing (fully transparent, one flat colour).
"""

from kiosk.imaging.decode import (
    EXIF_DAMAGED,
    NOT_READABLE,
    ImageInfo,
    blank,
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
    "EXIF_DAMAGED",
    "FRAME_MAX_SIDE",
    "IMAGE_SUFFIXES",
    "KINDS",
    "MAX_ASPECT",
    "MAX_PIXELS",
    "NOT_READABLE",
    "ROTATIONS",
    "ImageError",
    "ImageInfo",
    "ImagePolicy",
    "blank",
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
