"""`python -m kiosk.bench vision`: latency of one vision step (detect + classify).

The classifier is the kiosk's own `EmotionEnsemble` with `--models` (default: both
models, as the kiosk runs). `--device` (default auto: CUDA when present) picks
where the main figures are taken; `cpu` is always measured too.

Peer: in the same run, on the same frame, the pipeline a user would pick instead,
the `fer` package's `FER().detect_emotions` (installed with what it needs into a
scratch folder given by `--peer-path` or `$KIOSK_PEER_PATH`, never a kiosk
dependency), run in a child process (`kiosk.bench.fer_peer`) so TensorFlow never
loads beside torch. `peer_ratio` is peer p50 / kiosk CPU p50. When fer cannot be
imported or run, `peer` says why and how to install it.

The frame is 640x480 with one real face (the first `happy` photo of
../shared/data/faces, 200 px tall, on a gray background); without the shared data a
synthetic frame is used and `note` says so (the detector then finds nothing, so the
classifier is timed on a fixed box). Each of `--frames` iterations times `detect`,
then `classify` of the best face; p50/p95 are over those iterations, after
`--warmup` untimed ones (after the models' own warm-up, as the kiosk does).
`total_ms` is wall time; `cpu_total_ms` is the process CPU time of the same steps
(all of torch's threads: spinning threads on a crowded machine show up here), and
`cpu_ref_ratio` is its p50 over `reference.cpu_min_ms`, the figure that compares
across machines. `cuda` is measured the same way when a GPU is present.

`video` times the kiosk's whole `VisionPipeline.process` step over a face video
(`kiosk.tools.face_video` from ../shared faces: absences, person switches,
expression changes; `VIDEO_SCRIPT`), once with the default `[vision] scan_every`
(whole-frame scans every few steps, the face's region in between:
`kiosk.vision.focus`) and once with `scan_every = 1` (the whole frame every step):
p50/p95 over all steps, and per kind of step (scan, region, no face). `--no-video`
skips it. `reference` is measured in a fresh child process.

`--sweep` adds a table over detect widths (640, 480, 384, 320, 256) and CPU threads
(1, 2): latency, and detection recall on all labelled photos placed in 640x480 frames
at three face sizes (photo 300, 160 and 100 px tall: close, middle, far).
"""

from __future__ import annotations

import argparse
import csv
import statistics
import time
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import torch

from kiosk.bench import reference
from kiosk.config import VisionSettings
from kiosk.domain import Box
from kiosk.resources import resource_path
from kiosk.vision.detector import MODEL_FILE as DETECTOR_FILE
from kiosk.vision.detector import FaceDetector
from kiosk.vision.device import configure_threads
from kiosk.vision.ensemble import EmotionEnsemble
from kiosk.vision.evaluate import frame_from_face, read_image

FACES = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "faces"
SWEEP_WIDTHS = (640, 480, 384, 320, 256)
SWEEP_THREADS = (1, 2)
RECALL_PHOTO_HEIGHTS = (300, 160, 100)


def _labelled(faces_dir: Path) -> list[tuple[Path, str]]:
    with (faces_dir / "labels.csv").open(newline="", encoding="utf-8-sig") as f:
        return [(faces_dir / r["image"], r["emotion"]) for r in csv.DictReader(f)]


def test_frame(faces_dir: Path) -> tuple[np.ndarray, str]:
    """640x480 frame with one real face, or a synthetic one (with a note)."""
    if (faces_dir / "labels.csv").is_file():
        path = next(p for p, label in _labelled(faces_dir) if label == "happy")
        return frame_from_face(read_image(path), photo_height=200), f"real face: {path.name}"
    frame = np.full((480, 640, 3), 114, np.uint8)
    cv2.ellipse(frame, (320, 240), (70, 95), 0, 0, 360, (150, 170, 200), -1)
    return frame, f"synthetic frame: {faces_dir} not found, no real face available"


