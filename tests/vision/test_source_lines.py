"""`release_source_lines`: linecache emptied, the count of files it held returned."""

from __future__ import annotations

import linecache

from kiosk.vision.source_lines import release_source_lines


def test_release_empties_linecache_and_lines_come_back_on_demand() -> None:
    lines = linecache.getlines(__file__)
    assert lines and __file__ in linecache.cache
    assert release_source_lines() >= 1
    assert linecache.cache == {}
    assert linecache.getlines(__file__) == lines  # a traceback reads the file again


def test_the_pyside_hook_answers_the_same_without_filling_linecache() -> None:
    import sys

    import PySide6.QtCore  # noqa: F401 (installs the hook)

    from kiosk.ui import adapter
    from kiosk.vision import device, source_lines

    assert source_lines.lighten_pyside_import_hook()
    hook = sys.modules[source_lines.HOOK_MODULE]
    assert hook._mod_uses_pyside is source_lines.module_uses_pyside
    release_source_lines()
    assert source_lines.module_uses_pyside(adapter)  # imports PySide6
    assert not source_lines.module_uses_pyside(device)
    assert not source_lines.module_uses_pyside(sys)  # builtin: no file
    assert linecache.cache == {}
