"""A camera mounted sideways is told in the log, with the `[camera] rotate` that fixes it
(round 20 black box: every face read SURPRISED, visits split, nothing said why)."""

from __future__ import annotations

import dataclasses
import logging
import math
from pathlib import Path

import cv2
import numpy as np
import pytest

from kiosk.domain import Box, Face
from kiosk.vision.orientation import (
    MIN_FACES,
    MIN_VOTES,
    PROBE_S,
    OrientationHint,
    UpsideDownProbe,
    face_angle,
    turn_needed,
)


def face_pointing(angle_deg: float) -> Face:
    """A face whose eyes-to-mouth direction is `angle_deg` (image coordinates, y down)."""
    ux, uy = math.cos(math.radians(angle_deg)), math.sin(math.radians(angle_deg))
    px, py = -uy, ux  # across the face: the eyes' line
    eyes = ((100 - 15 * px, 100 - 15 * py), (100 + 15 * px, 100 + 15 * py))
    mouth = ((100 + 30 * ux - 10 * px, 100 + 30 * uy - 10 * py),
             (100 + 30 * ux + 10 * px, 100 + 30 * uy + 10 * py))
    return Face(Box(50, 50, 150, 170), 0.99, (*eyes, (100.0, 115.0), *mouth))


def test_an_upright_face_points_down() -> None:
    assert face_angle(face_pointing(90.0)) == pytest.approx(90.0)
    assert face_angle(Face(Box(0, 0, 10, 10), 0.9)) is None  # no landmarks
    # measured medians (module docstring): upright 83, turned clockwise 165, counter 18
    assert (turn_needed(83), turn_needed(165), turn_needed(18), turn_needed(-90)) == (
        0, 270, 90, 180)


@pytest.mark.parametrize(("angle", "turn", "how"), [
    (165.0, 270, "a quarter turn clockwise"), (18.0, 90, "a quarter turn counter-clockwise")])
def test_sideways_faces_are_told_once_with_the_turn(
        angle: float, turn: int, how: str, caplog: pytest.LogCaptureFixture) -> None:
    hint = OrientationHint()
    with caplog.at_level(logging.WARNING, logger="kiosk.vision.orientation"):
        told = [hint.observe([face_pointing(angle + (i % 3) * 5)]) for i in range(3 * MIN_FACES)]
    assert [t for t in told if t is not None] == [turn]
    lines = [r.getMessage() for r in caplog.records]
    assert len(lines) == 1 and f"add {turn} to [camera] rotate" in lines[0]
    # the picture's quarter turn in words, not the landmarks' short median ("about 65
    # degrees" for a camera turned 90, tester round 22)
    assert how in lines[0] and "not upright" in lines[0]


def test_upright_faces_and_a_few_odd_ones_say_nothing(caplog: pytest.LogCaptureFixture) -> None:
    hint = OrientationHint()
    with caplog.at_level(logging.WARNING, logger="kiosk.vision.orientation"):
        for i in range(60):
            hint.observe([face_pointing(160.0 if i % 4 == 0 else 85.0)])  # a head tilt
    assert hint.told is None and not caplog.records


# ------------------------------------------------------------- upside down


def marked(height: int = 48, width: int = 64) -> np.ndarray:
    """A frame with one bright pixel at its top-left corner: turned 180 degrees, the
    pixel is at the bottom-right (how the fake detector tells the two apart)."""
    image = np.zeros((height, width, 3), np.uint8)
    image[0, 0] = 255
    return image


def face(score: float) -> Face:
    return Face(Box(10, 10, 40, 40), score)


def upside_down_detect(image: np.ndarray) -> list[Face]:
    """An upside-down camera's faces: found only in the frame turned upright."""
    return [face(0.99)] if image[-1, -1, 0] == 255 else []


def test_an_upside_down_camera_is_told_once_with_rotate_180(
        caplog: pytest.LogCaptureFixture) -> None:
    probe = UpsideDownProbe()
    told, t = [], 0.0
    with caplog.at_level(logging.WARNING, logger="kiosk.vision.orientation"):
        while t < 60.0:
            if probe.due(t):  # every PROBE_S of frame time, not every step
                told.append(probe.probe(t, marked(), [], upside_down_detect))
            t += 0.1
    assert [x for x in told if x is not None] == [180]
    assert told.index(180) == MIN_VOTES - 1  # on the 5th probe, 20 s in
    assert len(told) <= 60.0 / PROBE_S + 1
    lines = [r.getMessage() for r in caplog.records]
    assert len(lines) == 1 and "Add 180 to [camera] rotate" in lines[0]


