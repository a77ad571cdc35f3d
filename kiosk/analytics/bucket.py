"""One time bucket of audience and health numbers, as plain values.

`BucketStats` is what the recorder accumulates while a bucket is open and what the
store writes when it closes: counts, a dwell-time histogram (so percentiles merge
across buckets without keeping any visit's own time), camera seconds per state, and
gauge summaries. `Mix` is the part that could describe few people (emotion mix, like
rates by emotion, liked items): it is kept apart and only written once it covers at
least k visits (see `kiosk.analytics.recorder`).

No field holds a visit id, a face, an image or a time of one person's visit.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

# Upper edges (seconds) of the dwell histogram's bins; the last bin is open-ended.
DWELL_EDGES: tuple[float, ...] = (
    1, 2, 3, 5, 8, 10, 15, 20, 30, 45, 60, 90, 120, 180, 300, 600, 1200, 1800, 3600,
)
CAMERA_STATES = ("OPENING", "LIVE", "STALLED", "LOST")


def dwell_bin(seconds: float) -> int:
    """Index of the histogram bin that holds a dwell of `seconds`."""
    return bisect.bisect_left(DWELL_EDGES, max(0.0, seconds))


def histogram_percentile(counts: Sequence[int], q: float) -> float | None:
    """The `q` (0..1) percentile of a dwell histogram, in seconds, interpolated within
    the bin; None for an empty histogram. The open-ended last bin reports its lower edge."""
    total = sum(counts)
    if total <= 0:
        return None
    rank = q * total
    seen = 0.0
    for i, n in enumerate(counts):
        if n and seen + n >= rank:
            lo = DWELL_EDGES[i - 1] if i > 0 else 0.0
            if i >= len(DWELL_EDGES):
                return float(lo)
            hi = DWELL_EDGES[i]
            return float(lo + (hi - lo) * max(0.0, rank - seen) / n)
        seen += n
    return float(DWELL_EDGES[-1])


def percentile(values: Sequence[float], q: float) -> float | None:
    """Nearest-rank percentile of raw samples (gauges such as vision latency)."""
    if not values:
        return None
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))
    return float(ordered[index])


def add_counts(into: dict[str, int], other: Mapping[str, int]) -> None:
    for key, n in other.items():
        into[key] = into.get(key, 0) + int(n)


@dataclass
class Mix:
    """The k-anonymity-guarded part of one or more buckets.

    `visits`: how many distinct visits contributed (the k test). `emotions`: settled
    readings per emotion; `pages_by_emotion`, `likes_by_emotion`; `items`: likes per
    item id."""

    start: float
    end: float
    visits: int = 0
    emotions: dict[str, int] = field(default_factory=dict)
    pages_by_emotion: dict[str, int] = field(default_factory=dict)
    likes_by_emotion: dict[str, int] = field(default_factory=dict)
    items: dict[str, int] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not (self.visits or self.emotions or self.pages_by_emotion or self.items)

    def merge(self, other: Mix) -> None:
        """Absorb a later mix (the span grows to cover both)."""
        self.start = min(self.start, other.start)
        self.end = max(self.end, other.end)
        self.visits += other.visits
        add_counts(self.emotions, other.emotions)
        add_counts(self.pages_by_emotion, other.pages_by_emotion)
        add_counts(self.likes_by_emotion, other.likes_by_emotion)
        add_counts(self.items, other.items)


@dataclass
class BucketStats:
    """Counters and gauge summaries of one closed bucket `[start, start + span_s)`.

    Units: seconds for times and dwell, frames/s for fps, milliseconds for latency,
    megabytes for disk. Gauges are None when no sample arrived in the bucket."""

    start: float
    span_s: float
    visits: int = 0
    engaged: int = 0  # visits of at least [analytics] attention_s
    dwell_hist: list[int] = field(default_factory=lambda: [0] * (len(DWELL_EDGES) + 1))
    dwell_sum_s: float = 0.0
    pages: int = 0
    likes: int = 0
    mood_picks: int = 0
    consent_yes: int = 0
    consent_no: int = 0
    camera_s: dict[str, float] = field(default_factory=dict)
    fps_mean: float | None = None
    vision_p95_ms: float | None = None
    queue_depth: int | None = None  # the largest depth seen
    queue_delta: int = 0  # depth at the end minus depth at the start
    dead_letters: int | None = None  # dead letters at the last sample
    disk_free_mb: float | None = None  # the lowest free space seen
    crashes: int = 0
    restarts: int = 0
    suppressed_visits: int = 0  # visits whose mix was dropped for k-anonymity
    uploads_failing: int = 0  # health samples that found the event uploader failing
    # why the camera was STALLED or LOST, the newest such time of the bucket: a
    # `kiosk.camera.CameraTrouble` code (the fleet's CameraTrouble); not stored
    camera_trouble: int | None = None

    @property
    def end(self) -> float:
        return self.start + self.span_s

    @property
    def camera_live_pct(self) -> float | None:
        """Share of the bucket's known camera time that was LIVE, 0..100."""
        total = sum(self.camera_s.values())
        return None if total <= 0 else 100.0 * self.camera_s.get("LIVE", 0.0) / total

    def dwell_p(self, q: float) -> float | None:
        return histogram_percentile(self.dwell_hist, q)

    def add_visit(self, dwell_s: float, attention_s: float, *, counted: bool = False,
                  liked: bool = False) -> None:
        """A visit ended after `dwell_s`; `counted`: its visit was already counted (an
        early write counted it while in progress), so only its dwell is added. It is
        engaged when it lasted `attention_s` or liked an image (`liked`): a shopper who
        picked a mood, liked and left within 4 s paid attention (tester round 21: 7 such
        visits were 7 passers-by)."""
        self.visits += int(not counted)
        self.engaged += int(dwell_s >= attention_s or liked)
        self.dwell_hist[dwell_bin(dwell_s)] += 1
        self.dwell_sum_s += max(0.0, dwell_s)

    def as_row(self) -> dict[str, Any]:
        """Flat JSON-ready numbers (the report's bucket rows and CSV columns)."""
        return {
            "start": self.start,
            "span_s": self.span_s,
            "visits": self.visits,
            "engaged": self.engaged,
            "dwell_p50_s": _round(self.dwell_p(0.5)),
            "dwell_p90_s": _round(self.dwell_p(0.9)),
            "dwell_mean_s": _round(self.dwell_sum_s / self.visits) if self.visits else None,
            "pages": self.pages,
            "likes": self.likes,
            "mood_picks": self.mood_picks,
            "consent_yes": self.consent_yes,
            "consent_no": self.consent_no,
            "camera_live_pct": _round(self.camera_live_pct),
            **{f"camera_{s.lower()}_s": _round(self.camera_s.get(s, 0.0)) for s in CAMERA_STATES},
            "fps_mean": _round(self.fps_mean),
            "vision_p95_ms": _round(self.vision_p95_ms),
            "queue_depth": self.queue_depth,
            "queue_delta": self.queue_delta,
            "dead_letters": self.dead_letters,
            "disk_free_mb": _round(self.disk_free_mb),
            "crashes": self.crashes,
            "restarts": self.restarts,
            "suppressed_visits": self.suppressed_visits,
            "uploads_failing": self.uploads_failing,
        }


