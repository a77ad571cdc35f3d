"""Package boundaries that import-linter cannot express for external subpackages:
only `kiosk.ui` (and the screenshot tool) import QtWidgets/QtGui; and what keeps the
import-linter contract whole: every top-level module of kiosk is in one of its layers."""

from __future__ import annotations

import ast
import importlib
import re
import tomllib
from pathlib import Path
from types import ModuleType

PACKAGE = Path(__file__).resolve().parents[1] / "kiosk"
PYPROJECT = PACKAGE.parent / "pyproject.toml"
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


def top_level_modules(package: Path) -> set[str]:
    """`package`'s own modules and subpackages (a folder with Python files in it), as
    dotted names: {"kiosk.app", "kiosk.ui", ...}."""
    names = {p.stem for p in package.glob("*.py") if p.stem != "__init__"}
    names |= {p.name for p in package.iterdir()
              if p.is_dir() and p.name != "__pycache__" and any(p.glob("*.py"))}
    return {f"{package.name}.{name}" for name in names}


def layered_modules(pyproject: Path) -> list[str]:
    """The modules named in the import-linter "layers" contract, in layer order (a
    layer's "a | b" and "a : b" siblings each count)."""
    config = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    contracts = config["tool"]["importlinter"]["contracts"]
    (layers,) = [c["layers"] for c in contracts if c["type"] == "layers"]
    return [name.strip() for layer in layers for name in re.split(r"[|:]", layer)]


def layer_problems(package: Path, pyproject: Path) -> list[str]:
    """What is wrong with the layers contract for `package`: a module in no layer, a
    layer naming a module that does not exist, a module in two layers."""
    modules, layered = top_level_modules(package), layered_modules(pyproject)
    problems = [f"{m} is in no layer: add it to the layers contract in pyproject.toml "
                "(above what it imports, below what imports it)"
                for m in sorted(modules - set(layered))]
    problems += [f"{m} is in a layer but does not exist" for m in sorted(set(layered) - modules)]
    problems += [f"{m} is in {layered.count(m)} layers"
                 for m in sorted(set(layered)) if layered.count(m) > 1]
    return problems


def test_every_top_level_module_is_in_one_layer() -> None:
    assert len(top_level_modules(PACKAGE)) > 20  # the walk sees the package
    problems = layer_problems(PACKAGE, PYPROJECT)
    assert not problems, "\n".join(problems)


def test_the_layer_guard_sees_a_module_in_no_layer(tmp_path: Path) -> None:
    package = tmp_path / "kiosk"
    (package / "ui").mkdir(parents=True)
    (package / "ui" / "__init__.py").write_text("")
    (package / "__pycache__").mkdir()
    for name in ("__init__.py", "app.py", "newcomer.py"):
        (package / name).write_text("")
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text(
        '[[tool.importlinter.contracts]]\nname = "Layers"\ntype = "layers"\n'
        'layers = ["kiosk.app", "kiosk.ui : kiosk.gone | kiosk.app"]\n')
    assert layer_problems(package, pyproject) == [
        "kiosk.newcomer is in no layer: add it to the layers contract in pyproject.toml "
        "(above what it imports, below what imports it)",
        "kiosk.gone is in a layer but does not exist",
        "kiosk.app is in 2 layers",
    ]


def qt_free_classes(module: ModuleType) -> list[str]:
    """Classes defined in `module` that are not QObjects (exceptions, protocols and
    plain classes alike): `kiosk/workers` holds the Qt bridges only."""
    from PySide6.QtCore import QObject

    return [name for name, cls in vars(module).items()
            if isinstance(cls, type) and cls.__module__ == module.__name__
            and not issubclass(cls, QObject)]


def test_every_class_in_workers_is_a_qt_bridge() -> None:
    modules = sorted(p.stem for p in (PACKAGE / "workers").glob("*.py") if p.stem != "__init__")
    assert "runner" in modules
    offenders = [f"kiosk.workers.{m}.{name}" for m in modules
                 for name in qt_free_classes(importlib.import_module(f"kiosk.workers.{m}"))]
    assert not offenders, ("classes without Qt belong outside kiosk/workers (kiosk.backend, "
                           f"kiosk.controllers.seams, a domain package): {offenders}")


def test_the_workers_guard_sees_a_plain_class() -> None:
    from PySide6.QtCore import QObject

    class Bridge(QObject):
        pass

    class Plain:
        pass

    class Stop(Exception):
        pass

    sample = ModuleType("sample")
    for cls in (Bridge, Plain, Stop, QObject):  # QObject: imported, not defined there
        if cls is not QObject:
            cls.__module__ = "sample"
        setattr(sample, cls.__name__, cls)
    assert qt_free_classes(sample) == ["Plain", "Stop"]
