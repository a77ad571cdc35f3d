"""The faces' light over the last visits (`kiosk.vision.light`): a dark camera's faces
are read from a brightened copy, so nothing else says the light is wrong."""

from __future__ import annotations

import logging

import numpy as np
import pytest

from kiosk.vision.light import BRIGHT, DARK, LightMonitor
from tests.vision.test_pipeline import CENTRE, TEXTURED, Rig


def visit(monitor: LightMonitor, face_mean: float, readings: int = 10) -> None:
    for _ in range(readings):
        monitor.observe(face_mean)
    monitor.face_done()


def warnings_of(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records
            if r.name == "kiosk.vision.light" and r.levelno == logging.WARNING]


def test_one_dark_visitor_is_not_a_dark_camera(caplog: pytest.LogCaptureFixture) -> None:
    monitor = LightMonitor()
    visit(monitor, 120)
    visit(monitor, 30)  # a hood, a face turned from the lamp
    visit(monitor, 110)
    assert monitor.problem == "" and monitor.face_mean == 110
    assert not warnings_of(caplog)


def test_two_dark_visits_of_three_warn_once_and_lit_again_clears(
        caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="kiosk.vision.light")
    monitor = LightMonitor()
    visit(monitor, 20)
    assert monitor.problem == ""
    visit(monitor, 110)
    visit(monitor, 17)
    assert monitor.problem == DARK and monitor.face_mean == 17
    told = warnings_of(caplog)
    assert len(told) == 1
    assert "too dark in 2 of the last 3 visits (face mean 17/255" in told[0]
    assert "raise the camera's exposure or gain" in told[0]
    visit(monitor, 25)  # still dark: no second WARNING
    assert monitor.problem == DARK and len(warnings_of(caplog)) == 1
    visit(monitor, 100)
    assert monitor.problem == DARK  # one lit visit is not enough
    visit(monitor, 95)
    assert monitor.problem == ""
    assert any("lit again" in r.getMessage() for r in caplog.records)


def test_the_panels_figure_is_the_one_the_warning_logged(
        caplog: pytest.LogCaptureFixture) -> None:
    # black box: one lit visitor after the warning (not enough to clear it) made the
    # Camera tile say "Faces too dark (111 of 255)" while the log's WARNING said 49
    monitor = LightMonitor()
    visit(monitor, 20)
    visit(monitor, 49)
    [told] = warnings_of(caplog)
    assert "(face mean 49/255" in told and monitor.face_mean == 49
    visit(monitor, 111)
    assert monitor.problem == DARK and monitor.face_mean == 49  # old code: 111
    visit(monitor, 30)  # dark again: no new WARNING, so the figure stays the logged one
    assert monitor.problem == DARK and monitor.face_mean == 49
    assert len(warnings_of(caplog)) == 1
    visit(monitor, 100)
    visit(monitor, 105)
    assert monitor.problem == "" and monitor.face_mean == 105  # lit again: the last visit


def test_a_lost_camera_forgets_the_light_until_new_visits_say_it_again(
        caplog: pytest.LogCaptureFixture) -> None:
    # black box: the Camera tile kept "too dark" for a camera that had disappeared; the
    # vision thread now forgets the light when the camera is lost (`camera_lost`)
    caplog.set_level(logging.INFO, logger="kiosk.vision.light")
    rig = Rig()
    try:
        rig.image = np.clip(TEXTURED.astype(np.float32) * 0.1, 0, 255).round().astype(
            np.uint8)
        for _ in range(2):
            rig.step(1.0, [CENTRE])
            rig.step(4.0, [])
        assert rig.pipeline.light.problem == DARK
        rig.pipeline.camera_lost()
        assert rig.pipeline.light.problem == "" and rig.pipeline.light.face_mean is None
        assert "light forgotten (was too dark)" in caplog.text
        rig.step(1.0, [CENTRE])  # the camera is back, still dark: one visit is not enough
        rig.step(4.0, [])
        assert rig.pipeline.light.problem == ""
        rig.step(1.0, [CENTRE])
        rig.step(4.0, [])
        assert rig.pipeline.light.problem == DARK and len(warnings_of(caplog)) == 2
    finally:
        rig.pipeline.close()


def test_too_bright_and_short_visits() -> None:
    monitor = LightMonitor()
    visit(monitor, 240)
    visit(monitor, 20, readings=2)  # too few readings: says nothing of the light
    visit(monitor, 235)
    assert monitor.problem == BRIGHT
    visit(monitor, 0)  # not measured (too small to measure): ignored
    assert monitor.problem == BRIGHT and monitor.face_mean == 235


def test_the_pipeline_judges_its_visits_faces() -> None:
    # Round 20's dark camera (frame mean 17): its faces were read, brightened, and
    # nothing told the operator the light was the cause of the misreadings.
    rig = Rig()
    try:
        rig.image = np.clip(TEXTURED.astype(np.float32) * 0.1, 0, 255).round().astype(
            np.uint8)
        for _ in range(2):
            assert not rig.step(1.0, [CENTRE]).uncertain  # read (brightened)
            rig.step(4.0, [])  # gone past the visit's grace (3 s): the visit ends
        assert rig.pipeline.light.problem == DARK
        assert rig.pipeline.light.face_mean is not None and rig.pipeline.light.face_mean < 20
        rig.image = TEXTURED  # lit
        for _ in range(2):
            rig.step(1.0, [CENTRE])
            rig.step(4.0, [])
        assert rig.pipeline.light.problem == ""
    finally:
        rig.pipeline.close()


def test_people_taking_turns_without_a_gap_are_judged_too() -> None:
    # a busy store: the pipeline's visit never ends, each person replaces the last
    rig = Rig()
    try:
        dark = np.clip(TEXTURED.astype(np.float32) * 0.1, 0, 255).round().astype(np.uint8)
        other = np.clip(np.random.default_rng(9).integers(0, 256, TEXTURED.shape)
                        * 0.1, 0, 255).astype(np.uint8)
        visits = set()
        for image in (dark, other, dark, other):
            rig.image = image
            visits.add(rig.step(1.0, [CENTRE]).visit_id)
        assert len(visits) == 1  # one vision visit all along
        assert rig.pipeline.light.problem == DARK
    finally:
        rig.pipeline.close()


def test_a_long_visit_is_judged_while_it_lasts() -> None:
    from kiosk.vision.light import MAX_READINGS

    monitor = LightMonitor()
    for _ in range(2 * MAX_READINGS):
        monitor.observe(20)
    assert monitor.problem == DARK
