"""Face detection on camera frames with the bundled RetinaFace MobileNet-0.25.

The frame is scaled to `detect_width` pixels wide (aspect kept) before the network
sees it: the detection cost grows with the pixel count, and at a kiosk the visitor
is close, so faces are large. Smaller widths are faster and lose small (distant)
faces; `kiosk.bench.vision` measures the trade-off. Boxes and landmarks come back
in the original frame's pixels, sorted by score; a box may reach past the frame
edge when the face does.

At load time BatchNorm is folded into the convs and the weights are stored NHWC
(CPU/CUDA): about a third less CPU time, outputs within 1e-5 (relative) of the plain
port, which `kiosk.tools.verify_port` checks against the original code. The network
then runs through a frozen trace per input size (`kiosk.vision.frozen`, about a
quarter less CPU again; `warmup` makes the one for the usual frame size).
"""

from __future__ import annotations

import logging
import math
from pathlib import Path

import cv2
import numpy as np
import torch

from kiosk.config import VisionSettings
from kiosk.domain import Box, Face
from kiosk.vision.device import channels_last, load_weights, select_device
from kiosk.vision.far import starts
from kiosk.vision.frozen import FrozenForward
from kiosk.vision.retinaface import (
    BGR_MEAN,
    CFG_MNET,
    RetinaFace,
    decode_boxes,
    decode_landmarks,
    fuse_conv_bn,
    prior_boxes,
)
from kiosk.vision.trace_cache import TraceCache

log = logging.getLogger(__name__)

MODEL_FILE = "retinaface_mobilenet025.pt"
# Input (width, height) of `detect_region` (see kiosk.vision.focus for the measurements).
ROI_SIZE = (144, 192)
# Width (px) a face needs at the network's input to be found reliably: 19 faces of
# ../shared/data/faces scaled onto a 640x480 grey frame, detected at width 320, were
# found 0/19 at 20 px, 3/19 at 24, 10/19 at 28, 13/19 at 32 and 14/19 at 40-48 px
# (2026-12-02). A face narrower than `smallest_face_px` in the frame is not found by a
# whole-frame search (`kiosk.vision.far` looks for it in tiles).
MIN_INPUT_FACE_PX = 32
# BGR_MEAN as an OpenCV scalar: (B, G, R, unused), a float64 4-vector.
_MEAN_SCALAR = np.array((*BGR_MEAN, 0.0))


def nms(boxes: np.ndarray, scores: np.ndarray, iou_threshold: float) -> list[int]:
    """Greedy non-maximum suppression; indices of the kept boxes, best first.

    `boxes` is (N, 4) as x1, y1, x2, y2 (continuous coordinates, no +1)."""
    x1, y1, x2, y2 = boxes[:, 0], boxes[:, 1], boxes[:, 2], boxes[:, 3]
    areas = np.clip(x2 - x1, 0, None) * np.clip(y2 - y1, 0, None)
    order = np.argsort(-scores, kind="stable")
    keep: list[int] = []
    while order.size:
        i = int(order[0])
        keep.append(i)
        rest = order[1:]
        iw = np.clip(np.minimum(x2[i], x2[rest]) - np.maximum(x1[i], x1[rest]), 0, None)
        ih = np.clip(np.minimum(y2[i], y2[rest]) - np.maximum(y1[i], y1[rest]), 0, None)
        inter = iw * ih
        union = areas[i] + areas[rest] - inter
        iou = np.where(union > 0, inter / np.maximum(union, 1e-12), 0.0)
        order = rest[iou <= iou_threshold]
    return keep


def as_bgr(image: np.ndarray) -> np.ndarray:
    """Accept BGR (HxWx3), grayscale (HxW or HxWx1) or BGRA uint8; return contiguous BGR."""
    if not isinstance(image, np.ndarray) or image.dtype != np.uint8:
        raise ValueError("expected a uint8 numpy image")
    if image.ndim == 2 or (image.ndim == 3 and image.shape[2] == 1):
        return cv2.cvtColor(image.reshape(image.shape[:2]), cv2.COLOR_GRAY2BGR)
    if image.ndim == 3 and image.shape[2] == 4:
        return cv2.cvtColor(image, cv2.COLOR_BGRA2BGR)
    if image.ndim == 3 and image.shape[2] == 3:
        return np.ascontiguousarray(image)
    raise ValueError(f"expected an HxWx3 BGR image, got shape {image.shape}")


