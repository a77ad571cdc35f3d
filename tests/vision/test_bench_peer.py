"""The fer peer of `python -m kiosk.bench vision` runs in a child process."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

from kiosk.bench.vision import measure_peer

FAKE_FER = '''
import os

class FER:
    """Stands in for fer's FER: one fixed face, and proof of where it ran."""

    def detect_emotions(self, frame):
        return [{"box": [1, 2, 3, 4], "pid": os.getpid(), "shape": list(frame.shape),
                 "emotions": {"happy": 0.9, "sad": 0.1}}]
'''


def _fake_fer(folder: Path, source: str) -> Path:
    (folder / "fer").mkdir(parents=True)
    (folder / "fer" / "__init__.py").write_text(source, encoding="utf-8")
    return folder


def test_the_peer_runs_fer_in_a_child_process_on_the_same_frame(tmp_path: Path) -> None:
    peer = _fake_fer(tmp_path / "scratch", FAKE_FER)
    frame = np.zeros((48, 64, 3), np.uint8)
    out = measure_peer(frame, frames=3, warmup=1, peer_path=peer)
    assert out["status"] == "ok", out
    assert out["frames"] == 3 and out["face_found_ratio"] == 1.0
    assert out["emotions"] == {"happy": 0.9, "sad": 0.1}
    assert 0 <= out["total_ms"]["p50"] <= out["total_ms"]["p95"]
    assert "fer" not in sys.modules  # never imported here: TensorFlow stays out


def test_a_fer_that_cannot_import_says_why_and_how(tmp_path: Path) -> None:
    peer = _fake_fer(tmp_path / "scratch", "import tensorflow_missing_here\n")
    out = measure_peer(np.zeros((8, 8, 3), np.uint8), frames=1, warmup=0, peer_path=peer)
    assert out["status"] == "unavailable"
    assert "tensorflow_missing_here" in out["why"] and "--peer-path" in out["how"]


def test_a_missing_peer_folder_is_named(tmp_path: Path) -> None:
    out = measure_peer(np.zeros((8, 8, 3), np.uint8), frames=1, warmup=0,
                       peer_path=tmp_path / "nowhere")
    assert out["status"] == "unavailable" and "nowhere: no such folder" in out["why"]
