"""Visit lifecycle: start on a primary face, end after the grace, random ids."""

from __future__ import annotations

import re

from kiosk.testing import FakeClock
from kiosk.vision.visits import VisitTracker


def test_visit_starts_with_a_face_and_keeps_its_id() -> None:
    clock = FakeClock()
    visits = VisitTracker(3.0, clock=clock)
    assert visits.update(False).visit_id is None
    first = visits.update(True)
    assert first.started and not first.ended
    assert first.visit_id is not None and re.fullmatch(r"[0-9a-f]{32}", first.visit_id)
    for _ in range(30):
        clock.now += 1 / 15
        step = visits.update(True)
        assert step.visit_id == first.visit_id and not step.started and not step.ended


def test_short_absence_within_grace_keeps_the_visit() -> None:
    clock = FakeClock()
    visits = VisitTracker(3.0, clock=clock)
    visit_id = visits.update(True).visit_id
    for _ in range(40):  # 2.7 s without a face
        clock.now += 1 / 15
        assert not visits.update(False).ended
    clock.now += 0.1
    back = visits.update(True)
    assert back.visit_id == visit_id and not back.started


def test_visit_ends_after_grace_and_a_new_one_gets_a_new_id() -> None:
    clock = FakeClock()
    visits = VisitTracker(3.0, clock=clock)
    visit_id = visits.update(True).visit_id
    clock.now += 2.9
    assert not visits.update(False).ended
    clock.now += 0.1
    end = visits.update(False)
    assert end.ended and end.ended_visit_id == visit_id and end.visit_id is None
    assert not visits.active
    clock.now += 5.0
    assert not visits.update(False).ended  # ends once only
    again = visits.update(True)
    assert again.started and again.visit_id not in (None, visit_id)


def test_return_after_a_long_gap_ends_and_starts_in_one_update() -> None:
    visits = VisitTracker(3.0, clock=FakeClock())
    visit_id = visits.update(True, now=0.0).visit_id
    visits.update(False, now=1.0)  # nobody, still within the grace
    step = visits.update(True, now=4.5)  # next frame: a face, 4.5 s after the last one
    assert step.ended and step.ended_visit_id == visit_id
    assert step.started and step.visit_id not in (None, visit_id)


def test_explicit_timestamps_override_the_clock_and_ids_are_injectable() -> None:
    ids = iter(["a" * 32, "b" * 32])
    visits = VisitTracker(1.0, clock=FakeClock(0.0), new_id=lambda: next(ids))
    assert visits.update(True, now=10.0).visit_id == "a" * 32
    assert visits.started_at == 10.0 and visits.last_seen == 10.0
    assert visits.update(False, now=11.0).ended
    assert visits.update(True, now=12.0).visit_id == "b" * 32
    assert visits.end() == "b" * 32 and visits.visit_id is None


def test_zero_grace_ends_on_the_first_absent_frame() -> None:
    visits = VisitTracker(0.0, clock=FakeClock())
    visits.update(True, now=0.0)
    assert not visits.update(True, now=0.1).ended  # continuous presence
    assert visits.update(False, now=0.2).ended
