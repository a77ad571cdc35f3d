"""boto3 client factory: the one place that turns `[aws]` settings into clients.

Credentials come only from boto3's standard chain (environment, shared files,
instance roles). Retries are left to the callers (they know which errors are
permanent), so botocore makes exactly one attempt per call here.
"""

from __future__ import annotations

from typing import Any

from kiosk.config import AwsSettings

_ENDPOINT_KEYS = {
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
    lazily so an offline kiosk never loads boto3."""
    import boto3
    from botocore.config import Config

    session = boto3.Session(profile_name=aws.profile or None, region_name=aws.region or None)
    config = Config(
        connect_timeout=aws.connect_timeout_s,
        read_timeout=aws.read_timeout_s,
        retries={"total_max_attempts": 1, "mode": "standard"},
        **config_overrides,
    )
    endpoint = endpoint_url or (
        getattr(aws, _ENDPOINT_KEYS[service], "") if service in _ENDPOINT_KEYS else "")
    return session.client(
        service,
        endpoint_url=endpoint or None,
        config=config,
        region_name=aws.region or session.region_name or "us-east-1",
    )


def error_code(exc: BaseException) -> str:
    """The AWS error code of a botocore ClientError, else the exception's class name."""
    response = getattr(exc, "response", None)
    if isinstance(response, dict):
        return str(response.get("Error", {}).get("Code", type(exc).__name__))
    return type(exc).__name__


TRANSIENT_CODES = frozenset(
    {
        "ThrottlingException",
        "Throttling",
        "ProvisionedThroughputExceededException",
        "TooManyRequestsException",
        "LimitExceededException",
        "RequestTimeout",
        "RequestTimeoutException",
        "ServiceUnavailable",
        "ServiceUnavailableException",
        "InternalServerError",
        "InternalServerException",
        "InternalFailure",
        "SlowDown",
    }
)


def is_transient(exc: BaseException) -> bool:
    """Worth retrying later: throttling, 5xx, timeouts and connection failures."""
    from botocore.exceptions import (
        ConnectionError as BotoConnectionError,
    )
    from botocore.exceptions import (
        ConnectTimeoutError,
        EndpointConnectionError,
        ReadTimeoutError,
    )

    if isinstance(
        exc, EndpointConnectionError | ConnectTimeoutError | ReadTimeoutError | BotoConnectionError
    ):
        return True
    response = getattr(exc, "response", None)
    if isinstance(response, dict):
        status = int(response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0) or 0)
        return error_code(exc) in TRANSIENT_CODES or status >= 500 or status == 429
    return isinstance(exc, TimeoutError | ConnectionError)
