"""The CPU kernel of each conv: torch's own choice, except where it was measured
several times slower than the other kernel at the kiosk's sizes.

For a float conv on the CPU, torch chooses per call between oneDNN (mkldnn) and its
native im2col + GEMM kernel (`thnn_conv2d`), by a rule of thumb on the shapes and
the thread count. At the kiosk's sizes, on one intra-op thread, two of its choices
were measured (`time.thread_time`, min of 30 calls, torch 2.13 on the 2-core AMD
EPYC, AVX2) to cost 3-4 times the other kernel, both in mini-Xception:

* a strided 1x1 conv (the residual shortcuts) goes to oneDNN: 128 us against 34 us
  native for 8 -> 16 channels at 60x60, 52-57 us against 12-14 us for the smaller ones;
* a conv on one input channel at 64x64 (the first conv, on the gray face) goes
  native: 269 us against 68 us with oneDNN.

`pin_conv_kernels` replaces exactly those convs with `PinnedConv2d`, which calls
the faster kernel's op itself (a frozen trace records that op, so torch's choice is
not made again per call): mini-Xception's forward pass takes about 0.3 ms (15-20 %)
less CPU, outputs within 1e-6. The detector's and faceExpressionNet's convs are
left as they are (torch already picks the faster kernel for them; calling either op
directly elsewhere gained nothing measurable). CPU only: oneDNN convs are CPU ops.
"""

from __future__ import annotations

import torch
from torch import nn

# Input channels up to which a (non-1x1) conv runs on oneDNN.
ONEDNN_MAX_IN_CHANNELS = 1


class PinnedConv2d(nn.Module):
    """`conv` (its weight and bias, shared) with its CPU kernel fixed: oneDNN
    (`mkldnn_convolution`) or torch's native im2col + GEMM (`thnn_conv2d`)."""

    def __init__(self, conv: nn.Conv2d, *, onednn: bool) -> None:
        super().__init__()
        if conv.padding_mode != "zeros" or isinstance(conv.padding, str):
            raise ValueError("only convs with numeric zero padding can be pinned")
        if not onednn and (conv.groups != 1 or conv.dilation != (1, 1)):
            raise ValueError("the native kernel runs only plain convs (no groups, no dilation)")
        self.weight = conv.weight
        self.bias = conv.bias
        self.onednn = onednn
        self.kernel_size = list(conv.kernel_size)
        self.stride = list(conv.stride)
        self.padding = list(conv.padding)
        self.dilation = list(conv.dilation)
        self.groups = conv.groups

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.onednn:
            return torch.ops.aten.mkldnn_convolution(
                x, self.weight, self.bias, self.padding, self.stride, self.dilation, self.groups)
        return torch.ops.aten.thnn_conv2d(
            x, self.weight, self.kernel_size, self.bias, self.stride, self.padding)

    def extra_repr(self) -> str:
        kernel = "oneDNN" if self.onednn else "native"
        return f"{tuple(self.weight.shape)}, stride={tuple(self.stride)}, kernel={kernel}"


def pinned_kernel(conv: nn.Conv2d) -> bool | None:
    """True: run `conv` on oneDNN; False: on the native kernel; None: leave torch's
    choice (see the module docstring for the measurements)."""
    if conv.groups != 1 or conv.dilation != (1, 1) or isinstance(conv.padding, str):
        return None
    if conv.padding_mode != "zeros":
        return None
    if conv.kernel_size == (1, 1) and conv.stride != (1, 1):
        return False
    if conv.in_channels <= ONEDNN_MAX_IN_CHANNELS and conv.kernel_size != (1, 1):
        return True
    return None


def pin_conv_kernels(model: nn.Module, device: torch.device) -> nn.Module:
    """Replace, in place, the convs of `model` whose torch kernel choice is slow
    (`pinned_kernel`) with `PinnedConv2d`; a no-op off the CPU or without oneDNN.
    For inference: call after the weights are loaded (and BatchNorm folded)."""
    if device.type != "cpu" or not torch.backends.mkldnn.is_available():
        return model
    for name, child in model.named_children():
        onednn = pinned_kernel(child) if isinstance(child, nn.Conv2d) else None
        if isinstance(child, nn.Conv2d) and onednn is not None:
            setattr(model, name, PinnedConv2d(child, onednn=onednn))
        else:
            pin_conv_kernels(child, device)
    return model
