"""`kiosk-admin eval-video` reads frames under the camera's image policy."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from kiosk.vision.video_eval import read_frames


def write_video(path: Path, width: int, height: int, frames: int = 2) -> Path:
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"MJPG"), 10.0, (width, height))
    assert writer.isOpened()
    for i in range(frames):
        writer.write(np.full((height, width, 3), 40 * (i + 1), np.uint8))
    writer.release()
    return path


def test_a_sliver_video_is_refused_naming_the_file(tmp_path: Path) -> None:
    video = write_video(tmp_path / "sliver.avi", 4000, 8)
    with pytest.raises(ValueError, match=r"sliver\.avi: 4000×8 pixels is a sliver"):
        list(read_frames(video, 10.0))


def test_ordinary_frames_pass_unchanged(tmp_path: Path) -> None:
    video = write_video(tmp_path / "ok.avi", 64, 48, frames=3)
    frames = list(read_frames(video, 10.0))
    assert [f.image.shape for f in frames] == [(48, 64, 3)] * 3
    assert [f.timestamp for f in frames] == pytest.approx([0.0, 0.1, 0.2])
