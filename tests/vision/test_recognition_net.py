"""face-api.js's faceRecognitionNet (dlib's face ResNet) in torch vs face-api's own
tfjs build: descriptors stored by `kiosk.tools.verify_port` in
data/faceapi_recognition_reference.json (six real crops of ../shared)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import cv2
import numpy as np
import pytest
import torch

from kiosk.domain import Box
from kiosk.tools.faceapi_weights import to_recognition_state_dict
from kiosk.vision.device import load_weights
from kiosk.vision.expression_net import crop_rgb
from kiosk.vision.recognition_net import FaceRecognitionNet, prepare_rgb

REPO = Path(__file__).resolve().parents[2]
MODELS = REPO / "resources" / "models"
MODEL_FILE = "face_recognition_net.pt"
REFERENCE = Path(__file__).parent / "data" / "faceapi_recognition_reference.json"


def read_color(path: Path) -> np.ndarray:
    image = cv2.imread(str(path))
    assert image is not None, f"cannot read {path}"
    return image


@pytest.fixture(scope="module")
def net() -> FaceRecognitionNet:
    model = load_weights(FaceRecognitionNet(), MODELS / MODEL_FILE)
    assert isinstance(model, FaceRecognitionNet)
    return model


def test_the_net_maps_150_px_faces_to_128_numbers() -> None:
    net = FaceRecognitionNet().eval()
    with torch.inference_mode():
        out = net(torch.zeros(2, 3, 150, 150))
    assert out.shape == (2, 128)
    x = prepare_rgb(np.full((90, 60, 3), 200, np.uint8))  # padded to a square, resized
    assert x.shape == (3, 150, 150) and x.dtype == np.float32
    assert x[:, 75, 0].tolist() == pytest.approx([(0 - m) / 255 for m in
                                                  (122.782, 117.001, 104.298)], abs=1e-6)


def test_tfjs_names_map_onto_the_torch_net() -> None:
    net = FaceRecognitionNet()
    rng = np.random.default_rng(0)
    tf: dict[str, np.ndarray] = {}
    for key, value in net.state_dict().items():
        shape = tuple(value.shape)
        if key == "fc.weight":
            tf["fc"] = rng.normal(size=shape[::-1]).astype(np.float32)
            continue
        name = key.removeprefix("blocks.").replace(".", "/")
        name = (name.replace("conv/weight", "conv/filters").replace("conv/bias", "conv/bias")
                .replace("scale_weight", "scale/weights").replace("scale_bias", "scale/biases"))
        if len(shape) == 4:  # OIHW -> HWIO
            tf[name] = rng.normal(size=(shape[2], shape[3], shape[1], shape[0])).astype(np.float32)
        else:
            tf[name] = rng.normal(size=shape).astype(np.float32)
    state = to_recognition_state_dict(tf)
    hwio = tf["conv64_1/conv2/conv/filters"]
    assert torch.equal(state["blocks.conv64_1.conv2.conv.weight"],
                       torch.from_numpy(hwio.transpose(3, 2, 0, 1).copy()))
    assert torch.equal(state["fc.weight"], torch.from_numpy(tf["fc"].T.copy()))


def test_shipped_weights_match_the_recorded_checksum() -> None:
    readme = (MODELS / "README.md").read_text(encoding="utf-8")
    digest = hashlib.sha256((MODELS / MODEL_FILE).read_bytes()).hexdigest()
    assert f"| `{MODEL_FILE}` (output) | `{digest}` |" in readme


@pytest.mark.faces
def test_port_matches_face_api_tfjs_on_real_crops(net: FaceRecognitionNet, faces_dir: Path
                                                  ) -> None:
    cases = json.loads(REFERENCE.read_text(encoding="utf-8"))["cases"]
    x = np.stack([prepare_rgb(crop_rgb(read_color(faces_dir / c["image"]), Box(*c["box"])))
                  for c in cases])
    with torch.inference_mode():
        ours = net(torch.from_numpy(x)).numpy()
    ref = np.array([c["descriptor"] for c in cases])
    assert np.abs(ours - ref).max() < 2e-5
    # six different people: each descriptor is nearest to its own reference
    d = np.linalg.norm(ours[:, None] - ref[None], axis=2)
    assert (d.argmin(1) == np.arange(len(cases))).all()
