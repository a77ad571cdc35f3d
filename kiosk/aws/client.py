"""boto3 client factory: the one place that turns `[aws]` settings into clients.

Credentials come only from boto3's standard chain (environment, shared files,
instance roles). Retries are left to the callers (`kiosk.aws.backoff`: they know
which errors are permanent), so botocore makes exactly one attempt per call here.
An endpoint URL that is not an http(s) URL raises `AwsError` naming the setting,
never a botocore traceback at run time.
"""

from __future__ import annotations

from typing import Any

from kiosk.aws.errors import AwsError
from kiosk.config import AwsSettings, endpoint_url_problem

ENDPOINT_KEYS = {
    "rekognition": "endpoint_rekognition",
    "personalize-runtime": "endpoint_personalize_runtime",
    "personalize-events": "endpoint_personalize_events",
    "s3": "endpoint_s3",
    "sagemaker-runtime": "endpoint_sagemaker_runtime",
}


def make_client(service: str, aws: AwsSettings, *, endpoint_url: str = "",
                **config_overrides: Any) -> Any:
    """A boto3 client for `service` with the configured region, profile, endpoint
    (`endpoint_url` when given, e.g. `[fleet] endpoint_url`) and timeouts. Imported
    lazily so an offline kiosk never loads boto3.

    Raises AwsError for an endpoint URL without an http(s) scheme or host."""
    key = ENDPOINT_KEYS.get(service)
    name = "endpoint_url" if endpoint_url else f"aws.{key}"
    endpoint = endpoint_url or (str(getattr(aws, key, "") or "") if key else "")
    problem = endpoint_url_problem(endpoint) if endpoint else None
    if problem:
        raise AwsError(f"{name} = {endpoint!r}: {problem}")

    import boto3
    from botocore.config import Config

    session = boto3.Session(profile_name=aws.profile or None, region_name=aws.region or None)
    config = Config(
        connect_timeout=aws.connect_timeout_s,
        read_timeout=aws.read_timeout_s,
        retries={"total_max_attempts": 1, "mode": "standard"},
        **config_overrides,
    )
    return session.client(
        service,
        endpoint_url=endpoint or None,
        config=config,
        region_name=aws.region or session.region_name or "us-east-1",
    )
