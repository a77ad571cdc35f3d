"""Detect-then-track: where the next step looks for faces, and whether it classifies.

A full-frame detection is most of a vision step's cost (RetinaFace on the frame
scaled to `detect_width`), yet while a visitor stands in front of the kiosk their
face moves a little from one frame to the next. So, as MediaPipe's face pipelines
do, the full frame is searched only every `[vision] scan_every` steps (a *scan*);
in between, only a square region about the primary visitor's tracked face is
(`margin` times its larger side, centred on it; `FaceDetector.detect_region`
scales it to a small fixed input, `ROI_SIZE` px, where the face is about half the
input whatever its size in the frame).

* A scan happens every `scan_every` steps, and at once whenever there is no
  visible primary face (nobody yet, or the region lost the face last step): a
  second face, or a face that moved too far for the region, is found within
  `scan_every` steps.
* Scan steps do not classify: a scan costs about as much as a region detection and
  both models together, so a step that did both would be the slowest step by far.
  The smoother simply gets one sample fewer in `scan_every`; the first reading of a
  new face comes one step after the scan that found it.
* Faces found in the region but not inside it (cut by its edge: a neighbour's
  partial face) are dropped; the next scan sees them whole.
* Tracks whose box lies outside the region were not looked for: the tracker keeps
  them as they were at the last scan instead of counting a miss
  (`IouTracker.update(region=...)`).

Far faces (`kiosk.vision.far`), with a detector that says how small a face its scan
finds (`FarDetector`, the real one):

* Once there has been no primary track for `FAR_AFTER_STEPS` steps, two steps in three
  search one tile of the frame at a higher scale (`FarSearch`) instead of the whole
  frame: a visitor too far for the
  scan is found there, and followed by region steps like any face.
* A scan while the primary face is small (`FarSearch.small`: under twice the
  narrowest face the scan finds) also searches the region about it (`Look.also`), and
  its faces replace the scan's where they overlap: the scan, blind or half blind to
  the face, does not lose it, and the face's size is refreshed from the region's box
  (for faces of 32-80 px it is the whole-frame box within 1 %, median).
* While the primary face is small, the steps between those scans are such scans too
  (they classify, and give the face the size of the last periodic scan, as region
  steps do): a visitor walking up close to the kiosk while a far face (a bystander in
  the background) is followed is found on their first frame, not at the next scan.
  With region steps alone they were found up to `scan_every - 1` steps late, the far
  face's emotion shown meanwhile (`kiosk-admin eval-video` with `face_video
  --bystander`: a flip and a second track per visitor).

`scan_every = 1`, or a detector without `detect_region` (test fakes), searches the
whole frame and classifies at every step, as before.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Protocol, runtime_checkable

import numpy as np

from kiosk.domain import Box, Face
from kiosk.vision.far import FarSearch
from kiosk.vision.tracking import Track

# Region size over the tracked face's size (at least, in both directions).
MARGIN = 1.5
# The region's width over its height: that of `detector.ROI_SIZE` (faces are taller than wide).
ASPECT = 0.75
# How far (share of the region's side) a kept face may reach past the region's edge.
EDGE_TOLERANCE = 0.05
# A scan's face overlapping a face of its `also` region this much (IoU) is that face.
OVERLAP_IOU = 0.3


@runtime_checkable
class RegionDetector(Protocol):
    """A detector that can also search one region of the frame."""

    def detect(self, image_bgr: np.ndarray, /) -> list[Face]: ...
    def detect_region(self, image_bgr: np.ndarray, region: Box, /) -> list[Face]: ...


@runtime_checkable
class FarDetector(Protocol):
    """A region detector that also takes the region's input size, says the
    narrowest face (frame px) its whole-frame search finds and that search's input
    size, and searches an image of another shape as that search would (`FaceDetector`)."""

    detect_width: int

    def detect(self, image_bgr: np.ndarray, /) -> list[Face]: ...
    def detect_region(self, image_bgr: np.ndarray, region: Box,
                      size: tuple[int, int] | None = None, /) -> list[Face]: ...
    def smallest_face_px(self, frame_width: int, /) -> int: ...
    def scan_input(self, frame_size: tuple[int, int], /) -> tuple[int, int]: ...
    def detect_windows(self, image_bgr: np.ndarray, frame_size: tuple[int, int], /
                       ) -> list[Face]: ...


@dataclass(frozen=True, slots=True)
class Look:
    """What one step does: search `region` (frame pixels), or the whole frame when
    None (a scan); and whether it classifies the primary face. `size`: the primary
    face's (width, height) at the last scan, given to the face found nearest the
    centre of `region` (or of `also`; see the module docstring). `tile`: `region` is
    a tile of the far search, searched at this input (w, h) size. `also`: a scan also
    searches this region about a small primary face."""

    region: Box | None
    classify: bool
    size: tuple[float, float] | None = None
    tile: tuple[int, int] | None = None
    also: Box | None = None

    @property
    def scan(self) -> bool:
        return self.region is None


def region_around(box: Box, margin: float = MARGIN, aspect: float = ASPECT) -> Box:
    """The smallest region of width/height `aspect` holding `box` grown `margin`
    times, centred on it (it may reach past the frame's edges)."""
    height = margin * max(box.height, box.width / aspect)
    half_w, half_h = aspect * height / 2.0, height / 2.0
    cx, cy = box.center
    return Box(cx - half_w, cy - half_h, cx + half_w, cy + half_h)


def inside(box: Box, region: Box, tolerance: float = EDGE_TOLERANCE) -> bool:
    """`box` lies within `region`, give or take `tolerance` x the region's side."""
    pad = tolerance * max(region.width, region.height)
    return (box.x1 >= region.x1 - pad and box.y1 >= region.y1 - pad
            and box.x2 <= region.x2 + pad and box.y2 <= region.y2 + pad)


class FocusSchedule:
    """Plans each step's `Look` (module docstring). One inference thread owns it."""

    def __init__(self, scan_every: int = 5, margin: float = MARGIN,
                 far: FarSearch | None = None) -> None:
        if scan_every < 1:
            raise ValueError(f"scan_every must be at least 1, got {scan_every}")
        self.scan_every = int(scan_every)
        self.margin = float(margin)
        self.far = far if scan_every > 1 else None
        self._since_scan = 0
        self._size: tuple[float, float] | None = None

    def reset(self) -> None:
        """The next step scans."""
        self._since_scan = self.scan_every

    def plan(self, primary: Track | None, frame_size: tuple[int, int] = (0, 0)) -> Look:
        """The next step's look, from the primary track as the last step left it, on
        frames of `frame_size` (w, h; the far search's tiles)."""
        if self.scan_every == 1:
            return Look(None, classify=True)
        following = primary is not None and primary.visible
        also = None
        if self.far is not None and primary is not None and self.far.small(
                primary.box, frame_size[0]):
            also = region_around(primary.box, self.margin)
        if self.far is not None and primary is not None:
            self.far.followed()
        if not following:
            self._since_scan = 0
            if primary is None and self.far is not None:
                tile = self.far.next_tile(frame_size)
                if tile is not None:
                    return Look(tile, classify=True, tile=self.far.tile_size)
            return Look(None, classify=True, also=also)
        if self._since_scan >= self.scan_every - 1:
            self._since_scan = 0
            return Look(None, classify=False, also=also)
        assert primary is not None
        self._since_scan += 1
        if also is not None:  # a small face: the whole frame too, for a near face coming
            return Look(None, classify=True, size=self._size, also=also)
        return Look(region_around(primary.box, self.margin), classify=True, size=self._size)

    def observed(self, look: Look, primary: Track | None) -> None:
        """After the tracker took the step's faces: a scan (or a far search's tile)
        that saw the primary face sets the size its region steps give it."""
        if (look.scan and look.size is None) or look.tile is not None:
            seen = primary is not None and primary.visible
            self._size = (primary.box.width, primary.box.height) if primary and seen else None


def find_faces(detector: RegionDetector, image_bgr: np.ndarray, look: Look) -> list[Face]:
    """The faces of one step: the whole frame's on a scan (with those of its `also`
    region in place of the ones they overlap), else those inside the region, best
    first."""
    if look.region is None:
        faces = detector.detect(image_bgr)
        if look.also is None:
            return faces
        near = sized([f for f in detector.detect_region(image_bgr, look.also)
                      if inside(f.box, look.also)], look.also, look.size)
        rest = [f for f in faces if all(f.box.iou(n.box) < OVERLAP_IOU for n in near)]
        return sorted(near + rest, key=lambda f: -f.score)
    region = look.region
    if look.tile is not None:
        assert isinstance(detector, FarDetector)
        return [f for f in detector.detect_region(image_bgr, region, look.tile)
                if inside(f.box, region)]
    faces = [f for f in detector.detect_region(image_bgr, region) if inside(f.box, region)]
    return sized(faces, region, look.size)


def sized(faces: list[Face], region: Box, size: tuple[float, float] | None) -> list[Face]:
    """`faces` found in `region`, the one nearest its centre given the (width, height)
    `size` (None: as found)."""
    if size is None or not faces:
        return faces
    cx, cy = region.center
    nearest = min(range(len(faces)), key=lambda i: math.dist(faces[i].box.center, (cx, cy)))
    face = faces[nearest]
    faces[nearest] = replace(face, box=resized(face.box, size))
    return faces


def resized(box: Box, size: tuple[float, float]) -> Box:
    """`box` with the (width, height) `size`, same centre."""
    cx, cy = box.center
    w, h = size
    return Box(cx - w / 2.0, cy - h / 2.0, cx + w / 2.0, cy + h / 2.0)
