"""Rekognition calls for the identity service: the client made on first use (on the
worker thread, so boto3 never loads on the GUI thread), bounded retries, and short
failure reasons with a log line an operator can act on.

Throttling and 5xx answers are retried `max_retries` times with exponential backoff
(capped at `max_backoff_s`), waiting on a `threading.Event` so `cancel()` ends a wait
at once. Connection failures are not retried: a visitor is not kept waiting, and the
visit simply stays anonymous. Parameters (the face crop's bytes) are never logged.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from typing import Any

from kiosk.aws import error_code
from kiosk.vision.rekognition import SERVER_CODES, THROTTLE_CODES

log = logging.getLogger(__name__)

DELETE_CHUNK = 1000  # DeleteFaces takes at most 4096 face ids

_HINTS = {
    "AccessDeniedException": "; allow rekognition:SearchFacesByImage, IndexFaces and "
    "DeleteFaces on the collection for the kiosk's credentials",
    "ResourceNotFoundException": "; create the collection "
    "(`aws rekognition create-collection`) or fix [identity] collection_id",
}


class Cancelled(Exception):
    """`cancel()` was called: shutting down."""


class RekognitionCalls:
    def __init__(
        self,
        client: Any = None,
        client_factory: Callable[[], Any] | None = None,
        *,
        max_retries: int = 2,
        backoff_s: float = 0.5,
        max_backoff_s: float = 4.0,
    ) -> None:
        if client is None and client_factory is None:
            raise ValueError("give a Rekognition client or a client_factory")
        self.max_retries = max_retries
        self.backoff_s = backoff_s
        self.max_backoff_s = max_backoff_s
        self._client = client
        self._factory = client_factory
        self._lock = threading.Lock()
        self._cancel = threading.Event()
        self.last_error = ""

    def client(self) -> Any:
        with self._lock:
            if self._client is None:
                assert self._factory is not None
                self._client = self._factory()
            return self._client

    def cancel(self) -> None:
        self._cancel.set()

    def close(self) -> None:
        self.cancel()
        with self._lock:
            client, self._client = self._client, None
        closer = getattr(client, "close", None)
        if callable(closer):
            closer()

    def __call__(self, operation: str, **params: Any) -> dict[str, Any]:
        """One API call with bounded retries of throttling and 5xx answers; other
        errors are raised (botocore's) for the caller to turn into a `reason`."""
        from botocore.exceptions import ClientError

        for attempt in range(self.max_retries + 1):
            if self._cancel.is_set():
                raise Cancelled
            if attempt > 0:
                delay = min(self.backoff_s * (2 ** (attempt - 1)), self.max_backoff_s)
                if self._cancel.wait(delay):
                    raise Cancelled
            try:
                response: dict[str, Any] = getattr(self.client(), operation)(**params)
                return response
            except ClientError as exc:
                if attempt < self.max_retries and retryable(exc):
                    log.info("identity: %s answered %s; retry %d", operation,
                             error_code(exc), attempt + 1)
                    continue
                raise
        raise AssertionError("unreachable")  # pragma: no cover

    def delete_faces(
        self, collection_id: str, face_ids: Sequence[str]
    ) -> tuple[list[str], list[str], str]:
        """DeleteFaces in chunks: (deleted, not deleted, error). A face the collection
        no longer has (FACE_NOT_FOUND, or no collection at all) counts as deleted; after
        a network failure the remaining chunks are not tried."""
        from botocore.exceptions import ClientError

        deleted: list[str] = []
        pending: list[str] = []
        error = ""
        for start in range(0, len(face_ids), DELETE_CHUNK):
            chunk = list(face_ids[start:start + DELETE_CHUNK])
            if error:
                pending.extend(chunk)
                continue
            try:
                answer = self("delete_faces", CollectionId=collection_id, FaceIds=chunk)
            except ClientError as exc:
                if error_code(exc) == "ResourceNotFoundException":
                    log.warning("identity: collection %s not found; its faces are gone",
                                collection_id)
                    deleted.extend(chunk)
                else:
                    error = self.failure(exc, "delete")
                    pending.extend(chunk)
                continue
            except Cancelled:
                error = "cancelled"
                pending.extend(chunk)
                continue
            except Exception as exc:
                error = self.failure(exc, "delete")
                pending.extend(chunk)
                continue
            refused: dict[str, list[str]] = {
                u.get("FaceId", ""): list(u.get("Reasons") or [])
                for u in answer.get("UnsuccessfulFaceDeletions") or []
            }
            for face_id in chunk:
                reasons = refused.get(face_id)
                if reasons is None or "FACE_NOT_FOUND" in reasons:
                    deleted.append(face_id)
                else:
                    log.error("identity: face %s not deleted (%s); disassociate it from its "
                              "Rekognition user first", face_id, ", ".join(reasons))
                    pending.append(face_id)
        return deleted, pending, error

    def failure(self, exc: BaseException, what: str) -> str:
        """A short reason for a result ("offline", "throttled", "error: <code>"), and
        a log line an operator can act on."""
        from botocore.exceptions import (
            BotoCoreError,
            ClientError,
            HTTPClientError,
            NoCredentialsError,
        )
        from botocore.exceptions import ConnectionError as BotoConnectionError

        # EndpointConnectionError and ConnectTimeoutError are botocore ConnectionErrors;
        # ReadTimeoutError and ConnectionClosedError are HTTPClientErrors.
        if isinstance(exc, BotoConnectionError | HTTPClientError | ConnectionError | TimeoutError):
            reason = "offline"
            log.warning("identity %s: Rekognition unreachable (%s)", what, type(exc).__name__)
        elif isinstance(exc, ClientError):
            code = error_code(exc)
            if code in THROTTLE_CODES or status_of(exc) == 429:
                reason = "throttled"
            elif code in SERVER_CODES or status_of(exc) >= 500:
                reason = "service unavailable"
            else:
                reason = f"error: {code}"
            log.warning("identity %s: %s (after up to %d retries)%s", what, code,
                        self.max_retries, _HINTS.get(code, ""))
        elif isinstance(exc, NoCredentialsError):
            reason = "no AWS credentials"
            log.error("identity %s: no AWS credentials; set them up for the kiosk", what)
        elif isinstance(exc, BotoCoreError):
            reason = f"error: {type(exc).__name__}"
            log.error("identity %s: %s", what, exc)
        else:
            reason = f"error: {type(exc).__name__}"
            log.error("identity %s failed", what, exc_info=exc)
        self.last_error = f"{what}: {reason}"
        return reason


def status_of(exc: Any) -> int:
    response = getattr(exc, "response", None) or {}
    return int(response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0) or 0)


def retryable(exc: Any) -> bool:
    code = error_code(exc)
    status = status_of(exc)
    return code in THROTTLE_CODES or code in SERVER_CODES or status == 429 or status >= 500
