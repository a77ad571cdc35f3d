"""One camera frame in, one `VisionResult` out: detection, tracking, the primary
visitor, quality gate, emotion, smoothing, visits and the Rekognition fallback.

`VisionPipeline` starts no threads of its own for the local work: the Qt inference
worker calls `process()` on its thread, one frame at a time. Only the primary
visitor's face is classified. With a detector that can search a region
(`FaceDetector`), the whole frame is searched every `[vision] scan_every` steps and
in between only around the primary face, and scan steps do not classify
(`kiosk.vision.focus`); once nobody has been followed for a while, parts of the frame
are searched at a higher scale for a visitor too far for the whole-frame search
(`kiosk.vision.far`). The optional Rekognition
fallback never blocks `process()`: the face crop is encoded on the calling thread,
the call runs through `submit` (by default a one-thread executor named
"kiosk-rekognition" that the pipeline owns; `close()` stops it), and its answer is
folded into the same smoother on the first `process()` after it arrives.

Rekognition is asked, at most one call at a time and within its own rate limit:

* when the primary face is visible but its reading has stayed uncertain (small,
  blurred, or below `min_confidence`) for `fallback_after_s` (1 s), with its crop;
  again after each further `fallback_after_s` of uncertainty;
* when the detector lost the primary face `no_face_after_s` (0.2 s, so a one-frame
  dropout costs nothing) to `recent_face_s` (1 s) ago, with the crop of the last
  frame in which it was detected (never the current frame: the visitor may have
  left, and a crop of the background says nothing about anybody); once per loss.

An answer is folded in only while the face it was asked about (or the track it was
handed to) is in view and the visit is the same: a visitor who left or whose visit
ended never gets an emotion settled for them.

A visit is carried on by its visitor's face only. A face seen beside the primary
during the visit (a bystander) does not become primary when the visitor leaves: the
visit ends after `visit_grace_s` without the visitor, as with nobody in view, and
the bystander, still there, then starts a visit of its own, as a newcomer arriving
after the grace does, with `new_person` set: not that visitor back, for sure.
Before, the bystander took the primary's place when the visitor's track expired
and kept the visit open for as long as they stayed; the visitor back within the
grace is now re-detected as themselves. A bystander who takes the place of a
primary still in view (a much larger face, see `kiosk.vision.tracking`) is another
person stepping in, as before.

Except from a far face (`kiosk.vision.far`: one the whole-frame scan may miss, found
by the far search while nobody was followed): a face the scan sees taking its place
(`_near_over_far`) is the visitor walking up to the kiosk, and starts a visit of its
own on that frame (`visit_ended` for the far face's, `visit_started`, no
`new_person`). The far face is a bystander from then on: a face where it stood does
not become primary (a visit of its own) again until a tile of the far search holding
that place finds no face there (`FAR_BYSTANDER_IOU`). Before (2026-12-02, 5b85b4d), a
bystander about 80 px wide in the background of `face_video --bystander` was found by
the far search and started a visit; each visitor then took over that visit with a
second track and the bystander's emotion shown first, and the bystander started a new
visit after each visitor left (`kiosk-admin eval-video`: flips 2, false switches 2,
false visits 3; now 0, 0, 1: the bystander's first, alone in view, is a far visitor's
as far as anything here can tell). "A face the scan sees" is at least the scan's reach
wide and 1.5 times the far face's width (`FarSearch.nearer`): on a 1280x720 camera
(reach 128 px) "not small" meant at least 256 px, so a visitor 200 px wide took over
a far bystander's visit and the bystander started a visit after every visitor
(tester round 24, `face_video --size 1280x720 --bystander`: false visits 3, no
visitor's own visit; now 1, each visitor's visit started 0.067 s after they came;
640x480 and the held-out videos unchanged).
"""

from __future__ import annotations

import functools
import logging
import math
import time
from collections.abc import Callable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import wait as wait_futures
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

import cv2
import numpy as np

from kiosk.config import VisionSettings
from kiosk.domain import Box, EmotionReading, Face, Frame
from kiosk.vision.appearance import (
    DOUBT_SIMILARITY,
    LIKE_SIMILARITY,
    STILL_IOU,
    looks_back,
    signature,
    similarity,
)
from kiosk.vision.errors import VisionError
from kiosk.vision.face_identity import Describer, Look, judge
from kiosk.vision.far import FarSearch
from kiosk.vision.focus import FarDetector, FocusSchedule, RegionDetector, find_faces, inside
from kiosk.vision.light import LightMonitor
from kiosk.vision.orientation import TurnProbe
from kiosk.vision.quality import FaceQuality, QualityGate
from kiosk.vision.rekognition import RekognitionResult, encode_face_crop
from kiosk.vision.smoothing import TrackSmoothers
from kiosk.vision.tracking import IouTracker, Track
from kiosk.vision.unread import DARK_FACE, UnreadLog, describe
from kiosk.vision.visits import VisitTracker

