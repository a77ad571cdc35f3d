"""Rekognition fallback against answers that no retry fixes (tester round 15):
refused credentials or permissions stop the calls, throttling spaces the calls out,
and a `200 OK` that is not a DetectFaces answer (a captive portal) is a network failure.

AWS answers go through botocore's Stubber; the captive portal is a real HTTP server on
127.0.0.1. The clock is a FakeClock: nothing sleeps.
"""

from __future__ import annotations

import itertools
import logging
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError, NoCredentialsError
from botocore.stub import Stubber

from kiosk.config import RekognitionSettings
from kiosk.testing import FakeClock
from kiosk.vision.rekognition import REFUSED_PAUSE_S, BreakerState, RekognitionFallback

JPEG = b"\xff\xd8\xff\xe0fake-face-crop\xff\xd9"
HAPPY = {"FaceDetails": [{"BoundingBox": {"Width": 0.5, "Height": 0.5, "Left": 0.1, "Top": 0.1},
                          "Emotions": [{"Type": "HAPPY", "Confidence": 90.0}]}]}
LOGGER = "kiosk.vision.rekognition"


def settings(**overrides: Any) -> RekognitionSettings:
    values: dict[str, Any] = {"enabled": True, "min_interval_s": 2.0, "hourly_budget": 600,
                              "breaker_failures": 3, "breaker_cooldown_s": 60.0}
    values.update(overrides)
    return RekognitionSettings(**values)


@pytest.fixture
def client() -> Any:
    return boto3.client("rekognition", region_name="us-east-1")


@pytest.fixture
def stubber(client: Any) -> Iterator[Stubber]:
    with Stubber(client) as stub:
        yield stub


def own_records(caplog: pytest.LogCaptureFixture, level: int) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == LOGGER and r.levelno == level]


# --------------------------------------------------------------------------- refused


@pytest.mark.parametrize("code,status", [
    ("AccessDeniedException", 400), ("UnrecognizedClientException", 400),
    ("InvalidSignatureException", 400), ("ExpiredTokenException", 400),
    ("AccessDenied", 403),
])
def test_a_refusal_stops_the_calls_for_half_an_hour(
    client: Any, stubber: Stubber, caplog: pytest.LogCaptureFixture, code: str, status: int
) -> None:
    clock = FakeClock()
    fallback = RekognitionFallback(client, settings(), clock=clock, backoff_s=0.0)
    stubber.add_client_error("detect_faces", code, "not allowed", http_status_code=status)
    with caplog.at_level(logging.DEBUG, logger=LOGGER):
        assert fallback.detect(JPEG) is None
        stubber.assert_no_pending_responses()

        # the old code called again 2 s later, with a new face crop, and again ...
        stubber.add_response("detect_faces", HAPPY)
        for _ in range(10):
            clock.now += 60.0
            assert not fallback.ready()  # the pipeline does not even encode a crop
            assert fallback.detect(JPEG) is None
            assert fallback.last_outcome == "refused by AWS"
        assert fallback.calls_this_hour == 1
        with pytest.raises(AssertionError):
            stubber.assert_no_pending_responses()  # nothing more was sent
        assert fallback.refused == code

    errors = own_records(caplog, logging.ERROR)
    assert len(errors) == 1 and own_records(caplog, logging.WARNING) == []
    text = errors[0].getMessage()
    assert code in text and "rekognition:DetectFaces" in text and "[aws]" in text
    line = fallback.summary()
    assert line.startswith(f"stopped: AWS refused the calls ({code}), next try in 20 min")
    assert fallback.status()["paused"] == "refused by AWS"

    clock.now += REFUSED_PAUSE_S - 600.0  # half an hour after the refusal: one more try
    assert fallback.ready()
    assert fallback.detect(JPEG) is not None  # permissions were granted meanwhile
    assert fallback.refused is None and fallback.last_error is None
    assert fallback.summary().startswith("reachable")


def test_a_repeated_refusal_after_the_pause_is_not_a_new_error(
    client: Any, stubber: Stubber, caplog: pytest.LogCaptureFixture
) -> None:
    clock = FakeClock()
    fallback = RekognitionFallback(client, settings(), clock=clock, backoff_s=0.0)
    for _ in range(2):
        stubber.add_client_error("detect_faces", "AccessDeniedException", http_status_code=400)
    with caplog.at_level(logging.DEBUG, logger=LOGGER):
        fallback.detect(JPEG)
        clock.now += REFUSED_PAUSE_S
        fallback.detect(JPEG)
        clock.now += REFUSED_PAUSE_S - 1.0
        assert not fallback.ready()  # a new full pause from the second refusal
    stubber.assert_no_pending_responses()
    assert len(own_records(caplog, logging.ERROR)) == 1
    assert any("still refused" in r.getMessage() for r in own_records(caplog, logging.INFO))


