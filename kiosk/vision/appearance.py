"""Is the primary face still the same person? A cheap appearance signature.

A new person stepping into the visitor's place (little or no gap, boxes
overlapping) keeps the IoU tracker's track, and with it the previous person's
smoothed emotion. The cue used here is the appearance of the face crop from one
frame to the next: a 16x16 grayscale thumbnail of the face placed by its eyes
(else of its box), zero-mean and
unit-norm (so overall brightness and contrast do not count), compared by cosine
similarity.

Why this cue: at camera rates (10-30 fps) the same face barely changes between two
frames: a head turn or an expression builds up over many frames, so consecutive
thumbnails stay close, while a different face in the same box changes hairline,
face shape, skin and background at once. Measured with the real detector on a
10-segment `face_video` switch video (10 fps, 20 s, `python -m kiosk.tools.face_video`):
same-person frame-to-frame similarity min 0.85, 1st percentile 0.90, 5th 0.97.

A loaded machine compares looks 0.4-1 s apart (`kiosk.vision.loaded_loop`), and its
boxes come from whole-frame scans and region steps in turn (`kiosk.vision.focus`), so
the box around one face shifts more. Measured on the shared faces (2026-12-01):
each photo drawn as `face_video` draws it (drift, noise, JPEG), whole-frame boxes at
the default detect width, box thumbnails 0.4 s and 1.0 s apart: a steady face (296
pairs) min 0.74 (p1 0.80), two different people (230 pairs) median 0.18, p99 0.61,
max 0.65 (4 at or above 0.6); two photos of one person (another expression or shot,
102 pairs) look as unlike as two people (median 0.14), so such a change also gets a
fresh reading, which costs little. In the pipeline under load (`eval-video
--step-ms 400`, switch videos A, C and X, seeds 0 and 1) the box thumbnails overlap:
a steady face fell to 0.44-0.67 between a scan box and a region box, while C's
switch to another person scored 0.64 and was missed. Placing the thumbnail by the
eyes (`eye_box`, from the detector's landmarks) instead of the box removes the box
jitter: on the same runs steady faces score >= 0.755, switches to another person
<= 0.41 (an expression change of one person up to 0.59), so 0.6 sits in a wide gap.
Not for every pair: in a fresh tester's video (2026-12-01, `face_video` script
`happy:8,sad:8,none:3,surprise:8,happy:6,...`, seed 0, 15 fps) the direct switch from
Luiz_Inacio_Lula_da_Silva_0023 to Laura_Bush_0008 scored 0.69 (every frame) and 0.72
(every third), box IoU 0.84, the eye distance 84 -> 95 px, while that video's steady
faces scored 0.88-1.0: the switch is missed and the second person goes on in the
first one's visit. A likeness this high overlaps steady faces under load (0.755), so
raising the threshold would split steady visitors; telling such pairs apart needs
another cue (an identity embedding, or a scale jump with a second look).
Also measured, on box crops: an equalised thumbnail, a 32x32 or 8x8 one, LBP
histograms and an 8-bin gradient-orientation grid: none separated better.
A jump of the box alone would miss a switch where both faces sit in the same
place, and an identity embedding would cost a third network per frame. So the look
stays the cheap first cue and the embedding is asked only where it cannot decide
(`LIKE_SIMILARITY`, `kiosk.vision.face_identity`, `VisionPipeline._check_switch`):
the tester's pair above is 0.82 apart by it, a steady face at most 0.26.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import cv2
import numpy as np

from kiosk.domain import Box

SIDE = 16
DOUBT_SIMILARITY = 0.3
"""A look of the primary face scoring from this up to `switch_similarity` (0.6) against
its look one frame before, with its box in place (`STILL_IOU`), is a doubt, not yet
another person: the next look decides (`VisionPipeline._check_switch`). Measured
2026-12-01 on the held-out videos' tune half (`kiosk.tools.heldout_videos`; every frame
and `--step-ms 400` seed 0): a steady face (steady2, Dwarakish_130, 15 fps) dipped to
0.39-0.60 in 12 single frames, box IoU 0.90-0.97, and was split into 13 tracks (the
frame after a dip was unlike the dip too); the 95 looks under 0.6 in the switch videos
(nearly all switches to another person) scored -0.53-0.59 (71 under 0.3), box IoU
0.57-0.97: 14 were doubts, a switch one look later."""
LIKE_SIMILARITY = 0.8
"""With face descriptors (`kiosk.vision.face_identity`), a look of the primary face at
least this alike to its look one frame before is the same face without asking them;
from `DOUBT_SIMILARITY` up to this the descriptors decide, under it the look alone
says another person. Measured 2026-12-01 with `kiosk.tools.identity_pairs` (every
shared photo drawn as `face_video` draws it, real detector): two different people
scored 0.8 or more in 9 of 27941 pairs (max 0.87), a steady face 0.4 s apart under 0.8
in 5 of 239 (min 0.55): the cue is cheap and nearly always right above 0.8, and the
0.55-0.8 band that held both steady faces and look-alikes (the tester's 0.69-0.72)
goes to the descriptors. Across a gap the looks are not trusted for "the same" (a
0.87-alike stranger would take over a visit): the descriptors decide there."""
STILL_IOU = 0.8
"""The box IoU with the frame before at or above which a face is in place (see
`DOUBT_SIMILARITY`); steady faces' dips measured 0.90-0.97."""
RETURNING_SIMILARITY = 0.8
"""The likeness at which a face after a gap is taken to be the last face before it
come back (`looks_back`): a face that starts a visit (`VisionResult.returning`; a
picked mood then holds), and a face that follows the lost primary within the visit
(it keeps the smoothed emotion; below this it is another person: a fresh reading and
`new_person`, until 2026-12-01 only below `switch_similarity`). Stricter than
`switch_similarity` (0.6), which compares looks one frame apart: a wrong yes gives a
stranger the previous shopper's mood, a wrong no has the camera read the mood again
(and, within the visit, starts the face a visit of its own). Measured 2026-12-01 (`face_video`,
5 fps, the real detector, a 4 s gap, 6 people): the same photo back 0.92-0.99; another
person 0.64 (Dwarakish_70 -> HrithikRoshan_222, above 0.6), else -0.02-0.30 (5 pairs);
with the 230 pairs above (max 0.65), 0.8 is clear of other people, while a steady face
can fall to 0.755, so a returning face that turned its head is read afresh."""


def looks_back(before: np.ndarray | None, now: np.ndarray | None) -> bool:
    """Is the face whose look is `now` the face of the look `before` come back after a
    gap (out of view, or its track lost)? Yes only at `RETURNING_SIMILARITY` or more;
    without both looks, no. The one test for "the same person again": the visit that
    starts (`VisionResult.returning`) and the track that follows a lost primary
    within the visit (it keeps the smoothed emotion only on a yes) both use it."""
    return (before is not None and now is not None
            and similarity(before, now) >= RETURNING_SIMILARITY)


def eye_box(landmarks: Sequence[tuple[float, float]]) -> Box | None:
    """The face's box placed by its eyes (the detector's first two landmarks):
    1.2 eye distances either side of their midpoint, 0.9 above and 1.9 below it.
    None without two distinct eyes."""
    if len(landmarks) < 2:
        return None
    (lx, ly), (rx, ry) = landmarks[0], landmarks[1]
    d = math.hypot(rx - lx, ry - ly)
    if d < 2:
        return None
    ex, ey = (lx + rx) / 2, (ly + ry) / 2
    return Box(ex - 1.2 * d, ey - 0.9 * d, ex + 1.2 * d, ey + 1.9 * d)


def signature(image_bgr: np.ndarray, box: Box,
              landmarks: Sequence[tuple[float, float]] = ()) -> np.ndarray | None:
    """(256,) float32 unit vector describing the face in `box` (placed by its eyes
    when `landmarks` has them, `eye_box`), None when it holds no pixels or no
    contrast."""
    box = eye_box(landmarks) or box
    h, w = image_bgr.shape[:2]
    x1, y1 = max(0, math.floor(box.x1)), max(0, math.floor(box.y1))
    x2, y2 = min(w, math.ceil(box.x2)), min(h, math.ceil(box.y2))
    if x2 - x1 < 2 or y2 - y1 < 2:
        return None
    patch = image_bgr[y1:y2, x1:x2]
    if patch.ndim == 3:
        patch = cv2.cvtColor(patch, cv2.COLOR_BGR2GRAY)
    thumb = cv2.resize(patch, (SIDE, SIDE), interpolation=cv2.INTER_AREA).astype(np.float32)
    thumb -= thumb.mean()
    norm = float(np.linalg.norm(thumb))
    if norm < 1e-3:
        return None
    return (thumb / norm).ravel()


def similarity(a: np.ndarray, b: np.ndarray) -> float:
    """Cosine similarity of two signatures, in [-1, 1]."""
    return float(np.dot(a, b))
