"""The `fer` peer of `python -m kiosk.bench vision`, run in a child process.

    python -m kiosk.bench.fer_peer FRAME.npy --frames N --warmup W

Times the `fer` package's own `FER().detect_emotions(frame)` (its defaults: the
OpenCV Haar cascade finds the faces, the quantized TFLite mini-Xception reads them)
on a BGR uint8 frame saved with `numpy.save`, and prints one JSON object:
``{"status": "ok", "total_ms": {"p50", "p95"}, "frames", "face_found_ratio",
"emotions", "versions"}``, or ``{"status": "unavailable", "why"}`` when fer or what
it needs cannot be imported or run.

It runs in its own process (`kiosk.bench.vision.measure_peer` starts it with the
scratch folder fer was installed into first on `PYTHONPATH`) so that TensorFlow
never loads into the benchmark's process, where its thread pools would compete with
torch's and its copies of numpy, OpenCV and protobuf could shadow the kiosk's. This
module imports nothing of the kiosk.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from typing import Any


def _load_fer() -> Any:
    """fer's FER class (`fer.FER` before 25.x, `fer.fer.FER` since)."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    try:
        from fer import FER  # type: ignore[import-not-found,attr-defined,unused-ignore]
    except ImportError:
        from fer.fer import FER  # type: ignore[import-not-found,unused-ignore]
    return FER


def measure(frame: Any, frames: int, warmup: int) -> dict[str, Any]:
    """Time `frames` calls of `FER().detect_emotions(frame)` after `warmup` untimed ones."""
    import numpy as np

    fer_class = _load_fer()
    detector = fer_class()
    times: list[float] = []
    found = 0
    last: list[dict[str, Any]] = []
    for i in range(warmup + frames):
        t0 = time.perf_counter()
        out = detector.detect_emotions(frame)
        elapsed = (time.perf_counter() - t0) * 1000.0
        if i >= warmup:
            times.append(elapsed)
            found += bool(out)
            last = out
    arr = np.asarray(times)
    emotions = ({k: round(float(v), 3) for k, v in last[0]["emotions"].items()}
                if last else None)
    return {
        "status": "ok",
        "total_ms": {"p50": round(float(np.percentile(arr, 50)), 3),
                     "p95": round(float(np.percentile(arr, 95)), 3)},
        "frames": frames,
        "face_found_ratio": found / frames if frames else 0.0,
        "emotions": emotions,
        "versions": _versions(),
    }


def _versions() -> dict[str, str]:
    out = {}
    for name in ("fer", "tensorflow", "cv2", "numpy"):
        module = sys.modules.get(name)
        out[name] = str(getattr(module, "__version__", "?")) if module else "not loaded"
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m kiosk.bench.fer_peer")
    parser.add_argument("frame", help="BGR uint8 frame saved with numpy.save")
    parser.add_argument("--frames", type=int, default=50)
    parser.add_argument("--warmup", type=int, default=5)
    args = parser.parse_args(argv)
    try:
        import numpy as np

        frame = np.load(args.frame)
        result = measure(frame, args.frames, args.warmup)
    except Exception as exc:  # ImportError, or TensorFlow/OpenCV failing at run time
        result = {"status": "unavailable", "why": f"{type(exc).__name__}: {exc}"}
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