log = logging.getLogger(__name__)

# A face darker than `unread.DARK_FACE` (mean gray 50) is read from the frame scaled so
# that its mean is this (the shared faces in a normal frame: 75-154, p5-p95): the models
# learnt normally lit faces. On a black-box tester's videos (kiosk-admin eval-video,
# on_screen_accuracy, 2026-12-02) dim 0.595 -> 0.80, a second dark set 0.41 -> 0.585,
# gain55 0.60 -> 0.695, gain40 0.37 -> 0.405, backlit 0.545 -> 0.56, the darkest (frame
# mean 17) 0.50 -> 0.40; faces in normal light are not touched (base, b2: unchanged).
TARGET_FACE_MEAN = 110.0



def lit_face(image: np.ndarray, box: Box, gain: float) -> tuple[np.ndarray, Box]:
    """The square about `box` that the emotion models crop (side max(w, h), centred,
    2 px to spare; clipped to the frame like their crops), its pixels times `gain`
    (saturating), and `box` in its coordinates: the models read the same pixels as from
    a brightened frame, for the face's share of the work (a 1920x1080 frame scaled
    whole took about 2 ms)."""
    h, w = image.shape[:2]
    half = max(box.width, box.height) / 2.0 + 2.0
    cx, cy = box.center
    x0, y0 = max(0, math.floor(cx - half)), max(0, math.floor(cy - half))
    x1, y1 = min(w, math.ceil(cx + half)), min(h, math.ceil(cy + half))
    if x1 <= x0 or y1 <= y0:
        return image, box  # off the frame: the models say so themselves
    region = cv2.convertScaleAbs(image[y0:y1, x0:x1], alpha=gain)
    return region, Box(box.x1 - x0, box.y1 - y0, box.x2 - x0, box.y2 - y0)


# A far face a near one took the primary's place from stays barred from becoming primary
# (a visit of its own) while a face this much like its box (IoU) is there: a tile of the
# far search holding its place and no such face forgets it. At most this many places.
FAR_BYSTANDER_IOU = 0.3
MAX_FAR_BYSTANDERS = 4

# A new face's first readings are averaged plainly, without the hold (see
# `EmotionSmoother`'s `warmup`): one wrong first look does not stand for seconds.
FIRST_READINGS = 3
FORGET_LOOK_S = 60.0
"""Seconds with no face in view after which the last visitor's look (its 16x16
thumbnail, face crop and descriptor: what `returning` and `someone_else` compare the
next face with) is dropped from memory. The kiosk's visit ends after `[app]
idle_timeout_s` (20 s by default) without a face, and the next face starts a visit of
its own whatever it looks like, so the look is of no use after that: the factory passes
the longer of this and the idle timeout plus 5 s."""

FallbackJob = Callable[[], RekognitionResult | None]
Submit = Callable[[FallbackJob], Future[RekognitionResult | None]]


class Detector(Protocol):
    def detect(self, image_bgr: np.ndarray, /) -> list[Face]: ...


class Classifier(Protocol):
    def classify(self, image_bgr: np.ndarray, box: Box, /) -> EmotionReading: ...


class Fallback(Protocol):
    """What the pipeline needs of `RekognitionFallback`."""

    def ready(self) -> bool: ...
    def analyze(self, face_crop_jpeg: bytes, /) -> RekognitionResult | None: ...
    def cancel(self) -> None: ...
    def summary(self) -> str: ...  # one English line (logs)
    def status(self) -> dict[str, Any]: ...  # the admin panel's (kiosk.status.AppStatus)
    @property
    def refused(self) -> str | None: ...  # the code AWS refused the calls with, if stopped
    @property
    def refused_by(self) -> str | None: ...  # the part that got it (shared credentials)


@dataclass(frozen=True, slots=True)
class TrackInfo:
    id: int
    box: Box
    visible: bool = True


