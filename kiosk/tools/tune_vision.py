"""Score `[vision]` settings on a set of face videos, every frame and under load.

`python -m kiosk.tools.tune_vision DIR [--grid] [--out FILE.jsonl]` reads
`DIR/manifest.json` (`kiosk.tools.heldout_videos`), runs `kiosk-admin eval-video`'s
scoring (`kiosk.vision.video_eval`) on every video for each setting, every frame and
with `--step-ms 400` at seeds 0 and 1, and prints one JSON line per (video, run,
setting). Without `--grid` only the configured defaults are scored; `--set
hold_s=0.1 --set switch_similarity=0.5` scores one other setting too.
`python -m kiosk.tools.tune_vision --summary FILE.jsonl` sums such lines up per
half, kind of video, run and setting (`summarize`).

The detector's and models' answers do not depend on the smoothing or the switch
settings, only on the frame and the box (and the mirror view), so they are computed
once per (frame, box, view) and kept for the video's other runs and, in
`DIR/cache/`, for later runs of this tool (delete it after changing a model or the
calibration): a grid costs little more than one run per load mode. The frames of
one video are held in memory while it is scored.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import pickle
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from kiosk.config import VisionSettings
from kiosk.domain import Box, EmotionReading, Face, Frame
from kiosk.vision.loaded_loop import LoadedLoop
from kiosk.vision.pipeline import VisionPipeline
from kiosk.vision.video_eval import load_timeline, read_frames, run_loaded, run_pipeline, score

KEYS = ("on_screen_accuracy", "settle_s", "settle_s_read_right", "misread_segments",
        "unsettled_segments", "flips_per_10s", "flips", "face_s", "switches_expected",
        "switches_missed", "false_switches", "false_visits")

# One setting changed at a time around the defaults, and a few pairs.
SEGMENT_KEYS = ("label", "image", "model_read", "raw_right", "shown_right", "settle_s", "flips",
                "new_tracks")

GRID: tuple[dict[str, Any], ...] = (
    {"hold_s": 0.0}, {"hold_s": 0.1}, {"hold_s": 0.3},
    {"max_reading_s": 0.1}, {"max_reading_s": 0.25},
    {"hysteresis": 0.05}, {"hysteresis": 0.15},
    {"switch_similarity": 0.5}, {"switch_similarity": 0.7},
    {"min_confidence": 0.35}, {"min_confidence": 0.55},
    {"hold_s": 0.1, "max_reading_s": 0.25}, {"hold_s": 0.0, "hysteresis": 0.15},
)
LOADS: tuple[LoadedLoop | None, ...] = (None, LoadedLoop(0.4, 0.5, 0), LoadedLoop(0.4, 0.5, 1))


class CachedDetector:
    """The real detector's answers per (frame, region), computed once."""

    def __init__(self, detector: Any, cache: dict[Any, Any], seqs: dict[int, int]) -> None:
        self._detector = detector
        self._cache = cache
        self._seqs = seqs  # id(frame image) -> frame seq

    def detect(self, image_bgr: np.ndarray, /) -> list[Face]:
        key = ("d", self._seqs[id(image_bgr)], None)
        if key not in self._cache:
            self._cache[key] = self._detector.detect(image_bgr)
        return list(self._cache[key])

    def detect_region(self, image_bgr: np.ndarray, region: Box, /) -> list[Face]:
        key = ("d", self._seqs[id(image_bgr)], (region.x1, region.y1, region.x2, region.y2))
        if key not in self._cache:
            self._cache[key] = self._detector.detect_region(image_bgr, region)
        return list(self._cache[key])


class CachedClassifier:
    """The ensemble's readings per (frame, box, view), computed once; alternates the
    views as `EmotionEnsemble.classify` does (one instance per run)."""

    def __init__(self, ensemble: Any, cache: dict[Any, Any], seqs: dict[int, int]) -> None:
        self._ensemble = ensemble
        self._cache = cache
        self._seqs = seqs
        self._mirror_next = False

    def classify(self, image_bgr: np.ndarray, box: Box, /) -> EmotionReading:
        from kiosk.vision.emotion_model import to_reading

        mirror = self._mirror_next
        self._mirror_next = self._ensemble.mirror_views and not mirror
        key = ("c", self._seqs[id(image_bgr)], (box.x1, box.y1, box.x2, box.y2), mirror)
        if key not in self._cache:  # the FER probabilities (a reading does not pickle)
            self._cache[key] = np.asarray(self._ensemble.probs(image_bgr, [box], (mirror,))[0])
        return to_reading(self._cache[key])


def settings_grid(base: VisionSettings) -> Iterator[VisionSettings]:
    for change in GRID:
        yield dataclasses.replace(base, **change)


def changed(settings: VisionSettings, base: VisionSettings) -> dict[str, Any]:
    return {f.name: getattr(settings, f.name) for f in dataclasses.fields(settings)
            if getattr(settings, f.name) != getattr(base, f.name)}


