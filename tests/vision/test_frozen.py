"""Frozen-trace inference: same outputs as the eager networks, traced only for
repeated shapes, bounded, and falling back to eager when tracing is not possible."""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import pytest
import torch
from torch import nn

from kiosk.config import VisionSettings
from kiosk.domain import Box
from kiosk.vision.detector import MODEL_FILE as DETECTOR_FILE
from kiosk.vision.detector import FaceDetector
from kiosk.vision.device import channels_last, load_weights
from kiosk.vision.ensemble import FACE_API_FILE, EmotionEnsemble, FaceApiMember, MiniXceptionMember
from kiosk.vision.expression_net import FaceExpressionNet
from kiosk.vision.frozen import FrozenForward
from kiosk.vision.mini_xception import MiniXception
from kiosk.vision.retinaface import CFG_MNET, RetinaFace, fuse_conv_bn

MODELS = Path(__file__).resolve().parents[2] / "resources" / "models"


def _cl(x: torch.Tensor) -> torch.Tensor:
    return x.contiguous(memory_format=torch.channels_last)


def _networks() -> list[tuple[str, nn.Module, tuple[int, ...]]]:
    mini = load_weights(MiniXception(), MODELS / "mini_xception_fer2013.pt")
    assert isinstance(mini, MiniXception)
    face_api = load_weights(FaceExpressionNet(), MODELS / FACE_API_FILE)
    retina = fuse_conv_bn(load_weights(RetinaFace(CFG_MNET), MODELS / DETECTOR_FILE))
    cpu = torch.device("cpu")
    return [
        ("mini-xception", channels_last(mini.fuse_batchnorm(), cpu), (2, 1, 64, 64)),
        ("face-api", channels_last(face_api, cpu), (1, 3, 112, 112)),
        ("retinaface", channels_last(retina, cpu), (1, 3, 96, 128)),
    ]


@pytest.mark.parametrize("index", [0, 1, 2], ids=["mini-xception", "face-api", "retinaface"])
def test_traced_outputs_match_the_eager_network(index: int) -> None:
    _, model, shape = _networks()[index]
    frozen = FrozenForward(model, "cpu")
    x = _cl(torch.randn(shape, generator=torch.Generator().manual_seed(index)) * 50)
    assert frozen.prepare(x)
    assert frozen.traced_shapes == [shape]
    with torch.inference_mode():
        eager = model(x)
    traced = frozen(x)
    eager_t = eager if isinstance(eager, tuple) else (eager,)
    traced_t = traced if isinstance(traced, tuple) else (traced,)
    assert len(eager_t) == len(traced_t)
    for a, b in zip(eager_t, traced_t, strict=True):
        assert a.shape == b.shape
        torch.testing.assert_close(b, a, rtol=1e-4, atol=1e-4)


class _Counting(nn.Module):
    """Doubles its input and counts eager calls (a trace runs without them)."""

    def __init__(self) -> None:
        super().__init__()
        self.calls = 0

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        self.calls += 1
        return x * 2


def test_a_shape_is_traced_on_its_second_call_only() -> None:
    model = _Counting().eval()
    frozen = FrozenForward(model, "cpu")
    once = torch.ones(1, 3)
    assert torch.equal(frozen(once), once * 2)
    assert frozen.traced_shapes == []  # a one-off shape (a photo) runs eagerly
    frozen(torch.ones(1, 3))
    assert frozen.traced_shapes == [(1, 3)]
    calls = model.calls
    out = frozen(torch.full((1, 3), 3.0))
    assert torch.equal(out, torch.full((1, 3), 6.0))
    assert model.calls == calls  # the trace ran, not the Python forward


def test_at_most_max_shapes_traces_are_kept() -> None:
    frozen = FrozenForward(_Counting().eval(), "cpu", max_shapes=2)
    for n in (1, 2, 3):
        assert frozen.prepare(torch.ones(n, 4))
    assert frozen.traced_shapes == [(2, 4), (3, 4)]
    frozen(torch.ones(2, 4))  # used: now the most recent
    assert frozen.prepare(torch.ones(5, 4))
    assert frozen.traced_shapes == [(2, 4), (5, 4)]


def test_untraceable_network_runs_eagerly_with_one_warning(
        caplog: pytest.LogCaptureFixture) -> None:
    class Raises(nn.Module):
        def forward(self, x: torch.Tensor) -> torch.Tensor:
            if torch.jit.is_tracing():
                raise RuntimeError("cannot trace this")
            return x + 1

    frozen = FrozenForward(Raises().eval(), "cpu")
    with caplog.at_level(logging.WARNING, logger="kiosk.vision.frozen"):
        assert not frozen.prepare(torch.zeros(2))
        for _ in range(3):
            assert torch.equal(frozen(torch.zeros(2)), torch.ones(2))
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and "running eagerly" in warnings[0].getMessage()
    assert "cannot trace this" in warnings[0].getMessage()
    assert not frozen.enabled and frozen.traced_shapes == []


