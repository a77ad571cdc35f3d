"""Returning-visitor identity through an Amazon Rekognition face collection.

`IdentityService.identify` runs on the identity worker thread, once per consenting
visit, with a JPEG of the face crop only (`encode_face_crop`; the frame never leaves
the kiosk and no image is ever written to disk):

1. `SearchFacesByImage` (MaxFaces=1, QualityFilter=AUTO, the configured
   FaceMatchThreshold); a match's `ExternalImageId` is the visitor's user id;
2. otherwise `IndexFaces` (MaxFaces=1, QualityFilter=AUTO, DEFAULT attributes only)
   with a new random user id as `ExternalImageId`; the face id goes into the local
   register and a PutUsers record is queued through the injected `record_user`
   (the AWS sample's createUser step), with a gender only when the operator enabled
   the gender segment and it is known. A face that the quality filter rejects is not
   enrolled, and the visit stays anonymous.

It never raises: every failure becomes an anonymous `IdentityResult` whose `reason`
says why ("offline", "throttled", "no face", "low quality: LOW_SHARPNESS", ...);
throttling is retried with a bounded backoff (`kiosk.identity.calls`). No call is
made without a valid `LookupGrant` (see `kiosk.identity.consent`), re-checked before
the IndexFaces that would enrol.

Deletion (`forget`, `purge`, `purge_expired`): the register first moves the rows to
its pending deletions, then `DeleteFaces` removes the faces; a face stays pending
(and is retried by the next `purge_expired`, which `ConsentFlow` schedules with the
shared backoff while the kiosk runs) until the collection confirms it is gone.

Orphans: the user id is written to the register's pending enrolments before
IndexFaces goes out. When the answer never comes (a client timeout, a 5xx: the
service may still have indexed the face), the row stays, and `reconcile` (part of
`purge_expired`) lists the collection for faces with that ExternalImageId, once the
call is `ORPHAN_AGE_S` old, and deletes them; a face can never sit in the collection
without a local record that `identity export`, purge and retention can see.

Refused and throttled (`kiosk.identity.calls`): when AWS refuses the credentials or
permissions, all identity calls stop for 30 min (one ERROR saying what to do; the admin
panel's "Returning visitors stopped" line too) and a consenting visit stays anonymous
with the reason "refused by AWS" without its face crop even being encoded; deletions
stay pending and are retried after the pause. Throttling past the retries holds the calls
back for a growing wait (4-8 s, doubling up to 5-10 min) the same way. A refusal of the
`[aws]` credentials themselves holds the Rekognition fallback back too, and one it got
holds these calls back (`credentials`: `kiosk.aws.CredentialsRefusal`, from `kiosk.app`);
`refused_by` then names the part that got the answer.

`on_forget` hooks receive the user ids whose data must go (recommender history,
queued events) when a visitor is forgotten or purged.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from kiosk.aws import (
    REFUSED,
    THROTTLED,
    CredentialsRefusal,
    ErrorKind,
    classify,
    error_code,
    http_status,
    make_client,
)
from kiosk.config import Settings
from kiosk.domain import Box, Emotion
from kiosk.identity.calls import Cancelled, Paused, RekognitionCalls
from kiosk.identity.consent import LookupGrant
from kiosk.identity.errors import IdentityConfigError, RegisterError
from kiosk.identity.register import IdentityRegister, register_path
from kiosk.identity.results import ForgetResult, IdentityResult, PurgeReport
from kiosk.vision.errors import VisionError
from kiosk.vision.rekognition import encode_face_crop

log = logging.getLogger(__name__)

ORPHAN_AGE_S = 60.0  # an IndexFaces call this old has surely finished on the service side

RecordUser = Callable[[str, Emotion, Mapping[str, Any] | None], object]
ForgetHook = Callable[[Sequence[str]], object]


@dataclass
class _Outcome:
    last: str = "idle"
    error: str = ""
    counts: dict[str, int] = field(default_factory=dict)


class IdentityService:
    """Identify, enrol, forget and purge (module docstring). Thread-safe: boto3
    clients are, and the register opens a connection per operation."""

    def __init__(
        self,
        register: IdentityRegister,
        *,
        collection_id: str,
        client: Any = None,
        client_factory: Callable[[], Any] | None = None,
        face_match_threshold: float = 95.0,
        retention_days: int = 30,
        record_user: RecordUser | None = None,
        gender_segment: bool = False,
        on_forget: Iterable[ForgetHook] = (),
        max_retries: int = 2,
        backoff_s: float = 0.5,
        max_backoff_s: float = 4.0,
        new_user_id: Callable[[], str] = lambda: uuid.uuid4().hex,
        clock: Callable[[], float] = time.monotonic,
        credentials: CredentialsRefusal | None = None,
    ) -> None:
        self.register = register
        self.collection_id = collection_id
        self.face_match_threshold = float(face_match_threshold)
        self.retention_days = retention_days
        self.gender_segment = gender_segment
        self._calls = RekognitionCalls(client, client_factory, max_retries=max_retries,
                                       backoff_s=backoff_s, max_backoff_s=max_backoff_s,
                                       clock=clock, credentials=credentials)
        self._record_user = record_user
        self._on_forget = list(on_forget)
        self._new_user_id = new_user_id
        self._outcome = _Outcome()
        self._owed: dict[str, int] = {}
        self._count_owed()

    @classmethod
    def from_settings(
        cls,
        settings: Settings,
        record_user: RecordUser | None,
        *,
        client: Any = None,
        client_factory: Callable[[], Any] | None = None,
        register: IdentityRegister | None = None,
        **kwargs: Any,
    ) -> IdentityService:
        """The service for `[identity]`; the Rekognition client is made on first use
        (on the worker thread) from `[aws]`. Allowed with identity disabled so
        faces enrolled earlier are still purged."""
        ident = settings.identity
        if ident.enabled and not ident.collection_id:
            raise IdentityConfigError(
                "identity.enabled is on but identity.collection_id is empty; create a "
                "collection (`aws rekognition create-collection --collection-id NAME`) and "
                "set [identity] collection_id, or turn identity off"
            )
        return cls(
            register or IdentityRegister.from_settings(settings),
            collection_id=ident.collection_id,
            client=client,
            client_factory=client_factory or (lambda: make_client("rekognition", settings.aws)),
            face_match_threshold=ident.face_match_threshold,
            retention_days=ident.retention_days,
            record_user=record_user,
            gender_segment=settings.rekognition.gender_segment,
            **kwargs,
        )

    # ------------------------------------------------------------------ status

    @property
    def last_outcome(self) -> str:
        return self._outcome.last

    @property
    def refused(self) -> str | None:
        """The code AWS refused the identity calls with (AccessDeniedException, ...)
        while they are stopped for it, else None; also the code of a refusal of the shared
        `[aws]` credentials that the Rekognition fallback got (`refused_by`)."""
        own = self._calls.pause.refused_code if self._calls.pause.left_s() > 0 else None
        if own is not None:
            return own
        shared = self._calls.credentials_refused()
        return shared.code if shared is not None else None

    @property
    def refused_by(self) -> str | None:
        """`kiosk.aws.REKOGNITION` while the calls are stopped only because the fallback
        got a refusal of the shared credentials; None otherwise (the answer was its own)."""
        if self._calls.pause.refused_code is not None and self._calls.pause.left_s() > 0:
            return None
        shared = self._calls.credentials_refused()
        return shared.by if shared is not None else None

    def held_back(self) -> tuple[str, float] | None:
        """("refused by AWS" or "throttled", seconds left) while AWS's answers hold every
        identity call back, else None: `ConsentFlow` retries the owed deletions when that
        ends instead of on its backoff (no call could go out before)."""
        return self._calls.held_back()

    def status(self) -> dict[str, Any]:
        """A snapshot for the status screen (no AWS call)."""
        try:
            enrolled: int | str = len(self.register.enrolments())
            pending: int | str = len(self.register.pending())
        except RegisterError as exc:
            enrolled = pending = f"unavailable: {exc}"
        held = self._calls.held_back()
        return {
            "collection_id": self.collection_id,
            "enrolled": enrolled,
            "pending_deletions": pending,
            "unsettled_enrolments": self._owed.get("unsettled_enrolments", 0),
            "breaker": self._calls.breaker.state.value,
            "paused": self._calls.held(),  # "refused by AWS", "throttled", "paused", None
            "pause_left_s": round(held[1] if held is not None else 0.0, 1),
            "refused_code": self.refused,
            "refused_by": self.refused_by,
            "retention_days": self.retention_days,
            "last_outcome": self._outcome.last,
            "last_error": self._calls.last_error or self._outcome.error,
            "outcomes": dict(self._outcome.counts),
        }

    def summary(self) -> str:
        """One line for the admin panel (cheap: memory only): reachable, stopped because
        AWS refused the calls, throttled, paused by the breaker or failing, and the
        deletions still owed to the collection."""
        breaker, pause = self._calls.breaker, self._calls.pause
        left = pause.left_s()
        shared = self._calls.credentials_refused()
        if shared is not None and not (pause.reason == REFUSED and left > 0):
            # the panel's own translated line says what to do (AppStatus.identity_refused_by)
            state = (f"stopped: AWS refused the [aws] credentials ({shared.code}) on a "
                     f"Rekognition fallback call, next try in {shared.left_s / 60:.0f} min")
        elif pause.reason == REFUSED and left > 0:
            # what to do is the panel's own translated line (AppStatus.identity_refused)
            state = (f"stopped: AWS refused the calls ({pause.refused_code}), "
                     f"next try in {left / 60:.0f} min")
        elif pause.reason == THROTTLED and left > 0:
            state = f"throttled by AWS (next call in {left:.0f} s)"
        elif breaker.is_open:
            state = f"paused by the breaker (retry in {breaker.retry_in_s():.0f} s)"
        elif self._calls.last_error:
            state = f"last call failed ({self._calls.last_error})"
        elif self._calls.last_ok_at is not None:
            state = "reachable"
        else:
            state = "not called yet"
        owed = self.owed
        parts = [state]
        if owed.get("pending_deletions"):
            parts.append(f"{owed['pending_deletions']} deletion(s) pending")
        if owed.get("unsettled_enrolments"):
            parts.append(f"{owed['unsettled_enrolments']} enrolment(s) to reconcile")
        return "; ".join(parts)

    @property
    def owed(self) -> dict[str, int]:
        """Counts of deletions and unsettled enrolments, as of the latest operation."""
        return dict(self._owed)

    def _count_owed(self) -> None:
        try:
            self._owed = {"pending_deletions": len(self.register.pending()),
                          "unsettled_enrolments": len(self.register.unsettled())}
        except RegisterError as exc:
            log.warning("identity: %s", exc)

    def add_forget_hook(self, hook: ForgetHook) -> None:
        self._on_forget.append(hook)

    def cancel(self) -> None:
        """Shutdown: a backoff wait ends at once and later calls are refused."""
        self._calls.cancel()

    def close(self) -> None:
        self._calls.close()

    # ------------------------------------------------------------------ identify

    def identify_in_frame(
        self,
        image_bgr: np.ndarray,
        box: Box,
        emotion: Emotion,
        *,
        grant: LookupGrant | None,
        gender: str | None = None,
    ) -> IdentityResult:
        """`identify` on the crop of `box` (the primary face) in the frame, encoded here
        on the worker thread. The JPEG lives only in memory."""
        if grant is None or not grant.valid:
            return self._done(IdentityResult(None, reason="no consent"))
        held = self._held()
        if held is not None:  # not even encoded: nothing would be sent
            return self._done(held)
        try:
            jpeg = encode_face_crop(image_bgr, box)
        except VisionError as exc:
            log.debug("identity: no crop: %s", exc)
            return self._done(IdentityResult(None, reason="no face"))
        return self.identify(jpeg, emotion, grant=grant, gender=gender)

    def identify(
        self,
        face_crop_jpeg: bytes,
        emotion: Emotion,
        *,
        grant: LookupGrant | None,
        gender: str | None = None,
    ) -> IdentityResult:
        """Find the visitor in the collection, or enrol them (module docstring).
        Makes no call at all unless `grant` is valid (the visit's consent is GRANTED)."""
        if grant is None or not grant.valid:
            return self._done(IdentityResult(None, reason="no consent"))
        if not face_crop_jpeg:
            return self._done(IdentityResult(None, reason="no face"))
        if not self.collection_id:
            return self._done(IdentityResult(None, reason="no collection configured"))
        held = self._held()
        if held is not None:
            return self._done(held)
        try:
            result = self._identify(face_crop_jpeg, emotion, grant, gender)
        except Cancelled:
            result = IdentityResult(None, reason="cancelled")
        except RegisterError as exc:
            log.error("identity: %s; the visit stays anonymous", exc)
            result = IdentityResult(None, reason="register unavailable")
            self._outcome.error = str(exc)
        except Exception as exc:  # never raised to the worker: the visit stays anonymous
            result = IdentityResult(None, reason=self._calls.failure(exc, "lookup"))
        return self._done(result)

    def _held(self) -> IdentityResult | None:
        """An anonymous result while calls are held back (refused by AWS, throttled,
        paused by the breaker), else None."""
        reason = self._calls.held()
        if reason is None:
            return None
        log.debug("identity: lookup skipped: %s", reason)
        return IdentityResult(None, reason=reason)

    def _identify(
        self, jpeg: bytes, emotion: Emotion, grant: LookupGrant, gender: str | None
    ) -> IdentityResult:
        from botocore.exceptions import ClientError

        try:
            found = self._calls(
                "search_faces_by_image",
                CollectionId=self.collection_id,
                Image={"Bytes": jpeg},
                MaxFaces=1,
                FaceMatchThreshold=self.face_match_threshold,
                QualityFilter="AUTO",
            )
        except ClientError as exc:
            if error_code(exc) == "InvalidParameterException":
                # No face found in the crop (or filtered out as too poor to search).
                return IdentityResult(None, reason="no face")
            raise
        for match in found.get("FaceMatches") or []:
            face = match.get("Face") or {}
            user_id, face_id = face.get("ExternalImageId"), face.get("FaceId")
            similarity = float(match.get("Similarity", 0.0))
            if not user_id or not face_id or similarity < self.face_match_threshold:
                continue
            if self.register.is_forgotten(user_id):
                log.info("identity: matched a face that is being deleted; deleting it again")
                self._delete(self.register.forget(user_id, [face_id]))
                break  # never reuse a forgotten id: enrol afresh (consent was given)
            if self.register.get(user_id) is None:
                log.warning("identity: matched face not in this kiosk's register (another "
                            "kiosk or a reset register); its retention counts from now")
                self.register.adopt(user_id, face_id)
            else:
                self.register.touch(user_id)
            log.debug("identity: matched user %s (similarity %.1f)", user_id, similarity)
            return IdentityResult(user_id, matched=True, reason="matched",
                                  face_id=face_id, similarity=similarity)

        if not grant.valid:  # the visit ended (or consent went) during the search
            return IdentityResult(None, reason="no consent")
        user_id = self._new_user_id()
        self.register.intend(user_id)  # before the call: an orphan can always be found
        try:
            indexed = self._calls(
                "index_faces",
                CollectionId=self.collection_id,
                Image={"Bytes": jpeg},
                ExternalImageId=user_id,
                MaxFaces=1,
                QualityFilter="AUTO",
                DetectionAttributes=["DEFAULT"],
            )
        except Exception as exc:
            if _answered_without_indexing(exc):
                self.register.intent_settled([user_id])
            else:  # no answer: the face may be in the collection; `reconcile` finds it
                log.warning("identity: IndexFaces outcome unknown (%s); the enrolment is "
                            "reconciled later", error_code(exc))
                self._count_owed()
            raise
        records = indexed.get("FaceRecords") or []
        face_ids = [r["Face"]["FaceId"] for r in records if (r.get("Face") or {}).get("FaceId")]
        if not face_ids:
            self.register.intent_settled([user_id])
            reasons = sorted({
                reason for face in indexed.get("UnindexedFaces") or []
                for reason in face.get("Reasons") or []
            })
            why = ", ".join(reasons) or "no face"
            log.info("identity: face not enrolled (%s); the visit stays anonymous", why)
            return IdentityResult(None, reason=f"low quality: {why}")
        face_id = face_ids[0]
        try:
            self.register.add(user_id, face_id)
        except RegisterError:
            # A face the register cannot account for must not stay in the collection.
            self._delete_untracked(face_ids)
            raise
        if len(face_ids) > 1:  # MaxFaces=1 makes this impossible; never keep extras
            self._delete_untracked(face_ids[1:])
        self._queue_user(user_id, emotion, gender)
        log.debug("identity: enrolled user %s", user_id)
        return IdentityResult(user_id, enrolled=True, reason="enrolled", face_id=face_id)

    def _queue_user(self, user_id: str, emotion: Emotion, gender: str | None) -> None:
        if self._record_user is None:
            return
        properties = {"gender": gender} if self.gender_segment and gender else None
        try:
            self._record_user(user_id, emotion, properties)
        except Exception as exc:  # identity still works; Personalize lacks the user row
            log.warning("identity: new user not queued for PutUsers: %s", exc)

    # ------------------------------------------------------------------ forget / purge

    def forget(self, user_id: str, face_ids: Iterable[str] = ()) -> ForgetResult:
        """Delete the visitor's faces from the collection and their local data at once.
        `face_ids`: faces known from the lookup (the matched face), added to the
        register's. The local rows go now; a face the collection could not delete
        (offline) stays pending and is retried by `purge_expired`."""
        known = tuple(face_ids)
        try:
            faces = self.register.forget(user_id, known)
        except RegisterError as exc:
            # Still delete what is known: the collection matters more than the register.
            log.error("identity: forget: %s", exc)
            deleted, pending, _ = (self._calls.delete_faces(self.collection_id, known)
                                   if known and self.collection_id else ([], list(known), ""))
            self._run_hooks([user_id])
            return ForgetResult(user_id, known, tuple(deleted), tuple(pending), str(exc))
        deleted, pending, error = self._delete(faces)
        self._run_hooks([user_id])
        log.info("identity: forgot a visitor (%d face(s) deleted, %d pending)",
                 len(deleted), len(pending))
        self._outcome.last = "forgotten" if not pending else "forgotten (deletion pending)"
        return ForgetResult(user_id, tuple(faces), tuple(deleted), tuple(pending), error)

    def purge(self, older_than_days: float) -> PurgeReport:
        """Remove enrolments older than `older_than_days` from the register and their
        faces from the collection, and retry any deletion still pending."""
        purged = self.register.purge_older_than(older_than_days)
        pending = [p.face_id for p in self.register.pending()]
        deleted, left, error = self._delete(pending)
        if purged:
            self._run_hooks([e.user_id for e in purged])
            log.info("identity: purged %d enrolment(s) older than %g days",
                     len(purged), older_than_days)
        return PurgeReport(tuple(purged), tuple(deleted), tuple(left), error)

    def purge_expired(self) -> PurgeReport:
        """The scheduled purge with the configured retention. Idempotent and cheap:
        two indexed queries, and no AWS call (no client made) when nothing is due."""
        if self.register.count_expired(self.retention_days) == 0 and not (
            self.register.has_pending() or self.register.unsettled(ORPHAN_AGE_S)
        ):
            return PurgeReport(checked_only=True)
        report = self.purge(self.retention_days)
        orphans, error = self.reconcile()
        if not orphans and not error:
            return report
        return PurgeReport(report.purged, report.deleted + orphans, report.pending,
                           report.error or error)

    def reconcile(self, older_than_s: float = ORPHAN_AGE_S) -> tuple[tuple[str, ...], str]:
        """Settle IndexFaces calls whose outcome is unknown (module docstring): list the
        collection for faces with those ExternalImageIds and delete them. Returns (the
        face ids deleted, an error); an id stays unsettled until that worked."""
        wanted = {u for u, _ in self.register.unsettled(older_than_s)}
        if not wanted or not self.collection_id:
            return (), ""
        found: dict[str, list[str]] = {}
        token = ""
        try:
            while True:
                page = self._calls("list_faces", CollectionId=self.collection_id,
                                   MaxResults=4096, **({"NextToken": token} if token else {}))
                for face in page.get("Faces") or []:
                    external = face.get("ExternalImageId")
                    if external in wanted and face.get("FaceId"):
                        found.setdefault(str(external), []).append(str(face["FaceId"]))
                token = str(page.get("NextToken") or "")
                if not token:
                    break
        except Cancelled:
            return (), "cancelled"
        except Exception as exc:
            if error_code(exc) == "ResourceNotFoundException":  # no collection: no orphans
                self.register.intent_settled(wanted)
                return (), ""
            return (), self._calls.failure(exc, "reconcile")
        faces = [f for ids in found.values() for f in ids]
        deleted, pending, error = (self._calls.delete_faces(self.collection_id, faces)
                                   if faces else ([], [], ""))
        gone = set(deleted)
        settled = [u for u in wanted if all(f in gone for f in found.get(u, []))]
        self.register.intent_settled(settled)
        self._count_owed()
        if faces:
            log.warning("identity: deleted %d orphaned face(s) that IndexFaces created after "
                        "the kiosk stopped waiting (%d still pending)", len(deleted),
                        len(pending))
        return tuple(deleted), error

    def _delete(self, face_ids: Sequence[str]) -> tuple[list[str], list[str], str]:
        """DeleteFaces; the faces the collection confirms gone leave the register's
        pending list. Returns (deleted, still pending, error)."""
        if face_ids and not self.collection_id:
            return [], list(face_ids), "identity.collection_id is empty; cannot delete faces"
        deleted, pending, error = self._calls.delete_faces(self.collection_id, face_ids)
        self.register.deletion_confirmed(deleted)
        self._count_owed()
        return deleted, pending, error

    def _delete_untracked(self, face_ids: Sequence[str]) -> None:
        try:
            self._calls("delete_faces", CollectionId=self.collection_id, FaceIds=list(face_ids))
        except Exception as exc:
            log.error("identity: could not delete %d unregistered face(s) from collection %s "
                      "(%s); delete them by hand", len(face_ids), self.collection_id, exc)

    def _run_hooks(self, user_ids: Sequence[str]) -> None:
        for hook in self._on_forget:
            try:
                hook(list(user_ids))
            except Exception:
                log.exception("identity: a forget hook failed")

    def _done(self, result: IdentityResult) -> IdentityResult:
        key = result.reason.split(":")[0] or "unknown"
        self._outcome.last = result.reason
        self._outcome.counts[key] = self._outcome.counts.get(key, 0) + 1
        return result


def should_schedule_purge(settings: Settings) -> bool:
    """Run `purge_expired` hourly when identity is on, and also when it was turned
    off but faces enrolled earlier may still be held (the register exists)."""
    return settings.identity.enabled or register_path(settings).exists()


def _answered_without_indexing(exc: BaseException) -> bool:
    """IndexFaces failed with an answer that means no face was indexed (a 4xx: bad
    image, no collection, no permission); a timeout, 5xx or cancel leaves it unknown."""
    if isinstance(exc, Paused):  # the breaker refused: nothing was sent
        return True
    kind = classify(exc)
    if kind is ErrorKind.THROTTLED:
        return True
    return http_status(exc) is not None and kind in (ErrorKind.PERMANENT, ErrorKind.REFUSED)
