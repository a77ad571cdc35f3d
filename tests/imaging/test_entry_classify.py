"""`kiosk-admin classify` under the image policy: per-file results for every odd
file, folders expanded, a truncated face reported instead of classified, exit 1
when anything failed."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from kiosk.admin import vision_cmds
from kiosk.admin.cli import main
from kiosk.imaging.testing import BAD, GOOD, make_odd_files


class NoFaces:
    """Detector and classifier stand-in (the real ones take seconds to load): what
    is tested here is decoding and per-file reporting; it records what it saw."""

    model_name = "fake"
    model_path = Path("fake.pt")
    detect_width = 640
    threshold = 0.5

    def __init__(self) -> None:
        self.shapes: list[tuple[int, ...]] = []

    def detect(self, image):
        self.shapes.append(image.shape)
        return []

    def classify_batch(self, image, boxes):
        return []


@pytest.fixture
def fake_models(monkeypatch: pytest.MonkeyPatch) -> NoFaces:
    fake = NoFaces()
    monkeypatch.setattr(vision_cmds, "_models", lambda args: (fake, fake))
    return fake


def classify(capsys: pytest.CaptureFixture[str], *args: Path) -> tuple[int, list, str]:
    code = main(["classify", *map(str, args)])
    out, err = capsys.readouterr()
    return code, json.loads(out), err


def test_every_odd_file_gets_its_own_line_and_the_good_ones_are_classified(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], fake_models: NoFaces
) -> None:
    odd = make_odd_files(tmp_path / "odd")
    missing = tmp_path / "missing.jpg"
    code, results, err = classify(capsys, odd["plain.jpg"], tmp_path / "odd", missing)
    assert code == 1
    by_name: dict[str, list[dict]] = {}
    for entry in results:
        by_name.setdefault(Path(entry["image"]).name, []).append(entry)
    for name in GOOD:
        assert all("error" not in e and e["faces"] == 0 for e in by_name[name]), name
    assert len(by_name["plain.jpg"]) == 2  # given alone and again through its folder
    for name, kind in BAD.items():
        if name == "folder.jpg":
            assert name not in by_name  # a sub-folder of a folder argument is not an image
            continue
        (entry,) = by_name[name]
        assert entry["kind"] == kind and name in entry["error"], entry
        assert f"kiosk-admin classify: {entry['error']}" in err
    assert by_name["missing.jpg"][0]["kind"] == "missing"
    assert f"{len(BAD)} of {len(results)} images failed" in err  # 9 bad + missing
    assert all(shape[:2] in ((256, 320), (410, 512)) for shape in fake_models.shapes)


def test_a_folder_argument_and_an_empty_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], fake_models: NoFaces
) -> None:
    make_odd_files(tmp_path / "good", ("plain.jpg", "gray.png"))
    (tmp_path / "none").mkdir()
    code, results, _ = classify(capsys, tmp_path / "good")
    assert code == 0 and [Path(r["image"]).name for r in results] == ["gray.png", "plain.jpg"]
    code, results, err = classify(capsys, tmp_path / "none", tmp_path / "good" / "folder.jpg")
    assert code == 1
    assert {r["kind"] for r in results} == {"folder", "missing"}
    assert "a folder with no images in it" in err


@pytest.mark.faces
def test_a_truncated_face_is_reported_not_classified(
    faces_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with (faces_dir / "labels.csv").open(newline="", encoding="utf-8-sig") as f:
        rows = [r for r in csv.DictReader(f) if r["image"].lower().endswith((".jpg", ".jpeg"))]
    face = faces_dir / rows[0]["image"]
    data = face.read_bytes()
    cut = tmp_path / "cut.jpg"
    cut.write_bytes(data[: int(len(data) * 0.55)])
    empty = tmp_path / "empty.jpg"
    empty.write_bytes(b"")
    code, results, err = classify(capsys, face, cut, empty)
    assert code == 1 and len(results) == 3
    whole, truncated, nothing = results
    assert "error" not in whole and whole["faces"] >= 1 and whole["emotion"]
    assert truncated["kind"] == "truncated" and "emotion" not in truncated
    assert nothing["kind"] == "empty"
    assert "cut.jpg: the file is cut short" in err


def test_eval_measures_without_unreadable_images_and_names_them(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], fake_models: NoFaces
) -> None:
    make_odd_files(tmp_path, ("plain.jpg", "gray.png", "truncated.png", "bomb.png"))
    labels = tmp_path / "labels.csv"
    labels.write_text("image,emotion\nplain.jpg,happy\ntruncated.png,sad\n"
                      "gray.png,neutral\nbomb.png,angry\n", encoding="utf-8")
    code = main(["eval", str(labels)])
    out, err = capsys.readouterr()
    result = json.loads(out)
    assert code == 1
    assert result["n"] == 2 and result["detection_rate"] == 0.0
    assert [Path(u["image"]).name for u in result["unreadable"]] == ["truncated.png", "bomb.png"]
    assert "skipped" in err and "truncated.png: the file is cut short" in err
