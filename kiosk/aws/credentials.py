"""One refusal of the `[aws]` credentials, shared by every part that calls with them.

The Rekognition fallback (DetectFaces) and the identity service (its collection calls)
each make their client from the same `[aws]` settings (`make_client("rekognition", aws)`:
the same profile or keys, region and endpoint), and each holds its own calls back after a
refusal (`kiosk.aws.CallPause`). When AWS refuses the credentials themselves
(`classify.about_credentials`: UnrecognizedClient, InvalidSignature / SignatureDoesNotMatch,
an expired token, no credentials), every call with them can only be refused too, so
the part that got the answer tells this object and the others send nothing (no face
crops) until the same 30-min pause ends (`REFUSED_PAUSE_S`; then each may try one call).
A refusal of one action's permission (AccessDenied: IAM decides per action) and
throttling (per API) stay in each part's own `CallPause`.

Any answer that is not a refusal of the credentials (a success, an AccessDenied, an
error about the request) shows they work: the shared refusal ends (`accepted`).

Built once by the composition root (`kiosk.app`) and given to both parts. Thread-safe
(the fallback calls on the vision thread's helper, identity on its own worker); the clock
is injectable for tests.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import NamedTuple

from kiosk.aws.pause import REFUSED_PAUSE_S

REKOGNITION = "rekognition"  # the Rekognition fallback (kiosk.vision.rekognition)
IDENTITY = "identity"  # the identity service (kiosk.identity)


class Refusal(NamedTuple):
    """The credentials refused: AWS's code, the part that got the answer, seconds left."""

    code: str
    by: str
    left_s: float


class CredentialsRefusal:
    """AWS refused the shared `[aws]` credentials (module docstring)."""

    def __init__(self, *, clock: Callable[[], float] = time.monotonic,
                 pause_s: float = REFUSED_PAUSE_S) -> None:
        self._clock = clock
        self.pause_s = pause_s
        self._lock = threading.Lock()
        self._code: str | None = None  # kept after the pause, until an answer shows they work
        self._by = ""
        self._until = 0.0

    def refuse(self, code: str, by: str) -> bool:
        """Part `by` got `code` (one of `classify.CREDENTIAL_CODES`): no part calls with
        the credentials for `pause_s`. True when this starts a new episode (the first, or
        another code), so one ERROR is logged across the parts and the repeats at INFO."""
        with self._lock:
            new = self._code != code
            self._code, self._by = code, by
            self._until = self._clock() + self.pause_s
            return new

    def accepted(self) -> None:
        """An answer that is not a refusal of the credentials: they work."""
        with self._lock:
            self._code, self._by, self._until = None, "", 0.0

    def current(self) -> Refusal | None:
        """The refusal while it holds, else None. No side effects."""
        with self._lock:
            left = self._until - self._clock()
            if self._code is None or left <= 0:
                return None
            return Refusal(self._code, self._by, left)

    def holding(self, part: str) -> Refusal | None:
        """The refusal while it holds `part` back on another part's answer, else None
        (the part that got the answer is held by its own `CallPause`, with its own
        wording: what to do about its permission or the credentials)."""
        refusal = self.current()
        return refusal if refusal is not None and refusal.by != part else None
