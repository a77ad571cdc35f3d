"""A held-out set of face videos for tuning the vision defaults (issue #15).

`python -m kiosk.tools.heldout_videos OUT_DIR --faces ../shared/data/faces` writes
30 videos with `kiosk.tools.face_video` (and their timelines) plus `manifest.json`
listing them with their kind and half:

* 20 person switches: 1 s empty, then six different people 4 s each (labels drawn
  by the seed from angry, happy, neutral, sad, surprise; the photos by
  `face_video`), 10 at 10 fps, 5 at 15 fps and 5 at 25 fps; the 25 fps ones
  have 1 s gaps after the second and fourth person (longer than the tracker keeps
  a track at that rate, shorter than a visit's grace);
* 6 steady faces: two people 15 s each with a 3 s gap, 15 fps;
* 4 expression changes of one person (photos of one person with other labels),
  4 s each, two or three people per video, 10 or 15 fps.

Seeds start at 101, none of them used for the README's figures (0-41). Each kind is
split in two halves, `tune` and `heldout`, by position (the switches so that each
half has five 10 fps videos and some 15 and 25 fps ones). Choose settings on `tune`
and report `heldout`. The videos are not committed (about 95 MB); the same command
writes the same files.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from kiosk.tools.face_video import parse_script, write_face_video

SWITCH_LABELS = ("angry", "happy", "neutral", "sad", "surprise")
FIRST_SEED = 101

# Same person, other expression (photos from the shared faces; none used in the README).
EXPRESSION_SCRIPTS = (
    "none:1,angry:4:images/Dileep_72.jpg,sad:4:images/Dileep_111.jpg,"
    "surprise:4:images/Dileep_17.jpg,angry:4:images/Rick_Stansbury_0001.jpg,"
    "surprise:4:images/Rick_Stansbury_0002.jpg",
    "none:1,angry:4:images/SharmilaTagore_45.jpg,happy:4:images/SharmilaTagore_76.jpg,"
    "happy:4:images/HrithikRoshan_222.jpg,sad:4:images/HrithikRoshan_177.jpg,"
    "happy:4:images/HrithikRoshan_222.jpg",
    "none:1,sad:4:images/Dwarakish_2.jpg,angry:4:images/Dwarakish_159.jpg,"
    "sad:4:images/Dwarakish_81.jpg,sad:4:images/Jayamadhuri_171.jpg,"
    "angry:4:images/Jayamadhuri_107.jpg,sad:4:images/Jayamadhuri_108.jpg",
    "none:1,sad:4:images/HrithikRoshan_177.jpg,happy:4:images/HrithikRoshan_222.jpg,"
    "sad:4:images/Dileep_83.jpg,surprise:4:images/Dileep_17.jpg,"
    "happy:4:images/SharmilaTagore_76.jpg,angry:4:images/SharmilaTagore_45.jpg",
)


@dataclass(frozen=True)
class VideoSpec:
    name: str
    kind: str  # "switch", "steady" or "expression"
    half: str  # "tune" or "heldout"
    fps: int
    seed: int
    script: str


def switch_script(seed: int, gaps: bool) -> str:
    rng = np.random.default_rng(seed)
    labels = [SWITCH_LABELS[int(i)] for i in rng.integers(len(SWITCH_LABELS), size=6)]
    parts = ["none:1"]
    for i, label in enumerate(labels):
        parts.append(f"{label}:4")
        if gaps and i in (1, 3):
            parts.append("none:1")
    return ",".join(parts)


def steady_script(seed: int) -> str:
    rng = np.random.default_rng(seed)
    first, second = (SWITCH_LABELS[int(i)] for i in rng.integers(len(SWITCH_LABELS), size=2))
    return f"none:1,{first}:15,none:3,{second}:15"


def specs() -> list[VideoSpec]:
    """The 30 videos, in a fixed order (module docstring)."""
    out: list[VideoSpec] = []
    seed = FIRST_SEED
    switch_fps = (10, 10, 15, 25) * 5
    for i, fps in enumerate(switch_fps):
        gaps = fps == 25
        # Halves alike: each gets five 10 fps videos and the 15 and 25 fps ones shared.
        tune = i % 4 in ((0, 2) if (i // 4) % 2 == 0 else (1, 3))
        out.append(VideoSpec(f"switch{i:02d}", "switch", "tune" if tune else "heldout",
                             fps, seed, switch_script(seed, gaps)))
        seed += 1
    for i in range(6):
        out.append(VideoSpec(f"steady{i}", "steady", "tune" if i % 2 == 0 else "heldout",
                             15, seed, steady_script(seed)))
        seed += 1
    for i, script in enumerate(EXPRESSION_SCRIPTS):
        out.append(VideoSpec(f"expr{i}", "expression", "tune" if i % 2 == 0 else "heldout",
                             (10, 15)[i % 2], seed, script))
        seed += 1
    return out


def write_all(out_dir: Path, faces: Path, only: set[str] | None = None) -> list[dict[str, object]]:
    out_dir.mkdir(parents=True, exist_ok=True)
    manifest = []
    for spec in specs():
        video, timeline = out_dir / f"{spec.name}.avi", out_dir / f"{spec.name}.json"
        if only is None or spec.name in only:
            write_face_video(video, faces, parse_script(spec.script), spec.fps,
                             seed=spec.seed, timeline=timeline)
        manifest.append({**asdict(spec), "video": video.name, "timeline": timeline.name})
    (out_dir / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n",
                                           encoding="utf-8")
    return manifest


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--faces", required=True, type=Path, help="folder with labels.csv")
    parser.add_argument("--only", nargs="*", help="write only these videos (by name)")
    args = parser.parse_args(argv)
    if not (args.faces / "labels.csv").is_file():
        parser.error(f"{args.faces}: no labels.csv there; pass the shared faces folder")
    manifest = write_all(args.out_dir, args.faces, set(args.only) if args.only else None)
    print(f"{len(manifest)} videos in {args.out_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
