"""Amazon Personalize as the recommender, with the embedded one as the safety net.

Each page asks `GetRecommendations` (campaign or recommender ARN) for the visitor
(`userId`: the recognised user, else the visit's session id) with the emotion as
contextual metadata (`context={"EMOTION": "HAPPY"}`, field configurable) and, when
a filter is configured, as a filter value (`filterValues={"EMOTION": "\\"HAPPY\\""}`:
Personalize wants string values quoted; upper case, as PutItems stores it). For
operators coming from the AWS sample, `pseudo_users` asks for `<gender>/<emotion>`
(emotion tab) and `<userId>/<emotion>` ("For you") pseudo-users instead.

The call runs on a one-thread executor and is awaited at most `time_budget_ms`. On a
timeout, an error, throttling or no network, the embedded recommender answers that
page; `Page.note` and `status()` say why, and Personalize is left alone for the
kiosk's shared backoff (`kiosk.aws.Backoff`: full jitter under a ceiling that
doubles per failure, `backoff_initial_s` … `backoff_max_s`), so a dead network
does not cost a timeout on every page. Failures are sorted by `kiosk.aws.classify`:
an answer that only an operator can change (a campaign or recommender that does not
exist in this account and region, a malformed request, refused credentials or
permissions) pauses Personalize for `SETTINGS_RETRY_S` (10 min) at once, with one
ERROR naming the settings to check; before 2026-12-02 it was retried with the
shared backoff, an ERROR every few seconds, and a wait that seemed not to grow
(full jitter).
Items Personalize knows but the local catalog does not are dropped; items already
shown in the visit are skipped; items outside the emotion's folder are kept only
within the embedded recommender's off-pool budget (`RankerParams.explore_share` /
`personal_share`, neighbouring emotions only), with or without a filter ARN; a short
page is filled by the embedded recommender, which keeps the same bounds. The returned
`recommendationId` is kept on the page with the items it covers (`Page.recommended`):
only likes of those items carry it, never the filled-in ones, and a page the
embedded recommender made alone after an empty answer carries none.

The caller keeps feeding likes and impressions to the embedded recommender, so it
stays warm for the pages it has to answer.
"""

from __future__ import annotations

import concurrent.futures as cf
import enum
import json
import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from kiosk.aws import Backoff, ErrorKind, classify, error_code
from kiosk.config import PersonalizeSettings
from kiosk.domain import Emotion, FallbackReason, Item, Page, RecommendMode
from kiosk.recommend.embedded import ADJACENT, MODES, EmbeddedRecommender

SETTINGS_RETRY_S = 600.0
"""Seconds Personalize is left alone after an answer only an operator can change
(`ErrorKind.PERMANENT` or `REFUSED`): the settings or IAM may be fixed while the kiosk
runs, so it is asked again after this, not never."""

log = logging.getLogger(__name__)

MAX_RESULTS = 500  # GetRecommendations' numResults limit


class PersonalizeState(enum.Enum):
    """Where the Personalize link stands."""

    READY = "ready"  # no failure since the last success: every page asks Personalize
    BACKING_OFF = "backing_off"  # failed recently: the embedded recommender answers
    BUSY = "busy"  # an earlier call that ran past its budget has not returned yet


