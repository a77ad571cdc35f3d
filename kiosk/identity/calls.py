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

Answers no retry fixes hold all identity calls back (`kiosk.aws.CallPause`, shared with
the Rekognition fallback), so identify, enrol, delete and reconcile all stop together:

* refused (`ErrorKind.REFUSED`: AccessDenied, UnrecognizedClient, InvalidSignature, an
  expired token, no credentials): no call for `REFUSED_PAUSE_S` (30 min), then one
  trial; one ERROR per refusal episode names `rekognition:<Operation>`, the collection
  and what to do; calls meanwhile raise `Paused` with reason "refused by AWS";
* throttled after the retries: the next calls wait too, longer with each throttled
  call in a row (4-8 s, 8-16 s, ... up to 5-10 min), until an answer that is not
  throttling; calls meanwhile raise `Paused` with reason "throttled".

A refusal of the `[aws]` credentials themselves (not of one action's permission) is also
told to the `kiosk.aws.CredentialsRefusal` shared with the Rekognition fallback, which
uses the same credentials: while the fallback learned one, no identity call goes out
either (`Paused`, "refused by AWS"), and one ERROR covers both parts.

A `200 OK` that is not the operation's answer (none of its fields: a captive portal or
a proxy answered) raises `NotAnAnswer` and counts as a network failure for the breaker;
in particular a DeleteFaces "answer" from a Wi-Fi login page never counts as deleted.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any

from kiosk.aws import (
    IDENTITY,
    REFUSED,
    REFUSED_PAUSE_S,
    THROTTLED,
    Backoff,
    CallPause,
    Cancelled,
    CircuitBreaker,
    CredentialsRefusal,
    ErrorKind,
    Refusal,
    about_credentials,
    classify,
    error_code,
    error_message,
    http_status,
    retry_call,
)
from kiosk.identity.errors import IdentityError

log = logging.getLogger(__name__)

DELETE_CHUNK = 1000  # DeleteFaces takes at most 4096 face ids

_HINTS = {
    "ResourceNotFoundException": "; create the collection "
    "(`aws rekognition create-collection`) or fix [identity] collection_id",
}
PERMISSIONS = ("rekognition:SearchFacesByImage, rekognition:IndexFaces, "
               "rekognition:DeleteFaces and rekognition:ListFaces")
# An answer of each operation has at least one of these fields; a `200 OK` with none of
# them came from something else (a captive portal, a proxy)
ANSWER_FIELDS = {
    "search_faces_by_image": ("FaceMatches", "SearchedFaceBoundingBox",
                              "SearchedFaceConfidence", "FaceModelVersion"),
    "index_faces": ("FaceRecords", "UnindexedFaces", "FaceModelVersion",
                    "OrientationCorrection"),
    "delete_faces": ("DeletedFaces", "UnsuccessfulFaceDeletions"),
    "list_faces": ("Faces", "NextToken", "FaceModelVersion"),
}
NOT_AN_ANSWER = "NotARekognitionAnswer"


RETRY_KINDS = frozenset({ErrorKind.THROTTLED, ErrorKind.SERVER})

__all__ = ["Cancelled", "NotAnAnswer", "Paused", "RekognitionCalls", "api_name"]


class Paused(IdentityError):
    """No call was made: the circuit breaker is open (Rekognition was unreachable just
    now; `reason` "paused"), AWS refused the calls ("refused by AWS") or throttled them
    ("throttled")."""

    def __init__(self, message: str, reason: str = "paused") -> None:
        super().__init__(message)
        self.reason = reason


