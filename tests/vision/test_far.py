"""Far faces (`kiosk.vision.far`): a visitor too small for the whole-frame scan is
found by the far search's tiles while nobody is followed, and followed steadily
through the periodic scans; a face at the normal distance is searched as before."""

from __future__ import annotations

import math
from pathlib import Path

import cv2
import numpy as np
import pytest

from kiosk.config import VisionSettings
from kiosk.domain import Box, Emotion, EmotionReading, Face, Frame
from kiosk.tools.face_video import background, render_frame
from kiosk.vision.detector import MODEL_FILE, FaceDetector
from kiosk.vision.far import (
    FAR_AFTER_STEPS,
    MAX_TILES,
    TILE_SIZE,
    FarSearch,
    plan_tiles,
)
from kiosk.vision.focus import FarDetector, FocusSchedule
from kiosk.vision.pipeline import VisionPipeline, VisionResult

MODELS = Path(__file__).resolve().parents[2] / "resources" / "models"
FAR = Box(296, 210, 344, 270)  # 48 px wide in a 640x480 frame: a visitor at ~1.4 m
NEAR = Box(225, 120, 415, 360)  # 190 px wide: face_video's face at the normal distance
# Steps until the far search has looked everywhere: after FAR_AFTER_STEPS scans, two
# tiles in three steps.
CYCLE_STEPS = FAR_AFTER_STEPS + math.ceil(MAX_TILES * 3 / 2)


def reach(width: int) -> int:
    return math.ceil(32 * width / 320)


def scan_input(frame_size: tuple[int, int]) -> tuple[int, int]:
    return 320, round(frame_size[1] * 320 / frame_size[0])


def test_tiles_cover_a_640x480_frame_at_the_scale_for_min_face_px() -> None:
    scale, found = plan_tiles((640, 480), 40, reach(640))
    assert scale == pytest.approx(53 / 40) and len(found) == MAX_TILES
    assert all(t.width == pytest.approx(TILE_SIZE[0] / scale) for t in found)
    # any face the scan may miss (up to 64 x 77 px) lies whole in some tile
    for x in range(0, 640 - 64, 7):
        for y in range(0, 480 - 77, 7):
            face = Box(x, y, x + 64, y + 77)
            assert any(t.x1 <= face.x1 and t.y1 <= face.y1 and face.x2 <= t.x2
                       and face.y2 <= t.y2 for t in found), face
    # a 1280x720 frame: still 16 tiles, at a lower scale; none where the scan sees as well
    hd_scale, hd = plan_tiles((1280, 720), 40, reach(1280))
    assert len(hd) <= MAX_TILES and 0.5 < hd_scale < scale
    assert plan_tiles((640, 480), 60, 32) == (0.0, [])  # detect_width 640
    far = FarSearch(40, reach, scan_input)
    assert far.smallest_px((640, 480)) == 40 and far.smallest_px((1280, 720)) == 70
    assert FarSearch(80, reach, scan_input).smallest_px((640, 480)) is None  # the scan sees 64


class ScaleDetector:
    """Finds `faces` where a real detector would: wherever its input shows them at
    least 32 px wide (the whole frame at `detect_width`, a region at its input
    size) and whole. Records each call's input size (None: a whole-frame scan)."""

    detect_width = 320

    def __init__(self, faces: list[Box]) -> None:
        self.faces = faces
        self.calls: list[tuple[int, int] | None] = []

    def smallest_face_px(self, frame_width: int) -> int:
        return reach(frame_width)

    def scan_input(self, frame_size: tuple[int, int]) -> tuple[int, int]:
        return self.detect_width, round(frame_size[1] * self.detect_width / frame_size[0])

    def detect_windows(self, image_bgr: np.ndarray, frame_size: tuple[int, int]
                       ) -> list[Face]:
        return self.detect(image_bgr)

    def detect(self, image_bgr: np.ndarray) -> list[Face]:
        self.calls.append(None)
        scale = self.detect_width / image_bgr.shape[1]
        return [Face(b, 0.99) for b in self.faces if b.width * scale >= 32]

    def detect_region(self, image_bgr: np.ndarray, region: Box,
                      size: tuple[int, int] | None = None) -> list[Face]:
        self.calls.append(size or (144, 192))
        w, h = size or (144, 192)
        scale = min(w / region.width, h / region.height)
        return [Face(b, 0.99) for b in self.faces
                if b.width * scale >= 32 and region.x1 <= b.x1 and region.y1 <= b.y1
                and b.x2 <= region.x2 and b.y2 <= region.y2]


