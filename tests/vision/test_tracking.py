"""IoU tracker and the sticky primary-visitor rule."""

from __future__ import annotations

import pytest

from kiosk.domain import Box, Face
from kiosk.vision.tracking import IouTracker, primary_score

FRAME = (640, 480)


def face(x1: float, y1: float, x2: float, y2: float) -> Face:
    return Face(Box(x1, y1, x2, y2), 0.99)


def test_same_face_keeps_its_id_while_moving() -> None:
    tracker = IouTracker()
    ids = set()
    for i in range(20):
        tracks = tracker.update([face(200 + i * 3, 150, 300 + i * 3, 250)], i / 15, FRAME)
        assert len(tracks) == 1
        ids.add(tracks[0].id)
    (track,) = tracker.tracks
    assert len(ids) == 1
    assert track.hits == 20 and track.age == 20 and track.misses == 0
    assert track.last_seen == pytest.approx(19 / 15)


def test_greedy_matching_prefers_highest_iou() -> None:
    tracker = IouTracker()
    tracker.update([face(0, 0, 100, 100), face(300, 0, 400, 100)], 0.0, FRAME)
    first = {t.box.x1: t.id for t in tracker.tracks}
    tracker.update([face(305, 5, 405, 105), face(5, 5, 105, 105)], 0.1, FRAME)
    after = {round(t.box.x1): t.id for t in tracker.tracks}
    assert after == {5: first[0], 305: first[300]}


def test_low_iou_starts_a_new_track() -> None:
    tracker = IouTracker()
    tracker.update([face(0, 0, 100, 100)], 0.0, FRAME)
    tracker.update([face(90, 90, 190, 190)], 0.1, FRAME)  # IoU ~0.005 < 0.3
    assert len(tracker.tracks) == 2


def test_track_coasts_then_expires_after_missed_frames() -> None:
    tracker = IouTracker(max_missed=3, max_missed_s=100.0)
    tracker.update([face(0, 0, 100, 100)], 0.0, FRAME)
    for i in range(1, 4):
        tracks = tracker.update([], i * 0.01, FRAME)
        assert len(tracks) == 1 and not tracks[0].visible
    assert tracker.update([], 0.04, FRAME) == []


def test_track_expires_after_missed_seconds() -> None:
    tracker = IouTracker(max_missed=1000, max_missed_s=1.0)
    tracker.update([face(0, 0, 100, 100)], 0.0, FRAME)
    assert len(tracker.update([], 0.9, FRAME)) == 1
    assert tracker.update([], 1.1, FRAME) == []


def test_primary_score_prefers_large_and_central() -> None:
    centre = Box(270, 190, 370, 290)
    corner = Box(0, 0, 100, 100)
    big_centre = Box(220, 140, 420, 340)
    assert primary_score(centre, FRAME) > primary_score(corner, FRAME)
    assert primary_score(big_centre, FRAME) > primary_score(centre, FRAME)
    assert primary_score(Box(0, 0, 0, 0), FRAME) == 0.0


def test_first_primary_is_best_scoring_visible_track() -> None:
    tracker = IouTracker()
    tracker.update([face(0, 0, 80, 80), face(260, 180, 380, 300)], 0.0, FRAME)
    assert tracker.primary is not None
    assert tracker.primary.box == Box(260, 180, 380, 300)


def test_primary_is_sticky_until_a_rival_scores_over_one_and_a_half_times() -> None:
    tracker = IouTracker()
    visitor = face(270, 190, 370, 290)  # 100x100, centred
    tracker.update([visitor], 0.0, FRAME)
    primary = tracker.primary
    assert primary is not None
    # A somewhat larger face near the centre: better score but not 1.5x -> no switch.
    rival = face(180, 160, 300, 280)
    tracker.update([visitor, rival], 0.1, FRAME)
    scores = {t.box: tracker.score(t) for t in tracker.tracks}
    assert 1.0 < scores[rival.box] / scores[visitor.box] <= 1.5
    assert tracker.primary is not None and tracker.primary.id == primary.id
    # The rival steps right up to the camera: > 1.5x -> it becomes primary.
    close = face(170, 100, 420, 380)
    tracker.update([visitor, close], 0.2, FRAME)  # low IoU with the rival: new track
    assert tracker.primary is not None and tracker.primary.box == close.box


def test_primary_survives_a_short_dropout_and_is_replaced_after_expiry() -> None:
    tracker = IouTracker(max_missed=2, max_missed_s=10.0)
    tracker.update([face(270, 190, 370, 290)], 0.0, FRAME)
    primary_id = tracker.primary.id if tracker.primary else None
    other = face(0, 0, 60, 60)
    tracker.update([other], 0.1, FRAME)  # visitor missed once, passer-by appears
    assert tracker.primary is not None and tracker.primary.id == primary_id
    tracker.update([other], 0.2, FRAME)
    tracker.update([other], 0.3, FRAME)  # visitor's track expired
    assert tracker.primary is not None and tracker.primary.box == other.box


def test_reset_forgets_tracks_and_never_reuses_ids() -> None:
    tracker = IouTracker()
    tracker.update([face(0, 0, 100, 100)], 0.0, FRAME)
    old = tracker.tracks[0].id
    tracker.reset()
    assert tracker.tracks == [] and tracker.primary is None
    tracker.update([face(0, 0, 100, 100)], 0.1, FRAME)
    assert tracker.tracks[0].id != old
