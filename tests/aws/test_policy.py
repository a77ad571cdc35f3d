"""The one AWS call policy: classifier, full-jitter backoff, retry loop, breaker, client."""

from __future__ import annotations

import random
import threading
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import (
    ClientError,
    ConnectTimeoutError,
    EndpointConnectionError,
    NoCredentialsError,
    ParamValidationError,
    ReadTimeoutError,
)
from botocore.stub import Stubber

from kiosk.aws import (
    AwsError,
    Backoff,
    BreakerState,
    Cancelled,
    CircuitBreaker,
    ErrorKind,
    classify,
    error_code,
    http_status,
    is_transient,
    make_client,
    retry_call,
)
from kiosk.config import AwsSettings
from kiosk.errors import KioskError
from kiosk.testing import FakeClock


class RecordingStop(threading.Event):
    """A stop event whose waits return at once and are recorded (no real sleeping)."""

    def __init__(self, stop_after: int | None = None) -> None:
        super().__init__()
        self.waits: list[float] = []
        self.stop_after = stop_after

    def wait(self, timeout: float | None = None) -> bool:
        self.waits.append(float(timeout or 0.0))
        if self.stop_after is not None and len(self.waits) >= self.stop_after:
            self.set()
        return self.is_set()


def client_error(code: str, status: int) -> ClientError:
    """A ClientError as botocore's Stubber raises it for a service answer."""
    client = boto3.client("rekognition", region_name="us-east-1",
                          aws_access_key_id="x", aws_secret_access_key="y")
    with Stubber(client) as stub:
        stub.add_client_error("list_collections", code, "msg", http_status_code=status)
        try:
            client.list_collections()
        except ClientError as exc:
            return exc
    raise AssertionError("the stub did not raise")


@pytest.mark.parametrize(("code", "status", "kind"), [
    ("ThrottlingException", 400, ErrorKind.THROTTLED),
    ("ProvisionedThroughputExceededException", 400, ErrorKind.THROTTLED),
    ("SomethingNew", 429, ErrorKind.THROTTLED),
    ("InternalServerError", 500, ErrorKind.SERVER),
    ("ServiceUnavailableException", 503, ErrorKind.SERVER),
    ("AnythingAtAll", 502, ErrorKind.SERVER),
    ("AccessDeniedException", 400, ErrorKind.REFUSED),
    ("ExpiredTokenException", 400, ErrorKind.REFUSED),
    ("Whatever", 403, ErrorKind.REFUSED),
    ("InvalidParameterException", 400, ErrorKind.PERMANENT),
    ("ResourceNotFoundException", 400, ErrorKind.PERMANENT),
])
def test_service_answers_are_classified(code: str, status: int, kind: ErrorKind) -> None:
    exc = client_error(code, status)
    assert error_code(exc) == code and http_status(exc) == status
    assert classify(exc) is kind
    assert is_transient(exc) is kind.transient


@pytest.mark.parametrize(("exc", "kind"), [
    (EndpointConnectionError(endpoint_url="http://127.0.0.1:9"), ErrorKind.OFFLINE),
    (ConnectTimeoutError(endpoint_url="http://127.0.0.1:9"), ErrorKind.OFFLINE),
    (ReadTimeoutError(endpoint_url="http://127.0.0.1:9"), ErrorKind.OFFLINE),
    (TimeoutError(), ErrorKind.OFFLINE),
    (ConnectionRefusedError(), ErrorKind.OFFLINE),
    (NoCredentialsError(), ErrorKind.REFUSED),
    (ParamValidationError(report="bad"), ErrorKind.PERMANENT),
    (ValueError("bug"), ErrorKind.PERMANENT),
])
def test_failures_without_an_answer_are_classified(exc: Exception, kind: ErrorKind) -> None:
    assert classify(exc) is kind
    assert http_status(exc) is None


def test_only_server_and_offline_count_against_a_breaker() -> None:
    assert {k for k in ErrorKind if k.unreachable} == {ErrorKind.SERVER, ErrorKind.OFFLINE}
    assert {k for k in ErrorKind if k.transient} == {
        ErrorKind.SERVER, ErrorKind.OFFLINE, ErrorKind.THROTTLED}


def test_backoff_is_full_jitter_under_a_doubling_capped_ceiling() -> None:
    backoff = Backoff(base_s=0.5, cap_s=4.0, rng=random.Random(7))
    assert [backoff.ceiling(n) for n in range(6)] == [0.0, 0.5, 1.0, 2.0, 4.0, 4.0]
    for failures in range(1, 8):
        delays = [backoff.delay(failures) for _ in range(200)]
        assert all(0.0 <= d <= backoff.ceiling(failures) for d in delays)
        # jitter: not one fixed value, and spread over most of the range
        assert max(delays) - min(delays) > 0.6 * backoff.ceiling(failures)
    assert Backoff(base_s=1.0, cap_s=8.0, floor_s=0.75).delay(1) >= 0.75
    assert backoff.delay(0) == 0.0


def test_backoff_rejects_nonsense() -> None:
    with pytest.raises(ValueError, match="base_s <= cap_s"):
        Backoff(base_s=5.0, cap_s=1.0)


