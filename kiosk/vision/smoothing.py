"""Emotion smoothing: turn jittery per-frame probabilities into a calm, settled emotion.

Each face (track) gets an `EmotionSmoother`. It keeps an exponential moving average
of the 8 probabilities whose weight depends on the time between readings, not on
the frame rate: ``alpha = 1 - exp(-dt / smoothing_s)``, so the same setting behaves
alike at 10 and at 30 fps. The settled emotion changes only when another emotion
leads it by at least `hysteresis` in smoothed probability, so noise around a
dominant emotion never flips the screen, while a real change (with the defaults,
0.4 s, 0.10 and the 0.2 s hold below) settles in about half a second.

Two guards keep a slow, irregular stream of readings (a busy machine: the vision
loop takes a few hundred milliseconds a step, unevenly, and skips the frames in
between) from flipping the screen on an uncertain face:

* `max_dt_s` caps the time one reading counts for. Each reading is one noisy look at
  the face (and, with mirror views, alternately the plain and the mirrored one), so
  its weight must not grow with the gap before it: uncapped, one reading after a
  0.5 s gap moved the average 71 % of the way to itself, and a face the models are
  unsure of flipped between its two likeliest emotions with nearly every reading.
  Up to the cap (`[vision] max_reading_s`, 0.15 s: about 7 readings a second or
  more) the average stays time-based; beyond it one reading moves it at most 31 %.
* `hold_s` (`[vision] hold_s`, 0.2 s): a challenger takes over only after it has led
  the settled emotion by the hysteresis in every reading for `hold_s` seconds of
  reading time (timestamps, not frame counts). A lead that lasts one reading, or
  that comes and goes, changes nothing. The first settled emotion of a face (a new
  visitor has a fresh smoother) is shown at once.

Both guards wait for a face's `warmup` readings (the pipeline's `FIRST_READINGS`, 3):
until then the average is the plain mean of the readings so far and a lead by the
hysteresis takes over at once. A fresh face's first reading is shown at once, and
under load one wrong first look (a borderline face, the mirror view the models
like less) used to stand for three or four more readings, 1.5 s and more, before
the capped readings and the hold let the right emotion through.

So a face's first settled emotion may still change with its next reading or two (a
real face video: SURPRISED 54 % on the first reading, HAPPY 38 % 43 ms later).
`steady(now)` says when it is unlikely to change without a real change of face: the
last `warmup` certain readings (3) each left it ahead of every other emotion by the
hysteresis; or the last one did and it has stood `steady_s` (`STEADY_S`, 1.5 s of
reading time: a face that gives one clear reading and then only uncertain ones); or
it has stood twice that (a face read unclearly all along is not kept from its page for
ever). The kiosk asks for a page only for a steady emotion
(`VisionResult.reading_steady`, `kiosk.controllers.visit`): before, a new visitor's
first page could be replaced about 40 ms after it was drawn, a flash that also counted
as an impression.

The clear lead is what the three readings alone missed (2026-12-02): a sad man whose
plain view reads SAD 0.42-0.55 and whose mirrored view reads CALM 0.40-0.47 gave
CALM, CALM, SAD as his first certain readings (the SAD looks under 0.45 are uncertain),
a mean with CALM 0.07 ahead; that was steady, the kiosk showed a CALM page and queued
its impression, and SAD took over 1-4 s later (`tests/vision/test_first_steady.py` has
the readings). Until then a warmup count and 0.5 s were enough.

The Rekognition fallback's answer is exempt from both (`update(..., guarded=False)`):
it is asked only after a second with no certain local reading, so it stands for that
whole second, and its rate limit already keeps it from flickering the screen.

Readings marked `uncertain` (small or blurred face, low confidence) are ignored:
they neither move the average nor the settled emotion, nor break a challenger's hold.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from kiosk.domain import Emotion, EmotionReading

EMOTIONS: tuple[Emotion, ...] = tuple(Emotion)
STEADY_S = 1.5  # `EmotionSmoother.steady`: a clear lead that stood this long is steady


class EmotionSmoother:
    """Time-based EMA over the 8 emotion probabilities, with hysteresis and a hold.

    `min_dt_s` is the least time one reading counts for, so two readings with the
    same timestamp (a local one and a Rekognition one folded in the same frame)
    both count, each like one frame at 30 fps; `max_dt_s` the most (module
    docstring). `hold_s`: how long a challenger must lead before it takes over.
    `warmup`: the first readings after a reset that are averaged plainly, no hold.
    `steady_s`: how long a settled emotion with a clear lead stands before it is
    `steady` without `warmup` clear readings in a row (any emotion: twice that)."""

    def __init__(
        self, smoothing_s: float = 0.4, hysteresis: float = 0.10, *,
        hold_s: float = 0.2, max_dt_s: float = 0.15, min_dt_s: float = 1 / 30,
        warmup: int = 0, steady_s: float = STEADY_S,
    ) -> None:
        if smoothing_s <= 0:
            raise ValueError("smoothing_s must be positive")
        if hold_s < 0 or not max_dt_s >= min_dt_s:
            raise ValueError("hold_s must be >= 0 and max_dt_s >= min_dt_s")
        self.smoothing_s = smoothing_s
        self.hysteresis = hysteresis
        self.hold_s = hold_s
        self.max_dt_s = max_dt_s
        self.min_dt_s = min_dt_s
        self.warmup = warmup
        self.steady_s = steady_s
        self._count = 0  # certain readings folded in since the last reset
        self._clear = 0  # certain readings in a row that left the settled one clearly ahead
        self._probs: dict[Emotion, float] | None = None
        self._settled: Emotion | None = None
        self._settled_at = 0.0  # reading time the settled emotion took over
        self._last_ts: float | None = None
        self._source: str | None = None
        self._challenger: Emotion | None = None
        self._leads_since = 0.0  # reading time the challenger has led from

    # ------------------------------------------------------------------ state

    @property
    def emotion(self) -> Emotion | None:
        """The settled emotion, None before the first certain reading."""
        return self._settled

    @property
    def confidence(self) -> float:
        """Smoothed probability of the settled emotion (0 when none)."""
        if self._probs is None or self._settled is None:
            return 0.0
        return self._probs[self._settled]

    @property
    def probabilities(self) -> dict[Emotion, float]:
        """Smoothed probabilities (a copy; empty before the first certain reading)."""
        return dict(self._probs) if self._probs is not None else {}

    @property
    def source(self) -> str | None:
        """Source of the latest reading that moved the state."""
        return self._source

    @property
    def updated_at(self) -> float | None:
        return self._last_ts

    def steady(self, now: float) -> bool:
        """Whether the settled emotion is unlikely to change without a real change of
        face (module docstring): the last `warmup` certain readings each left it ahead
        of every other emotion by the hysteresis; or the last one did and it has stood
        `steady_s` by `now` (reading time); or it has stood twice that (a face read
        unclearly is not kept from its page for ever). False before the first certain
        reading."""
        if self._settled is None:
            return False
        stood = now - self._settled_at + 1e-9  # float sums of times
        return (self._clear >= max(1, self.warmup)
                or (self._clear >= 1 and stood >= self.steady_s)
                or stood >= 2 * self.steady_s)

    def reading(self) -> EmotionReading | None:
        """The settled state as an `EmotionReading`, or None before any."""
        if self._settled is None or self._probs is None:
            return None
        return EmotionReading(
            emotion=self._settled,
            confidence=self.confidence,
            probabilities=dict(self._probs),
            source=self._source or "local",
        )

    def reset(self) -> None:
        self._probs = None
        self._settled = None
        self._last_ts = None
        self._source = None
        self._challenger = None
        self._count = 0
        self._clear = 0

    # ------------------------------------------------------------------ update

    def update(self, reading: EmotionReading, timestamp: float, *, guarded: bool = True
               ) -> bool:
        """Fold one reading in; return True when the settled emotion changed.

        `guarded=False` is for a reading that stands for all the time since the last
        one (the Rekognition fallback's answer, asked only after a second without a
        certain local reading, at most one per `min_interval_s`): it is weighed by that
        whole time and needs no hold, as before the guards."""
        if reading.uncertain:
            return False
        observed = _normalized(reading.probabilities, reading.emotion)
        self._count += 1
        young = guarded and self._count <= self.warmup
        if self._probs is None or self._last_ts is None:
            self._probs = observed
        elif young:  # a fresh face's first readings: their plain mean, no hold
            weight = 1.0 / self._count
            self._probs = {
                e: (1.0 - weight) * self._probs[e] + weight * observed[e] for e in EMOTIONS
            }
        else:
            dt = max(self.min_dt_s, timestamp - self._last_ts)
            if guarded:
                dt = min(self.max_dt_s, dt)
            alpha = 1.0 - math.exp(-dt / self.smoothing_s)
            self._probs = {
                e: (1.0 - alpha) * self._probs[e] + alpha * observed[e] for e in EMOTIONS
            }
        self._last_ts = timestamp if self._last_ts is None else max(timestamp, self._last_ts)
        self._source = reading.source

        changed = self._settle(timestamp, guarded=guarded, young=young)
        assert self._settled is not None
        lead = self._probs[self._settled] - max(
            p for e, p in self._probs.items() if e is not self._settled)
        self._clear = self._clear + 1 if lead >= self.hysteresis - 1e-9 else 0
        return changed

    def _settle(self, timestamp: float, *, guarded: bool, young: bool) -> bool:
        """The hysteresis and the hold over the new average (`update`)."""
        assert self._probs is not None
        top = max(EMOTIONS, key=self._probs.__getitem__)
        if self._settled is None:
            self._settled, self._settled_at = top, timestamp
            return True
        if top == self._settled or (
            self._probs[top] - self._probs[self._settled] < self.hysteresis
        ):
            self._challenger = None  # the lead is broken: a later one starts afresh
            return False
        if top != self._challenger:
            self._challenger, self._leads_since = top, timestamp
        held = timestamp - self._leads_since >= self.hold_s - 1e-9  # float sums of times
        if guarded and not held and not young:
            return False
        self._settled, self._challenger, self._settled_at = top, None, timestamp
        return True


class TrackSmoothers:
    """One `EmotionSmoother` per track id, created on first use (keyword arguments
    are passed on to each)."""

    def __init__(self, smoothing_s: float = 0.4, hysteresis: float = 0.10,
                 **options: Any) -> None:
        self.smoothing_s = smoothing_s
        self.hysteresis = hysteresis
        self.options = options
        self._by_track: dict[int, EmotionSmoother] = {}

    def __contains__(self, track_id: object) -> bool:
        return track_id in self._by_track

    def get(self, track_id: int) -> EmotionSmoother | None:
        return self._by_track.get(track_id)

    def for_track(self, track_id: int) -> EmotionSmoother:
        smoother = self._by_track.get(track_id)
        if smoother is None:
            smoother = EmotionSmoother(self.smoothing_s, self.hysteresis, **self.options)
            self._by_track[track_id] = smoother
        return smoother

    def move(self, old_id: int, new_id: int) -> bool:
        """Hand `old_id`'s state to `new_id` (the same visitor re-detected as a new track)."""
        if old_id not in self._by_track or new_id in self._by_track:
            return False
        self._by_track[new_id] = self._by_track.pop(old_id)
        return True

    def drop(self, track_id: int) -> None:
        """Forget `track_id`'s state (another person took its place)."""
        self._by_track.pop(track_id, None)

    def keep_only(self, track_ids: set[int]) -> None:
        for track_id in [t for t in self._by_track if t not in track_ids]:
            del self._by_track[track_id]

    def clear(self) -> None:
        self._by_track.clear()


def _normalized(probabilities: Mapping[Emotion, float], top: Emotion) -> dict[Emotion, float]:
    """All 8 emotions, non-negative, summing to 1 (a one-hot on `top` when empty)."""
    raw = {e: max(0.0, float(probabilities.get(e, 0.0))) for e in EMOTIONS}
    total = sum(raw.values())
    if total <= 0 or not math.isfinite(total):
        return {e: (1.0 if e == top else 0.0) for e in EMOTIONS}
    return {e: v / total for e, v in raw.items()}
