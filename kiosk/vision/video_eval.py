"""Measure what the shopper sees: the settled emotion over time on a labelled video.

The work behind `kiosk-admin eval-video VIDEO TIMELINE_JSON`. Every frame of the
video goes through the kiosk's own `VisionPipeline` (detector, tracking, primary
visitor, quality gate, emotion model(s), smoothing, visits; Rekognition off) with
the frame's own timestamp ``index / fps``: no wall clock and no Qt, so a run is
deterministic and as fast as the models allow. With `--step-ms` (a `LoadedLoop`) only
the frames a loaded machine's slow, jittery vision loop would take are processed, at
their own timestamps, each result shown from the end of its step on (seeded, so
still deterministic; `kiosk.vision.loaded_loop`); the scores are the same, over what
the screen showed at every frame's time, and `load` says what was simulated.

The timeline is ``{"fps": F, "segments": [{"start_s", "end_s", "label", "image"}]}``
(what `kiosk.tools.face_video --timeline` writes); `label` is a FER label or
``"absent"``. A frame belongs to the segment holding its timestamp; each frame
stands for ``1 / fps`` seconds. Metrics (all times in seconds):

* `on_screen_accuracy`: share of face time whose settled emotion, mapped back to
  its FER label, equals the segment's label (no settled emotion yet = wrong).
* `settle_s` {p50, p95}: per face segment, from its start to the first frame
  whose settled emotion equals its label; a segment that never gets there counts
  as its whole length (`unsettled_segments` says how many). `settle_s_settled` is
  the same over the segments that do get there only: the issue's wording ("from a
  segment's start to the first settled reading equal to its label") read literally,
  the time a shopper whose face is read right waits; `unsettled_segments` and
  `on_screen_accuracy` say what it leaves out.
* `flips_per_10s`: changes of the settled emotion inside face segments per 10 s
  of face time, not counting the first change of a segment that follows a face
  segment with another label or person (that change is the wanted update).
* `switches_expected` / `switches_missed` / `false_switches`: right after a face
  segment showing another person (the photo's name less its ``_NNNN``) the primary
  face should get a new track (the person-switch check, `kiosk.vision.appearance`);
  a segment where it did not is a missed switch. Any other new primary track inside
  a face stretch (after an expression change of the same person, or a second one
  in a segment) is a false switch. Each segment row's `new_tracks` says how many.
* `visit_start_s` / `visit_end_s` {p50, p95}: delay from a face appearing after
  an absence (or the video start) to the visit starting, and from the face
  leaving (for absences at least `visit_grace_s` long) to the visit ending.
* `false_visits`: visits that started with no face on screen, or a second time
  during one stretch of face segments not broken by an absence.
* `per_label`: the same accuracy and settle figures per label.
* Model error or pipeline delay? Per face segment, `model_read` is the label the
  emotion model(s) gave most often in its frames, frame by frame before any
  smoothing (uncertain readings included); a segment whose `model_read` is not its
  label is *misread* (`misread_segments`): no smoothing can show it right.
  `settle_s_read_right` {p50, p95} is `settle_s` over the other segments only, the
  delay the pipeline itself (tracking, switch cue, smoothing, hysteresis) adds.
  `segments` lists every face segment: label, image, model_read, the share of its
  frames read right raw (`raw_right`) and shown right (`shown_right`), settle_s
  (None: never) and its flips.
* `first_moods`: what a fresh face's first settled emotion (a new visitor, or another
  person in the visitor's place: a settled emotion on a primary track that had none,
  not yet `steady`) would do to the page. `faces` counts them; `flashed_at_settle`:
  those whose settled emotion changed within `FIRST_LOOK_S` (1 s) of the first one, so
  a page asked for at once (the kiosk before) was replaced before it could be seen;
  `flashed_when_steady`: the same from the first frame whose reading is steady
  (`VisionResult.reading_steady`: when the kiosk asks for the first page now);
  `steady_after_s` {p50, p95}: the wait from the first settled emotion to steady (the
  first page's added latency); `never_steady`: faces that left first (no page asked).
* `uncovered_face_s`: face time of the timeline after the video's last frame (a
  timeline longer than its video, or its `fps` not the video's): not scored by any
  metric above; when it is not 0, a warning says so and `note` gives both lengths.
"""

from __future__ import annotations

import json
import logging
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from kiosk.domain import Frame
from kiosk.imaging import ImageError, conform_frame, rotate_frame
from kiosk.vision.emotion_model import EMOTION_TO_FER
from kiosk.vision.loaded_loop import LoadedLoop, shown_upto
from kiosk.vision.mini_xception import FER_LABELS
from kiosk.vision.pipeline import VisionPipeline, VisionResult