def _pct(values: list[float]) -> dict[str, float]:
    arr = np.asarray(values)
    return {"p50": round(float(np.percentile(arr, 50)), 3),
            "p95": round(float(np.percentile(arr, 95)), 3)}


def measure(detector: FaceDetector, classifier: EmotionEnsemble, frame: np.ndarray,
            frames: int, warmup: int, threads: int) -> dict[str, Any]:
    """Time `frames` detect + classify steps on `frame`."""
    fallback_box = Box(250, 140, 390, 330)
    detect_ms, classify_ms, total_ms, cpu_ms = [], [], [], []
    faces_found = 0
    for i in range(warmup + frames):
        c0 = time.process_time()
        t0 = time.perf_counter()
        faces = detector.detect(frame)
        t1 = time.perf_counter()
        classifier.classify(frame, faces[0].box if faces else fallback_box)
        t2 = time.perf_counter()
        c2 = time.process_time()
        if i >= warmup:
            detect_ms.append((t1 - t0) * 1000)
            classify_ms.append((t2 - t1) * 1000)
            total_ms.append((t2 - t0) * 1000)
            cpu_ms.append((c2 - c0) * 1000)
            faces_found += bool(faces)
    return {
        "detect_ms": _pct(detect_ms), "classify_ms": _pct(classify_ms),
        "total_ms": _pct(total_ms),
        "cpu_total_ms": {"min": round(min(cpu_ms), 3), **_pct(cpu_ms)},
        "fps": round(1000.0 / statistics.fmean(total_ms), 1),
        "threads": threads, "detect_width": detector.detect_width,
        "frames": frames, "face_found_ratio": faces_found / frames,
    }


VIDEO_SCRIPT = ("none:1,happy:3,sad:3,none:1,neutral:3,surprise:3:images/George_W_Bush_0003.jpg,"
                "angry:3")
VIDEO_FPS = 15


def measure_video(detector: FaceDetector, classifier: EmotionEnsemble, faces_dir: Path,
                  scan_every: int) -> dict[str, Any] | None:
    """The kiosk's whole `VisionPipeline.process` step over a `face_video` of real
    faces (`VIDEO_SCRIPT` at `VIDEO_FPS`: absences, person switches, expression
    changes; deterministic), with `[vision] scan_every`: wall and process CPU
    p50/p95 over ALL steps (scans, region steps, absences), and per kind of step.
    None without the shared faces."""
    import tempfile

    from kiosk.tools.face_video import parse_script, write_face_video
    from kiosk.vision.factory import identity_for
    from kiosk.vision.pipeline import VisionPipeline
    from kiosk.vision.video_eval import read_frames

    if not (faces_dir / "labels.csv").is_file():
        return None
    settings = VisionSettings(device="cpu", scan_every=scan_every)
    with tempfile.TemporaryDirectory(prefix="kiosk-bench-") as tmp:
        path = write_face_video(Path(tmp) / "v.avi", faces_dir, parse_script(VIDEO_SCRIPT),
                                fps=VIDEO_FPS, seed=5)
        frames = list(read_frames(path, VIDEO_FPS))
    pipeline = VisionPipeline(detector, classifier, settings, identity=identity_for(settings))
    wall: dict[str, list[float]] = {"all": [], "scan": [], "region": [], "no_face": []}
    cpu: list[float] = []
    try:
        for frame in frames:
            c0, t0 = time.process_time(), time.perf_counter()
            out = pipeline.process(frame)
            ms = (time.perf_counter() - t0) * 1000.0
            cpu.append((time.process_time() - c0) * 1000.0)
            wall["all"].append(ms)
            kind = "no_face" if out.primary_box is None else "scan" if out.scanned else "region"
            wall[kind].append(ms)
    finally:
        pipeline.close()
    return {
        "script": VIDEO_SCRIPT, "fps": VIDEO_FPS, "scan_every": scan_every,
        "steps": len(frames), "total_ms": _pct(wall["all"]), "cpu_total_ms": _pct(cpu),
        "by_step": {k: {"steps": len(v), **(_pct(v) if v else {})}
                    for k, v in wall.items() if k != "all"},
        "switches": pipeline.switches,
    }


