"""Loading settings: a TOML file, then `KIOSK_<SECTION>_<KEY>` environment variables,
then command-line overrides, each value coerced to its field's type and checked
against its bounds or allowed values (`kiosk.config.schema`); the rules that span
fields (`kiosk.config.rules`) run last.

Policy for names the schema does not know: an unknown section or key in the file,
a `KIOSK_<SECTION>_<KEY>` variable whose section exists but whose key does not, and
an unknown command-line override are errors (`ConfigError` naming the origin and
the allowed keys): a typo must never leave a setting silently at its default.
Environment variables whose second word is not a section (`KIOSK_CONFIG`,
`KIOSK_HOME`, ...) are not settings and are ignored.

`Settings.origins` records where each value came from, so an error found by the rules
names the file (and its line), "environment" or "command line" as the case may be.
"""

from __future__ import annotations

import dataclasses
import math
import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import fields
from pathlib import Path
from typing import Any, get_type_hints

import platformdirs

from kiosk.config.encoding_hint import not_utf8
from kiosk.config.rules import check_settings
from kiosk.config.schema import APP_NAME, ENV_PREFIX, SECTIONS, ConfigError, Settings
from kiosk.config.toml_hint import syntax_hint


def default_config_path() -> Path:
    return Path(platformdirs.user_config_dir(APP_NAME)) / "kiosk.toml"


