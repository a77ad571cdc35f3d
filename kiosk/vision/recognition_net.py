"""face-api.js `faceRecognitionNet` in plain torch: a 128-D face-identity descriptor.

The network is dlib's face recognition ResNet (Davis King, dlib, public domain /
CC0 weights), converted to tfjs by Vincent Mühler for face-api.js (MIT), as shipped
in `@vladmandic/face-api` 1.7.15 (`model/face_recognition_model.bin`). Two photos of
one person give descriptors close in euclidean distance, two people far apart
(face-api and dlib use 0.6 as the "same person" line; the kiosk's own lines are
measured on ../shared, `kiosk.vision.face_identity`).

On 150x150 RGB, each conv followed by an affine "scale" (x * w + b, dlib's folded
BatchNorm) and, but for a residual's second conv, a ReLU:

* conv 7x7/2 "valid" (32), max-pool 3x3/2 "valid": 150 -> 72 -> 35;
* residual blocks (3x3 conv, 3x3 conv, + input, ReLU): 3 x 32, then a down block and
  3 x 64, a down block and 2 x 128, a down block and 2 x 256, a last down block.
  A down block's first conv is 3x3/2 "valid"; its shortcut is a 2x2/2 average pool,
  zero-padded in channels when they double, and where the conv path comes out one
  pixel smaller (8 -> 3 against 4, 4 -> 1 against 2) the conv path gets a row and a
  column of zeros at the bottom and right: 35 -> 17 -> 8 -> 4 -> 2;
* the mean over the 2x2, a linear map 256 -> 128 without bias.

Preprocessing is face-api's, as for the expression net (`kiosk.vision.expression_net`):
the RGB crop padded to a centred square with zeros, `tf.image.resizeBilinear` to
150x150, minus the mean RGB, divided by 255. Which crop the kiosk gives it is
`kiosk.vision.face_identity`'s business.
"""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from kiosk.vision import expression_net

INPUT_SIZE = 150
DESCRIPTOR_SIZE = 128


def dequantize(q: torch.Tensor, scale: torch.Tensor, minimum: torch.Tensor) -> torch.Tensor:
    """tfjs' uint8 dequantization `q * scale + min` in float32, a multiply then an add
    (two roundings, no fused multiply-add), exactly as `kiosk.tools.faceapi_weights`
    computes it with numpy: the same float32 values the float32 file held. In place
    on the one new float32 tensor (no further temporaries)."""
    out = q.to(torch.float32)
    out.mul_(scale)
    return out.add_(minimum)


class QuantizedWeight(nn.Module):
    """A weight kept as the source file's uint8 values `q` plus its per-tensor float32
    `scale` and `min`, dequantized at each use (a quarter of the float32 memory; the
    largest kernel, 256x256x3x3, takes 2.4 MB as float32 for the moment it is used)."""

    def __init__(self, *shape: int) -> None:
        super().__init__()
        self.q: torch.Tensor
        self.scale: torch.Tensor
        self.min: torch.Tensor
        self.register_buffer("q", torch.zeros(shape, dtype=torch.uint8))
        self.register_buffer("scale", torch.ones((), dtype=torch.float32))
        self.register_buffer("min", torch.zeros((), dtype=torch.float32))

    def forward(self) -> torch.Tensor:
        return dequantize(self.q, self.scale, self.min)


def _value(weight: QuantizedWeight | torch.Tensor) -> torch.Tensor:
    return weight() if isinstance(weight, QuantizedWeight) else weight


class Conv(nn.Module):
    """A conv with bias, TF padding ("same" at stride 1, "valid" at stride 2); its
    kernel uint8-quantized (`QuantizedWeight`) or, where the source stores it so,
    float32."""

    def __init__(self, cin: int, cout: int, kernel: int, stride: int, *,
                 quantized: bool) -> None:
        super().__init__()
        self.stride = stride
        self.padding = kernel // 2 if stride == 1 else 0
        shape = (cout, cin, kernel, kernel)
        self.weight: QuantizedWeight | nn.Parameter = (
            QuantizedWeight(*shape) if quantized else nn.Parameter(torch.zeros(shape)))
        self.bias = nn.Parameter(torch.zeros(cout))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.conv2d(x, _value(self.weight), self.bias, self.stride, self.padding)


