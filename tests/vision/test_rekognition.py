"""Rekognition fallback: request shape, parsing, retries, breaker, rate limit, timeouts.

AWS shapes go through botocore's Stubber (which validates the request against the
real service model); network faults use a closed port and a stalling local server.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import boto3
import cv2
import numpy as np
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from botocore.stub import Stubber

from kiosk.config import AwsSettings, RekognitionSettings
from kiosk.domain import Box, Emotion
from kiosk.testing import FakeClock
from kiosk.vision.errors import VisionError
from kiosk.vision.rekognition import (
    BreakerState,
    RekognitionFallback,
    encode_face_crop,
    make_fallback,
)
from kiosk.vision.rekognition_budget import CallLog

JPEG = b"\xff\xd8\xff\xe0fake-face-crop\xff\xd9"


def settings(**overrides: Any) -> RekognitionSettings:
    values: dict[str, Any] = {
        "enabled": True,
        "min_interval_s": 2.0,
        "hourly_budget": 600,
        "breaker_failures": 3,
        "breaker_cooldown_s": 60.0,
    }
    values.update(overrides)
    return RekognitionSettings(**values)


def detail(emotions: dict[str, float], *, size: float = 0.5, gender: str | None = None
           ) -> dict[str, Any]:
    d: dict[str, Any] = {
        "BoundingBox": {"Width": size, "Height": size, "Left": 0.1, "Top": 0.1},
        "Confidence": 99.9,
        "Emotions": [{"Type": k, "Confidence": v} for k, v in emotions.items()],
    }
    if gender is not None:
        d["Gender"] = {"Value": gender, "Confidence": 97.5}
    return d


HAPPY_FACE = detail({"CALM": 5.0, "HAPPY": 90.0, "SAD": 1.0})


def expected(*attributes: str) -> dict[str, Any]:
    return {"Image": {"Bytes": JPEG}, "Attributes": list(attributes) or ["EMOTIONS"]}


@pytest.fixture
def client() -> Any:
    return boto3.client("rekognition", region_name="us-east-1")


@pytest.fixture
def stubber(client: Any) -> Iterator[Stubber]:
    with Stubber(client) as stub:
        yield stub


def make(client: Any, clock: FakeClock | None = None, **overrides: Any) -> RekognitionFallback:
    return RekognitionFallback(
        client, settings(**overrides), clock=clock or FakeClock(), backoff_s=0.0
    )


# --------------------------------------------------------------------------- shape


def test_request_asks_for_emotions_only_by_default(client: Any, stubber: Stubber) -> None:
    stubber.add_response("detect_faces", {"FaceDetails": [HAPPY_FACE]}, expected("EMOTIONS"))
    result = make(client).analyze(JPEG)
    stubber.assert_no_pending_responses()
    assert result is not None and result.gender is None
    assert result.reading.emotion is Emotion.HAPPY


def test_gender_is_asked_and_returned_only_when_enabled(client: Any, stubber: Stubber) -> None:
    face = detail({"SAD": 80.0, "CALM": 20.0}, gender="Female")
    stubber.add_response("detect_faces", {"FaceDetails": [face]}, expected("EMOTIONS", "GENDER"))
    fallback = make(client, gender_segment=True)
    result = fallback.analyze(JPEG)
    stubber.assert_no_pending_responses()
    assert result is not None
    assert result.gender == "Female" and result.gender_confidence == pytest.approx(97.5)
    assert fallback.last_gender == "Female"


def test_gender_in_the_answer_is_ignored_when_not_asked(client: Any, stubber: Stubber) -> None:
    face = detail({"SAD": 80.0}, gender="Male")
    stubber.add_response("detect_faces", {"FaceDetails": [face]}, expected("EMOTIONS"))
    result = make(client).analyze(JPEG)
    assert result is not None and result.gender is None


def test_highest_confidence_wins_whatever_the_order(client: Any, stubber: Stubber) -> None:
    unordered = detail({
        "CALM": 10.0, "UNKNOWN": 40.0, "FEAR": 2.0, "SURPRISED": 55.0, "HAPPY": 20.0,
        "SAD": 5.0, "ANGRY": 3.0, "CONFUSED": 4.0, "DISGUSTED": 1.0,
    })
    stubber.add_response("detect_faces", {"FaceDetails": [unordered]}, expected())
    reading = make(client).detect(JPEG)
    assert reading is not None
    assert reading.emotion is Emotion.SURPRISED and reading.source == "rekognition"
    assert set(reading.probabilities) == set(Emotion)
    assert sum(reading.probabilities.values()) == pytest.approx(1.0)
    assert reading.probabilities[Emotion.SURPRISED] == pytest.approx(55.0 / 100.0)
    assert reading.confidence == pytest.approx(reading.probabilities[Emotion.SURPRISED])
    assert not reading.uncertain


def test_largest_face_in_the_crop_is_used(client: Any, stubber: Stubber) -> None:
    small = detail({"ANGRY": 99.0}, size=0.1)
    large = detail({"CALM": 70.0, "HAPPY": 30.0}, size=0.6)
    stubber.add_response("detect_faces", {"FaceDetails": [small, large]}, expected())
    reading = make(client).detect(JPEG)
    assert reading is not None and reading.emotion is Emotion.CALM


def test_no_face_is_none_without_error(client: Any, stubber: Stubber) -> None:
    stubber.add_response("detect_faces", {"FaceDetails": []}, expected())
    fallback = make(client)
    assert fallback.detect(JPEG) is None
    assert fallback.last_outcome == "no face" and fallback.last_error is None


# --------------------------------------------------------------------------- retries


def test_throttling_is_retried_then_succeeds(client: Any, stubber: Stubber) -> None:
    stubber.add_client_error("detect_faces", "ThrottlingException", "slow down",
                             http_status_code=400, expected_params=expected())
    stubber.add_response("detect_faces", {"FaceDetails": [HAPPY_FACE]}, expected())
    fallback = make(client)
    reading = fallback.detect(JPEG)
    stubber.assert_no_pending_responses()
    assert reading is not None and reading.emotion is Emotion.HAPPY
    assert fallback.calls_this_hour == 2  # the retry is billed too
    assert fallback.last_error is None and fallback.last_outcome == "ok"


def test_at_most_two_retries(client: Any, stubber: Stubber) -> None:
    for _ in range(3):
        stubber.add_client_error("detect_faces", "ThrottlingException", http_status_code=400)
    stubber.add_response("detect_faces", {"FaceDetails": [HAPPY_FACE]})
    fallback = make(client)
    assert fallback.detect(JPEG) is None
    assert fallback.calls_this_hour == 3
    assert fallback.last_error is not None and "ThrottlingException" in fallback.last_error
    assert fallback.breaker_state is BreakerState.CLOSED  # throttled is not a network failure
    with pytest.raises(AssertionError):
        stubber.assert_no_pending_responses()  # the success was never asked for


@pytest.mark.parametrize(
    "code", ["InvalidImageFormatException", "ImageTooLargeException", "InvalidParameterException"]
)
def test_image_and_parameter_errors_are_not_retried(
    client: Any, stubber: Stubber, code: str
) -> None:
    stubber.add_client_error("detect_faces", code, "bad image", http_status_code=400)
    stubber.add_response("detect_faces", {"FaceDetails": [HAPPY_FACE]})
    fallback = make(client)
    assert fallback.detect(JPEG) is None
    assert fallback.calls_this_hour == 1
    assert fallback.last_error is not None and code in fallback.last_error
    with pytest.raises(AssertionError):
        stubber.assert_no_pending_responses()


def test_cancel_interrupts_the_backoff_wait() -> None:
    class ThrottlingClient:
        calls = 0

        def detect_faces(self, **_: Any) -> dict[str, Any]:
            self.calls += 1
            fallback.cancel()  # as close() would, from another thread
            raise ClientError({"Error": {"Code": "ThrottlingException", "Message": "x"},
                               "ResponseMetadata": {"HTTPStatusCode": 400}}, "DetectFaces")

    fake = ThrottlingClient()
    fallback = RekognitionFallback(fake, settings(), clock=FakeClock(), backoff_s=30.0)
    started = time.monotonic()
    assert fallback.detect(JPEG) is None
    assert time.monotonic() - started < 5.0
    assert fake.calls == 1 and fallback.last_outcome == "cancelled"
    assert not fallback.ready()


def test_unexpected_exceptions_become_none() -> None:
    class BrokenClient:
        def detect_faces(self, **_: Any) -> dict[str, Any]:
            raise RuntimeError("boom")

    fallback = RekognitionFallback(BrokenClient(), settings(), clock=FakeClock())
    assert fallback.detect(JPEG) is None
    assert fallback.last_error is not None and "boom" in fallback.last_error


# --------------------------------------------------------------------------- breaker


def test_breaker_opens_after_consecutive_server_errors_then_trial_closes_it(
    client: Any, stubber: Stubber
) -> None:
    clock = FakeClock()
    fallback = make(client, clock, breaker_failures=2, breaker_cooldown_s=60.0)
    for _ in range(2 * 3):  # two calls, each tried three times
        stubber.add_client_error("detect_faces", "InternalServerError", http_status_code=500)
    for _ in range(2):
        assert fallback.detect(JPEG) is None
        clock.now += 2.0
    assert fallback.breaker_open and fallback.breaker_state is BreakerState.OPEN
    stubber.assert_no_pending_responses()

    stubber.add_response("detect_faces", {"FaceDetails": [HAPPY_FACE]})
    assert not fallback.ready()
    assert fallback.detect(JPEG) is None and fallback.last_outcome == "breaker open"
    clock.now += 60.0
    assert fallback.ready()
    assert fallback.detect(JPEG) is not None  # the trial call
    assert not fallback.breaker_open
    stubber.assert_no_pending_responses()


def test_client_errors_reset_the_failure_count(client: Any, stubber: Stubber) -> None:
    clock = FakeClock()
    fallback = make(client, clock, breaker_failures=2)
    for _ in range(3):
        stubber.add_client_error("detect_faces", "InternalServerError", http_status_code=500)
    stubber.add_client_error("detect_faces", "InvalidImageFormatException")
    for _ in range(3):
        stubber.add_client_error("detect_faces", "InternalServerError", http_status_code=500)
    for _ in range(3):
        assert fallback.detect(JPEG) is None
        clock.now += 2.0
    assert not fallback.breaker_open


def _closed_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _local_client(port: int, read_timeout: float = 0.3) -> Any:
    config = Config(connect_timeout=1.0, read_timeout=read_timeout,
                    retries={"max_attempts": 1, "mode": "standard"})
    return boto3.client("rekognition", region_name="us-east-1",
                        endpoint_url=f"http://127.0.0.1:{port}", config=config)


def test_breaker_opens_after_connection_failures_and_reopens_on_failed_trial() -> None:
    clock = FakeClock()
    fallback = RekognitionFallback(
        _local_client(_closed_port()), settings(breaker_failures=3, breaker_cooldown_s=30.0),
        clock=clock, backoff_s=0.0,
    )
    for i in range(3):
        assert not fallback.breaker_open, i
        assert fallback.detect(JPEG) is None
        assert fallback.last_error is not None and "network" in fallback.last_error
        clock.now += 2.0
    assert fallback.breaker_state is BreakerState.OPEN
    assert fallback.calls_this_hour == 3  # connection failures are not retried
    assert fallback.detect(JPEG) is None and fallback.last_outcome == "breaker open"
    assert fallback.calls_this_hour == 3
    clock.now += 30.0
    assert fallback.detect(JPEG) is None  # the trial fails ...
    assert fallback.breaker_state is BreakerState.OPEN  # ... and the breaker opens again
    assert fallback.calls_this_hour == 4
    clock.now += 10.0
    assert not fallback.ready()


class _StallingHandler(BaseHTTPRequestHandler):
    release: threading.Event

    def do_POST(self) -> None:
        self.server.got_request.set()  # type: ignore[attr-defined]
        self.server.release.wait(5.0)  # type: ignore[attr-defined]

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass


@pytest.fixture
def stalling_server() -> Iterator[HTTPServer]:
    server = HTTPServer(("127.0.0.1", 0), _StallingHandler)
    server.release = threading.Event()  # type: ignore[attr-defined]
    server.got_request = threading.Event()  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, name="test-stalling-server")
    thread.start()
    try:
        yield server
    finally:
        server.release.set()  # type: ignore[attr-defined]
        server.shutdown()
        server.server_close()
        thread.join(timeout=5.0)


def test_read_timeout_against_a_stalling_server(stalling_server: HTTPServer) -> None:
    port = int(stalling_server.server_address[1])
    fallback = RekognitionFallback(
        _local_client(port, read_timeout=0.3), settings(breaker_failures=1),
        clock=FakeClock(), backoff_s=0.0,
    )
    started = time.monotonic()
    assert fallback.detect(JPEG) is None
    elapsed = time.monotonic() - started
    assert stalling_server.got_request.is_set()  # type: ignore[attr-defined]
    assert elapsed < 2.0
    assert fallback.last_error is not None and "ReadTimeout" in fallback.last_error
    assert fallback.breaker_open  # a timeout is a network failure


# --------------------------------------------------------------------------- rate limit


def test_min_interval_between_calls(client: Any, stubber: Stubber) -> None:
    clock = FakeClock()
    fallback = make(client, clock, min_interval_s=2.0)
    stubber.add_response("detect_faces", {"FaceDetails": [HAPPY_FACE]})
    stubber.add_response("detect_faces", {"FaceDetails": [HAPPY_FACE]})
    assert fallback.detect(JPEG) is not None
    clock.now += 1.0
    assert not fallback.ready()
    assert fallback.detect(JPEG) is None and fallback.last_outcome == "rate limited"
    clock.now += 1.0
    assert fallback.detect(JPEG) is not None
    stubber.assert_no_pending_responses()


def test_hourly_budget_is_a_sliding_window(client: Any, stubber: Stubber) -> None:
    clock = FakeClock(0.0)
    fallback = make(client, clock, min_interval_s=1.0, hourly_budget=3)
    for _ in range(4):
        stubber.add_response("detect_faces", {"FaceDetails": [HAPPY_FACE]})
    for _ in range(3):
        assert fallback.detect(JPEG) is not None
        clock.now += 600.0
    assert fallback.calls_this_hour == 3
    assert fallback.detect(JPEG) is None and fallback.last_outcome == "hourly budget used"
    clock.now = 3600.0  # the first call (t=0) leaves the window
    assert fallback.calls_this_hour == 2
    assert fallback.detect(JPEG) is not None
    stubber.assert_no_pending_responses()


def test_zero_budget_never_calls(client: Any, stubber: Stubber) -> None:
    fallback = make(client, hourly_budget=0)
    assert not fallback.ready()
    assert fallback.detect(JPEG) is None
    stubber.assert_no_pending_responses()


def test_status_snapshot(client: Any) -> None:
    status = make(client).status()
    assert status["breaker"] == "closed" and status["calls_this_hour"] == 0
    assert status["last_error"] is None


def test_make_fallback_only_when_enabled() -> None:
    aws = AwsSettings(region="us-east-1")
    assert make_fallback(RekognitionSettings(enabled=False), aws) is None
    assert isinstance(make_fallback(RekognitionSettings(enabled=True), aws), RekognitionFallback)


# --------------------------------------------------------------------------- crop


def _image() -> np.ndarray:
    return np.random.default_rng(3).integers(0, 256, size=(720, 1280, 3), dtype=np.uint8)


def _size(jpeg: bytes) -> tuple[int, int]:
    decoded = cv2.imdecode(np.frombuffer(jpeg, np.uint8), cv2.IMREAD_COLOR)
    assert decoded is not None
    return int(decoded.shape[0]), int(decoded.shape[1])


def test_face_crop_is_the_box_with_margin_not_the_frame() -> None:
    jpeg = encode_face_crop(_image(), Box(600, 300, 700, 420), margin=0.25)
    assert _size(jpeg) == (180, 150)  # 120 + 2*30 high, 100 + 2*25 wide


def test_face_crop_is_clipped_scaled_down_and_up() -> None:
    big = encode_face_crop(_image(), Box(0, 0, 1000, 700), max_side=480)
    h, w = _size(big)
    assert max(h, w) == 480
    tiny = encode_face_crop(_image(), Box(10, 10, 30, 30))
    h, w = _size(tiny)
    assert min(h, w) >= 80


def test_face_crop_outside_the_frame_raises() -> None:
    with pytest.raises(VisionError):
        encode_face_crop(_image(), Box(5000, 5000, 5100, 5100))


# --------------------------------------------------------------------------- budget on disk


def test_the_hourly_budget_survives_a_restart(client: Any, stubber: Stubber,
                                              tmp_path: Any,
                                              caplog: pytest.LogCaptureFixture) -> None:
    """Issue 18: 5 calls, restart, 5 more in the same hour must not happen."""
    path = tmp_path / "rekognition_budget.json"
    clock, wall = FakeClock(0.0), FakeClock(1_700_000_000.0)
    first = RekognitionFallback(client, settings(hourly_budget=3, min_interval_s=1.0),
                                clock=clock, backoff_s=0.0, budget_path=path)
    first._calls = CallLog(path, clock=clock, wall_clock=wall)
    for _ in range(3):
        stubber.add_response("detect_faces", {"FaceDetails": [HAPPY_FACE]})
        assert first.detect(JPEG) is not None
        clock.now += 60.0
        wall.now += 60.0
    # "restart": a new process, a new monotonic clock, ten minutes later
    wall.now += 600.0
    clock2 = FakeClock(5.0)
    second = RekognitionFallback(client, settings(hourly_budget=3, min_interval_s=1.0),
                                 clock=clock2, backoff_s=0.0)
    second._calls = CallLog(path, clock=clock2, wall_clock=wall)
    assert second.calls_this_hour == 3
    with caplog.at_level("WARNING", logger="kiosk.vision.rekognition"):
        assert not second.ready()
        assert second.detect(JPEG) is None and second.last_outcome == "hourly budget used"
        assert second.detect(JPEG) is None
    warnings = [r for r in caplog.records if "hourly budget of 3" in r.getMessage()]
    assert len(warnings) == 1  # logged once, not per frame
    # the first call leaves the window an hour after it was made
    wall.now += 3600.0 - 780.0
    clock2.now += 3600.0 - 780.0
    third = CallLog(path, clock=clock2, wall_clock=wall)
    assert len(third) == 2
    stubber.assert_no_pending_responses()


def test_an_unreadable_budget_file_costs_only_the_memory(tmp_path: Any) -> None:
    path = tmp_path / "rekognition_budget.json"
    path.write_text("not json", encoding="utf-8")
    log = CallLog(path, clock=FakeClock(0.0))
    assert len(log) == 0
    log.add()
    assert len(CallLog(path, clock=FakeClock(0.0))) == 1  # rewritten, readable again


def test_an_unwritable_budget_file_keeps_counting(tmp_path: Any) -> None:
    folder = tmp_path / "not-a-folder"
    folder.write_text("a file where the folder should be", encoding="utf-8")
    log = CallLog(folder / "rekognition_budget.json", clock=FakeClock(0.0))
    log.add()
    log.add()
    assert len(log) == 2


def test_the_admin_summary_says_reachable_paused_and_budget(client: Any,
                                                            stubber: Stubber) -> None:
    clock = FakeClock()
    fallback = make(client, clock, breaker_failures=1, breaker_cooldown_s=60.0,
                    hourly_budget=4)
    assert fallback.summary() == "not called yet; 0/4 calls this hour"
    stubber.add_response("detect_faces", {"FaceDetails": [HAPPY_FACE]})
    fallback.detect(JPEG)
    assert fallback.summary() == "reachable; 1/4 calls this hour"
    for _ in range(3):
        stubber.add_client_error("detect_faces", "InternalServerError", "down", 500)
    clock.now += 5.0
    fallback.detect(JPEG)
    line = fallback.summary()
    # one call and two retries, all billed: the budget is used up too
    assert line.startswith("paused by the breaker (retry in 60 s); 4/4 calls this hour")
    assert "(budget used)" in line and "last error: InternalServerError" in line