@dataclass(frozen=True)
class VisionResult:
    """What the kiosk knows after one frame.

    `reading`: the settled (smoothed) emotion of the visit's primary visitor, kept
    through short detector dropouts while the visit lasts, None before the first
    certain reading. `raw_reading`: this frame's local reading of the primary face
    (None when not classified). `uncertain`: the primary face is visible but could
    not be read (`uncertain_reason`: "too small", "too blurred", "low confidence").
    `visit_ended`/`ended_visit_id` report a visit that ended in this frame; both
    flags can be set when a new visit starts in the same frame. `latency`: detect_ms,
    classify_ms (quality gate + model), total_ms. `source`: where the settled
    reading last came from ("local"/"rekognition"), None without one. `gender`:
    Rekognition's answer for this visit, only with `gender_segment`. `scanned`: the
    whole frame was searched for faces (else only the region about the primary face,
    and `tracks` outside it are as the last scan left them; `kiosk.vision.focus`).
    `new_person`: in this frame another person took the primary's place while the
    visit goes on (a switch or a takeover, see `VisionPipeline._check_switch` and
    `_follow_primary`); never for the same visitor re-detected. On the frame a visit
    starts (`visit_started`) only when its face was seen beside the visitor of the
    visit that just ended (a bystander who stayed): certainly not that visitor back.
    `returning`: on the frame a visit starts, the face is the last primary face seen
    before it, back after a look-away: their face descriptors at most
    `kiosk.vision.face_identity.SAME_DISTANCE` (0.5) apart (without descriptors: their
    looks at least `kiosk.vision.appearance.RETURNING_SIMILARITY`, 0.8, alike).
    `someone_else`: on the frame a visit starts, the face is known to be another
    person than that last face: descriptors over `SAME_DISTANCE` apart (without:
    looks under `switch_similarity`, 0.6). Neither flag (only without descriptors:
    looks 0.6-0.8, or no look to compare): not known either way (`_compare`).
    `reading_steady`: `reading` is unlikely to change without a real change of face
    (`EmotionSmoother.steady`: its last `FIRST_READINGS` certain readings each left it
    ahead by the hysteresis, or the last one did and it has stood 1.5 s, or it has stood
    3 s); the kiosk asks for a page only for a steady reading. True by default, so a
    result made without it acts on every reading."""

    frame_seq: int
    timestamp: float
    faces: tuple[Face, ...]
    tracks: tuple[TrackInfo, ...]
    primary_track_id: int | None
    primary_box: Box | None
    reading: EmotionReading | None
    raw_reading: EmotionReading | None
    uncertain: bool
    visit_id: str | None
    visit_started: bool
    visit_ended: bool
    latency: Mapping[str, float] = field(default_factory=dict)
    source: str | None = None
    uncertain_reason: str = ""
    ended_visit_id: str | None = None
    gender: str | None = None
    fallback_pending: bool = False
    scanned: bool = True
    new_person: bool = False
    returning: bool = False
    someone_else: bool = False
    reading_steady: bool = True


@dataclass(slots=True)
class _Pending:
    future: Future[RekognitionResult | None]
    track_id: int | None
    generation: int


