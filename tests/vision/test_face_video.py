"""`kiosk.tools.face_video`'s frame size and face height options (far-face videos)."""

from __future__ import annotations

import json
from pathlib import Path

import cv2
import numpy as np
import pytest

from kiosk.tools.face_video import main, parse_size


def faces(tmp_path: Path) -> Path:
    """A faces folder with one photo: a bright 100x100 square on black."""
    folder = tmp_path / "faces"
    (folder / "images").mkdir(parents=True)
    photo = np.zeros((100, 100, 3), np.uint8)
    photo[10:90, 10:90] = 255
    cv2.imwrite(str(folder / "images" / "a.png"), photo)
    (folder / "labels.csv").write_text("image,emotion\nimages/a.png,happy\n", encoding="utf-8")
    return folder


def test_parse_size_reads_wxh_and_names_a_bad_one() -> None:
    assert parse_size("1280x720") == (1280, 720)
    for bad in ("1280", "axb", "10x10", "1280x720x3"):
        with pytest.raises(ValueError, match="WxH"):
            parse_size(bad)


def test_face_height_and_size_make_a_far_face_video(tmp_path: Path) -> None:
    out = tmp_path / "far.avi"
    assert main([str(out), "--faces", str(faces(tmp_path)), "--script", "happy:0.4",
                 "--fps", "5", "--size", "1280x720", "--face-height", "60"]) == 0
    video = cv2.VideoCapture(str(out))
    ok, frame = video.read()
    video.release()
    assert ok and frame.shape[:2] == (720, 1280)
    rows = np.flatnonzero(frame.min(axis=2).max(axis=1) > 200)  # the photo's bright square
    assert 40 <= rows.size <= 56  # 80 % of a photo about 60 px tall (the default: 240)


def test_a_face_taller_than_the_frame_is_refused(tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main([str(tmp_path / "x.avi"), "--faces", str(faces(tmp_path)), "--size", "320x240",
              "--face-height", "300"])
    assert "--face-height 300" in capsys.readouterr().err


def test_turned_makes_the_frames_of_a_camera_knocked_round_in_service(tmp_path: Path) -> None:
    # D3: a camera turned in service keeps its frame size; what it shows turns
    out = tmp_path / "turned.avi"
    timeline = tmp_path / "turned.json"
    assert main([str(out), "--faces", str(faces(tmp_path)), "--script", "none:1", "--fps", "4",
                 "--turned", "90", "--turned-at", "0.5", "--timeline", str(timeline)]) == 0
    video = cv2.VideoCapture(str(out))
    frames = [video.read()[1] for _ in range(4)]
    video.release()
    assert all(f.shape[:2] == (480, 640) for f in frames)
    # the backdrop's shelf line: a dark row band upright, a dark column band turned
    # (its bottom on the right: `[camera] rotate 90` turns it back)
    shelf = [(int(f.mean(axis=(1, 2)).argmin()), int(f.mean(axis=(0, 2)).argmin()))
             for f in frames]
    assert all(370 <= row <= 385 for row, _ in shelf[:2])
    assert all(495 <= column <= 515 for _, column in shelf[2:])
    assert json.loads(timeline.read_text())["turned"] == {"rotate": 90, "at_s": 0.5}
