"""Opt-in returning-visitor identity: consent per visit, a Rekognition face collection,
and a local register that makes retention and "forget me" enforceable.

Off by default (`[identity] enabled`). Nothing here imports Qt; the consent card is
`kiosk.ui.consent`. The modules:

* `consent` – the per-visit consent state machine; only a GRANTED visit yields the
  `LookupGrant` that `IdentityService.identify` requires.
* `service` – SearchFacesByImage / IndexFaces / DeleteFaces with bounded retries.
* `register` – the SQLite register of enrolled user ids and face ids (no images).
* `errors` – the package's exceptions.
"""

from kiosk.identity.consent import ConsentState, LookupGrant, VisitConsent
from kiosk.identity.errors import ConsentError, IdentityConfigError, IdentityError, RegisterError
from kiosk.identity.register import Enrolment, IdentityRegister, PendingDeletion
from kiosk.identity.results import ForgetResult, IdentityResult, PurgeReport
from kiosk.identity.service import IdentityService

__all__ = [
    "ConsentError",
    "ConsentState",
    "Enrolment",
    "ForgetResult",
    "IdentityConfigError",
    "IdentityError",
    "IdentityRegister",
    "IdentityResult",
    "IdentityService",
    "LookupGrant",
    "PendingDeletion",
    "PurgeReport",
    "RegisterError",
    "VisitConsent",
]
