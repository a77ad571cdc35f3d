"""A loaded machine's vision loop, simulated: which frames it gets, and what is shown.

On a busy machine (other work on both cores) a vision step takes several times its
quiet time, and irregularly, and the vision thread always takes the newest frame
(`kiosk.workers.vision_worker`): it skips the frames that arrived while it worked,
and each reading it gets stands for a longer, uneven stretch of time. `eval-video`
replays that deterministically with `LoadedLoop`: a step takes `step_s` on average,
drawn from a log-normal spread (`jitter`: the sigma of its logarithm, 0 = every step
alike) by a seeded generator, so the same seed picks the same frames on any machine.

The loop starts at time 0, takes the newest frame whose timestamp has come
(``index / fps`` ≤ now; it waits for the next frame when there is none newer than the
last it took), and shows the result when the step ends. `shown_upto` maps the
processed frames back onto every video frame: the screen shows the latest finished
result, so `kiosk.vision.video_eval` scores time as before.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np

EPS = 1e-9


@dataclass(frozen=True, slots=True)
class LoadedLoop:
    """A slow, jittery vision loop (module docstring)."""

    step_s: float
    jitter: float = 0.5
    seed: int = 0

    def __post_init__(self) -> None:
        if not (self.step_s > 0 and math.isfinite(self.step_s)):
            raise ValueError(f"the simulated step time must be a positive number of "
                             f"milliseconds, not {self.step_s * 1000:g}")
        if not (0 <= self.jitter <= 3):
            raise ValueError(f"the simulated jitter must be between 0 and 3, not {self.jitter:g}")

    def steps(self, fps: float) -> Iterator[tuple[int, float]]:
        """(frame index, time its result is shown) for every frame the loop takes, in
        order, without end (the caller stops at the video's last frame)."""
        rng = np.random.default_rng(self.seed)
        sigma = self.jitter
        now = 0.0
        last = -1
        while True:
            index = math.floor(now * fps + EPS)
            if index <= last:  # nothing newer yet: wait for the next frame
                index = last + 1
                now = max(now, index / fps)
            now += self.step_s * math.exp(sigma * float(rng.standard_normal()) - sigma**2 / 2)
            yield index, now
            last = index

    def describe(self) -> dict[str, float | int]:
        return {"step_ms": round(self.step_s * 1000, 3), "jitter": self.jitter,
                "seed": self.seed}


def shown_upto(done_at: Sequence[float], n_frames: int, fps: float) -> list[int]:
    """For each video frame, how many processed frames' results had finished by its
    time (``done_at`` ascending): frame j shows result ``shown_upto[j] - 1`` (none
    when 0), and the results ``shown_upto[j-1] … shown_upto[j] - 1`` are new at j."""
    out: list[int] = []
    k = 0
    for j in range(n_frames):
        while k < len(done_at) and done_at[k] <= j / fps + EPS:
            k += 1
        out.append(k)
    return out