class ConvScale(nn.Module):
    """`Conv` then dlib's affine scale."""

    def __init__(self, cin: int, cout: int, kernel: int, stride: int = 1, *,
                 quantized: bool = True) -> None:
        super().__init__()
        self.conv = Conv(cin, cout, kernel, stride, quantized=quantized)
        self.scale_weight = nn.Parameter(torch.ones(cout))
        self.scale_bias = nn.Parameter(torch.zeros(cout))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = self.conv(x)
        return out * self.scale_weight[:, None, None] + self.scale_bias[:, None, None]


class Residual(nn.Module):
    """face-api's `residual` (`down=False`) and `residualDown` (`down=True`)."""

    def __init__(self, cin: int, cout: int, *, down: bool = False,
                 quantized: bool = True) -> None:
        super().__init__()
        self.down = down
        self.conv1 = ConvScale(cin, cout, 3, 2 if down else 1, quantized=quantized)
        self.conv2 = ConvScale(cout, cout, 3, quantized=quantized)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = self.conv2(F.relu(self.conv1(x)))
        if not self.down:
            return F.relu(out + x)
        pooled = F.avg_pool2d(x, 2, 2)
        if pooled.shape[-2:] != out.shape[-2:]:  # face-api appends a zero row and column
            out = F.pad(out, (0, 1, 0, 1))
        if pooled.shape[1] != out.shape[1]:  # channels doubled: zeros after the pooled ones
            pooled = torch.cat([pooled, torch.zeros_like(pooled)], 1)
        return F.relu(pooled + out)


# (name, in channels, out channels, down)
LAYOUT: tuple[tuple[str, int, int, bool], ...] = (
    ("conv32_1", 32, 32, False), ("conv32_2", 32, 32, False), ("conv32_3", 32, 32, False),
    ("conv64_down", 32, 64, True), ("conv64_1", 64, 64, False),
    ("conv64_2", 64, 64, False), ("conv64_3", 64, 64, False),
    ("conv128_down", 64, 128, True), ("conv128_1", 128, 128, False),
    ("conv128_2", 128, 128, False),
    ("conv256_down", 128, 256, True), ("conv256_1", 256, 256, False),
    ("conv256_2", 256, 256, False), ("conv256_down_out", 256, 256, True),
)
# The blocks whose conv kernels face-api's weight file stores as float32 (all else,
# biases and scales included, is uint8-quantized there).
FLOAT_KERNELS = frozenset({"conv64_down", "conv64_1", "conv64_2", "conv64_3"})


class Linear(nn.Module):
    """The last linear map, no bias, its weight uint8-quantized."""

    def __init__(self, cin: int, cout: int) -> None:
        super().__init__()
        self.weight = QuantizedWeight(cout, cin)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.linear(x, self.weight())


class FaceRecognitionNet(nn.Module):
    """(N, 3, 150, 150) normalised RGB -> (N, 128) descriptors (not normalised:
    dlib's descriptors have a norm of about 1 by training).

    The conv kernels (but `FLOAT_KERNELS`') and the linear map are held as the weight
    file's uint8 values (`QuantizedWeight`, dequantized in `forward`): 6.5 MB instead
    of 22.5 MB, the descriptors bitwise those of the dequantized float32 weights."""

    def __init__(self) -> None:
        super().__init__()
        self.conv32_down = ConvScale(3, 32, 7, 2)
        self.blocks = nn.ModuleDict(
            {name: Residual(cin, cout, down=down, quantized=name not in FLOAT_KERNELS)
             for name, cin, cout, down in LAYOUT})
        self.fc = Linear(256, DESCRIPTOR_SIZE)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = F.relu(self.conv32_down(x))
        out = F.max_pool2d(out, 3, 2)
        for block in self.blocks.values():
            out = block(out)
        return self.fc(out.mean(dim=(2, 3)))


def prepare_rgb(rgb: np.ndarray) -> np.ndarray:
    """An RGB face crop (H, W, 3) -> network input (3, 150, 150) float32, as
    face-api's `toBatchTensor(150, true)` + `normalize` + `/ 255`: the expression
    net's preparation at this net's size."""
    return expression_net.prepare_rgb(rgb, INPUT_SIZE)