class VisionPipeline:
    """Per-frame vision for the kiosk (see the module docstring)."""

    def __init__(
        self,
        detector: Detector,
        classifier: Classifier,
        settings: VisionSettings | None = None,
        *,
        fallback: Fallback | None = None,
        submit: Submit | None = None,
        tracker: IouTracker | None = None,
        identity: Describer | None = None,
        fallback_after_s: float = 1.0,
        recent_face_s: float = 1.0,
        no_face_after_s: float = 0.2,
        forget_look_s: float = FORGET_LOOK_S,
    ) -> None:
        self.settings = settings or VisionSettings()
        self._detector = detector
        self._classifier = classifier
        self._fallback = fallback
        self._submit = submit
        self._executor: ThreadPoolExecutor | None = None
        self._tracker = tracker or IouTracker()
        # face descriptors where the looks cannot decide (`kiosk.vision.face_identity`)
        self._identity = identity if self.settings.switch_similarity > 0 else None
        self._regions = detector if isinstance(detector, RegionDetector) else None
        far = None  # the far search needs the real detector's figures (`FarDetector`)
        self._scan_like = detector if isinstance(detector, FarDetector) else None
        if isinstance(detector, FarDetector):
            far = FarSearch(self.settings.min_face_px, detector.smallest_face_px,
                            detector.scan_input)
        self._focus = FocusSchedule(self.settings.scan_every if self._regions else 1, far=far)
        self._turns = TurnProbe()  # a camera mounted sideways or upside down
        self._quality = QualityGate(self.settings.min_face_px, self.settings.min_sharpness)
        self._face_quality: FaceQuality | None = None  # the primary's, at its last reading
        self._unread = UnreadLog()  # says once per visit why a face in view is not read
        self.light = LightMonitor()  # the faces' light over the last visits (the panel's)
        self._smoothers = TrackSmoothers(
            self.settings.smoothing_s, self.settings.hysteresis,
            hold_s=self.settings.hold_s, max_dt_s=self.settings.max_reading_s,
            warmup=FIRST_READINGS,
        )
        self._visits = VisitTracker(self.settings.visit_grace_s)
        self.fallback_after_s = fallback_after_s
        self.recent_face_s = recent_face_s
        self.no_face_after_s = no_face_after_s
        self._pending: _Pending | None = None
        self._generation = 0
        self._closed = False
        # The visit's state (reset by _clear_visit_state):
        self._primary_id: int | None = None
        self._renamed: dict[int, int] = {}  # expired track id -> the track that took over
        self._uncertain_since: float | None = None
        self._last_box: Box | None = None
        self._last_seen: float | None = None
        self._last_image: np.ndarray | None = None  # the last frame with the primary face
        self._gender: str | None = None
        self._asked_for_loss = False  # Rekognition already asked since the face was lost
        self._signatures: dict[int, Look] = {}  # track id -> last visible look
        self._doubted: set[int] = set()  # tracks whose last look was a doubt (_check_switch)
        self._seen: tuple[int, Box] | None = None  # the primary seen in the last frame, its box
        self._bystanders: set[int] = set()  # tracks seen beside this visit's primary
        self._others: set[int] = set()  # the bystanders of the visit that ended last
        # where far faces stood when a near face took their place (`_near_over_far`)
        self._far_bystanders: list[Box] = []
        self.switches = 0  # primary faces taken over by another person (see _check_switch)
        self._new_person = False  # this frame: another person took the primary's place
        # this frame: the primary got a fresh track and reading (another person, or the
        # same face in a look too unlike its last one: `_check_switch`)
        self._fresh_reading = False
        # the primary face's last look, kept across visits (`returning`) until `reset`
        # or `forget_look_s` with no face in view
        self._last_look: Look | None = None
        self._last_look_at = 0.0
        self._forget_look_s = forget_look_s
        # this frame: the primary's look and the last look before it (`returning`)
        self._gap: tuple[Look, Look] | None = None

    # ------------------------------------------------------------------ public

    @property
    def visit_id(self) -> str | None:
        return self._visits.visit_id

    @property
    def camera_turn(self) -> int | None:
        """The clockwise turn (90, 180, 270 degrees) the faces seen so far say
        `[camera] rotate` lacks (`kiosk.vision.orientation`), None when they look
        upright or too few were seen. A plain read: any thread."""
        return self._turns.told

    @property
    def camera_turn_at_s(self) -> float | None:
        """The frame time (s) `camera_turn` was told at, None before."""
        return self._turns.told_at

    @property
    def fallback(self) -> Fallback | None:
        """The Rekognition fallback, if any (for its status line)."""
        return self._fallback

    @property
    def fallback_pending(self) -> bool:
        return self._pending is not None and not self._pending.future.done()

    def process(self, frame: Frame) -> VisionResult:
        """Detect, track, classify the primary face and update the visit."""
        t0 = time.perf_counter()
        ts = frame.timestamp
        self._new_person = False
        self._fresh_reading = False
        self._gap = None
        look = self._focus.plan(self._tracker.primary, (frame.width, frame.height))
        if self._regions is None:
            faces = tuple(self._detector.detect(frame.image))
        else:
            faces = tuple(find_faces(self._regions, frame.image, look))
        detect_ms = (time.perf_counter() - t0) * 1000.0
        # the landmarks (which turn to probe first), and doubts: faces lost or weak
        self._turns.observe(faces, ts, whole=look.region is None)
        if look.region is None and self._turns.due(ts):  # a whole-frame step
            self._turns.probe(ts, frame.image, faces, self._turned_detect(frame))

        if look.tile is not None and self._far_bystanders:
            assert look.region is not None
            self._far_bystanders = [b for b in self._far_bystanders if not inside(b, look.region)
                                    or any(f.box.iou(b) >= FAR_BYSTANDER_IOU for f in faces)]
        tracks = self._tracker.update(faces, ts, (frame.width, frame.height), look.region,
                                      self._bystanders, self._far_bystanders)
        self._focus.observed(look, self._tracker.primary)
        if self._check_switch(frame):
            tracks = self._tracker.tracks
            self.light.face_done()  # another face in the visitor's place
        seen = self._tracker.primary
        self._seen = (seen.id, seen.box) if seen is not None and seen.visible else None
        if self._seen is not None:
            self._last_look_at = ts
        elif self._last_look is not None and ts - self._last_look_at > self._forget_look_s:
            self._last_look = None  # nobody in view for long: the last face is forgotten
        far_ended = None  # a near face took the place of a far one: a visit of its own
        if self._near_over_far(frame.width):
            assert self._primary_id is not None
            far_face = self._tracker.get(self._primary_id)
            if far_face is not None:
                self._far_bystanders = [far_face.box, *self._far_bystanders][:MAX_FAR_BYSTANDERS]
            far_ended = self._visits.end()
            self._clear_visit_state()
            self._fresh_reading = True  # read on this step, a periodic scan included
        visit = self._visits.update(self._follow_primary(), ts)
        if visit.ended:
            self._clear_visit_state()
            self._follow_primary()  # a new visit may start with this very frame
        elif far_ended is not None:
            visit = replace(visit, ended=True, ended_visit_id=far_ended)
        # a visit's start: is its face the last primary face before it?
        back = self._compare(*self._gap) if visit.started and self._gap is not None else None
        primary = self._tracker.primary
        visible = primary is not None and primary.visible
        # A visit started by a face seen beside the last visitor: someone else for sure.
        other_start = visit.started and primary is not None and primary.id in self._others
        if visit.started:
            self._others.clear()
        if primary is not None and visible and self._visits.active:
            self._bystanders.update(
                t.id for t in self._tracker.tracks if t.visible and t.id != primary.id)
        self._collect_fallback(ts)

        raw: EmotionReading | None = None
        reason = ""
        classify_ms = 0.0
        if primary is not None and visible:
            self._last_box, self._last_seen = primary.box, ts
            self._last_image = frame.image
            self._asked_for_loss = False
        # A scan step does not classify (`kiosk.vision.focus`), unless it found another
        # person (or a new look) in the primary's place: the fresh smoother has nothing
        # to show yet.
        if primary is not None and visible and (
                look.classify or self._new_person or self._fresh_reading):
            t1 = time.perf_counter()
            raw, reason = self._classify(frame, primary)
            classify_ms = (time.perf_counter() - t1) * 1000.0
            if raw is not None and not raw.uncertain:
                self._smoothers.for_track(primary.id).update(raw, ts)
                self._uncertain_since = None
            elif self._uncertain_since is None:
                self._uncertain_since = ts
            self._unread.update(ts, reason and describe(
                reason, self._face_quality, raw, self.settings))
        elif not visible:
            self._unread.lost()
        self._maybe_ask_fallback(frame, primary if visible else None, bool(reason))

        alive = {t.id for t in tracks}
        if self._primary_id is not None:
            alive.add(self._primary_id)  # its state (and look) may go to the next track
        for gone in [i for i in self._signatures if i not in alive]:
            del self._signatures[gone]
        self._doubted &= alive
        self._bystanders &= alive
        self._others &= alive
        self._smoothers.keep_only(alive)
        smoother = self._smoothers.get(self._primary_id) if self._primary_id is not None else None
        reading = smoother.reading() if smoother is not None else None
        return VisionResult(
            frame_seq=frame.seq,
            timestamp=ts,
            faces=faces,
            tracks=tuple(TrackInfo(t.id, t.box, t.visible) for t in tracks),
            primary_track_id=primary.id if primary is not None else None,
            primary_box=primary.box if primary is not None else None,
            reading=reading,
            raw_reading=raw,
            uncertain=bool(reason),
            visit_id=visit.visit_id,
            visit_started=visit.started,
            visit_ended=visit.ended,
            latency={
                "detect_ms": detect_ms,
                "classify_ms": classify_ms,
                "total_ms": (time.perf_counter() - t0) * 1000.0,
            },
            source=reading.source if reading is not None else None,
            uncertain_reason=reason,
            ended_visit_id=visit.ended_visit_id,
            gender=self._gender,
            fallback_pending=self.fallback_pending,
            scanned=look.scan,
            new_person=(self._new_person and not visit.started) or other_start,
            returning=back == "same",
            someone_else=back == "other",
            reading_steady=smoother is not None and smoother.steady(ts),
        )

    def camera_lost(self) -> None:
        """The camera was lost: what its frames said of the light is forgotten
        (`LightMonitor.reset`), so the panel's light warning comes back only from the
        visits after it is back (black box: "too dark" stayed on the Camera tile of a
        camera that had disappeared)."""
        self.light.reset()

    def reset(self) -> str | None:
        """Forget tracks, emotions and the visit (e.g. after the admin screen); a
        Rekognition answer still in flight is dropped. Returns the ended visit's id."""
        self._tracker.reset()
        self._focus.reset()
        self._far_bystanders = []
        self._signatures.clear()
        self._doubted.clear()
        self._seen = None
        self._last_look = None
        ended = self._visits.end()
        self._clear_visit_state()
        self._others.clear()
        return ended

    def drain(self, timeout: float | None = None) -> bool:
        """Wait until no Rekognition call is in flight (tests, shutdown)."""
        if self._pending is None:
            return True
        done, _ = wait_futures([self._pending.future], timeout=timeout)
        return bool(done)

    def close(self, timeout: float = 3.0) -> None:
        """Stop the fallback: cancel its backoff waits, wait up to `timeout` for a call
        in flight, and shut the executor down. Idempotent; `process` still works,
        without the fallback."""
        if self._closed:
            return
        self._closed = True
        if self._fallback is not None:
            self._fallback.cancel()
        finished = self.drain(timeout)
        if self._executor is not None:
            if not finished:
                log.warning("Rekognition call still running after %.1f s; not waiting", timeout)
            self._executor.shutdown(wait=finished, cancel_futures=True)
            self._executor = None

    # ------------------------------------------------------------------ steps

    def _clear_visit_state(self) -> None:
        self.light.face_done()
        self._smoothers.clear()
        self._unread.reset()
        self._primary_id = None
        self._renamed = {}
        self._uncertain_since = None
        self._last_box = None
        self._last_seen = None
        self._last_image = None
        self._gender = None
        self._asked_for_loss = False
        self._others = self._bystanders  # the next visit may be theirs
        self._bystanders = set()
        self._generation += 1  # a fallback answer for the old visit is dropped

    def _turned_detect(self, frame: Frame) -> Callable[[np.ndarray], list[Face]]:
        """The detection `TurnProbe` runs on `frame` turned: through the scan's input
        shape (`FaceDetector.detect_windows`), so no frozen trace of its own."""
        scan_like = self._scan_like
        if scan_like is None:
            return self._detector.detect
        size = (frame.width, frame.height)
        return lambda image: scan_like.detect_windows(image, size)

    def _check_switch(self, frame: Frame) -> bool:
        """A visible primary face that looks unlike itself one visible frame ago is
        another person (`kiosk.vision.appearance`): give it a fresh track, so it gets
        a fresh smoothing state instead of the previous person's emotion.

        With face descriptors (`identity`, `kiosk.vision.face_identity`): a look at least
        `LIKE_SIMILARITY` (0.8) alike is the same face; in between that and
        `DOUBT_SIMILARITY` (0.3) the descriptors of the two looks decide (one person at
        most `SAME_DISTANCE` apart; else another person), as the looks alone cannot: a
        direct switch between two look-alike people scored 0.69-0.72, a steady face
        under load 0.755. Under `DOUBT_SIMILARITY` the face gets a fresh track and
        reading whatever the descriptors say (the picture changed too much for the
        smoothed emotion to be kept), but it is another person (`new_person`: a visit
        of their own) only when the descriptors do not call it the same face, the rule
        a face after a gap is judged by (`_compare`). Before 2026-12-02 such a look was
        another person without asking: one person whose picture changed (a fresh
        tester's video of one person's photos, one per expression) got a new visit at
        each change, and lost their "For you", while the same two photos a gap apart
        were "the visitor back".

        Without descriptors, a look under `switch_similarity` is another person, but
        a look only somewhat unlike (at least `DOUBT_SIMILARITY`) of a face seen in the
        last frame in about the same place (box IoU at least `STILL_IOU`) is a doubt:
        the look before is kept and the next look decides, so a steady face whose look
        dips for one frame keeps its track; a look-alike taking the place costs one
        look more. A face that was gone, or whose box jumped, is not doubted."""
        primary = self._tracker.primary
        threshold = self.settings.switch_similarity
        if primary is None or not primary.visible:
            return False
        sig = signature(frame.image, primary.box, primary.face.landmarks)
        if sig is None:
            return False
        now = Look.of(sig, frame.image, primary.box, primary.face.landmarks)
        before = self._signatures.get(primary.id)
        last, self._last_look = self._last_look, now
        if last is not None and threshold > 0:
            self._gap = (last, now)
        doubted = primary.id in self._doubted
        self._doubted.discard(primary.id)
        alike = similarity(before.signature, sig) if before is not None else 1.0
        if threshold <= 0 or alike >= (LIKE_SIMILARITY if self._identity else threshold):
            self._signatures[primary.id] = now
            return False
        verdict = None  # the descriptors' (None: not asked, or no descriptor)
        if self._identity is not None and before is not None and alike >= DOUBT_SIMILARITY:
            verdict = judge(self._identity, before, now)
        if verdict == "same" or (verdict is None and alike >= threshold):
            self._signatures[primary.id] = now  # a descriptor made is kept for the next
            return False
        if (verdict is None and not doubted and alike >= DOUBT_SIMILARITY
                and self._in_place(primary)):
            self._doubted.add(primary.id)  # the look before stays the reference
            return False
        same_face = (verdict is None and self._identity is not None and before is not None
                     and alike < DOUBT_SIMILARITY
                     and judge(self._identity, before, now) == "same")
        new = self._tracker.restart(primary.id, frame.timestamp)
        if new is None:
            return False
        if same_face:
            log.info("the visitor's face changed too much to keep its reading (looks %.2f "
                     "alike, the descriptors say the same face): read afresh, the visit "
                     "goes on", alike)
        else:
            log.debug("primary face %d looks like someone else now: track %d",
                      primary.id, new.id)
        self._smoothers.drop(primary.id)  # not handed over: a fresh reading
        self._signatures.pop(primary.id, None)
        self._signatures[new.id] = now
        self.switches += 1
        self._fresh_reading = True
        self._new_person = not same_face
        return True

    def _in_place(self, primary: Track) -> bool:
        """`primary` was seen in the last frame, its box about where it is now."""
        return (self._seen is not None and self._seen[0] == primary.id
                and self._seen[1].iou(primary.box) >= STILL_IOU)

    def _near_over_far(self, frame_width: int) -> bool:
        """In this step a face the whole-frame scan sees took the primary's place from a
        small face (`FarSearch.small`: one found and followed by the far search) still
        in view: the visitor in front of the kiosk, not another person in the far face's
        visit (see the module docstring)."""
        far = self._focus.far
        primary = self._tracker.primary
        if far is None or primary is None or self._primary_id in (None, primary.id):
            return False
        assert self._primary_id is not None
        old = self._tracker.get(self._primary_id)
        return (old is not None and old.visible and far.small(old.box, frame_width)
                and far.nearer(primary.box, old.box, frame_width))

    def _follow_primary(self) -> bool:
        """Note primary changes; return whether the primary face is visible now.

        A visitor re-detected as a fresh track (their old track expired, or was not
        seen in this frame) keeps their smoothed emotion: the state moves to the new
        primary track, unless the new face is not known to look like the old one's
        last look (`_another_look`, `returning`'s test): then another person came
        (after a gap longer than the tracker keeps a track, or elsewhere in the
        picture) and gets a fresh state. A
        primary taken over by another face that is seen alongside the old one is
        another person, with a state of their own."""
        primary = self._tracker.primary
        if primary is None:
            return False
        if primary.id != self._primary_id:
            old = self._primary_id
            old_track = self._tracker.get(old) if old is not None else None
            if old_track is not None and old_track.visible:
                self._new_person = True  # taken over: the old face is still there
            elif old is not None and (look := self._another_look(old, primary.id)) != "same":
                if look == "other":  # someone else came back: a new person, read afresh
                    self._new_person = True
                    self.switches += 1
                # "unsure" (looks only, no descriptors): not known to be the visitor,
                # not known to be someone else: the visit goes on, read afresh
            elif old is not None and self._smoothers.move(old, primary.id):
                self._renamed[old] = primary.id
            self._primary_id = primary.id
            self._uncertain_since = None
            self._asked_for_loss = False
        return primary.visible

    def _another_look(self, old_id: int, new_id: int) -> str:
        """Is the face of track `new_id` the face of the primary track `old_id` it
        follows (gone or out of view)? `_compare` of their last looks; without both
        looks, or with the switch check off, "same"."""
        before, now = self._signatures.get(old_id), self._signatures.get(new_id)
        if before is None or now is None or self.settings.switch_similarity <= 0:
            return "same"
        verdict = self._compare(before, now)
        if verdict != "same":
            log.debug("primary face %d is %s than face %d before it", new_id,
                      "someone else" if verdict == "other" else "maybe another", old_id)
        return verdict

    def _compare(self, before: Look, now: Look) -> str:
        """Is the face of look `now` the face of look `before`, seen before a gap?
        "same", "other" (another person) or "unsure" (read afresh, but the visit goes
        on). By the face descriptors when there are (`kiosk.vision.face_identity.judge`):
        one person at most `SAME_DISTANCE` (0.5) apart, else another person. Their
        "not known either way" band (0.5-0.6) counts as another person here, as in the
        switch check (`_check_switch`): a wrong "same" gives a stranger the previous
        shopper's "For you" pages and files the stranger's likes in that visit, a wrong
        "other" only has the visitor like a few images again for "For you"; the same
        person back within seconds, in the same light, is close (one photo 0.02-0.26
        apart), while the band held the fresh tester's two people (round 10:
        Carlos_Moya_0002 -> Juan_Ignacio_Chela_0002, 0.57-0.60 apart after 2-4 s).
        Without descriptors, by the looks: "same" at `returning`'s likeness
        (`looks_back`, 0.8), "other" under the switch check's `switch_similarity` (0.6).
        Across a gap two different people's looks scored up to 0.65, while one person
        after a head turn or under load scored 0.75: the looks alone leave a wide
        "unsure" band."""
        if self._identity is not None:
            verdict = judge(self._identity, before, now)
            if verdict is not None:
                return "same" if verdict == "same" else "other"
        if looks_back(before.signature, now.signature):
            return "same"
        if similarity(before.signature, now.signature) < self.settings.switch_similarity:
            return "other"
        return "unsure"

    def _classify(self, frame: Frame, primary: Track) -> tuple[EmotionReading | None, str]:
        quality = self._face_quality = self._quality.check(frame.image, primary.box)
        self.light.observe(quality.brightness)
        if not quality.ok:
            return None, quality.reason
        image, box = frame.image, primary.box
        if 0 < quality.brightness < DARK_FACE:  # see TARGET_FACE_MEAN
            image, box = lit_face(image, box, TARGET_FACE_MEAN / quality.brightness)
        raw = self._classifier.classify(image, box)
        if raw.uncertain:
            return raw, "uncertain"
        if raw.confidence < self.settings.min_confidence:
            return replace(raw, uncertain=True), "low confidence"
        return raw, ""

    def _maybe_ask_fallback(
        self, frame: Frame, visible_primary: Track | None, uncertain: bool
    ) -> None:
        if self._fallback is None or self._closed or self._pending is not None:
            return
        ts = frame.timestamp
        box: Box | None = None
        image = frame.image
        if visible_primary is not None:
            since = self._uncertain_since
            if uncertain and since is not None and ts - since >= self.fallback_after_s:
                box = visible_primary.box
        elif (
            self._last_box is not None
            and self._last_seen is not None
            and not self._asked_for_loss
        ):
            gone = ts - self._last_seen
            if self.no_face_after_s <= gone < self.recent_face_s and self._last_image is not None:
                box, image = self._last_box, self._last_image  # a frame with the face in it
        if box is None or not self._fallback.ready():
            return
        try:
            jpeg = encode_face_crop(image, box)
        except VisionError as exc:
            log.debug("no crop for Rekognition: %s", exc)
            return
        job = functools.partial(self._fallback.analyze, jpeg)
        future = self._submitter()(job)
        self._pending = _Pending(future, self._primary_id, self._generation)
        # Ask again only after another `fallback_after_s` of uncertainty, or once per loss.
        if visible_primary is not None:
            self._uncertain_since = ts
        else:
            self._asked_for_loss = True

    def _submitter(self) -> Submit:
        if self._submit is not None:
            return self._submit
        if self._executor is None:
            self._executor = ThreadPoolExecutor(
                max_workers=1, thread_name_prefix="kiosk-rekognition"
            )
        return self._executor.submit

    def _collect_fallback(self, ts: float) -> None:
        pending = self._pending
        if pending is None or not pending.future.done():
            return
        self._pending = None
        if pending.future.cancelled() or pending.generation != self._generation:
            return
        try:
            result = pending.future.result()
        except Exception:  # analyze() never raises; a stand-in might
            log.exception("Rekognition fallback failed")
            return
        if result is None or pending.track_id is None:
            return
        track_id = pending.track_id
        while track_id in self._renamed:
            track_id = self._renamed[track_id]
        track = self._tracker.get(track_id)
        if track is None or not track.visible:
            log.debug("Rekognition answer dropped: the face it was about is not in view")
            return  # that face is gone (or not seen now): settle nothing for nobody
        # One answer stands for the uncertain second before it (smoothing's `guarded`).
        self._smoothers.for_track(track_id).update(result.reading, ts, guarded=False)
        if result.gender is not None:
            self._gender = result.gender
