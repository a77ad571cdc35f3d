"""`python -m kiosk.bench vision` reports wall and CPU time, and the CPU ratio to the
reference workload, so its figures compare across machines."""

from __future__ import annotations

from pathlib import Path

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