def test_a_set_stop_event_ends_the_wait_at_once() -> None:
    stop = threading.Event()
    stop.set()
    assert Backoff.wait(stop, 3600.0) is True  # would hang an hour if it slept
    assert Backoff.wait(threading.Event(), 0.0) is False


def test_retry_call_retries_transient_failures_then_succeeds() -> None:
    answers: list[Any] = [client_error("ThrottlingException", 400),
                          EndpointConnectionError(endpoint_url="http://x"), {"ok": 1}]
    attempts: list[int] = []

    def call() -> dict[str, int]:
        answer = answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return dict(answer)

    stop = RecordingStop()
    result = retry_call(call, backoff=Backoff(base_s=1.0, cap_s=10.0), retries=2, stop=stop,
                        before_attempt=attempts.append)
    assert result == {"ok": 1}
    assert attempts == [0, 1, 2]
    assert len(stop.waits) == 2 and 0 <= stop.waits[0] <= 1.0 and 0 <= stop.waits[1] <= 2.0


def test_retry_call_gives_up_after_the_retries_and_never_retries_permanent() -> None:
    calls = 0

    def throttled() -> None:
        nonlocal calls
        calls += 1
        raise client_error("ThrottlingException", 400)

    with pytest.raises(ClientError):
        retry_call(throttled, backoff=Backoff(), retries=2, stop=RecordingStop())
    assert calls == 3

    calls = 0

    def invalid() -> None:
        nonlocal calls
        calls += 1
        raise client_error("InvalidParameterException", 400)

    with pytest.raises(ClientError):
        retry_call(invalid, backoff=Backoff(), retries=5, stop=RecordingStop())
    assert calls == 1


def test_retry_call_respects_retry_on() -> None:
    calls = 0

    def offline() -> None:
        nonlocal calls
        calls += 1
        raise EndpointConnectionError(endpoint_url="http://x")

    with pytest.raises(EndpointConnectionError):
        retry_call(offline, backoff=Backoff(), retries=3, stop=RecordingStop(),
                   retry_on={ErrorKind.THROTTLED})
    assert calls == 1


def test_retry_call_is_cancelled_by_the_stop_event() -> None:
    def throttled() -> None:
        raise client_error("ThrottlingException", 400)

    stop = RecordingStop(stop_after=1)
    with pytest.raises(Cancelled) as info:
        retry_call(throttled, backoff=Backoff(base_s=30.0, cap_s=30.0), retries=5, stop=stop)
    assert len(stop.waits) == 1
    assert isinstance(info.value, AwsError) and isinstance(info.value, KioskError)
    stopped = threading.Event()
    stopped.set()
    with pytest.raises(Cancelled):
        retry_call(lambda: 1, backoff=Backoff(), retries=0, stop=stopped)


def test_breaker_opens_cools_down_and_lets_one_trial_through() -> None:
    clock = FakeClock()
    breaker = CircuitBreaker("test", failures=2, cooldown_s=60.0, clock=clock)
    assert breaker.admit() is None
    breaker.record(ErrorKind.OFFLINE)
    assert breaker.state is BreakerState.CLOSED and breaker.consecutive_failures == 1
    breaker.record(ErrorKind.THROTTLED)  # an answer: the service is up, count resets
    assert breaker.consecutive_failures == 0
    breaker.record(ErrorKind.SERVER)
    breaker.record(ErrorKind.OFFLINE)
    assert breaker.state is BreakerState.OPEN and breaker.admit() == "breaker open"
    assert breaker.retry_in_s() == 60.0
    clock.now += 60.0
    assert breaker.refusal() is None  # no side effect
    assert breaker.admit() is None and breaker.state is BreakerState.HALF_OPEN
    assert breaker.admit() == "breaker open (trial call in flight)"
    breaker.record_failure()  # the trial failed: a full cooldown again
    assert breaker.state is BreakerState.OPEN and breaker.retry_in_s() == 60.0
    clock.now += 60.0
    assert breaker.admit() is None
    breaker.release_trial()  # no verdict: open again
    assert breaker.state is BreakerState.OPEN
    clock.now += 60.0
    assert breaker.admit() is None
    breaker.record(None)
    assert breaker.state is BreakerState.CLOSED and breaker.admit() is None


@pytest.mark.parametrize("url", ["127.0.0.1:8766", "localhost", "ftp://host", "http://",
                                 "http://host:99999"])
def test_make_client_refuses_an_endpoint_url_it_cannot_use(url: str) -> None:
    with pytest.raises(AwsError, match=r"aws\.endpoint_rekognition"):
        make_client("rekognition", AwsSettings(endpoint_rekognition=url, region="us-east-1"))


def test_make_client_makes_one_attempt_per_call() -> None:
    client = make_client("rekognition", AwsSettings(
        endpoint_rekognition="http://127.0.0.1:9", region="eu-west-1"))
    assert client.meta.endpoint_url == "http://127.0.0.1:9"
    assert client.meta.region_name == "eu-west-1"
    config: Config = client.meta.config
    assert config.retries["total_max_attempts"] == 1