class Happy:
    def classify(self, image_bgr: np.ndarray, box: Box) -> EmotionReading:
        return EmotionReading(Emotion.HAPPY, 0.9, {Emotion.HAPPY: 0.9, Emotion.CALM: 0.1})


def run(detector: object, steps: int, image: np.ndarray | None = None
        ) -> list[tuple[bool, bool]]:
    """(primary face visible, scanned) per step."""
    frame = np.zeros((480, 640, 3), np.uint8) if image is None else image
    pipeline = VisionPipeline(detector, Happy(), VisionSettings(scan_every=5))  # type: ignore[arg-type]
    try:
        out = []
        for i in range(steps):
            r = pipeline.process(Frame(frame, i, i / 15))
            seen = any(t.visible and t.id == r.primary_track_id for t in r.tracks)
            out.append((seen, r.scanned))
        return out
    finally:
        pipeline.close()


def test_a_far_face_is_found_within_a_tile_cycle_and_kept_through_the_scans() -> None:
    detector = ScaleDetector([FAR])
    assert isinstance(detector, FarDetector)
    steps = run(detector, CYCLE_STEPS + 40)
    seen = [s for s, _ in steps]
    first = seen.index(True)  # the old code never found it (48 px at 320: 24 px)
    assert first < CYCLE_STEPS
    assert all(seen[first:])  # no step loses it, scans included
    assert sum(scanned for _, scanned in steps[first + 1:]) >= 8  # periodic scans ran


def test_a_normal_face_is_searched_as_before_without_tiles() -> None:
    detector = ScaleDetector([NEAR])
    steps = run(detector, 31)
    assert all(s for s, _ in steps)
    assert [scanned for _, scanned in steps] == [i % 5 == 0 for i in range(31)]
    # whole-frame scans (and the upside-down probe's) and one region at the ROI input
    # on each of the 24 region steps: no tile, no region beside a scan
    assert TILE_SIZE not in detector.calls
    assert detector.calls.count((144, 192)) == 24 and len(detector.calls) <= 24 + 7 + 2


def test_nobody_in_view_alternates_a_scan_with_two_tiles() -> None:
    far = FarSearch(40, reach, scan_input)
    schedule = FocusSchedule(5, far=far)
    looks = [schedule.plan(None, (640, 480)) for _ in range(FAR_AFTER_STEPS + 9)]
    assert all(look.scan for look in looks[:FAR_AFTER_STEPS])  # a close face comes back
    looks = looks[FAR_AFTER_STEPS:]
    assert [look.scan for look in looks] == [True, False, False] * 3
    tiles = [look.region for look in looks if not look.scan]
    assert len(set(tiles)) == 6 and all(look.tile == TILE_SIZE for look in looks[1:3])
    assert all(look.classify for look in looks)
    # the far search needs a detector that says its reach: test fakes go on as before
    assert not isinstance(object(), FarDetector)


def test_a_16_9_camera_s_tiles_are_its_scan_s_input_so_no_new_trace() -> None:
    # 320x240 tiles on a 1280x720 camera (scan input 320x180) made the detector trace
    # a second shape the first time the far search ran: 11 MB more resident for good
    far = FarSearch(40, reach, scan_input)
    schedule = FocusSchedule(5, far=far)
    looks = [schedule.plan(None, (1280, 720)) for _ in range(FAR_AFTER_STEPS + 60)]
    tiles = [look for look in looks if not look.scan]
    assert tiles and all(look.tile == (320, 180) for look in tiles)
    assert {look.region for look in tiles} == set(far.tiles_for((1280, 720)))
    # the same scale, so the same faces found, as 320x240 tiles: more of them
    assert far.scale == plan_tiles((1280, 720), 40, reach(1280))[0]
    assert far.smallest_px((1280, 720)) == 70 and len(far.tiles_for((1280, 720))) == 28
    # each tile is of the frame's aspect, at the planned scale
    assert all(t.width / t.height == pytest.approx(16 / 9, rel=0.01)
               and t.width == pytest.approx(320 / far.scale) for t in far.tiles_for((1280, 720)))


