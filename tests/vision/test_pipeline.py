"""VisionPipeline with a fake detector, classifier and Rekognition fallback."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from typing import Any

import cv2
import numpy as np
import pytest

from kiosk.config import VisionSettings
from kiosk.domain import Box, Emotion, EmotionReading, Face, Frame
from kiosk.vision.pipeline import FIRST_READINGS, VisionPipeline
from kiosk.vision.quality import crop
from kiosk.vision.rekognition import RekognitionResult

FPS = 15.0
H, W = 480, 640
TEXTURED = np.random.default_rng(7).integers(0, 256, size=(H, W, 3), dtype=np.uint8)
FLAT = np.full((H, W, 3), 128, np.uint8)
CENTRE = Box(220, 140, 420, 340)  # 200x200, centred
SIDE = Box(10, 10, 90, 90)  # 80x80, in a corner
TINY = Box(300, 220, 325, 245)  # 25x25


def peaked(emotion: Emotion, p: float = 0.8, *, source: str = "local") -> EmotionReading:
    rest = (1.0 - p) / 7
    probs = {e: (p if e == emotion else rest) for e in Emotion}
    return EmotionReading(emotion, p, probs, source=source)


class FakeDetector:
    def __init__(self) -> None:
        self.boxes: list[Box] = []

    def detect(self, image_bgr: np.ndarray) -> list[Face]:
        return [Face(b, 0.99) for b in self.boxes]


class FakeClassifier:
    def __init__(self) -> None:
        self.reading = peaked(Emotion.HAPPY)
        self.boxes: list[Box] = []
        self.face_means: list[float] = []  # the face's mean gray level the models saw

    def classify(self, image_bgr: np.ndarray, box: Box) -> EmotionReading:
        self.boxes.append(box)
        self.face_means.append(float(crop(image_bgr, box).mean()))
        return self.reading


class FakeFallback:
    def __init__(self, result: RekognitionResult | None) -> None:
        self.result = result
        self.jpegs: list[bytes] = []
        self.threads: list[str] = []
        self.is_ready = True
        self.cancelled = False

    def ready(self) -> bool:
        return self.is_ready and not self.cancelled

    def summary(self) -> str:
        return "reachable (test)"

    def status(self) -> dict[str, Any]:
        return {"last_outcome": "ok", "calls_this_hour": 0}

    @property
    def refused(self) -> str | None:
        return None

    @property
    def refused_by(self) -> str | None:
        return None

    def analyze(self, face_crop_jpeg: bytes) -> RekognitionResult | None:
        self.threads.append(threading.current_thread().name)
        self.jpegs.append(face_crop_jpeg)
        return self.result

    def cancel(self) -> None:
        self.cancelled = True


def sync_submit(job: Callable[[], RekognitionResult | None]) -> Future[RekognitionResult | None]:
    """A synchronous stand-in for the executor (logic tests only)."""
    future: Future[RekognitionResult | None] = Future()
    future.set_result(job())
    return future


class Rig:
    """Drives a pipeline frame by frame on simulated time."""

    def __init__(self, fallback: FakeFallback | None = None, submit: Any = sync_submit,
                 **settings: Any) -> None:
        self.detector = FakeDetector()
        self.classifier = FakeClassifier()
        self.fallback = fallback
        self.pipeline = VisionPipeline(
            self.detector, self.classifier, VisionSettings(**settings),
            fallback=fallback, submit=submit if fallback is not None else None,
        )
        self.t = 0.0
        self.seq = 0
        self.image = TEXTURED

    def step(self, seconds: float = 1 / FPS, boxes: list[Box] | None = None) -> Any:
        """Run frames at 15 fps for `seconds`; return the last result."""
        if boxes is not None:
            self.detector.boxes = boxes
        result = None
        for _ in range(max(1, round(seconds * FPS))):
            self.seq += 1
            self.t += 1 / FPS
            result = self.pipeline.process(Frame(self.image, self.seq, self.t))
        return result


@pytest.fixture
def rig() -> Iterator[Rig]:
    r = Rig()
    yield r
    r.pipeline.close()


def test_settled_emotion_of_the_primary(rig: Rig) -> None:
    result = rig.step(1.0, [CENTRE, SIDE])
    assert result.reading is not None and result.reading.emotion is Emotion.HAPPY
    assert result.source == "local" and not result.uncertain
    assert result.primary_box == CENTRE and result.primary_track_id is not None
    assert len(result.faces) == 2 and len(result.tracks) == 2
    assert set(rig.classifier.boxes) == {CENTRE}  # only the primary face is classified
    assert len(rig.classifier.boxes) == 15
    assert set(result.latency) == {"detect_ms", "classify_ms", "total_ms"}
    assert result.latency["total_ms"] >= result.latency["detect_ms"]


def test_real_change_settles_within_a_second(rig: Rig) -> None:
    rig.step(2.0, [CENTRE])
    rig.classifier.reading = peaked(Emotion.SAD)
    frames = 0
    while True:
        frames += 1
        result = rig.step()
        if result.reading.emotion is Emotion.SAD:
            break
        assert frames < FPS, "SAD did not settle within 1 s"
    assert frames > 1  # not on the very first SAD frame


def test_visit_id_is_stable_and_a_new_visit_follows_the_grace(rig: Rig) -> None:
    first = rig.step(boxes=[CENTRE])
    assert first.visit_started and first.visit_id is not None
    ids = {rig.step(boxes=[CENTRE]).visit_id for _ in range(30)}
    assert ids == {first.visit_id}
    # Gone for less than the grace (3 s): same visit, reading kept meanwhile.
    gone = rig.step(2.0, [])
    assert gone.visit_id == first.visit_id and gone.primary_track_id is None
    assert gone.reading is not None and gone.reading.emotion is Emotion.HAPPY
    back = rig.step(boxes=[CENTRE])
    assert back.visit_id == first.visit_id and not back.visit_started
    # Gone for longer than the grace: the visit ends once, and everything is forgotten.
    ended = [r for r in (rig.step(boxes=[]) for _ in range(60)) if r.visit_ended]
    assert len(ended) == 1 and ended[0].ended_visit_id == first.visit_id
    assert ended[0].visit_id is None and ended[0].reading is None
    again = rig.step(boxes=[CENTRE])
    assert again.visit_started and again.visit_id not in (None, first.visit_id)


def test_small_and_blurred_faces_do_not_move_the_state(rig: Rig) -> None:
    rig.step(1.0, [CENTRE])
    calls = len(rig.classifier.boxes)
    rig.classifier.reading = peaked(Emotion.SAD, 0.99)
    rig.image = TEXTURED.copy()  # the same face, stepped back (so it looks alike)
    face = TEXTURED[int(CENTRE.y1):int(CENTRE.y2), int(CENTRE.x1):int(CENTRE.x2)]
    # Through its 16x16 look, drawn smoothly: the noise texture shrunk straight to
    # 25 px aliases into another look (0.77, under `RETURNING_SIMILARITY`).
    look = cv2.resize(face, (16, 16), interpolation=cv2.INTER_AREA)
    rig.image[int(TINY.y1):int(TINY.y2), int(TINY.x1):int(TINY.x2)] = cv2.resize(
        look, (int(TINY.width), int(TINY.height)), interpolation=cv2.INTER_LINEAR)
    small = rig.step(2.0, [TINY])
    assert small.uncertain and small.uncertain_reason == "too small"
    assert small.reading is not None and small.reading.emotion is Emotion.HAPPY
    assert small.raw_reading is None and len(rig.classifier.boxes) == calls  # not classified

    rig.image = FLAT
    blurred = rig.step(2.0, [CENTRE])
    assert blurred.uncertain and blurred.uncertain_reason == "too blurred"
    assert blurred.reading is not None and blurred.reading.emotion is Emotion.HAPPY


def test_low_confidence_is_uncertain_and_does_not_move_the_state(rig: Rig) -> None:
    rig.step(1.0, [CENTRE])
    rig.classifier.reading = peaked(Emotion.SAD, 0.3)  # below min_confidence 0.45
    result = rig.step(2.0)
    assert result.uncertain and result.uncertain_reason == "low confidence"
    assert result.raw_reading is not None and result.raw_reading.uncertain
    assert result.reading.emotion is Emotion.HAPPY


def test_re_detected_visitor_keeps_the_emotion(rig: Rig) -> None:
    rig.step(1.0, [CENTRE])
    first_id = rig.step().primary_track_id
    rig.step(1.5, [])  # the track expires (1 s), the visit does not (3 s)
    moved = Box(CENTRE.x1 + 150, CENTRE.y1, CENTRE.x2 + 150, CENTRE.y2)  # new track
    rig.image = np.roll(TEXTURED, 150, axis=1)  # the same face, moved with the box
    rig.classifier.reading = peaked(Emotion.SAD, 0.3)  # uncertain: state can't come from here
    result = rig.step(boxes=[moved])
    assert result.primary_track_id not in (None, first_id)
    assert result.reading is not None and result.reading.emotion is Emotion.HAPPY


# --------------------------------------------------------------------------- fallback


def surprised() -> RekognitionResult:
    return RekognitionResult(peaked(Emotion.SURPRISED, 0.9, source="rekognition"), "Female", 99.0)


def test_fallback_not_asked_while_local_readings_are_confident() -> None:
    fallback = FakeFallback(surprised())
    rig = Rig(fallback)
    rig.step(5.0, [CENTRE])
    assert fallback.jpegs == []
    rig.pipeline.close()


def test_fallback_asked_after_a_second_of_uncertainty_and_folded_in() -> None:
    fallback = FakeFallback(surprised())
    rig = Rig(fallback)
    rig.step(1.0, [CENTRE])
    rig.classifier.reading = peaked(Emotion.SAD, 0.3)
    rig.step(0.8)
    assert fallback.jpegs == []  # uncertain, but not for a second yet
    rig.step(0.4)
    assert len(fallback.jpegs) == 1
    crop = cv2.imdecode(np.frombuffer(fallback.jpegs[0], np.uint8), cv2.IMREAD_COLOR)
    # The face with its margin, not the 480x640 frame:
    assert crop is not None and crop.shape[:2] == (300, 300)
    result = rig.step()  # the answer is folded in on the next frame
    assert result.reading.emotion is Emotion.SURPRISED
    assert result.source == "rekognition" and result.gender == "Female"
    rig.pipeline.close()
    assert fallback.cancelled


def test_fallback_on_a_lost_face_uses_the_last_box_only_shortly() -> None:
    fallback = FakeFallback(None)
    rig = Rig(fallback)
    rig.step(1.0, [CENTRE])
    rig.step(boxes=[])  # one missed frame: not yet
    assert fallback.jpegs == []
    rig.step(0.2)
    assert len(fallback.jpegs) == 1
    rig.step(2.0)  # long gone: no crop to send
    assert len(fallback.jpegs) == 1
    rig.pipeline.close()


def test_fallback_on_a_lost_face_sends_the_last_frame_with_the_face() -> None:
    """Issue 18: the crop must come from a frame with a detection, not the background."""
    fallback = FakeFallback(None)
    rig = Rig(fallback)
    rig.step(1.0, [CENTRE])
    rig.image = FLAT  # the visitor left: the current frame is plain background
    rig.step(0.3, [])
    assert len(fallback.jpegs) == 1
    crop = cv2.imdecode(np.frombuffer(fallback.jpegs[0], np.uint8), cv2.IMREAD_GRAYSCALE)
    assert crop is not None and float(crop.std()) > 20.0  # the textured face, not flat grey
    rig.pipeline.close()


def test_an_answer_about_a_face_that_left_settles_nothing() -> None:
    fallback = FakeFallback(surprised())
    held: list[tuple[Future[Any], Callable[[], Any]]] = []

    def manual_submit(job: Callable[[], Any]) -> Future[Any]:
        future: Future[Any] = Future()
        held.append((future, job))
        return future

    rig = Rig(fallback, submit=manual_submit)
    rig.step(1.0, [CENTRE])
    rig.classifier.reading = peaked(Emotion.SAD, 0.3)
    rig.step(1.5)
    assert len(held) == 1
    rig.step(0.3, [])  # the visitor leaves while Rekognition thinks (visit not over yet)
    future, job = held[0]
    future.set_result(job())
    result = rig.step(boxes=[])
    assert result.visit_id is not None  # still within the visit's grace ...
    assert result.source != "rekognition"  # ... but nothing settled for nobody
    assert result.reading is None or result.reading.emotion is not Emotion.SURPRISED
    rig.pipeline.close()


def test_fallback_not_asked_when_it_is_not_ready() -> None:
    fallback = FakeFallback(surprised())
    fallback.is_ready = False
    rig = Rig(fallback)
    rig.step(1.0, [CENTRE])
    rig.classifier.reading = peaked(Emotion.SAD, 0.3)
    rig.step(3.0)
    assert fallback.jpegs == []
    rig.pipeline.close()


def test_fallback_runs_off_the_calling_thread() -> None:
    fallback = FakeFallback(surprised())
    detector, classifier = FakeDetector(), FakeClassifier()
    pipeline = VisionPipeline(detector, classifier, VisionSettings(), fallback=fallback)
    try:
        detector.boxes = [CENTRE]
        classifier.reading = peaked(Emotion.SAD, 0.3)
        t = 0.0
        for seq in range(20):  # 1.33 s of uncertain frames
            t = seq / FPS
            pipeline.process(Frame(TEXTURED, seq, t))
        assert pipeline.drain(timeout=5.0)
        assert len(fallback.threads) == 1
        assert fallback.threads[0].startswith("kiosk-rekognition")
        assert fallback.threads[0] != threading.current_thread().name
        result = pipeline.process(Frame(TEXTURED, 99, t + 1 / FPS))
        assert result.reading is not None and result.reading.emotion is Emotion.SURPRISED
    finally:
        pipeline.close()


def test_an_answer_for_an_old_visit_is_dropped() -> None:
    fallback = FakeFallback(surprised())
    held: list[tuple[Future[Any], Callable[[], Any]]] = []

    def manual_submit(job: Callable[[], Any]) -> Future[Any]:
        future: Future[Any] = Future()
        held.append((future, job))
        return future

    rig = Rig(fallback, submit=manual_submit)
    rig.step(1.0, [CENTRE])
    rig.classifier.reading = peaked(Emotion.SAD, 0.3)
    rig.step(1.5)
    assert len(held) == 1
    assert rig.pipeline.fallback_pending
    rig.pipeline.reset()
    future, job = held[0]
    future.set_result(job())
    rig.classifier.reading = peaked(Emotion.CALM)
    result = rig.step(boxes=[CENTRE])
    assert result.visit_started
    assert result.reading is not None and result.reading.emotion is Emotion.CALM
    assert result.source == "local" and result.gender is None
    rig.pipeline.close()


def test_reset_forgets_the_visit(rig: Rig) -> None:
    visit_id = rig.step(1.0, [CENTRE]).visit_id
    assert rig.pipeline.reset() == visit_id
    assert rig.pipeline.visit_id is None
    result = rig.step(boxes=[])
    assert result.reading is None and result.visit_id is None and result.tracks == ()


def test_another_face_in_the_same_box_gets_a_fresh_track_and_emotion() -> None:
    detector, classifier = FakeDetector(), FakeClassifier()
    detector.boxes = [CENTRE]
    pipeline = VisionPipeline(detector, classifier, VisionSettings())
    other = np.random.default_rng(99).integers(0, 256, size=(H, W, 3), dtype=np.uint8)
    first = None
    for i in range(6):
        first = pipeline.process(Frame(TEXTURED, i, i / FPS))
    assert first is not None and first.reading is not None
    assert first.reading.emotion is Emotion.HAPPY and pipeline.switches == 0
    classifier.reading = peaked(Emotion.SAD)
    after = pipeline.process(Frame(other, 6, 6 / FPS))
    # A fresh smoother: the new person's first reading shows at once, no happy decay.
    assert pipeline.switches == 1
    assert after.primary_track_id != first.primary_track_id
    assert after.reading is not None and after.reading.emotion is Emotion.SAD
    assert after.visit_id == first.visit_id  # presence never broke: same visit


def test_the_same_face_moving_keeps_its_track() -> None:
    detector, classifier = FakeDetector(), FakeClassifier()
    pipeline = VisionPipeline(detector, classifier, VisionSettings())
    ids = set()
    for i in range(8):
        detector.boxes = [Box(CENTRE.x1 + 2 * i, CENTRE.y1 + i, CENTRE.x2 + 2 * i,
                              CENTRE.y2 + i)]
        ids.add(pipeline.process(Frame(TEXTURED, i, i / FPS)).primary_track_id)
    assert len(ids) == 1 and pipeline.switches == 0


def test_a_fresh_faces_reading_is_steady_once_its_first_readings_are_in(rig: Rig) -> None:
    """`reading_steady` (the kiosk asks for a page only then) follows the primary's
    smoother: False for its first FIRST_READINGS - 1 readings, which may still flip it."""
    results = [rig.step(boxes=[CENTRE]) for _ in range(FIRST_READINGS)]
    assert all(r.reading is not None for r in results)
    assert [r.reading_steady for r in results] == [False] * (FIRST_READINGS - 1) + [True]


def test_a_face_kept_unread_is_explained_once_in_the_log(
        rig: Rig, caplog: pytest.LogCaptureFixture) -> None:
    # Round 18: a dark camera's faces stayed "too blurred" for whole visits, and
    # nothing in the log (even DEBUG) said so.
    caplog.set_level(logging.DEBUG, logger="kiosk.vision")
    rig.image = FLAT
    assert rig.step(2.5, [CENTRE]).uncertain_reason == "too blurred"
    assert not [r for r in caplog.records if "not read" in r.getMessage()]
    rig.step(3.0, [CENTRE])
    told = [r for r in caplog.records if "not read" in r.getMessage()]
    assert len(told) == 1 and told[0].levelno == logging.INFO
    message = told[0].getMessage()
    assert message.startswith("face in view 3.") and "too blurred (sharpness 0.0 < 15)" in message
    rig.step(3.0, [])  # the visit ends; the next one is told again
    rig.step(3.5, [CENTRE])
    assert len([r for r in caplog.records if "not read" in r.getMessage()]) == 2


def test_a_dark_but_sharp_face_is_read(rig: Rig) -> None:
    # The tester's dark.avi (frame mean 17/255) was never read: "too blurred".
    rig.image = np.clip(TEXTURED.astype(np.float32) * 0.03, 0, 255).round().astype(np.uint8)
    result = rig.step(1.0, [CENTRE])
    assert not result.uncertain, result.uncertain_reason
    assert result.reading is not None and result.reading.emotion is Emotion.HAPPY
    # and the models see it brightened to a normal face's light (round 20: a dark
    # camera's happy visitor was read SAD all visit)
    assert rig.classifier.face_means and min(rig.classifier.face_means) > 80


def test_a_face_in_normal_light_is_read_as_it_is(rig: Rig) -> None:
    rig.step(1.0, [CENTRE])
    plain = float(crop(TEXTURED, CENTRE).mean())
    assert rig.classifier.face_means and set(rig.classifier.face_means) == {plain}


@pytest.mark.parametrize("box", [Box(200, 150, 330, 310), Box(-20, -10, 90, 120),
                                 Box(560, 400, 700, 530)])  # inside, off two edges
def test_a_dark_face_is_brightened_around_itself_as_in_the_whole_frame(box: Box) -> None:
    # the models' inputs are the same as from the whole frame scaled (what it did first)
    import cv2

    from kiosk.vision.emotion_model import preprocess
    from kiosk.vision.expression_net import prepare_input
    from kiosk.vision.pipeline import lit_face

    rng = np.random.default_rng(3)
    frame = rng.integers(0, 40, (480, 640, 3), dtype=np.uint8)
    whole = cv2.convertScaleAbs(frame, alpha=2.7)
    region, moved = lit_face(frame, box, 2.7)
    assert region.shape[0] < 480 and region.shape[1] < 640
    np.testing.assert_array_equal(preprocess(region, moved), preprocess(whole, box))
    np.testing.assert_array_equal(prepare_input(region, moved), prepare_input(whole, box))
