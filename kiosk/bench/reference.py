"""One fixed reference workload, timed on this machine, so benchmark figures from
different machines can be compared: a CPU figure divided by `reference.cpu_min_ms`
travels better than the figure alone.

The workload is pure NumPy element-wise work and a sort, which NumPy always runs
on one thread (no BLAS: a matrix product's thread pool would measure how crowded
the machine is rather than how fast a core is), and deterministic: 12 rounds of
``x = sin(x) * 1.5 + sqrt(|x|)`` over 200 000 seeded float32 values, then a sort
of them.

Stable by construction: one untimed run warms the caches and the allocator, then
`repeats` (21) short runs are timed. Each run is timed twice: wall clock
(`p50_ms`, `p95_ms`), and this thread's CPU time (`time.thread_time`:
`cpu_min_ms`, `cpu_p50_ms`, `cpu_p95_ms`), which leaves out the time other
processes hold the core. On a machine shared with other work the wall figures
wander (18–46 ms between two runs of the first version on one machine; 76–118 ms
p50 between three runs here at load 15 on 2 cores), the CPU median less (25–39 ms),
and the CPU minimum, the least disturbed run, least (23.2–24.5 ms in four runs):
that is the figure to divide by. `workload` names the version,
which changes whenever the workload does (figures of different versions do not
compare).

`python -m kiosk.bench NAME` adds it to every benchmark's JSON under `reference`,
measured by `measure_in_child`: in a fresh Python process that imports only NumPy.
Measured in the benchmark's own process v2 depended on what that process had
loaded: the vision bench gave `cpu_min_ms` 18.5 ms where the startup bench gave
10.0 ms on the same quiet machine. The cause was memory, not threads: v2 allocated
its temporaries afresh, and their page faults cost what the process's heap
allowed. v3 writes into buffers made once, and runs in a child anyway. `in_child`
in the JSON says which way it was measured.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

VERSION = "numpy-elementwise-sort-v3"
SIZE = 200_000
_buffers: list[np.ndarray] = []


def workload() -> float:
    """Run the fixed workload once; returns a checksum (so nothing is optimised away).

    Every array is written in place into three buffers made once per process: v2
    made about 60 fresh 800 kB temporaries per run, and whether each came from the
    heap or from new zeroed pages (a page fault per 4 kB, counted as CPU time)
    depended on what the process had allocated before (10 ms with torch loaded, 20–30 ms
    in a fresh process, on the same machine in the same minute)."""
    if not _buffers:
        _buffers.extend(np.empty(SIZE, np.float32) for _ in range(3))
    x, a, b = _buffers
    np.random.default_rng(1234).standard_normal(dtype=np.float32, out=x)
    for _ in range(12):
        np.sin(x, out=a)
        a *= np.float32(1.5)
        np.abs(x, out=b)
        np.sqrt(b, out=b)
        np.add(a, b, out=x)
    x.sort()
    return float(x[SIZE // 2] + x[-1])


def measure(repeats: int = 21) -> dict[str, Any]:
    """Time `repeats` runs of the workload after one untimed run: {"workload",
    "repeats", "p50_ms", "p95_ms" (wall), "cpu_min_ms", "cpu_p50_ms", "cpu_p95_ms"
    (this thread's CPU time)}."""
    workload()
    wall, cpu = [], []
    for _ in range(repeats):
        c0, t0 = time.thread_time(), time.perf_counter()
        workload()
        wall.append((time.perf_counter() - t0) * 1000.0)
        cpu.append((time.thread_time() - c0) * 1000.0)
    return {"workload": VERSION, "repeats": repeats,
            "p50_ms": round(float(np.percentile(wall, 50)), 3),
            "p95_ms": round(float(np.percentile(wall, 95)), 3),
            "cpu_min_ms": round(min(cpu), 3),
            "cpu_p50_ms": round(float(np.percentile(cpu, 50)), 3),
            "cpu_p95_ms": round(float(np.percentile(cpu, 95)), 3)}


def measure_in_child(repeats: int = 21, timeout_s: float = 120.0) -> dict[str, Any]:
    """`measure(repeats)` in a fresh Python process (nothing but NumPy loaded, no
    other thread of ours running), with `"in_child": True`; measured here, with
    `"in_child": False` and `"child_error"`, when the child cannot run."""
    code = ("import json, kiosk.bench.reference as r; "
            f"print(json.dumps(r.measure({int(repeats)})))")
    env = dict(os.environ)
    root = str(Path(__file__).resolve().parents[2])
    env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH", "")) if p)
    try:
        proc = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                              text=True, timeout=timeout_s, check=True)
        out: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    except (OSError, subprocess.SubprocessError, ValueError, IndexError) as exc:
        return measure(repeats) | {"in_child": False,
                                   "child_error": f"{type(exc).__name__}: {exc}"[:300]}
    return out | {"in_child": True}
