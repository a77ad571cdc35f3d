"""Package boundaries that import-linter cannot express for external subpackages:
only `kiosk.ui` (and the screenshot tool) import QtWidgets/QtGui."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "kiosk"
ALLOWED = {"ui", "app.py", "tools", "bench"}  # bench/tools drive the whole app
GUI_MODULES = ("PySide6.QtWidgets", "PySide6.QtGui")


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_only_the_ui_imports_qt_widgets_and_gui() -> None:
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        top = path.relative_to(PACKAGE).parts[0]
        if top in ALLOWED:
            continue
        bad = sorted(m for m in imported_modules(path) if m.startswith(GUI_MODULES))
        if bad:
            offenders.append(f"{path.relative_to(PACKAGE.parent)}: {', '.join(bad)}")
    assert not offenders, "QtWidgets/QtGui outside kiosk/ui:\n" + "\n".join(offenders)


def test_the_guard_sees_a_violation(tmp_path: Path) -> None:
    sample = tmp_path / "bad.py"
    sample.write_text("from PySide6.QtGui import QImage\nimport PySide6.QtWidgets\n")
    assert imported_modules(sample) >= {"PySide6.QtGui", "PySide6.QtWidgets"}


def test_one_fake_clock_for_every_test() -> None:
    """Tests share `kiosk.testing.FakeClock` (Qt-free) instead of defining their own."""
    root = PACKAGE.parent
    homes = []
    for path in [*PACKAGE.rglob("*.py"), *(root / "tests").rglob("*.py")]:
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        if any(isinstance(n, ast.ClassDef) and n.name == "FakeClock" for n in ast.walk(tree)):
            homes.append(path.relative_to(root).as_posix())
    assert homes == ["kiosk/testing.py"], (
        f"FakeClock is defined in {homes}; import it from kiosk.testing instead"
    )
