"""The per-visit consent state machine: only GRANTED yields a lookup, once per visit,
and nothing carries over to the next visit."""

from __future__ import annotations

import pytest

from kiosk.identity.consent import ConsentState, VisitConsent
from kiosk.identity.errors import ConsentError
from kiosk.identity.results import IdentityResult


def test_yes_grants_one_lookup_per_visit() -> None:
    c = VisitConsent(enabled=True)
    c.begin("v1")
    assert c.should_ask()
    c.ask()
    assert c.state is ConsentState.ASKING and not c.should_ask()
    assert c.claim_lookup(3) is None  # still asking
    assert c.answer("yes") is ConsentState.GRANTED
    grant = c.claim_lookup(3)
    assert grant is not None and grant.valid and grant.track_id == 3
    assert c.claim_lookup(3) is None  # one lookup per visit


@pytest.mark.parametrize(("answer", "state"), [("no", ConsentState.DECLINED),
                                               ("timeout", ConsentState.TIMED_OUT)])
def test_no_and_timeout_grant_nothing(answer: str, state: ConsentState) -> None:
    c = VisitConsent(enabled=True)
    c.begin("v1")
    c.ask()
    assert c.answer(answer) is state
    assert c.claim_lookup(1) is None and c.user_id is None
    assert c.answer("yes") is state  # a late tap changes nothing


def test_the_decision_is_reset_at_visit_end() -> None:
    c = VisitConsent(enabled=True)
    c.begin("v1")
    c.ask()
    c.answer("yes")
    grant = c.claim_lookup(1)
    assert grant is not None
    assert c.resolve(grant, IdentityResult("u1", matched=True, reason="matched"))
    assert c.user_id == "u1"
    c.end()
    assert c.state is ConsentState.NOT_ASKED and c.user_id is None and not grant.valid
    assert not c.resolve(grant, IdentityResult("u1"))  # a late result is dropped
    c.begin("v2")
    assert c.should_ask() and c.claim_lookup(1) is None


def test_a_new_visit_invalidates_the_old_grant() -> None:
    c = VisitConsent(enabled=True)
    c.begin("v1")
    c.ask()
    c.answer("yes")
    grant = c.claim_lookup(1)
    assert grant is not None
    c.begin("v2")
    c.ask()
    c.answer("yes")
    assert not grant.valid


def test_withdraw_makes_the_rest_of_the_visit_anonymous() -> None:
    c = VisitConsent(enabled=True)
    c.begin("v1")
    c.ask()
    c.answer("yes")
    grant = c.claim_lookup(1)
    assert grant is not None
    c.resolve(grant, IdentityResult("u1", enrolled=True, reason="enrolled"))
    c.withdraw()
    assert c.state is ConsentState.WITHDRAWN and c.user_id is None and not grant.valid


def test_disabled_never_asks() -> None:
    c = VisitConsent(enabled=False)
    c.begin("v1")
    assert not c.should_ask()
    with pytest.raises(ConsentError):
        c.ask()
    assert c.claim_lookup(1) is None


def test_asking_needs_a_visit_and_happens_once() -> None:
    c = VisitConsent(enabled=True)
    with pytest.raises(ConsentError):
        c.ask()
    c.begin("v1")
    c.ask()
    with pytest.raises(ConsentError):
        c.ask()
    with pytest.raises(ValueError, match="allowed"):
        c.answer("maybe")
