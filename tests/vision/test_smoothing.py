"""Emotion smoothing (time-based EMA + hysteresis) and the face quality gate."""

from __future__ import annotations

import math

import numpy as np
import pytest

from kiosk.domain import Box, Emotion, EmotionReading
from kiosk.vision.quality import QualityGate, sharpness
from kiosk.vision.smoothing import EmotionSmoother, TrackSmoothers

FPS = 15.0


def reading(probs: dict[Emotion, float], *, uncertain: bool = False) -> EmotionReading:
    full = {e: probs.get(e, 0.0) for e in Emotion}
    total = sum(full.values())
    full = {e: v / total for e, v in full.items()}
    top = max(full, key=full.__getitem__)
    return EmotionReading(top, full[top], full, uncertain=uncertain)


def peaked(emotion: Emotion, p: float = 0.8) -> EmotionReading:
    rest = (1.0 - p) / 7
    return reading({e: (p if e == emotion else rest) for e in Emotion})


def noisy_happy(rng: np.random.Generator) -> EmotionReading:
    """HAPPY dominant on average, but the top class of single frames flips often."""
    base = {e: 0.03 for e in Emotion}
    base[Emotion.HAPPY] = 0.50
    base[Emotion.SURPRISED] = 0.25
    noise = rng.uniform(-0.2, 0.2, size=len(Emotion))
    return reading({e: max(0.0, base[e] + n) for e, n in zip(Emotion, noise, strict=True)})


def test_first_certain_reading_settles_at_once() -> None:
    smoother = EmotionSmoother(0.4, 0.1)
    assert smoother.emotion is None and smoother.reading() is None
    assert smoother.update(peaked(Emotion.CALM), 0.0)
    assert smoother.emotion is Emotion.CALM
    assert smoother.confidence == pytest.approx(0.8)
    assert sum(smoother.probabilities.values()) == pytest.approx(1.0)


def test_steady_noisy_face_never_flickers() -> None:
    rng = np.random.default_rng(1234)
    smoother = EmotionSmoother(0.4, 0.1)
    readings = [noisy_happy(rng) for _ in range(int(FPS * 60))]  # one minute at 15 fps
    assert sum(r.emotion is not Emotion.HAPPY for r in readings) > 50  # raw frames do flip
    changes = sum(smoother.update(r, i / FPS) for i, r in enumerate(readings))
    assert changes == 1  # only the initial settle
    assert smoother.emotion is Emotion.HAPPY


@pytest.mark.parametrize("fps", [10.0, 15.0, 30.0])
def test_real_change_settles_within_a_second(fps: float) -> None:
    smoother = EmotionSmoother(0.4, 0.1)
    t = 0.0
    for i in range(int(fps * 2)):
        t = i / fps
        smoother.update(peaked(Emotion.HAPPY), t)
    assert smoother.emotion is Emotion.HAPPY
    change_at = t + 1 / fps
    settled_at = None
    for i in range(int(fps * 2)):
        now = change_at + i / fps
        if smoother.update(peaked(Emotion.SAD), now):
            settled_at = now
            break
    assert smoother.emotion is Emotion.SAD
    assert settled_at is not None and settled_at - change_at <= 1.0
    # ... but not instantly: a single odd frame is not a change.
    assert settled_at - change_at > 0.1


def test_single_outlier_frame_does_not_change_the_settled_emotion() -> None:
    smoother = EmotionSmoother(0.4, 0.1)
    for i in range(30):
        smoother.update(peaked(Emotion.HAPPY), i / FPS)
    assert not smoother.update(peaked(Emotion.ANGRY, 0.99), 30 / FPS)
    assert smoother.emotion is Emotion.HAPPY


def test_alpha_depends_on_time_not_frame_count() -> None:
    a, b = EmotionSmoother(0.4, 0.1), EmotionSmoother(0.4, 0.1)
    a.update(peaked(Emotion.HAPPY), 0.0)
    b.update(peaked(Emotion.HAPPY), 0.0)
    for i in range(1, 11):  # 10 fps for 1 s
        a.update(peaked(Emotion.SAD), i / 10)
    for i in range(1, 31):  # 30 fps for 1 s
        b.update(peaked(Emotion.SAD), i / 30)
    assert a.probabilities[Emotion.SAD] == pytest.approx(b.probabilities[Emotion.SAD])
    expected = 0.8 - (0.8 - 0.2 / 7) * math.exp(-1.0 / 0.4)
    assert a.probabilities[Emotion.SAD] == pytest.approx(expected)


