"""One reachability probe: call a cheap read-only API once and say what the answer means.

`kiosk --self-test` uses it to check what is configured (the fleet's CloudWatch
endpoint, the catalog sync's bucket) without sending data. The outcome, `Reach`:

* OK - the service answered the call;
* DENIED - the service answered "access denied": the endpoint is reachable and the
  credentials were accepted (signed, known, not expired), only this call is not
  allowed; e.g. ListMetrics for a kiosk role that may only PutMetricData;
* NO_CREDENTIALS - no credentials were found (boto3's standard chain), nothing was sent;
* REJECTED - the service refused the credentials (unknown key, bad signature, expired
  token);
* OFFLINE - no answer (DNS, connection refused, timeout);
* FAILED - another answer (no such bucket, throttled, a server error): `code` says which.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from kiosk.aws.classify import ErrorKind, classify, error_code, error_message

DENIED_CODES = frozenset({"AccessDenied", "AccessDeniedException", "UnauthorizedOperation",
                          "AuthorizationError", "AllAccessDisabled"})
NO_CREDENTIALS_CODES = frozenset({"NoCredentialsError", "PartialCredentialsError"})


class Reach(enum.StrEnum):
    """What one probe call found (module docstring)."""

    OK = "ok"
    DENIED = "denied"
    NO_CREDENTIALS = "no credentials"
    REJECTED = "rejected"
    OFFLINE = "offline"
    FAILED = "failed"


@dataclass(frozen=True)
class Probe:
    """A probe's outcome: `code` and `message` of the error ("" when OK), `result` the
    call's answer (None unless OK), `transient` when trying later may work."""

    reach: Reach
    code: str = ""
    message: str = ""
    result: Any = None
    transient: bool = False


def probe(call: Callable[[], Any]) -> Probe:
    """Run `call` (one boto3 call, one attempt) and sort its outcome; never raises for
    an AWS or connection error."""
    try:
        return Probe(Reach.OK, result=call())
    except Exception as exc:
        kind = classify(exc)
        code, message = error_code(exc), error_message(exc)
        if code in NO_CREDENTIALS_CODES:
            reach = Reach.NO_CREDENTIALS
        elif code in DENIED_CODES:
            reach = Reach.DENIED
        elif kind is ErrorKind.REFUSED:
            reach = Reach.REJECTED
        elif kind is ErrorKind.OFFLINE:
            reach = Reach.OFFLINE
        else:
            reach = Reach.FAILED
        return Probe(reach, code, message, transient=kind.transient)


def trouble(found: Probe, where: str, meanwhile: str, settings: str) -> tuple[str, str]:
    """A probe that did not get through, as a self-test line's (status, detail): FAIL
    when it needs a fix, WARN when it may pass later on its own. `where`: what was
    contacted; `meanwhile`: what the kiosk does until then; `settings`: what to check."""
    if found.reach is Reach.NO_CREDENTIALS:
        return "WARN", (f"no AWS credentials found (boto3's standard chain), so {where} was "
                        f"not contacted; {meanwhile}")
    if found.reach is Reach.REJECTED:
        return "FAIL", (f"{where} refused the credentials ({found.code}: {found.message}); "
                        "fix the kiosk's AWS credentials or [aws] profile")
    if found.reach is Reach.OFFLINE:
        return "WARN", (f"no answer from {where} ({found.message}); {meanwhile}; check the "
                        f"network, a proxy or firewall, and {settings}")
    status = "WARN" if found.transient else "FAIL"
    return status, f"{where} answered {found.code}: {found.message}; {meanwhile}"
