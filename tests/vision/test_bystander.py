"""A visit is carried on by its visitor's face only: a face seen beside the visitor
(a bystander) neither keeps the visit open after the visitor left nor takes their
place while they may come back within the grace (`VisionPipeline`, the tracker's
`barred`), and `face_video --bystander` draws such a face for `eval-video`."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import cv2
import pytest

from kiosk.domain import Box, Emotion, Face
from kiosk.tools.face_video import BYSTANDER_CENTRE, BYSTANDER_SIDE, Segment, write_face_video
from kiosk.tools.face_video import main as face_video_main
from kiosk.vision.tracking import IouTracker
from tests.vision.test_pipeline import CENTRE, SIDE, Rig, peaked

FRAME = (640, 480)


@pytest.fixture
def rig() -> Iterator[Rig]:
    r = Rig()
    yield r
    r.pipeline.close()


def test_a_bystander_does_not_keep_the_visit_open_after_the_visitor_left(rig: Rig) -> None:
    # Before, the bystander became primary when the visitor's track expired (1 s) and
    # the visit went on for as long as they stayed in view.
    first = rig.step(1.0, [CENTRE, SIDE])
    assert first.primary_box == CENTRE and first.visit_id is not None
    during = [rig.step(boxes=[SIDE]) for _ in range(44)]  # 2.9 s without the visitor
    assert all(r.visit_id == first.visit_id and not r.visit_ended for r in during)
    assert during[-1].primary_track_id is None  # the bystander is not the visitor
    assert not any(r.new_person for r in during)
    ended = rig.step(boxes=[SIDE])  # the grace (3 s) ran out
    assert ended.visit_ended and ended.ended_visit_id == first.visit_id
    own = rig.step(boxes=[SIDE])  # the bystander, still there, is a newcomer now
    assert own.visit_started and own.visit_id not in (None, first.visit_id)
    assert own.primary_box == SIDE and not own.returning
    assert own.new_person  # not the visitor back: seen beside them (the kiosk's cue)
    later = [rig.step(boxes=[SIDE]) for _ in range(60)]
    assert all(r.visit_id == own.visit_id and not r.new_person for r in later)
    rig.step(4.0, [])  # they leave too; the next face is not known to be anyone else
    again = rig.step(boxes=[SIDE])
    assert again.visit_started and not again.new_person


def test_the_visitor_back_within_the_grace_beside_a_bystander_is_themselves(rig: Rig) -> None:
    # Before, the bystander took the primary when the visitor's track expired (a new
    # person), and the visitor coming back took it over again (another one): the
    # visitor's own visit was cut twice by someone standing in the background.
    first = rig.step(1.0, [CENTRE, SIDE])
    assert first.reading is not None and first.reading.emotion is Emotion.HAPPY
    away = rig.step(1.5, [SIDE])  # longer than the tracker keeps a track
    assert away.primary_track_id is None and away.visit_id == first.visit_id
    rig.classifier.reading = peaked(Emotion.SAD, 0.9)
    back = rig.step(boxes=[CENTRE, SIDE])
    assert back.primary_box == CENTRE and back.visit_id == first.visit_id
    assert not back.new_person and not back.visit_started
    assert back.reading is not None and back.reading.emotion is Emotion.HAPPY  # kept
    assert rig.pipeline.switches == 0


def test_a_newcomer_within_the_grace_still_takes_the_visitors_place(rig: Rig) -> None:
    rig.step(1.0, [CENTRE, SIDE])
    rig.step(1.5, [SIDE])
    elsewhere = Box(CENTRE.x1 + 150, CENTRE.y1, CENTRE.x2 + 150, CENTRE.y2)
    rig.image = rig.image[:, ::-1].copy()  # another look there: someone else
    came = rig.step(boxes=[elsewhere, SIDE])
    assert came.primary_box == elsewhere and came.new_person and not came.visit_started


def test_a_barred_track_does_not_become_primary_but_may_still_take_over() -> None:
    tracker = IouTracker()
    small, large = Face(SIDE, 0.99), Face(CENTRE, 0.99)
    (side,) = tracker.update([small], 0.0, FRAME, barred={1})
    assert side.id == 1 and tracker.primary is None
    tracker.update([small], 0.1, FRAME)
    assert tracker.primary is not None and tracker.primary.id == 1
    tracker.update([small, large], 0.2, FRAME, barred={1})
    primary = tracker.primary
    assert primary is not None and primary.box == CENTRE  # a takeover, barred or not


@pytest.mark.faces
def test_face_video_draws_a_bystander_in_every_frame(tmp_path: Path, faces_dir: Path) -> None:
    photo = "images/Dwarakish_130.jpg"
    script = [Segment(None, 0.3), Segment("happy", 0.3, "images/HrithikRoshan_222.jpg")]
    for name, bystander in (("plain", None), ("with", photo)):
        write_face_video(tmp_path / f"{name}.avi", faces_dir, script, fps=10,
                         timeline=tmp_path / f"{name}.json", bystander=bystander)
    x, y = BYSTANDER_CENTRE
    half = BYSTANDER_SIDE // 3
    for name, expected in (("plain", False), ("with", True)):
        cap = cv2.VideoCapture(str(tmp_path / f"{name}.avi"))
        spots = []
        while True:
            ok, frame = cap.read()
            if not ok:
                break
            spots.append(float(frame[y - half:y + half, x - half:x + half].std()))
        cap.release()
        assert len(spots) == 6
        assert all((s > 10) is expected for s in spots), (name, spots)  # empty ones too
    timeline = json.loads((tmp_path / "with.json").read_text(encoding="utf-8"))
    assert timeline["bystander"] == photo
    assert "bystander" not in json.loads((tmp_path / "plain.json").read_text(encoding="utf-8"))


def test_face_video_names_a_bystander_photo_it_cannot_read(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "labels.csv").write_text("image,emotion\n", encoding="utf-8")
    with pytest.raises(SystemExit):
        face_video_main([str(tmp_path / "v.avi"), "--faces", str(tmp_path),
                         "--bystander", "images/nobody.jpg", "--script", "none:1"])
    err = capsys.readouterr().err
    assert "bystander photo" in err and "nobody.jpg" in err
    assert not (tmp_path / "v.avi").exists()
