"""Camera sources behind one protocol and the capture loop (no Qt here)."""

from kiosk.camera.capture import CameraState, Capture
from kiosk.camera.errors import CameraError, SourceEnded
from kiosk.camera.fake import FakeSource
from kiosk.camera.sources import (
    DeviceSource,
    FrameSource,
    ImageFolderSource,
    PendingPathSource,
    VideoFileSource,
    source_from_setting,
)

__all__ = [
    "CameraError",
    "CameraState",
    "Capture",
    "DeviceSource",
    "FakeSource",
    "FrameSource",
    "ImageFolderSource",
    "PendingPathSource",
    "SourceEnded",
    "VideoFileSource",
    "source_from_setting",
]