def detection_recall(detector: FaceDetector, faces_dir: Path) -> dict[str, float]:
    """Share of the labelled photos with a face found, per photo height in the frame."""
    images = [read_image(p) for p, _ in _labelled(faces_dir)]
    out = {}
    for height in RECALL_PHOTO_HEIGHTS:
        found = sum(bool(detector.detect(frame_from_face(im, photo_height=height)))
                    for im in images)
        out[f"photo_{height}px"] = round(found / len(images), 3)
    return out


PEER_ENV = "KIOSK_PEER_PATH"
PEER_HOW = ("pip install --target DIR --no-deps fer==25.10.3; pip install --target DIR "
            "tensorflow-cpu 'opencv-contrib-python-headless<5' 'setuptools<81' requests Pillow; "
            "then --peer-path DIR (or KIOSK_PEER_PATH=DIR)")


def measure_peer(frame: np.ndarray, frames: int, warmup: int, peer_path: Path | None,
                 timeout_s: float = 900.0) -> dict[str, Any]:
    """Time fer's own `FER().detect_emotions(frame)` in a child process
    (`kiosk.bench.fer_peer`, with `peer_path` first on its PYTHONPATH), so TensorFlow
    never loads here. {"status": "unavailable", "why", "how"} when fer cannot be
    imported or run there, or the child fails or exceeds `timeout_s`."""
    import json
    import os
    import subprocess
    import sys
    import tempfile

    import kiosk

    base = {"pipeline": "fer FER().detect_emotions (Haar cascade + TFLite mini-Xception), "
                        "in a child process"}
    if peer_path is not None and not peer_path.is_dir():
        return base | {"status": "unavailable", "why": f"{peer_path}: no such folder",
                       "how": PEER_HOW}
    root = Path(kiosk.__file__).resolve().parents[1]
    env = dict(os.environ)
    paths = [str(peer_path)] if peer_path is not None else []
    env["PYTHONPATH"] = os.pathsep.join([*paths, str(root)])
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    with tempfile.TemporaryDirectory(prefix="kiosk-peer-") as tmp:
        frame_file = Path(tmp) / "frame.npy"
        np.save(frame_file, frame)
        cmd = [sys.executable, "-m", "kiosk.bench.fer_peer", str(frame_file),
               "--frames", str(frames), "--warmup", str(warmup)]
        try:
            proc = subprocess.run(cmd, env=env, capture_output=True, text=True,
                                  timeout=timeout_s, check=False)
        except subprocess.TimeoutExpired:
            return base | {"status": "unavailable",
                           "why": f"the fer child process ran over {timeout_s:.0f} s",
                           "how": PEER_HOW}
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("{")]
    try:
        result: dict[str, Any] = json.loads(lines[-1])
    except (IndexError, ValueError):
        tail = (proc.stderr.strip().splitlines() or ["no output"])[-1]
        return base | {"status": "unavailable",
                       "why": f"the fer child process exited {proc.returncode}: {tail}",
                       "how": PEER_HOW}
    if result.get("status") != "ok":
        result["how"] = PEER_HOW
    return base | result


