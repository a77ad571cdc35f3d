"""`python -m kiosk.bench vision` reports wall and CPU time, and the CPU ratio to the
reference workload, so its figures compare across machines."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

from kiosk.bench import vision


def test_vision_bench_reports_cpu_time_and_reference_ratio(tmp_path: Path) -> None:
    # No labelled faces in tmp_path: the synthetic frame, classified on a fixed box.
    threads = torch.get_num_threads()
    try:
        out = vision.run(["--frames", "3", "--warmup", "1", "--no-peer", "--threads", "1",
                          "--models", "mini-xception", "--device", "cpu",
                          "--faces", str(tmp_path)])
    finally:
        torch.set_num_threads(threads)  # the bench sets the process-wide count
    assert out["note"].startswith("synthetic frame")
    cpu = out["cpu"]
    assert cpu["frames"] == 3 and cpu["threads"] == 1
    steps = cpu["cpu_total_ms"]
    assert 0 < steps["min"] <= steps["p50"] <= steps["p95"]
    ref = out["reference"]
    assert ref["cpu_min_ms"] > 0
    assert out["cpu_ref_ratio"] == round(steps["p50"] / ref["cpu_min_ms"], 3)


@pytest.mark.faces
def test_vision_bench_times_every_step_of_a_face_video() -> None:
    if not (vision.FACES / "labels.csv").is_file():
        pytest.skip(f"real faces not available: {vision.FACES} is missing")
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        from kiosk.config import VisionSettings
        from kiosk.resources import resource_path
        from kiosk.vision.ensemble import EmotionEnsemble

        detector = vision.FaceDetector(resource_path("models", vision.DETECTOR_FILE))
        classifier = EmotionEnsemble.from_settings(
            VisionSettings(device="cpu", emotion_models="mini-xception"))
        out = vision.measure_video(detector, classifier, vision.FACES, 5)
    finally:
        torch.set_num_threads(threads)
    assert out is not None and out["steps"] == 17 * vision.VIDEO_FPS  # 17 s of script
    steps = out["by_step"]
    assert sum(v["steps"] for v in steps.values()) == out["steps"]
    assert steps["region"]["steps"] > 2 * steps["scan"]["steps"] > 0  # mostly region steps
    assert steps["no_face"]["steps"] >= vision.VIDEO_FPS  # the absences are timed too
    assert 0 < out["total_ms"]["p50"] <= out["total_ms"]["p95"]
    assert out["switches"] >= 1
