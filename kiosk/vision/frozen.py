"""Run a network for inference through a frozen TorchScript trace of it.

The kiosk's three networks are many small convs (the detector ~60 per frame, the
two emotion models ~40 each); at these sizes a good share of a forward pass is
Python: `nn.Module.__call__`, functional wrappers and argument parsing around each
kernel. A frozen trace runs the same kernels from TorchScript's C++ interpreter
and removes common subexpressions. Measured with `time.thread_time` on one thread
(`python -m kiosk.bench vision` reports the step): detector 320x240 about 27 % less
CPU, mini-Xception about 30 %, faceExpressionNet about 35 %; outputs within 4e-5
of the eager module (the same kernels; summation order may differ).

A trace fixes the input's shape, so one is made per shape (batch included), and
only for a shape seen twice: a camera stream repeats one frame size, while an
evaluation over photos of many sizes would otherwise pay a trace per photo.
`prepare(example)` traces a shape at once (warm-up). At most `max_shapes` traces
are kept (least recently used goes). Only CPU and CUDA are traced; elsewhere (MPS),
or when tracing fails (a torch without TorchScript), the eager module runs, with
one warning. `torch.jit.trace` and `freeze` warn that they are deprecated in recent
torch; a filter added once at import ignores exactly torch.jit's deprecation notices
(swapping the process-wide filters around each trace with `warnings.catch_warnings`
is not thread-safe and raced the GUI thread's own filters), and the eager fallback
keeps a future torch without TorchScript working.

With a `cache` (`kiosk.vision.trace_cache.TraceCache`), a shape's trace is read from
disk when a checked one is there and saved after tracing otherwise, so a normal start
skips `trace` and `freeze` (about 0.5 s of CPU, and the detector's freeze held the GIL
51-65 ms, a stall of the window loading beside it).

A fresh trace is not kept as made. `torch.jit.trace` and `freeze` register every
module's type and compiled methods (graphs, executors' plans) in TorchScript's
process-wide compilation unit, which never frees them, even after the module is gone:
measured with `mallinfo2`, the detector's 320x240 trace kept 15.7 MB of heap for good,
against 7.5 MB for the same trace read back with `torch.jit.load` (which gives each
load its own compilation unit, freed with the module), and a first start of the
bundle peaked 20-27 MB above a normal one. So a fresh trace is made on a short-lived
thread (its temporaries in that thread's malloc arena, not among the inference
thread's long-lived allocations), written to bytes and loaded back like a saved one,
and the process-wide unit's types are dropped (`release_traced_types`) once nothing
made by the tracer is referenced: the module that runs is the one a normal start
would load. A first start now peaks 12-15 MB lower (the README's start-up table).

TorchScript runs the traces with its simple (legacy) graph executor, not the default
profiling one (`use_simple_executor`, called once at import): a frozen trace has one
input shape and no control flow, so profiling it buys nothing, while the profiling
executor kept the profiled and specialised copies of each graph. Measured 2026-12-02
(the kiosk's vision path alone over 300 steps of the start-up benchmark's video, 4
traces): resident 385-386 -> 379 MB; the detector's and both emotion models' outputs
on 40 frames bit-identical; `python -m kiosk.bench vision --threads 1 --no-peer`
three interleaved pairs, default path total p95 10.0 / 11.5 / 12.7 ms (profiling)
against 12.6 / 10.4 / 9.4 ms (simple), the same within the machine's noise.

Not thread-safe: one inference thread owns an instance, like the network itself.
"""

from __future__ import annotations

import io
import logging
import threading
import warnings
from collections import OrderedDict
from typing import Any

import torch
from torch import nn

from kiosk.vision.trace_cache import TraceCache

log = logging.getLogger(__name__)

TRACED_DEVICES = frozenset({"cpu", "cuda"})
# The first calls of a TorchScript module optimise its graph (warm-up runs).
_PROFILING_RUNS = 2
# One trace at a time in the process: TorchScript's tracer keeps global state.
_TRACE_LOCK = threading.Lock()
# torch.jit's deprecation notices (trace, trace_method, freeze), and nothing else
# (the same entry is in pyproject's pytest filterwarnings: pytest resets per test).
DEPRECATION_MESSAGE = r"`torch\.jit\.\w+` is deprecated"
warnings.filterwarnings("ignore", message=DEPRECATION_MESSAGE, category=DeprecationWarning)


def use_simple_executor() -> bool:
    """Run TorchScript graphs with the simple executor, process-wide (the module
    docstring says why); True when this torch has the switch (`torch._C`'s
    `_jit_set_profiling_executor`), False where it has not (the default executor runs)."""
    switch = getattr(torch._C, "_jit_set_profiling_executor", None)
    if switch is None:
        return False
    switch(False)
    return True


use_simple_executor()