def test_devices_other_than_cpu_and_cuda_run_eagerly() -> None:
    frozen = FrozenForward(_Counting().eval(), "meta")
    assert not frozen.enabled
    assert not frozen.prepare(torch.ones(1))


def test_detector_warmup_traces_the_usual_frame_size() -> None:
    detector = FaceDetector(MODELS / DETECTOR_FILE, detect_width=160)
    detector.warmup(height=480, width=640)
    roi_w, roi_h = detector.roi_size  # and the region search's input (kiosk.vision.focus)
    assert detector._forward.traced_shapes == [(1, 3, 120, 160), (1, 3, roi_h, roi_w)]
    # A frame of that size now runs traced and still finds nothing on a blank frame.
    assert detector.detect(np.zeros((480, 640, 3), np.uint8)) == []


def test_ensemble_warmup_traces_one_face_per_model() -> None:
    ensemble = EmotionEnsemble.from_settings(VisionSettings(device="cpu", emotion_models="both"))
    mini, face_api = ensemble.members
    assert isinstance(mini, MiniXceptionMember) and isinstance(face_api, FaceApiMember)
    ensemble.warmup()
    assert mini.classifier._forward.traced_shapes == [(1, 1, 64, 64)]
    assert face_api._forward.traced_shapes == [(1, 3, 112, 112)]
    # one face now runs traced and still reads as probabilities
    probs = ensemble.raw_probs(np.zeros((240, 320, 3), np.uint8), [Box(100, 60, 180, 140)])
    assert probs.shape == (1, 7) and np.allclose(probs.sum(axis=1), 1.0, atol=1e-4)


def test_tracing_leaves_the_process_warning_filters_alone(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Tracing runs on the vision thread; swapping the process-wide filters there
    (catch_warnings) raced the GUI thread's: pytest's "error" filter made traces fail
    at random. The filters seen while tracing are the process's own."""
    import warnings

    from kiosk.vision.frozen import FrozenForward

    before = list(warnings.filters)
    seen: list[list[object]] = []
    real_trace = torch.jit.trace

    def recording_trace(*args: object, **kwargs: object) -> object:
        seen.append(list(warnings.filters))
        return real_trace(*args, **kwargs)

    monkeypatch.setattr(torch.jit, "trace", recording_trace)
    frozen = FrozenForward(torch.nn.Linear(4, 2).eval(), device="cpu")
    assert frozen.prepare(torch.zeros(1, 4))
    assert seen == [before]
    assert warnings.filters == before


def test_a_fresh_trace_leaves_nothing_in_torchs_process_wide_unit() -> None:
    """torch.jit.trace/freeze register the module's types and compiled graphs in
    TorchScript's process-wide compilation unit for good (15.7 MB of heap for the
    detector's trace); the kiosk runs a reloaded copy and drops them."""
    from torch._jit_internal import _qualified_name
    from torch.jit._recursive import concrete_type_store
    from torch.jit._state import _python_cu

    class Probe(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.conv = nn.Conv2d(1, 2, 3)

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            return torch.relu(self.conv(x))

    model = Probe().eval()
    x = torch.randn(1, 1, 8, 8, generator=torch.Generator().manual_seed(3))
    compiled = len(concrete_type_store.methods_compiled)
    frozen = FrozenForward(model, "cpu")
    assert frozen.prepare(x)
    assert _python_cu.get_class(_qualified_name(Probe)) is None
    assert len(concrete_type_store.methods_compiled) == compiled
    with torch.inference_mode():
        torch.testing.assert_close(frozen(x), model(x), rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("index", [0, 1, 2], ids=["mini-xception", "face-api", "retinaface"])
def test_the_simple_executor_gives_the_profiling_executor_s_outputs(index: int) -> None:
    # kiosk.vision.frozen runs traces with TorchScript's simple executor (6 MB less
    # resident in the kiosk): set at its import, and the outputs are those of the
    # default profiling executor (bit-identical on the 2-core machine)
    switch = torch._C._jit_set_profiling_executor
    assert switch(False) is False, "kiosk.vision.frozen leaves the profiling executor on"
    _, model, shape = _networks()[index]
    x = _cl(torch.randn(shape, generator=torch.Generator().manual_seed(7 + index)) * 50)
    outputs = {}
    try:
        for profiling in (True, False):
            switch(profiling)
            frozen = FrozenForward(model, "cpu")
            assert frozen.prepare(x)
            for _ in range(3):  # past the profiling runs: the optimised plan
                out = frozen(x)
            outputs[profiling] = out if isinstance(out, tuple) else (out,)
    finally:
        switch(False)
    for a, b in zip(outputs[True], outputs[False], strict=True):
        torch.testing.assert_close(b, a, rtol=1e-5, atol=1e-5)
