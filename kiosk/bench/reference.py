"""One fixed reference workload, timed on this machine, so benchmark figures from
different machines can be compared (a figure over `reference.p50_ms` travels
better than the figure alone).

The workload is pure NumPy element-wise work and a sort, which NumPy always runs
on one thread (no BLAS: a matrix product's thread pool would measure how crowded
the machine is rather than how fast a core is), and deterministic: 12 rounds of
``x = sin(x) * 1.5 + sqrt(|x|)`` over 500 000 seeded float32 values, then a sort
of them. It is run `repeats` times after one untimed run; the JSON gives
p50/p95 in milliseconds and the workload's version, which changes whenever the
workload does (figures of different versions do not compare).

`python -m kiosk.bench NAME` adds it to every benchmark's JSON under `reference`.
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np

VERSION = "numpy-elementwise-sort-v1"


def workload() -> float:
    """Run the fixed workload once; returns a checksum (so nothing is optimised away)."""
    rng = np.random.default_rng(1234)
    x = rng.standard_normal(500_000, dtype=np.float32)
    for _ in range(12):
        x = np.sin(x) * np.float32(1.5) + np.sqrt(np.abs(x))
    values = np.sort(x)
    return float(values[250_000] + values[-1])


def measure(repeats: int = 9) -> dict[str, Any]:
    """Time `repeats` runs of the workload: {"workload", "p50_ms", "p95_ms", "repeats"}."""
    workload()
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        workload()
        times.append((time.perf_counter() - t0) * 1000.0)
    arr = np.asarray(times)
    return {"workload": VERSION, "repeats": repeats,
            "p50_ms": round(float(np.percentile(arr, 50)), 3),
            "p95_ms": round(float(np.percentile(arr, 95)), 3)}
