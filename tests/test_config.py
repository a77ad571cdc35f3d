"""Settings: file → environment → command line, validation messages, redaction."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from kiosk import config
from kiosk.__main__ import main
from kiosk.config import ConfigError, check_pin, describe, hash_pin, load_settings
from kiosk.tools.example_config import render


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "kiosk.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_without_any_file() -> None:
    s = load_settings(env={})
    assert s.camera.source == "0"
    assert s.recommend.page_size == 3
    assert s.recommend.backend == "embedded"
    assert s.source_file == ""
    assert not s.aws_events_enabled  # AWS stays off until configured


def test_precedence_file_then_env_then_flags(tmp_path: Path) -> None:
    path = write(tmp_path, '[camera]\nsource = "file.mp4"\nfps = 12\n[vision]\nthreads = 1\n')
    s = load_settings(
        path,
        env={"KIOSK_CAMERA_SOURCE": "env.mp4", "KIOSK_VISION_THREADS": "3"},
        overrides={"vision.threads": "4"},
    )
    assert s.camera.source == "env.mp4"  # env beats file
    assert s.camera.fps == 12.0  # file beats default
    assert s.vision.threads == 4  # flag beats env
    assert s.source_file == str(path)


def test_kiosk_config_env_names_the_file(tmp_path: Path) -> None:
    path = write(tmp_path, "[recommend]\npage_size = 6\n")
    assert load_settings(env={"KIOSK_CONFIG": str(path)}).recommend.page_size == 6


def test_platform_config_file_is_read(tmp_path: Path) -> None:
    # conftest points XDG_CONFIG_HOME into tmp_path
    default = config.default_config_path()
    default.parent.mkdir(parents=True)
    default.write_text("[app]\nlanguage = 'ko'\n", encoding="utf-8")
    assert load_settings(env={}).app.language == "ko"


@pytest.mark.parametrize(
    ("text", "fragments"),
    [
        ("[vision]\nthreads = -2\n", ["vision.threads", "-2", "between 0 and 256"]),
        ("[app]\nlanguage = 'fr'\n", ["app.language", "'fr'", "en, ko"]),
        ("[camera]\nfps = 'fast'\n", ["camera.fps", "'fast'", "number"]),
        ("[camera]\nsorce = '1'\n", ["camera.sorce", "unknown key", "source"]),
        ("[cameras]\nsource = '1'\n", ["[cameras]", "unknown section", "camera"]),
        ("[recommend]\npage_size = 2.5\n", ["recommend.page_size", "whole number"]),
        ("[camera]\nrotate = 45\n", ["camera.rotate", "45", "allowed values are 0, 90, 180, 270"]),
        ("[camera]\nrotate = 'left'\n", ["camera.rotate", "'left'", "whole number"]),
        ("[camera\nsource=1", ["not valid TOML"]),
    ],
)
def test_bad_file_names_file_key_value_and_allowed(
    tmp_path: Path, text: str, fragments: list[str]
) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as err:
        load_settings(path, env={})
    message = str(err.value)
    assert str(path) in message
    for fragment in fragments:
        assert fragment in message


def test_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not found"):
        load_settings(tmp_path / "nope.toml", env={})


def test_bad_env_value_names_the_environment() -> None:
    with pytest.raises(ConfigError, match=r"environment: rekognition.enabled = 'maybe'"):
        load_settings(env={"KIOSK_REKOGNITION_ENABLED": "maybe"})


def test_camera_rotate_turns_the_frame_size_for_a_sideways_camera(tmp_path: Path) -> None:
    """A portrait kiosk's webcam mounted sideways: `[camera] rotate` (degrees clockwise)
    from the file or the environment; the detector is warmed up for the turned size."""
    assert load_settings(env={}).camera.rotate == 0
    path = write(tmp_path, "[camera]\nrotate = 90\nwidth = 1280\nheight = 720\n")
    camera = load_settings(path, env={}).camera
    assert (camera.rotate, camera.frame_size) == (90, (720, 1280))
    camera = load_settings(path, env={"KIOSK_CAMERA_ROTATE": "180"}).camera
    assert (camera.rotate, camera.frame_size) == (180, (1280, 720))
    with pytest.raises(ConfigError, match=r"environment: camera.rotate = '-90': allowed values "
                       r"are 0, 90, 180, 270"):
        load_settings(env={"KIOSK_CAMERA_ROTATE": "-90"})


def test_bool_and_number_coercion_from_strings() -> None:
    s = load_settings(env={"KIOSK_REKOGNITION_ENABLED": "yes", "KIOSK_CAMERA_FPS": "15"})
    assert s.rekognition.enabled is True
    assert s.camera.fps == 15.0


def test_print_config_redacts_secrets(capsys: pytest.CaptureFixture[str]) -> None:
    stored = hash_pin("2468")
    s = load_settings(env={}, overrides={"ui.admin_pin_hash": stored})
    text = describe(s)
    assert stored not in text
    assert 'admin_pin_hash = "<redacted>"' in text
    assert main(["--print-config", "--set", f"ui.admin_pin_hash={stored}"]) == 0
    assert stored not in capsys.readouterr().out


def test_bad_secret_value_is_not_echoed() -> None:
    with pytest.raises(ConfigError) as err:
        load_settings(env={}, overrides={"ui.admin_pin_hash": 1.5j})
    assert "<redacted>" in str(err.value)


def test_main_reports_settings_error_and_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, "[vision]\ndevice = 'tpu'\n")
    assert main(["--config", str(path), "--print-config"]) == 2
    err = capsys.readouterr().err
    assert str(path) in err and "vision.device" in err and "cuda" in err


def test_flags_become_settings(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--print-config", "--camera", "clip.mp4", "--kiosk", "--language", "ko"]) == 0
    out = capsys.readouterr().out
    assert 'source = "clip.mp4"' in out
    assert "kiosk_mode = true" in out
    assert 'language = "ko"' in out


def test_pin_hash_round_trip() -> None:
    stored = hash_pin("1234")
    assert "1234" not in stored
    assert check_pin("1234", stored)
    assert not check_pin("4321", stored)
    assert check_pin("0000", "")  # factory PIN until one is set
    assert not check_pin("1234", "garbage")


@pytest.mark.parametrize("written", ['"1234"', "1234", '"garbage"', '"pbkdf2_sha256$12$salt$abc"',
                                     '"pbkdf2_sha256$x$salt$' + "0" * 64 + '"'])
def test_a_pin_written_instead_of_its_hash_is_a_settings_error_that_hides_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], written: str
) -> None:
    # Fresh tester, round 6: `admin_pin_hash = "1234"` loaded, the self-test said PASS,
    # and the pad then refused every PIN: five tries locked staff out of the panel.
    path = write(tmp_path, f"[ui]\nadmin_pin_hash = {written}\n")
    with pytest.raises(ConfigError) as err:
        load_settings(path, env={})
    message = str(err.value)
    assert "ui.admin_pin_hash" in message and "kiosk-admin pin" in message
    assert "1234" not in message and "garbage" not in message  # never echo a PIN
    assert main(["--config", str(path), "--self-test"]) == 2
    assert "kiosk-admin pin" in capsys.readouterr().err


def test_a_pin_hash_with_spaces_around_it_still_opens_the_panel() -> None:
    stored = hash_pin("2468")
    s = load_settings(env={}, overrides={"ui.admin_pin_hash": f" {stored} "})
    assert check_pin("2468", s.ui.admin_pin_hash)
    assert not check_pin("1234", "pbkdf2_sha256$abc$salt$" + "0" * 64)  # no ValueError


def test_example_file_documents_every_key_and_is_current() -> None:
    shipped = (Path(__file__).resolve().parents[1] / "resources" / "kiosk.example.toml")
    assert shipped.read_text(encoding="utf-8") == render(), (
        "resources/kiosk.example.toml is stale: run python -m kiosk.tools.example_config"
    )
    parsed = load_settings(shipped, env={})  # the example itself is valid
    assert parsed == load_settings(env={}).__class__(source_file=str(shipped))
    for section, keys in config.schema_docs().items():
        for key in keys:
            assert f"\n{key} = " in shipped.read_text(encoding="utf-8"), f"{section}.{key}"


def _bounded_float_keys() -> list[str]:
    import dataclasses
    from typing import get_type_hints

    keys = []
    for section, cls in config.SECTIONS.items():
        hints = get_type_hints(cls)
        for f in dataclasses.fields(cls):
            if hints[f.name] is float and (f.metadata.get("min") is not None
                                           or f.metadata.get("max") is not None):
                keys.append(f"{section}.{f.name}")
    return keys


def test_nan_is_refused_for_every_bounded_float() -> None:
    keys = _bounded_float_keys()
    assert "events.max_mb" in keys and "events.max_backoff_s" in keys
    for key in keys:
        for raw in ("nan", "NaN", float("nan")):
            with pytest.raises(ConfigError, match=rf"{key} = .*NaN"):
                load_settings(env={}, overrides={key: raw})
        with pytest.raises(ConfigError, match=key):
            load_settings(env={}, overrides={key: "inf"})


def test_nan_in_a_file_and_the_environment_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "[events]\nmax_mb = nan\n")
    with pytest.raises(ConfigError, match=r"events.max_mb = nan: expected a number, not NaN"):
        load_settings(path, env={})
    with pytest.raises(ConfigError, match=r"environment: events.max_backoff_s"):
        load_settings(env={"KIOSK_EVENTS_MAX_BACKOFF_S": "nan"})


def test_toml_with_a_utf8_byte_order_mark_is_read(tmp_path: Path) -> None:
    path = tmp_path / "kiosk.toml"
    path.write_bytes("\ufeff[recommend]\npage_size = 5\n".encode())
    assert load_settings(path, env={}).recommend.page_size == 5


def test_text_files_with_a_bom_are_read_everywhere(tmp_path: Path) -> None:
    """Prompts (kiosk-admin generate) and labels CSVs (classify --labels) read BOM files."""
    from kiosk.curation.generate import default_prompts_path, load_prompts

    prompts = tmp_path / "prompts.toml"
    prompts.write_bytes(b"\xef\xbb\xbf" + default_prompts_path().read_bytes())
    assert load_prompts(prompts) == load_prompts(default_prompts_path())
    assert config.read_text_bytes(b"\xef\xbb\xbfa,b\n") == "a,b\n"
    from kiosk.vision.evaluate import read_labels

    labels = tmp_path / "labels.csv"
    labels.write_bytes("\ufeffimage,emotion\na.png,happy\n".encode())
    assert read_labels(labels) == [(tmp_path / "a.png", "happy")]


# --------------------------------------------------------------------------- cross-field rules


@pytest.mark.parametrize(("text", "needles"), [
    ("[aws]\nendpoint_rekognition = '127.0.0.1:8766'\n",
     ["aws.endpoint_rekognition", "needs a scheme", "http://127.0.0.1:8766"]),
    ("[aws]\nendpoint_personalize_runtime = 'ftp://host'\n",
     ["aws.endpoint_personalize_runtime", "http or https"]),
    ("[aws]\nendpoint_s3 = 'http://'\n", ["aws.endpoint_s3", "no host name"]),
    ("[fleet]\nendpoint_url = 'monitoring.local'\n", ["fleet.endpoint_url", "needs a scheme"]),
    ("[identity]\nenabled = true\n", ["identity.collection_id", "identity.enabled = false"]),
    ("[recommend]\nbackend = 'personalize'\n",
     ["personalize.campaign_arn", "personalize.recommender_arn", "'embedded'"]),
])
def test_rules_that_span_fields_fail_at_load_time(
    tmp_path: Path, text: str, needles: list[str]
) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as info:
        load_settings(path, env={})
    message = str(info.value)
    assert str(path) in message
    for needle in needles:
        assert needle in message


def test_cross_field_rules_also_apply_to_env_and_flags() -> None:
    with pytest.raises(ConfigError, match="endpoint_rekognition"):
        load_settings(env={"KIOSK_AWS_ENDPOINT_REKOGNITION": "localhost:4566"})
    with pytest.raises(ConfigError, match="collection_id"):
        load_settings(env={}, overrides={"identity.enabled": "true"})


def test_valid_endpoints_and_a_complete_identity_section_load(tmp_path: Path) -> None:
    path = write(tmp_path, "[aws]\nendpoint_rekognition = 'http://127.0.0.1:8766'\n"
                 "endpoint_s3 = 'https://s3.example.com/base'\n"
                 "[identity]\nenabled = true\ncollection_id = 'kiosk-faces'\n")
    s = load_settings(path, env={})
    assert s.aws.endpoint_rekognition == "http://127.0.0.1:8766"
    assert s.identity.collection_id == "kiosk-faces"
    assert config.settings_notes(s) == []


def test_both_personalize_arns_say_which_is_used(tmp_path: Path) -> None:
    path = write(tmp_path, "[recommend]\nbackend = 'personalize'\n[personalize]\n"
                 "campaign_arn = 'arn:aws:personalize:eu-west-1:000000000000:campaign/c'\n"
                 "recommender_arn = 'arn:aws:personalize:eu-west-1:000000000000:recommender/r'\n")
    notes = config.settings_notes(load_settings(path, env={}))
    assert len(notes) == 1
    assert ("recommender arn:aws:personalize:eu-west-1:000000000000:recommender/r is used"
            in notes[0])
    assert "campaign is ignored" in notes[0]


def test_a_fleet_bucket_the_cloudformation_template_cannot_match_is_pointed_out(
    tmp_path: Path,
) -> None:
    """fleet.yaml's BucketMinutes takes the divisors of 60 only; a kiosk publishing 7-min
    buckets would have no matching alarm period (NoHeartbeat for a healthy kiosk)."""
    path = write(tmp_path, "[fleet]\nenabled = true\n[analytics]\nbucket_min = 7\n")
    notes = config.settings_notes(load_settings(path, env={}))
    assert len(notes) == 1
    assert "analytics.bucket_min = 7 does not divide an hour" in notes[0]
    assert "1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30, 60" in notes[0]
    for fine in ("[fleet]\nenabled = true\n[analytics]\nbucket_min = 15\n",
                 "[analytics]\nbucket_min = 7\n"):  # fleet off: any bucket will do
        assert config.settings_notes(load_settings(write(tmp_path, fine), env={})) == []


@pytest.mark.parametrize("argv", [["--self-test"], ["--print-config"]])
def test_self_test_and_app_refuse_the_same_contradiction(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
    argv: list[str],
) -> None:
    path = write(tmp_path, "[identity]\nenabled = true\n")
    monkeypatch.delenv("KIOSK_CONFIG", raising=False)
    assert main(["--config", str(path), *argv]) == 2
    err = capsys.readouterr().err
    assert "settings error" in err and "identity.collection_id" in err
    assert "Traceback" not in err


def test_kiosk_admin_refuses_the_same_contradiction(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from kiosk.admin.cli import main as admin_main

    path = write(tmp_path, "[recommend]\nbackend = 'personalize'\n")
    code = admin_main(["--config", str(path), "events", "status"])
    assert code != 0
    assert "personalize.campaign_arn" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("text", "fragments"),
    [  # tester round 8: `language = ko` said only "Invalid value (at line 2, column 12)"
        ("[app]\nlanguage = ko\n",
         ['line 2: language = ko; text values need quotes: language = "ko"']),
        ("[app]\ndata_dir = /srv/kiosk # here\n",
         ['line 2: data_dir = /srv/kiosk # here; text values need quotes: '
          'data_dir = "/srv/kiosk"']),
        ("[rekognition]\nenabled = True\n",
         ["line 2: enabled = True; true and false are lower case: enabled = true"]),
        ("[camera\nsource = 1\n", ["line 1: [camera"]),
    ],
)
def test_a_toml_syntax_error_shows_the_line_and_the_cure(
    tmp_path: Path, text: str, fragments: list[str]
) -> None:
    with pytest.raises(ConfigError) as err:
        load_settings(write(tmp_path, text), env={})
    assert "not valid TOML" in str(err.value)
    for fragment in fragments:
        assert fragment in str(err.value)
    assert err.value.line == int(fragments[0].split("line ")[1].split(":")[0])


@pytest.mark.parametrize(
    ("text", "fragment"),
    [  # black box 2026-12-02: `idle_timeout_s = thirty` was told to add quotes, and
       # the quoted value then said "expected a number": the hint fits the type
        ("[app]\nidle_timeout_s = thirty\n",
         "line 2: idle_timeout_s = thirty; expected a number, e.g. idle_timeout_s = 20"),
        ("[app]\nidle_timeout_s = 30s\n",
         "line 2: idle_timeout_s = 30s; expected a number, e.g. idle_timeout_s = 20"),
        ("[vision]\nthreads = four\n", "expected a whole number, e.g. threads = 0"),
        ("app.idle_timeout_s = x\n", "expected a number, e.g. app.idle_timeout_s = 20"),
        ("[app]\nkiosk_mode = yes\n", "expected true or false, e.g. kiosk_mode = false"),
    ],
)
def test_a_bare_word_for_a_number_setting_is_told_to_be_a_number(
    tmp_path: Path, text: str, fragment: str
) -> None:
    with pytest.raises(ConfigError) as err:
        load_settings(write(tmp_path, text), env={})
    assert fragment in str(err.value)
    assert "need quotes" not in str(err.value)


@pytest.mark.parametrize(
    ("text", "fragment", "line"),
    [  # black box 2026-12-02: only "Cannot overwrite a value (at line 3, column 16)"
        ("[app]\nidle_timeout_s = 30\nidle_timeout_s = 40\n",
         "idle_timeout_s is set twice in [app] (first on line 2): keep one", 3),
        ("[camera]\nfps = 10\n\n[app]\nlanguage = 'en'\n# again\nlanguage = 'ko'\n",
         "language is set twice in [app] (first on line 5): keep one", 7),
        ("[app]\nlanguage = 'en'\n[camera]\nfps = 10\n[app]\nkiosk_mode = true\n",
         "[app] appears twice (first on line 1): keep one, with all its keys", 5),
    ],
)
def test_a_key_set_twice_says_so(tmp_path: Path, text: str, fragment: str, line: int) -> None:
    with pytest.raises(ConfigError) as err:
        load_settings(write(tmp_path, text), env={})
    assert fragment in str(err.value)
    assert err.value.line == line


def test_a_toml_syntax_error_never_shows_the_pin_hash(tmp_path: Path) -> None:
    stored = hash_pin("2468")
    with pytest.raises(ConfigError) as err:
        load_settings(write(tmp_path, f"[ui]\nadmin_pin_hash = {stored}\n"), env={})
    assert "line 2: admin_pin_hash = (not shown)" in str(err.value)
    assert stored.split("$")[-1] not in str(err.value)


@pytest.mark.parametrize(
    ("origin", "where"),
    [("file", "ui.language"), ("env", "environment"), ("command line", "command line")],
)
def test_a_key_of_another_section_says_which(tmp_path: Path, origin: str, where: str) -> None:
    """Tester round 10: `[ui] language = "ko"` said only "unknown key; keys of [ui]: …"
    (the key is app.language). Every origin goes through the same check."""
    with pytest.raises(ConfigError) as err:
        if origin == "file":
            load_settings(write(tmp_path, '[ui]\nlanguage = "ko"\n'), env={})
        elif origin == "env":
            load_settings(env={"KIOSK_UI_LANGUAGE": "ko"})
        else:
            load_settings(env={}, overrides={"ui.language": "ko"})
    message = str(err.value)
    assert where in message
    assert "unknown key 'ui.language' (did you mean app.language?)" in message
    assert "keys of [ui]: " in message and "admin_pin_hash" in message  # the list stays
    assert err.value.key == "ui.language"


def test_a_key_of_several_other_sections_names_them_all(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as err:
        load_settings(env={}, overrides={"camera.enabled": "true"})
    others = [f"{name}.enabled" for name, cls in config.SECTIONS.items()
              if "enabled" in {f.name for f in dataclasses.fields(cls)}]
    assert len(others) >= 2
    assert f"(did you mean {' or '.join(others)}?)" in str(err.value)


def test_an_unknown_key_found_nowhere_has_no_guess(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as err:
        load_settings(env={}, overrides={"camera.sorce": "1"})
    assert "did you mean" not in str(err.value) and "keys of [camera]: " in str(err.value)


@pytest.mark.parametrize(
    ("raw", "fragments"),
    [  # tester round 10: only "not valid TOML: 'utf-8' codec can't decode byte 0xff…"
        ('[app]\nlanguage = "ko"\n'.encode("utf-16"),
         ['it is UTF-16, what Windows Notepad calls "Unicode"']),
        ('[app]\nlanguage = "ko"\n# 한국어 설정\n'.encode("euc-kr"),
         ["it looks like Korean text in EUC-KR / CP949"]),
        (b'[app]\nlanguage = "ko"\n# caf\xe9\n', ["byte 0xe9 is not UTF-8"]),
    ],
)
def test_a_settings_file_not_in_utf8_says_to_save_it_as_utf8(
        tmp_path: Path, raw: bytes, fragments: list[str]) -> None:
    path = tmp_path / "kiosk.toml"
    path.write_bytes(raw)
    with pytest.raises(ConfigError) as err:
        load_settings(path, env={})
    message = str(err.value)
    assert message.startswith(f"{path}: not UTF-8 text (")
    assert "save it as UTF-8" in message and "codec" not in message
    for fragment in fragments:
        assert fragment in message
    assert err.value.file == str(path)
    assert err.value.line == (1 if raw.startswith(b"\xff\xfe") else 3)
