"""Amazon Rekognition as a second opinion when the on-device model is unsure.

`RekognitionFallback` calls `DetectFaces` on a JPEG of the face crop only (see
`encode_face_crop`; the whole frame never leaves the kiosk) and turns the answer
into an `EmotionReading` with source "rekognition". It never raises: every
failure is logged and becomes None, with `last_error` / `last_outcome` saying why.

Policy, so a network problem or a busy account never costs more than it must:

* rate limit: at least `min_interval_s` between calls and at most `hourly_budget`
  requests in any sliding hour (retries count: each one is billed). The hour's
  calls are kept on disk (`kiosk.vision.rekognition_budget`), so a restart loop
  cannot overspend, and running out is logged once per hour;
* retries: throttling and 5xx answers are retried up to twice with the shared
  backoff (`kiosk.aws.Backoff`: exponential, full jitter), waiting on a
  `threading.Event` so `cancel()` stops at once; image and parameter errors
  (InvalidImageFormat, ImageTooLarge, InvalidParameter) and other client errors
  are never retried; connection failures are not retried either (a visitor is
  waiting; the breaker deals with a dead network);
* circuit breaker (`kiosk.aws.CircuitBreaker`): after `breaker_failures`
  consecutive network failures (connection refused, timeouts, 5xx after retries)
  the breaker opens for `breaker_cooldown_s`; then one trial call is let through,
  which closes it on any answer from the service or opens it again on another
  network failure. An answer that is not a DetectFaces answer (a `200 OK` from a
  captive portal or proxy: no `FaceDetails`) is a network failure too, never a sign
  that the service is up;
* refused (`ErrorKind.REFUSED`: AccessDenied, UnrecognizedClient, InvalidSignature,
  expired token, no credentials): no retry will help, an operator must act. Calls
  stop for `REFUSED_PAUSE_S` (30 min) or until the kiosk restarts with new settings or
  credentials, so no face crop leaves the kiosk meanwhile; one ERROR names the IAM
  permission (`rekognition:DetectFaces`) and the `[aws]` credentials, and the admin
  line says the same;
* throttled (after its inline retries): the next call waits too, exponentially longer
  with each throttled call in a row (`throttle_backoff`: 4-8 s, then 8-16 s, ... up to
  5-10 min), until a call gets an answer that is not throttled.

The refused and throttled pauses are `kiosk.aws.CallPause`, as the identity service's.
A refusal of the `[aws]` credentials themselves (not of the DetectFaces permission) is
also told to the `kiosk.aws.CredentialsRefusal` shared with the identity service, which
makes its client from the same `[aws]` settings: while identity learned one, no face crop
is sent either ("refused by AWS"; `refused_by` names the part that got the answer), and
one ERROR covers both parts.

Errors are classified by `kiosk.aws.classify`, the kiosk's one classifier.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np

from kiosk.aws import (
    REFUSED,
    REFUSED_PAUSE_S,
    REKOGNITION,
    THROTTLED,
    Backoff,
    BreakerState,
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
from kiosk.config import AwsSettings, RekognitionSettings
from kiosk.domain import Box, Emotion, EmotionReading
from kiosk.vision.errors import VisionError
from kiosk.vision.quality import crop
from kiosk.vision.rekognition_budget import CallLog

log = logging.getLogger(__name__)

HOUR_S = 3600.0
NEVER_RETRY = frozenset(
    {"InvalidImageFormatException", "ImageTooLargeException", "InvalidParameterException"}
)
RETRY_KINDS = frozenset({ErrorKind.THROTTLED, ErrorKind.SERVER})  # not OFFLINE: no waiting
GARBLED_CODE = "NotADetectFacesAnswer"

__all__ = ["REFUSED", "REFUSED_PAUSE_S", "THROTTLED", "BreakerState", "RekognitionFallback",
           "RekognitionResult", "encode_face_crop", "make_fallback",
           "reading_from_face_detail"]


@dataclass(frozen=True, slots=True)
class RekognitionResult:
    """One DetectFaces answer: the emotion reading and, when asked for
    (`gender_segment`), the API's gender value ("Male"/"Female") and its confidence."""

    reading: EmotionReading
    gender: str | None = None
    gender_confidence: float | None = None


