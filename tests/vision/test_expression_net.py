"""faceExpressionNet port vs face-api's own tfjs build, the ensemble, calibration."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import cv2
import numpy as np
import pytest
import torch

from kiosk.config import VisionSettings
from kiosk.domain import Box, Emotion
from kiosk.vision.calibration import cross_validate, fit_bias, group_folds, person_of
from kiosk.vision.device import load_weights
from kiosk.vision.ensemble import (
    FACE_API_FILE,
    Calibration,
    EmotionEnsemble,
    fold_rare,
    load_calibration,
)
from kiosk.vision.errors import ModelFileError
from kiosk.vision.expression_net import (
    FaceExpressionNet,
    crop_rgb,
    pad_to_square,
    prepare_rgb,
    resize_bilinear_tf,
)
from kiosk.vision.mini_xception import FER_LABELS

REPO = Path(__file__).resolve().parents[2]
MODELS = REPO / "resources" / "models"
REFERENCE = Path(__file__).parent / "data" / "faceapi_reference.json"


def read_color(path: Path) -> np.ndarray:
    """An image as BGR uint8; fails the test with the path if OpenCV cannot read it."""
    image = cv2.imread(str(path))
    assert image is not None, f"cannot read {path}"
    return image


@pytest.fixture(scope="module")
def net() -> FaceExpressionNet:
    model = load_weights(FaceExpressionNet(), MODELS / FACE_API_FILE)
    assert isinstance(model, FaceExpressionNet)
    return model


@pytest.mark.faces
def test_port_matches_face_api_tfjs_on_real_crops(net: FaceExpressionNet, faces_dir: Path
                                                  ) -> None:
    cases = json.loads(REFERENCE.read_text())["cases"]
    x = np.stack([prepare_rgb(crop_rgb(read_color(faces_dir / c["image"]), Box(*c["box"])))
                  for c in cases])
    with torch.inference_mode():
        ours = net(torch.from_numpy(x)).numpy()
    ref = np.array([c["probs"] for c in cases])
    assert np.abs(ours - ref).max() < 2e-5
    assert (ours.argmax(1) == ref.argmax(1)).all()


def test_shipped_weights_match_the_recorded_checksum() -> None:
    readme = (MODELS / "README.md").read_text()
    digest = hashlib.sha256((MODELS / FACE_API_FILE).read_bytes()).hexdigest()
    assert f"| `{FACE_API_FILE}` (output) | `{digest}` |" in readme
    assert "MIT" in (MODELS / "LICENSE-face-api.txt").read_text()


def test_pad_and_resize_follow_face_api() -> None:
    rgb = np.arange(2 * 5 * 3, dtype=np.uint8).reshape(2, 5, 3) + 1
    square = pad_to_square(rgb)
    assert square.shape == (5, 5, 3)
    # Math.round(3 * 0.5) = 2 rows appended, 1 prepended, zeros.
    assert not square[0].any() and not square[3:].any() and (square[1:3] == rgb).all()
    # tf.image.resizeBilinear without half-pixel centres: output (0, 0) is input (0, 0),
    # and output 1 of 2 samples input 2 of 4 exactly.
    img = np.arange(16, dtype=np.float32).reshape(4, 4, 1)
    out = resize_bilinear_tf(img, 2)
    assert out[:, :, 0].tolist() == [[0.0, 2.0], [8.0, 10.0]]


def test_resize_bilinear_tf_is_exactly_the_tf_formula_on_a_uint8_crop() -> None:
    """The fast path (gather, then convert) equals the formula on a float image, bit
    for bit, up- and downscaling, odd sizes included."""
    rng = np.random.default_rng(5)
    for h, w in ((203, 187), (60, 75), (112, 112)):
        crop = rng.integers(0, 256, (h, w, 3), dtype=np.uint8)
        img = crop.astype(np.float32)
        ys = np.arange(112) * (h / 112)
        xs = np.arange(112) * (w / 112)
        y0 = np.minimum(np.floor(ys).astype(int), h - 1)
        x0 = np.minimum(np.floor(xs).astype(int), w - 1)
        y1, x1 = np.minimum(y0 + 1, h - 1), np.minimum(x0 + 1, w - 1)
        fy = (ys - y0).astype(np.float32)[:, None, None]
        fx = (xs - x0).astype(np.float32)[None, :, None]
        top = img[y0][:, x0] + (img[y0][:, x1] - img[y0][:, x0]) * fx
        bottom = img[y1][:, x0] + (img[y1][:, x1] - img[y1][:, x0]) * fx
        expected = top + (bottom - top) * fy
        out = resize_bilinear_tf(crop, 112)
        assert out.dtype == np.float32 and out.shape == (112, 112, 3)
        assert np.array_equal(out, expected)


def test_fold_rare_moves_weak_disgust_to_the_next_emotion() -> None:
    p = np.zeros(7)
    p[FER_LABELS.index("disgust")] = 0.4
    p[FER_LABELS.index("angry")] = 0.35
    p[FER_LABELS.index("fear")] = 0.05
    p[FER_LABELS.index("sad")] = 0.2
    folded = fold_rare(p, 0.5)
    assert FER_LABELS[int(folded.argmax())] == "angry"
    assert folded.sum() == pytest.approx(1.0)
    assert fold_rare(p, 0.3) is p  # confident enough: shown as read


def test_calibration_bias_shifts_the_decision() -> None:
    probs = np.array([[0.1, 0.0, 0.0, 0.1, 0.45, 0.0, 0.35]])  # sad barely over neutral
    bias = np.zeros(7)
    bias[FER_LABELS.index("neutral")] = 0.5
    out = Calibration(tuple(bias)).apply(probs)
    assert FER_LABELS[int(out.argmax())] == "neutral"
    assert out.sum() == pytest.approx(1.0)


def test_fit_bias_recovers_a_prior_shift_and_cv_groups_people() -> None:
    rng = np.random.default_rng(0)
    labels = rng.integers(0, 7, 400)
    logits = rng.normal(0, 1, (400, 7))
    logits[np.arange(400), labels] += 2.0
    logits[:, 4] += 1.5  # the model over-calls class 4
    probs = np.exp(logits) / np.exp(logits).sum(1, keepdims=True)
    bias = fit_bias(probs, labels, l2=0.001)
    assert bias[4] < -0.8
    groups = [f"p{i // 8}" for i in range(400)]
    for fold in group_folds(groups, 5):
        others = set(range(400)) - set(fold.tolist())
        assert not {groups[i] for i in fold} & {groups[i] for i in others}
    fit = cross_validate(probs, labels, groups, k=5, grid=(0.01, 1.0))
    assert fit.report["out_of_fold"]["accuracy"] > fit.report["uncalibrated"]["accuracy"]
    assert person_of("images/Tony_Blair_0009.jpg") == "Tony_Blair"
    assert person_of("images/Dwarakish_95.jpg") == "Dwarakish"


def test_broken_calibration_file_is_named(tmp_path: Path) -> None:
    bad = tmp_path / "calibration.json"
    bad.write_text("[1, 2]")
    with pytest.raises(ModelFileError, match="calibration"):
        load_calibration(bad, "both")
    assert load_calibration(tmp_path / "missing.json", "both") == Calibration()


@pytest.mark.faces
def test_ensemble_reads_a_real_smile_with_one_pass_per_model(faces_dir: Path) -> None:
    ensemble = EmotionEnsemble.from_settings(VisionSettings(device="cpu"))
    assert [m.name for m in ensemble.members] == ["mini-xception", "face-api"]
    calls: list[int] = []
    for member in ensemble.members:
        predict = member.predict

        def counting(batch: np.ndarray, predict=predict) -> np.ndarray:
            calls.append(len(batch))
            return predict(batch)

        member.predict = counting  # type: ignore[method-assign]
    image = cv2.imread(str(faces_dir / "images" / "Michael_Sheehan_0001.jpg"))
    assert image is not None, "cannot read the sample face"
    h, w = image.shape[:2]
    boxes = [Box(0.15 * w, 0.1 * h, 0.85 * w, 0.95 * h), Box(0.2 * w, 0.15 * h, 0.8 * w, 0.9 * h)]
    readings = ensemble.classify_batch(image, boxes)
    # Both boxes, each plain and mirrored (`mirror_views`), in one forward pass per model.
    assert calls == [4, 4]
    assert all(r.emotion is Emotion.HAPPY for r in readings)
    assert sum(readings[0].probabilities.values()) == pytest.approx(1.0)
    single = EmotionEnsemble.from_settings(VisionSettings(device="cpu",
                                                          emotion_models="face-api"))
    assert [m.name for m in single.members] == ["face-api"]
