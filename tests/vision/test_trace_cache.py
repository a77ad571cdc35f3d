"""Frozen traces saved in the data folder: a second load does not trace, a damaged or
foreign file is ignored with one warning and replaced, and no full garbage collection
runs while the models load."""

from __future__ import annotations

import gc
import logging
import sys
import threading
from pathlib import Path

import numpy as np
import pytest
import torch
from torch import nn

from kiosk.config import load_settings
from kiosk.vision import device, factory
from kiosk.vision.detector import MODEL_FILE as DETECTOR_FILE
from kiosk.vision.detector import FaceDetector
from kiosk.vision.frozen import FrozenForward
from kiosk.vision.quiet_load import no_full_collection, quick_handoffs
from kiosk.vision.trace_cache import TraceCache, trace_key

MODELS = Path(__file__).resolve().parents[2] / "resources" / "models"


class _Affine(nn.Module):
    def __init__(self, scale: float = 2.0) -> None:
        super().__init__()
        self.scale = nn.Parameter(torch.tensor(scale), requires_grad=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x * self.scale + 1


def _traces(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts calls of torch.jit.trace."""
    calls: list[int] = []
    real = torch.jit.trace

    def counting(*args: object, **kwargs: object) -> object:
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(torch.jit, "trace", counting)
    return calls


def test_a_second_load_reads_the_trace_instead_of_tracing(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    traces = _traces(monkeypatch)
    cache = TraceCache(tmp_path / "traces")
    x = torch.ones(2, 3)
    first = FrozenForward(_Affine().eval(), "cpu", cache=cache)
    assert first.prepare(x)
    assert len(traces) == 1 and first.loaded_from_cache == 0
    assert len(list((tmp_path / "traces").glob("*.pt"))) == 1

    second = FrozenForward(_Affine().eval(), "cpu", cache=cache)  # the next start
    assert second.prepare(x)
    assert len(traces) == 1 and second.loaded_from_cache == 1
    assert torch.equal(second(torch.full((2, 3), 3.0)), torch.full((2, 3), 7.0))


def test_other_weights_or_shapes_get_their_own_trace(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    traces = _traces(monkeypatch)
    cache = TraceCache(tmp_path)
    FrozenForward(_Affine(2.0).eval(), "cpu", cache=cache).prepare(torch.ones(1, 3))
    other = FrozenForward(_Affine(5.0).eval(), "cpu", cache=cache)  # new weights
    other.prepare(torch.ones(1, 3))
    assert len(traces) == 2 and other.loaded_from_cache == 0
    assert torch.equal(other(torch.ones(1, 3)), torch.full((1, 3), 6.0))
    # the older trace of that network, shape and device was replaced, not kept
    assert len(list(tmp_path.glob("_Affine-1x3-cpu-*.pt"))) == 1
    assert trace_key(_Affine(2.0), (1, 3), torch.device("cpu")) != trace_key(
        _Affine(2.0), (2, 3), torch.device("cpu"))


@pytest.mark.parametrize("damage", ["garbage", "truncated", "other-graph"])
def test_a_damaged_or_foreign_file_is_ignored_with_one_warning_and_rebuilt(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture,
        damage: str) -> None:
    cache = TraceCache(tmp_path)
    x = torch.ones(1, 3)
    FrozenForward(_Affine().eval(), "cpu", cache=cache).prepare(x)
    (path,) = tmp_path.glob("*.pt")
    if damage == "garbage":
        path.write_bytes(b"not a zip at all")
    elif damage == "truncated":
        path.write_bytes(path.read_bytes()[:200])
    else:  # a valid trace of a different graph under this name (no stored key)
        class Other(nn.Module):
            def forward(self, x: torch.Tensor) -> torch.Tensor:
                return x - 1

        torch.jit.save(torch.jit.freeze(torch.jit.trace(Other().eval(), x)), str(path))
    traces = _traces(monkeypatch)
    again = FrozenForward(_Affine().eval(), "cpu", cache=cache)
    with caplog.at_level(logging.WARNING, logger="kiosk.vision.trace_cache"):
        assert again.prepare(x)
    warnings = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(warnings) == 1 and "tracing again" in warnings[0].getMessage()
    assert len(traces) == 1 and again.loaded_from_cache == 0
    assert torch.equal(again(x), torch.full((1, 3), 3.0))
    # rebuilt: the start after that reads it without a word
    caplog.clear()
    third = FrozenForward(_Affine().eval(), "cpu", cache=cache)
    with caplog.at_level(logging.WARNING, logger="kiosk.vision.trace_cache"):
        assert third.prepare(x)
    assert third.loaded_from_cache == 1 and not caplog.records


def test_an_unwritable_folder_still_traces(tmp_path: Path,
                                           caplog: pytest.LogCaptureFixture) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("a file where the folder should be")
    frozen = FrozenForward(_Affine().eval(), "cpu", cache=TraceCache(blocker / "traces"))
    with caplog.at_level(logging.WARNING, logger="kiosk.vision.trace_cache"):
        assert frozen.prepare(torch.ones(1, 3))
    assert any("could not save" in r.getMessage() for r in caplog.records)
    assert torch.equal(frozen(torch.ones(1, 3)), torch.full((1, 3), 3.0))


def test_the_detector_reads_both_traces_back_with_the_same_outputs(tmp_path: Path) -> None:
    cache = TraceCache(tmp_path)
    first = FaceDetector(MODELS / DETECTOR_FILE, detect_width=160)
    first.warmup(height=240, width=320, trace_cache=cache)
    assert first._forward.loaded_from_cache == 0 and len(list(tmp_path.glob("*.pt"))) == 2
    second = FaceDetector(MODELS / DETECTOR_FILE, detect_width=160)
    second.warmup(height=240, width=320, trace_cache=cache)
    assert second._forward.loaded_from_cache == 2
    assert second._forward.traced_shapes == first._forward.traced_shapes
    frame = torch.Generator().manual_seed(3)
    x = (torch.rand((1, 3, 120, 160), generator=frame) * 255).contiguous(
        memory_format=torch.channels_last)
    for a, b in zip(first._forward(x), second._forward(x), strict=True):
        torch.testing.assert_close(b, a)
    assert second.detect(np.zeros((240, 320, 3), np.uint8)) == []


def test_only_young_collections_run_during_the_load_and_the_load_is_frozen() -> None:
    before = gc.get_threshold()
    collected: list[int] = []

    def record(phase: str, info: dict[str, int]) -> None:
        if phase == "stop":
            collected.append(info["generation"])

    gc.callbacks.append(record)
    try:
        with no_full_collection():
            assert gc.get_threshold()[:2] == before[:2] and gc.get_threshold()[2] > 10**6
            made = [[[n]] for n in range(before[0] * before[1] * 30)]  # many young ones
            young = len(collected)
    finally:
        gc.callbacks.remove(record)
    assert young > 0 and set(collected[:young]) <= {0, 1}  # young garbage still freed
    assert gc.get_threshold() == before and gc.get_freeze_count() > len(made)
    with pytest.raises(RuntimeError), no_full_collection():
        raise RuntimeError("the load failed")
    assert gc.get_threshold() == before  # restored after a failed load too


def test_the_factory_quiets_the_load_only_when_asked(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    settings = load_settings(env={}, overrides={"app.data_dir": str(tmp_path)})
    seen: list[bool] = []
    monkeypatch.setattr(device, "configure_threads", lambda setting: 1)

    def record(cls: object, s: object) -> None:
        seen.append(gc.get_threshold()[2] > 10**6 and sys.getswitchinterval() < 0.002)
        raise factory.LoadStopped

    monkeypatch.setattr(FaceDetector, "from_settings", classmethod(record))
    interval = sys.getswitchinterval()
    for quiet in (False, True):
        with pytest.raises(factory.LoadStopped):
            factory.pipeline_factory(settings, quiet=quiet)(threading.Event())
    assert seen == [False, True] and gc.get_threshold()[2] < 10**6
    assert sys.getswitchinterval() == interval


def test_handoffs_are_quick_during_the_load_only() -> None:
    before = sys.getswitchinterval()
    with quick_handoffs(0.001):
        assert sys.getswitchinterval() == pytest.approx(0.001)
    assert sys.getswitchinterval() == before
    with pytest.raises(RuntimeError), quick_handoffs(0.001):
        raise RuntimeError("the load failed")
    assert sys.getswitchinterval() == before


def test_a_full_disk_is_a_warning_not_an_aborted_process(tmp_path: Path) -> None:
    """torch.jit.save to a file on a full disk threw from a C++ destructor: SIGABRT
    ("unexpected pos … vs …"), the kiosk and its trace child died on every start and
    left a .tmp file each time. Now the bytes are written by Python: an OSError."""
    from tests.events.tmpfs import require_unshare, run_in_tmpfs

    require_unshare()
    child = Path(__file__).with_name("trace_full_disk_child.py")
    data = tmp_path / "data"
    done = run_in_tmpfs(data, 256, [sys.executable, str(child), str(data)])
    assert done.returncode == 0, done.stdout + done.stderr
    assert "could not save the trace" in done.stdout and "No space left" in done.stdout
    assert "not saved" in done.stdout
    assert "left: []" in done.stdout  # no half file, no temporary file


def test_a_temporary_file_a_killed_save_left_is_removed(tmp_path: Path) -> None:
    model = _Affine().eval()
    example = torch.ones(1, 3)
    cache = TraceCache(tmp_path / "traces")
    stale = cache.folder / f".{cache.path(model, (1, 3), example.device).stem}.abc123.tmp"
    cache.folder.mkdir(parents=True)
    stale.write_bytes(b"half a trace")
    with torch.no_grad():
        module = torch.jit.freeze(torch.jit.trace(model, example))
    saved = cache.save(module, model, example)
    assert saved is not None and saved.is_file()
    assert sorted(p.name for p in cache.folder.iterdir()) == [saved.name]