def test_uncertain_readings_do_not_move_the_state() -> None:
    smoother = EmotionSmoother(0.4, 0.1)
    smoother.update(peaked(Emotion.HAPPY), 0.0)
    before = smoother.probabilities
    for i in range(1, 60):
        sad = peaked(Emotion.SAD, 0.95)
        uncertain = EmotionReading(sad.emotion, sad.confidence, sad.probabilities, uncertain=True)
        assert not smoother.update(uncertain, i / FPS)
    assert smoother.emotion is Emotion.HAPPY
    assert smoother.probabilities == before


def test_uncertain_first_reading_does_not_settle() -> None:
    smoother = EmotionSmoother()
    sad = peaked(Emotion.SAD)
    smoother.update(EmotionReading(sad.emotion, 0.8, sad.probabilities, uncertain=True), 0.0)
    assert smoother.emotion is None


def test_same_timestamp_readings_both_count() -> None:
    smoother = EmotionSmoother(0.4, 0.1)
    smoother.update(peaked(Emotion.HAPPY), 1.0)
    smoother.update(peaked(Emotion.SAD), 1.0)
    assert smoother.probabilities[Emotion.SAD] > 0.2 / 7 + 1e-6


def test_reading_reports_smoothed_state_and_source() -> None:
    smoother = EmotionSmoother()
    r = peaked(Emotion.SURPRISED)
    smoother.update(EmotionReading(r.emotion, r.confidence, r.probabilities, "rekognition"), 0.0)
    out = smoother.reading()
    assert out is not None
    assert out.emotion is Emotion.SURPRISED and out.source == "rekognition"
    assert not out.uncertain
    assert set(out.probabilities) == set(Emotion)


def test_track_smoothers_are_per_track_and_can_move() -> None:
    smoothers = TrackSmoothers()
    smoothers.for_track(1).update(peaked(Emotion.HAPPY), 0.0)
    smoothers.for_track(2).update(peaked(Emotion.SAD), 0.0)
    assert smoothers.get(1).emotion is Emotion.HAPPY  # type: ignore[union-attr]
    assert smoothers.move(1, 3) and 1 not in smoothers
    assert smoothers.get(3).emotion is Emotion.HAPPY  # type: ignore[union-attr]
    smoothers.keep_only({3})
    assert 2 not in smoothers and 3 in smoothers


# ------------------------------------------------------------- a busy machine's readings


def two_way(lead: Emotion, other: Emotion, p: float = 0.6) -> EmotionReading:
    """A reading unsure between two emotions, `lead` slightly ahead."""
    return reading({lead: p, other: 1.0 - p})


def loaded_times(n: int, seed: int = 7) -> list[float]:
    """Timestamps of a slow, jittery vision loop: 0.2-0.9 s apart."""
    gaps = np.random.default_rng(seed).uniform(0.2, 0.9, size=n)
    return [float(t) for t in np.cumsum(gaps)]


def test_an_uncertain_face_read_at_irregular_long_gaps_does_not_flip() -> None:
    # Mirror views alternate the two likeliest emotions of an unsure face; on a busy
    # machine the readings come 0.2-0.9 s apart. Uncapped, each reading after a long
    # gap swung the average to itself and the settled emotion flipped nearly every time.
    smoother = EmotionSmoother(0.4, 0.1, hold_s=0.3, max_dt_s=0.1)
    times = loaded_times(120)
    flips = 0
    for i, t in enumerate(times):
        r = two_way(Emotion.SAD, Emotion.CALM) if i % 2 else two_way(Emotion.CALM, Emotion.SAD)
        flips += smoother.update(r, t)
    assert flips == 1  # the first settle only


def test_one_reading_after_a_long_gap_cannot_swing_the_average() -> None:
    smoother = EmotionSmoother(0.4, 0.1, max_dt_s=0.1)
    for i in range(20):
        smoother.update(peaked(Emotion.HAPPY), i / FPS)
    smoother.update(peaked(Emotion.SAD), 20 / FPS + 2.0)  # 2 s later
    alpha = 1.0 - math.exp(-0.1 / 0.4)  # counted as 0.1 s, not 2 s
    expected = (1 - alpha) * (0.2 / 7) + alpha * 0.8
    assert smoother.probabilities[Emotion.SAD] == pytest.approx(expected, abs=1e-6)
    assert smoother.emotion is Emotion.HAPPY


