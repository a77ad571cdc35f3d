"""Settings as TOML text: the effective settings for `--print-config`, secrets
redacted, and the literal syntax the example file is written with."""

from __future__ import annotations

from dataclasses import fields
from typing import Any

from kiosk.config.schema import SECTIONS, Settings


def describe(settings: Settings) -> str:
    """The effective settings as TOML, secrets redacted (for --print-config)."""
    lines = []
    if settings.source_file:
        lines.append(f"# read from {settings.source_file}")
    for section, cls in SECTIONS.items():
        lines.append(f"\n[{section}]")
        obj = getattr(settings, section)
        for f in fields(cls):
            value = getattr(obj, f.name)
            if f.metadata.get("secret") and value:
                lines.append(f'{f.name} = "<redacted>"')
            else:
                lines.append(f"{f.name} = {toml_value(value)}")
    return "\n".join(lines).lstrip("\n") + "\n"


def toml_value(value: Any) -> str:
    """`value` (bool, int, float or str) as a TOML literal."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    escaped = str(value).replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'
