"""The crops the emotion models read: a face box that leaves the frame keeps its
place and size (edge pixels repeated), for both models and every entry point."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from kiosk.config import VisionSettings
from kiosk.domain import Box
from kiosk.vision.emotion_model import preprocess as mini_xception_input
from kiosk.vision.ensemble import EmotionEnsemble
from kiosk.vision.expression_net import box_rgb, crop_rgb, prepare_input, prepare_rgb

PAD = 40


def frame(seed: int = 0) -> np.ndarray:
    """A 120x160 BGR frame of smooth random structure (so a shift shows)."""
    rng = np.random.default_rng(seed)
    small = rng.integers(0, 256, (12, 16, 3), dtype=np.uint8)
    return cv2.resize(small, (160, 120), interpolation=cv2.INTER_CUBIC)


def padded(image: np.ndarray) -> np.ndarray:
    """`image` inside a PAD-px border of its own edge pixels: what a camera with a
    wider view would see if the world continued like the frame's edge."""
    return cv2.copyMakeBorder(image, PAD, PAD, PAD, PAD, cv2.BORDER_REPLICATE)


def shifted(box: Box) -> Box:
    return Box(box.x1 + PAD, box.y1 + PAD, box.x2 + PAD, box.y2 + PAD)


def test_inside_the_frame_the_crop_is_face_apis_own() -> None:
    image, box = frame(), Box(30.4, 20.6, 90.2, 101.9)
    assert np.array_equal(box_rgb(image, box), crop_rgb(image, box))
    assert np.array_equal(prepare_input(image, box), prepare_rgb(crop_rgb(image, box)))


@pytest.mark.parametrize("box", [
    Box(-25.3, 10.0, 60.0, 110.0),    # past the left edge
    Box(100.0, -30.5, 175.2, 70.0),   # past the top and the right
    Box(40.0, 60.0, 110.0, 150.7),    # past the bottom
])
def test_a_box_past_the_frame_edge_keeps_the_face_in_place(box: Box) -> None:
    image = frame(1)
    # The same box in a frame that did not end there reads the same input...
    assert np.array_equal(prepare_input(image, box), prepare_input(padded(image), shifted(box)))
    # ...where face-api's own clipping moves the face within the square.
    clipped = prepare_rgb(crop_rgb(image, box))
    assert not np.allclose(clipped, prepare_input(image, box))
    # mini-Xception's crop already keeps the box in place.
    assert np.array_equal(mini_xception_input(image, box),
                          mini_xception_input(padded(image), shifted(box)))


def test_box_rgb_names_a_box_outside_the_frame() -> None:
    with pytest.raises(ValueError, match="outside"):
        box_rgb(frame(), Box(170.0, 10.0, 200.0, 50.0))


def test_the_ensemble_members_read_the_kiosk_crop() -> None:
    """`Member.prepare` is what `kiosk-admin eval`, `eval-video`, the live pipeline
    (whole-frame and region steps) and `fit_calibration` all call for a face."""
    ensemble = EmotionEnsemble.from_settings(VisionSettings(device="cpu", emotion_models="both"))
    image, box = frame(2), Box(-20.0, -15.0, 50.0, 70.0)
    assert [m.name for m in ensemble.members] == ["mini-xception", "face-api"]
    for member in ensemble.members:
        assert np.array_equal(member.prepare(image, box),
                              member.prepare(padded(image), shifted(box)))


def test_the_ensemble_reads_a_face_past_the_edge_as_if_the_frame_went_on() -> None:
    """What `classify` / `classify_batch` (every entry point) return for a face cut by
    the frame's edge does not depend on where the frame ends."""
    ensemble = EmotionEnsemble.from_settings(VisionSettings(device="cpu"))
    image, box = frame(3), Box(95.0, -25.0, 185.0, 90.0)
    here = ensemble.classify_batch(image, [box])[0]
    there = ensemble.classify_batch(padded(image), [shifted(box)])[0]
    assert here.emotion == there.emotion
    assert here.confidence == pytest.approx(there.confidence, abs=1e-5)
