"""Pinned conv kernels: which convs are pinned, same outputs, and the frozen trace
calls the pinned kernel's op instead of torch's per-call choice."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch
from torch import nn

from kiosk.vision.conv_kernels import PinnedConv2d, pin_conv_kernels, pinned_kernel
from kiosk.vision.device import channels_last, load_weights
from kiosk.vision.emotion_model import MODEL_FILE, EmotionClassifier
from kiosk.vision.mini_xception import MiniXception

MODELS = Path(__file__).resolve().parents[2] / "resources" / "models"
CPU = torch.device("cpu")


def _cl(x: torch.Tensor) -> torch.Tensor:
    return x.contiguous(memory_format=torch.channels_last)


def test_only_the_measured_slow_choices_are_pinned() -> None:
    assert pinned_kernel(nn.Conv2d(8, 16, 1, stride=2)) is False  # shortcut: native
    assert pinned_kernel(nn.Conv2d(1, 8, 3)) is True  # gray input: oneDNN
    assert pinned_kernel(nn.Conv2d(8, 16, 1)) is None
    assert pinned_kernel(nn.Conv2d(3, 8, 3, stride=2, padding=1)) is None  # the detector's
    assert pinned_kernel(nn.Conv2d(16, 16, 3, padding=1, groups=16)) is None
    assert pinned_kernel(nn.Conv2d(8, 16, 1, stride=2, padding_mode="reflect")) is None


@pytest.mark.parametrize(("conv", "shape"), [
    (nn.Conv2d(8, 16, 1, stride=2), (2, 8, 60, 60)),
    (nn.Conv2d(1, 8, 3), (1, 1, 64, 64)),
    (nn.Conv2d(16, 7, 3, padding=1), (1, 16, 5, 7)),
])
@pytest.mark.parametrize("onednn", [True, False])
def test_pinned_conv_gives_the_conv_outputs(conv: nn.Conv2d, shape: tuple[int, ...],
                                            onednn: bool) -> None:
    conv = conv.eval().requires_grad_(False)
    pinned = PinnedConv2d(conv, onednn=onednn)
    x = torch.randn(*shape)
    with torch.inference_mode():
        for inp in (x, _cl(x)):
            assert torch.allclose(pinned(inp), conv(inp), atol=1e-5)


def test_native_kernel_refuses_grouped_convs() -> None:
    with pytest.raises(ValueError, match="no groups"):
        PinnedConv2d(nn.Conv2d(8, 8, 3, groups=8), onednn=False)


def test_mini_xception_runs_its_first_conv_and_shortcuts_pinned() -> None:
    classifier = EmotionClassifier(MODELS / MODEL_FILE)
    model = classifier.model
    assert isinstance(model, MiniXception)
    pinned = {name: m.onednn for name, m in model.named_modules() if isinstance(m, PinnedConv2d)}
    assert pinned == {"conv1": True, **{f"blocks.{i}.shortcut": False for i in range(4)}}
    plain = load_weights(MiniXception(), MODELS / MODEL_FILE)
    x = torch.rand(3, 1, 64, 64) * 2 - 1
    with torch.inference_mode():
        assert np.allclose(classifier.predict_fer(x[:, 0].numpy()), plain(x).numpy(), atol=1e-5)
    # The frozen trace calls the pinned kernels' ops itself.
    example = _cl(torch.zeros(1, 1, 64, 64))
    assert classifier._forward.prepare(example)
    graph = str(classifier._forward._traced[tuple(example.shape)].graph)
    assert graph.count("aten::mkldnn_convolution") == 1
    assert graph.count("aten::thnn_conv2d") == 4


def test_nothing_is_pinned_off_the_cpu() -> None:
    model = channels_last(MiniXception().eval(), CPU)
    pin_conv_kernels(model, torch.device("meta"))
    assert not any(isinstance(m, PinnedConv2d) for m in model.modules())
