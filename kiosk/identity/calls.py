"""Rekognition calls for the identity service: the client made on first use (on the
worker thread, so boto3 never loads on the GUI thread), bounded retries, and short
failure reasons with a log line an operator can act on.

The policy is the kiosk's one AWS call policy (`kiosk.aws`): throttling and 5xx
answers are retried `max_retries` times with the shared full-jitter backoff (capped
at `max_backoff_s`), waiting on a `threading.Event` so `cancel()` ends a wait at
once. Connection failures are not retried: a visitor is not kept waiting, and the
visit simply stays anonymous. A circuit breaker (`kiosk.aws.CircuitBreaker`) stops
calling after `breaker_failures` network failures in a row for `breaker_cooldown_s`,
so a dead network costs a visitor no timeout at all; calls refused by it raise
`Paused`. Parameters (the face crop's bytes) are never logged.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any

from kiosk.aws import (
    Backoff,
    Cancelled,
    CircuitBreaker,
    ErrorKind,
    classify,
    error_code,
    http_status,
    retry_call,
)
from kiosk.identity.errors import IdentityError

log = logging.getLogger(__name__)

DELETE_CHUNK = 1000  # DeleteFaces takes at most 4096 face ids

_HINTS = {
    "AccessDeniedException": "; allow rekognition:SearchFacesByImage, IndexFaces and "
    "DeleteFaces on the collection for the kiosk's credentials",
    "ResourceNotFoundException": "; create the collection "
    "(`aws rekognition create-collection`) or fix [identity] collection_id",
}


RETRY_KINDS = frozenset({ErrorKind.THROTTLED, ErrorKind.SERVER})

__all__ = ["Cancelled", "Paused", "RekognitionCalls"]


class Paused(IdentityError):
    """The circuit breaker refuses calls: Rekognition was unreachable just now."""


class RekognitionCalls:
    def __init__(
        self,
        client: Any = None,
        client_factory: Callable[[], Any] | None = None,
        *,
        max_retries: int = 2,
        backoff_s: float = 0.5,
        max_backoff_s: float = 4.0,
        breaker_failures: int = 3,
        breaker_cooldown_s: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
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
        self.backoff = Backoff(base_s=backoff_s, cap_s=max(backoff_s, max_backoff_s))
        self.breaker = CircuitBreaker("identity (Rekognition)", failures=breaker_failures,
                                      cooldown_s=breaker_cooldown_s, clock=clock)
        self.last_error = ""
        self.last_ok_at: float | None = None  # time.time() of the last answer from the service

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
        errors are raised (botocore's) for the caller to turn into a `reason`.
        Raises `Cancelled` after `cancel()` and `Paused` while the breaker is open."""
        refusal = self.breaker.admit()
        if refusal is not None:
            raise Paused(f"Rekognition {refusal} (retry in {self.breaker.retry_in_s():.0f} s)")
        try:
            response: dict[str, Any] = retry_call(
                lambda: getattr(self.client(), operation)(**params),
                backoff=self.backoff, retries=self.max_retries, stop=self._cancel,
                retry_on=RETRY_KINDS, what=f"identity {operation}",
            )
        except Cancelled:
            self.breaker.release_trial()
            raise
        except Exception as exc:
            if classify(exc).unreachable:
                self.breaker.record_failure()
            elif http_status(exc) is not None:
                self._answered()
            else:
                self.breaker.release_trial()
            raise
        self._answered()
        return response

    def _answered(self) -> None:
        self.breaker.record_success()
        self.last_ok_at = time.time()
        self.last_error = ""  # a stale error line clears once the service answers

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
            except Paused as exc:
                error = self.failure(exc, "delete")
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
        """A short reason for a result ("offline", "throttled", "service unavailable",
        "paused", "no AWS credentials", "error: <code>"), and a log line an operator
        can act on."""
        if isinstance(exc, Paused):
            reason = "paused"
            log.info("identity %s: %s", what, exc)
            self.last_error = f"{what}: {reason}"
            return reason
        kind = classify(exc)
        code = error_code(exc)
        if kind is ErrorKind.OFFLINE:
            reason = "offline"
            log.warning("identity %s: Rekognition unreachable (%s)", what, type(exc).__name__)
        elif kind is ErrorKind.THROTTLED:
            reason = "throttled"
        elif kind is ErrorKind.SERVER:
            reason = "service unavailable"
        elif kind is ErrorKind.REFUSED and http_status(exc) is None:
            reason = "no AWS credentials"
            log.error("identity %s: %s; set up AWS credentials for the kiosk", what, code)
        else:
            reason = f"error: {code}"
        if kind in (ErrorKind.THROTTLED, ErrorKind.SERVER) or (
            reason.startswith("error") and http_status(exc) is not None
        ):
            log.warning("identity %s: %s (after up to %d retries)%s", what, code,
                        self.max_retries, _HINTS.get(code, ""))
        elif reason.startswith("error"):
            log.error("identity %s failed: %s", what, code, exc_info=exc)
        self.last_error = f"{what}: {reason}"
        return reason
