"""Write realistic test videos from real labeled face photos.

`python -m kiosk.tools.face_video OUT.avi --faces DIR --script happy:4,none:2,sad:4`
places a face photo of the given label (from `DIR/labels.csv`) into a 640x480
"camera" frame with a soft background, gentle head motion and sensor noise, for
the given seconds per segment; `none` is an empty scene (the visitor left). A
segment may pin its photo: `sad:4:images/Dwarakish_2.jpg` (path relative to DIR),
e.g. to show the same person changing expression. `--bystander images/X.jpg` adds a
second, smaller face in the background (about 100 px tall, upper left) to every frame,
empty scenes included: someone who stays in view while visitors come and go.
`--face-height PX` draws the visitor's photo PX tall instead of `FACE_SIDE` (240; the
shared photos are cropped close: the detector's face box is about 0.79 times the
photo's height wide, so 60 gives a face about 48 px wide, a visitor about 1.4 m from a
~70 degree webcam at 640x480), and `--size WxH` sets the frame size (640x480).
`--turned DEG --turned-at S`: from S seconds on, the frames are those of a camera knocked
round in service, needing `[camera] rotate` DEG (90, 180, 270) to be upright again: the
scene drawn upright (portrait for a quarter turn) and turned DEG counter-clockwise, the
frame size unchanged (`kiosk-admin eval-video --rotate DEG` turns it back).

`--timeline OUT.json` also writes the ground truth `kiosk-admin eval-video` reads:
``{"fps": F, "segments": [{"start_s", "end_s", "label", "image"}]}`` with
`label` "absent" (and `image` null) for an empty scene ("absent": no visitor; a
bystander is named by the top-level `"bystander"`, a turn by `"turned"`: {"rotate", "at_s"}).
Used by the UI tests, `python -m kiosk.bench ui`, `eval-video` and the packaging
smoke runs.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np


@dataclass(frozen=True)
class Segment:
    """`label`: FER label (happy, sad, …) or None for an empty scene; `image`: the
    photo to show, relative to the faces folder (None: drawn at random)."""

    label: str | None
    seconds: float
    image: str | None = None


def parse_script(text: str) -> list[Segment]:
    """`label:seconds[:image],…` -> segments (`none` or an empty label: no face).
    ValueError naming the part that is not of that form."""
    out = []
    for part in text.split(","):
        label, _, rest = part.strip().partition(":")
        seconds, _, image = rest.partition(":")
        try:
            duration = float(seconds or 3)
        except ValueError:
            raise ValueError(f"script part {part!r}: expected label:seconds[:image]") from None
        if duration <= 0:
            raise ValueError(f"script part {part!r}: seconds must be positive")
        out.append(Segment(None if label in ("none", "") else label, duration, image or None))
    return out


def parse_size(text: str) -> tuple[int, int]:
    """"WxH" -> (w, h); ValueError unless both are 64 to 4096."""
    width, sep, height = text.lower().partition("x")
    try:
        size = (int(width), int(height))
    except ValueError:
        size = (0, 0)
    if not sep or not all(64 <= v <= 4096 for v in size):
        raise ValueError(f"--size {text!r}: expected WxH, e.g. 640x480 (64 to 4096 each)")
    return size


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


FACE_SIDE = 240
"""The visitor's photo height (px) by default: a face about 190 px wide."""
BYSTANDER_SIDE = 100
BYSTANDER_CENTRE = (110, 110)
"""Where the background face sits (x, y): upper left, clear of the visitor's box."""


