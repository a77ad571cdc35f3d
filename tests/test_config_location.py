"""A settings error names the file and the line (for the log, stderr and the exhibit
screen's out-of-order page), and the few settings needed to show that page can be
read from settings that are broken elsewhere."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.config import ConfigError, find_key_line, load_settings, peek_setting


def error_for(tmp_path: Path, text: str | bytes) -> ConfigError:
    path = tmp_path / "kiosk.toml"
    if isinstance(text, str):
        path.write_text(text, encoding="utf-8")
    else:
        path.write_bytes(text)
    with pytest.raises(ConfigError) as caught:
        load_settings(path, env={})
    assert caught.value.file == str(path)
    return caught.value


@pytest.mark.parametrize(("text", "line", "key"), [
    ("[app]\nlanguage = 'en'\n\n[vision]\n# a comment\nthreads = -2\n", 6, "vision.threads"),
    ("[app]\nlanguage = \n", 2, None),  # not TOML: the parser's line
    (b"[app]\n\nlanguage = '\xff'\n", 3, None),  # not UTF-8
    ("[camera]\nsource = '0'\n[bogus]\nx = 1\n", 3, "bogus"),
    ("[app]\nlog_level = 'INFO'\nnope = 1\n", 3, "app.nope"),
    ("[app]\nkiosk_mode = 'maybe'\n", 2, "app.kiosk_mode"),
    ("[ui]\n\n[identity]\nenabled = true\n", 4, "identity.enabled"),  # a cross-field rule
])
def test_the_error_knows_its_line(tmp_path: Path, text: str | bytes, line: int,
                                  key: str | None) -> None:
    error = error_for(tmp_path, text)
    assert (error.line, error.key) == (line, key)
    assert error.located().startswith(f"{error.file}, line {line}: ")
    assert error.located().endswith(str(error)[len(str(error.file)) + 2:])


def test_errors_from_elsewhere_have_no_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings(None, env={"KIOSK_VISION_THREADS": "-3"})
    assert caught.value.file is None and caught.value.line is None
    assert caught.value.located() == str(caught.value)
    assert str(caught.value).startswith("environment: vision.threads")
    missing = tmp_path / "absent.toml"
    with pytest.raises(ConfigError) as caught:
        load_settings(missing, env={})
    assert (caught.value.file, caught.value.line) == (str(missing), None)
    assert "not found" in caught.value.located()


def test_find_key_line_reads_sections_and_dotted_keys() -> None:
    text = "app.language = 'ko'\n[vision]\n  'threads' = 2\n[camera]\nthreads = 1\n"
    assert find_key_line(text, "app.language") == 1
    assert find_key_line(text, "vision.threads") == 3
    assert find_key_line(text, "camera") == 4
    assert find_key_line(text, "vision.detect_width") is None


def test_peek_reads_one_setting_from_broken_settings(tmp_path: Path) -> None:
    path = tmp_path / "kiosk.toml"
    path.write_text("[app]\nkiosk_mode = true\nlanguage = 'ko'\n[vision]\nthreads = -2\n")
    assert peek_setting("app.kiosk_mode", path, env={}) is True
    assert peek_setting("app.language", path, env={}) == "ko"
    assert peek_setting("app.log_dir", path, env={}) is None  # not set
    # the command line, then the environment, win over the file, as when loading
    assert peek_setting("app.kiosk_mode", path, env={}, overrides={"app.kiosk_mode": False}
                        ) is False
    assert peek_setting("app.language", path, env={"KIOSK_APP_LANGUAGE": "en"}) == "en"
    assert peek_setting("app.language", path, env={"KIOSK_APP_LANGUAGE": "fr"}) is None
    path.write_text("[app]\nkiosk_mode = true\nlanguage = \n")  # not TOML: nothing known
    assert peek_setting("app.kiosk_mode", path, env={}) is None
    assert peek_setting("app.kiosk_mode", tmp_path / "absent.toml", env={}) is None
