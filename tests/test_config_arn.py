"""Personalize ARNs: the wrong shape or kind is a settings error at load
(`kiosk.config.arn`); a region other than `aws.region`, or an `aws.region` botocore does
not know, is the self-test's to say (`check_aws_region`). The tester's round 15: the
self-test PASSed "campaign-test", a filter ARN as the campaign, an ARN of another region
and us-east-9. Account ids here are 000000000000: never a real one."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.config import ConfigError, Settings, load_settings
from kiosk.config.arn import arn_problem
from kiosk.selftest import check_aws_region

ACCOUNT = "000000000000"
CAMPAIGN = f"arn:aws:personalize:us-east-1:{ACCOUNT}:campaign/kiosk"
FILTER = f"arn:aws:personalize:us-east-1:{ACCOUNT}:filter/kiosk-emotion"


@pytest.mark.parametrize(("text", "kind"), [
    (CAMPAIGN, "campaign"),
    (f"arn:aws:personalize:ap-northeast-2:{ACCOUNT}:recommender/top-picks", "recommender"),
    (FILTER, "filter"),
    (f"arn:aws:personalize:us-east-1:{ACCOUNT}:dataset/kiosk/USERS", "dataset"),
    (f"arn:aws-cn:personalize:cn-north-1:{ACCOUNT}:campaign/kiosk", "campaign"),
    ("", "campaign"),  # not set
])
def test_personalize_arns_of_the_right_kind_pass(text: str, kind: str) -> None:
    assert arn_problem(text, kind) is None


@pytest.mark.parametrize(("text", "needle"), [
    ("campaign-test", "is not an ARN"),
    ("arn:aws:s3:::kiosk-images", "an ARN of s3, not of Amazon Personalize"),
    (FILTER, "is a filter ARN, not a campaign ARN (it belongs in personalize.filter_arn)"),
    (f"arn:aws:personalize:us-east-1:{ACCOUNT}:recommender/r",
     "it belongs in personalize.recommender_arn"),
    ("arn:aws:personalize:us-east-1:1:campaign/kiosk", "account '1' is not a 12-digit"),
    (f"arn:aws:personalize:useast1:{ACCOUNT}:campaign/kiosk", "region 'useast1'"),
    (f"arn:aws:personalize:us-east-1:{ACCOUNT}:campaign/", "names no campaign"),
    (f" {CAMPAIGN}", "must not contain spaces"),
])
def test_a_campaign_arn_of_the_wrong_shape_or_kind_says_what_it_is(
    text: str, needle: str,
) -> None:
    problem = arn_problem(text, "campaign")
    assert problem is not None
    assert needle in problem and "arn:aws:personalize:REGION:ACCOUNT:campaign/NAME" in problem


def test_a_malformed_arn_is_a_settings_error_at_load_naming_the_line(tmp_path: Path) -> None:
    path = tmp_path / "kiosk.toml"
    path.write_text('[recommend]\nbackend = "personalize"\n[personalize]\n'
                    'campaign_arn = "campaign-test"\n', encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_settings(path, env={})
    assert caught.value.located().startswith(
        f"{path}, line 4: personalize.campaign_arn = 'campaign-test': is not an ARN")
    with pytest.raises(ConfigError, match=r"^command line: personalize\.filter_arn = "):
        load_settings(env={}, overrides={"personalize.filter_arn": CAMPAIGN})
    with pytest.raises(ConfigError, match=r"^environment: personalize\.dataset_arn_items"):
        load_settings(env={"KIOSK_PERSONALIZE_DATASET_ARN_ITEMS": "ITEMS"})


def _settings(extra: dict[str, str]) -> Settings:
    return load_settings(env={}, overrides={"recommend.backend": "personalize",
                                            "personalize.campaign_arn": CAMPAIGN, **extra})


def test_an_arn_of_another_region_than_aws_region_fails_the_self_test() -> None:
    check = check_aws_region(_settings({"aws.region": "eu-west-1",
                                        "personalize.filter_arn": FILTER}))
    assert check.status == "FAIL"
    assert ("personalize.campaign_arn is an ARN of us-east-1 but aws.region = 'eu-west-1'"
            in check.detail)
    assert "personalize.filter_arn" in check.detail
    assert "set aws.region = 'us-east-1'" in check.detail
    # against a test double at its own endpoint the region may not matter: a WARN
    double = check_aws_region(_settings({
        "aws.region": "eu-west-1", "aws.endpoint_personalize_runtime": "http://127.0.0.1:8766"}))
    assert double.status == "WARN" and "aws.endpoint_personalize_runtime" in double.detail
    same = check_aws_region(_settings({"aws.region": "us-east-1"}))
    assert same.status == "PASS" and "us-east-1" in same.detail


def test_a_region_botocore_does_not_know_warns_naming_it() -> None:
    check = check_aws_region(_settings({"aws.region": "us-east-9"}))
    assert check.status == "FAIL"  # and the campaign of us-east-1 is not there either
    assert "aws.region = 'us-east-9' is not a region botocore" in check.detail
    alone = check_aws_region(load_settings(env={}, overrides={"aws.region": "us-east-9"}))
    assert alone.status == "WARN" and "check its spelling" in alone.detail


def test_a_region_without_personalize_warns_when_personalize_is_used(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from kiosk.aws import regions

    monkeypatch.setattr(regions, "service_regions", lambda service: frozenset({"us-east-1"}))
    check = check_aws_region(load_settings(env={}, overrides={
        "aws.region": "sa-east-1", "personalize.tracking_id": "tracker"}))
    assert check.status == "WARN"
    assert "Amazon Personalize is not offered in aws.region = 'sa-east-1'" in check.detail
    assert check_aws_region(load_settings(env={}, overrides={
        "aws.region": "sa-east-1"})).status == "PASS"  # Personalize not used: nothing to say
