"""Mirror views: the ensemble reads plain and mirrored crops on alternate frames,
still images get both averaged, and the calibration is fit and scored on both."""

from __future__ import annotations

import numpy as np
import pytest

from kiosk.config import VisionSettings
from kiosk.domain import Box, Emotion
from kiosk.vision.calibration import cross_validate, fit_bias, rare_table
from kiosk.vision.ensemble import EmotionEnsemble
from kiosk.vision.mini_xception import FER_LABELS
from kiosk.vision.trace_cache import TraceCache

HAPPY, SAD = FER_LABELS.index("happy"), FER_LABELS.index("sad")


class LeftBrightMember:
    """Reads happy when the left half of its input is the brighter, else sad: so the
    mirrored view of a lopsided face reads the other way."""

    name = "left-bright"

    def __init__(self) -> None:
        self.batches: list[int] = []

    def prepare(self, image_bgr: np.ndarray, box: Box) -> np.ndarray:
        return image_bgr[..., 0].astype(np.float32)

    def predict(self, batch: np.ndarray) -> np.ndarray:
        self.batches.append(len(batch))
        out = np.full((len(batch), 7), 0.05)
        half = batch.shape[-1] // 2
        for row, x in zip(out, batch, strict=True):
            row[HAPPY if x[:, :half].sum() > x[:, half:].sum() else SAD] = 0.7
        return out

    def blank(self) -> np.ndarray:
        return np.zeros((4, 4), np.float32)

    def warmup(self, trace_cache: TraceCache | None = None) -> None:
        pass


def lopsided() -> np.ndarray:
    image = np.zeros((4, 4, 3), np.uint8)
    image[:, :2] = 200  # bright on the left
    return image


BOX = Box(0, 0, 4, 4)


def test_frames_alternate_plain_and_mirrored_views() -> None:
    member = LeftBrightMember()
    ensemble = EmotionEnsemble([member], mirror_views=True)
    seen = [ensemble.classify(lopsided(), BOX).emotion for _ in range(4)]
    assert seen == [Emotion.HAPPY, Emotion.SAD, Emotion.HAPPY, Emotion.SAD]
    assert member.batches == [1, 1, 1, 1]  # one view, one forward pass per frame
    plain = EmotionEnsemble([LeftBrightMember()], mirror_views=False)
    assert {plain.classify(lopsided(), BOX).emotion for _ in range(3)} == {Emotion.HAPPY}


def test_still_images_average_both_views_in_one_pass() -> None:
    member = LeftBrightMember()
    ensemble = EmotionEnsemble([member], mirror_views=True)
    (reading,) = ensemble.classify_batch(lopsided(), [BOX])
    assert member.batches == [2]
    assert reading.probabilities[Emotion.HAPPY] == pytest.approx(reading.probabilities[Emotion.SAD])
    assert reading.probabilities[Emotion.HAPPY] == pytest.approx(0.375)
    plain = EmotionEnsemble([LeftBrightMember()], mirror_views=False)
    assert plain.classify_batch(lopsided(), [BOX])[0].emotion is Emotion.HAPPY


def test_views_are_on_by_default_and_the_setting_turns_them_off() -> None:
    assert VisionSettings().mirror_views is True
    assert VisionSettings(mirror_views=False).mirror_views is False


def test_calibration_pools_views_and_scores_their_average() -> None:
    rng = np.random.default_rng(1)
    labels = rng.integers(0, 7, 200)
    logits = rng.normal(0, 1, (2, 200, 7))
    logits[:, np.arange(200), labels] += 1.5
    probs = np.exp(logits) / np.exp(logits).sum(-1, keepdims=True)
    pooled = fit_bias(probs, labels, l2=0.01)
    flat = fit_bias(probs.reshape(-1, 7), np.tile(labels, 2), l2=0.01)
    np.testing.assert_allclose(pooled, flat, atol=1e-9)
    groups = [f"p{i // 5}" for i in range(200)]
    one = cross_validate(probs[0], labels, groups, k=5, grid=(0.1,))
    one_view = cross_validate(probs[:1], labels, groups, k=5, grid=(0.1,))
    assert one.report == one_view.report
    both = cross_validate(probs, labels, groups, k=5, grid=(0.1,))
    mean_acc = float((probs.mean(0).argmax(1) == labels).mean())
    assert both.report["uncalibrated"]["accuracy"] == pytest.approx(mean_acc, abs=1e-4)


def test_rare_fold_happens_in_each_view_before_averaging() -> None:
    def probs(**p: float) -> np.ndarray:
        out = np.array([p.get(label, 0.0) for label in FER_LABELS])
        return out / out.sum()

    plain = probs(disgust=0.6, neutral=0.3, happy=0.1)  # sure: shown as read
    mirrored = probs(disgust=0.45, neutral=0.2, happy=0.35)  # unsure: folded into happy
    views = np.stack([plain[None], mirrored[None]])
    happy = np.array([HAPPY])
    row = rare_table(happy, views, (0.5,))[0]
    # Per view: (0.6 disgust + 0 disgust) / 2 = 0.3 < happy (0.1 + 0.8) / 2. Folding
    # the average instead would have kept disgust (0.525 >= 0.5).
    assert row["accuracy"] == 1.0 and row["rare_shown"] == 0
    assert rare_table(happy, views, (0.0,))[0]["rare_shown"] == 1
