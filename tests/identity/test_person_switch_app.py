"""The real app with identity on (issue 18's person switch), black-box: real models, a
camera video of two real people who take turns in front of the kiosk with no empty
frame between them (`kiosk.tools.face_video`), real taps, a face collection on
127.0.0.1. Whoever consents and is enrolled, the next person inherits nothing: their
likes never carry the first person's user id, they are asked for consent anew, and
they are never offered "Forget me" for the first person's face."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from pytestqt.exceptions import TimeoutError as WaitTimeout
from pytestqt.qtbot import QtBot

from kiosk.app import Kiosk
from kiosk.tools.face_video import Segment, write_face_video

from .conftest import identity_app
from .fake_rekognition import FakeCollection

pytestmark = [pytest.mark.faces, pytest.mark.slow, pytest.mark.timeout(420)]

PERSON_A = "images/Sanjay_Gupta_0001.jpg"  # both read as HAPPY by the shipped models
PERSON_B = "images/Colin_Powell_0006.jpg"
TURN_S = 14.0  # each person's turn; the video loops A, B, A, B, ...


@pytest.fixture
def kiosk(qtbot: QtBot, tmp_path: Path, faces_dir: Path,
          collection: FakeCollection) -> Iterator[Kiosk]:
    # A, then B in A's place with no gap (and A again after B: the video loops)
    video = write_face_video(tmp_path / "switch.avi", faces_dir, [
        Segment("happy", TURN_S, PERSON_A), Segment("happy", TURN_S, PERSON_B),
    ])
    with identity_app(qtbot, tmp_path, video, collection) as app:
        yield app


def click(qtbot: QtBot, kiosk: Kiosk, widget: Any) -> None:
    qtbot.waitUntil(kiosk.window.touch_guard.settled, timeout=5000)
    assert widget.isVisible(), widget.objectName()
    qtbot.waitUntil(widget.isEnabled, timeout=5000)  # a fresh card's Like: ui.like_guard_s
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def like_rows(kiosk: Kiosk, item_id: str, since: float) -> list[tuple[str | None, str]]:
    """(user_id, body) of the queued events for `item_id` created after `since`."""
    with sqlite3.connect(str(kiosk.settings.events_db)) as conn:
        rows = conn.execute("SELECT user_id, body FROM records WHERE kind = 'event' "
                            "AND created_at > ? AND instr(body, ?) > 0", (since, item_id))
        return [(r[0], r[1]) for r in rows]


def enrol_whoever_is_asked(kiosk: Kiosk, qtbot: QtBot) -> str:
    """Say Yes to the consent card until a lookup enrols the person in front (a turn
    may end between the question and the answer: the next person is asked then)."""
    controller, flow = kiosk.controller, kiosk.consent_flow
    assert flow is not None
    overlay: Any = flow.prompt
    for _ in range(4):
        qtbot.waitUntil(lambda: overlay.mode() == "ask", timeout=90000)
        click(qtbot, kiosk, overlay.yes_button)
        try:
            qtbot.waitUntil(lambda: controller.user_id is not None, timeout=8000)
        except WaitTimeout:
            continue
        user_id = controller.user_id
        assert user_id is not None
        return user_id
    raise AssertionError("nobody could be enrolled in four tries")


def test_the_next_person_inherits_no_identity(
    kiosk: Kiosk, qtbot: QtBot, collection: FakeCollection
) -> None:
    controller, flow = kiosk.controller, kiosk.consent_flow
    assert flow is not None
    overlay: Any = flow.prompt
    qtbot.waitUntil(lambda: controller.page is not None, timeout=90000)

    user_id = enrol_whoever_is_asked(kiosk, qtbot)
    assert list(collection.faces.values()) == [user_id]
    qtbot.waitUntil(lambda: overlay.mode() == "offer", timeout=10000)
    assert overlay.forget_button.isVisible()  # the enrolled person may forget themselves

    # The other person takes the place, no empty frame between: the identity ends.
    qtbot.waitUntil(lambda: controller.user_id is None, timeout=int(TURN_S * 1000) + 10000)
    switched_at = time.time()
    assert kiosk.vision is not None and kiosk.vision.pipeline is not None
    assert kiosk.vision.pipeline.switches >= 1  # vision saw another person, not an absence
    assert overlay.mode() != "offer" and not overlay.forget_button.isVisible()
    assert flow.usable_user_id(user_id) == user_id  # not forgotten: just not theirs

    # The newcomer is asked anew (after their own page) and never offered Forget me.
    qtbot.waitUntil(lambda: overlay.mode() == "ask", timeout=30000)
    assert not overlay.forget_button.isVisible()
    assert controller.user_id is None

    # Their like goes out without the first person's id.
    qtbot.waitUntil(lambda: controller.page is not None and controller._in_flight is None,
                    timeout=30000)
    card = kiosk.window.main.grid.cards()[0]
    item_id = card.item_id
    click(qtbot, kiosk, card.like_button)
    qtbot.waitUntil(lambda: card.like_state() == "confirmed", timeout=20000)
    rows = like_rows(kiosk, item_id, switched_at)
    assert rows, "the newcomer's like was not queued"
    for row_user, body in rows:
        assert row_user != user_id and user_id not in body
    # the collection still holds only the first person's face: nothing was deleted
    assert list(collection.faces.values()) == [user_id]
    assert "DeleteFaces" not in collection.calls
