"""`kiosk --self-test` contacts what is configured: the fleet's CloudWatch endpoint
(`[fleet]`) and the catalog sync's bucket (`[sync] url`), with PASS/WARN/FAIL lines an
operator can act on (botocore's Stubber for the answers, a closed 127.0.0.1 port for no
answer)."""

from __future__ import annotations

import socket
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

from kiosk.config import load_settings
from kiosk.selftest import check_aws, check_fleet, check_sync


def closed_port_url() -> str:
    with socket.socket() as s:  # nothing listens on it afterwards
        s.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{s.getsockname()[1]}"


@pytest.fixture
def aws_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Made-up credentials from the environment only (no files, no instance role)."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.delenv("AWS_SESSION_TOKEN", raising=False)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/credentials")
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent/config")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")


def fleet_on(**extra: str) -> Any:
    return load_settings(env={}, overrides={
        "fleet.enabled": "true", "fleet.namespace": "Kiosk/Lobby", "aws.region": "eu-west-1",
        "aws.connect_timeout_s": "0.3", **extra})


def stubbed(service: str) -> tuple[Any, Stubber]:
    client = boto3.client(service, region_name="eu-west-1", aws_access_key_id="testing",
                          aws_secret_access_key="testing")
    return client, Stubber(client)


def test_fleet_off_and_sync_off_say_so() -> None:
    settings = load_settings(env={})
    fleet, sync = check_fleet(settings), check_sync(settings)
    assert (fleet.status, sync.status) == ("PASS", "PASS")
    assert "[fleet] enabled = false" in fleet.detail and "[sync] url empty" in sync.detail


def test_fleet_endpoint_that_answers_passes_even_when_listing_is_denied() -> None:
    client, stub = stubbed("cloudwatch")
    params = {"Namespace": "Kiosk/Lobby", "MetricName": "Heartbeat"}
    with stub:
        stub.add_response("list_metrics", {"Metrics": []}, params)
        ok = check_fleet(fleet_on(), client)
        stub.add_client_error("list_metrics", "AccessDenied", "not authorized to ListMetrics",
                              http_status_code=403, expected_params=params)
        denied = check_fleet(fleet_on(), client)
    assert ok.status == "PASS" and "Kiosk/Lobby" in ok.detail
    assert denied.status == "PASS" and "accepted the credentials" in denied.detail


def test_fleet_credentials_the_service_refuses_fail() -> None:
    client, stub = stubbed("cloudwatch")
    with stub:
        stub.add_client_error("list_metrics", "InvalidClientTokenId",
                              "The security token included in the request is invalid.",
                              http_status_code=403)
        check = check_fleet(fleet_on(), client)
    assert check.status == "FAIL"
    assert "refused the credentials (InvalidClientTokenId" in check.detail


def test_fleet_endpoint_without_an_answer_warns_naming_it(aws_env: None) -> None:
    url = closed_port_url()
    check = check_fleet(fleet_on(**{"fleet.endpoint_url": url}))
    assert check.status == "WARN"
    assert f"no answer from CloudWatch at {url}" in check.detail
    assert "[fleet] endpoint_url" in check.detail and "metrics queue" in check.detail


def test_aws_line_counts_fleet_and_sync_among_the_features(
    monkeypatch: pytest.MonkeyPatch, aws_env: None
) -> None:
    check = check_aws(fleet_on(**{"sync.url": "s3://kiosk-images/emotions"}))
    assert check.status == "PASS"
    assert "fleet metrics" in check.detail and "catalog sync" in check.detail
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    assert check_aws(fleet_on()).status == "WARN"  # no credentials for the fleet


def sync_on(**extra: str) -> Any:
    return load_settings(env={}, overrides={
        "sync.url": "s3://kiosk-images/emotions", "sync.interval_min": "60",
        "aws.region": "eu-west-1", "aws.connect_timeout_s": "0.3", **extra})


def test_sync_bucket_that_lists_passes_and_an_empty_one_warns() -> None:
    client, stub = stubbed("s3")
    params = {"Bucket": "kiosk-images", "Prefix": "emotions/", "MaxKeys": 1}
    with stub:
        stub.add_response("list_objects_v2", {"KeyCount": 1, "Contents": [
            {"Key": "emotions/happy/a.jpg", "Size": 10}]}, params)
        ok = check_sync(sync_on(), client)
        stub.add_response("list_objects_v2", {"KeyCount": 0}, params)
        empty = check_sync(sync_on(), client)
    assert ok.status == "PASS" and "s3://kiosk-images/emotions/" in ok.detail
    assert empty.status == "WARN" and "holds nothing" in empty.detail


@pytest.mark.parametrize(("code", "status", "says"), [
    ("AccessDenied", 403, "s3:ListBucket on arn:aws:s3:::kiosk-images"),
    ("NoSuchBucket", 404, "bucket 'kiosk-images' does not exist"),
    ("SignatureDoesNotMatch", 403, "refused the credentials (SignatureDoesNotMatch"),
])
def test_sync_bucket_that_cannot_be_listed_fails_saying_what_to_fix(
    code: str, status: int, says: str
) -> None:
    client, stub = stubbed("s3")
    with stub:
        stub.add_client_error("list_objects_v2", code, "no", http_status_code=status)
        check = check_sync(sync_on(), client)
    assert check.status == "FAIL" and says in check.detail


def test_sync_endpoint_without_an_answer_warns(aws_env: None) -> None:
    url = closed_port_url()
    check = check_sync(sync_on(**{"aws.endpoint_s3": url, "sync.interval_min": "0"}))
    assert check.status == "WARN" and "no answer from s3://kiosk-images/emotions/" in check.detail
    assert "aws.endpoint_s3" in check.detail


def test_sync_url_that_is_not_s3_fails() -> None:
    check = check_sync(load_settings(env={}, overrides={"sync.url": "https://x/y"}))
    assert check.status == "FAIL" and "s3://BUCKET/PREFIX" in check.detail
