"""A new person under load is a new track (issue #15 part 2), on real faces.

The switch video C of README's figures (seed 23: Anna_Jones_0001 sad, then
Brian_Williams_0001 happy, 4 s each) replayed as a loaded machine's loop sees it
(`--step-ms 400`, seed 0): the real detector's boxes (region steps included), looks
compared about 0.4 s apart. Thumbnails of the detector's box scored the two faces
0.64 there, above `switch_similarity` 0.6, so the new person inherited the old
smoother; thumbnails placed by the eyes tell them apart.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from kiosk.config import VisionSettings
from kiosk.domain import Box, Emotion, EmotionReading
from kiosk.tools.face_video import parse_script, write_face_video
from kiosk.vision import appearance
from kiosk.vision import pipeline as pipeline_module
from kiosk.vision.detector import FaceDetector
from kiosk.vision.loaded_loop import LoadedLoop
from kiosk.vision.pipeline import VisionPipeline
from kiosk.vision.video_eval import read_frames, run_loaded

FPS = 10


class SureClassifier:
    def classify(self, image_bgr: np.ndarray, box: Box) -> EmotionReading:
        probs = {e: 0.0 for e in Emotion}
        probs[Emotion.HAPPY] = 1.0
        return EmotionReading(Emotion.HAPPY, 1.0, probs)


def _tracks_per_segment(video: Path, settings: VisionSettings) -> tuple[set[int], set[int]]:
    pipeline = VisionPipeline(FaceDetector.from_settings(settings), SureClassifier(), settings)
    records, _ = run_loaded(pipeline, read_frames(video, FPS), FPS, LoadedLoop(0.4, 0.5, 0))
    first = {r.track for r in records if 1.0 <= r.t < 5.0 and r.track is not None}
    second = {r.track for r in records if 5.0 <= r.t < 9.0 and r.track is not None}
    return first, second


@pytest.mark.faces
@pytest.mark.slow
def test_a_new_face_0_4_s_later_gets_its_own_track(
    tmp_path: Path, faces_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Seed 23's first two draws, as in video C (later segments do not change them).
    video = write_face_video(tmp_path / "c.avi", faces_dir,
                             parse_script("none:1,sad:4,happy:4"), fps=FPS, seed=23,
                             timeline=tmp_path / "c.json")
    assert "Brian_Williams_0001" in (tmp_path / "c.json").read_text(encoding="utf-8")
    first, second = _tracks_per_segment(video, VisionSettings())
    # One track per person: the switch was seen (the screen shows the old track until
    # the first step on the new face ends), and neither steady face was split.
    assert len(first) == 1 and len(second - first) == 1
    # The old signature (the detector's box, not the eyes) kept the old person's
    # track (and smoother) for the new one.
    def box_only(image: np.ndarray, box: Box, landmarks: object = ()) -> np.ndarray | None:
        return appearance.signature(image, box)

    monkeypatch.setattr(pipeline_module, "signature", box_only)
    old_first, old_second = _tracks_per_segment(video, VisionSettings())
    assert len(old_first) == 1 and old_second == old_first