class NotAnAnswer(IdentityError):
    """A `200 OK` that is not the operation's answer (a captive portal or a proxy)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.response = {"Error": {"Code": NOT_AN_ANSWER, "Message": message}}


def api_name(operation: str) -> str:
    """boto3's method name as the API and IAM say it: search_faces_by_image ->
    SearchFacesByImage."""
    return "".join(part[:1].upper() + part[1:] for part in operation.split("_"))


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
        throttle_backoff: Backoff | None = None,
        credentials: CredentialsRefusal | None = None,
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
        self.pause = CallPause(clock=clock, throttle_backoff=throttle_backoff)
        self.credentials = credentials  # shared with the Rekognition fallback (kiosk.app)
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

    def held(self) -> str | None:
        """Why a call would not be made now ("refused by AWS", "throttled", "paused"
        by the breaker), or None. No side effects."""
        paused = self.pause.refusal()
        if paused is not None:
            return paused
        if self.credentials_refused() is not None:
            return REFUSED
        return "paused" if self.breaker.refusal() is not None else None

    def held_back(self) -> tuple[str, float] | None:
        """(REFUSED or THROTTLED, seconds left) while AWS's answers hold the calls back
        (its own, or the fallback's refusal of the shared credentials), else None. The
        breaker's pause is not one: it is about the network, whose return nothing
        announces, so the callers keep their own backoff for it."""
        reason = self.pause.refusal()
        left = self.pause.left_s() if reason is not None else 0.0
        shared = self.credentials_refused()
        if shared is not None and shared.left_s > left:
            return REFUSED, shared.left_s
        return None if reason is None else (reason, left)

    def credentials_refused(self) -> Refusal | None:
        """The refusal of the shared `[aws]` credentials that another part (the
        Rekognition fallback) got, while it holds these calls back; else None."""
        return self.credentials.holding(IDENTITY) if self.credentials is not None else None

    def __call__(self, operation: str, **params: Any) -> dict[str, Any]:
        """One API call with bounded retries of throttling and 5xx answers; other
        errors are raised (botocore's) for the caller to turn into a `reason`.
        Raises `Cancelled` after `cancel()`, `Paused` while calls are held back
        (module docstring) and `NotAnAnswer` for a `200 OK` from something else."""
        paused = self.pause.refusal()
        if paused is not None:
            raise Paused(f"Rekognition {paused} (next try in {self.pause.left_s():.0f} s)",
                         paused)
        shared = self.credentials_refused()
        if shared is not None:
            raise Paused(f"Rekognition {REFUSED}: the [aws] credentials were refused "
                         f"({shared.code}) on a Rekognition fallback call (next try in "
                         f"{shared.left_s:.0f} s)", REFUSED)
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
            kind = classify(exc)
            if kind is not ErrorKind.THROTTLED:
                self.pause.end_throttling()
            if kind.unreachable:
                self.breaker.record_failure()
            elif http_status(exc) is not None:
                self._answered()
                if kind is not ErrorKind.REFUSED:  # it took the credentials
                    self.pause.end_refusal()
                if not about_credentials(error_code(exc)):  # AccessDenied too: signed right
                    self._credentials_work()
            else:
                self.breaker.release_trial()
            if kind is ErrorKind.REFUSED:
                self._refused(exc, operation, params.get("CollectionId"))
            elif kind is ErrorKind.THROTTLED and http_status(exc) is not None:
                self._throttled(operation)
            raise
        fields = ANSWER_FIELDS.get(operation)
        if fields is not None and not any(f in response for f in fields):
            self.breaker.record_failure()
            raise NotAnAnswer(_not_an_answer(operation, response))
        self._answered()
        self.pause.answered()
        self._credentials_work()
        return response

    def _credentials_work(self) -> None:
        if self.credentials is not None:
            self.credentials.accepted()

    def _refused(self, exc: BaseException, operation: str, collection: object) -> None:
        """AWS refused the credentials or permissions: no identity call for 30 min."""
        code = error_code(exc)
        new = self.pause.refuse(code)
        shared = self.credentials is not None and about_credentials(code)
        if shared:
            assert self.credentials is not None
            new = self.credentials.refuse(code, IDENTITY)  # one ERROR for both parts
        if not new:
            log.info("identity: rekognition:%s still refused (%s); no identity calls for "
                     "another %.0f min", api_name(operation), code, REFUSED_PAUSE_S / 60)
            return
        log.error("identity: rekognition:%s on collection %s refused by AWS (%s: %s): no "
                  "face lookups, enrolments or deletions for %.0f min (deletions stay "
                  "pending and are retried after)%s. Grant the kiosk's IAM user or role %s "
                  "on the collection, or fix the [aws] credentials (profile, keys, clock), "
                  "then restart the kiosk; or set [identity] enabled = false",
                  api_name(operation), collection or "?", code, error_message(exc),
                  REFUSED_PAUSE_S / 60,
                  "; the Rekognition fallback uses the same [aws] credentials and sends no "
                  "face crops either" if shared else "", PERMISSIONS)

    def _throttled(self, operation: str) -> None:
        delay = self.pause.throttle()
        log.info("identity: rekognition:%s throttled %d time(s) in a row after %d retries; "
                 "no identity calls for %.1f s", api_name(operation),
                 self.pause.throttled_in_a_row, self.max_retries, delay)

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
        "paused", "refused by AWS", "error: <code>"), and a log line an operator can act
        on (a refusal was logged by the call: once per episode)."""
        if isinstance(exc, Paused):
            reason = exc.reason
            # a refusal was logged as an ERROR once; each call held back is only DEBUG
            log.log(logging.DEBUG if reason == REFUSED else logging.INFO,
                    "identity %s: %s", what, exc)
            if reason != REFUSED or not self.last_error:
                self.last_error = f"{what}: {reason}"
            return reason
        if isinstance(exc, NotAnAnswer):
            log.warning("identity %s: %s", what, exc)
            self.last_error = f"{what}: {NOT_AN_ANSWER}"
            return "offline"
        kind = classify(exc)
        code = error_code(exc)
        if kind is ErrorKind.OFFLINE:
            reason = "offline"
            log.warning("identity %s: Rekognition unreachable (%s)", what, type(exc).__name__)
        elif kind is ErrorKind.THROTTLED:
            reason = THROTTLED
        elif kind is ErrorKind.SERVER:
            reason = "service unavailable"
        elif kind is ErrorKind.REFUSED:
            reason = REFUSED
            self.last_error = f"{what}: {reason} ({code})"
            return reason
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


def _not_an_answer(operation: str, response: dict[str, Any]) -> str:
    meta = response.get("ResponseMetadata") or {}
    content_type = (meta.get("HTTPHeaders") or {}).get("content-type", "unknown")
    return (f"{NOT_AN_ANSWER}: HTTP {meta.get('HTTPStatusCode', '?')} with content type "
            f"{content_type} and none of {api_name(operation)}'s fields; something other "
            "than Rekognition answered (a Wi-Fi login page or a proxy?): check the kiosk's "
            "network")