@pytest.mark.faces
def test_a_real_48_px_face_is_found_and_followed(faces_dir: Path) -> None:
    photo = cv2.imread(str(faces_dir / "images" / "Dwarakish_130.jpg"))
    assert photo is not None
    detector = FaceDetector(MODELS / MODEL_FILE, detect_width=320)
    rng = np.random.default_rng(0)
    bg = background(640, 480)
    settings = VisionSettings(scan_every=5)
    pipeline = VisionPipeline(detector, Happy(), settings)
    seen, widths, visits = [], [], 0
    try:
        for i in range(CYCLE_STEPS + 30):
            image = render_frame(bg, photo, i / 15, rng, face_side=61)  # ~48 px wide
            r = pipeline.process(Frame(image, i, i / 15))
            seen.append(any(t.visible and t.id == r.primary_track_id for t in r.tracks))
            visits += r.visit_started
            if seen[-1] and r.primary_box is not None:
                widths.append(r.primary_box.width)
    finally:
        pipeline.close()
    assert True in seen, "the far face was never found"
    first = seen.index(True)
    assert first < CYCLE_STEPS and all(seen[first:]) and visits == 1
    assert 38 < float(np.median(widths)) < 60


BYSTANDER = Box(70, 60, 126, 128)  # 56 px wide, upper left: a far face that stays there
# 1280x720 (the scan's reach 128 px): a bystander 80 px wide, a visitor 200 px wide, both
# under twice the reach (`FarSearch.small`): the visitor took over the bystander's visit
# and the bystander started one after every visitor (tester round 24: 3 false visits)
HD_BYSTANDER = Box(73, 20, 153, 117)  # whole in every tile that holds it (the fake cuts)
HD_NEAR = Box(540, 240, 740, 470)


@pytest.mark.parametrize(("size", "bystander", "near"), [
    ((640, 480), BYSTANDER, NEAR), ((1280, 720), HD_BYSTANDER, HD_NEAR)], ids=["vga", "hd"])
def test_a_near_visitor_beside_a_followed_far_face_has_a_visit_of_its_own(
        size: tuple[int, int], bystander: Box, near: Box) -> None:
    """A visitor walking up while a far face in the background is followed: found on
    their first frame (region steps only would find them at the next scan), primary at
    once, in a visit of their own, not "another person" in the far face's visit; after
    they leave, the far face, still there, does not start a visit again, until its
    place was seen empty (5b85b4d: the visitor took the far face's visit with a second
    track and its shown emotion, and the far face started a visit after each visitor)."""
    detector = ScaleDetector([bystander])
    pipeline = VisionPipeline(detector, Happy(), VisionSettings(scan_every=5))
    frame = np.zeros((size[1], size[0], 3), np.uint8)
    tiles = FarSearch(40, reach, scan_input).tiles_for(size)
    cycle = FAR_AFTER_STEPS + math.ceil(len(tiles) * 3 / 2)
    step = iter(range(10_000))

    def process() -> VisionResult:
        i = next(step)
        return pipeline.process(Frame(frame, i, i / 15))

    try:
        results = [process() for _ in range(cycle)]
        assert sum(r.visit_started for r in results) == 1  # the far face: a far visitor
        assert results[-1].primary_box == bystander
        for turn in range(5):  # the near face comes at each turn of the steps
            detector.faces = [bystander, near]
            first = process()
            assert first.primary_box == near, "the near face is not found at once"
            assert first.visit_started and first.visit_ended and not first.new_person
            assert first.raw_reading or first.uncertain  # read at once, whatever the step
            assert first.visit_id != results[-1].visit_id
            later = [process() for _ in range(20)]
            assert all(r.primary_box == near and not r.visit_started for r in later)
            detector.faces = [bystander]  # the visitor leaves; the far face stays
            after = [process() for _ in range(cycle + 60)]
            assert sum(r.visit_ended for r in after) == 1
            assert not any(r.visit_started for r in after)
            assert after[-1].primary_track_id is None
            detector.faces = []
            [process() for _ in range(cycle)]  # its place searched empty: forgotten
            detector.faces = [bystander]
            back = [process() for _ in range(cycle)]
            assert sum(r.visit_started for r in back) == 1  # served as a far visitor
            results = back + [process() for _ in range(turn)]
    finally:
        pipeline.close()
