"""The numbers of a period: totals, bucket rows, and the k-anonymous mixes summed.

`build_report` reads an `AnalyticsStore` and returns one JSON-ready dict, the shape
`kiosk-admin report --json` prints and the CSV, HTML and the Audience view are made of:

    {"since": ISO, "until": ISO, "timezone": "Asia/Seoul", "k": 5,
     "totals": {"visits", "engaged", "passers_by", "pages", "likes", "like_rate",
                "dwell_p50_s", "dwell_p90_s", "mood_picks", "consent_yes", "consent_no",
                "camera_live_pct", "fps_mean", "vision_p95_ms", "queue_depth",
                "dead_letters", "crashes", "restarts", "suppressed_visits"},
     "buckets": [BucketStats.as_row() + "time": ISO, …],
     "visits_by_hour": {"0".."23": n}, "emotion_mix": {EMOTION: n},
     "emotion_by_hour": {"0".."23": {EMOTION: n}}, "like_rate_by_emotion": {EMOTION: rate},
     "top_items": [{"item": id, "likes": n}, …], "camera_s": {STATE: seconds},
     "held_back": {"k", "pages", "likes", "suppressed_visits", "waiting_visits", "reason",
                   "note"}}

"held_back" says what the emotion mix, like rates and top items do not cover: the
pages and likes of the period's buckets that are in no mix, because a group below k
visits is held back (`waiting_visits`: the store's pending mix, still merging; then
`suppressed_visits`), is in the time period not closed yet (`waiting_visits` of k or
more), or was lost when a kiosk stopped before saving it; "reason" says
which (`HELD_REASONS`) and "note" says so in words ("" for both when the mix covers
every page and like; the Audience screen says the note in the operator's language).

Times ("since", "until", a bucket's "time") are UTC ISO; the hours of day
("visits_by_hour", "emotion_by_hour") and a bucket's "local_time" are in the store's
zone ("timezone": `[analytics] timezone`, see `kiosk.config.timezone`), whoever runs it.
"""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime, tzinfo
from typing import Any

from kiosk.analytics.bucket import (
    CAMERA_STATES,
    BucketStats,
    Mix,
    histogram_percentile,
    merge_histograms,
)
from kiosk.analytics.store import AnalyticsStore
from kiosk.config.timezone import store_zone, zone_label

_UNITS = {"m": 60.0, "h": 3600.0, "d": 86400.0, "w": 7 * 86400.0}


def parse_since(text: str, now: float | None = None, zone: tzinfo | None = None) -> float:
    """`7d`, `24h`, `90m`, `2w` (ago), or an ISO date/time (in `zone`, the store's, when
    it has no offset; default: the system's); returns epoch seconds. Raises ValueError
    naming the accepted forms."""
    now = time.time() if now is None else now
    value = text.strip()
    match = re.fullmatch(r"(\d+(?:\.\d+)?)\s*([mhdw])", value.lower())
    if match:
        return now - float(match.group(1)) * _UNITS[match.group(2)]
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(f"--since {text!r}: use a duration such as 7d, 24h, 90m, 2w, "
                         "or a date such as 2026-11-30 or 2026-11-30T09:00") from None
    if when.tzinfo is None:
        when = when.replace(tzinfo=store_zone() if zone is None else zone)
    return when.timestamp()


def start_of_today(now: float | None = None, zone: tzinfo | None = None) -> float:
    """Midnight of today in `zone` (the store's; default: the system's)."""
    zone = store_zone() if zone is None else zone
    local = datetime.fromtimestamp(time.time() if now is None else now, zone)
    return local.replace(hour=0, minute=0, second=0, microsecond=0).timestamp()


def build_report(store: AnalyticsStore, since: float, until: float | None = None,
                 extra: list[BucketStats] | None = None,
                 zone: tzinfo | None = None) -> dict[str, Any]:
    """The report of `[since, until)`; `extra` adds unsaved buckets (the open one);
    hours of day in `zone` (the store's; default: the system's)."""
    until = time.time() if until is None else until
    buckets = store.buckets(since, until) + list(extra or [])
    mixes = store.mixes(since, until)
    held = store.pending()
    waiting = held.visits if held is not None and held.end > since and held.start < until else 0
    return summarize(buckets, mixes, since, until, store.k, zone, waiting_visits=waiting)