class PersonalizeRecommender:
    """Pages from Amazon Personalize, falling back to `fallback` page by page."""

    def __init__(
        self,
        settings: PersonalizeSettings,
        fallback: EmbeddedRecommender,
        *,
        client: Any = None,
        client_factory: Callable[[], Any] | None = None,
        clock: Callable[[], float] = time.monotonic,
        backoff_initial_s: float = 5.0,
        backoff_max_s: float = 300.0,
    ):
        if not (settings.campaign_arn or settings.recommender_arn):
            raise ValueError("set personalize.campaign_arn or personalize.recommender_arn")
        self.settings = settings
        self.fallback = fallback
        self._client = client
        self._client_factory = client_factory
        self._clock = clock
        self._backoff = Backoff(base_s=backoff_initial_s,
                                cap_s=max(backoff_initial_s, backoff_max_s),
                                floor_s=min(1.0, backoff_initial_s))
        self._lock = threading.Lock()
        self._executor: cf.ThreadPoolExecutor | None = None
        self._inflight: cf.Future[dict[str, Any]] | None = None
        self._failures = 0
        self._retry_at = 0.0
        self._last_error = ""
        self._last_fallback = ""
        self._last_reason: FallbackReason | None = None  # the latest failure's parts
        self._last_success_at: float | None = None  # time.time() of the latest answer
        self._calls = 0
        self._fallbacks = 0
        self._closed = False

    # ------------------------------------------------------------------ pages

    def page(
        self,
        visit_id: str,
        emotion: Emotion,
        user_id: str | None = None,
        mode: str = "auto",
        page_size: int | None = None,
        gender: str | None = None,
    ) -> Page:
        """The next page for the visit: from Personalize if it answers in time."""
        if mode not in MODES:
            raise ValueError(f"mode must be one of {', '.join(MODES)}, not {mode!r}")
        size = page_size or self.fallback.page_size
        index, shown = self.fallback.prepare_visit(visit_id, emotion, user_id)
        personalized = mode == RecommendMode.PERSONALIZED or (
            mode == RecommendMode.AUTO
            and (bool(user_id) or self.fallback.personalization_ready(visit_id))
        )
        with self._lock:
            reason = self._blocked_reason()
            if reason is not None:
                future = None
            else:
                request = self.request(visit_id, emotion, user_id, personalized, gender,
                                       min(MAX_RESULTS, max(25, len(shown) + 3 * size)))
                future = self._submit(request)
        if future is None:
            assert reason is not None
            return self._fallback_page(visit_id, emotion, index, size, mode, reason)
        budget_s = self.settings.time_budget_ms / 1000.0
        try:
            response = future.result(timeout=budget_s)
        except cf.TimeoutError:
            reason = self._failed(FallbackReason(
                "timeout", message=f"after {self.settings.time_budget_ms} ms"), None)
            return self._fallback_page(visit_id, emotion, index, size, mode, reason)
        except Exception as exc:  # boto3/botocore raise many types; all mean "not now"
            reason = self._failed(_describe(exc), exc)
            return self._fallback_page(visit_id, emotion, index, size, mode, reason)
        self._succeeded()
        return self._personalize_page(
            response, visit_id, emotion, index, size, shown, personalized
        )

    def request(
        self,
        visit_id: str,
        emotion: Emotion,
        user_id: str | None,
        personalized: bool,
        gender: str | None,
        num_results: int,
    ) -> dict[str, Any]:
        """The GetRecommendations parameters for one page."""
        s = self.settings
        if s.pseudo_users:
            # The AWS sample's pseudo-users: one per (gender, emotion) for the emotion
            # tab, one per (user, emotion) for "For you".
            who = (user_id or visit_id) if personalized else (gender or "unknown").lower()
            user = f"{who}/{emotion.folder}"
        else:
            user = user_id or visit_id
        params: dict[str, Any] = {"userId": user, "numResults": num_results}
        if s.recommender_arn:
            params["recommenderArn"] = s.recommender_arn
        else:
            params["campaignArn"] = s.campaign_arn
        if s.context_field:
            params["context"] = {s.context_field: emotion.value}
        if s.filter_arn:
            params["filterArn"] = s.filter_arn
            params["filterValues"] = {s.filter_param: json.dumps(emotion.value)}
        return params

    def _personalize_page(
        self,
        response: dict[str, Any],
        visit_id: str,
        emotion: Emotion,
        index: int,
        size: int,
        shown: frozenset[str],
        personalized: bool,
    ) -> Page:
        items: list[Item] = []
        taken: set[str] = set()
        unknown = outside = alike = 0
        budget = self.fallback.off_emotion_budget(visit_id, size, personalized)
        near = ADJACENT[emotion]
        for entry in response.get("itemList", []):
            item = self.fallback.item(str(entry.get("itemId", "")))
            if item is None:
                unknown += 1
                continue
            if item.id in shown or item.id in taken:
                continue
            if self.fallback.alike(item.id, taken):  # one look or motif per page
                alike += 1
                continue
            if item.emotion != emotion:
                if budget <= 0 or item.emotion not in near:
                    outside += 1
                    continue
                budget -= 1
            items.append(item)
            taken.add(item.id)
            if len(items) == size:
                break
        notes = []
        if unknown:
            log.info("personalize: dropped %d recommended items not in the local catalog",
                     unknown)
            notes.append(f"{unknown} items not in the local catalog dropped")
        if outside:
            notes.append(f"{outside} items outside the {emotion.folder} pool skipped")
        if alike:
            notes.append(f"{alike} items like one already on the page skipped")
        if len(items) < size:
            mode = RecommendMode.of_page(personalized)
            extra, _ = self.fallback.rank(visit_id, size - len(items), mode,
                                          on_page=[i.id for i in items])
            if extra:
                notes.append(f"{len(extra)} filled in by the embedded recommender")
            items += extra
        self.fallback.mark_shown(visit_id, [i.id for i in items])
        # Only items of this answer carry its recommendationId (not the filled-in ones,
        # and no id at all for a page the embedded recommender made alone).
        answered = frozenset(taken)
        recommendation_id = str(response.get("recommendationId") or "") or None
        return Page(
            items=tuple(items), emotion=emotion, visit_id=visit_id, index=index,
            mode=RecommendMode.of_page(personalized), source="personalize",
            recommendation_id=recommendation_id if answered else None, note="; ".join(notes),
            recommended=answered if recommendation_id else frozenset(),
        )

    def _fallback_page(self, visit_id: str, emotion: Emotion, index: int, size: int,
                       mode: str, reason: FallbackReason) -> Page:
        items, personalized = self.fallback.rank(visit_id, size, mode)
        self.fallback.mark_shown(visit_id, [i.id for i in items])
        note = f"Personalize {reason_text(reason)}; embedded recommender used"
        with self._lock:
            self._fallbacks += 1
            self._last_fallback = note
        return Page(
            items=tuple(items), emotion=emotion, visit_id=visit_id, index=index,
            mode=RecommendMode.of_page(personalized), source="embedded", note=note,
            fallback=reason,
        )

    # ------------------------------------------------------------------ the call

    def _submit(self, request: dict[str, Any]) -> cf.Future[dict[str, Any]]:
        if self._executor is None:
            self._executor = cf.ThreadPoolExecutor(1, thread_name_prefix="kiosk-personalize")
        self._calls += 1
        future = self._executor.submit(self._call, request)
        self._inflight = future
        return future

    def _call(self, request: dict[str, Any]) -> dict[str, Any]:
        if self._client is None:
            if self._client_factory is None:
                raise RuntimeError("no personalize-runtime client")
            self._client = self._client_factory()
        return dict(self._client.get_recommendations(**request))

    def _blocked_reason(self) -> FallbackReason | None:
        """Why Personalize is not asked now (None: it is)."""
        if self._closed:
            return FallbackReason("closed")
        if self._inflight is not None and not self._inflight.done():
            return FallbackReason("busy")
        now = self._clock()
        if now < self._retry_at:
            last = self._last_reason
            return FallbackReason("paused", last.code if last else "", self._last_error,
                                  retry_in_s=round(self._retry_at - now, 1))
        return None

    def _failed(self, failure: FallbackReason, exc: BaseException | None) -> FallbackReason:
        transient = exc is None or classify(exc).transient
        reason = reason_text(failure)
        with self._lock:
            self._failures += 1
            delay = (self._backoff.delay(self._failures) if transient
                     else max(SETTINGS_RETRY_S, self._backoff.delay(self._failures)))
            self._retry_at = self._clock() + delay
            self._last_error = reason
            self._last_reason = failure
        if transient:
            log.warning("personalize: GetRecommendations %s; using the embedded recommender, "
                        "retrying in %.0f s", reason, delay)
        else:
            log.error("personalize: GetRecommendations %s; using the embedded recommender "
                      "and asking again in %.0f min. Check %s and [aws] region (the ARN's "
                      "region must be it), and that the kiosk's IAM user or role may call "
                      "personalize:GetRecommendations on it", reason, delay / 60.0,
                      self._target_setting())
        return failure

    def _target_setting(self) -> str:
        """The setting naming what is asked: "[personalize] recommender_arn = '…'"."""
        if self.settings.recommender_arn:
            return f"[personalize] recommender_arn = {self.settings.recommender_arn!r}"
        return f"[personalize] campaign_arn = {self.settings.campaign_arn!r}"

    def _succeeded(self) -> None:
        with self._lock:
            if self._failures:
                log.info("personalize: GetRecommendations answers again")
            self._failures = 0
            self._retry_at = 0.0
            self._last_success_at = time.time()

    # ------------------------------------------------------------------ status

    @property
    def state(self) -> PersonalizeState:
        with self._lock:
            if self._inflight is not None and not self._inflight.done():
                return PersonalizeState.BUSY
            if self._failures:
                return PersonalizeState.BACKING_OFF
            return PersonalizeState.READY

    def status(self) -> dict[str, Any]:
        state = self.state
        with self._lock:
            return {
                "state": state.value,
                "target": self.settings.recommender_arn or self.settings.campaign_arn,
                "calls": self._calls,
                "fallbacks": self._fallbacks,
                "consecutive_failures": self._failures,
                "last_error": self._last_error or None,
                "last_fallback": self._last_fallback or None,
                "last_success_at": self._last_success_at,
                "retry_in_s": round(max(0.0, self._retry_at - self._clock()), 1)
                if self._failures else 0.0,
            }

    def close(self, wait_s: float = 2.0) -> None:
        """Stop the executor; wait at most `wait_s` for a call still in flight."""
        with self._lock:
            self._closed = True
            executor, inflight = self._executor, self._inflight
            self._executor = None
        if executor is None:
            return
        executor.shutdown(wait=False, cancel_futures=True)
        if inflight is not None and not inflight.done():
            done, _ = cf.wait([inflight], timeout=wait_s)
            if not done:
                log.warning("personalize: a GetRecommendations call still runs at shutdown")
                return
        executor.shutdown(wait=True)