def run(argv: list[str]) -> dict[str, Any]:
    defaults = VisionSettings()
    parser = argparse.ArgumentParser(prog="python -m kiosk.bench vision")
    parser.add_argument("--detect-width", type=int, default=defaults.detect_width)
    parser.add_argument("--threads", type=int, default=defaults.threads,
                        help="torch CPU threads (0: min(physical cores, 4))")
    parser.add_argument("--models", default=defaults.emotion_models,
                        choices=("both", "mini-xception", "face-api"))
    parser.add_argument("--device", default="auto", choices=("auto", "cuda", "cpu"),
                        help="also measure on this device when it is not the CPU")
    parser.add_argument("--frames", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--faces", type=Path, default=FACES)
    parser.add_argument("--peer-path", type=Path, default=_env_path(PEER_ENV),
                        help="folder fer was pip-installed into (default: $KIOSK_PEER_PATH)")
    parser.add_argument("--no-peer", action="store_true", help="skip the fer peer")
    parser.add_argument("--no-video", action="store_true",
                        help="skip the whole-pipeline run over a face video")
    parser.add_argument("--sweep", action="store_true",
                        help="also measure every detect width x thread count, with recall")
    parser.add_argument("--no-recall", action="store_true",
                        help="sweep latency only (recall takes most of the sweep's time)")
    parser.add_argument("--widths", type=int, nargs="+", default=list(SWEEP_WIDTHS),
                        help="detect widths of the sweep (default: %(default)s)")
    args = parser.parse_args(argv)

    det_path = resource_path("models", DETECTOR_FILE)
    frame, note = test_frame(args.faces)
    threads = configure_threads(args.threads)
    threshold = defaults.detect_threshold
    detector = FaceDetector(det_path, detect_width=args.detect_width, threshold=threshold)
    classifier = EmotionEnsemble.from_settings(VisionSettings(device="cpu",
                                                              emotion_models=args.models))
    detector.warmup(*frame.shape[:2])
    classifier.warmup()
    cpu = measure(detector, classifier, frame, args.frames, args.warmup, threads)
    video = None
    if not args.no_video:
        video = {f"scan_every_{n}": measure_video(detector, classifier, args.faces, n)
                 for n in (VisionSettings().scan_every, 1)}
    result: dict[str, Any] = {
        "note": note,
        "models": classifier.model_name,
        "target_total_p95_ms": 15.0,
        "cpu": cpu,
        "video": video,
        "cuda": None,
        "cpu_model": _cpu_model(),
        "reference": reference.measure_in_child(),
    }
    result["cpu_ref_ratio"] = round(cpu["cpu_total_ms"]["p50"]
                                    / result["reference"]["cpu_min_ms"], 3)
    if args.device in ("auto", "cuda") and torch.cuda.is_available():
        gpu_det = FaceDetector(det_path, device="cuda", detect_width=args.detect_width,
                               threshold=threshold)
        gpu_cls = EmotionEnsemble.from_settings(VisionSettings(device="cuda",
                                                               emotion_models=args.models))
        gpu_det.warmup(*frame.shape[:2])
        gpu_cls.warmup()
        result["cuda"] = measure(gpu_det, gpu_cls, frame, args.frames, args.warmup, threads)
        result["cuda"]["device"] = torch.cuda.get_device_name(0)
    if not args.no_peer:
        peer = measure_peer(frame, min(args.frames, 50), min(args.warmup, 5), args.peer_path)
        if peer["status"] == "ok":
            peer["peer_ratio"] = round(peer["total_ms"]["p50"] / cpu["total_ms"]["p50"], 2)
        result["peer"] = peer
        result["peer_ratio"] = peer.get("peer_ratio")
    if args.sweep:
        has_faces = (args.faces / "labels.csv").is_file() and not args.no_recall
        table = []
        for width in args.widths:
            det = FaceDetector(det_path, detect_width=width, threshold=threshold)
            row: dict[str, Any] = {"detect_width": width}
            for n in SWEEP_THREADS:
                configure_threads(n)
                m = measure(det, classifier, frame, args.frames, args.warmup, n)
                row[f"threads_{n}"] = {k: m[k] for k in ("detect_ms", "classify_ms",
                                                         "total_ms", "fps")}
            configure_threads(args.threads)
            row["recall"] = detection_recall(det, args.faces) if has_faces else None
            table.append(row)
        result["sweep"] = table
    return result


def _env_path(name: str) -> Path | None:
    import os

    value = os.environ.get(name, "").strip()
    return Path(value) if value else None


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    import platform

    return platform.processor() or "unknown"
