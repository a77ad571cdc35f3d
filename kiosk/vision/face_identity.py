"""Is this face the same person? dlib's face descriptor, computed only when asked.

`FaceIdentity` wraps `kiosk.vision.recognition_net.FaceRecognitionNet` (face-api.js's
port of dlib's face recognition ResNet): one face crop in, a 128-D descriptor out;
two descriptors of one person lie close in euclidean distance. It costs about 25 ms
of one core per face, so the pipeline does not run it every frame, only where the
cheap 16x16 look (`kiosk.vision.appearance`) cannot decide (`VisionPipeline`). The
network (6.5 MB of weights, mostly uint8) is loaded at the first call, not at start-up: a kiosk
whose looks always decide never loads it.

The crop: the face placed by its eyes and mouth (`identity_box`), as face-api aligns
a face from its landmarks before describing it (the box around them, padded), so
the detector's box jitter does not move the face in the crop.
"""

from __future__ import annotations

import logging
import math
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import numpy as np

from kiosk.domain import Box

if TYPE_CHECKING:  # torch is imported by the vision thread, after the window shows
    from kiosk.vision.recognition_net import FaceRecognitionNet

log = logging.getLogger(__name__)

MODEL_FILE = "face_recognition_net.pt"
SAME_DISTANCE = 0.5
"""Descriptors at most this far apart are one person. Measured 2026-12-01 with
`kiosk.tools.identity_pairs` on ../shared/data/faces (239 photos found by the real
detector, drawn as `face_video` draws them): one photo 0.4 s apart (a steady face,
239 pairs) 0.02-0.26; two photos of one person (another expression, shot or year;
500 pairs, 18 people) median 0.57, 0.31-0.79, 21 % at most 0.5; two people (27941
pairs) median 0.77, min 0.42, 26 pairs (0.09 %) at most 0.5 (the looks' own "same",
0.8, let 9 through). The fresh tester's look-alike pair (Lula_0023 -> Laura_Bush_0008,
looks 0.69) is 0.82 apart."""
OTHER_DISTANCE = 0.6
"""Descriptors farther apart than this are two people (dlib's and face-api's own line;
dlib trained its net to put each person in a ball of radius 0.6). Two people: 97.3 %
over it; two photos of one person: 34 % (the looks called 94 % of them someone else).
Between `SAME_DISTANCE` and this: not known either way by the distance alone (45 % of
one person's photo pairs, 2.6 % of two people's; `judge` says "unsure"). The pipeline
counts it as another person, both in place and after a gap (`VisionPipeline._compare`):
a stranger kept in the visit would see the previous shopper's "For you" pages."""


def identity_box(box: Box, landmarks: Sequence[tuple[float, float]] = ()) -> Box:
    """The square crop for the descriptor, from the detector's five landmarks (eyes,
    nose, mouth corners): centred between the eyes' and the mouth's midpoints (a little
    lower), as wide as 2.6 eye distances or 2.9 eye-to-mouth distances, whichever is
    more: about face-api's crop, the box of the 68 landmarks (brows to chin, ear to
    ear) padded by a fifth. The detector's box when the landmarks are missing or
    degenerate. Measured against the detector's box on the shared faces
    (`kiosk.tools.identity_pairs`): two different people at most 0.5 apart in 26 pairs
    instead of 262 (of 27941), a steady face at most 0.26 apart either way."""
    if len(landmarks) < 5:
        return box
    (lx, ly), (rx, ry) = landmarks[0], landmarks[1]
    (mlx, mly), (mrx, mry) = landmarks[3], landmarks[4]
    ex, ey = (lx + rx) / 2, (ly + ry) / 2
    mx, my = (mlx + mrx) / 2, (mly + mry) / 2
    eyes = math.hypot(rx - lx, ry - ly)
    eye_mouth = math.hypot(mx - ex, my - ey)
    size = max(eyes * 2.6, eye_mouth * 2.9)
    if size < 8:
        return box
    cx, cy = (ex + mx) / 2, (ey + my) / 2 + 0.08 * size
    return Box(cx - size / 2, cy - size / 2, cx + size / 2, cy + size / 2)