def _describe(exc: BaseException) -> FallbackReason:
    """What failed, in parts (`FallbackReason`); `reason_text` words it for the log."""
    from botocore.exceptions import NoCredentialsError

    code = error_code(exc)
    kind = classify(exc)
    if kind is ErrorKind.OFFLINE:
        if isinstance(exc, TimeoutError) or "Timeout" in code:
            return FallbackReason("timeout", code)
        return FallbackReason("offline", code)
    if isinstance(exc, NoCredentialsError):
        return FallbackReason("no_credentials", "NoCredentialsError")
    if kind is ErrorKind.THROTTLED:
        return FallbackReason("throttled", code)
    response = getattr(exc, "response", None)
    message = response.get("Error", {}).get("Message", "") if isinstance(response, dict) else ""
    return FallbackReason("failed", code, str(message))


def reason_text(r: FallbackReason) -> str:
    """A short English reason for the log and `Page.note`: "timed out after 800 ms",
    "failed: ResourceNotFoundException (no such campaign)", "paused after: … (retry in
    5 s)" (the admin panel words `FallbackReason` itself, in its language)."""
    if r.kind == "timeout":
        return f"timed out {r.message}" if r.message else f"timed out ({r.code})"
    if r.kind == "offline":
        return f"unreachable, no network ({r.code})"
    if r.kind == "no_credentials":
        return "has no AWS credentials (NoCredentialsError)"
    if r.kind == "throttled":
        return f"throttled ({r.code})"
    if r.kind == "paused":
        return f"paused after: {r.message} (retry in {r.retry_in_s:.0f} s)"
    if r.kind == "busy":
        return "still busy with an earlier request"
    if r.kind == "closed":
        return "closed"
    return f"failed: {r.code}" + (f" ({r.message})" if r.message else "")
