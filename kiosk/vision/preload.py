"""Load torch's native libraries without holding the GIL, before `import torch`.

`import torch` first maps `libtorch_cpu.so` (about 430 MB, with its relocations and
C++ static initialisers: about 0.4-0.5 s on the 2-core machine) and only then runs
its Python modules. The interpreter holds the GIL through an extension's `dlopen`, so
when the vision thread imported torch while the window was up, the GUI thread could
not run a line of Python for that long. Calling libc's `dlopen` through ctypes
releases the GIL for the call, so the expensive mapping happens beside the GUI; the
`dlopen` that `import torch` does afterwards finds the libraries already loaded.

The libraries are opened `RTLD_NOW | RTLD_LOCAL`, as the interpreter opens them, so
the symbol scopes are the ones `import torch` would have made; they stay loaded for
the life of the process (torch would keep them too). Only the C++ libraries are
opened: `libtorch_python` and the `_C` extension call into Python while they start,
so they stay for `import torch`, under the GIL.

The dynamic loader holds one lock through a `dlopen`, and every other thread that
imports an extension module meanwhile would wait for that lock while holding the
GIL, which stalls the GUI just the same (a recommend-thread `import numpy.random`
did, for 370 ms). So while the libraries load, an import gate at the front of
`sys.meta_path` makes another thread's extension-module import wait for the
preload with the GIL released (bounded by `GATE_TIMEOUT_S`); pure-Python imports
pass at once.

Anything unexpected (no torch, another layout, a non-glibc system, a library that
fails to open) returns without loading: `import torch` then does the work itself and
reports its own error.
"""

from __future__ import annotations

import ctypes
import importlib.abc
import importlib.machinery
import importlib.util
import logging
import os
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType

log = logging.getLogger(__name__)

# In dependency order; each one's own dependencies (libc10, libgomp) come with it.
TORCH_LIBRARIES = ("libc10.so", "libtorch_cpu.so", "libtorch.so")
GATE_TIMEOUT_S = 10.0  # an import never waits longer than this for the preload


class ExtensionImportGate(importlib.abc.MetaPathFinder):
    """A `sys.meta_path` finder that finds nothing: it holds back other threads'
    extension-module imports until `done` is set (see the module docstring)."""

    def __init__(self, done: threading.Event, owner: int) -> None:
        self.done = done
        self.owner = owner  # the preloading thread's ident: never held back
        self.waited = 0  # imports held back (tests, the debug log)

    def find_spec(self, fullname: str, path: Sequence[str] | None,
                  target: ModuleType | None = None) -> importlib.machinery.ModuleSpec | None:
        if self.done.is_set() or threading.get_ident() == self.owner:
            return None
        spec = importlib.machinery.PathFinder.find_spec(fullname, path)
        if spec is not None and isinstance(spec.loader, importlib.machinery.ExtensionFileLoader):
            self.waited += 1
            self.done.wait(GATE_TIMEOUT_S)  # releases the GIL
        return None  # the usual finders find it again


def torch_library_dir() -> Path | None:
    """`torch/lib` of the torch that `import torch` would load, or None when torch is
    not installed or this platform keeps its libraries elsewhere. Finding it does not
    import torch."""
    if "torch" in sys.modules:
        return None  # already loaded: nothing to do
    try:
        spec = importlib.util.find_spec("torch")
    except (ImportError, ValueError):
        return None
    if spec is None or spec.origin is None:
        return None
    folder = Path(spec.origin).parent / "lib"
    return folder if folder.is_dir() else None


def preload_torch_libraries() -> float:
    """Open torch's C++ libraries with the GIL released; returns the seconds it took
    (0.0 when there was nothing to do or it could not be done: see the module
    docstring). Safe to call from any thread, more than once."""
    if not sys.platform.startswith("linux"):
        return 0.0
    folder = torch_library_dir()
    if folder is None:
        return 0.0
    try:
        libc = ctypes.CDLL(None)  # CDLL: foreign calls release the GIL
        dlopen = libc.dlopen
    except (OSError, AttributeError):
        return 0.0
    dlopen.restype = ctypes.c_void_p
    dlopen.argtypes = [ctypes.c_char_p, ctypes.c_int]
    started = time.perf_counter()
    gate = ExtensionImportGate(threading.Event(), threading.get_ident())
    sys.meta_path.insert(0, gate)
    try:
        for name in TORCH_LIBRARIES:
            path = folder / name
            if path.is_file() and not dlopen(os.fsencode(path), os.RTLD_NOW | os.RTLD_LOCAL):
                log.debug("preloading %s failed; import torch will load it", path)
                return 0.0
    finally:
        gate.done.set()
        sys.meta_path.remove(gate)
    seconds = time.perf_counter() - started
    log.debug("torch's native libraries loaded in %.2f s (%d imports waited)",
              seconds, gate.waited)
    return seconds
