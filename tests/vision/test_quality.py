"""The face quality gate judges sharpness at a fixed contrast (`kiosk.vision.quality`),
and a face kept unread says why (`kiosk.vision.unread`)."""

from __future__ import annotations

import logging

import cv2
import numpy as np
import pytest

from kiosk.config import VisionSettings
from kiosk.domain import Box
from kiosk.vision.quality import FaceQuality, QualityGate, measure
from kiosk.vision.unread import UnreadLog, describe

BOX = Box(210, 100, 430, 380)  # 220 x 280: measured at 101 x 128
CROP_PX = 280 / 128  # frame pixels per measured pixel


def drawn_face() -> np.ndarray:
    """A 640x480 frame with a drawn face (eyes, brows, nose, mouth) in `BOX`, slightly
    soft and noisy like a camera's: raw Laplacian variance about 190."""
    img = np.full((480, 640), 110, np.uint8)
    cv2.ellipse(img, (320, 240), (100, 130), 0, 0, 360, 170, -1)
    for x in (280, 360):
        cv2.ellipse(img, (x, 210), (18, 9), 0, 0, 360, 60, -1)
        cv2.circle(img, (x, 210), 5, 20, -1)
        cv2.line(img, (x - 22, 190), (x + 22, 186), 70, 4)
    cv2.line(img, (320, 220), (312, 270), 130, 3)
    cv2.ellipse(img, (320, 300), (35, 12), 0, 0, 180, 80, 3)
    noisy = cv2.GaussianBlur(img, (0, 0), 1.0).astype(np.float32)
    noisy += np.random.default_rng(0).normal(0, 3, img.shape)
    return cv2.cvtColor(np.clip(noisy, 0, 255).astype(np.uint8), cv2.COLOR_GRAY2BGR)


def scaled(image: np.ndarray, gain: float) -> np.ndarray:
    return np.clip(image.astype(np.float32) * gain, 0, 255).round().astype(np.uint8)


def blurred(image: np.ndarray, sigma_measured_px: float) -> np.ndarray:
    return cv2.GaussianBlur(image, (0, 0), sigma_measured_px * CROP_PX)


GATE = QualityGate(40, 15.0)


def test_a_dark_but_sharp_face_passes_the_gate() -> None:
    # A dark camera (frame mean ~17/255, the tester's dark.avi): the face's raw
    # Laplacian variance fell to ~7 and it was "too blurred" for the whole visit.
    dark = scaled(drawn_face(), 0.15)
    figures = measure(dark, BOX)
    assert figures.mean < 30 and figures.raw_sharpness < 15  # what the old gate judged
    quality = GATE.check(dark, BOX)
    assert quality.ok and quality.reason == "", quality
    assert quality.brightness == pytest.approx(figures.mean)


def test_a_normal_face_keeps_about_its_old_figure() -> None:
    figures = measure(drawn_face(), BOX)
    assert 0.5 < figures.sharpness / figures.raw_sharpness < 2.5
    assert GATE.check(drawn_face(), BOX).ok


@pytest.mark.parametrize("gain", [1.0, 0.3, 0.15])
@pytest.mark.parametrize("sigma", [2.0, 3.0])
def test_a_blurred_face_is_still_rejected_in_any_light(gain: float, sigma: float) -> None:
    quality = GATE.check(scaled(blurred(drawn_face(), sigma), gain), BOX)
    assert quality.too_blurred and quality.reason == "too blurred", quality


def test_a_flat_dark_crop_is_not_blown_up_into_a_sharp_one() -> None:
    flat = np.full((480, 640, 3), 12, np.uint8)
    flat[:, 320:] = 14  # one faint edge in the dark
    assert GATE.check(flat, BOX).too_blurred


# --------------------------------------------------------------------------- unread


def test_a_face_kept_unread_says_why_once_per_visit(caplog: pytest.LogCaptureFixture) -> None:
    settings = VisionSettings()
    quality = FaceQuality(side_px=200, sharpness=4.1, too_small=False, too_blurred=True,
                          brightness=17.2)
    why = describe("too blurred", quality, None, settings)
    assert why.startswith("too blurred (sharpness 4.1 < 15)")
    assert "too dark: face mean 17/255" in why and "exposure" in why
    unread = UnreadLog()
    caplog.set_level(logging.INFO, logger="kiosk.vision.unread")
    lines = [unread.update(t / 10, why) for t in range(0, 60)]
    told = [line for line in lines if line]
    assert told == ["face in view 3.0 s but not read: " + why]
    # the light is the operator's to fix: a WARNING (round 20); other reasons stay INFO
    assert [r.levelno for r in caplog.records] == [logging.WARNING]
    unread.reset()  # the next visit may be told again
    assert unread.update(10.0, why) is None and unread.update(13.0, why) is not None


def test_a_read_or_a_lost_face_restarts_the_unread_clock() -> None:
    unread = UnreadLog()
    assert unread.update(0.0, "too small (30 px < 40 px)") is None
    assert unread.update(2.9, "") is None  # read: the clock stops
    assert unread.update(3.5, "too small (30 px < 40 px)") is None
    unread.lost()
    assert unread.update(6.6, "too small (30 px < 40 px)") is None
    assert unread.update(9.6, "too small (30 px < 40 px)") is not None


def test_the_light_is_named_only_when_it_is_off() -> None:
    settings = VisionSettings()
    ok = FaceQuality(200, 80.0, False, False, brightness=120.0)
    assert describe("low confidence", ok, None, settings) == "low confidence"
    bright = FaceQuality(200, 80.0, False, False, brightness=240.0)
    assert "too bright: face mean 240/255" in describe("uncertain", bright, None, settings)
