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
from kiosk.camera.trouble import CameraTrouble, trouble_text

__all__ = [
    "CameraError",
    "CameraState",
    "CameraTrouble",
    "Capture",
    "DeviceSource",
    "FakeSource",
    "FrameSource",
    "ImageFolderSource",
    "PendingPathSource",
    "SourceEnded",
    "VideoFileSource",
    "source_from_setting",
    "trouble_text",
]
