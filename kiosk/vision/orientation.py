"""Does the camera show faces upright? A hint for `[camera] rotate`, from the detector.

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

So the kiosk asks the detector (`TurnProbe`): every `PROBE_S` (4 s of frame time) on a
whole-frame step, it also detects the frame turned by one of 90, 180, 270 degrees and
compares the best face scores; a difference of at most `SCORE_MARGIN` (0.005) is a tie
and no vote. Landmarks alone were not enough sideways either (tester round 23: a face
video turned 90 degrees clockwise gave landmarks 26-45 degrees off upright, under the
60 the landmark hint needed: no warning in 90 s; turned the other way 52-89; another
video 66 / -62: little margin either way). On 60 shared faces drawn as
`kiosk.tools.face_video` draws them (640x480), each turned 0/90/180/270, the turn that
makes them upright won 51, 57 and 50 of 60 (cameras turned 90, 180, 270), a wrong turn at most
7 of 60, and no turn won on any upright frame. A vote for a turn also needs the turned
frame's best face upright by the landmarks: a camera turned 90 degrees
counter-clockwise gave faces that scored higher turned 180 (still sideways, the other
way) in 4 of 5 probes. Which turn a probe tries (`TurnProbe.next_turn`): one whose
votes so far are at least half wins (to confirm it), else the turn the landmarks lean
to (`OrientationHint`: the median of the last `WINDOW` faces' angles more than
`LEAN_DEG` (20) off upright, the way they lean) while it has no vote, else the three
in turn. Once one turn has `MIN_VOTES` (5) votes and at least `TURN_SHARE` (0.8) of
its last `VOTES_KEPT` (10) favour the turned frame, one WARNING names it ("add N to
[camera] rotate"); `LEANED_VOTES` (3) do when the landmarks' median leans to the same
turn by more than `OFF_DEG` (60, the old landmark hint's own threshold). A probe
costs one whole-frame detection (about 10 ms on one core) every 4 s while it matters
(at 15 fps about 1.7 % of the steps: the step's p95 is not the probe's); a quarter
turn's portrait frame is searched in two windows of the frame's shape at the scan's
scale (`FaceDetector.detect_windows`: the scan's frozen trace; a trace of the
portrait shape kept 11 MB more resident, 28 MB the time it was made); after
`SETTLED_VOTES` (20) votes for the plain frame and none for a turn it probes once a
minute.

In service (black box D3): a camera knocked upside down after that was told about 110
s later, with some 35 false visitor switches meanwhile (an upside-down face is found
in about a third of the frames, scoring 0.80-0.88: each find a "new" face), and the
votes from before the turn outweighed those after it. Now the steps' faces raise a
doubt (`TurnProbe.observe`): a step with no face within `WATCH_S` (15 s) of one that
had one, or a whole-frame step whose best face scores under `DOUBT_SCORE` (0.92; the
upright faces of 5 long `face_video` runs scored at least 0.94, those of a camera
turned in service 0.80-0.97) or whose landmarks lean. A doubt, at most one every
`DOUBT_EVERY_S` (5 s), probes each turn `QUICK_PROBE_S` (1 s) apart; a win, too, is
confirmed by up to `MIN_VOTES` - 1 probes that far apart, so 5 votes take 5 s, not 20;
and a turn that wins after the plain frame won every vote so far (at least
`MIN_VOTES`) wipes the votes before. A turn's first win is checked against the other
two turns, the vote going to the best upright one: the detector finds upside-down faces
with landmarks reading upright, so a camera needing 90 was told 270 (turned 270, its
faces scored 0.84-0.88; turned 90, 0.999), and a sideways face turned 180 read 73
degrees, "upright". Measured (`face_video --turned DEG --turned-at 110`, turned after
the probe settled, `kiosk.tools.face_video`): 640x480 upside down told after 6.3 s
(4 false switches meanwhile; before: not in the 57 s left, 53), sideways 4.0 s;
1280x720 14-16 s (its visitor at the turn is missed even upright: 5-7 s after the
next face). On upright videos no WARNING (5 of 127 s, the 30 held-out ones), and a
doubt costs up to three probes where a visitor leaves (122 -> 193 probes on the five).
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
LEAN_DEG = 20.0
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
    """Keeps the angles of the last `WINDOW` faces and says which way they lean: a
    hint for `TurnProbe`'s order, never a WARNING of its own (module docstring)."""

    def __init__(self) -> None:
        self._angles: deque[float] = deque(maxlen=WINDOW)

    def observe(self, faces: Iterable[Face]) -> int | None:
        """The faces of one step; returns `leaning`."""
        for face in faces:
            angle = face_angle(face)
            if angle is not None:
                self._angles.append(angle)
        return self.leaning

    def offset(self) -> float | None:
        """The median of the last faces' offsets from upright (degrees, (-180, 180],
        positive: turned clockwise) once `MIN_FACES` were seen, else None."""
        if len(self._angles) < MIN_FACES:
            return None
        offsets = sorted((a - UPRIGHT_DEG + 180.0) % 360.0 - 180.0 for a in self._angles)
        return offsets[len(offsets) // 2]

    @property
    def leaning(self) -> int | None:
        """The clockwise turn (90, 180, 270) that the median `offset` points to when it
        is more than `LEAN_DEG` from upright, else None: a sideways face's landmarks
        read short of 90 (26-45 degrees, tester round 23), so the way they lean
        counts, not the nearest quarter turn."""
        off = self.offset()
        if off is None or abs(off) <= LEAN_DEG:
            return None
        if abs(off) > 135.0:
            return 180
        return 270 if off > 0 else 90

    @property
    def far(self) -> bool:
        """Whether the median `offset` is more than `OFF_DEG` from upright."""
        off = self.offset()
        return off is not None and abs(off) > OFF_DEG


PROBE_S = 4.0  # frame time between probes while the camera's way up is not settled
SETTLED_PROBE_S = 60.0  # between probes once it is (upright, or told)
MIN_VOTES = 5  # of one turn
LEANED_VOTES = 3  # of the turn the landmarks lean to, more than OFF_DEG off
TURN_SHARE = 0.8
SETTLED_VOTES = 20
VOTES_KEPT = 10
SCORE_MARGIN = 0.005  # a difference of best scores under this is no vote (a tie)
# A camera knocked round in service (module docstring, "In service"):
DOUBT_SCORE = 0.92  # a whole-frame step whose best face scores under this is a doubt
DOUBT_EVERY_S = 5.0  # frame time between doubts that count
WATCH_S = 15.0  # steps with no face this soon after one (s) are doubts
QUICK_PROBE_S = 1.0  # between probes after a doubt, and while a fresh win builds up


def upright(face: Face) -> bool:
    """Whether `face`'s landmarks point down within `OFF_DEG` (True without them)."""
    angle = face_angle(face)
    return angle is None or abs((angle - UPRIGHT_DEG + 180.0) % 360.0 - 180.0) <= OFF_DEG


def best_score(faces: Iterable[Face]) -> float:
    """The highest detector score among `faces` (0 for none)."""
    return max((face.score for face in faces), default=0.0)


TURNS = (90, 180, 270)
ROTATE_CODES = {90: cv2.ROTATE_90_CLOCKWISE, 180: cv2.ROTATE_180,
                270: cv2.ROTATE_90_COUNTERCLOCKWISE}


class TurnProbe:
    """Finds a camera mounted sideways or upside down by detecting the frame turned
    90, 180 or 270 degrees now and then, one turn a probe (module docstring). `told`
    is the turn once the WARNING was logged, `told_at` the frame time then."""

    def __init__(self) -> None:
        # per turn, True where the frame turned so won (its best face scored higher)
        self._votes: dict[int, deque[bool]] = {t: deque(maxlen=VOTES_KEPT) for t in TURNS}
        self._lost = 0  # votes for the plain frame, all told
        self._cycle = 0  # the next turn to try when no turn stands out
        self._next = 0.0  # frame time of the next probe
        self.hint = OrientationHint()  # the landmarks' lean: which turn to try first
        self.told: int | None = None
        self.told_at: float | None = None
        self._last = -math.inf  # frame time of the last probe
        self._quick = 0  # probes still to run `QUICK_PROBE_S` apart (after a doubt)
        self._doubt_next = -math.inf  # frame time from which a doubt counts again
        self._face_at: float | None = None  # frame time of the last step with a face
        self.doubts = 0  # doubts that counted (quick probes armed)

    def observe(self, faces: Sequence[Face], ts: float | None = None,
                whole: bool = False) -> None:
        """Every step's faces (their landmarks: `OrientationHint`); with `ts` (frame
        time, s), whether they cast doubt on the camera's way up: faces lost (this step
        found none within `WATCH_S` of a step that did), or on a whole-frame step
        (`whole`) the best face under `DOUBT_SCORE` or the landmarks leaning
        (`OrientationHint.leaning`)."""
        self.hint.observe(faces)
        if ts is None or self.told is not None:
            return
        seen, self._face_at = self._face_at, ts if faces else self._face_at
        if faces:
            doubt = whole and (best_score(faces) < DOUBT_SCORE or self.hint.leaning is not None)
        else:
            doubt = seen is not None and ts - seen <= WATCH_S
        if doubt:
            self.doubt(ts)

    def doubt(self, ts: float) -> None:
        """The picture may have turned: probe each turn `QUICK_PROBE_S` apart from the
        next whole-frame step on, at most once per `DOUBT_EVERY_S`."""
        if ts < self._doubt_next or self.told is not None:
            return
        self._doubt_next = ts + DOUBT_EVERY_S
        self._quick = len(TURNS)
        self._next = min(self._next, max(ts, self._last + QUICK_PROBE_S))
        self.doubts += 1

    def due(self, ts: float) -> bool:
        """Whether the whole-frame step at `ts` (frame time, s) should probe."""
        return ts >= self._next

    def _share(self, turn: int) -> float:
        votes = self._votes[turn]
        return sum(votes) / len(votes) if votes else 0.0

    def _settled(self) -> bool:
        return self.told is not None or (
            self._lost >= SETTLED_VOTES and not any(any(v) for v in self._votes.values()))

    def _interval(self) -> float:
        """Frame time to the next probe: `QUICK_PROBE_S` for the few after a doubt or a
        win; else `PROBE_S`, or `SETTLED_PROBE_S` once settled."""
        if self.told is None and self._quick:
            return QUICK_PROBE_S
        return SETTLED_PROBE_S if self._settled() else PROBE_S

    def next_turn(self) -> int:
        """The turn the next probe tries: one whose turned frames won at least half
        its votes (the best such), else the landmarks' lean while that turn has no
        vote yet, else the next of 90, 180, 270 in turn."""
        winning = [t for t in TURNS if self._share(t) >= 0.5]
        if winning:
            return max(winning, key=lambda t: (self._share(t), len(self._votes[t])))
        lean = self.hint.leaning
        if lean is not None and not self._votes[lean]:
            return lean
        return TURNS[self._cycle % len(TURNS)]

    def probe(self, ts: float, image: np.ndarray, faces: Sequence[Face],
              detect: Callable[[np.ndarray], Sequence[Face]]) -> int | None:
        """`faces`: the whole frame's at `ts`; `detect` the same detector's whole-frame
        call. Returns the turn when the WARNING is logged now, else None."""
        self._last = ts
        self._quick = max(0, self._quick - 1)
        self._next = ts + self._interval()
        turn = self.next_turn()
        if turn == TURNS[self._cycle % len(TURNS)]:
            self._cycle += 1
        plain = best_score(faces)
        turned_faces = detect(cv2.rotate(image, ROTATE_CODES[turn]))
        turned = best_score(turned_faces)
        if abs(turned - plain) <= SCORE_MARGIN:
            return None  # a tie (nobody in view, or both saturated): no vote
        # the turned frame wins with an upright face only: a sideways camera's faces
        # turned 180 are sideways the other way, and sometimes score higher so
        won = turned > plain and upright(max(turned_faces, key=lambda f: f.score))
        tried = turn
        if won and not any(self._votes[tried]):
            # a turn's first win is checked against the other turns: an upside-down face
            # can score and read upright (a camera needing 90 gave faces turned 270
            # scoring 0.84-0.88, landmarks 84-89 degrees), a sideways one nearly so
            # (turned 180: 73 degrees); the frame turned the right way scored 0.999
            for other in (t for t in TURNS if t != tried):
                other_faces = detect(cv2.rotate(image, ROTATE_CODES[other]))
                score = best_score(other_faces)
                if score > turned + SCORE_MARGIN and upright(
                        max(other_faces, key=lambda f: f.score)):
                    turn, turned = other, score
        if won and self._lost >= MIN_VOTES and not any(any(v) for v in self._votes.values()):
            # the plain frame won every vote so far: the camera was upright, and a
            # turn wins now: it was knocked round, the votes before count no longer
            for kept in self._votes.values():
                kept.clear()
            self._lost = 0
        if turn != tried:
            self._votes[tried].append(False)  # beaten by another turn
        votes = self._votes[turn]
        votes.append(won)
        self._lost += not won
        if won:  # confirmed (or not) at once: `MIN_VOTES` - 1 more probes, quickly
            self._quick = max(self._quick, MIN_VOTES - 1)
            self._next = ts + self._interval()
        # fewer votes do where the landmarks lean far the same way (a second signal)
        enough = LEANED_VOTES if self.hint.leaning == turn and self.hint.far else MIN_VOTES
        if self.told is not None or len(votes) < enough or self._share(turn) < TURN_SHARE:
            return None
        self.told, self.told_at = turn, ts
        self._next = ts + SETTLED_PROBE_S
        log.warning("faces are found better in the picture turned %d degrees clockwise (%d "
                    "of the last %d checks of that turn): the faces the camera shows are "
                    "not upright, %s, and the emotion models read faces upright only. If "
                    "the camera is mounted that way, add %d to [camera] rotate (degrees "
                    "clockwise, modulo 360), or turn the camera", turn, sum(votes),
                    len(votes), turn_words(turn), turn)
        return turn
