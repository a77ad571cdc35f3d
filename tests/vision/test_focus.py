"""Detect-then-track (`kiosk.vision.focus`): the schedule of whole-frame scans and
region steps, the region search on real faces, and the pipeline following a face
through region steps while still finding second faces at the scans."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from kiosk.config import VisionSettings
from kiosk.domain import Box, Emotion, EmotionReading, Face, Frame
from kiosk.vision.detector import MODEL_FILE, FaceDetector
from kiosk.vision.evaluate import frame_from_face
from kiosk.vision.focus import FocusSchedule, Look, find_faces, inside, region_around
from kiosk.vision.pipeline import VisionPipeline
from kiosk.vision.tracking import IouTracker, Track

MODELS = Path(__file__).resolve().parents[2] / "resources" / "models"
FACES = Path(__file__).resolve().parents[3] / "shared" / "data" / "faces"
FACE = Box(250, 150, 390, 330)
OTHER = Box(20, 20, 100, 110)


def track(box: Box = FACE, *, visible: bool = True) -> Track:
    return Track(1, box, Face(box, 0.99), 0.0, 0.0, misses=0 if visible else 1)


def test_scan_every_1_searches_the_whole_frame_and_classifies_every_step() -> None:
    schedule = FocusSchedule(1)
    looks = [schedule.plan(track()) for _ in range(4)]
    assert all(look.scan and look.classify for look in looks)


def test_regions_between_scans_and_periodic_scans_do_not_classify() -> None:
    schedule = FocusSchedule(3)
    first = schedule.plan(None)  # nobody yet: a scan, and a face found is read at once
    assert first.scan and first.classify
    looks = [schedule.plan(track()) for _ in range(6)]
    assert [look.scan for look in looks] == [False, False, True, False, False, True]
    assert [look.classify for look in looks] == [True, True, False, True, True, False]
    assert looks[0].region is not None and inside(FACE, looks[0].region)
    lost = schedule.plan(track(visible=False))  # the region lost the face: scan now
    assert lost.scan and lost.classify
    schedule.plan(track())
    schedule.reset()
    assert schedule.plan(track()).scan
    with pytest.raises(ValueError, match="scan_every"):
        FocusSchedule(0)


def test_region_holds_the_face_with_a_margin_at_the_input_aspect() -> None:
    region = region_around(FACE)
    assert region.center == FACE.center
    assert region.height == pytest.approx(1.5 * max(180, 140 / 0.75))  # holds its width too
    assert region.width / region.height == pytest.approx(0.75)
    wide = region_around(Box(0, 0, 300, 100))
    assert wide.width >= 1.5 * 300 - 1e-9


class _Fixed:
    """Finds `faces` in any region (and in the whole frame)."""

    def __init__(self, faces: list[Face]) -> None:
        self.faces = faces
        self.regions: list[Box] = []

    def detect(self, image_bgr: np.ndarray) -> list[Face]:
        return list(self.faces)

    def detect_region(self, image_bgr: np.ndarray, region: Box) -> list[Face]:
        self.regions.append(region)
        return list(self.faces)


def test_region_faces_cut_by_its_edge_are_dropped_and_the_face_gets_the_scan_size() -> None:
    region = region_around(FACE)
    near = Face(Box(255, 155, 405, 345), 0.95)  # the tracked face, a bit larger here
    cut = Face(Box(region.x2 - 20, 200, region.x2 + 60, 300), 0.9)
    look = Look(region, classify=True, size=(FACE.width, FACE.height))
    faces = find_faces(_Fixed([near, cut]), np.zeros((480, 640, 3), np.uint8), look)
    assert len(faces) == 1
    assert faces[0].box.center == near.box.center
    assert (faces[0].box.width, faces[0].box.height) == (FACE.width, FACE.height)


def test_tracks_outside_the_searched_region_neither_miss_nor_expire() -> None:
    tracker = IouTracker(max_missed=1)
    tracker.update([Face(FACE, 0.9), Face(OTHER, 0.9)], 0.0, (640, 480))
    region = region_around(FACE)
    for i in range(1, 5):
        tracks = tracker.update([Face(FACE, 0.9)], i / 15, (640, 480), region)
    assert len(tracks) == 2 and all(t.visible for t in tracks)
    tracks = tracker.update([Face(FACE, 0.9)], 0.4, (640, 480))  # a scan without it
    assert [t.box for t in tracks if t.visible] == [FACE]


class _Happy:
    def __init__(self) -> None:
        self.calls = 0

    def classify(self, image_bgr: np.ndarray, box: Box) -> EmotionReading:
        self.calls += 1
        return EmotionReading(Emotion.HAPPY, 0.9, {Emotion.HAPPY: 0.9, Emotion.CALM: 0.1})


def test_pipeline_follows_the_face_in_regions_and_finds_a_second_face_at_a_scan() -> None:
    image = np.random.default_rng(3).integers(0, 256, size=(480, 640, 3), dtype=np.uint8)
    detector = _Fixed([Face(FACE, 0.99)])
    classifier = _Happy()
    pipeline = VisionPipeline(detector, classifier, VisionSettings(scan_every=4))
    try:
        results = [pipeline.process(Frame(image, i, i / 15)) for i in range(6)]
        assert [r.scanned for r in results] == [True, False, False, False, True, False]
        assert classifier.calls == 5  # every step but the periodic scan
        assert results[-1].reading is not None and results[-1].reading.emotion is Emotion.HAPPY
        detector.faces = [Face(FACE, 0.99), Face(OTHER, 0.9)]  # someone else steps in
        later = [pipeline.process(Frame(image, i, i / 15)) for i in range(6, 10)]
        # The region about the primary face cannot see them; the next scan (step 8) does.
        assert [len(r.tracks) for r in later] == [1, 1, 2, 2]
        assert later[-1].primary_box == FACE
    finally:
        pipeline.close()


@pytest.mark.faces
def test_region_search_finds_real_faces_where_the_whole_frame_does() -> None:
    if not (FACES / "labels.csv").is_file():
        pytest.skip(f"real faces not available: {FACES} is missing (../shared beside the repo)")
    detector = FaceDetector(MODELS / MODEL_FILE, detect_width=320, threshold=0.8)
    paths = sorted((FACES / "images").glob("*.jpg"))[::25]
    assert len(paths) >= 8
    for path in paths:
        image = cv2.imread(str(path), cv2.IMREAD_COLOR)
        assert image is not None, path
        frame = frame_from_face(image, photo_height=240)
        whole = detector.detect(frame)
        if not whole:
            continue
        box = whole[0].box
        # The region about the face, also shifted as if the face had moved since.
        for dx in (0.0, 0.2 * box.width):
            region = region_around(Box(box.x1 + dx, box.y1, box.x2 + dx, box.y2))
            found = [f for f in detector.detect_region(frame, region) if inside(f.box, region)]
            assert found, path.name
            assert found[0].box.iou(box) > 0.75, path.name
            cx, cy = found[0].box.center
            assert abs(cx - box.center[0]) < 0.08 * box.width, path.name
            assert abs(cy - box.center[1]) < 0.08 * box.height, path.name
    # A region reaching past the frame's edge maps back to frame pixels too.
    edge = Box(-100, -100, 200, 300)
    assert detector.detect_region(np.zeros((480, 640, 3), np.uint8), edge) == []
