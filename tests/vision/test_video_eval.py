"""`eval-video`: timeline parsing, the metrics, and whole runs on written videos."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pytest

from kiosk.admin.cli import main as admin_main
from kiosk.config import VisionSettings
from kiosk.domain import Box, Emotion, EmotionReading, Face
from kiosk.tools.face_video import Segment, parse_script, write_face_video
from kiosk.vision.pipeline import VisionPipeline
from kiosk.vision.video_eval import (
    FrameRecord,
    Timeline,
    TimelineSegment,
    evaluate_video,
    first_moods,
    load_timeline,
    read_frames,
    score,
    uncovered_face_s,
)

FPS = 10.0


def timeline(*segs: tuple[float, float, str] | tuple[float, float, str, str]) -> Timeline:
    return Timeline(FPS, tuple(TimelineSegment(*s) for s in segs))


def smile_video(tmp_path: Path, faces_dir: Path) -> None:
    """v.avi and v.json in `tmp_path`: one second of a clear smile at 10 fps."""
    photo = "images/Michael_Sheehan_0001.jpg"
    write_face_video(tmp_path / "v.avi", faces_dir, [Segment("happy", 1.0, photo)], fps=10,
                     timeline=tmp_path / "v.json")


def records(shown: list[str | None], starts: tuple[int, ...] = (), ends: tuple[int, ...] = ()
            ) -> list[FrameRecord]:
    return [FrameRecord(i / FPS, s, i in starts, i in ends) for i, s in enumerate(shown)]


def test_accuracy_and_settle_count_time_before_the_first_settle_as_wrong() -> None:
    tl = timeline((0, 1, "happy"), (1, 2, "sad", "b.jpg"))
    shown = [None, None] + ["happy"] * 8 + ["happy"] * 3 + ["sad"] * 7
    out = score(tl, records(shown, starts=(0,)), visit_grace_s=3.0)
    assert out["on_screen_accuracy"] == pytest.approx(15 / 20)
    assert out["per_label"]["happy"]["settle_s"]["p50"] == pytest.approx(0.2)
    assert out["per_label"]["sad"]["settle_s"]["p50"] == pytest.approx(0.3)
    assert out["flips"] == 0  # happy -> sad at a label change is the wanted update
    assert out["visit_start_s"]["p50"] == 0.0 and out["false_visits"] == 0


def test_a_segment_that_never_settles_counts_its_whole_length() -> None:
    out = score(timeline((0, 2, "fear")), records(["sad"] * 20), visit_grace_s=3.0)
    assert out["on_screen_accuracy"] == 0.0
    assert out["settle_s"]["p95"] == pytest.approx(2.0)
    assert out["unsettled_segments"] == 1


def test_flips_on_a_steady_face_are_counted_per_10_s() -> None:
    shown: list[str | None] = [*["happy"] * 5, *["sad"] * 5, *["happy"] * 10]
    out = score(timeline((0, 2, "happy")), records(shown), visit_grace_s=3.0)
    assert out["flips"] == 2
    assert out["flips_per_10s"] == pytest.approx(10.0)


def test_visit_end_delay_and_false_visits() -> None:
    tl = timeline((0, 1, "happy"), (1, 5, "absent"), (5, 6, "happy"))
    shown = ["happy"] * 10 + [None] * 40 + ["happy"] * 10
    # The visit ends 3 s after the face left; a stray visit starts with nobody there,
    # and the next face's visit starts one frame late.
    recs = records(shown, starts=(0, 45, 51), ends=(40,))
    out = score(tl, recs, visit_grace_s=3.0)
    assert out["visit_end_s"]["p50"] == pytest.approx(3.0)
    assert out["visit_start_s"]["p95"] == pytest.approx(0.095)  # of 0.0 and 0.1 s
    assert out["false_visits"] == 1


def test_load_timeline_rejects_bad_files_with_the_reason(tmp_path: Path) -> None:
    path = tmp_path / "t.json"
    path.write_text(json.dumps({"fps": 15, "segments": [
        {"start_s": 0, "end_s": 1, "label": "happy"},
        {"start_s": 1, "end_s": 2, "label": "smug"}]}))
    with pytest.raises(ValueError, match="smug"):
        load_timeline(path)
    path.write_text(json.dumps({"fps": 0, "segments": []}))
    with pytest.raises(ValueError, match="fps"):
        load_timeline(path)
    path.write_text("{")
    with pytest.raises(ValueError, match="not JSON"):
        load_timeline(path)
    with pytest.raises(ValueError, match="cannot read"):
        load_timeline(tmp_path / "missing.json")
    # a null label was reported as "label 'none' is not one of …" (black box, round 18)
    path.write_text(json.dumps({"fps": 15, "segments": [
        {"start_s": 0, "end_s": 1, "label": None}]}))
    with pytest.raises(ValueError, match=r"segment 0 needs .*label \(text\)"):
        load_timeline(path)


def test_face_time_past_the_videos_end_is_counted_and_named() -> None:
    tl = timeline((0.0, 1.0, "absent"), (1.0, 4.0, "happy"), (4.0, 6.0, "absent"),
                  (6.0, 10.0, "sad"))
    assert uncovered_face_s(tl, 10.0) == 0.0
    assert uncovered_face_s(tl, 2.5) == pytest.approx(1.5 + 4.0)
    assert uncovered_face_s(tl, 5.0) == pytest.approx(4.0)  # an absence is no face time


def test_parse_script_pins_images_and_rejects_nonsense() -> None:
    assert parse_script("happy:2:images/a.jpg,none:1") == [
        Segment("happy", 2.0, "images/a.jpg"), Segment(None, 1.0)]
    with pytest.raises(ValueError, match="seconds"):
        parse_script("happy:soon")


class BoxDetector:
    """Finds one fixed box whenever the frame is not the plain background."""

    def detect(self, image_bgr: np.ndarray) -> list[Face]:
        return [Face(Box(200, 120, 440, 360), 0.99)] if image_bgr.std() > 30 else []


class MeanClassifier:
    """HAPPY on bright faces, SAD on dark ones: enough to follow a scripted video."""

    def classify(self, image_bgr: np.ndarray, box: Box) -> EmotionReading:
        emotion = Emotion.HAPPY if image_bgr[200:280, 280:360].mean() > 100 else Emotion.SAD
        return EmotionReading(emotion, 0.9, {emotion: 0.9, Emotion.CALM: 0.1})


@pytest.mark.faces
def test_timeline_matches_the_frames_written(tmp_path: Path, faces_dir: Path) -> None:
    script = [Segment(None, 0.5), Segment("happy", 1.0), Segment(None, 0.4)]
    video = write_face_video(tmp_path / "v.avi", faces_dir, script, fps=10,
                             timeline=tmp_path / "v.json")
    tl = load_timeline(tmp_path / "v.json")
    assert [s.label for s in tl.segments] == ["absent", "happy", "absent"]
    assert tl.segments[1].image is not None and (faces_dir / tl.segments[1].image).is_file()
    frames = list(read_frames(video, tl.fps))
    assert len(frames) == 19 and frames[-1].timestamp == pytest.approx(1.8)


@pytest.mark.faces
def test_evaluate_video_runs_the_pipeline_on_the_video_clock(
    tmp_path: Path, faces_dir: Path
) -> None:
    script = [Segment(None, 0.5), Segment("happy", 1.5), Segment(None, 3.5)]
    video = write_face_video(tmp_path / "v.avi", faces_dir, script, fps=10,
                             timeline=tmp_path / "v.json")
    tl = load_timeline(tmp_path / "v.json")
    settings = VisionSettings(visit_grace_s=3.0)
    pipeline = VisionPipeline(BoxDetector(), MeanClassifier(), settings)
    out = evaluate_video(video, tl, pipeline)
    assert out["frames"] == 55
    assert out["visit_start_s"]["p50"] == 0.0  # the first face frame starts the visit
    # The grace runs from the last frame with the face (0.1 s before the absence).
    assert out["visit_end_s"]["p50"] == pytest.approx(2.9)
    assert out["false_visits"] == 0 and "note" not in out
    assert out["uncovered_face_s"] == 0.0


@pytest.mark.faces
def test_a_timeline_longer_than_its_video_warns_with_the_face_time_left_out(
    tmp_path: Path, faces_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # round 18: 16 s of faces past a 24 s video were dropped with rc 0 and no warning
    script = [Segment(None, 0.5), Segment("happy", 1.0)]
    video = write_face_video(tmp_path / "v.avi", faces_dir, script, fps=10,
                             timeline=tmp_path / "v.json")
    data = json.loads((tmp_path / "v.json").read_text())
    data["segments"].append({"start_s": 1.5, "end_s": 5.5, "label": "sad"})
    (tmp_path / "long.json").write_text(json.dumps(data))
    pipeline = VisionPipeline(BoxDetector(), MeanClassifier(), VisionSettings())
    with caplog.at_level("WARNING", logger="kiosk.vision.video_eval"):
        out = evaluate_video(video, load_timeline(tmp_path / "long.json"), pipeline)
    assert out["uncovered_face_s"] == pytest.approx(4.0)
    assert out["face_s"] == pytest.approx(1.0)
    assert "timeline ends at 5.50 s" in out["note"]
    assert any("4.0 s of face time" in r.getMessage() and "not scored" in r.getMessage()
               for r in caplog.records)


@pytest.mark.faces
@pytest.mark.slow
def test_eval_video_command_on_a_real_face(
    tmp_path: Path, faces_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    smile_video(tmp_path, faces_dir)
    assert admin_main(["eval-video", str(tmp_path / "v.avi"), str(tmp_path / "v.json")]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["frames"] == 10
    assert out["on_screen_accuracy"] >= 0.8
    assert out["settle_s"]["p95"] <= 0.2
    # what the orientation watch told: nothing on an upright video
    assert out["camera_turn"] is None and out["camera_turn_at_s"] is None


def test_eval_video_command_names_a_missing_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "t.json"
    path.write_text(json.dumps({"fps": 15, "segments": [
        {"start_s": 0, "end_s": 1, "label": "happy"}]}))
    assert admin_main(["eval-video", str(tmp_path / "nope.avi"), str(path)]) == 1
    assert "nope.avi: no such file" in capsys.readouterr().err


def test_a_segment_the_model_misreads_is_told_apart_from_a_slow_settle() -> None:
    tl = timeline((0, 1, "happy"), (1, 2, "sad", "b.jpg"))
    recs = [FrameRecord(i / FPS, "happy", i == 0, False, "happy") for i in range(10)]
    # The sad face is read as angry in 7 of 10 frames: shown sad only from 0.8 s on.
    raws = ["sad", "angry", "angry", "angry", "sad", "angry", "angry", "angry", "sad", "angry"]
    shown = ["happy"] * 8 + ["sad"] * 2
    recs += [FrameRecord(1 + i / FPS, s, False, False, r)
             for i, (s, r) in enumerate(zip(shown, raws, strict=True))]
    out = score(tl, recs, visit_grace_s=3.0)
    assert out["misread_segments"] == 1
    assert out["settle_s"]["p95"] == pytest.approx(0.76)  # of 0.0 and 0.8 s
    assert out["settle_s_read_right"] == {"p50": 0.0, "p95": 0.0}
    assert out["settle_s_settled"]["p95"] == pytest.approx(0.76)  # both got there
    sad = out["segments"][1]
    assert (sad["model_read"], sad["raw_right"], sad["shown_right"]) == ("angry", 0.3, 0.2)
    assert sad["settle_s"] == pytest.approx(0.8)


# Faces the models read right as stills and frame by frame, from sure (Jonathan
# Edwards, happy 0.96) to borderline (Ben Glisan, neutral 0.51): what is measured
# is the pipeline (switch cue, fresh smoothing state, hysteresis), not model luck.
# The README reports random draws too, misreads included.
SWITCH_SCRIPT = ("none:1,happy:4:images/Jonathan_Edwards_0004.jpg,"
                 "sad:4:images/Anna_Jones_0001.jpg,neutral:4:images/Ben_Glisan_0001.jpg,"
                 "surprise:4:images/George_W_Bush_0003.jpg,"
                 "angry:4:images/Dennis_Kucinich_0004.jpg")


@pytest.mark.faces
@pytest.mark.slow
@pytest.mark.timeout(600)
def test_person_switches_every_4_s_settle_within_a_second(
    tmp_path: Path, faces_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_face_video(tmp_path / "sw.avi", faces_dir, parse_script(SWITCH_SCRIPT), fps=10,
                     seed=3, timeline=tmp_path / "sw.json")
    assert admin_main(["eval-video", str(tmp_path / "sw.avi"), str(tmp_path / "sw.json")]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["misread_segments"] == 0, out["segments"]
    assert out["on_screen_accuracy"] >= 0.6
    assert out["settle_s"]["p95"] <= 1.0, out["segments"]
    assert out["flips_per_10s"] <= 1.0
    assert out["false_visits"] == 0 and out["visit_start_s"]["p95"] <= 0.2


def test_switches_are_counted_by_person_missed_and_false() -> None:
    # Anna, then Brian (another person), then Brian again (another photo), 1 s each.
    tl = timeline((0, 1, "sad", "images/Anna_0001.jpg"), (1, 2, "happy", "images/Brian_0001.jpg"),
                  (2, 3, "sad", "images/Brian_0002.jpg"))
    shown = ["sad"] * 30

    def with_tracks(tracks: list[int]) -> list[FrameRecord]:
        return [FrameRecord(i / FPS, s, i == 0, False, None, t)
                for i, (s, t) in enumerate(zip(shown, tracks, strict=True))]

    missed = score(tl, with_tracks([1] * 20 + [2] * 10), visit_grace_s=3.0)
    assert (missed["switches_expected"], missed["switches_missed"]) == (1, 1)
    assert missed["false_switches"] == 1  # Brian's new photo is the same person
    assert [r["new_tracks"] for r in missed["segments"]] == [1, 0, 1]
    right = score(tl, with_tracks([1] * 10 + [2] * 20), visit_grace_s=3.0)
    assert (right["switches_missed"], right["false_switches"]) == (0, 0)


def test_a_fresh_faces_first_mood_that_flips_at_once_is_counted_as_a_flash() -> None:
    """`first_moods`: a page asked for at the first settled emotion (the kiosk before)
    would have flashed; asked for once the reading is steady, it stays."""
    def rec(i: int, shown: str | None, track: int | None, steady: bool) -> FrameRecord:
        return FrameRecord(i / FPS, shown, False, False, shown, track, steady)

    recs = [rec(0, None, None, False),
            # visitor 1: surprise on the first reading, happy on the second, then steady
            rec(1, "surprise", 1, False), rec(2, "happy", 1, False),
            *[rec(i, "happy", 1, True) for i in range(3, 20)],
            # visitor 2 in their place: read sad throughout, steady on the third reading
            rec(20, "sad", 2, False), rec(21, "sad", 2, False),
            *[rec(i, "sad", 2, True) for i in range(22, 40)],
            # visitor 3 leaves before their mood is steady
            rec(40, "angry", 3, False), rec(41, None, None, False)]
    out = first_moods(recs)
    assert (out["faces"], out["flashed_at_settle"], out["flashed_when_steady"],
            out["never_steady"]) == (3, 1, 0, 1)
    assert out["steady_after_s"] == {"p50": 0.2, "p95": 0.2}
    assert first_moods(records(["happy"] * 5))["faces"] == 0  # steady all along


def test_a_segment_that_never_settles_is_left_out_of_settle_s_settled_only() -> None:
    tl = timeline((0, 1, "happy"), (1, 3, "sad", "b.jpg"))
    recs = [FrameRecord(i / FPS, "happy", i == 0, False, "happy") for i in range(10)]
    recs += [FrameRecord(1 + i / FPS, "angry", False, False, "angry") for i in range(20)]
    out = score(tl, recs, visit_grace_s=3.0)
    assert out["unsettled_segments"] == 1
    assert out["settle_s"]["p95"] == pytest.approx(1.9)  # 0.0 and the sad one's 2 s
    assert out["settle_s_settled"] == {"p50": 0.0, "p95": 0.0}


class UprightBoxDetector(BoxDetector):
    """Like a detector trained on upright faces: finds nothing in a sideways frame."""

    def detect(self, image_bgr: np.ndarray) -> list[Face]:
        height, width = image_bgr.shape[:2]
        return super().detect(image_bgr) if width > height else []


def turned_copy(video: Path, out: Path, code: int, fps: float = FPS) -> Path:
    """`video` as a camera mounted sideways would have filmed it (`cv2.rotate` code)."""
    frames = [cv2.rotate(f.image, code) for f in read_frames(video, fps)]
    height, width = frames[0].shape[:2]
    writer = cv2.VideoWriter(str(out), cv2.VideoWriter.fourcc(*"MJPG"), fps, (width, height))
    for image in frames:
        writer.write(image)
    writer.release()
    return out


@pytest.mark.faces
def test_a_video_from_a_sideways_camera_scores_like_the_upright_one_when_turned_back(
    tmp_path: Path, faces_dir: Path
) -> None:
    """`[camera] rotate` / `--rotate` (tester round 18: a portrait-mounted camera gave
    on_screen_accuracy 0.145 instead of 0.795, with false visits and switches)."""
    script = [Segment(None, 0.5), Segment("happy", 1.0), Segment(None, 3.5)]
    plain = write_face_video(tmp_path / "v.avi", faces_dir, script, fps=10,
                             timeline=tmp_path / "v.json")
    sideways = turned_copy(plain, tmp_path / "rot90.avi", cv2.ROTATE_90_CLOCKWISE)
    tl = load_timeline(tmp_path / "v.json")
    settings = VisionSettings(visit_grace_s=3.0)

    def run(video: Path, rotate: int = 0) -> dict[str, Any]:
        pipeline = VisionPipeline(UprightBoxDetector(), MeanClassifier(), settings)
        return evaluate_video(video, tl, pipeline, rotate=rotate)

    upright = run(plain)
    assert upright["on_screen_accuracy"] > 0.5 and upright["visit_start_s"]["p50"] == 0.0
    assert run(sideways)["on_screen_accuracy"] == 0.0  # no face found sideways
    turned = run(sideways, rotate=270)  # turned 270° clockwise = back upright
    assert turned.pop("rotate") == 270
    assert turned == upright
    assert [f.image.shape for f in read_frames(sideways, FPS, rotate=270)][:1] == [(480, 640, 3)]
    with pytest.raises(ValueError, match="allowed values are 0, 90, 180, 270"):
        next(read_frames(sideways, FPS, rotate=45))


@pytest.mark.faces
@pytest.mark.slow
def test_eval_video_turns_frames_by_the_settings_or_the_flag(
    tmp_path: Path, faces_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    smile_video(tmp_path, faces_dir)
    turned_copy(tmp_path / "v.avi", tmp_path / "upside.avi", cv2.ROTATE_180)
    config = tmp_path / "kiosk.toml"
    config.write_text("[camera]\nrotate = 180\n", encoding="utf-8")
    args = ["eval-video", str(tmp_path / "upside.avi"), str(tmp_path / "v.json")]
    assert admin_main(["--config", str(config), *args]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["rotate"] == 180 and out["on_screen_accuracy"] >= 0.8
    assert admin_main([*args, "--rotate", "180"]) == 0
    assert json.loads(capsys.readouterr().out)["on_screen_accuracy"] >= 0.8
    with pytest.raises(SystemExit) as exit_info:
        admin_main([*args, "--rotate", "45"])
    assert exit_info.value.code == 2
    assert "--rotate: invalid choice: 45" in capsys.readouterr().err
