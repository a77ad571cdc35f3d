"""Settings errors name where the faulty value came from: the file (with its line),
"environment" or "command line" (README, Configuration), for the rules that span fields
as for single values. The tester's round 15: a `--set` or `KIOSK_…` value was blamed on
line 4 of a file whose line 4 was fine."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.__main__ import main
from kiosk.config import ConfigError, load_settings

CAMPAIGN = "arn:aws:personalize:us-east-1:000000000000:campaign/kiosk"
GOOD = f"""\
[recommend]
backend = "personalize"
[aws]
endpoint_personalize_runtime = "http://127.0.0.1:8766"
region = "us-east-1"
[personalize]
filter_arn = ""
campaign_arn = "{CAMPAIGN}"
"""


@pytest.fixture
def good(tmp_path: Path) -> Path:
    path = tmp_path / "kiosk.toml"
    path.write_text(GOOD, encoding="utf-8")
    assert load_settings(path, env={}).personalize.campaign_arn == CAMPAIGN
    return path


def _error(path: Path | None, env: dict[str, str] | None = None,
           overrides: dict[str, str] | None = None) -> ConfigError:
    with pytest.raises(ConfigError) as caught:
        load_settings(path, env=env or {}, overrides=overrides)
    return caught.value


@pytest.mark.parametrize(("env", "overrides", "origin"), [
    ({}, {"aws.endpoint_personalize_runtime": "127.0.0.1:8766"}, "command line"),
    ({"KIOSK_AWS_ENDPOINT_PERSONALIZE_RUNTIME": "127.0.0.1:8766"}, None, "environment"),
    ({}, {"aws.endpoint_s3": "127.0.0.1:9000"}, "command line"),  # not in the file at all
    ({"KIOSK_ANALYTICS_TIMEZONE": "Asia/Seol"}, None, "environment"),
    ({}, {"ui.admin_pin_hash": "0000"}, "command line"),
])
def test_a_bad_value_from_the_environment_or_command_line_is_not_blamed_on_the_file(
    good: Path, env: dict[str, str], overrides: dict[str, str] | None, origin: str,
) -> None:
    error = _error(good, env, overrides)
    assert error.located().startswith(f"{origin}: ")
    assert str(good) not in error.located() and "line 4" not in error.located()
    assert error.file is None and error.line is None  # the page: "correct the unit"


def test_an_emptied_campaign_names_the_command_line_and_the_file_each_for_its_value(
    good: Path,
) -> None:
    message = _error(good, overrides={"personalize.campaign_arn": ""}).located()
    assert message.startswith("command line: recommend.backend = 'personalize' needs "
                              "personalize.campaign_arn")
    assert f"recommend.backend from {good}, line 2" in message
    assert "personalize.campaign_arn = '' from command line" in message
    assert "personalize.recommender_arn not set" in message
    assert "line 8" not in message


def test_a_cross_key_problem_made_by_the_environment_heads_with_the_environment(
    tmp_path: Path,
) -> None:
    path = tmp_path / "kiosk.toml"
    path.write_text("[identity]\ncollection_id = 'faces'\n", encoding="utf-8")
    error = _error(path, env={"KIOSK_IDENTITY_ENABLED": "true",
                              "KIOSK_IDENTITY_COLLECTION_ID": ""})
    assert error.located().startswith("environment: identity.enabled = true needs "
                                      "identity.collection_id")
    assert error.file is None
    # the backend from the environment, no campaign anywhere: the environment's doing
    error = _error(None, env={"KIOSK_RECOMMEND_BACKEND": "personalize"})
    assert error.located().startswith("environment: recommend.backend = 'personalize'")


def test_several_problems_each_name_their_origin(tmp_path: Path) -> None:
    path = tmp_path / "kiosk.toml"
    path.write_text(GOOD.replace("http://127.0.0.1:8766", "127.0.0.1:8766"), encoding="utf-8")
    error = _error(path)  # the file's own bad value: the file and its line, as before
    assert error.located().startswith(f"{path}, line 4: aws.endpoint_personalize_runtime")
    assert (error.file, error.line) == (str(path), 4)
    path.write_text("[aws]\nregion = 'us-east-1'\nendpoint_s3 = 'files.local'\n",
                    encoding="utf-8")
    error = _error(path, overrides={"fleet.endpoint_url": "cw.local"})
    message = error.located()
    assert message.startswith(f"{path}, line 3: aws.endpoint_s3 = 'files.local'")
    assert "; command line: fleet.endpoint_url = 'cw.local'" in message
    assert error.line == 3
    error = _error(path, overrides={"aws.endpoint_rekognition": "rk.local"})
    assert error.located().startswith("command line: aws.endpoint_rekognition")
    assert f"; {path}, line 3: aws.endpoint_s3" in error.located()
    assert error.file is None


def test_the_kiosk_prints_the_command_line_as_the_origin(
    good: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("KIOSK_CONFIG", raising=False)
    monkeypatch.delenv("KIOSK_AWS_ENDPOINT_PERSONALIZE_RUNTIME", raising=False)
    assert main(["--config", str(good), "--set",
                 "aws.endpoint_personalize_runtime=127.0.0.1:8766", "--self-test"]) == 2
    err = capsys.readouterr().err
    assert ("settings error: command line: aws.endpoint_personalize_runtime = "
            "'127.0.0.1:8766': needs a scheme") in err
    assert str(good) not in err