def test_no_credentials_stop_the_calls_too() -> None:
    class NoCredentialsClient:
        calls = 0

        def detect_faces(self, **_: Any) -> dict[str, Any]:
            self.calls += 1
            raise NoCredentialsError()

    fake, clock = NoCredentialsClient(), FakeClock()
    fallback = RekognitionFallback(fake, settings(), clock=clock, backoff_s=0.0)
    for _ in range(20):
        fallback.detect(JPEG)
        clock.now += 2.0
    assert fake.calls == 1
    assert fallback.refused == "NoCredentialsError"
    assert fallback.breaker_state is BreakerState.CLOSED


# --------------------------------------------------------------------------- throttled


class ThrottledClient:
    """Every DetectFaces answer is a ThrottlingException (HTTP 400, as AWS sends it)."""

    def __init__(self) -> None:
        self.calls = 0
        self.throttle = True

    def detect_faces(self, **_: Any) -> dict[str, Any]:
        self.calls += 1
        if not self.throttle:
            return HAPPY
        raise ClientError({"Error": {"Code": "ThrottlingException", "Message": "Rate exceeded"},
                           "ResponseMetadata": {"HTTPStatusCode": 400}}, "DetectFaces")


def test_throttling_spaces_out_the_calls_exponentially() -> None:
    fake, clock = ThrottledClient(), FakeClock()
    fallback = RekognitionFallback(fake, settings(), clock=clock, backoff_s=0.0)
    starts: list[float] = []
    end = clock.now + 60.0
    while clock.now < end:  # the pipeline asks whenever the fallback is ready
        if fallback.ready():
            starts.append(clock.now)
            fallback.detect(JPEG)
        clock.now += 0.5
    # the old code: a call every 2 s, each tried 3 times: 90 billed calls in a minute
    assert fake.calls == fallback.calls_this_hour == 3 * len(starts)
    assert len(starts) <= 5
    gaps = [b - a for a, b in itertools.pairwise(starts)]
    assert gaps[0] >= 4.0
    assert all(later >= earlier for earlier, later in itertools.pairwise(gaps))
    assert fallback.status()["paused"] == "throttled"
    assert fallback.summary().startswith("throttled by AWS (next call in ")


def test_an_answer_ends_the_throttling_backoff() -> None:
    fake, clock = ThrottledClient(), FakeClock()
    fallback = RekognitionFallback(fake, settings(), clock=clock, backoff_s=0.0)
    for _ in range(4):  # 4 throttled calls in a row: the next wait is 32-64 s
        clock.now += fallback.pause_left_s() + 2.0
        fallback.detect(JPEG)
    assert fallback.pause_left_s() >= 32.0
    clock.now += fallback.pause_left_s()
    fake.throttle = False
    assert fallback.detect(JPEG) is not None
    assert fallback.pause_left_s() == 0.0
    fake.throttle = True
    clock.now += 2.0
    fallback.detect(JPEG)
    assert 4.0 <= fallback.pause_left_s() <= 8.0  # counting starts again


# --------------------------------------------------------------------------- captive portal


class _PortalHandler(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        self.server.posts += 1  # type: ignore[attr-defined]
        body = b"<html><body>Please log in to the hotel Wi-Fi</body></html>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass


@pytest.fixture
def portal() -> Iterator[HTTPServer]:
    server = HTTPServer(("127.0.0.1", 0), _PortalHandler)
    server.posts = 0  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, name="test-captive-portal")
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5.0)


def test_a_captive_portal_answer_is_a_network_failure(
    portal: HTTPServer, caplog: pytest.LogCaptureFixture
) -> None:
    config = Config(connect_timeout=1.0, read_timeout=2.0, retries={"max_attempts": 1})
    client = boto3.client("rekognition", region_name="us-east-1", config=config,
                          endpoint_url=f"http://127.0.0.1:{portal.server_address[1]}")
    clock = FakeClock()
    fallback = RekognitionFallback(client, settings(breaker_failures=3, breaker_cooldown_s=60.0),
                                   clock=clock, backoff_s=0.0)
    with caplog.at_level(logging.DEBUG):
        for _ in range(3):
            assert fallback.detect(JPEG) is None
            assert fallback.last_outcome == "error"  # the old code: "no face", healthy
            clock.now += 2.0
        assert fallback.breaker_state is BreakerState.OPEN
        assert not fallback.ready()
        clock.now += 60.0
        assert fallback.detect(JPEG) is None  # the trial meets the portal again
        assert fallback.breaker_state is BreakerState.OPEN
    assert portal.posts == 4  # type: ignore[attr-defined]
    assert fallback.last_error is not None
    assert "NotADetectFacesAnswer" in fallback.last_error and "text/html" in fallback.last_error
    warnings = own_records(caplog, logging.WARNING)
    assert len(warnings) == 1 and "Wi-Fi login page or a proxy" in warnings[0].getMessage()
    assert not any("reachable again" in r.getMessage() for r in caplog.records)
    assert fallback.summary().startswith("paused by the breaker")
