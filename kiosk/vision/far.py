"""Far faces: where the kiosk looks for a visitor too small for the whole-frame scan.

The whole-frame scan sees the frame at `[vision] detect_width` (320), where a face
is found from about `MIN_INPUT_FACE_PX` (32) px wide at the network's input, so from
`FaceDetector.smallest_face_px` in the frame: 64 px on a 640x480 frame, a visitor
about 1.1 m from a ~70 degree webcam. Measured on 61 shared faces pasted at random
places in a 640x480 frame (face box widths 40 / 48 / 56 / 64 / 80 px; 2026-12-02):
the scan at 320 found 3 / 0 / 21 / 43 / 72 %.

Once nobody has been followed (no primary track) for `FAR_AFTER_STEPS` (30: 2 s at
15 fps) steps, `FarSearch` turns two steps in every `SCAN_TURN` (3) into *tile* steps:
one part of the frame, `TILE_SIZE` (320x240, the input of a 640x480 frame's scan: the
same cost, the same frozen trace) at `scale` input pixels per frame pixel, searched
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
may miss lies whole in one of them; at most `MAX_TILES` (16) tiles, a lower scale
where more would be needed. A 640x480 frame: 4x4 tiles of 242x181 frame pixels at
scale 1.33, the frame searched in 24 steps (1.6 s at 15 fps); 1280x720: 16 tiles at
scale 0.75 (faces from about 70 px). The scan and one round of tiles found 90 / 93 /
98 / 100 / 100 % of the widths above on 640x480 (60 faces; the scan alone 2 / 0 / 10 /
28 / 65 %), 33 / 57 / 68 / 78 / 95 % on 1280x720 (the scan alone none).

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

# Input (w, h) of a tile: a 640x480 frame's scan input, whose trace the detector has.
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


def tiles(frame_size: tuple[int, int], scale: float, reach: float) -> list[Box]:
    """The tiles (frame pixels, row by row) of a `frame_size` (w, h) frame at
    `scale`, overlapping by `reach` across and `OVERLAP_DOWN` x `reach` down; [] when
    a tile cannot hold that overlap."""
    width, height = frame_size
    tw, th = TILE_SIZE[0] / scale, TILE_SIZE[1] / scale
    try:
        xs = starts(width, tw, reach)
        ys = starts(height, th, OVERLAP_DOWN * reach)
    except ValueError:
        return []
    return [Box(x, y, x + tw, y + th) for y in ys for x in xs]


def plan_tiles(frame_size: tuple[int, int], min_face_px: float, reach: float
               ) -> tuple[float, list[Box]]:
    """(scale, tiles) of the far search on `frame_size` frames: the scale that makes a
    `min_face_px` face `FAR_INPUT_FACE_PX` wide, lowered in 5 % steps until at most
    `MAX_TILES` tiles cover the frame. (0.0, []) when the tiles would not find faces
    narrower than `reach`, the narrowest the whole-frame scan finds."""
    scale = FAR_INPUT_FACE_PX / max(1.0, float(min_face_px))
    while scale * reach > FAR_INPUT_FACE_PX:
        found = tiles(frame_size, scale, reach)
        if found and len(found) <= MAX_TILES:
            return scale, found
        scale *= 0.95
    return 0.0, []


class FarSearch:
    """The far search's turns (module docstring). One inference thread owns it.

    `reach(frame_width)`: the narrowest face (frame px) the whole-frame scan finds
    (`FaceDetector.smallest_face_px`)."""

    def __init__(self, min_face_px: float, reach: Callable[[int], int]) -> None:
        self.min_face_px = float(min_face_px)
        self._reach = reach
        self._frame_size = (0, 0)
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
            self.scale, self._tiles = plan_tiles(
                frame_size, self.min_face_px, self._reach(frame_size[0]))
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
