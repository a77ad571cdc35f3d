"""Measure the detector and the emotion model on labelled face photos, and classify
image files: the work behind `kiosk-admin eval` and `kiosk-admin classify`.

Face photos (like `../shared/data/faces`) are cropped tightly around the face,
which is not what the detector was trained on: when it finds nothing on the raw
image we retry once with the image padded by 30% of its size on each side (edge
pixels repeated), and map the boxes back. A face still not found counts as wrong
for `accuracy`; `accuracy_on_detected` leaves those out.
"""

from __future__ import annotations

import csv
import logging
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from kiosk.domain import Box, Face
from kiosk.imaging import ImageError, load_bgr
from kiosk.vision.detector import FaceDetector
from kiosk.vision.emotion_model import EMOTION_TO_FER
from kiosk.vision.ensemble import EmotionEnsemble
from kiosk.vision.mini_xception import FER_LABELS

log = logging.getLogger(__name__)

RETRY_PAD = 0.30
GROUPS: dict[str, tuple[str, ...]] = {
    "positive": ("happy",),
    "neutral": ("neutral",),
    "negative": ("angry", "disgust", "fear", "sad"),
    "surprise": ("surprise",),
}
GROUP_OF = {label: group for group, labels in GROUPS.items() for label in labels}


def read_image(path: Path) -> np.ndarray:
    """BGR uint8 image from a file under the one image policy (`kiosk.imaging`:
    size limits, truncation check, EXIF orientation, transparency on white);
    ValueError naming the file and why when it cannot be used."""
    try:
        return load_bgr(Path(path))
    except ImageError as exc:
        raise ValueError(str(exc)) from exc


def frame_from_face(image: np.ndarray, size: tuple[int, int] = (640, 480),
                    photo_height: int | None = 300, background: int = 114) -> np.ndarray:
    """A `size` (w, h) camera-like frame with the photo in the middle on a plain gray
    background. The photo is resized to `photo_height` pixels tall (None: kept as is),
    and shrunk further if it would not fit: the shared photos range from 30 to 350 px,
    and a visitor close to the kiosk fills about 300 px of a 640x480 frame."""
    fw, fh = size
    h, w = image.shape[:2]
    scale = (photo_height / h) if photo_height else 1.0
    scale = min(scale, fw / w, fh / h)
    if scale != 1.0:
        image = cv2.resize(image, (max(1, round(w * scale)), max(1, round(h * scale))),
                           interpolation=cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR)
        h, w = image.shape[:2]
    frame = np.full((fh, fw, 3), background, np.uint8)
    y0, x0 = (fh - h) // 2, (fw - w) // 2
    frame[y0:y0 + h, x0:x0 + w] = image if image.ndim == 3 else image[..., None]
    return frame


def detect_with_retry(detector: FaceDetector, image: np.ndarray) -> tuple[list[Face], bool]:
    """Faces in `image` (its pixels), retrying once on a 30%-padded copy; and whether
    the retry was needed."""
    faces = detector.detect(image)
    if faces:
        return faces, False
    h, w = image.shape[:2]
    px, py = round(w * RETRY_PAD), round(h * RETRY_PAD)
    padded = cv2.copyMakeBorder(image, py, py, px, px, cv2.BORDER_REPLICATE)
    shifted = []
    for f in detector.detect(padded):
        b = f.box
        shifted.append(Face(
            box=Box(b.x1 - px, b.y1 - py, b.x2 - px, b.y2 - py), score=f.score,
            landmarks=tuple((x - px, y - py) for x, y in f.landmarks),
        ))
    return shifted, True


def metrics(truth: Sequence[str], predicted: Sequence[str | None],
            labels: Sequence[str]) -> dict[str, Any]:
    """Accuracy (None = no face = wrong), accuracy on detected, macro-F1 over the labels
    present in `truth`, per-class recall and a confusion matrix (rows truth, columns
    prediction, undetected faces left out of it)."""
    index = {label: i for i, label in enumerate(labels)}
    confusion = np.zeros((len(labels), len(labels)), dtype=int)
    undetected = dict.fromkeys(labels, 0)
    for t, p in zip(truth, predicted, strict=True):
        if p is None:
            undetected[t] += 1
        else:
            confusion[index[t], index[p]] += 1
    n = len(truth)
    detected = int(confusion.sum())
    correct = int(np.trace(confusion))
    present = [label for label in labels if label in set(truth)]
    recall, f1 = {}, {}
    for label in present:
        i = index[label]
        support = int(confusion[i].sum()) + undetected[label]
        tp, predicted_as = int(confusion[i, i]), int(confusion[:, i].sum())
        recall[label] = tp / support if support else 0.0
        precision = tp / predicted_as if predicted_as else 0.0
        denom = precision + recall[label]
        f1[label] = 2 * precision * recall[label] / denom if denom else 0.0
    return {
        "n": n,
        "accuracy": correct / n if n else 0.0,
        "accuracy_on_detected": correct / detected if detected else 0.0,
        "macro_f1": float(np.mean(list(f1.values()))) if f1 else 0.0,
        "per_class_recall": recall,
        "per_class_f1": f1,
        "undetected": undetected,
        "confusion": {"labels": list(labels), "matrix": confusion.tolist()},
    }


