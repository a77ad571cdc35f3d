"""PySide6.QtGui with only the Qt plugins the kiosk uses.

Replaces PyInstaller's own hook (user hooks take precedence) so that unused
plugins are dropped *before* the binary dependency analysis: dropping them from
the TOC afterwards would leave the libraries they pulled in (the GTK theme
plugin alone brings GTK/GDK, cairo, pango and gdk-pixbuf from the build host).

The allow-list comes from the spec: `hooksconfig={"PySide6": {"plugins": {...}}}`
maps a plugin folder to the plugin file stems to keep ("*" keeps the folder);
folders not named are dropped. Without that configuration the hook behaves like
PyInstaller's. (Qt's own translations come with QtCore; the spec drops them.)
"""

from __future__ import annotations

from pathlib import PurePath
from typing import Any

from PyInstaller.utils.hooks import get_hook_config, logger
from PyInstaller.utils.hooks.qt import add_qt6_dependencies


def _keep(dest_dir: str, src: str, allowed: dict[str, object]) -> bool:
    parts = PurePath(dest_dir).parts
    if "plugins" not in parts:
        return True
    folder = parts[parts.index("plugins") + 1] if parts.index("plugins") + 1 < len(parts) else ""
    wanted = allowed.get(folder)
    if wanted is None:
        return False
    if wanted == "*":
        return True
    return isinstance(wanted, list | tuple | set) and PurePath(src).name.split(".")[0] in wanted


def hook(hook_api: Any) -> None:  # PyInstaller calls it after the module is analysed
    hiddenimports, binaries, datas = add_qt6_dependencies(__file__)
    allowed = get_hook_config(hook_api, "PySide6", "plugins")
    if allowed is not None:
        kept = [(src, dest) for src, dest in binaries if _keep(dest, src, allowed)]
        dropped = sorted(PurePath(dest, PurePath(src).name).as_posix()
                         for src, dest in binaries if (src, dest) not in kept)
        logger.info("kiosk QtGui hook: kept %d Qt plugins, dropped %d: %s",
                    len(kept), len(dropped), ", ".join(dropped))
        binaries = kept
    hook_api.add_imports(*hiddenimports)
    hook_api.add_binaries(binaries)
    hook_api.add_datas(datas)
