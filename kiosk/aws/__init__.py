"""One AWS call policy for the whole kiosk.

Every package that talks to AWS (Rekognition fallback, identity, Personalize,
image generation, S3 sync, the event uploader) uses the same four pieces:

* `kiosk.aws.client` - `make_client`: settings to a boto3 client, one attempt per call;
* `kiosk.aws.classify` - `classify`: any exception to an `ErrorKind` (permanent,
  throttled, server, offline, refused);
* `kiosk.aws.backoff` - `Backoff`: exponential backoff with full jitter, a wait that a
  stop event ends at once, and `retry_call` for inline retries;
* `kiosk.aws.breaker` - `CircuitBreaker`: stop calling a service that does not answer,
  one trial call after a cooldown.

`kiosk.aws.pause` - `CallPause`: stop calling for 30 min after AWS refused the
credentials or permissions, and space the calls after throttling (Rekognition fallback,
identity). `kiosk.aws.credentials` - `CredentialsRefusal`: a refusal of the `[aws]`
credentials themselves, which one of those parts learns, holds the other back too (one
object, built by the composition root).

`kiosk.aws.regions` says which regions exist and where a service is offered, from
botocore's endpoint data (offline; `--self-test`).

`kiosk.aws.errors` holds `AwsError` (a `KioskError`) and `Cancelled`. Each package still
turns failures into its own error class with a message a store operator can act on.
"""

from kiosk.aws.backoff import Backoff, retry_call
from kiosk.aws.breaker import BreakerState, CircuitBreaker
from kiosk.aws.classify import (
    ErrorKind,
    about_credentials,
    classify,
    error_code,
    error_message,
    http_status,
    is_transient,
)
from kiosk.aws.client import make_client
from kiosk.aws.credentials import IDENTITY, REKOGNITION, CredentialsRefusal, Refusal
from kiosk.aws.errors import AwsError, Cancelled
from kiosk.aws.pause import REFUSED, REFUSED_PAUSE_S, THROTTLED, CallPause

__all__ = [
    "IDENTITY",
    "REFUSED",
    "REFUSED_PAUSE_S",
    "REKOGNITION",
    "THROTTLED",
    "AwsError",
    "Backoff",
    "BreakerState",
    "CallPause",
    "Cancelled",
    "CircuitBreaker",
    "CredentialsRefusal",
    "ErrorKind",
    "Refusal",
    "about_credentials",
    "classify",
    "error_code",
    "error_message",
    "http_status",
    "is_transient",
    "make_client",
    "retry_call",
]