def _shrink(image: np.ndarray, width: int, height: int) -> np.ndarray:
    """`image` resized to `width` x `height`. OpenCV's area averaging is fast only for
    whole-number factors (a 432 px crop to 160 px took 1.4 ms against 0.12 ms for 640
    to 320), so a large reduction averages by the whole factor first, then
    interpolates the rest bilinearly (0.2 ms)."""
    h, w = image.shape[:2]
    factor = min(w // width, h // height)
    if factor >= 2:
        image = cv2.resize(image, (w // factor, h // factor), interpolation=cv2.INTER_AREA)
    if image.shape[1] == width and image.shape[0] == height:
        return image
    return cv2.resize(image, (width, height), interpolation=cv2.INTER_LINEAR)


class FaceDetector:
    """Finds faces and their five landmarks in BGR frames.

    Loads the weights once; not meant to be shared between threads (one inference
    thread owns it)."""

    def __init__(
        self,
        model_path: Path | str,
        *,
        device: torch.device | str = "cpu",
        detect_width: int = 320,
        threshold: float = 0.8,
        nms_iou: float = 0.4,
        max_faces: int = 50,
        roi_size: tuple[int, int] = ROI_SIZE,
    ) -> None:
        self.model_path = Path(model_path)
        self.device = torch.device(device)
        self.detect_width = int(detect_width)
        self.threshold = float(threshold)
        self.nms_iou = float(nms_iou)
        self.max_faces = int(max_faces)
        self.roi_size = (int(roi_size[0]), int(roi_size[1]))
        model = load_weights(RetinaFace(CFG_MNET), self.model_path, self.device)
        self.model = channels_last(fuse_conv_bn(model), self.device)
        self._forward = FrozenForward(self.model, self.device)
        self._mean_bgr = np.array([round(v) for v in BGR_MEAN], np.uint8)
        self._priors: dict[tuple[int, int], np.ndarray] = {}
        self._sizes_told = False  # the smallest face found was logged (`detect`)
        log.info("face detector loaded from %s on %s (detect width %d)",
                 self.model_path, self.device, self.detect_width)

    @classmethod
    def from_settings(cls, vision: VisionSettings, model_path: Path | str | None = None
                      ) -> FaceDetector:
        """Build from `[vision]` settings; the bundled model unless `model_path` is given."""
        if model_path is None:
            from kiosk.resources import resource_path

            model_path = resource_path("models", MODEL_FILE, must_exist=False)
        return cls(model_path, device=select_device(vision.device),
                   detect_width=vision.detect_width, threshold=vision.detect_threshold)

    def smallest_face_px(self, frame_width: int) -> int:
        """About the narrowest face (frame pixels) found on frames `frame_width` px
        wide: `MIN_INPUT_FACE_PX` at the detector's input, scaled up by the frame's
        width over `detect_width` (64 px on 640-wide frames at width 320, 192 px on
        1920-wide ones). A visitor farther away is found by the far search's tiles
        (`kiosk.vision.far`) and then followed by region steps (`detect_region` looks at
        the tracked face at its own scale)."""
        return math.ceil(MIN_INPUT_FACE_PX * max(frame_width, self.detect_width)
                         / self.detect_width)

    def scan_input(self, frame_size: tuple[int, int]) -> tuple[int, int]:
        """The whole-frame scan's network input (w, h) for `frame_size` (w, h) frames:
        `detect_width` wide, the frame's aspect (320x240 for 640x480)."""
        in_h, in_w = self._input_size(frame_size[1], frame_size[0])
        return in_w, in_h

    def _input_size(self, height: int, width: int) -> tuple[int, int]:
        scale = self.detect_width / width
        return max(1, round(height * scale)), self.detect_width

    def _priors_for(self, height: int, width: int) -> np.ndarray:
        key = (height, width)
        if key not in self._priors:
            self._priors[key] = prior_boxes(height, width, CFG_MNET).numpy()
        return self._priors[key]

    def detect(self, image_bgr: np.ndarray) -> list[Face]:
        """Faces in `image_bgr` scoring at least `threshold`, best first."""
        image = as_bgr(image_bgr)
        height, width = image.shape[:2]
        in_h, in_w = self._input_size(height, width)
        if not self._sizes_told and height > 1 and width > 1:
            self._sizes_told = True  # once: an evaluation over photos has many sizes
            log.info("faces are looked for on %dx%d frames scaled to %dx%d "
                     "([vision] detect_width %d): a face narrower than about %d px (%.0f %% "
                     "of the frame's width) is not found by this whole-frame search (while "
                     "no face is followed, the kiosk searches parts of the frame at a higher "
                     "scale: see the 'far faces' line)", width, height, in_w, in_h,
                     self.detect_width, self.smallest_face_px(width),
                     100.0 * self.smallest_face_px(width) / width)
        interp = cv2.INTER_AREA if in_w < width else cv2.INTER_LINEAR
        resized = cv2.resize(image, (in_w, in_h), interpolation=interp)
        return self._faces(resized, (0.0, 0.0), (width, height))

    def detect_region(self, image_bgr: np.ndarray, region: Box,
                      size: tuple[int, int] | None = None) -> list[Face]:
        """Faces inside `region` (frame pixels; it may reach past the frame edges),
        best first, in frame pixels.

        The region is scaled, aspect kept, to fit the `size` (width, height; default
        `roi_size`; the far search's tiles: `kiosk.vision.far.TILE_SIZE`)
        input (the rest, and whatever lies outside the frame, is the detector's mean
        colour: zeros after the subtraction), so every call runs the network on one
        input shape, whatever the region's size. `kiosk.vision.focus` asks for a
        region 1.5 times the tracked face, of the input's aspect: the face then fills
        about two thirds of the input whatever its size in the frame. Empty when the
        region holds no pixels of the frame."""
        image = as_bgr(image_bgr)
        height, width = image.shape[:2]
        size_w, size_h = size or self.roi_size
        if region.width <= 0 or region.height <= 0:
            return []
        x0, y0 = math.floor(region.x1), math.floor(region.y1)
        cx0, cy0 = max(0, x0), max(0, y0)
        cx1, cy1 = min(width, math.ceil(region.x2)), min(height, math.ceil(region.y2))
        if cx1 - cx0 < 2 or cy1 - cy0 < 2:
            return []
        scale = min(size_w / region.width, size_h / region.height)
        crop = image[cy0:cy1, cx0:cx1]
        rw = min(size_w, max(1, round((cx1 - cx0) * scale)))
        rh = min(size_h, max(1, round((cy1 - cy0) * scale)))
        px = min(size_w - rw, max(0, round((cx0 - x0) * scale)))
        py = min(size_h - rh, max(0, round((cy0 - y0) * scale)))
        canvas = np.empty((size_h, size_w, 3), np.uint8)
        canvas[:] = self._mean_bgr
        canvas[py:py + rh, px:px + rw] = _shrink(crop, rw, rh)
        # Input pixel (u, v) is frame pixel (cx0 + (u - px) / sx, cy0 + (v - py) / sy).
        sx, sy = (cx1 - cx0) / rw, (cy1 - cy0) / rh
        return self._faces(canvas, (cx0 - px * sx, cy0 - py * sy), (size_w * sx, size_h * sy))

    def detect_windows(self, image_bgr: np.ndarray, frame_size: tuple[int, int]) -> list[Face]:
        """Faces in `image_bgr`, best first, searched as the whole-frame scan of
        `frame_size` (w, h) frames searches: at that scan's scale and through its input
        shape, so through the frozen trace the scan already has. An image of that size
        is one `detect`; an image of another shape (a frame turned a quarter turn, for
        `kiosk.vision.orientation.TurnProbe`) is searched in windows of the frame's
        size (`detect_region`), each overlapping the next by half a window, a face
        found twice counted once (NMS). A new input shape costs a frozen trace of its
        own: 11 MB resident once loaded and 28 MB the time it is traced, for a 640x480
        camera's portrait frame (measured 2026-12-02, the kiosk's vision path alone)."""
        image = as_bgr(image_bgr)
        height, width = image.shape[:2]
        frame_w, frame_h = frame_size
        if (width, height) == (frame_w, frame_h):
            return self.detect(image)
        size = self.scan_input(frame_size)
        faces = [face
                 for y in starts(height, frame_h, frame_h / 2.0)
                 for x in starts(width, frame_w, frame_w / 2.0)
                 for face in self.detect_region(image, Box(x, y, x + frame_w, y + frame_h),
                                                size=size)]
        if len(faces) < 2:
            return faces
        boxes = np.array([[f.box.x1, f.box.y1, f.box.x2, f.box.y2] for f in faces], np.float32)
        scores = np.array([f.score for f in faces], np.float32)
        return [faces[i] for i in nms(boxes, scores, self.nms_iou)[: self.max_faces]]

    def _faces(self, resized: np.ndarray, offset: tuple[float, float],
               extent: tuple[float, float]) -> list[Face]:
        """Run the network on `resized` (the input, HxWx3 BGR uint8); boxes and
        landmarks come back in frame pixels: ``offset + normalised * extent``, where
        `extent` is the frame width and height the whole input spans."""
        in_h, in_w = resized.shape[:2]
        # The mean subtracted by OpenCV into float32 HWC (exact: integers), viewed as
        # NCHW with channels-last strides, no copy; then only the few priors that
        # score are decoded, in NumPy (`kiosk.bench.vision`: about 0.4 ms less CPU per
        # detection than the same steps as torch ops, the same outputs).
        net_in = cv2.subtract(resized, _MEAN_SCALAR, dtype=cv2.CV_32F)
        with torch.inference_mode():
            loc, conf, ldm = self._forward(
                torch.from_numpy(net_in).to(self.device).permute(2, 0, 1).unsqueeze(0))
            scores_all = conf[0, :, 1].cpu().numpy()
            keep = np.flatnonzero(scores_all >= self.threshold)
            if not keep.size:
                return []
            loc_kept = loc[0].cpu().numpy()[keep]
            ldm_kept = ldm[0].cpu().numpy()[keep]
        priors = self._priors_for(in_h, in_w)[keep]
        scores_np = scores_all[keep]
        mul = np.asarray(extent, np.float32)
        boxes_np = (decode_boxes(loc_kept, priors, CFG_MNET.variance).reshape(-1, 2, 2)
                    * mul).reshape(-1, 4)
        points_np = decode_landmarks(ldm_kept, priors, CFG_MNET.variance) * mul
        if offset != (0.0, 0.0):
            shift = np.asarray(offset, np.float32)
            boxes_np = boxes_np + np.tile(shift, 2)
            points_np = points_np + shift
        faces = []
        for i in nms(boxes_np, scores_np, self.nms_iou)[: self.max_faces]:
            b = boxes_np[i]
            faces.append(Face(
                box=Box(float(b[0]), float(b[1]), float(b[2]), float(b[3])),
                score=float(scores_np[i]),
                landmarks=tuple((float(x), float(y)) for x, y in points_np[i]),
            ))
        return faces

    def warmup(self, height: int = 480, width: int = 640,
               trace_cache: TraceCache | None = None) -> None:
        """Run once on a blank frame so the first real frame is not slow
        (the frozen traces, allocations, kernel selection and prior boxes for the
        usual frame size and for `detect_region`'s input). With `trace_cache` the
        traces are read from disk when saved by an earlier start, and saved otherwise."""
        self._forward.cache = trace_cache
        in_h, in_w = self._input_size(height, width)
        blank = np.zeros((height, width, 3), np.uint8)
        for shape in ((in_h, in_w), (self.roi_size[1], self.roi_size[0])):
            example = torch.zeros((1, 3, *shape), device=self.device)
            self._forward.prepare(example.contiguous(memory_format=torch.channels_last))
        # Not logged: this is the settings' size, and a camera delivering another one
        # gave two contradicting lines (black box, round 20); the real frames tell theirs.
        told, self._sizes_told = self._sizes_told, True
        self.detect(blank)
        self._sizes_told = told
        self.detect_region(blank, Box(0, 0, min(width, height), min(width, height)))
