"""Camera frames (device and video) under the same policy as image files.

A frame that OpenCV hands over is already decoded, so the policy is applied to
its shape: a source announcing a 4000×1 or 20000×20000 picture is refused with
an ImageError before any scaling, and an acceptable frame larger than the
kiosk's working size is shrunk once, on the capture thread, so the preview and
the detector never scale a huge frame on their own threads.
"""

from __future__ import annotations

import cv2
import numpy as np

from kiosk.imaging.errors import ImageError
from kiosk.imaging.policy import DEFAULT_POLICY, ImagePolicy

FRAME_MAX_SIDE = 1920  # camera frames (and folder-camera images) are at most this wide or tall
ROTATIONS = (0, 90, 180, 270)  # `[camera] rotate`: degrees clockwise
_ROTATE_CODES = {90: cv2.ROTATE_90_CLOCKWISE, 180: cv2.ROTATE_180,
                 270: cv2.ROTATE_90_COUNTERCLOCKWISE}


def rotate_frame(image: np.ndarray, degrees: int) -> np.ndarray:
    """`image` turned `degrees` clockwise (0, 90, 180 or 270; `[camera] rotate`): a
    sideways camera's frame made upright, its width and height swapped for 90 and 270.
    0 returns `image` itself; ValueError for any other angle."""
    if degrees == 0:
        return image
    code = _ROTATE_CODES.get(degrees)
    if code is None:
        raise ValueError(f"rotate = {degrees!r}: allowed values are "
                         f"{', '.join(map(str, ROTATIONS))} (degrees clockwise)")
    return cv2.rotate(image, code)


def conform_frame(image: np.ndarray, name: str, *, max_side: int = FRAME_MAX_SIDE,
                  policy: ImagePolicy = DEFAULT_POLICY) -> np.ndarray:
    """A frame as BGR uint8 HxWx3 at most `max_side` on its long side.

    Accepts gray (HxW or HxWx1), BGR, BGRA and 16-bit frames; ImageError ("too_large",
    "aspect", or "corrupt" for an array that is no picture) names the source."""
    if image.ndim not in (2, 3) or (image.ndim == 3 and image.shape[2] not in (1, 3, 4)):
        raise ImageError(name, "corrupt", f"a frame of shape {image.shape} is not a picture")
    height, width = image.shape[:2]
    policy.check_size(name, width, height)
    if image.dtype == np.uint16:
        image = (image >> 8).astype(np.uint8)
    elif image.dtype != np.uint8:
        raise ImageError(name, "corrupt", f"frames of type {image.dtype} are not supported")
    if image.ndim == 2 or image.shape[2] == 1:
        image = cv2.cvtColor(image, cv2.COLOR_GRAY2BGR)
    elif image.shape[2] == 4:
        image = cv2.cvtColor(image, cv2.COLOR_BGRA2BGR)
    longest = max(width, height)
    if longest > max_side:
        scale = max_side / longest
        size = (max(1, round(width * scale)), max(1, round(height * scale)))
        image = cv2.resize(image, size, interpolation=cv2.INTER_AREA)
    return image
