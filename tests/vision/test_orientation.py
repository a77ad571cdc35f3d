"""A camera mounted sideways is told in the log, with the `[camera] rotate` that fixes it
(round 20 black box: every face read SURPRISED, visits split, nothing said why)."""

from __future__ import annotations

import logging
import math

import pytest

from kiosk.domain import Box, Face
from kiosk.vision.orientation import MIN_FACES, OrientationHint, face_angle, turn_needed


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


@pytest.mark.parametrize(("angle", "turn"), [(165.0, 270), (18.0, 90)])
def test_sideways_faces_are_told_once_with_the_turn(
        angle: float, turn: int, caplog: pytest.LogCaptureFixture) -> None:
    hint = OrientationHint()
    with caplog.at_level(logging.WARNING, logger="kiosk.vision.orientation"):
        told = [hint.observe([face_pointing(angle + (i % 3) * 5)]) for i in range(3 * MIN_FACES)]
    assert [t for t in told if t is not None] == [turn]
    lines = [r.getMessage() for r in caplog.records]
    assert len(lines) == 1 and f"add {turn} to [camera] rotate" in lines[0]


def test_upright_faces_and_a_few_odd_ones_say_nothing(caplog: pytest.LogCaptureFixture) -> None:
    hint = OrientationHint()
    with caplog.at_level(logging.WARNING, logger="kiosk.vision.orientation"):
        for i in range(60):
            hint.observe([face_pointing(160.0 if i % 4 == 0 else 85.0)])  # a head tilt
    assert hint.told is None and not caplog.records
