"""`kiosk-admin classify IMAGE...` and `kiosk-admin eval LABELS_CSV`: run the on-device
face detector and emotion model on image files and print JSON.

`eval-video VIDEO TIMELINE_JSON` runs the whole vision path (Rekognition off) over a
video at its own timestamps and prints what the shopper would have seen, scored
against the timeline (see `kiosk.vision.video_eval`).

`eval` reads an `image,emotion` CSV (FER labels: angry, disgust, fear, happy, sad,
surprise, neutral; paths relative to the CSV) and prints detection rate, accuracy,
macro-F1, per-class recall and confusion matrices (7 classes and 4 coarse groups).
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
    p.add_argument("images", nargs="+", type=Path, metavar="IMAGE")
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
    p.set_defaults(handler=_eval_video)


def _models(args: argparse.Namespace) -> tuple[Any, Any]:
    import dataclasses

    from kiosk.vision.detector import FaceDetector
    from kiosk.vision.device import configure_threads
    from kiosk.vision.emotion_model import EmotionClassifier

    vision = args.settings.vision
    if args.detect_width:
        vision = dataclasses.replace(vision, detect_width=args.detect_width)
    configure_threads(vision.threads)
    return FaceDetector.from_settings(vision), EmotionClassifier.from_settings(vision)


def _classify(args: argparse.Namespace) -> int:
    from kiosk.vision.evaluate import classify_images

    try:
        detector, classifier = _models(args)
        result = classify_images(args.images, detector, classifier)
    except (VisionError, ValueError) as exc:
        print(f"kiosk-admin classify: {exc}", file=sys.stderr)
        return 1
    print(json.dumps(result, indent=2))
    return 0


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
    return 0


def _eval_video(args: argparse.Namespace) -> int:
    from kiosk.vision.pipeline import VisionPipeline
    from kiosk.vision.video_eval import evaluate_video, load_timeline

    try:
        timeline = load_timeline(args.timeline)
        if not args.video.is_file():
            raise ValueError(f"{args.video}: no such file")
        detector, classifier = _models(args)
        pipeline = VisionPipeline(detector, classifier, args.settings.vision)
        try:
            result = evaluate_video(args.video, timeline, pipeline)
        finally:
            pipeline.close()
    except (VisionError, ValueError) as exc:
        print(f"kiosk-admin eval-video: {exc}", file=sys.stderr)
        return 1
    print(json.dumps(result, indent=2))
    return 0