def load_settings(
    config_file: str | os.PathLike[str] | None = None,
    env: Mapping[str, str] | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> Settings:
    """File (`config_file`, else `$KIOSK_CONFIG`, else the platform config file if it
    exists), then environment, then `overrides` (from the command line)."""
    env = os.environ if env is None else env
    path: Path | None = settings_path(config_file, env)
    if not config_file and not env.get("KIOSK_CONFIG") and not default_config_path().is_file():
        path = None

    settings = Settings()
    text = ""
    if path is not None:
        flat, text = _read_toml(path)
        try:
            settings = apply_values(settings, flat, str(path))
        except ConfigError as exc:
            raise _in_file(exc, path, text) from None
        settings = dataclasses.replace(settings, source_file=str(path))
    settings = apply_values(settings, _from_env(env), "environment")
    if overrides:
        settings = apply_values(settings, overrides, "command line")
    lines = {key: line for key in settings.origins
             if (line := find_key_line(text, key)) is not None} if text else {}
    try:
        check_settings(settings, lines)
    except ConfigError as exc:
        if path is None or exc.file is None:  # the environment or the command line
            raise
        raise _in_file(exc, path, text) from None
    return settings


def settings_path(config_file: str | os.PathLike[str] | None = None,
                  env: Mapping[str, str] | None = None) -> Path:
    """The settings file `load_settings` reads (or would read once it exists):
    `config_file`, else `$KIOSK_CONFIG`, else the platform config file."""
    env = os.environ if env is None else env
    if config_file:
        return Path(config_file)
    if env.get("KIOSK_CONFIG"):
        return Path(env["KIOSK_CONFIG"])
    return default_config_path()


def peek_setting(
    dotted: str,
    config_file: str | os.PathLike[str] | None = None,
    env: Mapping[str, str] | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> Any:  # Any: the field's type
    """One setting's value, read as `load_settings` would (command line, then
    environment, then file) but ignoring every problem elsewhere: for what must be
    known when the settings as a whole are broken (exhibit mode, language, log
    folder). None where it is not set, or not readable or valid itself."""
    env = os.environ if env is None else env
    section, _, key = dotted.partition(".")
    cls = SECTIONS[section]
    spec = {f.name: f for f in fields(cls)}[key]
    candidates: list[Any] = []
    if overrides and dotted in overrides:
        candidates.append(overrides[dotted])
    env_name = f"{ENV_PREFIX}{section.upper()}_{key.upper()}"
    if env_name in env:
        candidates.append(env[env_name])
    try:
        data = tomllib.loads(read_text(settings_path(config_file, env)))
        table = data.get(section)
        if isinstance(table, dict) and key in table:
            candidates.append(table[key])
    except (OSError, ValueError):  # missing, unreadable, not TOML: not known from there
        pass
    for raw in candidates[:1]:
        try:
            return _coerce(raw, get_type_hints(cls)[key], spec.metadata, dotted)
        except ConfigError:
            return None
    return None


def _in_file(exc: ConfigError, path: Path, text: str) -> ConfigError:
    """`exc` (raised while applying the file's values) with the file and the line of
    its key."""
    line = exc.line or (find_key_line(text, exc.key) if exc.key else None)
    return ConfigError(str(exc), file=str(path), line=line, key=exc.key)


_SECTION_RE = re.compile(r"""^\s*\[\s*["']?([A-Za-z0-9_-]+)["']?\s*\]""")
_KEY_RE = re.compile(r"""^\s*["']?([A-Za-z0-9_.-]+?)["']?\s*=""")


def find_key_line(text: str, dotted: str) -> int | None:
    """1-based line of `section.key` (or of the `[section]` header when `dotted` has no
    key) in a settings file's `text`; None when it is not written there."""
    section, _, key = dotted.partition(".")
    current = ""
    for number, line in enumerate(text.splitlines(), start=1):
        header = _SECTION_RE.match(line)
        if header:
            current = header.group(1)
            if not key and current == section:
                return number
            continue
        found = _KEY_RE.match(line)
        if found is None:
            continue
        name = found.group(1)
        if key and ((current == section and name == key) or (not current and name == dotted)):
            return number
        if not key and not current and name == section:
            return number
    return None


_TOML_LINE_RE = re.compile(r"at line (\d+)")
_SECRET_KEYS = frozenset(f.name for cls in SECTIONS.values() for f in fields(cls)
                         if f.metadata.get("secret"))
_KINDS = {f"{name}.{f.name}": (get_type_hints(cls)[f.name], f.default)
          for name, cls in SECTIONS.items() for f in fields(cls)}


def _read_toml(path: Path) -> tuple[dict[str, Any], str]:
    """The file's values as `section.key -> value`, and its text."""
    where = str(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ConfigError(
            f"{path}: settings file not found; check --config / KIOSK_CONFIG", file=where
        ) from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read settings file ({exc.strerror})",
                          file=where) from None
    try:
        text = read_text_bytes(raw)
        data = tomllib.loads(text)
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        found = _TOML_LINE_RE.search(str(exc))
        if found is not None:
            line: int | None = int(found.group(1))
        elif isinstance(exc, UnicodeDecodeError):
            line = raw[:exc.start].count(b"\n") + 1
        else:
            line = None
        if isinstance(exc, UnicodeDecodeError):  # Notepad's "Unicode", Korean "ANSI"
            raise ConfigError(not_utf8(path, raw, exc), file=where, line=line) from None
        hint = syntax_hint(text, line, str(exc), _SECRET_KEYS, _KINDS)
        raise ConfigError(f"{path}: not valid TOML: {exc}{hint}", file=where,
                          line=line) from None
    flat: dict[str, Any] = {}
    for section, values in data.items():
        if section not in SECTIONS:
            raise ConfigError(
                f"{path}: unknown section [{section}]; allowed: {', '.join(SECTIONS)}",
                file=where, line=find_key_line(text, section), key=section,
            )
        if not isinstance(values, dict):
            raise ConfigError(f"{path}: [{section}] must be a table of key = value",
                              file=where, line=find_key_line(text, section), key=section)
        for key, value in values.items():
            flat[f"{section}.{key}"] = value
    return flat, text


def read_text_bytes(raw: bytes) -> str:
    """Decode a text file the kiosk reads (settings, CSV labels, prompts, manifests):
    UTF-8, with or without the byte-order mark Windows Notepad writes. Raises
    UnicodeDecodeError for other encodings."""
    return raw.decode("utf-8-sig")


def read_text(path: str | Path) -> str:
    """`path`'s text as `read_text_bytes` decodes it; OSError as from `open`."""
    return read_text_bytes(Path(path).read_bytes())


def _from_env(env: Mapping[str, str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for name, value in env.items():
        if not name.startswith(ENV_PREFIX) or name == "KIOSK_CONFIG":
            continue
        rest = name[len(ENV_PREFIX):].lower()
        section, _, key = rest.partition("_")
        if section in SECTIONS and key:
            out[f"{section}.{key}"] = value
    return out


def apply_values(settings: Settings, values: Mapping[str, Any], origin: str) -> Settings:
    """`settings` with `section.key -> raw value` applied, each coerced and checked
    against the schema; ConfigError names `origin`, the key and what is allowed."""
    changes: dict[str, dict[str, Any]] = {}
    for dotted, raw in values.items():
        section, _, key = dotted.partition(".")
        cls = SECTIONS.get(section)
        if cls is None:
            raise ConfigError(
                f"{origin}: unknown section {section!r} in {dotted!r}; "
                f"allowed: {', '.join(SECTIONS)}", key=dotted,
            )
        spec = {f.name: f for f in fields(cls)}
        if key not in spec:
            raise ConfigError(
                f"{origin}: unknown key {dotted!r}{_elsewhere(section, key)}; "
                f"keys of [{section}]: {', '.join(spec)}",
                key=dotted,
            )
        hint = get_type_hints(cls)[key]
        try:
            value = _coerce(raw, hint, spec[key].metadata, f"{origin}: {dotted}")
        except ConfigError as exc:
            raise ConfigError(str(exc), key=dotted) from None
        changes.setdefault(section, {})[key] = value
    for section, kv in changes.items():
        settings = dataclasses.replace(
            settings, **{section: dataclasses.replace(getattr(settings, section), **kv)}
        )
    if values:  # so the rules that span fields name where each value came from
        origins = {**settings.origins, **dict.fromkeys(values, origin)}
        settings = dataclasses.replace(settings, origins=origins)
    return settings


def _elsewhere(section: str, key: str) -> str:
    """" (did you mean app.language?)" when `key` is a key of other sections (`[ui]
    language = "ko"`: the tester's round 10), else ""."""
    found = [f"{name}.{key}" for name, cls in SECTIONS.items()
             if name != section and key in {f.name for f in fields(cls)}]
    return f" (did you mean {' or '.join(found)}?)" if found else ""


def _coerce(raw: Any, hint: Any, meta: Mapping[str, Any], where: str) -> Any:
    shown = "<redacted>" if meta.get("secret") else repr(raw)
    try:
        if hint is bool:
            if isinstance(raw, bool):
                value: Any = raw
            elif isinstance(raw, str) and raw.strip().lower() in {"1", "true", "yes", "on"}:
                value = True
            elif isinstance(raw, str) and raw.strip().lower() in {"0", "false", "no", "off"}:
                value = False
            else:
                raise ValueError("expected true or false")
        elif hint is int:
            if isinstance(raw, bool) or (isinstance(raw, float) and not raw.is_integer()):
                raise ValueError("expected a whole number")
            try:
                value = int(str(raw).strip()) if isinstance(raw, str) else int(raw)
            except (TypeError, ValueError):
                raise ValueError("expected a whole number") from None
        elif hint is float:
            if isinstance(raw, bool):
                raise ValueError("expected a number")
            try:
                value = float(raw)
            except (TypeError, ValueError):
                raise ValueError("expected a number") from None
            if math.isnan(value):
                raise ValueError("expected a number, not NaN")
        elif hint is str:
            if not isinstance(raw, str | int | float) or isinstance(raw, bool):
                raise ValueError("expected a string")
            value = str(raw)
        else:  # pragma: no cover - schema only uses the types above
            raise ValueError(f"unsupported type {hint}")
    except ValueError as exc:
        raise ConfigError(f"{where} = {shown}: {exc}") from None
    lo, hi, choices = meta.get("min"), meta.get("max"), meta.get("choices")
    if (lo is not None and value < lo) or (hi is not None and value > hi):
        raise ConfigError(f"{where} = {shown}: must be between {lo} and {hi}")
    if choices and value not in choices:
        raise ConfigError(f"{where} = {shown}: allowed values are {', '.join(map(str, choices))}")
    return value
