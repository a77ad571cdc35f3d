"""`eval-video --step-ms`: a loaded machine's vision loop, replayed deterministically."""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from kiosk.admin.cli import main as admin_main
from kiosk.config import VisionSettings
from kiosk.domain import Box, Emotion, EmotionReading, Face, Frame
from kiosk.tools.face_video import parse_script, write_face_video
from kiosk.vision.loaded_loop import LoadedLoop, shown_upto
from kiosk.vision.pipeline import VisionPipeline
from kiosk.vision.video_eval import Timeline, TimelineSegment, run_loaded, score

FPS = 15.0


def steps(loop: LoadedLoop, n: int, fps: float = FPS) -> list[tuple[int, float]]:
    return list(itertools.islice(loop.steps(fps), n))


def test_the_same_seed_takes_the_same_frames_and_another_seed_others() -> None:
    a = steps(LoadedLoop(0.4, 0.5, seed=1), 50)
    assert a == steps(LoadedLoop(0.4, 0.5, seed=1), 50)
    assert a != steps(LoadedLoop(0.4, 0.5, seed=2), 50)
    indices = [i for i, _ in a]
    assert indices == sorted(set(indices))  # each frame once, in order
    gaps = np.diff(indices)
    assert gaps.min() >= 1 and gaps.max() > gaps.min()  # irregular
    # About one frame in 0.4 s * 15 fps = 6 is taken.
    assert 4 <= np.mean(gaps) <= 8


def test_each_step_takes_the_newest_frame_and_shows_its_result_when_it_ends() -> None:
    taken = steps(LoadedLoop(0.25, 0.0), 4)  # 0.25 s a step, no jitter, 15 fps
    assert taken == [(0, pytest.approx(0.25)), (3, pytest.approx(0.5)),
                     (7, pytest.approx(0.75)), (11, pytest.approx(1.0))]


def test_a_fast_loop_waits_for_the_next_frame() -> None:
    assert [i for i, _ in steps(LoadedLoop(0.01, 0.0), 5)] == [0, 1, 2, 3, 4]


def test_every_frame_shows_the_latest_result_finished_by_its_time() -> None:
    assert shown_upto([0.25, 0.5, 0.51], 10, 10.0) == [0, 0, 0, 1, 1, 2, 3, 3, 3, 3]


def test_bad_load_settings_are_refused_with_what_to_give() -> None:
    with pytest.raises(ValueError, match="positive number of milliseconds"):
        LoadedLoop(0.0)
    with pytest.raises(ValueError, match="jitter must be between 0 and 3"):
        LoadedLoop(0.3, -1)


class OneFace:
    def detect(self, image_bgr: np.ndarray) -> list[Face]:
        return [Face(Box(200, 120, 440, 360), 0.99)]


class UnsureClassifier:
    """An unsure face, as mirror views read it: SAD and CALM lead on alternate calls."""

    def __init__(self) -> None:
        self.calls = 0

    def classify(self, image_bgr: np.ndarray, box: Box) -> EmotionReading:
        self.calls += 1
        lead, other = (Emotion.SAD, Emotion.CALM) if self.calls % 2 else (
            Emotion.CALM, Emotion.SAD)
        return EmotionReading(lead, 0.6, {lead: 0.6, other: 0.4})


def camera(seconds: float) -> Iterator[Frame]:
    rng = np.random.default_rng(0)
    image = rng.integers(0, 256, size=(480, 640, 3), dtype=np.uint8)  # sharp "face"
    for i in range(int(seconds * FPS)):
        yield Frame(image=image, seq=i, timestamp=i / FPS, source="test")


def flips_per_10s(settings: VisionSettings, load: LoadedLoop | None) -> float:
    seconds = 60.0
    pipeline = VisionPipeline(OneFace(), UnsureClassifier(), settings)
    if load is None:
        records, _ = run_loaded(pipeline, camera(seconds), FPS, LoadedLoop(0.001, 0.0))
    else:
        records, processed = run_loaded(pipeline, camera(seconds), FPS, load)
        assert processed < len(records) / 3
    tl = Timeline(FPS, (TimelineSegment(0.0, seconds, "sad"),))
    out = score(tl, records, settings.visit_grace_s)
    assert out["frames"] == seconds * FPS
    return float(out["flips_per_10s"])


# The old smoothing: no hold, a reading counts for all the time since the last one.
OLD = VisionSettings(hold_s=0.0, max_reading_s=10.0, scan_every=1)


def test_an_unsure_face_flips_under_load_only_without_the_hold_and_the_cap() -> None:
    load = LoadedLoop(0.4, 0.5, seed=3)
    assert flips_per_10s(OLD, None) == 0.0  # every frame: the EMA averages the views
    assert flips_per_10s(OLD, load) > 5.0  # few, late readings: each swings the state
    assert flips_per_10s(VisionSettings(scan_every=1), load) <= 1.0


@pytest.mark.faces
@pytest.mark.slow
@pytest.mark.timeout(600)
def test_a_steady_unsure_real_face_under_simulated_load(
    tmp_path: Path, faces_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # A sad face read SAD or HAPPY frame by frame, about half each: under this load the
    # old smoothing flipped its settled emotion 23 times in these 20 s (now 0).
    script = parse_script("none:1,sad:20:images/Dwarakish_77.jpg")
    write_face_video(tmp_path / "u.avi", faces_dir, script, fps=15, seed=1,
                     timeline=tmp_path / "u.json")
    args = ["eval-video", str(tmp_path / "u.avi"), str(tmp_path / "u.json"),
            "--step-ms", "400", "--seed", "0"]
    assert admin_main(args) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["load"]["processed_frames"] < out["frames"] / 3
    assert out["flips_per_10s"] <= 1.0, out["segments"]


def test_eval_video_refuses_a_bad_step_time(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "t.json"
    path.write_text(json.dumps({"fps": 15, "segments": [
        {"start_s": 0, "end_s": 1, "label": "happy"}]}))
    assert admin_main(["eval-video", str(tmp_path / "v.avi"), str(path),
                       "--step-ms", "-5"]) == 1
    assert "positive number of milliseconds" in capsys.readouterr().err
