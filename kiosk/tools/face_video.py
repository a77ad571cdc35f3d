"""Write realistic test videos from real labeled face photos.

`python -m kiosk.tools.face_video OUT.avi --faces DIR --script happy:4,none:2,sad:4`
places a face photo of the given label (from `DIR/labels.csv`) into a 640x480
"camera" frame with a soft background, gentle head motion and sensor noise, for
the given seconds per segment; `none` is an empty scene (the visitor left).
Used by the UI tests, `python -m kiosk.bench ui` and the packaging smoke runs.
"""

from __future__ import annotations

import argparse
import csv
import math
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np


@dataclass(frozen=True)
class Segment:
    label: str | None  # FER label (happy, sad, …) or None for an empty scene
    seconds: float


def parse_script(text: str) -> list[Segment]:
    out = []
    for part in text.split(","):
        label, _, seconds = part.strip().partition(":")
        out.append(Segment(None if label in ("none", "") else label, float(seconds or 3)))
    return out


def faces_by_label(faces_dir: Path) -> dict[str, list[Path]]:
    table: dict[str, list[Path]] = {}
    with (faces_dir / "labels.csv").open(newline="", encoding="utf-8-sig") as fh:
        for row in csv.DictReader(fh):
            table.setdefault(row["emotion"], []).append(faces_dir / row["image"])
    return table


def background(width: int, height: int) -> np.ndarray:
    """A plain shop-like backdrop: a vertical gradient with a shelf line."""
    y = np.linspace(0, 1, height, dtype=np.float32)[:, None]
    base = np.empty((height, width, 3), np.float32)
    base[..., 0] = 150 + 40 * y  # B
    base[..., 1] = 160 + 30 * y
    base[..., 2] = 170 + 20 * y
    base[int(height * 0.78):int(height * 0.8)] = (90, 100, 110)
    return base.astype(np.uint8)


def render_frame(bg: np.ndarray, face: np.ndarray | None, t: float, rng: np.random.Generator,
                 face_side: int = 240) -> np.ndarray:
    frame = bg.copy()
    if face is not None:
        h, w = frame.shape[:2]
        side = int(face_side * (1.0 + 0.03 * math.sin(t * 0.9)))
        patch = cv2.resize(face, (side, side), interpolation=cv2.INTER_AREA)
        cx = int(w / 2 + 25 * math.sin(t * 0.7))
        cy = int(h / 2 - 10 + 8 * math.sin(t * 1.3))
        x0, y0 = max(0, cx - side // 2), max(0, cy - side // 2)
        x1, y1 = min(w, x0 + side), min(h, y0 + side)
        frame[y0:y1, x0:x1] = patch[: y1 - y0, : x1 - x0]
    noise = rng.normal(0, 2.0, frame.shape).astype(np.int16)
    return np.clip(frame.astype(np.int16) + noise, 0, 255).astype(np.uint8)


def write_face_video(path: str | Path, faces_dir: Path, script: Sequence[Segment],
                     fps: int = 15, size: tuple[int, int] = (640, 480), seed: int = 0,
                     chosen: dict[str, Path] | None = None) -> Path:
    """Write the scripted video (MJPG in .avi, which the headless OpenCV can write).
    `chosen` pins the photo used for a label (else one is drawn at random)."""
    path = Path(path)
    table = faces_by_label(faces_dir)
    for label, photo in (chosen or {}).items():
        table[label] = [photo]
    rng = np.random.default_rng(seed)
    bg = background(*size)
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"MJPG"), fps, size)
    if not writer.isOpened():
        raise RuntimeError(f"cannot write video {path}")
    t = 0.0
    try:
        for segment in script:
            face = None
            if segment.label is not None:
                choices = table.get(segment.label)
                if not choices:
                    raise ValueError(f"no face labeled {segment.label!r} in {faces_dir}")
                image = cv2.imread(str(choices[int(rng.integers(len(choices)))]))
                if image is None:
                    raise ValueError(f"cannot read a {segment.label} face in {faces_dir}")
                face = image
            for _ in range(max(1, round(segment.seconds * fps))):
                writer.write(render_frame(bg, face, t, rng))
                t += 1.0 / fps
    finally:
        writer.release()
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out")
    parser.add_argument("--faces", required=True, type=Path, help="folder with labels.csv")
    parser.add_argument("--script", default="happy:5,none:2,sad:5,none:3")
    parser.add_argument("--fps", type=int, default=15)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    out = write_face_video(args.out, args.faces, parse_script(args.script), args.fps,
                           seed=args.seed)
    print(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