def test_a_challenger_that_leads_only_briefly_does_not_take_over() -> None:
    smoother = EmotionSmoother(0.4, 0.1, hold_s=0.3)
    for k in range(30):
        smoother.update(peaked(Emotion.HAPPY), k / 20)
    k = 30
    changed = False
    led = 0  # readings in which SAD led by the hysteresis: 0.1 s of lead, not 0.3
    while led < 3:
        changed |= smoother.update(peaked(Emotion.SAD, 0.95), k / 20)
        probs = smoother.probabilities
        led += probs[Emotion.SAD] - probs[Emotion.HAPPY] >= 0.1
        k += 1
    for _ in range(30):
        changed |= smoother.update(peaked(Emotion.HAPPY), k / 20)
        k += 1
    assert not changed and smoother.emotion is Emotion.HAPPY


def test_a_challenger_that_keeps_its_lead_for_the_hold_takes_over() -> None:
    smoother = EmotionSmoother(0.4, 0.1, hold_s=0.3)
    for k in range(30):
        smoother.update(peaked(Emotion.HAPPY), k / 20)
    lead_from = changed_at = None
    for k in range(30, 100):
        t = k / 20
        if smoother.update(peaked(Emotion.SAD), t):
            changed_at = t
            break
        probs = smoother.probabilities
        if lead_from is None and probs[Emotion.SAD] - probs[Emotion.HAPPY] >= 0.1:
            lead_from = t
    assert lead_from is not None and changed_at is not None
    assert changed_at - lead_from == pytest.approx(0.3)  # reading time, not frames
    assert changed_at - 1.5 <= 1.0 and smoother.emotion is Emotion.SAD


def test_the_hold_counts_reading_time_not_readings() -> None:
    # Two readings 0.4 s apart are a 0.3 s hold, however few they are.
    smoother = EmotionSmoother(0.4, 0.1, hold_s=0.3, max_dt_s=10.0)  # the hold alone
    smoother.update(peaked(Emotion.HAPPY), 0.0)
    smoother.update(reading({Emotion.SAD: 0.9, Emotion.HAPPY: 0.1}), 1.0)
    assert smoother.emotion is Emotion.HAPPY  # leads, from now
    assert smoother.update(reading({Emotion.SAD: 0.9, Emotion.HAPPY: 0.1}), 1.4)
    assert smoother.emotion is Emotion.SAD


def test_a_new_visitors_first_emotion_is_not_held_back() -> None:
    smoothers = TrackSmoothers(0.4, 0.1, hold_s=0.3, max_dt_s=0.1)
    assert smoothers.for_track(5).update(peaked(Emotion.SURPRISED), 10.0)
    assert smoothers.get(5).emotion is Emotion.SURPRISED  # type: ignore[union-attr]


def test_uncertain_readings_do_not_break_a_hold() -> None:
    smoother = EmotionSmoother(0.4, 0.1, hold_s=0.3, max_dt_s=10.0)  # the hold alone
    smoother.update(peaked(Emotion.HAPPY), 0.0)
    sad = reading({Emotion.SAD: 0.9, Emotion.HAPPY: 0.1})
    smoother.update(sad, 1.0)
    unsure = EmotionReading(Emotion.HAPPY, 0.9, peaked(Emotion.HAPPY, 0.9).probabilities,
                            uncertain=True)
    smoother.update(unsure, 1.2)
    assert smoother.update(sad, 1.3)


def test_a_fallback_answer_after_an_uncertain_second_still_settles_at_once() -> None:
    # Rekognition is asked after a second without a certain local reading: its one
    # answer stands for that second (guarded=False), unlike a late local reading.
    local, fallback = (EmotionSmoother(0.4, 0.1, hold_s=0.3, max_dt_s=0.1) for _ in "ab")
    for smoother in (local, fallback):
        for i in range(20):
            smoother.update(peaked(Emotion.HAPPY), i / FPS)
    surprised = peaked(Emotion.SURPRISED, 0.9)
    assert not local.update(surprised, 20 / FPS + 1.2)
    assert fallback.update(surprised, 20 / FPS + 1.2, guarded=False)
    assert fallback.emotion is Emotion.SURPRISED


# --------------------------------------------------------------------------- quality