def score_video(entry: dict[str, Any], folder: Path, detector: Any, ensemble: Any,
                candidates: Sequence[VisionSettings], base: VisionSettings
                ) -> Iterator[dict[str, Any]]:
    timeline = load_timeline(folder / entry["timeline"])
    frames: list[Frame] = list(read_frames(folder / entry["video"], timeline.fps))
    seqs = {id(f.image): f.seq for f in frames}
    store = folder / "cache" / f"{entry['name']}.pickle"
    cache: dict[Any, Any] = {}
    if store.is_file():  # written by this tool (trusted): the models' answers of a past run
        cache = pickle.loads(store.read_bytes())
    cached = CachedDetector(detector, cache, seqs)
    for load in LOADS:
        for settings in candidates:
            pipeline = VisionPipeline(cached, CachedClassifier(ensemble, cache, seqs), settings)
            if load is None:
                records = run_pipeline(pipeline, iter(frames))
            else:
                records, _ = run_loaded(pipeline, iter(frames), timeline.fps, load)
            result = score(timeline, records, settings.visit_grace_s)
            yield {"video": entry["name"], "kind": entry["kind"], "half": entry["half"],
                   "fps": entry["fps"],
                   "run": "every" if load is None else f"load{load.seed}",
                   "set": changed(settings, base), **{k: result[k] for k in KEYS},
                   "segments": [{k: row[k] for k in SEGMENT_KEYS} for row in result["segments"]]}
    store.parent.mkdir(exist_ok=True)
    store.write_bytes(pickle.dumps(cache))


def summarize(lines: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """One row per (half, kind, run, setting) over its videos: mean and least
    accuracy, how many videos reach 0.6; the mean of the videos' settle p50 and p95
    (and of settle_s_read_right p95, with its largest), how many videos settle within
    1.0 s at p95; misread segments; flips per 10 s (mean, largest); switches."""
    groups: dict[tuple[str, str, str, str], list[dict[str, Any]]] = {}
    for line in lines:
        key = (line["half"], line["kind"], line["run"], json.dumps(line["set"], sort_keys=True))
        groups.setdefault(key, []).append(line)

    def mean(values: Sequence[float | None]) -> float | None:
        kept = [v for v in values if v is not None]
        return round(float(np.mean(kept)), 3) if kept else None

    rows = []
    for (half, kind, run, setting), group in sorted(groups.items()):
        acc = [g["on_screen_accuracy"] for g in group]
        p95 = [g["settle_s"]["p95"] for g in group]
        right95 = [g["settle_s_read_right"]["p95"] for g in group
                   if g["settle_s_read_right"]["p95"] is not None]
        flips = [g["flips_per_10s"] for g in group]
        rows.append({
            "half": half, "kind": kind, "run": run, "set": json.loads(setting),
            "videos": len(group), "accuracy_mean": mean(acc), "accuracy_min": min(acc),
            "videos_accuracy_ge_0.6": sum(a >= 0.6 for a in acc),
            "settle_p50_mean": mean([g["settle_s"]["p50"] for g in group]),
            "settle_p95_mean": mean(p95), "videos_settle_p95_le_1": sum(p <= 1.0 for p in p95),
            "read_right_p95_mean": mean(right95),
            "read_right_p95_max": max(right95, default=None),
            "misread": sum(g["misread_segments"] for g in group),
            "flips_per_10s_mean": mean(flips), "flips_per_10s_max": max(flips),
            "switches_missed": sum(g["switches_missed"] for g in group),
            "switches_expected": sum(g["switches_expected"] for g in group),
            "false_switches": sum(g["false_switches"] for g in group),
        })
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folder", type=Path, help="the videos' folder (with --summary: "
                        "a file of this tool's lines)")
    parser.add_argument("--grid", action="store_true", help="score the whole GRID too")
    parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                        help="also score the defaults with this [vision] setting changed")
    parser.add_argument("--half", choices=("tune", "heldout"), help="only this half")
    parser.add_argument("--only", nargs="*", help="only these videos (by name)")
    parser.add_argument("--out", type=Path, help="also append the lines to this file")
    parser.add_argument("--summary", action="store_true",
                        help="FOLDER is a file of this tool's lines: print `summarize` of it")
    args = parser.parse_args(argv)
    if args.summary:
        with args.folder.open(encoding="utf-8") as fh:
            for row in summarize([json.loads(line) for line in fh if line.strip()]):
                print(json.dumps(row))
        return 0
    manifest_path = args.folder / "manifest.json"
    if not manifest_path.is_file():
        parser.error(f"{manifest_path}: no manifest; write the videos with "
                     "python -m kiosk.tools.heldout_videos first")
    from kiosk.vision.detector import FaceDetector
    from kiosk.vision.device import configure_threads
    from kiosk.vision.ensemble import EmotionEnsemble

    base = VisionSettings()  # the shipped defaults, not this machine's config
    configure_threads(base.threads)
    candidates = [base]
    if args.set:
        try:
            pairs = dict(item.split("=", 1) for item in args.set)
            candidates.append(dataclasses.replace(
                base, **{k: type(getattr(base, k))(v) for k, v in pairs.items()}))
        except (ValueError, AttributeError) as exc:
            parser.error(f"--set NAME=VALUE with a [vision] setting's name: {exc}")
    if args.grid:
        candidates += [s for s in settings_grid(base) if s != base]
    detector = FaceDetector.from_settings(base)
    ensemble = EmotionEnsemble.from_settings(base)
    entries = json.loads(manifest_path.read_text(encoding="utf-8"))
    out = args.out.open("a", encoding="utf-8") if args.out else None
    try:
        for entry in entries:
            if (args.half and entry["half"] != args.half) or (
                    args.only and entry["name"] not in args.only):
                continue
            for line in score_video(entry, args.folder, detector, ensemble, candidates, base):
                text = json.dumps(line)
                print(text, flush=True)
                if out is not None:
                    out.write(text + "\n")
                    out.flush()
    finally:
        if out is not None:
            out.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
