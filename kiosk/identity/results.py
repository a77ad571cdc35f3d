"""What the identity service hands back: plain frozen values, safe to pass to the GUI
thread (ids and reasons only, never image bytes)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kiosk.identity.register import Enrolment


@dataclass(frozen=True, slots=True)
class IdentityResult:
    """One lookup's outcome. `user_id` is None for an anonymous visit; `reason` says
    what happened ("matched", "enrolled", or why the visit stays anonymous: "no
    consent", "offline", "throttled", "no face", "low quality: LOW_SHARPNESS", ...)."""

    user_id: str | None
    matched: bool = False
    enrolled: bool = False
    reason: str = ""
    face_id: str | None = None
    similarity: float | None = None

    @property
    def identified(self) -> bool:
        return self.user_id is not None


@dataclass(frozen=True, slots=True)
class ForgetResult:
    """"Forget me": the face ids that had to go, those the collection confirmed gone,
    and those still pending (offline; retried by `purge_expired`). The local rows are
    gone unless `error` names a register failure. `complete`: nothing left anywhere."""

    user_id: str
    face_ids: tuple[str, ...] = ()
    deleted: tuple[str, ...] = ()
    pending: tuple[str, ...] = ()
    error: str = ""

    @property
    def complete(self) -> bool:
        return not self.pending and not self.error


@dataclass(frozen=True, slots=True)
class PurgeReport:
    """What a purge removed: the expired enrolments, the faces the collection confirmed
    deleted (including retried earlier ones) and those still pending."""

    purged: tuple[Enrolment, ...] = ()
    deleted: tuple[str, ...] = ()
    pending: tuple[str, ...] = ()
    error: str = ""
    checked_only: bool = False  # nothing was due: no AWS call was made

    def as_json(self) -> dict[str, Any]:
        return {
            "purged": [e.as_json() for e in self.purged],
            "deleted_face_ids": list(self.deleted),
            "pending_face_ids": list(self.pending),
            "error": self.error,
        }
