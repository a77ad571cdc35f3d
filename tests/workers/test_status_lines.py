"""The admin panel's problem lines clear after recovery (issue 18): "last upload error"
and "last Personalize fallback" are shown only until a success comes after them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from kiosk.workers.backend import KioskBackend


@dataclass
class Recommender:
    personalize: dict[str, Any] = field(default_factory=dict)
    last_fallback: str | None = None
    last_fallback_at: float | None = None

    def status(self) -> dict[str, Any]:
        return {"backend": "personalize", "items_by_emotion": {}, "personalize": self.personalize,
                "last_fallback": self.last_fallback, "last_fallback_at": self.last_fallback_at}


@dataclass
class UploaderStatus:
    values: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        return dict(self.values)


class Uploader:
    def __init__(self) -> None:
        self.values: dict[str, Any] = {"state": "idle", "online": True}

    def status(self) -> UploaderStatus:
        return UploaderStatus(self.values)


def test_problem_lines_show_until_a_later_success() -> None:
    rec, uploader = Recommender(), Uploader()
    backend = KioskBackend(recommender=rec, uploader=uploader)  # type: ignore[arg-type]
    assert "last upload error" not in backend.status()

    uploader.values.update(last_error="ThrottlingException: slow down", last_error_at=100.0,
                           last_success_at=50.0)
    rec.last_fallback, rec.last_fallback_at = "Personalize timed out; embedded used", 100.0
    rec.personalize = {"last_success_at": 50.0}
    status = backend.status()
    assert status["last upload error"] == "ThrottlingException: slow down"
    assert status["last Personalize fallback"] == "Personalize timed out; embedded used"

    uploader.values["last_success_at"] = 130.0  # recovered
    rec.personalize = {"last_success_at": 120.0}
    status = backend.status()
    assert "last upload error" not in status
    assert "last Personalize fallback" not in status
