"""`python -m kiosk.bench ui`: GUI responsiveness of the real app on a face video.

Runs the whole kiosk in-process on Qt's offscreen platform for `--seconds` (60)
with a camera video made from real faces (../shared/data/faces): the scene goes
none → happy → surprise → happy → … so the emotion changes every `--segment`
seconds. The faces used are the first of each label that the bundled models read
correctly (so the benchmark times the app, not the model's mistakes).

- `max_stall_ms`: the longest GUI event-loop stall: a precise 5 ms timer records
  the gaps between its ticks; a stall is a gap minus the interval (also p99).
- `preview_fps`: camera frames painted into the preview per second.
- `emotion_to_grid_s`: from an emotion change in the input video (a known time
  after the camera went LIVE, when the file starts playing) to the grid showing a
  page for the new emotion; the median and max over the changes seen.
Targets (issue #6): max stall ≤ 50 ms, emotion → grid ≤ 1.0 s.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
FACES = REPO.parent / "shared" / "data" / "faces"
LABEL_TO_EMOTION = {"happy": "HAPPY", "surprise": "SURPRISED"}


def pick_faces(faces_dir: Path) -> dict[str, Path]:
    """The first photo per label that the shipped models read as that label."""
    import cv2

    from kiosk.config import VisionSettings
    from kiosk.tools.face_video import faces_by_label
    from kiosk.vision.detector import FaceDetector
    from kiosk.vision.ensemble import EmotionEnsemble

    detector = FaceDetector.from_settings(VisionSettings())
    classifier = EmotionEnsemble.from_settings(VisionSettings())
    table = faces_by_label(faces_dir)
    chosen: dict[str, Path] = {}
    for label, emotion in LABEL_TO_EMOTION.items():
        for photo in table[label]:
            image = cv2.imread(str(photo))
            if image is None:
                continue
            padded = cv2.copyMakeBorder(image, 100, 100, 100, 100, cv2.BORDER_CONSTANT,
                                        value=(160, 165, 170))
            faces = detector.detect(padded)
            if faces and (r := classifier.classify(padded, faces[0].box)).emotion.value == emotion \
                    and r.confidence > 0.7:
                chosen[label] = photo
                break
    return chosen


def run(argv: list[str]) -> dict[str, Any]:
    parser = argparse.ArgumentParser(prog="python -m kiosk.bench ui")
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--segment", type=float, default=8.0)
    parser.add_argument("--faces", type=Path, default=FACES)
    parser.add_argument("--threads", type=int, default=0, help="vision.threads (0: auto)")
    args = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    if not (args.faces / "labels.csv").is_file():
        return {"error": f"real faces not found in {args.faces} (../shared beside the repo)"}

    from kiosk.tools.face_video import Segment, write_face_video

    chosen = pick_faces(args.faces)
    labels = ["happy", "surprise"]
    script = [Segment(None, 3.0)]
    while sum(s.seconds for s in script) < args.seconds + 5:
        script.append(Segment(labels[(len(script) - 1) % 2], args.segment))
    with tempfile.TemporaryDirectory(prefix="kiosk-bench-ui-") as tmp:
        video = write_face_video(Path(tmp) / "faces.avi", args.faces, script, fps=15,
                                 chosen=chosen)
        result = _measure(video, Path(tmp), script, args.seconds, args.threads)
    result["faces"] = {label: path.name for label, path in chosen.items()}
    return result


def _measure(video: Path, tmp: Path, script: list[Any], seconds: float, threads: int
             ) -> dict[str, Any]:
    from PySide6.QtCore import QElapsedTimer, Qt, QTimer
    from PySide6.QtWidgets import QApplication

    from kiosk.app import Kiosk
    from kiosk.config import load_settings
    from kiosk.logs import setup_logging

    settings = load_settings(env={}, overrides={
        "camera.source": str(video), "camera.loop": "false", "app.data_dir": str(tmp / "data"),
        "app.log_dir": str(tmp / "log"), "app.idle_timeout_s": "30",
        "vision.threads": str(threads),
    })
    setup_logging(settings.log_dir, "WARNING", to_stderr=False)
    app = QApplication.instance() or QApplication([])
    kiosk = Kiosk(settings)
    window = kiosk.window

    frames: list[float] = []
    pages: list[tuple[float, str]] = []
    original_show_frame = window.show_frame
    original_show_page = window.show_page

    def show_frame(*a: Any, **k: Any) -> None:
        frames.append(time.monotonic())
        original_show_frame(*a, **k)

    def show_page(page: Any, images: Any) -> None:
        pages.append((time.monotonic(), page.emotion.value))
        original_show_page(page, images)

    window.show_frame = show_frame  # type: ignore[method-assign]
    window.show_page = show_page  # type: ignore[method-assign]

    gaps: list[float] = []
    clock = QElapsedTimer()
    probe = QTimer()
    probe.setTimerType(Qt.TimerType.PreciseTimer)
    probe.setInterval(5)

    stalls: list[tuple[float, float]] = []

    def tick() -> None:
        gap = clock.restart() - 5.0
        gaps.append(gap)
        if gap > 25 and len(gaps) > 20:
            stalls.append((round(time.monotonic() - started, 2), gap))

    probe.timeout.connect(tick)
    live_at: list[float] = []  # the video file starts playing when the camera goes LIVE
    if kiosk.camera is not None:
        kiosk.camera.capture.on_state(
            lambda state, _msg: live_at.append(time.monotonic()) if state.name == "LIVE" else None
        )
    started = time.monotonic()
    kiosk.start()
    clock.start()
    probe.start()
    QTimer.singleShot(int(seconds * 1000), app.quit)
    app.exec()
    probe.stop()
    kiosk.shutdown()
    window.close()

    if not frames:
        return {"error": "no camera frame was shown"}
    video_start = live_at[0] if live_at else frames[0]
    changes = []  # (time the input changed, emotion expected)
    t = 0.0
    for segment in script:
        if segment.label is not None:
            changes.append((video_start + t, LABEL_TO_EMOTION[segment.label]))
        t += segment.seconds
    delays = []
    for changed_at, emotion in changes:
        shown = [ts for ts, e in pages if ts >= changed_at and e == emotion]
        if shown and changed_at < frames[-1]:
            delays.append(shown[0] - changed_at)
    steady = gaps[20:]  # skip the first ticks (window creation)
    window_s = frames[-1] - frames[0]
    return {
        "max_stall_ms": round(max(steady), 1) if steady else None,
        "stall_p99_ms": round(statistics.quantiles(steady, n=100)[98], 1) if len(steady) > 100
        else None,
        "preview_fps": round((len(frames) - 1) / window_s, 1) if window_s > 0 else 0.0,
        "emotion_to_grid_s": {
            "p50": round(statistics.median(delays), 3) if delays else None,
            "max": round(max(delays), 3) if delays else None,
            "changes": len(delays),
        },
        "pages_shown": len(pages),
        "stalls_over_25ms": stalls[:20],
        "page_times": [round(ts - started, 2) for ts, _ in pages],
        "seconds": seconds,
        "camera_fps": 15,
        "targets": {"max_stall_ms": 50, "emotion_to_grid_s": 1.0},
    }
