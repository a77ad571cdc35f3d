"""Far faces: where the kiosk looks for a visitor too small for the whole-frame scan.

The whole-frame scan sees the frame at `[vision] detect_width` (320), where a face
is found from about `MIN_INPUT_FACE_PX` (32) px wide at the network's input, so from
`FaceDetector.smallest_face_px` in the frame: 64 px on a 640x480 frame, a visitor
about 1.1 m from a ~70 degree webcam. Measured on 61 shared faces pasted at random
places in a 640x480 frame (face box widths 40 / 48 / 56 / 64 / 80 px; 2026-12-02):
the scan at 320 found 3 / 0 / 21 / 43 / 72 %.

Once nobody has been followed (no primary track) for `FAR_AFTER_STEPS` (30: 2 s at
15 fps) steps, `FarSearch` turns two steps in every `SCAN_TURN` (3) into *tile* steps:
one part of the frame, the size of the scan's input (`FaceDetector.scan_input`: 320x240
for a 640x480 frame, 320x180 for 1280x720: the same cost, the same frozen trace) at
`scale` input pixels per frame pixel, searched
with `FaceDetector.detect_region`; the next tile at the next tile step, round the
frame. The third step stays a whole-frame
scan, so a visitor walking up close is found within 3 steps. The first 30 steps stay
scans, as before: right after a visitor left (or looked away too long for their track),
or at start, the next face is most likely close, and a tile step in its place made a
close face appearing at once wait up to 2 steps (`kiosk-admin eval-video` on the
held-out switch videos, which begin with 1 s empty, moved by the shifted scans).
`scale` is `FAR_INPUT_FACE_PX` (53) over `[vision] min_face_px` (40): a face just
large enough to be read is 53 px wide at the input. The same faces as above, found by
the tiles at scale 0.8 / 1.0 / 1.33 / 1.6 (40 faces from 1.0 on):

  40 px: 36 / 57 / 90 / 97 %     48 px: 70 / 68 / 95 / 97 %
  56 px: 67 / 88 / 100 / 100 %   64 px: 87 / 95 / 100 / 100 %

(a whole-frame search at width 512, scale 0.8, found 33 / 51 / 61 / 87 %). Tiles
overlap by `smallest_face_px` across and 1.2 times that down, so a face the scan
may miss lies whole in one of them; at the scale where at most `MAX_TILES` (16) tiles
of 320x240 would do, a lower one where more would be needed (a scan input of another
shape takes the tiles that cover the frame at that scale). A 640x480 frame: 4x4
tiles of 242x181 frame pixels at scale 1.33, the frame searched in 24 steps (1.6 s
at 15 fps); 1280x720: 28 tiles of 320x180 (its scan's input) at scale 0.75 (faces
from about 70 px), searched in 42 steps (2.8 s; 320x240 tiles, 16 of them, made the
detector trace a second input shape: 11 MB more resident for good). The scan and one
round of tiles found 90 / 93 / 98 / 100 / 100 % of the widths above on 640x480 (60
faces; the scan alone 2 / 0 / 10 / 28 / 65 %), 33 / 57 / 68 / 78 / 95 % on 1280x720
(the scan alone none). Measured again for the 320x180 tiles (2026-12-02, 59 faces found
in every 4th shared photo, pasted at random places in 1280x720 frames, found by the
scan or by one tile): 56 / 78 / 76 / 86 / 97 %, against 61 / 83 / 81 / 88 / 98 % with
the 16 tiles of 320x240 on the same frames.

A tile step costs what a scan does and happens only while no face is followed, so a
visitor in front never pays for it. Once a far face is followed, the region steps
find it at their own scale (`kiosk.vision.focus`: every face of the set above, 32 to
80 px, in a region 1.5 times it), and a scan while the primary face is narrower than
`SMALL_FACTOR` (2) times `smallest_face_px` also searches that region
(`FocusSchedule`), so the periodic scan, blind to the face, does not lose it. While
such a face is followed, every step is such a scan (a near visitor coming is found at
once), and a near face that takes its place starts a visit of its own; the far face
then stays a bystander where it stands (`kiosk.vision.pipeline`).
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable

from kiosk.domain import Box

log = logging.getLogger(__name__)

# The input (w, h) the tile count `MAX_TILES` is for (a 640x480 frame's scan input at
# detect_width 320); a tile is the scan's own input, whose frozen trace the detector
# has: another shape would cost a trace of its own (11 MB resident, 28 MB on the step
# that traces it; `FaceDetector.detect_windows`).
TILE_SIZE = (320, 240)
# Width (px) a face is looked for at, at the tile's input, when it is `min_face_px`
# wide in the frame (the module docstring: about 90 % found at 53 px).
FAR_INPUT_FACE_PX = 53
MAX_TILES = 16
# One step in SCAN_TURN of the far search is a whole-frame scan.
SCAN_TURN = 3
# A primary face narrower than this times `smallest_face_px` is searched for by region
# at every scan too (the scan at detect_width finds 72 % of 80 px faces on 640 px).
SMALL_FACTOR = 2.0
# A face the scan finds, this many times as wide as a small primary face, taking its
# place is the visitor walking up (`FarSearch.nearer`, `kiosk.vision.pipeline`).
NEAR_OVER_FAR = 1.5
# Steps without a followed face before the far search starts (see the module docstring).
FAR_AFTER_STEPS = 30
# Tiles overlap by `smallest_face_px` across, this times it down (faces are taller).
OVERLAP_DOWN = 1.2


def starts(length: float, tile: float, overlap: float) -> list[float]:
    """Where tiles `tile` long start so that they cover 0..`length`, each overlapping
    the next by at least `overlap` (evenly spread; one centred tile when it covers
    everything)."""
    if tile >= length:
        return [(length - tile) / 2.0]
    if tile <= overlap:
        raise ValueError(f"a tile of {tile:.0f} px cannot overlap by {overlap:.0f} px")
    n = 1 + math.ceil((length - tile) / (tile - overlap) - 1e-9)
    return [i * (length - tile) / (n - 1) for i in range(n)]


def tiles(frame_size: tuple[int, int], scale: float, reach: float,
          tile_size: tuple[int, int] = TILE_SIZE) -> list[Box]:
    """The tiles (frame pixels, row by row) of a `frame_size` (w, h) frame, each
    `tile_size` (w, h) input pixels at `scale`, overlapping by `reach` across and
    `OVERLAP_DOWN` x `reach` down; [] when a tile cannot hold that overlap."""
    width, height = frame_size
    tw, th = tile_size[0] / scale, tile_size[1] / scale
    try:
        xs = starts(width, tw, reach)
        ys = starts(height, th, OVERLAP_DOWN * reach)
    except ValueError:
        return []
    return [Box(x, y, x + tw, y + th) for y in ys for x in xs]


def plan_tiles(frame_size: tuple[int, int], min_face_px: float, reach: float,
               tile_size: tuple[int, int] = TILE_SIZE) -> tuple[float, list[Box]]:
    """(scale, tiles) of the far search on `frame_size` frames with tiles of
    `tile_size` input pixels (the scan's input): the scale that makes a `min_face_px`
    face `FAR_INPUT_FACE_PX` wide, lowered in 5 % steps until at most `MAX_TILES` tiles
    of `TILE_SIZE` would cover the frame; then as many tiles of `tile_size` as cover it
    at that scale, so the faces found do not depend on the input's shape (a 1280x720
    frame: 28 tiles of 320x180, where 16 of 320x240 would do, each a quarter cheaper).
    (0.0, []) when the tiles would not find faces narrower than `reach`, the narrowest
    the whole-frame scan finds."""
    scale = FAR_INPUT_FACE_PX / max(1.0, float(min_face_px))
    while scale * reach > FAR_INPUT_FACE_PX:
        found = tiles(frame_size, scale, reach)
        if found and len(found) <= MAX_TILES:
            own = found if tile_size == TILE_SIZE else tiles(frame_size, scale, reach,
                                                             tile_size)
            if own:
                return scale, own
        scale *= 0.95
    return 0.0, []


class FarSearch:
    """The far search's turns (module docstring). One inference thread owns it.

    `reach(frame_width)`: the narrowest face (frame px) the whole-frame scan finds
    (`FaceDetector.smallest_face_px`); `scan_input(frame_size)`: the whole-frame scan's
    input (w, h) for frames of that size (`FaceDetector.scan_input`), each tile's input
    (`tile_size`)."""

    def __init__(self, min_face_px: float, reach: Callable[[int], int],
                 scan_input: Callable[[tuple[int, int]], tuple[int, int]]) -> None:
        self.min_face_px = float(min_face_px)
        self._reach = reach
        self._scan_input = scan_input
        self._frame_size = (0, 0)
        self.tile_size = TILE_SIZE
        self.scale = 0.0
        self._tiles: list[Box] = []
        self._turn = SCAN_TURN - 1  # the first tile comes after a scan
        self._next = 0
        self._idle = 0  # steps without a followed face

    def followed(self) -> None:
        """A face is followed: the next steps without one are scans again first."""
        self._idle = 0
        self._turn = SCAN_TURN - 1

    def tiles_for(self, frame_size: tuple[int, int]) -> list[Box]:
        """The tiles of `frame_size` frames (planned once per frame size)."""
        if frame_size != self._frame_size:
            self._frame_size = frame_size
            self.tile_size = self._scan_input(frame_size)
            self.scale, self._tiles = plan_tiles(
                frame_size, self.min_face_px, self._reach(frame_size[0]), self.tile_size)
            self._next = 0
            if self._tiles:
                log.info("far faces: while no face is followed, %d parts of the %dx%d frame "
                         "are searched in turn at %.2f input px per frame px, finding faces "
                         "from about %d px wide", len(self._tiles), *frame_size, self.scale,
                         self.smallest_px(frame_size))
        return self._tiles

    def smallest_px(self, frame_size: tuple[int, int]) -> int | None:
        """About the narrowest face (frame px) the tiles find on `frame_size` frames
        (`FAR_INPUT_FACE_PX` at their input); None when there are no tiles."""
        if not self.tiles_for(frame_size):
            return None
        return round(FAR_INPUT_FACE_PX / self.scale)

    def next_tile(self, frame_size: tuple[int, int]) -> Box | None:
        """The tile this step searches, or None: this step is a whole-frame scan."""
        found = self.tiles_for(frame_size)
        self._idle += 1
        if self._idle <= FAR_AFTER_STEPS:
            return None
        self._turn = (self._turn + 1) % SCAN_TURN
        if not found or self._turn == 0:
            return None
        tile = found[self._next % len(found)]
        self._next = (self._next + 1) % len(found)
        return tile

    def small(self, box: Box, frame_width: int) -> bool:
        """A face of `box` is one the whole-frame scan may well miss."""
        return box.width < SMALL_FACTOR * self._reach(frame_width)

    def nearer(self, new: Box, old: Box, frame_width: int) -> bool:
        """A face of `new` is one the whole-frame scan finds (at least its reach wide)
        and clearly nearer than `old` (`NEAR_OVER_FAR` times as wide). Not "not
        `small`": on a 1280x720 camera (reach 128 px) a visitor 200 px wide is `small`
        too, so a visitor walking up to a kiosk whose far search followed a bystander
        took over the bystander's visit, and the bystander started a visit after every
        visitor (tester round 24: 3 false visits where 640x480 had 1)."""
        return (new.width >= self._reach(frame_width)
                and new.width >= NEAR_OVER_FAR * old.width)
