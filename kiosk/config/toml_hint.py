"""A hint for a TOML syntax error in the settings file: the line itself, and for the
commonest mistake, a text value without quotes (`language = ko`), the line as it should
be (`language = "ko"`). tomllib's own words ("Invalid value (at line 2, column 12)")
name neither the line's text nor the cure."""

from __future__ import annotations

import re
from collections.abc import Collection

_BARE_VALUE = re.compile(
    r"^\s*(?P<key>[A-Za-z0-9_.-]+)\s*=\s*(?P<value>[^\s\"'\[{#][^#]*?)\s*(#.*)?$")
_NOT_TEXT = re.compile(
    r"^([+-]?(\d[\d_]*(\.\d[\d_]*)?([eE][+-]?\d+)?|inf|nan|0x[0-9a-fA-F_]+|0o[0-7_]+|0b[01_]+)"
    r"|true|false|\d{4}-\d\d-\d\d.*|\d\d:\d\d.*)$")
SHOWN = 80  # characters of the line shown


def syntax_hint(text: str, line: int | None, error: str = "Invalid value",
                secrets: Collection[str] = ()) -> str:
    """"; line N: <the line>" and, when tomllib's `error` is "Invalid value" for a bare
    word, "; text values need quotes: key = \"value\"" (or that true and false are lower
    case); "" when `line` is not in `text`. The value of a key named in `secrets`
    (`ui.admin_pin_hash`'s `admin_pin_hash`) is never shown."""
    lines = text.splitlines()
    if line is None or not 1 <= line <= len(lines):
        return ""
    shown = lines[line - 1].strip()
    bare = _BARE_VALUE.match(lines[line - 1])
    key = shown.split("=", 1)[0].strip()
    if "=" in shown and key.rsplit(".", 1)[-1] in secrets:
        return f"; line {line}: {key} = (not shown)"
    if len(shown) > SHOWN:
        shown = shown[:SHOWN - 1] + "…"
    hint = f"; line {line}: {shown}"
    if not error.startswith("Invalid value") or bare is None:
        return hint
    if bare.group("value").lower() in ("true", "false"):
        return hint + f"; true and false are lower case: {bare.group('key')} = " + (
            bare.group("value").lower())
    if not _NOT_TEXT.match(bare.group("value")):
        value = bare.group("value").replace("\\", "\\\\").replace('"', '\\"')
        hint += f'; text values need quotes: {bare.group("key")} = "{value}"'
    return hint
