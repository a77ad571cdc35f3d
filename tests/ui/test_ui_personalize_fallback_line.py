"""The admin panel words why the last page came from this device instead of Amazon
Personalize in its own language (a fresh tester, round 16: in the Korean panel the
line was the English note, "Personalize failed: InternalServerError (boom); embedded
recommender used"). AWS's error code and message stay as they came."""

from __future__ import annotations

from kiosk.domain import FallbackReason
from kiosk.status import BackendStatus
from kiosk.ui import admin_status


def _line(reason: FallbackReason) -> str:
    flat = BackendStatus(catalog_counts={"happy": 3}, recommender="personalize",
                         last_personalize_fallback="Personalize …; embedded recommender used",
                         personalize_fallback=reason.as_dict()).as_dict()
    return next(x for x in admin_status.other_lines(flat)
                if x.startswith(("Last Personalize fallback", "마지막 Personalize")))


def test_the_fallback_line_in_english() -> None:
    assert _line(FallbackReason("failed", "InternalServerError", "boom")) == (
        "Last Personalize fallback: AWS answered with an error: InternalServerError (boom); "
        "pages from this device's recommender")
    assert _line(FallbackReason("paused", "ResourceNotFoundException", "…",
                                retry_in_s=542.4)).startswith(
        "Last Personalize fallback: paused after an error, next try in 542 s "
        "(ResourceNotFoundException)")
    assert "no answer in time" in _line(FallbackReason("timeout", message="after 800 ms"))


def test_the_fallback_line_in_korean(korean: None) -> None:
    line = _line(FallbackReason("failed", "InternalServerError", "boom"))
    assert "InternalServerError (boom)" in line  # AWS's own words
    for english in ("answered", "pages from", "recommender", "embedded"):
        assert english not in line, line
    assert "이 기기의 추천" in _line(FallbackReason("throttled", "ThrottlingException"))


def test_without_parts_the_note_is_shown_as_before() -> None:
    flat = BackendStatus(catalog_counts={}, recommender="personalize",
                         last_personalize_fallback="Personalize closed; embedded recommender "
                                                   "used").as_dict()
    assert flat["last Personalize fallback"] == ("Personalize closed; embedded recommender "
                                                 "used")


def test_the_network_tile_names_the_aws_services_answering_with_errors(korean: None) -> None:
    # "Online" (온라인) while every call got a 500 (a fresh tester, round 16)
    status = {"uploads_configured": True, "online": True, "uploader": "backoff",
              "last Personalize fallback": {"kind": "failed", "code": "InternalServerError"},
              "Rekognition": {"last_error": "InternalServerError (boom)"}}
    tile = admin_status.network_tile(status)
    assert tile.value == "온라인" and tile.alert
    assert "Personalize 이벤트" in tile.detail and "Personalize 추천" in tile.detail
    assert "Rekognition" in tile.detail
    calm = admin_status.network_tile({"uploads_configured": True, "online": True,
                                      "uploader": "idle"})
    assert not calm.alert and not calm.detail