def encode_face_crop(
    image_bgr: np.ndarray,
    box: Box,
    margin: float = 0.25,
    max_side: int = 480,
    *,
    min_side: int = 80,
    quality: int = 90,
) -> bytes:
    """JPEG of the face `box` grown by `margin` (of its size) on each side, clipped to
    the frame, scaled so its longest side is at most `max_side` and its shorter side
    at least `min_side` where that fits. Only the face region, never the whole frame.
    Raises VisionError when the box lies outside the frame."""
    mx, my = box.width * margin, box.height * margin
    patch = crop(image_bgr, Box(box.x1 - mx, box.y1 - my, box.x2 + mx, box.y2 + my))
    if patch.size == 0:
        raise VisionError(f"face box {box} lies outside the {image_bgr.shape[1]}x"
                          f"{image_bgr.shape[0]} frame; nothing to send")
    h, w = patch.shape[:2]
    scale = 1.0
    if max(h, w) > max_side:
        scale = max_side / max(h, w)
    elif min(h, w) < min_side:
        scale = min(min_side / min(h, w), max_side / max(h, w))
    if scale != 1.0:
        size = (max(1, round(w * scale)), max(1, round(h * scale)))
        interpolation = cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR
        patch = cv2.resize(patch, size, interpolation=interpolation)
    ok, buf = cv2.imencode(".jpg", np.ascontiguousarray(patch),
                           [cv2.IMWRITE_JPEG_QUALITY, quality])
    if not ok:
        raise VisionError("could not encode the face crop as JPEG")
    return bytes(buf.tobytes())


def reading_from_face_detail(detail: dict[str, Any]) -> EmotionReading | None:
    """The emotion of highest confidence (the API does not promise an order) and all
    8 confidences (0-100) as probabilities summing to 1; None when it has none."""
    confidences: dict[Emotion, float] = {}
    for entry in detail.get("Emotions") or []:
        try:
            emotion = Emotion(str(entry.get("Type", "")))
        except ValueError:  # "UNKNOWN" or a type added after this release
            continue
        value = max(0.0, float(entry.get("Confidence", 0.0)))
        confidences[emotion] = max(value, confidences.get(emotion, 0.0))
    if not confidences:
        return None
    top = max((e for e in Emotion if e in confidences), key=confidences.__getitem__)
    total = sum(confidences.values())
    if total > 0:
        probabilities = {e: confidences.get(e, 0.0) / total for e in Emotion}
    else:
        probabilities = {e: (1.0 if e == top else 0.0) for e in Emotion}
    return EmotionReading(
        emotion=top,
        confidence=probabilities[top],
        probabilities=probabilities,
        source="rekognition",
    )


