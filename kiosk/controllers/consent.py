"""Opt-in identity for one visit: ask, look up once, carry the user id, forget.

`ConsentFlow` is the consent controller: it owns the question, the lookup, the
visit's user id, "Forget me" and the retention purge's schedule. It ties the
per-visit consent state (kiosk.identity.consent), the identity service (Rekognition
collection + local register, on its own `kiosk-identity` worker thread) and the
on-screen consent card together. With identity off (the default) it never asks and
never calls the collection.

* After the first page of a camera visit, with a primary face visible, the
  visitor is asked; no answer means no. The decision is for this visit only. While
  AWS refuses the collection's calls (`IdentityService.refused`: bad credentials or
  permissions, 30 min at a time; also the Rekognition fallback's refusal of the shared
  `[aws]` credentials) nobody is asked: a "yes" could only fail.
* "Yes": one lookup (SearchFacesByImage, else IndexFaces + a queued PutUsers)
  with the primary face crop of the newest frame, encoded on the worker thread.
  A match or an enrolment gives the visit a user id: `user_changed` fires and
  the controller re-ranks with it; "Forget me" is offered.
* A lookup that did not work (offline, throttled, no usable face, ...) says so
  briefly on screen; the visit stays anonymous.
* "Forget me": the id is retired at once on the GUI thread (no page or like job
  still queued can use it: `VisitConsent.usable_user_id`), then the face and the
  local data go; the rest of the visit is anonymous.
* Another person taking the primary place (the primary face track changes, or the
  vision result says `new_person`) ends the identity state: the card or the
  "Forget me" bar goes, the user id is dropped, and the new person is asked anew.
  A visitor whose track is lost and found again counts as a new person too: the
  safe side for privacy.
* Expired enrolments are purged hourly (and once at start). A deletion the
  collection could not confirm (offline), or an enrolment to reconcile, is retried
  while the kiosk runs with the shared backoff (`kiosk.aws.Backoff`: 5 s doubling
  to 5 min, full jitter), so "as soon as the kiosk is back online" holds. While AWS's
  answers hold the identity calls back (`IdentityService.held_back`: refused, 30 min;
  throttled, 4 s to 10 min) the next retry is due the moment that pause ends, not
  counted as a failure: a backoff climbing to 5 min meanwhile woke the timer for
  nothing and could keep the owed deletions waiting up to 5 min after the pause.

Signals:
    user_changed(str user_id): "" when the visit became anonymous again.
"""

from __future__ import annotations

import functools
import logging
import math
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import QObject, Qt, QTimer, Signal, Slot

from kiosk.aws import Backoff
from kiosk.controllers.seams import Jobs
from kiosk.domain import Box, Emotion, Frame
from kiosk.identity.consent import ConsentState, LookupGrant, VisitConsent
from kiosk.identity.results import ForgetResult, IdentityResult, PurgeReport

if TYPE_CHECKING:
    import numpy as np

    from kiosk.vision.pipeline import VisionResult

log = logging.getLogger(__name__)

PURGE_INTERVAL_MS = 3600 * 1000
RETRY_BACKOFF = Backoff(base_s=5.0, cap_s=300.0, floor_s=1.0)


class Identity(Protocol):
    """What the flow asks of `kiosk.identity.service.IdentityService` (or a test's
    fake); every call runs on the identity worker's thread."""

    @property
    def owed(self) -> Mapping[str, int]: ...
    @property
    def refused(self) -> str | None: ...  # AWS's code while it refuses the calls (30 min)
    def held_back(self) -> tuple[str, float] | None: ...  # (why, seconds left) or None
    def identify_in_frame(self, image_bgr: np.ndarray, box: Box, emotion: Emotion, /, *,
                          grant: LookupGrant | None, gender: str | None = None
                          ) -> IdentityResult: ...
    def forget(self, user_id: str, face_ids: tuple[str, ...], /) -> ForgetResult: ...
    def purge_expired(self) -> PurgeReport: ...


class Prompt(Protocol):
    def ask(self, retention_days: int) -> None: ...
    def offer_forget(self, matched: bool = True) -> None: ...
    def show_forgotten(self, pending: bool = False) -> None: ...
    def show_lookup_failed(self) -> None: ...
    def close_prompt(self) -> None: ...