def textured(h: int = 240, w: int = 320) -> np.ndarray:
    return np.random.default_rng(0).integers(0, 256, size=(h, w, 3), dtype=np.uint8)


def test_quality_gate_accepts_a_sharp_large_face() -> None:
    q = QualityGate(40, 15.0).check(textured(), Box(100, 50, 200, 150))
    assert q.ok and q.reason == "" and q.sharpness > 15.0


def test_quality_gate_flags_small_faces() -> None:
    q = QualityGate(40, 15.0).check(textured(), Box(10, 10, 40, 60))  # 30 px wide
    assert q.too_small and not q.ok and q.reason == "too small"


def test_quality_gate_flags_blurred_faces() -> None:
    flat = np.full((240, 320, 3), 128, np.uint8)
    flat[:, 160:] = 130  # one soft edge: almost no high frequencies
    q = QualityGate(40, 15.0).check(flat, Box(100, 50, 220, 170))
    assert q.too_blurred and q.reason == "too blurred"


def test_sharpness_of_box_outside_the_frame_is_zero() -> None:
    assert sharpness(textured(), Box(1000, 1000, 1100, 1100)) == 0.0


def test_a_fresh_faces_first_readings_are_averaged_without_the_hold() -> None:
    # Under load (readings 0.4 s apart) a wrong first look used to stand for three or
    # four readings: each later one counted for at most max_dt_s, and then had to
    # lead for hold_s. Within `warmup` readings the mean of them decides.
    def run(warmup: int) -> list[Emotion | None]:
        smoother = EmotionSmoother(0.4, 0.1, hold_s=0.2, max_dt_s=0.15, warmup=warmup)
        shown = []
        for k, emotion in enumerate([Emotion.CALM, Emotion.SURPRISED, Emotion.SURPRISED]):
            smoother.update(peaked(emotion, 0.8 if k else 0.6), 0.4 * k)
            shown.append(smoother.emotion)
        return shown

    assert run(0) == [Emotion.CALM] * 3  # the old smoother
    assert run(3) == [Emotion.CALM, Emotion.SURPRISED, Emotion.SURPRISED]


def test_after_the_warmup_the_hold_and_the_cap_apply_again() -> None:
    smoother = EmotionSmoother(0.4, 0.1, hold_s=0.2, max_dt_s=0.15, warmup=3)
    for k in range(3):
        smoother.update(peaked(Emotion.HAPPY), 0.4 * k)
    assert smoother.emotion is Emotion.HAPPY
    # One sure SAD reading after a long gap: capped, and it would need the hold.
    assert not smoother.update(peaked(Emotion.SAD, 0.99), 3.0)
    assert smoother.emotion is Emotion.HAPPY
    smoother.reset()  # a reset face is fresh again
    smoother.update(peaked(Emotion.HAPPY, 0.6), 4.0)
    assert smoother.update(peaked(Emotion.SAD, 0.9), 4.4)


def test_a_fresh_faces_emotion_is_steady_once_its_warmup_readings_are_in() -> None:
    # The real face video: SURPRISED 54 % on the first reading, HAPPY 43 ms later.
    smoother = EmotionSmoother(0.4, 0.1, hold_s=0.2, max_dt_s=0.15, warmup=3)
    assert not smoother.steady(0.0)  # nothing settled yet
    smoother.update(peaked(Emotion.SURPRISED, 0.54), 0.0)
    assert smoother.emotion is Emotion.SURPRISED and not smoother.steady(0.0)
    assert smoother.update(peaked(Emotion.HAPPY, 0.9), 0.043)  # takes over at once
    assert not smoother.steady(0.043)
    smoother.update(peaked(Emotion.HAPPY, 0.9), 0.086)
    assert smoother.emotion is Emotion.HAPPY and smoother.steady(0.086)
    smoother.reset()
    assert not smoother.steady(0.2)


def test_one_reading_that_stands_long_enough_is_steady() -> None:
    """A face that gives one certain reading and then only uncertain ones is not kept
    from its page for long: its emotion is steady after `steady_s` of reading time."""
    smoother = EmotionSmoother(0.4, 0.1, warmup=3, steady_s=0.5)
    smoother.update(peaked(Emotion.SAD), 1.0)
    smoother.update(reading({Emotion.HAPPY: 1.0}, uncertain=True), 1.2)  # ignored
    assert not smoother.steady(1.49) and smoother.steady(1.5)
