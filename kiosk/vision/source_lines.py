"""Keep imports from filling `linecache` with every module's source.

PySide6 installs an import hook (`shibokensupport.feature.feature_imported`) that,
for each module imported after PySide6, reads the module's whole source with
`inspect.getsource` to look for the word "PySide6" (its `__feature__` switches apply
only to modules that use PySide). `inspect` keeps every file it read in `linecache`
for the life of the process. When torch's 770 modules went through it on the vision
thread, the cache held about 900 files: 16 MB of text, 31 MB of Python objects
(`sys._debugmallocstats`: 100 MB in allocated blocks against 69 MB in runs where the
hook skipped torch; whether it does depends on timing), so the kiosk's resident
memory settled at about 468 or about 436 MB from one run to the next (`python -m
kiosk.bench memory`). Clearing the cache afterwards frees the objects but not the
memory: the lines were allocated between torch's long-lived objects, and Python's
allocator returns an arena only when all of it is free.

So `lighten_pyside_import_hook` gives the hook the same answer without the cache: it
reads the module's file as bytes, once, and lets them go. `release_source_lines`
empties what was cached before that (tracebacks and `inspect` read files again
when they need them).
"""

from __future__ import annotations

import linecache
import logging
import sys
from types import ModuleType

log = logging.getLogger(__name__)

HOOK_MODULE = "shibokensupport.feature"


def module_uses_pyside(module: ModuleType) -> bool:
    """Whether `module`'s source file names PySide6 (the hook's own test); False for
    a module without a readable .py file (builtins, extensions, an archive), as
    `inspect.getsource` failing gives the hook."""
    path = getattr(module, "__file__", None)
    if not isinstance(path, str) or not path.endswith(".py"):
        return False
    try:
        with open(path, "rb") as fh:
            return b"PySide6" in fh.read()
    except OSError:
        return False


def lighten_pyside_import_hook() -> bool:
    """Replace the hook's source test by `module_uses_pyside` (no linecache); True
    when done, False where this PySide6 has no such hook (nothing changed)."""
    feature = sys.modules.get(HOOK_MODULE)
    if feature is None or not callable(getattr(feature, "_mod_uses_pyside", None)):
        return False
    if getattr(feature, "_mod_uses_pyside", None) is not module_uses_pyside:
        setattr(feature, "_mod_uses_pyside", module_uses_pyside)  # noqa: B010 (a private name)
        log.debug("PySide6's import hook reads sources without linecache")
    return True


def release_source_lines() -> int:
    """Empty `linecache`; returns how many files it held."""
    held = len(linecache.cache)
    linecache.clearcache()
    log.debug("released the source lines of %d files from linecache", held)
    return held