log = logging.getLogger(__name__)

ABSENT = "absent"
FIRST_LOOK_S = 1.0
"""A page replaced within this many seconds of being drawn was not looked at: the
IAB/MRC viewable-impression rule (1 s on screen), the kiosk's `GLANCE_S`."""


@dataclass(frozen=True, slots=True)
class TimelineSegment:
    start_s: float
    end_s: float
    label: str  # a FER label or "absent"
    image: str | None = None

    @property
    def face(self) -> bool:
        return self.label != ABSENT


@dataclass(frozen=True, slots=True)
class Timeline:
    fps: float
    segments: tuple[TimelineSegment, ...]

    def segment_at(self, t: float) -> int | None:
        """Index of the segment holding time `t` (start inclusive), None outside all."""
        for i, seg in enumerate(self.segments):
            if seg.start_s - 1e-9 <= t < seg.end_s - 1e-9:
                return i
        return None


def load_timeline(path: Path) -> Timeline:
    """Read and check a timeline JSON; ValueError naming the file and the problem."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8-sig"))
    except OSError as exc:
        raise ValueError(f"{path}: cannot read the timeline ({exc.strerror})") from None
    except json.JSONDecodeError as exc:
        raise ValueError(f"{path}: not JSON ({exc})") from None
    if not isinstance(data, dict) or not isinstance(data.get("segments"), list):
        raise ValueError(f'{path}: expected {{"fps": F, "segments": [...]}}')
    fps = data.get("fps")
    if not isinstance(fps, int | float) or fps <= 0:
        raise ValueError(f"{path}: fps must be a positive number, not {fps!r}")
    segments: list[TimelineSegment] = []
    allowed = (*FER_LABELS, ABSENT)
    for i, raw in enumerate(data["segments"]):
        try:
            if not isinstance(raw["label"], str):
                raise TypeError
            seg = TimelineSegment(float(raw["start_s"]), float(raw["end_s"]),
                                  raw["label"].lower(), raw.get("image"))
        except (KeyError, TypeError, ValueError):
            raise ValueError(f"{path}: segment {i} needs start_s, end_s (numbers) and "
                             "label (text)") from None
        if seg.label not in allowed:
            raise ValueError(f"{path}: segment {i} label {seg.label!r} is not one of "
                             f"{', '.join(allowed)}")
        if seg.end_s <= seg.start_s or (segments and seg.start_s < segments[-1].end_s - 1e-6):
            raise ValueError(f"{path}: segment {i} must end after it starts and not "
                             "overlap the one before")
        segments.append(seg)
    if not segments:
        raise ValueError(f"{path}: no segments")
    return Timeline(float(fps), tuple(segments))


def read_frames(video: Path, fps: float, rotate: int = 0) -> Iterator[Frame]:
    """Frames of `video` stamped ``index / fps`` (the timeline's clock, not the wall's),
    turned `rotate` degrees clockwise as the kiosk's capture turns them (`[camera]
    rotate`). ValueError when the file cannot be opened or holds no frame."""
    rotate_frame(np.zeros((1, 1, 3), np.uint8), rotate)  # a bad angle: before any work
    if not Path(video).is_file():
        raise ValueError(f"{video}: no such file")
    cap = cv2.VideoCapture(str(video))
    if not cap.isOpened():
        raise ValueError(f"{video}: OpenCV cannot open this video")
    try:
        own_fps = cap.get(cv2.CAP_PROP_FPS)
        if own_fps and abs(own_fps - fps) > 0.01 * fps:
            log.warning("%s plays at %.2f fps, the timeline says %.2f; using the timeline's",
                        video, own_fps, fps)
        seq = 0
        while True:
            ok, image = cap.read()
            if not ok:
                break
            try:  # the camera's image policy: limits, BGR uint8, at most 1920 px
                image = conform_frame(image, str(video))
            except ImageError as exc:
                raise ValueError(str(exc)) from None
            image = rotate_frame(image, rotate)
            yield Frame(image=image, seq=seq, timestamp=seq / fps, source=str(video))
            seq += 1
        if seq == 0:
            raise ValueError(f"{video}: no frame could be decoded")
    finally:
        cap.release()


@dataclass(frozen=True, slots=True)
class FrameRecord:
    """What the evaluation keeps of one `VisionResult`: the settled FER label (None
    before one), visit start/end flags, and this frame's own unsmoothed reading of the
    primary face (`raw`, uncertain ones included; None when it was not classified)."""

    t: float
    shown: str | None
    visit_started: bool
    visit_ended: bool
    raw: str | None = None
    track: int | None = None
    steady: bool = True  # the settled emotion is steady (`VisionResult.reading_steady`)


def record(result: VisionResult) -> FrameRecord:
    shown = EMOTION_TO_FER.get(result.reading.emotion) if result.reading is not None else None
    raw = result.raw_reading
    return FrameRecord(result.timestamp, shown, result.visit_started, result.visit_ended,
                       EMOTION_TO_FER.get(raw.emotion) if raw is not None else None,
                       result.primary_track_id, result.reading_steady)


def run_pipeline(pipeline: VisionPipeline, frames: Iterator[Frame],
                 on_frame: Callable[[VisionResult], None] | None = None) -> list[FrameRecord]:
    """Process every frame in order; return what was shown at each."""
    out = []
    for frame in frames:
        result = pipeline.process(frame)
        if on_frame is not None:
            on_frame(result)
        out.append(record(result))
    return out


def run_loaded(pipeline: VisionPipeline, frames: Iterator[Frame], fps: float,
               loop: LoadedLoop) -> tuple[list[FrameRecord], int]:
    """Process only the frames a slow, jittery loop takes (`kiosk.vision.loaded_loop`),
    at their own timestamps; return what the screen showed at every frame's time, and
    how many frames were processed. A frame's `raw` is its own reading, only on the
    frames the loop took."""
    steps = loop.steps(fps)
    index, done = next(steps)
    processed: list[FrameRecord] = []
    done_at: list[float] = []
    n_frames = 0
    for frame in frames:
        n_frames += 1
        if frame.seq == index:
            processed.append(record(pipeline.process(frame)))
            done_at.append(done)
            index, done = next(steps)
    raw_at = {round(r.t * fps): r.raw for r in processed}
    out: list[FrameRecord] = []
    before = 0
    for j, upto in enumerate(shown_upto(done_at, n_frames, fps)):
        new = processed[before:upto]
        current = processed[upto - 1] if upto else None
        out.append(FrameRecord(j / fps, current.shown if current is not None else None,
                               any(r.visit_started for r in new),
                               any(r.visit_ended for r in new), raw_at.get(j),
                               current.track if current is not None else None,
                               current.steady if current is not None else True))
        before = upto
    return out, len(processed)


def _pct(values: Sequence[float]) -> dict[str, float | None]:
    if not values:
        return {"p50": None, "p95": None}
    arr = np.asarray(values, dtype=float)
    return {"p50": round(float(np.percentile(arr, 50)), 3),
            "p95": round(float(np.percentile(arr, 95)), 3)}


def score(timeline: Timeline, records: Sequence[FrameRecord], visit_grace_s: float
          ) -> dict[str, Any]:
    """The metrics of the module docstring from per-frame records."""
    dt = 1.0 / timeline.fps
    segs = timeline.segments
    by_seg: list[list[FrameRecord]] = [[] for _ in segs]
    outside: list[FrameRecord] = []
    for rec in records:
        i = timeline.segment_at(rec.t)
        (outside if i is None else by_seg[i]).append(rec)

    face_time = correct_time = 0.0
    flips = 0
    settle: list[float] = []
    settled: list[float] = []  # the segments that got there
    settle_read_right: list[float] = []
    unsettled = misread = 0
    rows: list[dict[str, Any]] = []
    per_label: dict[str, dict[str, Any]] = {}
    switches = {"expected": 0, "missed": 0, "false": 0}
    for i, (seg, recs) in enumerate(zip(segs, by_seg, strict=True)):
        if not seg.face or not recs:
            continue
        new_tracks = _switch_tally(segs, by_seg, i, switches)
        row = per_label.setdefault(seg.label, {"segments": 0, "face_s": 0.0, "correct_s": 0.0,
                                               "settle": [], "unsettled": 0})
        row["segments"] += 1
        good = sum(r.shown == seg.label for r in recs)
        face_time += len(recs) * dt
        correct_time += good * dt
        row["face_s"] += len(recs) * dt
        row["correct_s"] += good * dt
        first = next((r.t for r in recs if r.shown == seg.label), None)
        if first is None:
            unsettled += 1
            row["unsettled"] += 1
            value = seg.end_s - seg.start_s
        else:
            value = max(0.0, first - seg.start_s)
            settled.append(value)
        settle.append(value)
        row["settle"].append(value)
        model_read = _model_read(recs, seg.label)
        if model_read == seg.label:
            settle_read_right.append(value)
        else:
            misread += 1
        rows.append({
            "start_s": seg.start_s, "label": seg.label, "image": seg.image,
            "model_read": model_read,
            "raw_right": round(sum(r.raw == seg.label for r in recs) / len(recs), 3),
            "shown_right": round(good / len(recs), 3),
            "settle_s": None if first is None else round(value, 3),
            "flips": _flips(recs, expect_change=_expects_change(segs, i)),
            "new_tracks": new_tracks,
        })
        flips += rows[-1]["flips"]

    visit_start, visit_end, false_visits = _visits(timeline, by_seg, outside, visit_grace_s)
    labels = {}
    for label in sorted(per_label, key=lambda x: FER_LABELS.index(x)):
        row = per_label[label]
        labels[label] = {
            "segments": row["segments"],
            "face_s": round(row["face_s"], 3),
            "on_screen_accuracy": round(row["correct_s"] / row["face_s"], 4)
            if row["face_s"] else None,
            "settle_s": _pct(row["settle"]),
            "unsettled_segments": row["unsettled"],
        }
    return {
        "frames": len(records),
        "fps": timeline.fps,
        "face_s": round(face_time, 3),
        "on_screen_accuracy": round(correct_time / face_time, 4) if face_time else None,
        "settle_s": _pct(settle),
        "unsettled_segments": unsettled,
        "settle_s_settled": _pct(settled),
        "misread_segments": misread,
        "settle_s_read_right": _pct(settle_read_right),
        "flips": flips,
        "flips_per_10s": round(10.0 * flips / face_time, 3) if face_time else None,
        "switches_expected": switches["expected"],
        "switches_missed": switches["missed"],
        "false_switches": switches["false"],
        "visit_start_s": _pct(visit_start),
        "visit_end_s": _pct(visit_end),
        "false_visits": false_visits,
        "per_label": labels,
        "first_moods": first_moods(records),
        "segments": rows,
    }


def first_moods(records: Sequence[FrameRecord]) -> dict[str, Any]:
    """The `first_moods` figures of the module docstring."""
    faces = flashed_at_settle = flashed_when_steady = never_steady = 0
    waits: list[float] = []
    for i, rec in enumerate(records):
        before = records[i - 1] if i else None
        fresh = rec.shown is not None and not rec.steady and (
            before is None or before.shown is None or before.track != rec.track)
        if not fresh:
            continue
        faces += 1
        # this face's frames: until its settled emotion goes or another track is primary
        end = next((k for k in range(i, len(records))
                    if records[k].shown is None or records[k].track != rec.track),
                   len(records))
        flashed_at_settle += _changes_within(records, i, end)
        steady = next((k for k in range(i, end) if records[k].steady), None)
        if steady is None:
            never_steady += 1
            continue
        waits.append(records[steady].t - rec.t)
        flashed_when_steady += _changes_within(records, steady, end)
    return {"faces": faces, "flashed_at_settle": flashed_at_settle,
            "flashed_when_steady": flashed_when_steady, "steady_after_s": _pct(waits),
            "never_steady": never_steady}


def _changes_within(records: Sequence[FrameRecord], start: int, end: int) -> bool:
    """Whether the settled emotion shown at `start` changes before `end` and within
    `FIRST_LOOK_S` of it."""
    first = records[start]
    return any(r.shown != first.shown for r in records[start:end]
               if r.t < first.t + FIRST_LOOK_S - 1e-9)


def _model_read(recs: Sequence[FrameRecord], label: str) -> str | None:
    """The label the model(s) gave most often in `recs` (None: never classified);
    `label` itself when it ties for most."""
    counts = Counter(r.raw for r in recs if r.raw is not None)
    if not counts:
        return None
    most = max(counts.values())
    if counts.get(label, 0) == most:
        return label
    return counts.most_common(1)[0][0]


def person(image: str | None) -> str | None:
    """Who a timeline photo shows: its file name less the trailing ``_NNNN`` (the
    shared faces are named ``Name_0001.jpg``, ``Name_0002.jpg``, ...)."""
    if image is None:
        return None
    return Path(image).stem.rsplit("_", 1)[0]


def _switch_tally(segs: Sequence[TimelineSegment], by_seg: Sequence[Sequence[FrameRecord]],
                  i: int, tally: dict[str, int]) -> int:
    """Count the person-switch check's calls for face segment i into `tally`; return
    how many primary tracks it shows that the segment before it did not. Right after
    another face segment one new track is wanted when the person changed (none:
    `missed`) and none when the same person only changed expression; any further new
    track is a `false` switch (after an absence the first new track is the new visit)."""
    before = {r.track for r in by_seg[i - 1]} if i > 0 and segs[i - 1].face else set()
    new = len({r.track for r in by_seg[i] if r.track is not None} - before)
    follows_face = i > 0 and segs[i - 1].face
    wanted = 1 if not follows_face or person(segs[i - 1].image) != person(segs[i].image) else 0
    if follows_face and wanted:
        tally["expected"] += 1
        tally["missed"] += new == 0
    tally["false"] += max(0, new - wanted)
    return new


def _expects_change(segs: Sequence[TimelineSegment], i: int) -> bool:
    """Whether segment i follows a face segment showing another label or person."""
    if i == 0 or not segs[i - 1].face:
        return False
    prev, cur = segs[i - 1], segs[i]
    return prev.label != cur.label or prev.image != cur.image


def _flips(recs: Sequence[FrameRecord], *, expect_change: bool) -> int:
    flips = 0
    last = recs[0].shown
    free = expect_change
    for rec in recs[1:]:
        if rec.shown is not None and last is not None and rec.shown != last:
            if free:
                free = False
            else:
                flips += 1
        if rec.shown is not None:
            last = rec.shown
    return flips


def _visits(timeline: Timeline, by_seg: Sequence[Sequence[FrameRecord]],
            outside: Sequence[FrameRecord], grace_s: float
            ) -> tuple[list[float], list[float], int]:
    segs = timeline.segments
    starts: list[float] = []
    ends: list[float] = []
    false_visits = sum(r.visit_started for r in outside)
    run_started = False  # a visit already started in this stretch of face segments
    for i, (seg, recs) in enumerate(zip(segs, by_seg, strict=True)):
        if not seg.face:
            false_visits += sum(r.visit_started for r in recs)
            run_started = False
            after_face = i > 0 and segs[i - 1].face
            if after_face and seg.end_s - seg.start_s >= grace_s:
                ended = next((r.t for r in recs if r.visit_ended), None)
                if ended is not None:
                    ends.append(ended - seg.start_s)
                else:
                    ends.append(seg.end_s - seg.start_s)
            continue
        new_stretch = i == 0 or not segs[i - 1].face
        for rec in recs:
            if not rec.visit_started:
                continue
            if new_stretch and not run_started:
                starts.append(rec.t - seg.start_s)
            else:
                false_visits += 1
            run_started = True
    return starts, ends, false_visits


def evaluate_video(video: Path, timeline: Timeline, pipeline: VisionPipeline,
                   load: LoadedLoop | None = None, rotate: int = 0) -> dict[str, Any]:
    """Run `pipeline` over `video` at the timeline's clock and score it; with `load`,
    as a loaded machine would (only the frames its slow loop takes); with `rotate`,
    on frames turned that many degrees clockwise (a video from a sideways camera)."""
    frames = read_frames(video, timeline.fps, rotate)
    processed = None
    if load is None:
        records = run_pipeline(pipeline, frames)
    else:
        records, processed = run_loaded(pipeline, frames, timeline.fps, load)
    result = score(timeline, records, pipeline.settings.visit_grace_s)
    if load is not None:
        result["load"] = {**load.describe(),
                          "processed_frames": processed}
    if rotate:
        result["rotate"] = rotate
    last_end = timeline.segments[-1].end_s
    video_s = len(records) / timeline.fps
    uncovered = uncovered_face_s(timeline, video_s)
    result["uncovered_face_s"] = round(uncovered, 3)
    if abs(video_s - last_end) > 2.0 / timeline.fps:
        result["note"] = (f"the video lasts {video_s:.2f} s but the timeline ends at "
                          f"{last_end:.2f} s")
        if uncovered > 0:
            log.warning("%s: the timeline's faces after %.2f s (%.1f s of face time) lie "
                        "past the video's end and are not scored (face_s %.1f); check "
                        "the timeline's fps (%g) and its segments against the video",
                        video, video_s, uncovered, result["face_s"], timeline.fps)
    return result


def uncovered_face_s(timeline: Timeline, video_s: float) -> float:
    """Seconds of the timeline's face segments after `video_s` (the video's end): time
    with no frame to score, left out of `face_s` and every metric."""
    return sum(max(0.0, seg.end_s - max(seg.start_s, video_s))
               for seg in timeline.segments if seg.face)
