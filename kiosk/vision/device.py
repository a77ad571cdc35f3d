"""Where and how the models run: the torch device, the CPU thread count, loading a
bundled state_dict onto that device, and folding BatchNorm for inference.

`VisionSettings.device` is `auto|cuda|mps|cpu`; `auto` prefers CUDA, then Apple's
MPS, then the CPU. An explicit device that this machine lacks falls back to the
CPU with a warning rather than stopping the kiosk: a slower kiosk beats a dark one.

`VisionSettings.threads = 0` means "pick for me": the physical cores this process
may use less one (the GUI, capture and recommend threads need a core of their own),
at least 1 and at most 4, because the two small models stop scaling beyond that.
Measured on a quiet 2-core machine (`python -m kiosk.bench vision`, both models,
detect width 320): 1 thread p50/p95 34.6/40.5 ms at 35.6 ms CPU per step, 2 threads
29.0/42.1 ms at 57.0 ms CPU; on a busy machine 2 threads wait on each other at every
op (p50 335 ms to 2.1 s against 74 ms for 1 thread), so 2 cores get 1 thread.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

import torch
from torch import nn

from kiosk.vision.errors import ModelFileError

log = logging.getLogger(__name__)

MAX_AUTO_THREADS = 4


def select_device(setting: str = "auto") -> torch.device:
    """The torch device for `setting` (`auto`, `cuda`, `mps` or `cpu`)."""
    choice = setting.strip().lower()
    cuda_ok = torch.cuda.is_available()
    mps_ok = _mps_available()
    if choice == "auto":
        if cuda_ok:
            return torch.device("cuda")
        if mps_ok:
            return torch.device("mps")
        return torch.device("cpu")
    if choice == "cuda" and not cuda_ok:
        log.warning("vision.device = cuda but no CUDA device is available; using the CPU")
        return torch.device("cpu")
    if choice == "mps" and not mps_ok:
        log.warning("vision.device = mps but MPS is not available; using the CPU")
        return torch.device("cpu")
    if choice not in {"cuda", "mps", "cpu"}:
        raise ValueError(f"unknown vision device {setting!r}; allowed: auto, cuda, mps, cpu")
    return torch.device(choice)


def _mps_available() -> bool:
    backend = getattr(torch.backends, "mps", None)
    return bool(backend is not None and backend.is_available())


def physical_cores() -> int:
    """Physical cores usable by this process (logical CPUs when that is unknown)."""
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        usable = os.cpu_count() or 1
    physical = _physical_cores_from_os()
    if physical is None:
        return max(1, usable)
    logical = os.cpu_count() or usable
    # With SMT each core shows up several times; scale the usable CPUs down the same way.
    per_core = max(1, logical // physical)
    return max(1, min(physical, usable // per_core or 1))


def _physical_cores_from_os() -> int | None:
    try:
        import psutil  # optional: present on many machines, not a dependency

        count = psutil.cpu_count(logical=False)
        if count:
            return int(count)
    except ImportError:
        pass
    cpuinfo = Path("/proc/cpuinfo")
    if not cpuinfo.is_file():
        return None
    cores: set[tuple[str, str]] = set()
    physical_id = core_id = ""
    for line in [*cpuinfo.read_text(errors="replace").splitlines(), ""]:
        key, _, value = line.partition(":")
        key = key.strip()
        if key == "physical id":
            physical_id = value.strip()
        elif key == "core id":
            core_id = value.strip()
        elif not key:
            if core_id:
                cores.add((physical_id, core_id))
            physical_id = core_id = ""
    return len(cores) or None


def resolve_threads(setting: int = 0) -> int:
    """Thread count for `setting`: itself when positive, else the physical cores less
    one, clamped to 1..4 (see the module docstring for the measurements)."""
    if setting > 0:
        return setting
    return max(1, min(physical_cores() - 1, MAX_AUTO_THREADS))


def threads_text(n: int) -> str:
    """"1 thread", "4 threads": the device line of the logs, the self-test and the admin
    panel (which translates it: `kiosk.ui.admin_status.device_name`)."""
    return f"{n} thread" if n == 1 else f"{n} threads"


def configure_threads(setting: int = 0) -> int:
    """Set torch's intra-op CPU threads from the setting and return the count used.

    Process-wide: torch has one intra-op pool, shared by both models."""
    threads = resolve_threads(setting)
    if torch.get_num_threads() != threads:
        torch.set_num_threads(threads)
        log.info("torch CPU threads: %d", threads)
    return threads


def load_weights(model: nn.Module, path: Path, device: torch.device | str = "cpu", *,
                 assign: bool = False) -> nn.Module:
    """Load the state_dict in `path` into `model` (strictly), move it to `device` and put
    it in inference mode. Any problem with the file becomes a `ModelFileError` naming it.
    `assign`: the model takes the loaded tensors instead of copying them (build it on
    the "meta" device, and its weights are never held twice)."""
    path = Path(path)
    if not path.is_file():
        raise ModelFileError(path, "not found")
    try:
        state = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as exc:  # zip, pickle and I/O errors all mean "unreadable"
        raise ModelFileError(path, f"unreadable or corrupt ({type(exc).__name__}: {exc})") from exc
    if not isinstance(state, dict) or not all(isinstance(v, torch.Tensor) for v in state.values()):
        raise ModelFileError(path, "is not a torch state_dict")
    try:
        model.load_state_dict(state, strict=True, assign=assign)
    except RuntimeError as exc:
        first = str(exc).strip().splitlines()[0:2]
        raise ModelFileError(
            path, f"does not fit the {type(model).__name__} network ({' '.join(first)})"
        ) from exc
    model.eval().requires_grad_(False)
    return model.to(device)


def fold_batchnorm(conv: nn.Conv2d, bn: nn.Module) -> nn.Conv2d:
    """A conv computing `bn(conv(x))` in inference mode (running statistics frozen).

    The networks are many small convs each followed by a BatchNorm pass over the
    whole feature map; folding saves that pass (same outputs up to float rounding)."""
    if not isinstance(bn, nn.BatchNorm2d):
        raise TypeError(f"expected a BatchNorm2d after the conv, got {type(bn).__name__}")
    if bn.running_mean is None or bn.running_var is None:
        raise ValueError("BatchNorm without running statistics cannot be folded")
    fused = nn.Conv2d(
        conv.in_channels, conv.out_channels, conv.kernel_size,  # type: ignore[arg-type]
        conv.stride, conv.padding, conv.dilation, conv.groups,  # type: ignore[arg-type]
        bias=True, device=conv.weight.device,
    )
    with torch.no_grad():
        scale = bn.weight / torch.sqrt(bn.running_var + bn.eps)
        bias = conv.bias if conv.bias is not None else torch.zeros_like(bn.running_mean)
        fused.weight.copy_(conv.weight * scale.view(-1, 1, 1, 1))
        fused.bias.copy_((bias - bn.running_mean) * scale + bn.bias)  # type: ignore[union-attr]
    return fused.eval().requires_grad_(False)


def channels_last(model: nn.Module, device: torch.device) -> nn.Module:
    """Store conv weights NHWC on CPU and CUDA (faster for these small convs; camera
    frames are HWC already). Left as is elsewhere (MPS support varies)."""
    if device.type in {"cpu", "cuda"}:
        model.to(memory_format=torch.channels_last)  # type: ignore[call-overload]
    return model