class RekognitionFallback:
    """DetectFaces with rate limit, retries and a circuit breaker (module docstring).

    Thread-safe: `analyze` runs on a worker thread while `ready()` and the status
    properties are read from the inference thread."""

    def __init__(
        self,
        client: Any,
        settings: RekognitionSettings | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
        backoff_s: float = 0.5,
        max_retries: int = 2,
        budget_path: str | os.PathLike[str] | None = None,
        throttle_backoff: Backoff | None = None,
        credentials: CredentialsRefusal | None = None,
    ) -> None:
        self._client = client
        self.settings = settings or RekognitionSettings()
        self._clock = clock
        self.backoff_s = backoff_s
        self.max_retries = max_retries
        self._lock = threading.Lock()
        self._cancel = threading.Event()
        self._calls = CallLog(budget_path, clock=clock)
        self._budget_logged = False
        self._last_start: float | None = None
        self._backoff = Backoff(base_s=backoff_s, cap_s=max(backoff_s, 8.0))
        self._breaker = CircuitBreaker(
            "Rekognition", failures=self.settings.breaker_failures,
            cooldown_s=self.settings.breaker_cooldown_s, clock=clock,
        )
        self._last_error: str | None = None
        self._last_outcome = "idle"
        self._last_gender: str | None = None
        self._logged_code: str | None = None
        # a pause between calls: refused by AWS (an operator must act) or throttled
        self._pause = CallPause(clock=clock, throttle_backoff=throttle_backoff)
        self._credentials = credentials  # shared with the identity service (kiosk.app)

    # ------------------------------------------------------------------ status

    @property
    def last_error(self) -> str | None:
        """The latest failure ("ThrottlingException: ..."), None after a success."""
        return self._last_error

    @property
    def last_outcome(self) -> str:
        """What the latest `analyze` did: ok, no face, rate limited, budget used,
        breaker open, refused by AWS, throttled (waiting), cancelled, or error."""
        return self._last_outcome

    @property
    def breaker_state(self) -> BreakerState:
        return self._breaker.state

    @property
    def breaker_open(self) -> bool:
        return self._breaker.is_open

    @property
    def refused(self) -> str | None:
        """The error code AWS refused the calls with (AccessDeniedException, ...) while
        calls are stopped for it, else None; also the code of a refusal of the shared
        `[aws]` credentials that the identity service got (`refused_by`)."""
        own = self._pause.refused_code
        if own is not None and self._pause.left_s() > 0:
            return own
        shared = self._credentials_refused()
        return shared.code if shared is not None else own

    @property
    def refused_by(self) -> str | None:
        """`kiosk.aws.IDENTITY` while the calls are stopped only because the identity
        service got a refusal of the shared credentials; None otherwise."""
        if self._pause.refused_code is not None and self._pause.left_s() > 0:
            return None
        shared = self._credentials_refused()
        return shared.by if shared is not None else None

    def _credentials_refused(self) -> Refusal | None:
        """The refusal of the shared credentials that another part got, while it holds."""
        if self._credentials is None:
            return None
        return self._credentials.holding(REKOGNITION)

    def pause_left_s(self) -> float:
        """Seconds until a call is allowed again after a refusal or throttling (0: none)."""
        shared = self._credentials_refused()
        return max(self._pause.left_s(), shared.left_s if shared is not None else 0.0)

    @property
    def calls_this_hour(self) -> int:
        with self._lock:
            return len(self._calls)

    @property
    def last_gender(self) -> str | None:
        return self._last_gender

    def status(self) -> dict[str, Any]:
        """A snapshot for the status screen."""
        return {
            "breaker": self._breaker.state.value,
            "breaker_open": self.breaker_open,
            "calls_this_hour": self.calls_this_hour,
            "hourly_budget": self.settings.hourly_budget,
            "last_outcome": self._last_outcome,
            "last_error": self._last_error,
            "paused": REFUSED if self.refused_by else self._pause.reason,
            "pause_left_s": round(self.pause_left_s(), 1),
            "refused_code": self.refused,
            "refused_by": self.refused_by,
            "breaker_retry_in_s": round(self._breaker.retry_in_s(), 1) if self.breaker_open
            else 0.0,
        }

    def summary(self) -> str:
        """One line for the admin panel (cheap: memory only): reachable, stopped because
        AWS refused the calls (and what to do), throttled, or paused by the breaker,
        calls used against the hourly budget, the latest error."""
        used, budget = self.calls_this_hour, self.settings.hourly_budget
        left = self.pause_left_s()
        if self.refused_by is not None:
            # the panel's own translated line says what to do (AppStatus.rekognition_refused_by)
            state = (f"stopped: AWS refused the [aws] credentials ({self.refused}) on an "
                     f"identity call, next try in {left / 60:.0f} min")
        elif self._pause.reason == REFUSED and left > 0:
            # what to do is the panel's own translated line (AppStatus.rekognition_refused)
            state = (f"stopped: AWS refused the calls ({self._pause.refused_code}), "
                     f"next try in {left / 60:.0f} min")
        elif self._pause.reason == THROTTLED and left > 0:
            state = f"throttled by AWS (next call in {left:.0f} s)"
        elif self._breaker.is_open:
            state = f"paused by the breaker (retry in {self._breaker.retry_in_s():.0f} s)"
        elif self._last_error is not None:
            state = "answering with errors"
        else:
            # the hour's calls may be an earlier run's (the budget file): "not called yet"
            # beside "78/200 calls this hour" read as a contradiction (tester round 16)
            state = ("reachable" if self._last_outcome != "idle"
                     else "not called since the start" if used else "not called yet")
        line = f"{state}; {used}/{budget} calls this hour"
        if used >= budget:
            line += " (budget used)"
        if self._last_error:
            line += f"; last error: {self._last_error}"
        return line

    # ------------------------------------------------------------------ policy

    def ready(self) -> bool:
        """Would a call be let through now? (No side effects; for the pipeline, so it
        does not encode and queue crops that would be refused.)"""
        with self._lock:
            return self._refusal(self._clock()) is None

    def cancel(self) -> None:
        """Stop: a backoff wait ends at once and later calls are refused."""
        self._cancel.set()

    def _refusal(self, now: float) -> str | None:
        if self._cancel.is_set():
            return "cancelled"
        paused = self._pause.refusal()
        if paused is not None:
            return paused
        if self._credentials_refused() is not None:
            return REFUSED
        refusal = self._breaker.refusal()
        if refusal is not None:
            return refusal
        if (
            self._last_start is not None
            and now - self._last_start < self.settings.min_interval_s
        ):
            return "rate limited"
        if len(self._calls) >= self.settings.hourly_budget:
            self._log_budget_used()
            return "hourly budget used"
        self._budget_logged = False
        return None

    def _log_budget_used(self) -> None:
        if not self._budget_logged:
            self._budget_logged = True
            log.warning("Rekognition: hourly budget of %d DetectFaces calls used; the next "
                        "call is possible in %.0f s (rekognition.hourly_budget)",
                        self.settings.hourly_budget, self._calls.seconds_until_free())

    def _admit(self) -> str | None:
        with self._lock:
            now = self._clock()
            refusal = self._refusal(now)
            if refusal is None:
                refusal = self._breaker.admit()
            if refusal is not None:
                self._last_outcome = refusal
                return refusal
            self._last_start = now
            return None

    def _take_budget(self) -> bool:
        with self._lock:
            if len(self._calls) >= self.settings.hourly_budget:
                self._log_budget_used()
                return False
            self._calls.add()
            return True

    # ------------------------------------------------------------------ calls

    def detect(self, face_crop_jpeg: bytes) -> EmotionReading | None:
        """The emotion of the face in the JPEG, or None (see `last_outcome`)."""
        result = self.analyze(face_crop_jpeg)
        return result.reading if result is not None else None

    def analyze(self, face_crop_jpeg: bytes) -> RekognitionResult | None:
        """DetectFaces on the JPEG face crop: emotion (and gender when configured)."""
        if self._admit() is not None:
            return None
        try:
            response = self._call_with_retries(face_crop_jpeg)
        except Exception as exc:  # never raised to the caller: log and report
            self._fail(exc, f"unexpected {type(exc).__name__}: {exc}")
            self._breaker.release_trial()
            return None
        if response is None:
            self._breaker.release_trial()
            return None
        return self._parse(response)

    def _call_with_retries(self, jpeg: bytes) -> dict[str, Any] | None:
        attributes = ["EMOTIONS"] + (["GENDER"] if self.settings.gender_segment else [])

        def take_budget(attempt: int) -> None:
            if not self._take_budget():
                raise _BudgetUsed

        def call() -> dict[str, Any]:
            return dict(self._client.detect_faces(Image={"Bytes": jpeg}, Attributes=attributes))

        try:
            return retry_call(
                call, backoff=self._backoff, retries=self.max_retries, stop=self._cancel,
                retry_on=RETRY_KINDS, before_attempt=take_budget, what="Rekognition DetectFaces",
            )
        except Cancelled:
            self._last_outcome = "cancelled"
            return None
        except _BudgetUsed:
            self._last_outcome = "hourly budget used"
            return None
        except Exception as exc:
            self._failed_call(exc)
            return None

    def _failed_call(self, exc: Exception) -> None:
        """Record a call that failed (after its retries): log, breaker, pauses."""
        kind = classify(exc)
        code = error_code(exc)
        if kind is not ErrorKind.THROTTLED:
            self._pause.end_throttling()
        if kind.unreachable:
            detail = (f"network: {type(exc).__name__}: {exc}" if kind is ErrorKind.OFFLINE
                      else f"{code}: {error_message(exc)} (after {self.max_retries} retries)")
            self._fail(exc, detail)
            self._breaker.record_failure()
        elif kind is ErrorKind.REFUSED:
            self._refuse(exc, code)
            if http_status(exc) is not None:  # the service answered: it is up
                self._breaker.record_success()
                if not about_credentials(code):  # AccessDenied: signed right
                    self._credentials_work()
            else:  # no credentials, ...: no verdict about the service
                self._breaker.release_trial()
        elif http_status(exc) is not None:  # the service answered: it is up
            self._credentials_work()
            suffix = f" (after {self.max_retries} retries)" if kind in RETRY_KINDS else ""
            self._fail(exc, f"{code}: {error_message(exc)}{suffix}")
            self._breaker.record_success()
            if kind is ErrorKind.THROTTLED:
                self._throttle()
        else:  # bad region, a bug, ...: no verdict about the service
            self._fail(exc, f"{type(exc).__name__}: {exc}")

    def _refuse(self, exc: BaseException, code: str) -> None:
        """AWS refused the credentials or permissions: stop calling (module docstring)."""
        message = error_message(exc)
        self._last_outcome = "error"
        self._last_error = f"{code}: {message}"
        new = self._pause.refuse(code)
        shared = self._credentials is not None and about_credentials(code)
        if shared:
            assert self._credentials is not None
            new = self._credentials.refuse(code, REKOGNITION)  # one ERROR for both parts
        self._logged_code = code
        if not new:
            log.info("Rekognition DetectFaces still refused (%s); no calls for another %.0f min",
                     code, REFUSED_PAUSE_S / 60)
            return
        log.error("Rekognition DetectFaces refused by AWS (%s: %s): no face crops are sent "
                  "for %.0f min. Grant the kiosk's IAM user or role the permission "
                  "rekognition:DetectFaces, or fix the [aws] credentials (profile, keys, "
                  "clock), then restart the kiosk; or set [rekognition] enabled = false%s",
                  code, message, REFUSED_PAUSE_S / 60,
                  ". Identity uses the same [aws] credentials: no visitor is looked up, "
                  "enrolled or deleted meanwhile either" if shared else "")

    def _credentials_work(self) -> None:
        if self._credentials is not None:
            self._credentials.accepted()

    def _throttle(self) -> None:
        delay = self._pause.throttle(min_s=self.settings.min_interval_s)
        log.info("Rekognition DetectFaces throttled %d time(s) in a row; next call in %.1f s",
                 self._pause.throttled_in_a_row, delay)

    def _parse(self, response: dict[str, Any]) -> RekognitionResult | None:
        if not isinstance(response.get("FaceDetails"), list):
            self._garbled(response)
            return None
        self._breaker.record_success()
        self._pause.answered()
        self._credentials_work()
        details = response["FaceDetails"]
        if not details:
            self._succeed("no face")
            return None
        detail = max(details, key=_box_area)
        reading = reading_from_face_detail(detail)
        if reading is None:
            self._succeed("no emotions")
            return None
        gender = confidence = None
        if self.settings.gender_segment and isinstance(detail.get("Gender"), dict):
            gender = detail["Gender"].get("Value")
            confidence = float(detail["Gender"].get("Confidence", 0.0))
            self._last_gender = gender
        self._succeed("ok")
        return RekognitionResult(reading, gender, confidence)

    def _garbled(self, response: dict[str, Any]) -> None:
        """A `200 OK` that is not a DetectFaces answer (no `FaceDetails`): a captive
        portal or a proxy answered, not Rekognition. A network failure for the breaker."""
        meta = response.get("ResponseMetadata") or {}
        status = meta.get("HTTPStatusCode", "?")
        content_type = (meta.get("HTTPHeaders") or {}).get("content-type", "unknown")
        self._fail(_Garbled(), f"{GARBLED_CODE}: HTTP {status} with content type "
                   f"{content_type} and no FaceDetails; something other than Rekognition "
                   "answered (a Wi-Fi login page or a proxy?): check the kiosk's network")
        self._breaker.record_failure()

    def _succeed(self, outcome: str) -> None:
        self._last_outcome = outcome
        self._last_error = None
        self._logged_code = None

    def _fail(self, exc: BaseException, message: str) -> None:
        self._last_outcome = "error"
        self._last_error = message
        code = error_code(exc)
        # The first of a run of identical failures is a warning; repeats are debug.
        level = logging.DEBUG if code == self._logged_code else logging.WARNING
        self._logged_code = code
        log.log(level, "Rekognition DetectFaces failed: %s", message)


def make_fallback(
    settings: RekognitionSettings, aws: AwsSettings, **kwargs: Any
) -> RekognitionFallback | None:
    """The fallback for the configured account, or None when Rekognition is disabled."""
    if not settings.enabled:
        return None
    from kiosk.aws import make_client

    try:
        client = make_client("rekognition", aws)
    except Exception as exc:
        raise VisionError(
            f"cannot set up Amazon Rekognition ({type(exc).__name__}: {exc}); check [aws] "
            "region/profile, or set [rekognition] enabled = false"
        ) from exc
    return RekognitionFallback(client, settings, **kwargs)


def _box_area(detail: dict[str, Any]) -> float:
    box = detail.get("BoundingBox") or {}
    return float(box.get("Width", 0.0)) * float(box.get("Height", 0.0))


class _Garbled(Exception):
    """Stands for an answer that was not a DetectFaces answer (logging only)."""

    def __init__(self) -> None:
        super().__init__(GARBLED_CODE)
        self.response = {"Error": {"Code": GARBLED_CODE}}


class _BudgetUsed(Exception):
    """The hourly budget ran out before an attempt (a retry is billed too)."""
