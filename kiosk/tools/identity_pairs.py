"""Measure the face-identity descriptor and the look thumbnail on the shared faces.

    python -m kiosk.tools.identity_pairs [--faces ../shared/data/faces] [--out pairs.json]

Every photo is drawn into a 640x480 frame as `kiosk.tools.face_video` draws it (drift,
size wobble, noise; MJPG-like JPEG at quality 90) at two moments 0.4 s apart
(a steady face) and found by the real detector at the default settings. For each
frame: the descriptor of `kiosk.vision.face_identity` (the crop it uses) and the 16x16
look of `kiosk.vision.appearance`. Printed: percentiles of the descriptor's euclidean
distance and of the look similarity for three kinds of pairs:

* `steady`: one photo, its two moments;
* `same_person`: two photos of one person (another day, pose, expression);
* `different`: photos of two people (all pairs).

Person = the file name without its number (`George_W_Bush_0012.jpg` -> George_W_Bush).
"""

from __future__ import annotations

import argparse
import csv
import itertools
import json
import re
import sys
from pathlib import Path

import cv2
import numpy as np

from kiosk.config import VisionSettings
from kiosk.vision import appearance
from kiosk.vision.detector import FaceDetector

REPO_ROOT = Path(__file__).resolve().parents[2]
FACES = REPO_ROOT.parent / "shared" / "data" / "faces"


def person_of(image: str) -> str:
    return re.sub(r"_\d+$", "", Path(image).stem)


def frames_of(photo: np.ndarray, times: tuple[float, ...], seed: int) -> list[np.ndarray]:
    from kiosk.tools.face_video import background, render_frame

    rng = np.random.default_rng(seed)
    bg = background(640, 480)
    out: list[np.ndarray] = []
    for t in times:
        frame = render_frame(bg, photo, t, rng)
        ok, jpg = cv2.imencode(".jpg", frame, [cv2.IMWRITE_JPEG_QUALITY, 90])
        decoded = cv2.imdecode(jpg, cv2.IMREAD_COLOR) if ok else None
        out.append(frame if decoded is None else np.asarray(decoded))
    return out


def percentiles(values: list[float]) -> dict[str, float]:
    if not values:
        return {"n": 0}
    a = np.asarray(values)
    return {"n": len(values), "min": float(a.min()), "p1": float(np.percentile(a, 1)),
            "p5": float(np.percentile(a, 5)), "median": float(np.median(a)),
            "p95": float(np.percentile(a, 95)), "p99": float(np.percentile(a, 99)),
            "max": float(a.max())}


def measure(faces_dir: Path, times: tuple[float, ...] = (1.0, 1.4)) -> dict[str, object]:
    from kiosk.vision.face_identity import FaceIdentity

    settings = VisionSettings()
    detector = FaceDetector.from_settings(settings)
    identity = FaceIdentity.bundled()
    with (faces_dir / "labels.csv").open(newline="", encoding="utf-8-sig") as fh:
        images = sorted({row["image"] for row in csv.DictReader(fh)})
    rows: list[tuple[str, str, list[np.ndarray], list[np.ndarray]]] = []
    for i, image in enumerate(images):
        photo = cv2.imread(str(faces_dir / image))
        if photo is None:
            continue
        descs, looks = [], []
        for frame in frames_of(photo, times, seed=i):
            faces = detector.detect(frame)
            if not faces:
                break
            face = max(faces, key=lambda f: f.box.area)
            desc = identity.describe(frame, face.box, face.landmarks)
            look = appearance.signature(frame, face.box, face.landmarks)
            if desc is None or look is None:
                break
            descs.append(desc)
            looks.append(look)
        if len(descs) == len(times):
            rows.append((image, person_of(image), descs, looks))
    kinds: dict[str, dict[str, list[float]]] = {
        k: {"distance": [], "look": []} for k in ("steady", "same_person", "different")}
    pairs: list[tuple[str, str, str, float, float]] = []

    def add(kind: str, a: tuple[str, str, list[np.ndarray], list[np.ndarray]],
            b: tuple[str, str, list[np.ndarray], list[np.ndarray]]) -> None:
        d = float(np.linalg.norm(a[2][0] - b[2][1]))
        look = appearance.similarity(a[3][0], b[3][1])
        kinds[kind]["distance"].append(d)
        kinds[kind]["look"].append(look)
        pairs.append((kind, a[0], b[0], d, look))

    for row in rows:
        add("steady", row, row)
    for a, b in itertools.combinations(rows, 2):
        add("same_person" if a[1] == b[1] else "different", a, b)
    return {"photos": len(rows), "of": len(images),
            **{kind: {k: percentiles(v) for k, v in d.items()} for kind, d in kinds.items()},
            "pairs": pairs}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m kiosk.tools.identity_pairs",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--faces", type=Path, default=FACES)
    parser.add_argument("--out", type=Path, help="also write every pair here (JSON: kind, "
                        "image, image, distance, look similarity)")
    args = parser.parse_args(argv)
    if not (args.faces / "labels.csv").is_file():
        print(f"labelled faces not found in {args.faces}: pass --faces DIR", file=sys.stderr)
        return 2
    report = measure(args.faces)
    if args.out is not None:
        args.out.write_text(json.dumps(report), encoding="utf-8")
    report.pop("pairs")
    print(json.dumps(report, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