# The fields of `BucketStats` that only add up within a bucket (a store row of the same
# start adds them too): what the recorder may write before the bucket closes.
COUNT_FIELDS = ("visits", "engaged", "dwell_sum_s", "pages", "likes", "mood_picks",
                "consent_yes", "consent_no", "crashes", "restarts", "uploads_failing")


def counts_only(b: BucketStats) -> BucketStats:
    """A copy of `b`'s counts (`COUNT_FIELDS` and the dwell histogram), gauges left
    empty: what an early write of an open bucket holds."""
    out = BucketStats(b.start, b.span_s, dwell_hist=list(b.dwell_hist))
    for name in COUNT_FIELDS:
        setattr(out, name, getattr(b, name))
    return out


def early_part(b: BucketStats) -> BucketStats:
    """`counts_only(b)` with its camera seconds: what an early write of an open bucket
    puts in the store. Camera seconds add up within a bucket as counts do, so a report
    of the store (`kiosk-admin report`) has the open bucket's camera time too; the
    fleet, which takes camera time only from a closed bucket, gets `counts_only`."""
    out = counts_only(b)
    out.camera_s = dict(b.camera_s)
    return out


def has_camera_time(b: BucketStats) -> bool:
    """Whether `b` holds any camera seconds."""
    return any(v > 0 for v in b.camera_s.values())


def minus_counts(b: BucketStats, saved: BucketStats) -> BucketStats:
    """`b` (gauges and all) less the counts and camera seconds of `saved`, an earlier
    `counts_only` or `early_part` copy of the same bucket: the part not yet written."""
    camera = {state: seconds - saved.camera_s.get(state, 0.0)
              for state, seconds in b.camera_s.items()}
    out = BucketStats(b.start, b.span_s, dwell_hist=[
        n - m for n, m in zip(b.dwell_hist, saved.dwell_hist, strict=True)],
        camera_s={state: seconds for state, seconds in camera.items() if seconds > 1e-9},
        fps_mean=b.fps_mean, vision_p95_ms=b.vision_p95_ms,
        queue_depth=b.queue_depth, queue_delta=b.queue_delta, dead_letters=b.dead_letters,
        disk_free_mb=b.disk_free_mb, suppressed_visits=b.suppressed_visits,
        camera_trouble=b.camera_trouble)
    for name in COUNT_FIELDS:
        setattr(out, name, getattr(b, name) - getattr(saved, name))
    return out


def has_counts(b: BucketStats) -> bool:
    """Whether any count of `b` is not zero."""
    return any(getattr(b, name) for name in COUNT_FIELDS) or any(b.dwell_hist)


def merge_histograms(hists: Iterable[Sequence[int]]) -> list[int]:
    out = [0] * (len(DWELL_EDGES) + 1)
    for hist in hists:
        for i, n in enumerate(hist[: len(out)]):
            out[i] += int(n)
    return out


def _round(value: float | None, digits: int = 2) -> float | None:
    return None if value is None else round(float(value), digits)
