"""Is the camera's light fit for reading faces? Judged over the last visits, for the
operator: one WARNING when faces turn too dark or too bright, and the admin panel's
Camera tile says so until they are lit again.

A face darker than `unread.DARK_FACE` (mean gray 50 of 255) is read from a brightened
copy (`kiosk.vision.pipeline.TARGET_FACE_MEAN`), so it is read, not left unread, and
`kiosk.vision.unread.UnreadLog` (which names the light only for a face it cannot read)
says nothing: before 2026-12-02 a camera whose faces had a mean of 14-30 misread most
of them (eval-video on the tester's gain40 video: on-screen accuracy 0.405 against 0.80
in normal light) and neither the log nor the panel said the light was the cause.

`LightMonitor` takes the primary face's mean gray level at each of its readings
(`observe`) and judges a visit's median when the face is done (`face_done`: the
visit ended, or another person took the visitor's place with no gap, as in a busy
store; a visit of `MAX_READINGS` readings is judged then and goes on as the next).
The light is *dark* (or *bright*) once `BAD_VISITS` (2) of the last `WINDOW` (3)
visits with at least `MIN_READINGS` (3) readings had a median under `DARK_FACE`
(over `BRIGHT_FACE`), and it is lit again once the last `BAD_VISITS` visits were
both in range: one visitor's dark skin, a hood or a face turned from the lamp is not
a camera problem; two of three visitors are. The shared faces in a normal frame have
a mean of 75-154 (p5-p95), so a lit face is well clear of 50.

While the light is wrong, `face_mean` (the panel's figure) stays the median the
WARNING named: before 2026-12-03 it was always the last visit's, so one lit visitor
after the warning (not enough to clear it) made the panel say "too dark (111 of 255)"
while the log said 49 (black box). `reset` forgets every visit: the vision thread calls
it when the camera is lost (`kiosk.workers.vision_worker`), so a warning comes back only
from the visits after the camera is back.

No Qt. Owned by the vision thread (`observe`, `face_done`); `problem` and
`face_mean` are plain attribute reads that the GUI thread may do at any time (each
is replaced whole, never mutated).
"""

from __future__ import annotations

import logging
import statistics
from collections import deque

from kiosk.vision.unread import BRIGHT_FACE, DARK_FACE

log = logging.getLogger(__name__)

WINDOW = 3  # the last visits judged
BAD_VISITS = 2  # of them, this many out of range: the light is wrong
MIN_READINGS = 3  # a visit with fewer face readings says nothing of the light
MAX_READINGS = 300  # a visit this long is judged then (20-60 s of readings)

DARK = "dark"
BRIGHT = "bright"


def light_of(face_mean: float) -> str:
    """DARK, BRIGHT or "" for a face's mean gray level (0-255)."""
    if face_mean < DARK_FACE:
        return DARK
    if face_mean > BRIGHT_FACE:
        return BRIGHT
    return ""


class LightMonitor:
    """The camera's light over the last visits (module docstring)."""

    def __init__(self) -> None:
        self._readings: list[float] = []
        self._visits: deque[float] = deque(maxlen=WINDOW)  # medians, oldest first
        self.problem = ""  # DARK, BRIGHT or "" (lit, or not known yet)
        # the panel's figure (0-255): while `problem` is on, the visit median its WARNING
        # named; otherwise the last judged visit's median
        self.face_mean: float | None = None

    def observe(self, face_mean: float) -> None:
        """The primary face's mean gray level (0-255) at one of its readings; 0 (not
        measured: a face too small to measure) is ignored."""
        if face_mean > 0:
            self._readings.append(float(face_mean))
            if len(self._readings) >= MAX_READINGS:
                self.face_done()

    def face_done(self) -> None:
        """The face read since the last call is gone (its visit ended, another
        person took its place): judge its light with the visits before it."""
        readings, self._readings = self._readings, []
        if len(readings) < MIN_READINGS:
            return
        median = statistics.median(readings)
        self._visits.append(median)
        lights = [light_of(m) for m in self._visits]
        was = self.problem
        # unrounded, as the log's: the panel's "%.0f" then reads as the log's figure
        if not was:
            self.face_mean = median
        if was and all(not light for light in lights[-BAD_VISITS:]):
            self.problem = ""
            self.face_mean = median
            log.info("faces are lit again (face mean %.0f/255 in the last visits)", median)
            return
        for light in (DARK, BRIGHT):
            if light != was and lights.count(light) >= BAD_VISITS:
                self.face_mean = median  # the WARNING's figure (below), then the light
                self.problem = light
                log.warning("faces too %s in %d of the last %d visits (face mean %.0f/255; "
                            "a lit face: 75-154): %s; moods are misread in this light",
                            light, lights.count(light), len(lights), median, advice(light))
                return

    def reset(self) -> None:
        """Forget every visit (a new camera, a restart of the vision thread, the camera
        lost: its light is judged afresh from the frames after it is back)."""
        if self.problem:
            log.info("faces' light forgotten (was too %s): judged afresh from the next "
                     "visits", self.problem)
        self._readings = []
        self._visits.clear()
        self.problem = ""
        self.face_mean = None


def advice(light: str) -> str:
    """What the operator does about `light` (DARK or BRIGHT), in the log's words."""
    if light == DARK:
        return "light the visitor's face, or raise the camera's exposure or gain"
    return "less light on the face or behind the camera, or lower the camera's exposure"
