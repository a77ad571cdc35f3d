"""RetinaFace with a MobileNet-0.25 backbone, in plain torch (no torchvision).

A port of biubug6/Pytorch_Retinaface (MIT), the network behind the shipped
`resources/models/retinaface_mobilenet025.pt`. Module and parameter names match the
original checkpoint exactly, so its state_dict loads with `strict=True`.

The network sees a BGR image minus the per-channel mean (104, 117, 123), NCHW,
at any size. It predicts, for every prior box of three feature levels (strides 8,
16, 32; two square priors per cell), a face score, a box offset and five landmark
offsets. `prior_boxes` and `decode_boxes` / `decode_landmarks` turn those into
coordinates normalised to the input size (0..1).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from kiosk.vision.device import fold_batchnorm

BGR_MEAN = (104.0, 117.0, 123.0)


@dataclass(frozen=True)
class RetinaFaceConfig:
    """The mobilenet0.25 configuration of the original training (`cfg_mnet`)."""

    min_sizes: tuple[tuple[int, ...], ...] = ((16, 32), (64, 128), (256, 512))
    steps: tuple[int, ...] = (8, 16, 32)
    variance: tuple[float, float] = (0.1, 0.2)
    in_channel: int = 32
    out_channel: int = 64


CFG_MNET = RetinaFaceConfig()


def _conv_bn(inp: int, oup: int, stride: int = 1, leaky: float = 0.0) -> nn.Sequential:
    return nn.Sequential(
        nn.Conv2d(inp, oup, 3, stride, 1, bias=False),
        nn.BatchNorm2d(oup),
        nn.LeakyReLU(negative_slope=leaky, inplace=True),
    )


def _conv_bn_no_relu(inp: int, oup: int, stride: int = 1) -> nn.Sequential:
    return nn.Sequential(nn.Conv2d(inp, oup, 3, stride, 1, bias=False), nn.BatchNorm2d(oup))


def _conv_bn1x1(inp: int, oup: int, leaky: float = 0.0) -> nn.Sequential:
    return nn.Sequential(
        nn.Conv2d(inp, oup, 1, 1, 0, bias=False),
        nn.BatchNorm2d(oup),
        nn.LeakyReLU(negative_slope=leaky, inplace=True),
    )


def _conv_dw(inp: int, oup: int, stride: int, leaky: float = 0.1) -> nn.Sequential:
    """Depthwise 3x3 + pointwise 1x1, each with BatchNorm and LeakyReLU."""
    return nn.Sequential(
        nn.Conv2d(inp, inp, 3, stride, 1, groups=inp, bias=False),
        nn.BatchNorm2d(inp),
        nn.LeakyReLU(negative_slope=leaky, inplace=True),
        nn.Conv2d(inp, oup, 1, 1, 0, bias=False),
        nn.BatchNorm2d(oup),
        nn.LeakyReLU(negative_slope=leaky, inplace=True),
    )


class MobileNetV1Body(nn.Module):
    """MobileNetV1 (width 0.25) cut after each stage: feature maps at strides 8, 16, 32."""

    def __init__(self) -> None:
        super().__init__()
        self.stage1 = nn.Sequential(
            _conv_bn(3, 8, 2, leaky=0.1),
            _conv_dw(8, 16, 1),
            _conv_dw(16, 32, 2),
            _conv_dw(32, 32, 1),
            _conv_dw(32, 64, 2),
            _conv_dw(64, 64, 1),
        )
        self.stage2 = nn.Sequential(
            _conv_dw(64, 128, 2),
            *(_conv_dw(128, 128, 1) for _ in range(5)),
        )
        self.stage3 = nn.Sequential(_conv_dw(128, 256, 2), _conv_dw(256, 256, 1))

    def forward(self, x: torch.Tensor) -> list[torch.Tensor]:
        c1 = self.stage1(x)
        c2 = self.stage2(c1)
        c3 = self.stage3(c2)
        return [c1, c2, c3]


class FPN(nn.Module):
    """Feature pyramid: 1x1 lateral convs, nearest upsampling, 3x3 merge convs."""

    def __init__(self, in_channels: list[int], out_channels: int) -> None:
        super().__init__()
        leaky = 0.1 if out_channels <= 64 else 0.0
        self.output1 = _conv_bn1x1(in_channels[0], out_channels, leaky=leaky)
        self.output2 = _conv_bn1x1(in_channels[1], out_channels, leaky=leaky)
        self.output3 = _conv_bn1x1(in_channels[2], out_channels, leaky=leaky)
        self.merge1 = _conv_bn(out_channels, out_channels, leaky=leaky)
        self.merge2 = _conv_bn(out_channels, out_channels, leaky=leaky)

    def forward(self, feats: list[torch.Tensor]) -> list[torch.Tensor]:
        out1 = self.output1(feats[0])
        out2 = self.output2(feats[1])
        out3 = self.output3(feats[2])
        out2 = self.merge2(out2 + F.interpolate(out3, size=out2.shape[2:], mode="nearest"))
        out1 = self.merge1(out1 + F.interpolate(out2, size=out1.shape[2:], mode="nearest"))
        return [out1, out2, out3]


class SSH(nn.Module):
    """Single-stage headless context module: 3x3, 5x5 and 7x7 receptive fields concatenated."""

    def __init__(self, in_channel: int, out_channel: int) -> None:
        super().__init__()
        if out_channel % 4:
            raise ValueError("SSH out_channel must be a multiple of 4")
        leaky = 0.1 if out_channel <= 64 else 0.0
        quarter = out_channel // 4
        self.conv3X3 = _conv_bn_no_relu(in_channel, out_channel // 2)
        self.conv5X5_1 = _conv_bn(in_channel, quarter, leaky=leaky)
        self.conv5X5_2 = _conv_bn_no_relu(quarter, quarter)
        self.conv7X7_2 = _conv_bn(quarter, quarter, leaky=leaky)
        self.conv7x7_3 = _conv_bn_no_relu(quarter, quarter)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        c3 = self.conv3X3(x)
        c5_1 = self.conv5X5_1(x)
        c5 = self.conv5X5_2(c5_1)
        c7 = self.conv7x7_3(self.conv7X7_2(c5_1))
        return F.relu(torch.cat([c3, c5, c7], dim=1))


class _Head(nn.Module):
    """1x1 conv predicting `values` numbers per prior; output (N, H*W*anchors, values)."""

    def __init__(self, in_channels: int, anchors: int, values: int) -> None:
        super().__init__()
        self.values = values
        self.conv1x1 = nn.Conv2d(in_channels, anchors * values, kernel_size=1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = self.conv1x1(x).permute(0, 2, 3, 1).contiguous()
        return out.view(out.shape[0], -1, self.values)


class RetinaFace(nn.Module):
    """The detector network. `forward` returns (box offsets (N,P,4), face/background
    probabilities (N,P,2), landmark offsets (N,P,10)) for the P priors of `prior_boxes`."""

    def __init__(self, cfg: RetinaFaceConfig = CFG_MNET) -> None:
        super().__init__()
        self.cfg = cfg
        anchors = len(cfg.min_sizes[0])
        ch = cfg.in_channel
        self.body = MobileNetV1Body()
        self.fpn = FPN([ch * 2, ch * 4, ch * 8], cfg.out_channel)
        self.ssh1 = SSH(cfg.out_channel, cfg.out_channel)
        self.ssh2 = SSH(cfg.out_channel, cfg.out_channel)
        self.ssh3 = SSH(cfg.out_channel, cfg.out_channel)
        levels = len(cfg.steps)
        self.ClassHead = nn.ModuleList(_Head(cfg.out_channel, anchors, 2) for _ in range(levels))
        self.BboxHead = nn.ModuleList(_Head(cfg.out_channel, anchors, 4) for _ in range(levels))
        self.LandmarkHead = nn.ModuleList(
            _Head(cfg.out_channel, anchors, 10) for _ in range(levels)
        )

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        fpn = self.fpn(self.body(x))
        feats = [self.ssh1(fpn[0]), self.ssh2(fpn[1]), self.ssh3(fpn[2])]
        loc = torch.cat([h(f) for h, f in zip(self.BboxHead, feats, strict=True)], dim=1)
        cls = torch.cat([h(f) for h, f in zip(self.ClassHead, feats, strict=True)], dim=1)
        ldm = torch.cat([h(f) for h, f in zip(self.LandmarkHead, feats, strict=True)], dim=1)
        return loc, F.softmax(cls, dim=-1), ldm


def fuse_conv_bn(model: nn.Module) -> nn.Module:
    """Fold every BatchNorm that directly follows a conv (inside an `nn.Sequential`)
    into that conv, in place; for inference only (the running statistics are frozen).

    Same outputs up to float rounding, about 30% less CPU time: the network is many
    small convs, each followed by a BatchNorm pass over the whole feature map. The
    module's state_dict changes shape, so fuse after loading the weights."""
    for child in model.children():
        if isinstance(child, nn.Sequential):
            for i in range(len(child) - 1):
                conv, bn = child[i], child[i + 1]
                if isinstance(conv, nn.Conv2d) and isinstance(bn, nn.BatchNorm2d):
                    child[i] = fold_batchnorm(conv, bn)
                    child[i + 1] = nn.Identity()
        fuse_conv_bn(child)
    return model