class FaceIdentity:
    """Face descriptors from the bundled (or given) weights, the network loaded on
    the first `describe` (thread-safe)."""

    def __init__(self, model_path: Path | str) -> None:
        self.model_path = Path(model_path)
        self._net: FaceRecognitionNet | None = None
        self._lock = threading.Lock()
        self.calls = 0

    @classmethod
    def bundled(cls) -> FaceIdentity:
        from kiosk.resources import resource_path

        return cls(resource_path("models", MODEL_FILE, must_exist=False))

    @property
    def loaded(self) -> bool:
        return self._net is not None

    def _model(self) -> FaceRecognitionNet:
        with self._lock:
            if self._net is None:
                import torch

                from kiosk.vision.device import load_weights
                from kiosk.vision.recognition_net import FaceRecognitionNet

                with torch.device("meta"):  # no weights of its own: it takes the file's
                    empty = FaceRecognitionNet()
                net = load_weights(empty, self.model_path, assign=True)
                assert isinstance(net, FaceRecognitionNet)
                self._net = net
                log.info("face identity net loaded from %s", self.model_path)
            return self._net

    def describe(self, image_bgr: np.ndarray, box: Box,
                 landmarks: Sequence[tuple[float, float]] = ()) -> np.ndarray | None:
        """(128,) float32 descriptor of the face in `box` (placed by `landmarks` when
        it has them, `identity_box`); None when the crop holds no pixels."""
        import torch

        from kiosk.vision.expression_net import box_rgb
        from kiosk.vision.recognition_net import prepare_rgb

        try:
            rgb = box_rgb(image_bgr, identity_box(box, landmarks))
        except ValueError:
            return None
        x = torch.from_numpy(prepare_rgb(rgb))[None]
        net = self._model()
        with torch.inference_mode():
            out = net(x)[0].numpy()
        self.calls += 1
        return out


def distance(a: np.ndarray, b: np.ndarray) -> float:
    """Euclidean distance of two descriptors."""
    return float(np.linalg.norm(a - b))


class Describer(Protocol):
    """What `Look` and the pipeline need of `FaceIdentity` (tests stand in for it)."""

    def describe(self, image_bgr: np.ndarray, box: Box,
                 landmarks: Sequence[tuple[float, float]] = (), /) -> np.ndarray | None: ...


@dataclass(eq=False)
class Look:
    """One sighting of a face: its 16x16 look (`kiosk.vision.appearance.signature`)
    and what its descriptor needs (an image, a box and landmarks in it), the
    descriptor made at most once, on the first `descriptor` call. Made by `of`, which
    keeps a copy of the face's crop only, never the camera frame: the pipeline keeps
    looks for as long as a track lives and the last one after the face has gone."""

    signature: np.ndarray
    image: np.ndarray
    box: Box
    landmarks: tuple[tuple[float, float], ...] = ()
    _descriptor: np.ndarray | None = field(default=None, repr=False)
    _described: bool = field(default=False, repr=False)

    @classmethod
    def of(cls, signature: np.ndarray, image_bgr: np.ndarray, box: Box,
           landmarks: Sequence[tuple[float, float]] = ()) -> Look:
        """The look of the face at `box` (and `landmarks`) of the frame `image_bgr`,
        holding a copy of the pixels its descriptor reads (`identity_box`, clipped to
        the frame: `box_rgb` repeats the edge pixels beyond it the same way in the
        crop) with the box moved into the crop, instead of the whole frame: a 1080p
        frame is 6 MB, a face's crop tens of kB, and the frame shows everyone in view.
        The descriptor of the look equals the one made from the frame."""
        placed = identity_box(box, landmarks)
        h, w = image_bgr.shape[:2]
        x1, y1 = max(0, math.floor(placed.x1)), max(0, math.floor(placed.y1))
        x2, y2 = min(w, math.ceil(placed.x2)), min(h, math.ceil(placed.y2))
        if x2 <= x1 or y2 <= y1:  # the box lies outside the frame: no descriptor
            return cls(signature, image_bgr[:0, :0].copy(), placed)
        crop = image_bgr[y1:y2, x1:x2].copy()
        moved = Box(placed.x1 - x1, placed.y1 - y1, placed.x2 - x1, placed.y2 - y1)
        return cls(signature, crop, moved)  # placed already: no landmarks to place it by

    def descriptor(self, identity: Describer) -> np.ndarray | None:
        if not self._described:
            self._descriptor = identity.describe(self.image, self.box, self.landmarks)
            self._described = True
        return self._descriptor


def judge(identity: Describer, before: Look, now: Look) -> str | None:
    """Are the faces of two looks one person, by their descriptors? "same" at most
    `SAME_DISTANCE` apart, "other" over `OTHER_DISTANCE`, "unsure" between; None when
    either has no descriptor."""
    a, b = before.descriptor(identity), now.descriptor(identity)
    if a is None or b is None:
        return None
    d = distance(a, b)
    log.debug("face descriptors %.3f apart", d)
    if d <= SAME_DISTANCE:
        return "same"
    return "other" if d > OTHER_DISTANCE else "unsure"