def summarize(buckets: list[BucketStats], mixes: list[Mix], since: float, until: float,
              k: int, zone: tzinfo | None = None, waiting_visits: int = 0) -> dict[str, Any]:
    zone = store_zone() if zone is None else zone
    visits = sum(b.visits for b in buckets)
    pages = sum(b.pages for b in buckets)
    likes = sum(b.likes for b in buckets)
    hist = merge_histograms(b.dwell_hist for b in buckets)
    camera: dict[str, float] = {s: 0.0 for s in CAMERA_STATES}
    for b in buckets:
        for state, seconds in b.camera_s.items():
            camera[state] = camera.get(state, 0.0) + seconds
    camera_total = sum(camera.values())
    fps = [b.fps_mean for b in buckets if b.fps_mean is not None]
    latest = [b for b in buckets if b.dead_letters is not None]
    totals: dict[str, Any] = {
        "visits": visits,
        "engaged": sum(b.engaged for b in buckets),
        "passers_by": visits - sum(b.engaged for b in buckets),
        "pages": pages,
        "likes": likes,
        "like_rate": round(likes / pages, 4) if pages else None,
        "dwell_p50_s": _r(histogram_percentile(hist, 0.5)),
        "dwell_p90_s": _r(histogram_percentile(hist, 0.9)),
        "mood_picks": sum(b.mood_picks for b in buckets),
        "consent_yes": sum(b.consent_yes for b in buckets),
        "consent_no": sum(b.consent_no for b in buckets),
        "camera_live_pct": _r(100 * camera.get("LIVE", 0.0) / camera_total)
        if camera_total else None,
        "fps_mean": _r(sum(fps) / len(fps)) if fps else None,
        "vision_p95_ms": _r(max((b.vision_p95_ms for b in buckets
                                 if b.vision_p95_ms is not None), default=None)),
        "queue_depth": max((b.queue_depth for b in buckets if b.queue_depth is not None),
                           default=None),
        "dead_letters": latest[-1].dead_letters if latest else None,
        "crashes": sum(b.crashes for b in buckets),
        "restarts": sum(b.restarts for b in buckets),
        "suppressed_visits": sum(b.suppressed_visits for b in buckets),
        "uploads_failing": sum(b.uploads_failing for b in buckets),
    }
    by_hour = {str(h): 0 for h in range(24)}
    for b in buckets:
        by_hour[str(datetime.fromtimestamp(b.start, zone).hour)] += b.visits
    total_mix = Mix(since, until)
    emotion_by_hour: dict[str, dict[str, int]] = {str(h): {} for h in range(24)}
    for m in mixes:
        total_mix.merge(m)
        hour = emotion_by_hour[str(datetime.fromtimestamp(m.start, zone).hour)]
        for emotion, n in m.emotions.items():
            hour[emotion] = hour.get(emotion, 0) + n
    like_rate = {
        e: round(total_mix.likes_by_emotion.get(e, 0) / n, 4)
        for e, n in sorted(total_mix.pages_by_emotion.items()) if n
    }
    top = sorted(total_mix.items.items(), key=lambda kv: (-kv[1], kv[0]))[:10]
    return {
        "since": _iso(since),
        "until": _iso(until),
        "timezone": zone_label(zone),
        "k": k,
        "totals": totals,
        "buckets": [{"time": _iso(b.start), "local_time": _local(b.start, zone), **b.as_row()}
                    for b in buckets],
        "visits_by_hour": by_hour,
        "emotion_mix": dict(sorted(total_mix.emotions.items())),
        "emotion_by_hour": emotion_by_hour,
        "like_rate_by_emotion": like_rate,
        "top_items": [{"item": item, "likes": n} for item, n in top],
        "camera_s": {s: round(v, 1) for s, v in camera.items()},
        "held_back": held_back(totals, total_mix, k, waiting_visits),
    }


