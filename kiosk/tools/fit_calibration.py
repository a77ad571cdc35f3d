"""Fit `resources/models/calibration.json` on the shared labelled faces.

    python -m kiosk.tools.fit_calibration [--faces ../shared/data/faces] [--out FILE]

Runs the detector and each local emotion model on every labelled photo (the same
crops `kiosk-admin eval` uses), plain and mirrored (the two views the kiosk
alternates, `[vision] mirror_views`), then for each model choice (`both`,
`mini-xception`, `face-api`) fits the per-class bias of `kiosk.vision.calibration`
on both views pooled, with grouped 5-fold cross-validation, scoring a face by the
average of its two calibrated views; `--plain` fits and scores the plain view only
(the kiosk with `mirror_views = false`). It tabulates what folding disgust/fear
below a confidence would do (out-of-fold). Writes the biases with the full report,
so the file says how it was made. Dev-only; deterministic.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import numpy as np

from kiosk.config import VisionSettings
from kiosk.vision.calibration import (
    cross_validate,
    group_folds,
    out_of_fold,
    person_of,
    rare_table,
)
from kiosk.vision.detector import FaceDetector
from kiosk.vision.ensemble import EmotionEnsemble
from kiosk.vision.evaluate import detect_with_retry, read_image, read_labels
from kiosk.vision.mini_xception import FER_LABELS

REPO = Path(__file__).resolve().parents[2]
FACES = REPO.parent / "shared" / "data" / "faces"
RARE_THRESHOLDS = (0.0, 0.3, 0.4, 0.5, 0.6, 0.7, 1.01)


def collect(faces: Path, detector: FaceDetector, ensemble: EmotionEnsemble
            ) -> dict[str, Any]:
    """Per detected photo: label, person, and each member's FER probabilities of the
    plain and the mirrored view, (2, N, 7) per member."""
    labels, groups = [], []
    per_member: dict[str, list[np.ndarray]] = {m.name: [] for m in ensemble.members}
    missed = 0
    for path, label in read_labels(faces / "labels.csv"):
        image = read_image(path)
        found, _ = detect_with_retry(detector, image)
        if not found:
            missed += 1
            continue
        labels.append(FER_LABELS.index(label))
        groups.append(person_of(path.name))
        for m in ensemble.members:
            x = m.prepare(image, found[0].box)
            per_member[m.name].append(m.predict(np.stack([x, x[..., ::-1]])))
    return {"labels": np.array(labels), "groups": groups, "missed": missed,
            "probs": {k: np.stack(v, axis=1) for k, v in per_member.items()}}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m kiosk.tools.fit_calibration",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--faces", type=Path, default=FACES)
    parser.add_argument("--out", type=Path, default=REPO / "resources" / "models" /
                        "calibration.json")
    parser.add_argument("--plain", action="store_true",
                        help="the plain view only (the kiosk with mirror_views = false)")
    args = parser.parse_args(argv)
    if not (args.faces / "labels.csv").is_file():
        parser.error(f"{args.faces}/labels.csv not found")
    vision = VisionSettings(device="cpu", calibrate=False)
    detector = FaceDetector.from_settings(vision)
    ensemble = EmotionEnsemble.from_settings(vision)
    data = collect(args.faces, detector, ensemble)
    probs = {k: v[:1] if args.plain else v for k, v in data["probs"].items()}
    choices = {"both": (probs["mini-xception"] + probs["face-api"]) / 2,
               "mini-xception": probs["mini-xception"], "face-api": probs["face-api"]}
    out: dict[str, Any] = {
        "about": "Per-class log-space bias added to the model probabilities "
                 "(kiosk.vision.ensemble). Fit by python -m kiosk.tools.fit_calibration on "
                 "../shared/data/faces; all figures below are grouped 5-fold out-of-fold.",
        "views": (["plain"] if args.plain else ["plain", "mirrored"]),
        "views_about": "fit on these views of every face pooled; a face is scored by the "
                       "average of its calibrated (and folded) views",
        "labels": list(FER_LABELS), "photos_without_face": data["missed"],
        "calibrations": {},
    }
    for name, p in choices.items():
        fit = cross_validate(p, data["labels"], data["groups"])
        oof = out_of_fold(p, data["labels"], group_folds(data["groups"], 5), fit.l2)
        out["calibrations"][name] = {
            "bias": {label: round(float(b), 4) for label, b in zip(FER_LABELS, fit.bias,
                                                                      strict=True)},
            "report": fit.report,
            "fold_rare": rare_table(data["labels"], oof, RARE_THRESHOLDS),
        }
    args.out.write_text(json.dumps(out, indent=1) + "\n", encoding="utf-8")
    print(json.dumps({k: {"uncalibrated": v["report"]["uncalibrated"]["accuracy"],
                          "out_of_fold": v["report"]["out_of_fold"]}
                      for k, v in out["calibrations"].items()}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
