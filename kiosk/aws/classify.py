"""One error classifier for every AWS call: what kind of failure is this?

`classify(exc)` sorts any exception raised by a boto3 call (or by our own waits)
into one `ErrorKind`, which decides what a caller does next:

* OFFLINE - no answer: connection refused, DNS, connect/read timeout, `TimeoutError`.
  Retry with backoff; counts against the circuit breaker.
* SERVER - HTTP 5xx, `InternalServerError`, `ServiceUnavailable`, `RequestTimeout`.
  Retry with backoff; counts against the circuit breaker.
* THROTTLED - HTTP 429, `ThrottlingException`, `ProvisionedThroughputExceededException`,
  `SlowDown`. Retry with backoff; the service is up, so the breaker stays closed.
* REFUSED - no credentials, HTTP 401/403, `AccessDeniedException`, an expired token.
  Do not retry soon: an operator must fix credentials or permissions. `about_credentials`
  tells the refusals of the credentials themselves (any call with them is refused) from
  those of one action's permission (AccessDenied: IAM decides per action).
* PERMANENT - other 4xx (`InvalidParameterException`, `ResourceNotFoundException`, ...),
  parameter validation, bugs. Never retry the same request.

The tables here are the only code/status tables in the kiosk; packages may add a
few codes of their own API (for instance `ResourceInUseException` for PutEvents),
but never a second classifier. botocore is imported only when an exception is
classified, so an offline kiosk never loads it.
"""

from __future__ import annotations

import enum
from typing import Any


class ErrorKind(enum.StrEnum):
    """What a failed AWS call means for the caller (module docstring)."""

    PERMANENT = "permanent"
    THROTTLED = "throttled"
    SERVER = "server"
    OFFLINE = "offline"
    REFUSED = "refused"

    @property
    def transient(self) -> bool:
        """Worth retrying the same request later."""
        return self in (ErrorKind.THROTTLED, ErrorKind.SERVER, ErrorKind.OFFLINE)

    @property
    def unreachable(self) -> bool:
        """The service did not answer usefully: counts against a circuit breaker."""
        return self in (ErrorKind.SERVER, ErrorKind.OFFLINE)


THROTTLE_CODES = frozenset({
    "ThrottlingException", "Throttling", "ThrottledException",
    "ProvisionedThroughputExceededException", "TooManyRequestsException",
    "LimitExceededException", "RequestLimitExceeded", "SlowDown",
})
SERVER_CODES = frozenset({
    "InternalServerError", "InternalServerException", "InternalFailure",
    "ServiceUnavailable", "ServiceUnavailableException", "RequestTimeout",
    "RequestTimeoutException", "ServiceException",
})
REFUSED_CODES = frozenset({
    "NoCredentialsError", "PartialCredentialsError", "CredentialRetrievalError",
    "ProfileNotFound", "NoRegionError", "UnrecognizedClientException",
    "InvalidSignatureException", "SignatureDoesNotMatch", "ExpiredToken",
    "ExpiredTokenException", "InvalidClientTokenId", "AccessDenied", "AccessDeniedException",
    "MissingAuthenticationTokenException", "IncompleteSignature", "UnauthorizedOperation",
})

# The refusals that are about the credentials themselves (a subset of REFUSED_CODES): they
# hold for every client made from the same `[aws]` settings (`kiosk.aws.credentials`).
# Not AccessDenied / UnauthorizedOperation: IAM allows or denies each action on its own.
CREDENTIAL_CODES = frozenset({
    "NoCredentialsError", "PartialCredentialsError", "CredentialRetrievalError",
    "ProfileNotFound", "UnrecognizedClientException", "InvalidSignatureException",
    "SignatureDoesNotMatch", "ExpiredToken", "ExpiredTokenException", "InvalidClientTokenId",
    "MissingAuthenticationTokenException", "IncompleteSignature",
})


def about_credentials(code: str) -> bool:
    """A refusal with this error code (`error_code`) says the credentials are wrong,
    missing or expired, not that one action is not allowed."""
    return code in CREDENTIAL_CODES


def error_code(exc: BaseException) -> str:
    """The AWS error code of a botocore ClientError, else the exception's class name."""
    response = getattr(exc, "response", None)
    if isinstance(response, dict):
        return str(response.get("Error", {}).get("Code", type(exc).__name__))
    return type(exc).__name__


def error_message(exc: BaseException) -> str:
    """The service's message of a ClientError (never the request), else `str(exc)`."""
    response = getattr(exc, "response", None)
    if isinstance(response, dict):
        return str(response.get("Error", {}).get("Message", "")) or str(exc)
    return str(exc)


def http_status(exc: BaseException) -> int | None:
    """The HTTP status of the service's answer; None when no answer came back."""
    response: Any = getattr(exc, "response", None)
    if not isinstance(response, dict):
        return None
    status = response.get("ResponseMetadata", {}).get("HTTPStatusCode")
    try:
        return int(status) if status else None
    except (TypeError, ValueError):
        return None


def classify(exc: BaseException) -> ErrorKind:
    """The kind of failure `exc` is (module docstring's table)."""
    from botocore.exceptions import (
        ConnectionError as BotoConnectionError,
    )
    from botocore.exceptions import (
        HTTPClientError,
        NoCredentialsError,
        NoRegionError,
        PartialCredentialsError,
        ProfileNotFound,
    )

    # EndpointConnectionError / ConnectTimeoutError are botocore ConnectionErrors;
    # ReadTimeoutError / ConnectionClosedError are HTTPClientErrors; a future's
    # TimeoutError (our own time budget) is the builtin one.
    if isinstance(exc, BotoConnectionError | HTTPClientError | ConnectionError | TimeoutError):
        return ErrorKind.OFFLINE
    if isinstance(
        exc, NoCredentialsError | PartialCredentialsError | ProfileNotFound | NoRegionError
    ):
        return ErrorKind.REFUSED
    code = error_code(exc)
    status = http_status(exc)
    if code in REFUSED_CODES or status in (401, 403):
        return ErrorKind.REFUSED
    if code in THROTTLE_CODES or status == 429:
        return ErrorKind.THROTTLED
    if code in SERVER_CODES or (status is not None and status >= 500):
        return ErrorKind.SERVER
    return ErrorKind.PERMANENT


def is_transient(exc: BaseException) -> bool:
    """Worth retrying later: throttling, 5xx, timeouts and connection failures."""
    return classify(exc).transient
