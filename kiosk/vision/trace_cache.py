"""Frozen traces kept on disk, so a normal start loads them instead of tracing again.

Tracing and freezing the three networks costs about 0.5 s of CPU at start-up, and
`torch.jit.freeze` of the detector holds the GIL for one call of 51-65 ms (twice: one
trace for the camera frame's size, one for the tracking region's), a stall of the
window that loads beside it. `torch.jit.load` of the same frozen module takes 3-18 ms
(measured on the 2-core machine, `time.thread_time`, the longest GIL hold seen by
another thread about as long).

One file per network, input shape and device, under the data folder's
`cache/traces/`, named `<Network>-<shape>-<device>-<key>.pt`. The key is a sha256
of what the trace depends on: the torch and kiosk versions, the compiled code of every
module that defines one of the network's layers (the kiosk's own; torch's come with
its version), the device, the shape and the weights as loaded (every tensor of the
state_dict, so the weights file and the batch-norm folding are both covered). The
whole key is also stored inside the file and must match when it is read back. A file
is serialized in memory, then written by Python to a temporary name and renamed, so a
crash leaves no half file and a full disk is an OSError, not torch's writer aborting
the process; saving a network's new trace removes its older ones and any temporary
file a killed process left.

An unreadable file, or one whose stored key differs, is logged with one WARNING and
ignored, and the caller traces anew and overwrites it. Comparing a loaded trace with
the eager network on an input was tried and dropped: the eager passes cost 0.4 s of
CPU and 43 MB of peak memory at start-up, more than tracing saved. No Qt; the vision
thread owns an instance.
"""

from __future__ import annotations

import hashlib
import io
import logging
import marshal
import os
import sys
import tempfile
from pathlib import Path

import torch
from torch import nn

from kiosk import __version__

log = logging.getLogger(__name__)

SUFFIX = ".pt"
KEY_ENTRY = "kiosk_trace_key"  # the extra file inside the archive holding the full key


def _module_code_digest(name: str) -> str:
    """sha256 of the compiled code of module `name` ('' when its loader cannot give
    it), so an edited forward never reuses an old trace."""
    loader = getattr(sys.modules.get(name), "__loader__", None)
    get_code = getattr(loader, "get_code", None)
    if get_code is None:
        return ""
    try:
        code = get_code(name)
    except Exception:  # a loader without code for it: the versions still count
        return ""
    if code is None:
        return ""
    return hashlib.sha256(marshal.dumps(code)).hexdigest()


def trace_key(model: nn.Module, shape: tuple[int, ...], device: torch.device) -> str:
    """Hex sha256 naming one frozen trace (see the module docstring)."""
    h = hashlib.sha256()
    modules = sorted({type(m).__module__ for m in model.modules()
                      if not type(m).__module__.startswith("torch.")})
    for part in (torch.__version__, __version__, type(model).__qualname__, str(device),
                 repr(tuple(shape)), *(f"{m}:{_module_code_digest(m)}" for m in modules)):
        h.update(part.encode())
        h.update(b"\0")
    for name, tensor in model.state_dict().items():
        h.update(name.encode())
        h.update(str(tuple(tensor.shape)).encode())
        h.update(tensor.detach().to("cpu").contiguous().numpy().tobytes())
    return h.hexdigest()


class TraceCache:
    """Frozen TorchScript modules on disk under `folder` (created when first saved)."""

    def __init__(self, folder: str | Path) -> None:
        self.folder = Path(folder)

    def path(self, model: nn.Module, shape: tuple[int, ...], device: torch.device,
             key: str | None = None) -> Path:
        """Where the trace of `model` for `shape` on `device` is kept."""
        dims = "x".join(str(int(n)) for n in shape)
        key = key or trace_key(model, shape, device)
        return self.folder / f"{type(model).__name__}-{dims}-{device.type}-{key[:20]}{SUFFIX}"

    def load(self, model: nn.Module, example: torch.Tensor) -> torch.jit.ScriptModule | None:
        """The saved trace for `example`'s shape when its stored key matches; None (and
        one WARNING when a file was there) otherwise."""
        device = example.device
        key = trace_key(model, tuple(example.shape), device)
        path = self.path(model, tuple(example.shape), device, key)
        if not path.is_file():
            return None
        extra = {KEY_ENTRY: ""}
        try:
            module = torch.jit.load(str(path), map_location=device, _extra_files=extra)
            stored = extra[KEY_ENTRY]
            stored = stored.decode() if isinstance(stored, bytes) else str(stored)
            if stored != key:
                raise ValueError("made for other weights, code or versions")
        except Exception as exc:  # corrupt, truncated, another torch, another graph
            first = str(exc).splitlines()[0] if str(exc) else ""
            log.warning("ignoring the saved trace %s (%s: %s); tracing again",
                        path, type(exc).__name__, first)
            return None
        return module

    def save(self, module: torch.jit.ScriptModule, model: nn.Module,
             example: torch.Tensor) -> Path | None:
        """Write `module` atomically and drop this network's older traces for the same
        shape and device; the path, or None (logged) when the folder is not writable."""
        key = trace_key(model, tuple(example.shape), example.device)
        path = self.path(model, tuple(example.shape), example.device, key)
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            for stale in self.folder.glob(f".{path.stem}.*.tmp"):
                stale.unlink(missing_ok=True)  # left by a process killed while saving
            # Serialized in memory, written by Python: torch's own file writer throws a
            # C++ exception from a destructor when the disk fills up, which aborts the
            # whole process (SIGABRT, "unexpected pos … vs …"), before any handler here.
            buffer = io.BytesIO()
            torch.jit.save(module, buffer, _extra_files={KEY_ENTRY: key})
            fd, name = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=".tmp", dir=self.folder)
            tmp = Path(name)
            try:
                with os.fdopen(fd, "wb") as out:
                    out.write(buffer.getbuffer())
                    out.flush()
                    os.fsync(out.fileno())
                tmp.replace(path)
            finally:
                tmp.unlink(missing_ok=True)
            stem = path.name.rsplit("-", 1)[0] + "-"
            for old in self.folder.glob(f"{stem}*{SUFFIX}"):
                if old != path:
                    old.unlink(missing_ok=True)
        except (OSError, RuntimeError) as exc:  # full disk, read-only data folder
            log.warning("could not save the trace %s (%s); the next start traces again",
                        path, exc)
            return None
        return path
