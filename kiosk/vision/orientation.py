"""Does the camera show faces upright? A hint for `[camera] rotate`, from the landmarks.

A camera mounted sideways gives sideways faces: the detector still finds them, but the
emotion models misread them (round 20 black box: every face SURPRISED, a visitor split
into several visits) and nothing told the operator. RetinaFace's five landmarks say
which way a face points: from the middle of the eyes to the middle of the mouth is
straight down (+90 degrees in image coordinates, y down) on an upright face. Measured
on a tester's video (`kiosk.tools.face_video`, every 5th frame): upright median 83
degrees; the frames turned 90 degrees clockwise 165; turned counter-clockwise 18. Upside
down, the detector finds few faces and their landmarks still read upright, so that case
is not told.

`OrientationHint` keeps the angles of the last `WINDOW` faces; once it has `MIN_FACES`
and their median is more than `OFF_DEG` from upright, it logs one WARNING for the run
naming the turn that would make them upright. Pure arithmetic on the detector's output:
no cost to speak of, on the inference thread.
"""

from __future__ import annotations

import logging
import math
from collections import deque
from collections.abc import Iterable

from kiosk.domain import Face

log = logging.getLogger(__name__)

WINDOW = 30
MIN_FACES = 15
OFF_DEG = 60.0
UPRIGHT_DEG = 90.0


def face_angle(face: Face) -> float | None:
    """Degrees (-180, 180] of the eyes-to-mouth direction in image coordinates (y
    down): about 90 on an upright face; None without the five landmarks."""
    if len(face.landmarks) < 5:
        return None
    (lx, ly), (rx, ry), _, (ml_x, ml_y), (mr_x, mr_y) = face.landmarks[:5]
    dx = (ml_x + mr_x) / 2.0 - (lx + rx) / 2.0
    dy = (ml_y + mr_y) / 2.0 - (ly + ry) / 2.0
    if dx == 0 and dy == 0:
        return None
    return math.degrees(math.atan2(dy, dx))


def turn_needed(angle: float) -> int:
    """The clockwise turn (0, 90, 180, 270 degrees) that brings a face pointing at
    `angle` nearest to upright."""
    return round(((UPRIGHT_DEG - angle) % 360.0) / 90.0) % 4 * 90


class OrientationHint:
    """Watches face angles and says once when faces are not upright (module docstring)."""

    def __init__(self) -> None:
        self._angles: deque[float] = deque(maxlen=WINDOW)
        self.told: int | None = None  # the turn logged, once per run

    def observe(self, faces: Iterable[Face]) -> int | None:
        """The faces of one step; returns the clockwise turn logged now, else None."""
        for face in faces:
            angle = face_angle(face)
            if angle is not None:
                self._angles.append(angle)
        if self.told is not None or len(self._angles) < MIN_FACES:
            return None
        # the median of the angles' offsets from upright, wrapped to (-180, 180]
        offsets = sorted((a - UPRIGHT_DEG + 180.0) % 360.0 - 180.0 for a in self._angles)
        off = offsets[len(offsets) // 2]
        if abs(off) <= OFF_DEG:
            return None
        turn = turn_needed(off + UPRIGHT_DEG)
        if turn == 0:
            return None
        self.told = turn
        log.warning("the faces the camera shows are turned about %.0f degrees (median of the "
                    "last %d): the emotion models read faces upright only. If the camera is "
                    "mounted sideways or upside down, add %d to [camera] rotate (degrees "
                    "clockwise, modulo 360)", -off if off < 0 else off, len(offsets), turn)
        return turn