def test_an_upright_camera_is_not_told_and_probes_rarely_once_settled(
        caplog: pytest.LogCaptureFixture) -> None:
    probe = UpsideDownProbe()
    calls = []

    def detect(image: np.ndarray) -> list[Face]:  # a turned face scores a little lower
        calls.append(image)
        return [face(0.97)]

    with caplog.at_level(logging.WARNING, logger="kiosk.vision.orientation"):
        for i in range(30):
            assert probe.probe(i * PROBE_S, marked(), [face(0.99)], detect) is None
    assert probe.told is None and not caplog.records
    assert not probe.due(30 * PROBE_S)  # 20 votes for upright: once a minute now
    assert probe.due(29 * PROBE_S + 60.0)
    # nobody in view is no vote either way
    empty = UpsideDownProbe()
    for i in range(10):
        empty.probe(i * PROBE_S, marked(), [], lambda image: [])
    assert empty.told is None and empty.due(10 * PROBE_S)


def test_a_sideways_camera_is_not_told_upside_down_and_lets_the_hint_speak(
        caplog: pytest.LogCaptureFixture) -> None:
    # a camera turned 90 degrees counter-clockwise: its faces, turned 180, are sideways
    # the other way and scored higher in 4 of 5 probes (told "upside down" before)
    probe = UpsideDownProbe()
    hint = OrientationHint()
    plain = [dataclasses.replace(face_pointing(18.0), score=0.95)]
    with caplog.at_level(logging.WARNING, logger="kiosk.vision.orientation"):
        told = []
        for i in range(3 * MIN_FACES):
            t = i * PROBE_S
            if probe.due(t):
                probe.probe(t, marked(), plain, lambda image: [face_pointing(198.0)])  # 0.99
            told.append(hint.observe(plain, hold=not probe.rules_out()))
    assert probe.told is None and probe.rules_out()
    assert [x for x in told if x is not None] == [90]
    lines = [r.getMessage() for r in caplog.records]
    assert len(lines) == 1 and "add 90 to [camera] rotate" in lines[0]


def test_the_sideways_hint_waits_while_upside_down_is_not_ruled_out() -> None:
    hint = OrientationHint()
    for _ in range(2 * MIN_FACES):
        assert hint.observe([face_pointing(18.0)], hold=True) is None
    assert hint.told is None
    assert hint.observe([], hold=False) == 90  # what it collected, once allowed


@pytest.mark.faces
def test_the_real_detector_finds_a_camera_upside_down(faces_dir: Path) -> None:
    from kiosk.config import VisionSettings
    from kiosk.domain import Frame
    from kiosk.tools.face_video import background, render_frame
    from kiosk.vision.detector import FaceDetector
    from kiosk.vision.pipeline import VisionPipeline
    from tests.vision.test_face_identity import SureClassifier, read_color

    settings = VisionSettings(scan_every=1)  # whole frames: no region shapes to trace
    photos = ["images/Laura_Bush_0008.jpg", "images/Luiz_Inacio_Lula_da_Silva_0023.jpg",
              "images/George_W_Bush_0003.jpg", "images/Sharon_Davis_0001.jpg"]
    bg = background(640, 480)
    detector = FaceDetector.from_settings(settings)  # one trace for both runs
    for upside_down in (False, True):
        pipeline = VisionPipeline(detector, SureClassifier(), settings)
        rng = np.random.default_rng(0)
        try:
            for n in range(30):  # 30 s at 1 fps, a new person every 5 s
                t = float(n)
                frame = render_frame(bg, read_color(faces_dir / photos[int(t // 5) % 4]),
                                     t, rng)
                if upside_down:
                    frame = cv2.rotate(frame, cv2.ROTATE_180)
                pipeline.process(Frame(frame, n, t))
            assert pipeline.camera_turn == (180 if upside_down else None)
        finally:
            pipeline.close()
