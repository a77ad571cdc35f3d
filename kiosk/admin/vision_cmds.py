"""`kiosk-admin classify IMAGE...` and `kiosk-admin eval LABELS_CSV`: run the on-device
face detector and emotion model on image files and print JSON.

`classify` takes files and folders (a folder stands for the images directly in
it) and reports per file: an image that cannot be used (missing, empty,
truncated, too large, a sliver, not an image) gets an `error` entry in the JSON
and a line on stderr naming it, and the others are still classified. The exit
status is 1 when any file failed, 0 otherwise.

`eval-video VIDEO TIMELINE_JSON` runs the whole vision path (Rekognition off) over a
video at its own timestamps and prints what the shopper would have seen, scored
against the timeline (see `kiosk.vision.video_eval`); `--step-ms MS [--jitter S]
[--seed N]` replays it as a loaded machine would (`kiosk.vision.loaded_loop`). Its
frames are turned as the kiosk's camera frames are: `[camera] rotate` of the settings,
or `--rotate DEG` (a video recorded from a camera mounted sideways or upside down).
Its JSON ends with `camera_turn` (the turn the orientation watch told `[camera] rotate`
lacks, null when it told none) and `camera_turn_at_s` (the video time it told it at).

`eval` reads an `image,emotion` CSV (FER labels: angry, disgust, fear, happy, sad,
surprise, neutral; paths relative to the CSV) and prints detection rate, accuracy,
macro-F1, per-class recall and confusion matrices (7 classes and 4 coarse groups).
Images that cannot be used are measured without, listed under `unreadable`, named on
stderr, and make the exit status 1.
Both use the `[vision]` settings (device, threads, detect width, threshold).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from kiosk.vision.errors import VisionError


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("classify", help="detect faces and read their emotions in image files")
    p.add_argument("images", nargs="+", type=Path, metavar="IMAGE",
                   help="image files, or folders of them")
    p.add_argument("--detect-width", type=int, help="override [vision] detect_width")
    p.set_defaults(handler=_classify)
    p = sub.add_parser("eval", help="measure the detector and emotion model on labelled photos")
    p.add_argument("labels_csv", type=Path, metavar="LABELS_CSV")
    p.add_argument("--detect-width", type=int, help="override [vision] detect_width")
    p.set_defaults(handler=_eval)
    p = sub.add_parser("eval-video", help="score the settled emotion over a labelled video")
    p.add_argument("video", type=Path, metavar="VIDEO")
    p.add_argument("timeline", type=Path, metavar="TIMELINE_JSON")
    p.add_argument("--detect-width", type=int, help="override [vision] detect_width")
    p.add_argument("--step-ms", type=float, metavar="MS",
                   help="simulate a loaded machine: a vision step takes MS on average, "
                   "frames that arrive meanwhile are skipped")
    p.add_argument("--jitter", type=float, default=0.5,
                   help="with --step-ms: spread of the step times (sigma of their log; "
                   "default 0.5)")
    p.add_argument("--seed", type=int, default=0,
                   help="with --step-ms: seed of the step times (default 0)")
    p.add_argument("--rotate", type=int, choices=(0, 90, 180, 270), metavar="DEG",
                   help="turn every frame DEG degrees clockwise (0, 90, 180 or 270) to "
                   "make it upright; over [camera] rotate")
    p.set_defaults(handler=_eval_video)


def _models(args: argparse.Namespace) -> tuple[Any, Any]:
    import dataclasses

    from kiosk.vision.detector import FaceDetector
    from kiosk.vision.device import configure_threads
    from kiosk.vision.ensemble import EmotionEnsemble

    vision = args.settings.vision
    if args.detect_width:
        vision = dataclasses.replace(vision, detect_width=args.detect_width)
    configure_threads(vision.threads)
    return FaceDetector.from_settings(vision), EmotionEnsemble.from_settings(vision)


def _classify(args: argparse.Namespace) -> int:
    from kiosk.imaging import IMAGE_SUFFIXES, expand_image_args
    from kiosk.vision.evaluate import classify_images

    paths = expand_image_args(args.images)
    folders = [p for p in paths if p.is_dir()]  # folders with no images in them
    files = [p for p in paths if not p.is_dir()]
    try:
        detector, classifier = _models(args)
        results = classify_images(files, detector, classifier) if files else []
    except (VisionError, ValueError) as exc:
        print(f"kiosk-admin classify: {exc}", file=sys.stderr)
        return 1
    kinds = ", ".join(IMAGE_SUFFIXES)
    results += [{"image": str(p), "kind": "folder",
                 "error": f"{p}: a folder with no images in it ({kinds})"} for p in folders]
    print(json.dumps(results, indent=2))
    failed = [r for r in results if "error" in r]
    for entry in failed:
        print(f"kiosk-admin classify: {entry['error']}", file=sys.stderr)
    if failed:
        print(f"kiosk-admin classify: {len(failed)} of {len(results)} images failed",
              file=sys.stderr)
    return 1 if failed else 0


def _eval(args: argparse.Namespace) -> int:
    from kiosk.vision.evaluate import evaluate

    if not args.labels_csv.is_file():
        print(f"kiosk-admin eval: {args.labels_csv}: no such file", file=sys.stderr)
        return 1
    try:
        detector, classifier = _models(args)
        result = evaluate(args.labels_csv, detector, classifier)
    except (VisionError, ValueError) as exc:
        print(f"kiosk-admin eval: {exc}", file=sys.stderr)
        return 1
    print(json.dumps(result, indent=2))
    for entry in result["unreadable"]:  # measured without them; say so and exit 1
        print(f"kiosk-admin eval: skipped {entry['error']}", file=sys.stderr)
    return 1 if result["unreadable"] else 0


def _eval_video(args: argparse.Namespace) -> int:
    from kiosk.vision.factory import identity_for
    from kiosk.vision.loaded_loop import LoadedLoop
    from kiosk.vision.pipeline import VisionPipeline
    from kiosk.vision.video_eval import evaluate_video, load_timeline

    try:
        load = None
        if args.step_ms is not None:
            load = LoadedLoop(args.step_ms / 1000.0, args.jitter, args.seed)
        timeline = load_timeline(args.timeline)
        if not args.video.is_file():
            raise ValueError(f"{args.video}: no such file")
        detector, classifier = _models(args)
        pipeline = VisionPipeline(detector, classifier, args.settings.vision,
                                  identity=identity_for(args.settings.vision))
        try:
            rotate = args.settings.camera.rotate if args.rotate is None else args.rotate
            result = evaluate_video(args.video, timeline, pipeline, load, rotate)
            # what the orientation watch told (`kiosk.vision.orientation`): the turn
            # `rotate` lacks and the video time it was told at, None for upright
            result["camera_turn"] = pipeline.camera_turn
            result["camera_turn_at_s"] = pipeline.camera_turn_at_s
        finally:
            pipeline.close()
    except (VisionError, ValueError) as exc:
        print(f"kiosk-admin eval-video: {exc}", file=sys.stderr)
        return 1
    print(json.dumps(result, indent=2))
    return 0