class FrozenForward:
    """`model(x)` for inference (no autograd), through a frozen trace per input shape.

    `model` must be in eval mode and its forward must take one tensor; outputs are
    what the model returns (a tensor or a tuple of tensors). `cache`, when set, keeps
    the traces on disk between runs."""

    def __init__(self, model: nn.Module, device: torch.device | str, *, enabled: bool = True,
                 max_shapes: int = 4, cache: TraceCache | None = None) -> None:
        self.model = model
        self.cache = cache
        self.loaded_from_cache = 0  # traces read from `cache` rather than made
        self.device = torch.device(device)
        self.enabled = enabled and self.device.type in TRACED_DEVICES
        self.max_shapes = max(1, int(max_shapes))
        self._traced: OrderedDict[tuple[int, ...], torch.jit.ScriptModule] = OrderedDict()
        self._seen: set[tuple[int, ...]] = set()

    @property
    def traced_shapes(self) -> list[tuple[int, ...]]:
        """Input shapes that run through a frozen trace, least recently used first."""
        return list(self._traced)

    def __call__(self, x: torch.Tensor) -> Any:
        shape = tuple(x.shape)
        with torch.inference_mode():
            traced = self._traced.get(shape)
            if traced is not None:
                self._traced.move_to_end(shape)
                return traced(x)
            if self.enabled and shape in self._seen:
                traced = self._trace(x)
                if traced is not None:
                    return traced(x)
            elif self.enabled and len(self._seen) < 64:
                self._seen.add(shape)
            return self.model(x)

    def prepare(self, example: torch.Tensor) -> bool:
        """Trace for `example`'s shape now (so the first real frame is not slowed by it);
        True when that shape now runs traced."""
        if not self.enabled:
            return False
        if tuple(example.shape) in self._traced:
            return True
        return self._trace(example) is not None

    def _trace(self, example: torch.Tensor) -> torch.jit.ScriptModule | None:
        shape = tuple(example.shape)
        made = False
        try:
            # Traced outside inference mode: inference tensors cannot be saved in a graph.
            with _TRACE_LOCK, torch.inference_mode(False), torch.no_grad():
                sample = example.clone()
                frozen = self.cache.load(self.model, sample) if self.cache else None
                if frozen is None:
                    frozen = _trace_and_reload(self.model, sample, self.device)
                    made = True
                for _ in range(_PROFILING_RUNS):
                    frozen(sample)
        except Exception as exc:  # no TorchScript in this torch, or an op it cannot trace
            log.warning("frozen inference unavailable for %s (%s: %s); running eagerly",
                        type(self.model).__name__, type(exc).__name__, exc)
            self.enabled = False
            return None
        self._traced[shape] = frozen
        while len(self._traced) > self.max_shapes:
            self._traced.popitem(last=False)
        if made and self.cache is not None:
            self.cache.save(frozen, self.model, example)
        if not made:
            self.loaded_from_cache += 1
        log.info("%s %s for input %s on %s", type(self.model).__name__,
                 "traced" if made else "trace loaded", shape, self.device)
        return frozen


def _trace_and_reload(model: nn.Module, sample: torch.Tensor,
                      device: torch.device) -> torch.jit.ScriptModule:
    """`model` traced and frozen for `sample`, as a module in its own compilation unit
    (saved to bytes and loaded back), with the tracer's process-wide types released.
    The tracing runs on a short-lived thread of its own, so its many temporaries land
    in that thread's malloc arena, not among the calling thread's long-lived
    allocations, where they left pages that could not be returned. The caller holds
    `_TRACE_LOCK`; exceptions are raised here."""
    made: list[bytes] = []
    failed: list[BaseException] = []

    def trace() -> None:
        try:
            with torch.no_grad():  # grad mode is per thread
                traced = torch.jit.trace(model, sample, check_trace=False)
                frozen = torch.jit.freeze(traced.eval())
                buffer = io.BytesIO()
                torch.jit.save(frozen, buffer)
            made.append(buffer.getvalue())
        except BaseException as exc:  # handed to the caller
            failed.append(exc)

    # not a daemon: the interpreter waits for it at exit instead of ending it inside
    # torch's C++ (an abort); a trace takes about a second
    worker = threading.Thread(target=trace, name="kiosk-trace", daemon=False)
    store = _compiled_types()
    before = set(store)
    worker.start()
    worker.join()
    store.difference_update(store - before)  # the traced types: never looked up again
    if failed:  # its traceback may still hold the tracer's modules: keep their types
        raise failed[0]
    release_traced_types()  # nothing of the tracer's is left: the thread has ended
    return torch.jit.load(io.BytesIO(made[0]), map_location=device)


def _compiled_types() -> set[Any]:
    """torch's record of the module types whose methods it compiled (tracing adds one
    per submodule, about 1.7 MB for the detector, and never removes them); an empty
    set when this torch keeps no such record."""
    store = getattr(getattr(torch.jit, "_recursive", None), "concrete_type_store", None)
    compiled = getattr(store, "methods_compiled", None)
    return compiled if isinstance(compiled, set) else set()


def release_traced_types() -> bool:
    """Drop the class types (and their compiled methods) in TorchScript's process-wide
    compilation unit: what `torch.jit.trace`/`freeze` put there is never freed otherwise
    (see the module docstring). Only safe while no module made by the tracer, nor any
    `torch.jit.script` class or module, is alive in the process: the kiosk makes none
    but here, and keeps only modules loaded with `torch.jit.load`. Returns False when
    this torch lacks the call (nothing is dropped then)."""
    clear = getattr(torch._C, "_jit_clear_class_registry", None)
    if clear is None:
        return False
    clear()
    return True
