"""Emotion smoothing: turn jittery per-frame probabilities into a calm, settled emotion.

Each face (track) gets an `EmotionSmoother`. It keeps an exponential moving average
of the 8 probabilities whose weight depends on the time between readings, not on
the frame rate: ``alpha = 1 - exp(-dt / smoothing_s)``, so the same setting behaves
alike at 10 and at 30 fps. The settled emotion changes only when another emotion
leads it by at least `hysteresis` in smoothed probability, so noise around a
dominant emotion never flips the screen, while a real change (with the defaults,
0.4 s and 0.10) settles in about a third of a second.

Readings marked `uncertain` (small or blurred face, low confidence) are ignored:
they neither move the average nor the settled emotion.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from kiosk.domain import Emotion, EmotionReading

EMOTIONS: tuple[Emotion, ...] = tuple(Emotion)


class EmotionSmoother:
    """Time-based EMA over the 8 emotion probabilities, with hysteresis.

    `min_dt_s` is the least time one reading counts for, so two readings with the
    same timestamp (a local one and a Rekognition one folded in the same frame)
    both count, each like one frame at 30 fps."""

    def __init__(
        self, smoothing_s: float = 0.4, hysteresis: float = 0.10, *, min_dt_s: float = 1 / 30
    ) -> None:
        if smoothing_s <= 0:
            raise ValueError("smoothing_s must be positive")
        self.smoothing_s = smoothing_s
        self.hysteresis = hysteresis
        self.min_dt_s = min_dt_s
        self._probs: dict[Emotion, float] | None = None
        self._settled: Emotion | None = None
        self._last_ts: float | None = None
        self._source: str | None = None

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

    # ------------------------------------------------------------------ update

    def update(self, reading: EmotionReading, timestamp: float) -> bool:
        """Fold one reading in; return True when the settled emotion changed."""
        if reading.uncertain:
            return False
        observed = _normalized(reading.probabilities, reading.emotion)
        if self._probs is None or self._last_ts is None:
            self._probs = observed
        else:
            dt = max(self.min_dt_s, timestamp - self._last_ts)
            alpha = 1.0 - math.exp(-dt / self.smoothing_s)
            self._probs = {
                e: (1.0 - alpha) * self._probs[e] + alpha * observed[e] for e in EMOTIONS
            }
        self._last_ts = timestamp if self._last_ts is None else max(timestamp, self._last_ts)
        self._source = reading.source

        top = max(EMOTIONS, key=self._probs.__getitem__)
        if self._settled is None:
            self._settled = top
            return True
        if top != self._settled and (
            self._probs[top] - self._probs[self._settled] >= self.hysteresis
        ):
            self._settled = top
            return True
        return False


class TrackSmoothers:
    """One `EmotionSmoother` per track id, created on first use."""

    def __init__(self, smoothing_s: float = 0.4, hysteresis: float = 0.10) -> None:
        self.smoothing_s = smoothing_s
        self.hysteresis = hysteresis
        self._by_track: dict[int, EmotionSmoother] = {}

    def __contains__(self, track_id: object) -> bool:
        return track_id in self._by_track

    def get(self, track_id: int) -> EmotionSmoother | None:
        return self._by_track.get(track_id)

    def for_track(self, track_id: int) -> EmotionSmoother:
        smoother = self._by_track.get(track_id)
        if smoother is None:
            smoother = EmotionSmoother(self.smoothing_s, self.hysteresis)
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