def read_labels(labels_csv: Path) -> list[tuple[Path, str]]:
    """(image path, FER label) rows of an `image,emotion` CSV; paths relative to it."""
    rows = []
    with Path(labels_csv).open(newline="", encoding="utf-8-sig") as f:
        reader = csv.DictReader(f)
        if not {"image", "emotion"} <= set(reader.fieldnames or ()):
            raise ValueError(f"{labels_csv}: expected the columns image,emotion")
        for row in reader:
            label = row["emotion"].strip().lower()
            if label not in FER_LABELS:
                raise ValueError(f"{labels_csv}: unknown label {label!r} for {row['image']}")
            rows.append((Path(labels_csv).parent / row["image"], label))
    return rows


def evaluate(labels_csv: Path, detector: FaceDetector,
             classifier: EmotionEnsemble) -> dict[str, Any]:
    """Detection rate and emotion metrics (7 FER classes and 4 coarse groups) on a
    labelled CSV. The highest-scoring face of each image is the one classified.
    Images that cannot be used are left out of the metrics and listed under
    `unreadable` (`{"image", "error"}`), so one bad file does not lose the run."""
    rows = read_labels(labels_csv)
    truth: list[str] = []
    predicted: list[str | None] = []
    unreadable: list[dict[str, str]] = []
    retried = 0
    for path, label in rows:
        try:
            image = read_image(path)
        except ValueError as exc:
            unreadable.append({"image": str(path), "error": str(exc)})
            continue
        faces, was_retried = detect_with_retry(detector, image)
        retried += was_retried
        truth.append(label)
        if not faces:
            predicted.append(None)
            log.debug("no face found in %s", path)
            continue
        reading = classifier.classify_batch(image, [faces[0].box])[0]
        predicted.append(EMOTION_TO_FER[reading.emotion])
    detected = sum(p is not None for p in predicted)
    result = metrics(truth, predicted, FER_LABELS)
    group_truth = [GROUP_OF[t] for t in truth]
    group_pred = [None if p is None else GROUP_OF[p] for p in predicted]
    result |= {
        "detection_rate": detected / len(truth) if truth else 0.0,
        "unreadable": unreadable,
        "retried_with_padding": retried,
        "labels": list(FER_LABELS),
        "model": {"emotion": classifier.model_name, "detector": detector.model_path.name,
                  "detect_width": detector.detect_width, "threshold": detector.threshold},
        "groups": metrics(group_truth, group_pred, list(GROUPS)),
    }
    return result


def classify_images(paths: Iterable[Path], detector: FaceDetector,
                    classifier: EmotionEnsemble) -> list[dict[str, Any]]:
    """Per image: the faces found (best first) with their emotions; the top-level
    `emotion` and `probabilities` are those of the best face (None when no face).
    An image that cannot be used gets `{"image", "error", "kind"}` instead (kind as
    in `kiosk.imaging.KINDS`), and the others are still classified."""
    out: list[dict[str, Any]] = []
    for path in paths:
        try:
            image = read_image(Path(path))
        except ValueError as exc:
            cause = exc.__cause__
            kind = cause.kind if isinstance(cause, ImageError) else "unreadable"
            out.append({"image": str(path), "error": str(exc), "kind": kind})
            continue
        faces, was_retried = detect_with_retry(detector, image)
        readings = classifier.classify_batch(image, [f.box for f in faces])
        per_face = [{
            "box": [round(v, 1) for v in (f.box.x1, f.box.y1, f.box.x2, f.box.y2)],
            "score": round(f.score, 4),
            "emotion": r.emotion.value,
            "confidence": round(r.confidence, 4),
            "probabilities": {e.value: round(p, 4) for e, p in r.probabilities.items()},
        } for f, r in zip(faces, readings, strict=True)]
        best = per_face[0] if per_face else None
        out.append({
            "image": str(path),
            "faces": len(faces),
            "boxes": [f["box"] for f in per_face],
            "emotion": best["emotion"] if best else None,
            "confidence": best["confidence"] if best else None,
            "probabilities": best["probabilities"] if best else None,
            "per_face": per_face,
            "retried_with_padding": was_retried,
            "source": "local",
        })
    return out