def held_back(totals: dict[str, Any], mix: Mix, k: int, waiting_visits: int) -> dict[str, Any]:
    """What the mix (like rates by emotion, top items) leaves out of the totals, and why.
    Before, a kiosk killed before its mix reached k visits left 6 likes in the totals
    and like rate 0.0 for every mood with no word of the likes left out."""
    pages = max(0, totals["pages"] - sum(mix.pages_by_emotion.values()))
    likes = max(0, totals["likes"] - sum(mix.likes_by_emotion.values()))
    suppressed = int(totals["suppressed_visits"])
    crashes = int(totals["crashes"])
    note = reason = ""
    if pages or likes:
        reason = held_reason(suppressed, waiting_visits, crashes, k)
        note = (f"{pages} of {totals['pages']} {_plural(totals['pages'], 'page')} and "
                f"{likes} of {totals['likes']} {_plural(totals['likes'], 'like')} are not in "
                f"the like rates by emotion or the top items because "
                f"{_why_held(reason, k, suppressed, waiting_visits, crashes)}.")
    return {"k": k, "pages": pages, "likes": likes, "suppressed_visits": suppressed,
            "waiting_visits": waiting_visits, "reason": reason, "note": note}


# Why pages and likes are left out of the mix (`held_back`'s "reason"): the Audience
# screen words the note from it in the operator's language (kiosk.ui.audience_note).
# "waiting": the last visits are fewer than k (a privacy minimum); "open": they are k or
# more, in the time period the recorder has not closed yet (nothing to do with k).
HELD_REASONS = ("suppressed_and_waiting", "suppressed_and_open", "suppressed", "waiting",
                "open", "crashes", "groups")


def held_reason(suppressed: int, waiting: int, crashes: int, k: int) -> str:
    """Which of `HELD_REASONS` explains what the mix leaves out; a crash is named only
    when neither k reason (visits suppressed, or the last visits held) explains it.
    The last `waiting` visits (the store's pending mix) are held below `k` for privacy,
    and at `k` or more only because their time period is still open."""
    held = "" if not waiting else ("open" if waiting >= k else "waiting")
    if suppressed and held:
        return f"suppressed_and_{held}"
    if suppressed:
        return "suppressed"
    if held:
        return held
    return "crashes" if crashes else "groups"


def _why_held(reason: str, k: int, suppressed: int, waiting: int, crashes: int) -> str:
    """Why pages and likes are left out of the mix, in plain words (one clause).
    Before, the note listed "N visits suppressed: ..." and "lost when the kiosk was
    stopped before saving them (1 crash)" side by side, which a store manager could
    not tell apart, and named a crash even when k explained everything; and 21 visits
    in the open period read "the last 21 visits are shown only once 5 visits have
    come", which k does not explain at all."""
    groups = f"groups of fewer than {k} visits are never shown, to keep visitors anonymous"
    dropped = f"{suppressed} {_plural(suppressed, 'visit')}"
    held = (f"the last visit is held back until at least {k} visits have come" if waiting == 1
            else f"the last {waiting} visits are held back until at least {k} visits have come")
    period = (f"the time period of the last {waiting} visits is still open; they are added "
              "when it closes")
    if reason == "suppressed_and_waiting":
        return f"{groups}: {dropped} stayed in such groups, and {held}"
    if reason == "suppressed_and_open":
        return f"{groups}: {dropped} stayed in such groups, and {period}"
    if reason == "suppressed":
        return f"{groups}, and {dropped} stayed in such groups"
    if reason == "waiting":
        return f"{groups}; {held}"
    if reason == "open":
        return period
    if reason == "crashes":
        return (f"the kiosk stopped unexpectedly ({crashes} "
                f"{_plural(crashes, 'time', 'times')}) before it saved them")
    return groups


def _plural(n: int, one: str, many: str | None = None) -> str:
    return one if n == 1 else many or one + "s"


def _iso(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, tz=UTC).isoformat(timespec="seconds")


def _local(epoch: float, zone: tzinfo) -> str:
    """ISO time in the store's zone, with its offset (2026-12-01T22:00:00+09:00)."""
    return datetime.fromtimestamp(epoch, zone).isoformat(timespec="seconds")


def _r(value: float | None) -> float | None:
    return None if value is None else round(float(value), 2)
