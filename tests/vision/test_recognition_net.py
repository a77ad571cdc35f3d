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
from kiosk.tools.faceapi_weights import Quantized, to_recognition_state_dict
from kiosk.vision.device import load_weights
from kiosk.vision.expression_net import crop_rgb
from kiosk.vision.recognition_net import (
    FLOAT_KERNELS,
    FaceRecognitionNet,
    dequantize,
    prepare_rgb,
)

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
    tf: dict[str, np.ndarray | Quantized] = {}
    for key, value in net.state_dict().items():
        if key.endswith((".scale", ".min")):
            continue
        quantized = key.endswith(".q")
        key = key.removesuffix(".q")
        shape = tuple(value.shape)
        if len(shape) == 4:  # OIHW -> HWIO
            shape = (shape[2], shape[3], shape[1], shape[0])
        elif key == "fc.weight":
            shape = shape[::-1]
        name = "fc" if key == "fc.weight" else key.removeprefix("blocks.").replace(".", "/")
        name = (name.replace("conv/weight", "conv/filters")
                .replace("scale_weight", "scale/weights").replace("scale_bias", "scale/biases"))
        if quantized:
            tf[name] = Quantized(rng.integers(0, 256, shape, dtype=np.uint8),
                                 np.float32(rng.uniform(1e-3, 1e-2)), np.float32(-0.5))
        else:
            tf[name] = rng.normal(size=shape).astype(np.float32)
    # biases are quantized in face-api's file too; the net keeps these small ones float32
    bias = tf["conv128_1/conv1/conv/bias"] = Quantized(
        rng.integers(0, 256, (128,), dtype=np.uint8), np.float32(0.01), np.float32(-1.0))
    state = to_recognition_state_dict(tf)
    hwio = tf["conv64_1/conv2/conv/filters"]  # float32 in face-api's file: kept so
    assert isinstance(hwio, np.ndarray)
    assert torch.equal(state["blocks.conv64_1.conv2.conv.weight"],
                       torch.from_numpy(hwio.transpose(3, 2, 0, 1).copy()))
    fc = tf["fc"]  # uint8-quantized: kept so, transposed, with its scale and min
    assert isinstance(fc, Quantized)
    assert state["fc.weight.q"].dtype == torch.uint8
    assert torch.equal(state["fc.weight.q"], torch.from_numpy(fc.q.T.copy()))
    assert state["fc.weight.scale"].item() == fc.scale
    # a small quantized tensor the net keeps as float32 is dequantized as tfjs does
    assert torch.equal(state["blocks.conv128_1.conv1.conv.bias"],
                       torch.from_numpy(bias.dequantize()))
    float_kernel = dict(tf) | {"fc": fc.dequantize()}
    with pytest.raises(SystemExit, match=r"fc\.weight: .*uint8-quantized"):
        to_recognition_state_dict(float_kernel)


def test_dequantizing_in_torch_gives_the_converters_float32_values_bit_for_bit() -> None:
    rng = np.random.default_rng(1)
    for _ in range(20):
        q = rng.integers(0, 256, (64, 32), dtype=np.uint8)
        source = Quantized(q, np.float32(rng.uniform(1e-4, 0.1)),
                           np.float32(rng.uniform(-3, 0)))
        ours = dequantize(torch.from_numpy(q), torch.tensor(source.scale),
                          torch.tensor(source.min))
        assert ours.dtype == torch.float32
        assert np.array_equal(ours.numpy().view(np.uint32), source.dequantize().view(np.uint32))


def test_the_loaded_net_holds_the_sources_uint8_weights(net: FaceRecognitionNet) -> None:
    tensors = dict(net.state_dict())
    kernels = {k: v for k, v in tensors.items() if k.endswith((".weight", ".weight.q"))
               and v.dim() >= 2}
    uint8 = sorted(k for k, v in kernels.items() if v.dtype == torch.uint8)
    floats = sorted(k.split(".")[1] for k, v in kernels.items() if v.dtype != torch.uint8)
    assert len(uint8) == 22 and "fc.weight.q" in uint8 and "conv32_down.conv.weight.q" in uint8
    assert set(floats) == FLOAT_KERNELS  # face-api's file stores these as float32
    held = sum(v.numel() * v.element_size() for v in tensors.values())
    assert held < 7_000_000  # 22.5 MB as float32


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
