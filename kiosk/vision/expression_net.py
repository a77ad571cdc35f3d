"""face-api.js `faceExpressionNet` in plain torch, and its input preprocessing.

The network (Vincent Mühler's face-api.js, MIT; weights as shipped in
`@vladmandic/face-api` 1.7.15) is a small densely connected CNN on 112x112 RGB:

* four `DenseBlock4`s (32, 64, 128, 256 channels). A block's first conv halves the
  size (a plain 3x3 conv in the first block, a depthwise-separable one after);
  three depthwise-separable 3x3 convs follow, each fed the ReLU of the sum of all
  earlier outputs of the block, and the block returns the ReLU of the sum of all
  four. 112 -> 56 -> 28 -> 14 -> 7.
* 7x7 average pool, a fully connected layer 256 -> 7, softmax over
  `EXPRESSION_LABELS` (neutral, happy, sad, angry, fearful, disgusted, surprised).

TensorFlow's "same" padding puts the odd pixel of a stride-2 conv at the bottom and
right, so those convs pad (0, 1, 0, 1) explicitly; the stride-1 convs pad 1 all
round, as torch does.

Preprocessing is face-api's own (`crop_rgb` then `prepare_rgb`): the RGB crop of
the face box (clipped to the frame), padded to a centred square with zeros, resized bilinearly
to 112x112 the way `tf.image.resizeBilinear` does by default (no half-pixel
centres, no corner alignment), minus the mean RGB, divided by 255. The kiosk
(`prepare_input`) differs in one place: a box that leaves the frame is not clipped
but filled with the frame's edge pixels (`box_rgb`), so the face stays centred.
"""

from __future__ import annotations

import math

import cv2
import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from kiosk.domain import Box

INPUT_SIZE = 112
MEAN_RGB = (122.782, 117.001, 104.298)
EXPRESSION_LABELS: tuple[str, ...] = (
    "neutral", "happy", "sad", "angry", "fearful", "disgusted", "surprised",
)
# face-api's label -> the FER2013 label the kiosk uses.
TO_FER: dict[str, str] = {
    "neutral": "neutral", "happy": "happy", "sad": "sad", "angry": "angry",
    "fearful": "fear", "disgusted": "disgust", "surprised": "surprise",
}
BLOCK_CHANNELS = (32, 64, 128, 256)


class SeparableConv(nn.Module):
    """Depthwise 3x3 (no bias) then pointwise 1x1 with bias, TF "same" padding."""

    def __init__(self, cin: int, cout: int, stride: int = 1) -> None:
        super().__init__()
        self.stride = stride
        self.depthwise = nn.Conv2d(cin, cin, 3, stride, padding=0 if stride == 2 else 1,
                                   groups=cin, bias=False)
        self.pointwise = nn.Conv2d(cin, cout, 1, bias=True)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.stride == 2:
            x = F.pad(x, (0, 1, 0, 1))
        return self.pointwise(self.depthwise(x))


class DenseBlock4(nn.Module):
    """face-api's `denseBlock4` (always scaling down by 2)."""

    def __init__(self, cin: int, cout: int, *, first: bool) -> None:
        super().__init__()
        self.first = first
        self.conv0: nn.Module = (nn.Conv2d(cin, cout, 3, 2, padding=0) if first
                                 else SeparableConv(cin, cout, 2))
        self.conv1 = SeparableConv(cout, cout)
        self.conv2 = SeparableConv(cout, cout)
        self.conv3 = SeparableConv(cout, cout)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.first:
            x = F.pad(x, (0, 1, 0, 1))
        out1 = F.relu(self.conv0(x))
        # Running sums: out1 + out2 (+ out3 (+ out4)), each added once, same rounding.
        total = out1 + self.conv1(out1)
        total = total + self.conv2(F.relu(total))
        total = total + self.conv3(F.relu(total))
        return F.relu(total)


class FaceExpressionNet(nn.Module):
    """(N, 3, 112, 112) normalised RGB -> (N, 7) probabilities in `EXPRESSION_LABELS`
    order (`forward_logits` for the scores before the softmax)."""

    def __init__(self) -> None:
        super().__init__()
        cin = 3
        blocks = []
        for i, cout in enumerate(BLOCK_CHANNELS):
            blocks.append(DenseBlock4(cin, cout, first=i == 0))
            cin = cout
        self.dense0, self.dense1, self.dense2, self.dense3 = blocks
        self.fc = nn.Linear(BLOCK_CHANNELS[-1], len(EXPRESSION_LABELS))

    def forward_logits(self, x: torch.Tensor) -> torch.Tensor:
        x = self.dense3(self.dense2(self.dense1(self.dense0(x))))
        x = F.avg_pool2d(x, 7, 2)
        return self.fc(torch.flatten(x, 1))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.softmax(self.forward_logits(x), dim=1)


def crop_rgb(image_bgr: np.ndarray, box: Box) -> np.ndarray:
    """The face box of a BGR (or gray) frame as RGB uint8, clipped to the frame the
    way face-api extracts face tensors (box corners rounded down/up to pixels).
    ValueError when the box does not overlap the frame."""
    h, w = image_bgr.shape[:2]
    x1, y1 = max(0, math.floor(box.x1)), max(0, math.floor(box.y1))
    x2, y2 = min(w, math.ceil(box.x2)), min(h, math.ceil(box.y2))
    if x2 <= x1 or y2 <= y1:
        raise ValueError(f"face box {box} lies outside the {w}x{h} frame")
    patch = image_bgr[y1:y2, x1:x2]
    if patch.ndim == 2 or patch.shape[2] == 1:
        return cv2.cvtColor(patch.reshape(patch.shape[:2]), cv2.COLOR_GRAY2RGB)
    code = cv2.COLOR_BGRA2RGB if patch.shape[2] == 4 else cv2.COLOR_BGR2RGB
    return cv2.cvtColor(patch, code)


