"""Does the camera show faces upright? A hint for `[camera] rotate`, from the landmarks.

A camera mounted sideways gives sideways faces: the detector still finds them, but the
emotion models misread them (round 20 black box: every face SURPRISED, a visitor split
into several visits) and nothing told the operator. RetinaFace's five landmarks say
which way a face points: from the middle of the eyes to the middle of the mouth is
straight down (+90 degrees in image coordinates, y down) on an upright face. Measured
on a tester's video (`kiosk.tools.face_video`, every 5th frame): upright median 83
degrees; the frames turned 90 degrees clockwise 165; turned counter-clockwise 18. Upside
down, the detector finds few faces and their landmarks point either way (40 shared
faces in 640x480 frames turned 180 degrees: 17 found, angles from -102 to 162), so the
landmarks cannot tell that case.

`UpsideDownProbe` tells it by asking the detector: every `PROBE_S` (4 s of frame
time) on a whole-frame step, it also detects the frame turned 180 degrees and
compares the best face scores; a difference of at most `SCORE_MARGIN` (0.005) is a
tie and no vote. On 100 shared faces drawn as `kiosk.tools.face_video` draws them
(640x480), the turned frame won 0 of 100 upright frames and 97 of 100 upside-down
ones (3 ties; on 60 faces on a flat frame, 29 upside-down ones had no face found at
all unturned). Once `MIN_VOTES` (5) votes are in and at least `UPSIDE_SHARE` (0.8)
of the last `VOTES_KEPT` (10) favour the turned frame, one WARNING names
`[camera] rotate = 180`. A vote for the turned frame also needs its best face
upright by the landmarks: a camera turned 90 degrees counter-clockwise gave faces that
scored higher turned 180 (still sideways, the other way) in 4 of 5 probes, and was
told "upside down" before this check. A probe costs one
whole-frame detection (about 10 ms on one core) every 4 s while it matters (at 15 fps
about 1.7 % of the steps: the step's p95 is not the probe's); after
`SETTLED_VOTES` (20) votes for upright it probes once a minute. The sideways hint
waits until the probe's first votes rule upside down out (`rules_out`): upside
down, the landmarks' median can look sideways.

`OrientationHint` keeps the angles of the last `WINDOW` faces; once it has `MIN_FACES`
and their median is more than `OFF_DEG` from upright, it logs one WARNING for the run
naming the turn that would make them upright. Pure arithmetic on the detector's output:
no cost to speak of, on the inference thread.
"""

from __future__ import annotations

import logging
import math
from collections import deque
from collections.abc import Callable, Iterable, Sequence

import cv2
import numpy as np

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


def turn_words(turn: int) -> str:
    """How the camera's picture lies, for the clockwise `turn` that makes it upright."""
    return {90: "on their side, turned a quarter turn counter-clockwise",
            180: "upside down",
            270: "on their side, turned a quarter turn clockwise"}.get(turn, "turned")


class OrientationHint:
    """Watches face angles and says once when faces are not upright (module docstring)."""

    def __init__(self) -> None:
        self._angles: deque[float] = deque(maxlen=WINDOW)
        self.told: int | None = None  # the turn logged, once per run

    def observe(self, faces: Iterable[Face], hold: bool = False) -> int | None:
        """The faces of one step; returns the clockwise turn logged now, else None.
        `hold`: collect, but say nothing yet (the camera may be upside down, whose
        landmarks point either way: `UpsideDownProbe.rules_out`)."""
        for face in faces:
            angle = face_angle(face)
            if angle is not None:
                self._angles.append(angle)
        if hold or self.told is not None or len(self._angles) < MIN_FACES:
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
        log.warning("the faces the camera shows are not upright: %s (their landmarks lean "
                    "%.0f degrees %s, the median of the last %d; sideways faces' landmarks "
                    "read short of 90): the emotion models read faces upright only. If the "
                    "camera is mounted that way, add %d to [camera] rotate (degrees "
                    "clockwise, modulo 360)", turn_words(turn), abs(off),
                    "counter-clockwise" if off < 0 else "clockwise", len(offsets), turn)
        return turn


PROBE_S = 4.0  # frame time between probes while the camera's way up is not settled
SETTLED_PROBE_S = 60.0  # between probes once it is (upright, or told)
MIN_VOTES = 5
RULED_OUT_VOTES = 3  # votes enough to say a camera is not upside down
UPSIDE_SHARE = 0.8
SETTLED_VOTES = 20
VOTES_KEPT = 10
SCORE_MARGIN = 0.005  # a difference of best scores under this is no vote (a tie)


def upright(face: Face) -> bool:
    """Whether `face`'s landmarks point down within `OFF_DEG` (True without them)."""
    angle = face_angle(face)
    return angle is None or abs((angle - UPRIGHT_DEG + 180.0) % 360.0 - 180.0) <= OFF_DEG


def best_score(faces: Iterable[Face]) -> float:
    """The highest detector score among `faces` (0 for none)."""
    return max((face.score for face in faces), default=0.0)


class UpsideDownProbe:
    """Finds a camera mounted upside down by detecting a frame turned 180 degrees
    now and then (module docstring). `told` is 180 once the WARNING was logged."""

    def __init__(self) -> None:
        self._votes: deque[bool] = deque(maxlen=VOTES_KEPT)  # True: the turned frame won
        self._upright = 0  # votes for upright, all told
        self._next = 0.0  # frame time of the next probe
        self.told: int | None = None

    def rules_out(self) -> bool:
        """Whether the votes so far say the camera is not upside down (at least
        `RULED_OUT_VOTES`, most of them for the plain frame): the landmark hint for a
        sideways camera may speak then. Upside down, the landmarks point either way
        and their median can look sideways (a held-out video turned 180 degrees:
        "add 270" from a median of 62 degrees)."""
        votes = len(self._votes)
        return votes >= RULED_OUT_VOTES and sum(self._votes) < votes / 2

    def due(self, ts: float) -> bool:
        """Whether the whole-frame step at `ts` (frame time, s) should probe."""
        return ts >= self._next

    def probe(self, ts: float, image: np.ndarray, faces: Sequence[Face],
              detect: Callable[[np.ndarray], Sequence[Face]]) -> int | None:
        """`faces`: the whole frame's at `ts`; `detect` the same detector's whole-frame
        call. Returns 180 when the WARNING is logged now, else None."""
        settled = self.told is not None or self._upright >= SETTLED_VOTES
        self._next = ts + (SETTLED_PROBE_S if settled else PROBE_S)
        plain = best_score(faces)
        turned_faces = detect(cv2.rotate(image, cv2.ROTATE_180))
        turned = best_score(turned_faces)
        if abs(turned - plain) <= SCORE_MARGIN:
            return None  # a tie (nobody in view, or both saturated): no vote
        # the turned frame wins with an upright face only: a sideways camera's faces,
        # turned, are sideways the other way, and sometimes score higher so
        won = turned > plain and upright(max(turned_faces, key=lambda f: f.score))
        self._votes.append(won)
        self._upright += not won
        if self.told is not None or len(self._votes) < MIN_VOTES:
            return None
        share = sum(self._votes) / len(self._votes)
        if share < UPSIDE_SHARE:
            return None
        self.told = 180
        log.warning("faces are found better in the picture turned upside down (%d of the "
                    "last %d checks): the camera seems mounted upside down, and the emotion "
                    "models read faces upright only. Add 180 to [camera] rotate (degrees "
                    "clockwise, modulo 360), or turn the camera", sum(self._votes),
                    len(self._votes))
        return 180
