"""The report's "held back" sentence says plainly what is left out and why (tester round
25 D9: "the last 21 visits are shown only once 5 visits have come" read as a
contradiction: 21 visits are more than 5; they were held because their time period was
still open, which has nothing to do with k)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest

from kiosk.analytics.bucket import BucketStats
from kiosk.analytics.report import summarize

T0 = 1_764_547_200.0  # 2025-12-01 00:00 UTC
K = 5


def held(pages: int, likes: int, waiting: int, suppressed: int = 0) -> dict[str, object]:
    b = BucketStats(T0, 300, pages=pages, likes=likes, suppressed_visits=suppressed)
    b.add_visit(5.0, 4.0)
    report = summarize([b], [], T0, T0 + 86400, K, ZoneInfo("UTC"), waiting_visits=waiting)
    return dict(report["held_back"])


def test_visits_at_k_or_more_are_held_for_their_open_period_not_for_k() -> None:
    note = held(30, 6, waiting=21)
    assert note["reason"] == "open"
    assert note["note"] == (
        "30 of 30 pages and 6 of 6 likes are not in the like rates by emotion or the top "
        "items because the time period of the last 21 visits is still open; they are added "
        "when it closes.")
    assert "5 visits" not in str(note["note"])  # k explains none of it


@pytest.mark.parametrize(("waiting", "clause"), [
    (1, "the last visit is held back until at least 5 visits have come"),
    (4, "the last 4 visits are held back until at least 5 visits have come"),
])
def test_visits_below_k_are_held_for_the_privacy_minimum(waiting: int, clause: str) -> None:
    note = held(3, 1, waiting=waiting)
    assert note["reason"] == "waiting"
    assert note["note"] == (
        "3 of 3 pages and 1 of 1 like are not in the like rates by emotion or the top items "
        "because groups of fewer than 5 visits are never shown, to keep visitors anonymous; "
        f"{clause}.")


def test_suppressed_visits_and_an_open_period_are_told_apart() -> None:
    note = held(12, 2, waiting=6, suppressed=3)
    assert note["reason"] == "suppressed_and_open"
    assert str(note["note"]).endswith(
        "because groups of fewer than 5 visits are never shown, to keep visitors anonymous: "
        "3 visits stayed in such groups, and the time period of the last 6 visits is still "
        "open; they are added when it closes.")
    below = held(12, 2, waiting=2, suppressed=3)
    assert below["reason"] == "suppressed_and_waiting"
    assert str(below["note"]).endswith(
        ": 3 visits stayed in such groups, and the last 2 visits are held back until at "
        "least 5 visits have come.")
