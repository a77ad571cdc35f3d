"""Fixtures for identity: a register in a temporary folder, a Rekognition client under
botocore's Stubber (shapes checked against the real model), a client that fails the
test on any call, a granted visit, a fake PutUsers recorder, a small face JPEG, a local
fake Rekognition collection on 127.0.0.1 and the real app pointed at it."""

from __future__ import annotations

import contextlib
import socket
import uuid
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import boto3
import cv2
import numpy as np
import pytest
from botocore.stub import Stubber

from kiosk.domain import Emotion
from kiosk.identity.consent import LookupGrant, VisitConsent
from kiosk.identity.register import IdentityRegister
from kiosk.identity.service import IdentityService

from .fake_rekognition import FakeCollection

COLLECTION = "kiosk-visitors"


class Clock:
    """Wall-clock stand-in (epoch seconds) moved by hand."""

    def __init__(self, now: float = 1_700_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance_days(self, days: float) -> None:
        self.now += days * 86_400.0


class RecordedUsers:
    """Stands in for `EventQueue.record_user`: remembers each PutUsers record."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, Emotion, Mapping[str, Any] | None]] = []

    def __call__(
        self, user_id: str, emotion: Emotion, properties: Mapping[str, Any] | None = None
    ) -> int:
        self.calls.append((user_id, emotion, properties))
        return len(self.calls)


class NoCallsClient:
    """A Rekognition stand-in that records and refuses every call: a visit without
    consent must leave `calls` empty."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    def __getattr__(self, name: str) -> Callable[..., Any]:
        def refuse(**_: Any) -> Any:
            self.calls.append(name)
            raise AssertionError(f"unexpected Rekognition call {name}")

        return refuse


class FakeWaits:
    """Replaces the service's cancel Event: records backoff waits instead of waiting."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    def wait(self, timeout: float | None = None) -> bool:
        self.waits.append(float(timeout or 0.0))
        return False

    def is_set(self) -> bool:
        return False

    def set(self) -> None:  # pragma: no cover - not used with fakes
        pass


def face_id() -> str:
    return str(uuid.uuid4())


def face_record(fid: str, user_id: str) -> dict[str, Any]:
    return {
        "Face": {"FaceId": fid, "ExternalImageId": user_id, "Confidence": 99.9,
                 "BoundingBox": {"Width": 0.5, "Height": 0.6, "Left": 0.2, "Top": 0.1}},
        "FaceDetail": {"Confidence": 99.9},
    }


def search_params(jpeg: bytes, threshold: float = 95.0) -> dict[str, Any]:
    return {"CollectionId": COLLECTION, "Image": {"Bytes": jpeg}, "MaxFaces": 1,
            "FaceMatchThreshold": threshold, "QualityFilter": "AUTO"}


def index_params(jpeg: bytes, user_id: str) -> dict[str, Any]:
    return {"CollectionId": COLLECTION, "Image": {"Bytes": jpeg}, "ExternalImageId": user_id,
            "MaxFaces": 1, "QualityFilter": "AUTO", "DetectionAttributes": ["DEFAULT"]}


def match_response(fid: str, user_id: str, similarity: float = 99.2) -> dict[str, Any]:
    return {
        "SearchedFaceBoundingBox": {"Width": 0.5, "Height": 0.6, "Left": 0.2, "Top": 0.1},
        "SearchedFaceConfidence": 99.9,
        "FaceMatches": [{"Similarity": similarity, "Face": {
            "FaceId": fid, "ExternalImageId": user_id, "Confidence": 99.9,
            "ImageId": str(uuid.uuid4()),
        }}],
        "FaceModelVersion": "7.0",
    }


NO_MATCH: dict[str, Any] = {"SearchedFaceConfidence": 99.9, "FaceMatches": [],
                            "FaceModelVersion": "7.0"}


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def register(tmp_path: Path, clock: Clock) -> IdentityRegister:
    return IdentityRegister(tmp_path / "data" / "identity.sqlite3", clock=clock)


@pytest.fixture
def client() -> Iterator[Any]:
    c = boto3.client("rekognition", region_name="us-east-1")
    yield c
    c.close()


@pytest.fixture
def stub(client: Any) -> Iterator[Stubber]:
    with Stubber(client) as stubber:
        yield stubber
        stubber.assert_no_pending_responses()


@pytest.fixture
def users() -> RecordedUsers:
    return RecordedUsers()


@pytest.fixture
def user_ids() -> Iterator[str]:
    return iter(f"user{i:04d}" for i in range(1, 10_000))


@pytest.fixture
def make_service(
    register: IdentityRegister, client: Any, users: RecordedUsers, user_ids: Iterator[str]
) -> Iterator[Callable[..., IdentityService]]:
    made: list[IdentityService] = []

    def make(**kwargs: Any) -> IdentityService:
        kwargs.setdefault("client", client)
        kwargs.setdefault("record_user", users)
        kwargs.setdefault("backoff_s", 0.0)
        kwargs.setdefault("new_user_id", lambda: next(user_ids))
        service = IdentityService(register, collection_id=COLLECTION, **kwargs)
        made.append(service)
        return service

    yield make
    for service in made:
        service.cancel()


@pytest.fixture
def consent() -> VisitConsent:
    c = VisitConsent(enabled=True)
    c.begin("visit-1")
    return c


@pytest.fixture
def grant(consent: VisitConsent) -> LookupGrant:
    consent.ask()
    consent.answer("yes")
    g = consent.claim_lookup(track_id=7)
    assert g is not None
    return g


@pytest.fixture
def frame() -> np.ndarray:
    """A 320x240 BGR frame with a face-sized bright patch (content does not matter to
    the stubbed service)."""
    rng = np.random.default_rng(3)
    image = rng.integers(0, 255, (240, 320, 3), dtype=np.uint8)
    cv2.circle(image, (160, 110), 50, (180, 200, 230), -1)
    return image


@pytest.fixture
def jpeg(frame: np.ndarray) -> bytes:
    ok, buf = cv2.imencode(".jpg", frame[50:170, 100:220])
    assert ok
    return bytes(buf.tobytes())


@pytest.fixture
def closed_port() -> int:
    """A local port nothing listens on (connection refused)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    return port


@pytest.fixture
def silent_endpoint() -> Iterator[str]:
    """A local endpoint that accepts connections (the kernel's backlog) and never
    answers: every request ends in a read timeout."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        s.listen(8)
        yield f"http://127.0.0.1:{s.getsockname()[1]}"


@pytest.fixture
def collection(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeCollection]:
    """A fake Rekognition face collection served on 127.0.0.1 (dummy credentials)."""
    for name, value in (("AWS_ACCESS_KEY_ID", "test"), ("AWS_SECRET_ACCESS_KEY", "test")):
        monkeypatch.setenv(name, value)
    with FakeCollection() as server:
        yield server


@contextlib.contextmanager
def identity_app(qtbot: Any, tmp_path: Path, video: Path,
                 collection: FakeCollection) -> Iterator[Any]:
    """The real app, started, with identity on against `collection` and `video` looped
    as its camera; shut down on exit."""
    from kiosk.app import Kiosk
    from kiosk.config import load_settings

    settings = load_settings(env={}, overrides={
        "camera.source": str(video), "camera.loop": "true",
        "app.data_dir": str(tmp_path / "data"), "app.log_dir": str(tmp_path / "log"),
        "identity.enabled": "true", "identity.collection_id": "kiosk-test",
        "aws.region": "us-east-1", "aws.endpoint_rekognition": collection.url,
        "aws.read_timeout_s": "5",
    })
    app = Kiosk(settings)
    qtbot.addWidget(app.window)
    app.start()
    try:
        yield app
    finally:
        app.shutdown()