def box_rgb(image_bgr: np.ndarray, box: Box) -> np.ndarray:
    """The face box of a BGR (or gray) frame as RGB uint8 where the box says it is:
    corners rounded down/up to pixels like `crop_rgb`, but where the box leaves the
    frame the frame's edge pixels are repeated instead of the box being clipped, so
    the face keeps its place and size in the crop (mini-Xception's `square_crop`
    does the same). Inside the frame it equals `crop_rgb`. The kiosk's crop:
    face-api's own clipping shifts a face cut by the frame's edge off the centre of
    the padded square (grouped 5-fold on ../shared/data/faces, where 201 of 243
    boxes leave the photo: README "Vision"). ValueError when the box does not
    overlap the frame."""
    h, w = image_bgr.shape[:2]
    x1, y1 = math.floor(box.x1), math.floor(box.y1)
    x2, y2 = math.ceil(box.x2), math.ceil(box.y2)
    ix1, iy1, ix2, iy2 = max(0, x1), max(0, y1), min(w, x2), min(h, y2)
    if ix2 <= ix1 or iy2 <= iy1:
        raise ValueError(f"face box {box} lies outside the {w}x{h} frame")
    rgb = crop_rgb(image_bgr, Box(ix1, iy1, ix2, iy2))
    if (ix1, iy1, ix2, iy2) == (x1, y1, x2, y2):
        return rgb
    return cv2.copyMakeBorder(rgb, iy1 - y1, y2 - iy2, ix1 - x1, x2 - ix2,
                              cv2.BORDER_REPLICATE)


def pad_to_square(rgb: np.ndarray) -> np.ndarray:
    """face-api's `padToSquare(..., isCenterImage=true)`: zeros, round(diff / 2) after
    the image and the rest before it, along the shorter side."""
    h, w = rgb.shape[:2]
    if h == w:
        return rgb
    diff = abs(h - w)
    after = (diff + 1) // 2  # Math.round(diff * 0.5): halves round up
    before = diff - after
    pad = ((0, 0), (before, after), (0, 0)) if h > w else ((before, after), (0, 0), (0, 0))
    return np.pad(rgb, pad)


def resize_bilinear_tf(image: np.ndarray, size: int) -> np.ndarray:
    """`tf.image.resizeBilinear(image, [size, size])` with its defaults (source
    coordinate = destination * in / out, no half-pixel centres): (H, W, C) -> float32
    (size, size, C)."""
    h, w = image.shape[:2]

    def axis(n_in: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        src = np.arange(size, dtype=np.float64) * (n_in / size)
        lo = np.floor(src).astype(np.int64)
        lo = np.minimum(lo, n_in - 1)
        hi = np.minimum(lo + 1, n_in - 1)
        return lo, hi, (src - lo).astype(np.float32)

    y0, y1, fy = axis(h)
    x0, x1, fx = axis(w)
    # Gather the four neighbours first and convert only them (the crop can be many
    # times the output). Then TF's arithmetic, top = a + (b - a) * fx (and bottom
    # from c, d), out = top + (bottom - top) * fy, each operation in place:
    # bit-identical to it, about a third less CPU than a new array per operation.
    wx = fx[None, :, None]
    rows0, rows1 = np.take(image, y0, axis=0), np.take(image, y1, axis=0)
    top = np.take(rows0, x0, axis=1).astype(np.float32)
    step = np.take(rows0, x1, axis=1).astype(np.float32)
    step -= top
    step *= wx
    top += step
    bottom = np.take(rows1, x0, axis=1).astype(np.float32)
    step = np.take(rows1, x1, axis=1).astype(np.float32)
    step -= bottom
    step *= wx
    bottom += step
    bottom -= top
    bottom *= fy[:, None, None]
    top += bottom
    return top


def prepare_rgb(rgb: np.ndarray, size: int = INPUT_SIZE) -> np.ndarray:
    """An RGB face crop (H, W, 3) -> network input (3, size, size) float32, as
    face-api's `toBatchTensor(size, true)` + `normalize` + `/ 255` (112 here; the
    recognition net's 150, `kiosk.vision.recognition_net.prepare_rgb`)."""
    square = pad_to_square(rgb)
    if square.shape[0] != size:
        resized = resize_bilinear_tf(square, size)
    else:
        resized = square.astype(np.float32)
    x = (resized - np.asarray(MEAN_RGB, np.float32)) / np.float32(255.0)
    return np.ascontiguousarray(x.transpose(2, 0, 1))


def prepare_input(image_bgr: np.ndarray, box: Box) -> np.ndarray:
    """Network input for the face in `box` of a BGR frame, as the kiosk reads it
    (`box_rgb`: edge pixels repeated where the box leaves the frame): (3, 112, 112)
    float32. `prepare_rgb(crop_rgb(...))` is face-api's own, bit for bit."""
    return prepare_rgb(box_rgb(image_bgr, box))
