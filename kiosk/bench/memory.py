"""`python -m kiosk.bench memory`: resident memory of a kiosk left running.

`startup` measures the peak of a 14 s run; a kiosk runs for hours, and what it keeps
(decoded page images, the attract slideshow's pixmaps, the camera's frames) fills
over minutes. This runs the whole app in-process on Qt's offscreen platform, in a
window of `--size` (1920x1080), for `--seconds` (150), with a camera video made from
real faces (../shared/data/faces) that loops: `--absent` seconds (30) with nobody
in view, so the visit ends after `[app] idle_timeout_s` and the attract slideshow
returns, then 12 faces of four expressions for `--segment` seconds (5) each. While a
face is in view the shopper taps Next every `--next` seconds (2), so new pages keep
being decoded.

Every `--every` seconds (10) it samples the process's /proc/self/status (Linux):
`rss_mb` (VmRSS), `hwm_mb` (VmHWM, the peak so far), `anon_mb` (RssAnon), `file_mb`
(RssFile), `threads`, with the pages shown so far and the page-image cache's stats.
`steady_rss_mb` is the last sample, `peak_rss_mb` the high-water mark at the end.
The target is issue #15's: 400 MB.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
FACES = REPO.parent / "shared" / "data" / "faces"
LABELS = ("happy", "surprise", "neutral", "sad")
TARGET_MB = 400.0


def read_status(path: Path = Path("/proc/self/status")) -> dict[str, int]:
    """Resident memory figures of a process in MB, and its thread count ({} where
    /proc is not there)."""
    keys = {"VmRSS": "rss_mb", "VmHWM": "hwm_mb", "RssAnon": "anon_mb", "RssFile": "file_mb"}
    out: dict[str, int] = {}
    try:
        text = path.read_text()
    except OSError:
        return out
    for line in text.splitlines():
        key, _, value = line.partition(":")
        if key in keys:
            out[keys[key]] = int(value.split()[0]) // 1024  # kB
        elif key == "Threads":
            out["threads"] = int(value)
    return out


def run(argv: list[str]) -> dict[str, Any]:
    parser = argparse.ArgumentParser(prog="python -m kiosk.bench memory")
    parser.add_argument("--seconds", type=float, default=150.0)
    parser.add_argument("--every", type=float, default=10.0, help="seconds between samples")
    parser.add_argument("--next", type=float, default=2.0,
                        help="seconds between taps on Next while a face is in view")
    parser.add_argument("--absent", type=float, default=30.0,
                        help="seconds with nobody in view at the start of each loop")
    parser.add_argument("--segment", type=float, default=5.0,
                        help="seconds each of the 12 faces stays in view")
    parser.add_argument("--size", default="1920x1080", help="window WIDTHxHEIGHT")
    parser.add_argument("--faces", type=Path, default=FACES)
    args = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    if not (args.faces / "labels.csv").is_file():
        return {"error": f"real faces not found in {args.faces} (../shared beside the repo)"}
    width, height = (int(v) for v in args.size.lower().split("x"))

    from kiosk.tools.face_video import Segment, faces_by_label, write_face_video

    table = faces_by_label(args.faces)
    script = [Segment(None, args.absent)]
    for i in range(12):
        label = LABELS[i % len(LABELS)]
        photo = table[label][(i // len(LABELS)) % len(table[label])]
        script.append(Segment(label, args.segment, image=str(photo.relative_to(args.faces))))
    with tempfile.TemporaryDirectory(prefix="kiosk-bench-memory-") as tmp:
        video = write_face_video(Path(tmp) / "faces.avi", args.faces, script, fps=15)
        result = _measure(video, Path(tmp), args, (width, height))
    result.update(seconds=args.seconds, size=args.size, absent_s=args.absent,
                  segment_s=args.segment,
                  next_every_s=args.next, target_mb=TARGET_MB)
    return result


def _measure(video: Path, tmp: Path, args: argparse.Namespace, size: tuple[int, int]
             ) -> dict[str, Any]:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from kiosk.app import Kiosk
    from kiosk.config import load_settings
    from kiosk.logs import setup_logging

    settings = load_settings(env={}, overrides={
        "camera.source": str(video), "camera.loop": "true", "app.data_dir": str(tmp / "data"),
        "app.log_dir": str(tmp / "log"),
    })
    setup_logging(settings.log_dir, "WARNING", to_stderr=False)
    app = QApplication.instance() or QApplication([])
    kiosk = Kiosk(settings)
    window = kiosk.window
    window.resize(*size)
    pages = 0
    screens: dict[str, int] = {}
    original_show_page = window.show_page

    def show_page(page: Any, images: Any) -> None:
        nonlocal pages
        pages += 1
        original_show_page(page, images)

    window.show_page = show_page  # type: ignore[method-assign]
    samples: list[dict[str, Any]] = []
    started = time.monotonic()

    def sample() -> None:
        row: dict[str, Any] = {"t_s": round(time.monotonic() - started, 1), **read_status(),
                               "pages": pages}
        service = getattr(kiosk.backend, "_recommender", None)
        cache = getattr(service, "cache", None)
        if cache is not None:
            row["page_cache"] = cache.stats()
        samples.append(row)

    def tap_next() -> None:
        screen = window.current_screen()
        screens[screen] = screens.get(screen, 0) + 1
        if kiosk.controller.face_in_view:
            window.next_requested.emit()

    sampler = QTimer()
    sampler.timeout.connect(sample)
    tapper = QTimer()
    tapper.timeout.connect(tap_next)
    kiosk.start()
    window.show()
    sampler.start(int(args.every * 1000))
    tapper.start(int(args.next * 1000))
    QTimer.singleShot(int(args.seconds * 1000), app.quit)
    app.exec()
    sampler.stop()
    tapper.stop()
    sample()
    kiosk.shutdown()
    window.close()
    last = samples[-1]
    return {
        "steady_rss_mb": last.get("rss_mb"),
        "peak_rss_mb": last.get("hwm_mb"),
        "meets_target": bool(last.get("hwm_mb") and last["hwm_mb"] <= TARGET_MB),
        "pages_shown": pages,
        "screens_at_taps": screens,
        "samples": samples,
    }
