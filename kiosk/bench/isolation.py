"""The environment a benchmark starts a kiosk in: none of the caller's `KIOSK_*`
settings, and its own settings file and XDG folders, so a measured run neither reads
nor writes the operator's. Used by `python -m kiosk.bench startup` and `memory`."""

from __future__ import annotations

import os
from pathlib import Path


def isolated_env(home: Path, platform: str, drop: tuple[str, ...] = (),
                 **extra: str) -> dict[str, str]:
    """A measured kiosk's environment: this process's without any `KIOSK_*` setting
    (nor the names in `drop`), with its own settings file and XDG folders under `home`
    and Qt's `platform`; `extra` adds variables (e.g. DISPLAY). Shared by the `memory`
    and `startup` benchmarks."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("KIOSK_") and k not in drop}
    env.update(
        QT_QPA_PLATFORM=platform,
        KIOSK_CONFIG=str(home / "kiosk.toml"),
        XDG_DATA_HOME=str(home / "data"),
        XDG_STATE_HOME=str(home / "state"),
        XDG_CONFIG_HOME=str(home / "config"),
        XDG_CACHE_HOME=str(home / "cache"),
        **extra,
    )
    return env
