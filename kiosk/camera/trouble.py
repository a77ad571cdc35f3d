"""Why the camera gives no picture, as a small fixed set of codes.

The capture loop's messages (`Capture.message`, shown by the admin panel) are free
text with the source's name and numbers in them; the fleet needs the reason as a
number it can put in one CloudWatch datum (`CameraTrouble`, one metric per kiosk
whatever the reason: a dimension per reason would be a metric per reason and kiosk)
and `kiosk-admin fleet status` turns it back into words. Codes are stable: a kiosk
and the operator's `kiosk-admin` may be of different versions, so a code is never
reused and its meaning kept (a newer kiosk only narrows what it sends a code for:
since tester round 23 a gone video file or image folder is VIDEO_GONE / FOLDER_GONE, not
DEVICE_GONE, and a path that never existed is SOURCE_MISSING); an unknown code reads
"reason code N (from a newer kiosk: update kiosk-admin for its words)".
"""

from __future__ import annotations

import enum


class CameraTrouble(enum.IntEnum):
    """Why the camera is STALLED or LOST (the capture loop sets it with the state)."""

    DEVICE_GONE = 1  # its device node is not there (older builds: also a file or folder)
    NO_FRAMES = 2  # open, but no frame came for `stall_after_s`
    FROZEN = 3  # frames come, but the picture does not change
    CANNOT_OPEN = 4  # opening failed with the device present
    READ_FAILED = 5  # a read raised
    ENDED = 6  # a video file ended (camera.loop off)
    BAD_SOURCE = 7  # camera.source names nothing a camera can be made of
    VIDEO_GONE = 8  # the video file was there and is not any more
    FOLDER_GONE = 9  # the image folder was there and is not any more
    FOLDER_EMPTY = 10  # the image folder is there with no images in it
    SOURCE_MISSING = 11  # camera.source is a path that has not existed in this run

    @property
    def text(self) -> str:
        return TROUBLE_TEXT[self]


TROUBLE_TEXT: dict[CameraTrouble, str] = {
    CameraTrouble.DEVICE_GONE: "the camera device disappeared (unplugged?)",
    CameraTrouble.NO_FRAMES: "no frames came (the camera stalled)",
    CameraTrouble.FROZEN: "the picture froze (the same frame over and over)",
    CameraTrouble.CANNOT_OPEN: "the camera could not be opened (another program using it, "
                               "or a driver fault)",
    CameraTrouble.READ_FAILED: "reading frames failed",
    CameraTrouble.ENDED: "the video file ended (camera.loop is off)",
    CameraTrouble.BAD_SOURCE: "camera.source is not valid (the kiosk's log says why)",
    CameraTrouble.VIDEO_GONE: "the video file is gone (moved or deleted?)",
    CameraTrouble.FOLDER_GONE: "the image folder is gone (moved or deleted?)",
    CameraTrouble.FOLDER_EMPTY: "the image folder has no images (emptied?)",
    CameraTrouble.SOURCE_MISSING: "camera.source does not exist: check the path",
}


def trouble_text(code: float | None) -> str:
    """The words for a code as CloudWatch gives it back (a float); "" for None."""
    if code is None:
        return ""
    try:
        return CameraTrouble(int(code)).text
    except (ValueError, OverflowError, TypeError):  # a newer kiosk's code, or garbage
        try:
            shown = f"{float(code):g}"
        except (ValueError, TypeError):
            shown = "?"
        return f"reason code {shown} (from a newer kiosk: update kiosk-admin for its words)"