class ConsentFlow(QObject):
    user_changed = Signal(str)

    def __init__(
        self,
        consent: VisitConsent,
        service: Identity | None,
        worker: Jobs,
        prompt: Prompt,
        *,
        retention_days: int,
        latest_frame: Callable[[], Frame | None],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.consent = consent
        self.service = service
        self.worker = worker
        self.prompt = prompt
        self.retention_days = retention_days
        self._latest_frame = latest_frame
        self._last_result: VisionResult | None = None
        self._person_track: int | None = None  # the face the consent state is about
        self.purge_timer = QTimer(self)
        self.purge_timer.setObjectName("identity-purge")
        self.purge_timer.setInterval(PURGE_INTERVAL_MS)
        self.purge_timer.timeout.connect(self.purge_now)
        self.retry_timer = QTimer(self)  # pending deletions / orphans, with backoff
        self.retry_timer.setObjectName("identity-retry")
        self.retry_timer.setSingleShot(True)
        # a coarse timer may fire up to 5 % early: 90 s before a 30-min pause ends
        self.retry_timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.retry_timer.timeout.connect(self.purge_now)
        self.retry_backoff = RETRY_BACKOFF
        self._retry_failures = 0
        self._refusal_logged = False  # "not asking" logged for this refusal
        self._held_logged: str | None = None  # the pause the retries wait for, logged

    @property
    def user_id(self) -> str | None:
        return self.consent.user_id

    def usable_user_id(self, user_id: str | None) -> str | None:
        """`user_id` unless forgotten meanwhile; thread-safe (for the recommend thread)."""
        return self.consent.usable_user_id(user_id)

    def start(self) -> None:
        if self.service is not None:
            self.purge_now()
            self.purge_timer.start()

    def stop(self) -> None:
        self.purge_timer.stop()
        self.retry_timer.stop()
        self.prompt.close_prompt()

    # ------------------------------------------------------------------ visits

    def visit_began(self, visit_id: str) -> None:
        self.consent.begin(visit_id)
        self._person_track = None

    def visit_ended(self) -> None:
        self.consent.end()
        self._person_track = None
        self.prompt.close_prompt()

    def observe(self, result: VisionResult) -> None:
        """The latest vision result (its primary face is what a lookup would use).
        A different primary face than the one the consent is about ends the
        identity state (module docstring)."""
        self._last_result = result
        track = result.primary_track_id
        # vision's own person-switch flag (`VisionResult.new_person`: another person
        # took the primary's place, whatever the track ids say)
        switched = result.new_person
        if self._person_track is not None and track is not None and track != self._person_track:
            switched = True
        if switched and self._person_track is not None:
            self._end_person()

    def _end_person(self) -> None:
        had_user = self.consent.user_id is not None
        engaged = self.consent.person_changed()
        self._person_track = None
        if engaged:
            log.info("identity: another person is in front of the kiosk; identity state ended")
            self.prompt.close_prompt()
        if had_user:
            self.user_changed.emit("")

    def page_shown(self, manual: bool) -> None:
        """Ask once per camera visit and person, after a page, with a face in view;
        not while AWS refuses the collection's calls (the lookup could only fail)."""
        r = self._last_result
        if manual or r is None or r.primary_box is None or not self.consent.should_ask():
            return
        refused = self.service.refused if self.service is not None else None
        if refused is not None:
            if not self._refusal_logged:
                self._refusal_logged = True
                log.info("identity: not asking visitors while AWS refuses the collection's "
                         "calls (%s; see the ERROR above)", refused)
            return
        self._refusal_logged = False
        self.consent.ask()
        self._person_track = r.primary_track_id
        self.prompt.ask(self.retention_days)

    # ------------------------------------------------------------------ answers

    @Slot(str)
    def on_answer(self, answer: str, emotion: Emotion | None = None) -> None:
        state = self.consent.answer(answer)
        log.info("identity consent: %s", state.value)
        if state is not ConsentState.GRANTED or self.service is None:
            return
        r = self._last_result
        frame = self._latest_frame()
        if r is None or r.primary_box is None or frame is None:
            log.info("identity: no face in view after consent; the visit stays anonymous")
            self.prompt.show_lookup_failed()
            return
        grant = self.consent.claim_lookup(r.primary_track_id)
        if grant is None:
            return
        mood = emotion or (r.reading.emotion if r.reading is not None else Emotion.CALM)
        self.worker.submit(
            functools.partial(self.service.identify_in_frame, grant=grant, gender=r.gender),
            frame.image, r.primary_box, mood,
            on_result=functools.partial(self._on_identified, grant),
        )

    def _on_identified(self, grant: LookupGrant, result: IdentityResult) -> None:
        if not self.consent.resolve(grant, result):
            return  # the visit ended or consent was withdrawn meanwhile
        log.info("identity: %s", result.reason)
        if result.identified:
            self.prompt.offer_forget(matched=result.matched)
            self.user_changed.emit(result.user_id)
        elif result.reason not in ("no consent", "cancelled"):
            self.prompt.show_lookup_failed()  # the visitor must not believe they are known

    @Slot()
    def on_forget(self) -> None:
        result, user_id = self.consent.result, self.consent.user_id
        if user_id is not None:
            self.consent.retire(user_id)  # before anything else: no queued job may use it
        self.consent.withdraw()
        self.user_changed.emit("")
        if user_id is None or self.service is None:
            self.prompt.show_forgotten(pending=False)
            return
        faces = (result.face_id,) if result is not None and result.face_id else ()
        self.worker.submit(self.service.forget, user_id, faces, on_result=self._on_forgotten)

    def _on_forgotten(self, result: ForgetResult) -> None:
        self.prompt.show_forgotten(pending=not result.complete)
        if not result.complete:
            self._schedule_retry()

    @Slot()
    def purge_now(self) -> None:
        """The scheduled purge; it also retries pending deletions and reconciles."""
        if self.service is not None:
            self.worker.submit(self.service.purge_expired, on_result=self._on_purged)

    def _on_purged(self, report: PurgeReport | None) -> None:
        owed = self.service.owed if self.service is not None else {}
        if report is not None and (report.pending or report.error or any(owed.values())):
            self._schedule_retry()
        else:
            self._retry_failures = 0
            self._held_logged = None

    def _schedule_retry(self) -> None:
        """Another try (one timer: never more than one due): when the pause ends while
        AWS's answers hold the calls back, else after the shared backoff."""
        held = self.service.held_back() if self.service is not None else None
        if held is not None:
            why, left_s = held
            if self._held_logged != why:  # once per pause, however many times it renews
                self._held_logged = why
                log.info("identity: deletion pending while the calls are held back (%s); "
                         "retrying when that ends, in %.0f s", why, left_s)
            # not a failure: the backoff does not climb; restarted, as it may be due later
            self.retry_timer.start(max(1, math.ceil(left_s * 1000)))
            return
        self._held_logged = None
        self._retry_failures += 1
        delay = self.retry_backoff.delay(self._retry_failures)
        if not self.retry_timer.isActive():
            log.info("identity: deletion pending; retrying in %.0f s", delay)
            self.retry_timer.start(max(1, round(delay * 1000)))
