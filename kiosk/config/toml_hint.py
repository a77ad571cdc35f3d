"""A hint for a TOML syntax error in the settings file: the line itself, and for the
commonest mistakes the line as it should be. A bare word for a setting: a text value
without quotes (`language = ko` → `language = "ko"`), a number setting
(`idle_timeout_s = thirty` → "expected a number, e.g. idle_timeout_s = 20", not the
quotes, which only lead to "expected a number"), `True` → `true`. A key set twice (or
a table declared twice) says so, with the line of the first. tomllib's own words
("Invalid value (at line 2, column 12)", "Cannot overwrite a value") name neither the
line's text nor the cure."""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from typing import Any

_BARE_VALUE = re.compile(
    r"^\s*(?P<key>[A-Za-z0-9_.-]+)\s*=\s*(?P<value>[^\s\"'\[{#][^#]*?)\s*(#.*)?$")
_KEY = re.compile(r"^\s*(?P<key>[A-Za-z0-9_.-]+)\s*=")
_TABLE = re.compile(r"^\s*\[\s*(?P<name>[A-Za-z0-9_.-]+)\s*\]\s*(#.*)?$")
_NOT_TEXT = re.compile(
    r"^([+-]?(\d[\d_]*(\.\d[\d_]*)?([eE][+-]?\d+)?|inf|nan|0x[0-9a-fA-F_]+|0o[0-7_]+|0b[01_]+)"
    r"|true|false|\d{4}-\d\d-\d\d.*|\d\d:\d\d.*)$")
SHOWN = 80  # characters of the line shown

Kinds = Mapping[str, tuple[Any, Any]]
"""`section.key` -> (its type: bool, int, float or str; its default, for an example)."""


def syntax_hint(text: str, line: int | None, error: str = "Invalid value",
                secrets: Collection[str] = (), kinds: Kinds | None = None) -> str:
    """"; line N: <the line>" and, when tomllib's `error` is "Invalid value" for a bare
    word, what the value should look like for that setting's type (`kinds`): "; text
    values need quotes: key = \"value\"", "; expected a number, e.g. key = 20", or that
    true and false are lower case; for "Cannot overwrite a value", that the key is set
    twice; "" when `line` is not in `text`. The value of a key named in `secrets`
    (`ui.admin_pin_hash`'s `admin_pin_hash`) is never shown."""
    lines = text.splitlines()
    if line is None or not 1 <= line <= len(lines):
        return ""
    shown = lines[line - 1].strip()
    bare = _BARE_VALUE.match(lines[line - 1])
    key = shown.split("=", 1)[0].strip()
    twice = _set_twice(lines, line, error)
    if "=" in shown and key.rsplit(".", 1)[-1] in secrets:
        return f"; line {line}: {key} = (not shown){twice}"
    if len(shown) > SHOWN:
        shown = shown[:SHOWN - 1] + "…"
    hint = f"; line {line}: {shown}{twice}"
    if bare is None or not error.startswith(("Invalid value", "Expected newline")):
        return hint
    name, value = bare.group("key"), bare.group("value")
    kind, example = (kinds or {}).get(_dotted(lines, line, name), (None, None))
    if kind in (int, float) and not _NOT_TEXT.match(value):
        number = "a whole number" if kind is int else "a number"
        return hint + f"; expected {number}, e.g. {name} = {_shown_number(example)}"
    if not error.startswith("Invalid value"):
        return hint
    if value.lower() in ("true", "false"):
        return hint + f"; true and false are lower case: {name} = " + value.lower()
    if kind is bool:
        return hint + f"; expected true or false, e.g. {name} = {str(bool(example)).lower()}"
    if not _NOT_TEXT.match(value):
        quoted = value.replace("\\", "\\\\").replace('"', '\\"')
        hint += f'; text values need quotes: {name} = "{quoted}"'
    return hint


def _section(lines: list[str], line: int) -> str | None:
    """The `[table]` line `line` (1-based) is under; None above the first."""
    for text in reversed(lines[:line - 1]):
        found = _TABLE.match(text)
        if found is not None:
            return found.group("name")
    return None


def _dotted(lines: list[str], line: int, key: str) -> str:
    section = _section(lines, line)
    return f"{section}.{key}" if section else key


def _shown_number(example: Any) -> str:
    if isinstance(example, float) and example.is_integer():
        return str(int(example))
    return str(example) if isinstance(example, int | float) else "1"


def _set_twice(lines: list[str], line: int, error: str) -> str:
    """"; idle_timeout_s is set twice in [app] (first on line 2): keep one" for
    tomllib's "Cannot overwrite a value", "; [app] appears twice (first on line 1):
    keep one, with all its keys" for "Cannot declare ('app',) twice"; else ""."""
    if error.startswith("Cannot declare"):
        table = _TABLE.match(lines[line - 1])
        if table is None:
            return "; a table is declared twice: keep one"
        name = table.group("name")
        first = next((n for n, text in enumerate(lines[:line - 1], 1)
                      if (m := _TABLE.match(text)) is not None and m.group("name") == name),
                     None)
        where = f" (first on line {first})" if first is not None else ""
        return f"; [{name}] appears twice{where}: keep one, with all its keys"
    if not error.startswith("Cannot overwrite a value"):
        return ""
    found = _KEY.match(lines[line - 1])
    if found is None:
        return "; a key is set twice: keep one"
    key, section = found.group("key"), _section(lines, line)
    first = None
    for n in range(line - 1, 0, -1):
        text = lines[n - 1]
        if _TABLE.match(text) is not None:
            break  # the start of this table
        other = _KEY.match(text)
        if other is not None and other.group("key") == key:
            first = n
            break
    where = f" in [{section}]" if section else ""
    earlier = f" (first on line {first})" if first is not None else ""
    return f"; {key} is set twice{where}{earlier}: keep one"
