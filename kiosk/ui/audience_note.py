"""The Audience screen's "held back" sentence: what the like rates by emotion and the
top items leave out, and why, in the operator's language.

`kiosk-admin report` prints the same sentence in English (`held back: …`, the report's
`held_back.note`, `kiosk.analytics.report.held_back`). The report's `held_back.reason`
says which case it is (`HELD_REASONS`), so the branching is the report's; this module
only words it, from translatable pieces whose English joins into the report's note
word for word (tests/ui/test_ui_audience.py checks each case). English plurals are
chosen here (one source string each for one and many); Korean has one form for both.
Strings: context "AudienceNote" in `resources/translations/kiosk_ko.ts`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import QCoreApplication

translate = QCoreApplication.translate  # context "AudienceNote" (literal, for lupdate)


def held_back_text(report: Mapping[str, Any]) -> str:
    """The translated sentence for `report` (`kiosk.analytics.report`'s dict), "" when
    nothing is held back (or the report is from before `held_back` had a reason)."""
    held: Mapping[str, Any] = report.get("held_back") or {}
    totals: Mapping[str, Any] = report.get("totals") or {}
    reason = str(held.get("reason") or "")
    if not reason or not (held.get("pages") or held.get("likes")):
        return ""
    all_pages, all_likes = int(totals.get("pages") or 0), int(totals.get("likes") or 0)
    pages = (translate("AudienceNote", "%1 of %2 page") if all_pages == 1
             else translate("AudienceNote", "%1 of %2 pages"))
    likes = (translate("AudienceNote", "%1 of %2 like") if all_likes == 1
             else translate("AudienceNote", "%1 of %2 likes"))
    return _fill(translate(
        "AudienceNote",
        "%1 and %2 are not in the like rates by emotion or the top items because %3."),
        _fill(pages, held.get("pages", 0), all_pages),
        _fill(likes, held.get("likes", 0), all_likes),
        _why(reason, int(held.get("k") or report.get("k") or 5),
             int(held.get("suppressed_visits") or 0), int(held.get("waiting_visits") or 0),
             int(totals.get("crashes") or 0)))


def _why(reason: str, k: int, suppressed: int, waiting: int, crashes: int) -> str:
    """The clause after "because" for `reason` (`kiosk.analytics.report.HELD_REASONS`)."""
    groups = _fill(translate(
        "AudienceNote",
        "groups of fewer than %1 visits are never shown, to keep visitors anonymous"), k)
    dropped = _fill(_visits(suppressed), suppressed)
    if waiting == 1:  # below k (k is at least 2): held for privacy
        held = _fill(translate("AudienceNote", "the last visit is held back until at least "
                               "%1 visits have come"), k)
    else:
        held = _fill(translate("AudienceNote", "the last %1 visits are held back until at "
                               "least %2 visits have come"), waiting, k)
    period = _fill(translate("AudienceNote", "the time period of the last %1 visits is still "
                             "open; they are added when it closes"), waiting)
    if reason in ("suppressed_and_waiting", "suppressed_and_open"):
        return _fill(translate("AudienceNote", "%1: %2 stayed in such groups, and %3"),
                     groups, dropped, held if reason == "suppressed_and_waiting" else period)
    if reason == "suppressed":
        return _fill(translate("AudienceNote", "%1, and %2 stayed in such groups"),
                     groups, dropped)
    if reason == "waiting":
        return _fill(translate("AudienceNote", "%1; %2"), groups, held)
    if reason == "open":
        return period
    if reason == "crashes":
        stopped = (translate("AudienceNote", "the kiosk stopped unexpectedly (%1 time) before "
                             "it saved them") if crashes == 1
                   else translate("AudienceNote", "the kiosk stopped unexpectedly (%1 times) "
                                  "before it saved them"))
        return _fill(stopped, crashes)
    return groups


def _visits(n: int) -> str:
    return (translate("AudienceNote", "%1 visit") if n == 1
            else translate("AudienceNote", "%1 visits"))


def _fill(template: str, *values: object) -> str:
    """`template` with %1, %2, … replaced in one pass (a value holding "%2" stays)."""
    out, i = [], 0
    while i < len(template):
        if template[i] == "%" and i + 1 < len(template) and template[i + 1].isdigit():
            n = int(template[i + 1])
            if 1 <= n <= len(values):
                out.append(str(values[n - 1]))
                i += 2
                continue
        out.append(template[i])
        i += 1
    return "".join(out)