def render_frame(bg: np.ndarray, face: np.ndarray | None, t: float, rng: np.random.Generator,
                 face_side: int = FACE_SIDE, bystander: np.ndarray | None = None) -> np.ndarray:
    """One frame at time `t` (s): `face` (BGR photo, any aspect) scaled to about
    `face_side` px tall, keeping its aspect ratio as a camera would (a stretched face
    reads as another expression), drifting gently over `bg`, plus sensor noise.
    `bystander`: another photo, `BYSTANDER_SIDE` px tall at `BYSTANDER_CENTRE`, behind
    the face."""
    frame = bg.copy()
    if bystander is not None:
        _paste(frame, bystander, BYSTANDER_SIDE, BYSTANDER_CENTRE[0] + 4 * math.sin(t * 0.5),
               BYSTANDER_CENTRE[1] + 3 * math.sin(t * 0.8))
    if face is not None:
        h, w = frame.shape[:2]
        side = int(face_side * (1.0 + 0.03 * math.sin(t * 0.9)))
        fh, fw = face.shape[:2]
        pw = max(1, round(side * fw / fh))
        interpolation = cv2.INTER_AREA if side < fh else cv2.INTER_LINEAR
        patch = cv2.resize(face, (pw, side), interpolation=interpolation)
        cx = int(w / 2 + 25 * math.sin(t * 0.7))
        cy = int(h / 2 - 10 + 8 * math.sin(t * 1.3))
        x0, y0 = max(0, cx - pw // 2), max(0, cy - side // 2)
        x1, y1 = min(w, x0 + pw), min(h, y0 + side)
        frame[y0:y1, x0:x1] = patch[: y1 - y0, : x1 - x0]
    noise = rng.normal(0, 2.0, frame.shape).astype(np.int16)
    return np.clip(frame.astype(np.int16) + noise, 0, 255).astype(np.uint8)


CAMERA_TURNS = {90: cv2.ROTATE_90_COUNTERCLOCKWISE, 180: cv2.ROTATE_180,
                270: cv2.ROTATE_90_CLOCKWISE}
"""A camera that needs `[camera] rotate` DEG shows the scene turned DEG counter-clockwise."""


def _paste(frame: np.ndarray, photo: np.ndarray, side: int, cx: float, cy: float) -> None:
    """`photo` scaled to `side` px tall (its aspect kept), centred at (cx, cy)."""
    h, w = frame.shape[:2]
    ph, pw = photo.shape[:2]
    width = max(1, round(side * pw / ph))
    patch = cv2.resize(photo, (width, side), interpolation=cv2.INTER_AREA)
    x0, y0 = max(0, int(cx) - width // 2), max(0, int(cy) - side // 2)
    x1, y1 = min(w, x0 + width), min(h, y0 + side)
    frame[y0:y1, x0:x1] = patch[: y1 - y0, : x1 - x0]


def write_face_video(path: str | Path, faces_dir: Path, script: Sequence[Segment],
                     fps: int = 15, size: tuple[int, int] = (640, 480), seed: int = 0,
                     chosen: dict[str, Path] | None = None,
                     timeline: str | Path | None = None,
                     bystander: str | None = None, face_side: int = FACE_SIDE,
                     turned: tuple[int, float] | None = None) -> Path:
    """Write the scripted video (MJPG in .avi, which the headless OpenCV can write).
    `chosen` pins the photo used for a label, a segment's `image` pins its own (else
    one is drawn at random). `timeline`: also write the ground-truth JSON there
    (segment times are those of the frames written: frame i is at i / fps).
    `bystander`: a photo (relative to `faces_dir`) drawn small in the background of
    every frame (`render_frame`); ValueError when it cannot be read. `face_side`: the
    visitor's photo height (px). `turned`: (DEG, S): from S seconds of video time on,
    the frames of a camera needing `[camera] rotate` DEG (module docstring)."""
    path = Path(path)
    rows: list[dict[str, object]] = []
    table = faces_by_label(faces_dir)
    for label, photo in (chosen or {}).items():
        table[label] = [photo]
    rng = np.random.default_rng(seed)
    bg = background(*size)
    turn, turn_at = turned if turned is not None else (0, math.inf)
    if turn not in (0, *CAMERA_TURNS):
        raise ValueError(f"turned {turn}: expected 90, 180 or 270 degrees")
    scene = background(size[1], size[0]) if turn in (90, 270) else bg  # what it now sees
    background_face = None
    if bystander is not None:
        background_face = cv2.imread(str(faces_dir / bystander))
        if background_face is None:
            raise ValueError(f"cannot read the bystander photo {faces_dir / bystander}; "
                             "give a path relative to --faces, e.g. images/X.jpg")
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"MJPG"), fps, size)
    if not writer.isOpened():
        raise RuntimeError(f"cannot write video {path}")
    t = 0.0
    n = 0
    try:
        for segment in script:
            face = None
            shown: Path | None = None
            if segment.label is not None:
                choices = table.get(segment.label)
                if not choices:
                    raise ValueError(f"no face labeled {segment.label!r} in {faces_dir}")
                shown = choices[int(rng.integers(len(choices)))]
                if segment.image is not None:
                    shown = faces_dir / segment.image
                image = cv2.imread(str(shown))
                if image is None:
                    raise ValueError(f"cannot read the {segment.label} face {shown}")
                face = image
            start = n
            for _ in range(max(1, round(segment.seconds * fps))):
                if t < turn_at:
                    writer.write(render_frame(bg, face, t, rng, face_side,
                                              bystander=background_face))
                else:
                    writer.write(cv2.rotate(render_frame(scene, face, t, rng, face_side,
                                                         bystander=background_face),
                                            CAMERA_TURNS[turn]))
                n += 1
                t = n / fps
            rows.append({
                "start_s": round(start / fps, 6), "end_s": round(n / fps, 6),
                "label": segment.label or "absent",
                "image": None if shown is None else _relative(shown, faces_dir),
            })
    finally:
        writer.release()
    if timeline is not None:
        data: dict[str, object] = {"fps": fps, "segments": rows}
        if bystander is not None:
            data["bystander"] = bystander
        if turned is not None:
            data["turned"] = {"rotate": turn, "at_s": turn_at}
        Path(timeline).write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
    return path


