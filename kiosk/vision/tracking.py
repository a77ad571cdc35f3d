"""Face tracks across frames, and which of them is the visitor the kiosk serves.

`IouTracker` links each frame's detections to the tracks of the previous frames by
box overlap (greedy, highest IoU first, IoU >= `iou_threshold`). A detection that
matches no track starts a new one; a track that matches nothing coasts on its last
box and expires after `max_missed` missed frames or `max_missed_s` seconds without
a match, whichever comes first. When a frame was searched only in a region
(`kiosk.vision.focus`), tracks outside that region were not looked for and stay as
they were.

Primary visitor rule
--------------------
Each track scores ``area_fraction * centrality`` where ``area_fraction`` is the box
area over the frame area and ``centrality = 1 - d / d_max`` (``d``: distance from the
box centre to the frame centre, ``d_max``: centre-to-corner distance), so a large
face in the middle of the picture wins over a small one at the edge. When there is
no primary, the best-scoring visible track becomes primary. The current primary
stays primary while its track lives (also while it coasts through a short detector
dropout) unless a visible track scores more than ``stickiness`` (1.5) times as much:
a passer-by never steals the screen from the visitor standing in front of it. A
caller can bar tracks from becoming primary when there is none (`update`'s
`barred`: the pipeline bars the faces seen beside the visitor, so a bystander does
not carry on the visitor's visit; `barred_at`: faces at these places, where a far
bystander stood).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from kiosk.domain import Box, Face


@dataclass(slots=True)
class Track:
    """One face followed across frames.

    `age`: frames since the track started; `hits`: frames it was matched in;
    `misses`: consecutive frames without a match (0 means seen in the last frame);
    `first_seen`/`last_seen`: frame timestamps of its first and latest match."""

    id: int
    box: Box
    face: Face
    first_seen: float
    last_seen: float
    age: int = 1
    hits: int = 1
    misses: int = 0

    @property
    def visible(self) -> bool:
        """Matched in the latest frame."""
        return self.misses == 0


def primary_score(box: Box, frame_size: tuple[int, int]) -> float:
    """``area_fraction * centrality`` of `box` in a frame of `frame_size` (w, h)."""
    width, height = frame_size
    if width <= 0 or height <= 0:
        return 0.0
    area_fraction = min(1.0, box.area / float(width * height))
    cx, cy = box.center
    d = math.hypot(cx - width / 2.0, cy - height / 2.0)
    d_max = math.hypot(width / 2.0, height / 2.0)
    centrality = max(0.0, 1.0 - d / d_max)
    return area_fraction * centrality


def _looked_at(box: Box, region: Box | None) -> bool:
    if region is None:
        return True
    cx, cy = box.center
    return region.x1 <= cx <= region.x2 and region.y1 <= cy <= region.y2


class IouTracker:
    """Greedy IoU tracker with a sticky primary track (see the module docstring)."""

    def __init__(
        self,
        *,
        iou_threshold: float = 0.3,
        max_missed: int = 15,
        max_missed_s: float = 1.0,
        stickiness: float = 1.5,
    ) -> None:
        self.iou_threshold = iou_threshold
        self.max_missed = max_missed
        self.max_missed_s = max_missed_s
        self.stickiness = stickiness
        self._tracks: dict[int, Track] = {}
        self._ids = itertools.count(1)
        self._primary_id: int | None = None
        self._frame_size: tuple[int, int] = (0, 0)

    @property
    def tracks(self) -> list[Track]:
        """Live tracks (visible or coasting), oldest first."""
        return list(self._tracks.values())

    @property
    def primary(self) -> Track | None:
        return self._tracks.get(self._primary_id) if self._primary_id is not None else None

    def get(self, track_id: int) -> Track | None:
        return self._tracks.get(track_id)

    def score(self, track: Track) -> float:
        return primary_score(track.box, self._frame_size)

    def restart(self, track_id: int, timestamp: float) -> Track | None:
        """Give the face of `track_id` a fresh track (another person took its place):
        same box, new id, counted from `timestamp`; primary status moves with it."""
        old = self._tracks.pop(track_id, None)
        if old is None:
            return None
        new = Track(next(self._ids), old.box, old.face, timestamp, timestamp)
        self._tracks[new.id] = new
        if self._primary_id == track_id:
            self._primary_id = new.id
        return new

    def reset(self) -> None:
        """Forget every track (ids keep counting up, so old ids are never reused)."""
        self._tracks.clear()
        self._primary_id = None

    def update(
        self, faces: Sequence[Face], timestamp: float, frame_size: tuple[int, int],
        region: Box | None = None, barred: Collection[int] = (),
        barred_at: Sequence[Box] = (),
    ) -> list[Track]:
        """Fold one frame's detections in; return the live tracks.

        `region`: the detections come from this part of the frame only
        (`kiosk.vision.focus`); a track whose centre lies outside it was not looked
        for, so it neither misses nor expires: it stays as it was. `barred`: track
        ids that do not become primary when there is none (a current primary is
        still taken over as the module docstring says); `barred_at`: nor do tracks whose
        box overlaps one of these boxes (IoU at least `iou_threshold`)."""
        self._frame_size = frame_size
        tracks = list(self._tracks.values())
        pairs = sorted(
            (
                (track.box.iou(face.box), ti, fi)
                for ti, track in enumerate(tracks)
                for fi, face in enumerate(faces)
            ),
            key=lambda p: p[0],
            reverse=True,
        )
        matched_tracks: set[int] = set()
        matched_faces: set[int] = set()
        for iou, ti, fi in pairs:
            if iou < self.iou_threshold:
                break
            if ti in matched_tracks or fi in matched_faces:
                continue
            matched_tracks.add(ti)
            matched_faces.add(fi)
            track, face = tracks[ti], faces[fi]
            track.box, track.face = face.box, face
            track.hits += 1
            track.misses = 0
            track.last_seen = timestamp

        for ti, track in enumerate(tracks):
            track.age += 1
            if ti not in matched_tracks and _looked_at(track.box, region):
                track.misses += 1
                expired = (
                    track.misses > self.max_missed
                    or timestamp - track.last_seen > self.max_missed_s
                )
                if expired:
                    del self._tracks[track.id]

        for fi, face in enumerate(faces):
            if fi not in matched_faces:
                new = Track(next(self._ids), face.box, face, timestamp, timestamp)
                self._tracks[new.id] = new

        self._choose_primary(barred, barred_at)
        return self.tracks

    def _choose_primary(self, barred: Collection[int], barred_at: Sequence[Box]) -> None:
        visible = [t for t in self._tracks.values() if t.visible]
        current = self.primary
        if current is None:
            free = [t for t in visible if t.id not in barred and all(
                t.box.iou(b) < self.iou_threshold for b in barred_at)]
            best = max(free, key=self.score, default=None)
            self._primary_id = best.id if best is not None else None
            return
        rivals = [t for t in visible if t.id != current.id]
        best = max(rivals, key=self.score, default=None)
        if best is not None and self.score(best) > self.stickiness * self.score(current):
            self._primary_id = best.id
