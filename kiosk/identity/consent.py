"""Consent to be remembered, decided once per visit and forgotten when the visit ends.

`VisitConsent` is a small state machine owned by the controller (GUI thread):

    NOT_ASKED ──ask()──▶ ASKING ──answer("yes")─────▶ GRANTED ──withdraw()──▶ WITHDRAWN
                                 ├─answer("no")──────▶ DECLINED
                                 └─answer("timeout")─▶ TIMED_OUT

`begin(visit_id)` and `end()` put it back to NOT_ASKED for the next visit: a decision
never carries over. Only GRANTED hands out a `LookupGrant` (`claim_lookup`), once per
visit, and `IdentityService` refuses any collection call without a grant that is
still valid, so "no answer", "No", a withdrawn consent or an ended visit can never
reach the face collection. With identity disabled nothing is ever asked.

The grant is read on the identity worker thread while the controller may end the
visit: the state is guarded by a lock, and `LookupGrant.valid` is re-checked by the
service right before each collection call.

Two promises hold across visits and threads:

* `person_changed()`: another person took the primary place in the same visit.
  The identity state ends as if the visit had (new consent, no "Forget me" for
  someone else, any lookup in flight is void).
* `retire(user_id)` ("Forget me"): the id is never handed out again in this
  process; `usable_user_id` (called on the recommend thread right before a page or
  like uses an id) turns a retired id into None, so a job queued before the tap
  cannot send it.
"""

from __future__ import annotations

import enum
import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from kiosk.identity.errors import ConsentError

if TYPE_CHECKING:
    from kiosk.identity.service import IdentityResult

ANSWERS = ("yes", "no", "timeout")


class ConsentState(enum.Enum):
    NOT_ASKED = "not asked"
    ASKING = "asking"
    GRANTED = "granted"
    DECLINED = "declined"
    TIMED_OUT = "timed out"
    WITHDRAWN = "withdrawn"  # "Forget me" after a grant: the rest of the visit is anonymous


@dataclass(frozen=True, eq=False)
class LookupGrant:
    """Permission for one identity lookup in one visit (see `VisitConsent.claim_lookup`).
    `track_id` is the face track the lookup was made for; the result is cached on it."""

    visit_id: str
    track_id: int | None
    consent: VisitConsent = field(repr=False)

    @property
    def valid(self) -> bool:
        """Still the same visit, and its consent is still GRANTED."""
        return self.consent.permits(self)


class VisitConsent:
    """The current visit's consent decision and its cached identity (module docstring)."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self._lock = threading.Lock()
        self._visit_id: str | None = None
        self._state = ConsentState.NOT_ASKED
        self._grant: LookupGrant | None = None
        self._result: IdentityResult | None = None
        self._retired: set[str] = set()  # forgotten ids: never used again

    # ------------------------------------------------------------------ state

    @property
    def state(self) -> ConsentState:
        return self._state

    @property
    def visit_id(self) -> str | None:
        return self._visit_id

    @property
    def granted(self) -> bool:
        return self._state is ConsentState.GRANTED

    @property
    def result(self) -> IdentityResult | None:
        """The visit's identity lookup result, once it has come back."""
        return self._result

    @property
    def user_id(self) -> str | None:
        """The visitor's user id for events and recommendations: set only while the
        visit's consent is GRANTED and the lookup found or enrolled them."""
        with self._lock:
            if self._state is not ConsentState.GRANTED or self._result is None:
                return None
            user_id = self._result.user_id
            return None if user_id in self._retired else user_id

    def usable_user_id(self, user_id: str | None) -> str | None:
        """`user_id` unless it was forgotten ("Forget me") meanwhile. Thread-safe: the
        recommend thread calls it right before a request or a record uses the id."""
        if user_id is None:
            return None
        with self._lock:
            return None if user_id in self._retired else user_id

    @property
    def track_id(self) -> int | None:
        """The face track the lookup was made for (None before a lookup)."""
        grant = self._grant
        return grant.track_id if grant is not None else None

    # ------------------------------------------------------------------ transitions

    def begin(self, visit_id: str) -> None:
        """A new visit: nothing decided yet."""
        with self._lock:
            self._reset(visit_id)

    def end(self) -> None:
        """The visit ended: the decision and the cached identity are dropped."""
        with self._lock:
            self._reset(None)

    def should_ask(self) -> bool:
        """Identity is enabled, a visit is on and nobody has asked yet."""
        return (
            self.enabled and self._visit_id is not None and self._state is ConsentState.NOT_ASKED
        )

    def ask(self) -> None:
        """The consent card is on screen: NOT_ASKED → ASKING."""
        with self._lock:
            if not self.enabled:
                raise ConsentError("identity is disabled; visitors are never asked")
            if self._visit_id is None:
                raise ConsentError("no visit to ask consent for")
            if self._state is not ConsentState.NOT_ASKED:
                raise ConsentError(f"consent already {self._state.value} for this visit")
            self._state = ConsentState.ASKING

    def answer(self, answer: str) -> ConsentState:
        """The visitor's answer ("yes", "no", "timeout"). Ignored (returning the
        current state) unless the card was asking: a late tap after the visit ended
        or the card closed grants nothing."""
        if answer not in ANSWERS:
            raise ValueError(f"unknown consent answer {answer!r}; allowed: {', '.join(ANSWERS)}")
        with self._lock:
            if self._state is not ConsentState.ASKING:
                return self._state
            self._state = {
                "yes": ConsentState.GRANTED,
                "no": ConsentState.DECLINED,
                "timeout": ConsentState.TIMED_OUT,
            }[answer]
            return self._state

    def person_changed(self) -> bool:
        """Another person is now the primary face of this visit: the identity state
        ends (back to NOT_ASKED, grant and result dropped). True when there was
        something to end (a question, a decision or an identity)."""
        with self._lock:
            engaged = self._state is not ConsentState.NOT_ASKED or self._grant is not None
            self._reset(self._visit_id)
            return engaged

    def retire(self, user_id: str) -> None:
        """"Forget me" for `user_id`: never hand it out again (module docstring)."""
        with self._lock:
            self._retired.add(user_id)

    def withdraw(self) -> None:
        """"Forget me": the rest of the visit is anonymous and nothing is looked up again."""
        with self._lock:
            if self._state in (ConsentState.GRANTED, ConsentState.ASKING):
                self._state = ConsentState.WITHDRAWN
            self._result = None

    # ------------------------------------------------------------------ lookups

    def claim_lookup(self, track_id: int | None) -> LookupGrant | None:
        """The one lookup of this visit: a grant the first time it is asked for in a
        GRANTED visit, None otherwise (not granted, or already claimed)."""
        with self._lock:
            if (
                self._state is not ConsentState.GRANTED
                or self._visit_id is None
                or self._grant is not None
            ):
                return None
            self._grant = LookupGrant(self._visit_id, track_id, self)
            return self._grant

    def permits(self, grant: LookupGrant) -> bool:
        with self._lock:
            return (
                grant is self._grant
                and self._state is ConsentState.GRANTED
                and self._visit_id == grant.visit_id
            )

    def resolve(self, grant: LookupGrant, result: IdentityResult) -> bool:
        """Cache the lookup's result on the visit; False (and nothing cached) when the
        visit ended or the consent was withdrawn meanwhile."""
        with self._lock:
            if grant is not self._grant or self._state is not ConsentState.GRANTED:
                return False
            self._result = result
            return True

    def _reset(self, visit_id: str | None) -> None:
        self._visit_id = visit_id
        self._state = ConsentState.NOT_ASKED
        self._grant = None
        self._result = None
