"""The shared reference workload every benchmark reports."""

from __future__ import annotations

from kiosk.bench import reference


def test_reference_workload_is_deterministic_and_timed() -> None:
    assert reference.workload() == reference.workload()
    out = reference.measure(repeats=3)
    assert out["workload"] == reference.VERSION and out["repeats"] == 3
    assert 0 < out["p50_ms"] <= out["p95_ms"]
    assert 0 < out["cpu_min_ms"] <= out["cpu_p50_ms"] <= out["cpu_p95_ms"]


def test_reference_is_measured_in_a_fresh_child_process() -> None:
    out = reference.measure_in_child(repeats=3)
    assert out["in_child"] is True, out.get("child_error")
    assert out["workload"] == reference.VERSION and out["repeats"] == 3
    assert 0 < out["cpu_min_ms"] <= out["cpu_p50_ms"]