def _relative(photo: Path, faces_dir: Path) -> str:
    try:
        return photo.relative_to(faces_dir).as_posix()
    except ValueError:
        return str(photo)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out")
    parser.add_argument("--faces", required=True, type=Path, help="folder with labels.csv")
    parser.add_argument("--script", default="happy:5,none:2,sad:5,none:3")
    parser.add_argument("--fps", type=int, default=15)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--timeline", type=Path, help="also write the ground-truth JSON here")
    parser.add_argument("--bystander", metavar="IMAGE",
                        help="a second, smaller face in the background of every frame "
                        "(photo path relative to --faces)")
    parser.add_argument("--face-height", type=int, default=FACE_SIDE, metavar="PX",
                        help=f"the visitor's photo height in px (default {FACE_SIDE}; "
                        "60: a face about 48 px wide, a visitor far from the camera)")
    parser.add_argument("--size", default="640x480", metavar="WxH",
                        help="frame size (default 640x480)")
    parser.add_argument("--turned", type=int, choices=sorted(CAMERA_TURNS), metavar="DEG",
                        help="with --turned-at: the camera is knocked round, needing "
                        "[camera] rotate DEG (90, 180, 270) from then on")
    parser.add_argument("--turned-at", type=float, default=0.0, metavar="S",
                        help="with --turned: the video time (s) the camera turns at")
    args = parser.parse_args(argv)
    try:
        script = parse_script(args.script)
        size = parse_size(args.size)
    except ValueError as exc:
        parser.error(str(exc))
    if not 8 <= args.face_height <= size[1]:
        parser.error(f"--face-height {args.face_height}: expected 8 to {size[1]} px "
                     "(the frame's height)")
    try:
        out = write_face_video(args.out, args.faces, script, args.fps, size, seed=args.seed,
                               timeline=args.timeline, bystander=args.bystander,
                               face_side=args.face_height,
                               turned=(args.turned, args.turned_at) if args.turned else None)
    except ValueError as exc:
        parser.error(str(exc))
    print(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