def prior_boxes(
    height: int, width: int, cfg: RetinaFaceConfig = CFG_MNET, device: torch.device | None = None
) -> torch.Tensor:
    """Priors (P, 4) as (cx, cy, w, h) normalised to the input size, in the order the
    heads emit them: level, then row, then column, then anchor size."""
    out = []
    for step, sizes in zip(cfg.steps, cfg.min_sizes, strict=True):
        fh, fw = math.ceil(height / step), math.ceil(width / step)
        ys, xs = torch.meshgrid(
            torch.arange(fh, dtype=torch.float32, device=device),
            torch.arange(fw, dtype=torch.float32, device=device),
            indexing="ij",
        )
        cx = ((xs + 0.5) * step / width).unsqueeze(-1).expand(fh, fw, len(sizes))
        cy = ((ys + 0.5) * step / height).unsqueeze(-1).expand(fh, fw, len(sizes))
        size = torch.tensor(sizes, dtype=torch.float32, device=device)
        sw = (size / width).expand(fh, fw, len(sizes))
        sh = (size / height).expand(fh, fw, len(sizes))
        out.append(torch.stack([cx, cy, sw, sh], dim=-1).reshape(-1, 4))
    return torch.cat(out, dim=0)


def decode_boxes(
    loc: np.ndarray, priors: np.ndarray, variance: tuple[float, float]
) -> np.ndarray:
    """Box offsets (P, 4) -> corners (x1, y1, x2, y2), normalised like the priors
    (float32 arrays; NumPy, because the detector keeps only a few priors and torch's
    per-op overhead on such small arrays cost more than the arithmetic)."""
    centers = priors[:, :2] + loc[:, :2] * np.float32(variance[0]) * priors[:, 2:]
    sizes = priors[:, 2:] * np.exp(loc[:, 2:] * np.float32(variance[1]))
    top_left = centers - sizes / np.float32(2)
    return np.concatenate([top_left, top_left + sizes], axis=1)


def decode_landmarks(
    pre: np.ndarray, priors: np.ndarray, variance: tuple[float, float]
) -> np.ndarray:
    """Landmark offsets (P, 10) -> five (x, y) points (P, 5, 2), normalised like the
    priors (float32 arrays, as `decode_boxes`)."""
    offsets = pre.reshape(-1, 5, 2)
    return priors[:, None, :2] + offsets * np.float32(variance[0]) * priors[:, None, 2:]
