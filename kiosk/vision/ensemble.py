"""The kiosk's emotion reader: one or two on-device models, averaged and calibrated.

`[vision] emotion_models` chooses the local model(s):

* ``mini-xception``: the FER2013 mini-Xception (64x64 gray), see `emotion_model`;
* ``face-api``: face-api.js's faceExpressionNet (112x112 RGB), see `expression_net`;
* ``both`` (default): both on the same face box, probabilities averaged.

Each model runs one forward pass per frame on all the boxes it is given (a batch).
The averaged probabilities then get the per-class calibration fitted on
`../shared/data/faces` by `kiosk.tools.fit_calibration` (a log-space bias per FER
class, `resources/models/calibration.json`, one per model choice): ``p_c ∝ p_c·e^b_c``.

Disgust and fear are rare in front of a shop screen and the models read them
poorly; below `[vision] fold_rare_below` confidence their probability is folded
into the most likely other emotion, so the kiosk shows that one instead.

Mirror views (`[vision] mirror_views`, on by default): the horizontally mirrored
crop is a second view of the same face, and the models misread the two views
differently. A camera frame is read in one view only (`classify`: plain and
mirrored on alternate calls, so each frame costs one forward pass per model), and
the smoother's moving average then mixes the two views; a still image
(`classify_batch`: `kiosk-admin eval` and `classify`) gets the average of both
views' calibrated probabilities, which is what a steady face settles to. On the
shared faces, out of fold, this moved the default from 0.593 / 0.517 to
0.613 / 0.536 (accuracy / macro-F1; `kiosk.tools.fit_calibration`).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np
import torch

from kiosk.config import VisionSettings
from kiosk.domain import Box, EmotionReading
from kiosk.vision.device import channels_last, load_weights, select_device
from kiosk.vision.emotion_model import MODEL_FILE as MINI_XCEPTION_FILE
from kiosk.vision.emotion_model import EmotionClassifier, preprocess, to_reading
from kiosk.vision.errors import ModelFileError
from kiosk.vision.expression_net import EXPRESSION_LABELS, TO_FER, FaceExpressionNet
from kiosk.vision.expression_net import INPUT_SIZE as FACE_API_SIZE
from kiosk.vision.expression_net import prepare_input as face_api_input
from kiosk.vision.frozen import FrozenForward
from kiosk.vision.mini_xception import FER_LABELS
from kiosk.vision.mini_xception import INPUT_SIZE as MINI_XCEPTION_SIZE
from kiosk.vision.trace_cache import TraceCache

log = logging.getLogger(__name__)

FACE_API_FILE = "face_expression_net.pt"
CALIBRATION_FILE = "calibration.json"
MODEL_CHOICES = ("both", "mini-xception", "face-api")
RARE = ("disgust", "fear")
# face-api's output column for each FER label, in FER_LABELS order.
_FACE_API_TO_FER = [EXPRESSION_LABELS.index(next(k for k, v in TO_FER.items() if v == label))
                    for label in FER_LABELS]


class Member(Protocol):
    """One emotion model: its input for a face box, and (N, 7) FER-ordered
    probabilities for a batch of inputs."""

    name: str

    def prepare(self, image_bgr: np.ndarray, box: Box) -> np.ndarray: ...
    def predict(self, batch: np.ndarray) -> np.ndarray: ...
    def blank(self) -> np.ndarray: ...
    def warmup(self, trace_cache: TraceCache | None = None) -> None: ...


class MiniXceptionMember:
    name = "mini-xception"

    def __init__(self, model_path: Path, device: torch.device) -> None:
        self.classifier = EmotionClassifier(model_path, device=device)

    def prepare(self, image_bgr: np.ndarray, box: Box) -> np.ndarray:
        return preprocess(image_bgr, box)

    def predict(self, batch: np.ndarray) -> np.ndarray:
        return self.classifier.predict_fer(batch)

    def blank(self) -> np.ndarray:
        return np.zeros((MINI_XCEPTION_SIZE, MINI_XCEPTION_SIZE), np.float32)

    def warmup(self, trace_cache: TraceCache | None = None) -> None:
        self.classifier.warmup(trace_cache)


class FaceApiMember:
    name = "face-api"

    def __init__(self, model_path: Path, device: torch.device) -> None:
        self.device = device
        model = load_weights(FaceExpressionNet(), model_path, device)
        self.model = channels_last(model, device)
        self._forward = FrozenForward(self.model, device)

    def prepare(self, image_bgr: np.ndarray, box: Box) -> np.ndarray:
        return face_api_input(image_bgr, box)

    def predict(self, batch: np.ndarray) -> np.ndarray:
        x = torch.from_numpy(np.ascontiguousarray(batch, dtype=np.float32))
        with torch.inference_mode():
            x = x.to(self.device).contiguous(memory_format=torch.channels_last)
            probs = self._forward(x).float().cpu().numpy()
        return probs[:, _FACE_API_TO_FER]

    def blank(self) -> np.ndarray:
        return np.zeros((3, FACE_API_SIZE, FACE_API_SIZE), np.float32)

    def warmup(self, trace_cache: TraceCache | None = None) -> None:
        """Trace for one face (or read the trace from `trace_cache`), then one forward
        pass on a blank one."""
        self._forward.cache = trace_cache
        example = torch.zeros((1, 3, FACE_API_SIZE, FACE_API_SIZE), device=self.device)
        self._forward.prepare(example.contiguous(memory_format=torch.channels_last))
        self.predict(self.blank()[None])


@dataclass(frozen=True)
class Calibration:
    """Log-space bias per FER class (FER_LABELS order); zeros = no change."""

    bias: tuple[float, ...] = (0.0,) * len(FER_LABELS)

    def apply(self, probs: np.ndarray) -> np.ndarray:
        logits = np.log(np.clip(probs, 1e-12, 1.0)) + np.asarray(self.bias)
        logits -= logits.max(axis=-1, keepdims=True)
        out = np.exp(logits)
        return out / out.sum(axis=-1, keepdims=True)


def load_calibration(path: Path, models: str) -> Calibration:
    """The calibration for `models` from the calibration JSON; no calibration (with a
    warning) when the file or its entry is missing; ModelFileError when it is broken."""
    if not path.is_file():
        log.warning("no emotion calibration at %s; using the raw probabilities", path)
        return Calibration()
    try:
        entry = json.loads(path.read_text(encoding="utf-8"))["calibrations"].get(models)
    except (ValueError, KeyError, AttributeError, TypeError) as exc:
        raise ModelFileError(path, f"is not a calibration file ({exc})") from exc
    if entry is None:
        log.warning("%s has no calibration for %s; using the raw probabilities", path, models)
        return Calibration()
    bias = entry.get("bias", {}) if isinstance(entry, dict) else {}
    try:
        return Calibration(tuple(float(bias.get(label, 0.0)) for label in FER_LABELS))
    except (TypeError, ValueError) as exc:
        raise ModelFileError(path, f"has a bad bias for {models} ({exc})") from exc


def fold_rare(probs: np.ndarray, below: float) -> np.ndarray:
    """(7,) FER probabilities with disgust/fear folded into the most likely other
    emotion when one of them leads with less than `below`."""
    top = int(np.argmax(probs))
    if FER_LABELS[top] not in RARE or probs[top] >= below:
        return probs
    out = probs.copy()
    others = [i for i in range(len(FER_LABELS)) if FER_LABELS[i] not in RARE]
    nearest = max(others, key=lambda i: out[i])
    for label in RARE:
        i = FER_LABELS.index(label)
        out[nearest] += out[i]
        out[i] = 0.0
    return out


class EmotionEnsemble:
    """Reads the emotion of face boxes with the chosen model(s) (module docstring).
    One inference thread owns an instance."""

    def __init__(self, members: Sequence[Member], calibration: Calibration | None = None,
                 *, fold_rare_below: float = 0.0, device: torch.device | None = None,
                 models: str = "", mirror_views: bool = False) -> None:
        if not members:
            raise ValueError("an emotion ensemble needs at least one model")
        self.members = list(members)
        self.calibration = calibration or Calibration()
        self.fold_rare_below = fold_rare_below
        self.device = device or torch.device("cpu")
        self.models = models or "+".join(m.name for m in self.members)
        self.model_name = " + ".join(m.name for m in self.members)
        self.mirror_views = mirror_views
        self._mirror_next = False

    @classmethod
    def from_settings(cls, vision: VisionSettings, models_dir: Path | None = None
                      ) -> EmotionEnsemble:
        """The model(s) chosen by `emotion_models`, on `device`, with their calibration."""
        from kiosk.resources import resource_path

        def path(name: str) -> Path:
            if models_dir is not None:
                return models_dir / name
            return resource_path("models", name, must_exist=False)

        device = select_device(vision.device)
        choice = vision.emotion_models
        members: list[Member] = []
        if choice in ("both", "mini-xception"):
            members.append(MiniXceptionMember(path(MINI_XCEPTION_FILE), device))
        if choice in ("both", "face-api"):
            members.append(FaceApiMember(path(FACE_API_FILE), device))
        calibration = (load_calibration(path(CALIBRATION_FILE), choice)
                       if vision.calibrate else Calibration())
        return cls(members, calibration, fold_rare_below=vision.fold_rare_below,
                   device=device, models=choice, mirror_views=vision.mirror_views)

    def raw_probs(self, image_bgr: np.ndarray, boxes: Sequence[Box], *,
                  mirror: bool = False) -> np.ndarray:
        """(len(boxes), 7) uncalibrated FER probabilities averaged over the models, of
        the plain (or, with `mirror`, the mirrored) view; one forward pass per model."""
        return self.raw_view_probs(image_bgr, boxes, (mirror,))[0]

    def raw_view_probs(self, image_bgr: np.ndarray, boxes: Sequence[Box],
                       views: Sequence[bool] = (False,)) -> np.ndarray:
        """(len(views), len(boxes), 7) uncalibrated FER probabilities averaged over the
        models, per view (`views`: one mirror flag each; True = the model input
        flipped left to right). One forward pass per model for all views and boxes."""
        n = len(boxes)
        total = np.zeros((len(views) * n, len(FER_LABELS)), np.float64)
        for member in self.members:
            plain = [member.prepare(image_bgr, box) for box in boxes]
            batch = np.stack([x[..., ::-1] if mirror else x
                              for mirror in views for x in plain])
            total += member.predict(batch)
        return (total / len(self.members)).reshape(len(views), n, len(FER_LABELS))

    def probs(self, image_bgr: np.ndarray, boxes: Sequence[Box],
              views: Sequence[bool] = (False,)) -> np.ndarray:
        """(len(boxes), 7) FER probabilities: each view calibrated (and rare-folded),
        then averaged over the views."""
        per_view = self.calibration.apply(self.raw_view_probs(image_bgr, boxes, views))
        if self.fold_rare_below > 0:
            per_view = np.stack([[fold_rare(p, self.fold_rare_below) for p in view]
                                 for view in per_view])
        return np.asarray(per_view.mean(axis=0))

    def classify(self, image_bgr: np.ndarray, box: Box) -> EmotionReading:
        """Emotion of the face in `box` (frame pixels) in one camera frame: with
        `mirror_views`, read from the plain and the mirrored crop on alternate calls
        (one view per frame; the smoother averages them)."""
        mirror = self._mirror_next
        self._mirror_next = self.mirror_views and not mirror
        return to_reading(self.probs(image_bgr, [box], (mirror,))[0])

    def classify_batch(self, image_bgr: np.ndarray, boxes: Sequence[Box]
                       ) -> list[EmotionReading]:
        """Emotions of the faces in a still image: with `mirror_views`, the average
        of the plain and the mirrored view (what a steady face settles to), in one
        forward pass per model."""
        if not boxes:
            return []
        views = (False, True) if self.mirror_views else (False,)
        return [to_reading(p) for p in self.probs(image_bgr, boxes, views)]

    def warmup(self, trace_cache: TraceCache | None = None) -> None:
        """Each model traced for one face (or its trace read from `trace_cache`) and
        run once on a blank one, so the first visitor is not slow."""
        for member in self.members:
            member.warmup(trace_cache)

    def describe(self) -> Mapping[str, object]:
        return {"models": self.models, "calibration": list(self.calibration.bias),
                "fold_rare_below": self.fold_rare_below, "mirror_views": self.mirror_views}
