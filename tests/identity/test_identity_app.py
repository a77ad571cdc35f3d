"""The real app with identity on (issue 18), against a face collection on 127.0.0.1:
real models, a camera video of a real face, real taps on the consent card and the
"Forget me" bar. After Forget me, the face leaves the collection and nothing uses the
forgotten user id again: not the pages asked for after it, not the likes, not the
event queue."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from kiosk.app import Kiosk
from kiosk.tools.face_video import Segment, write_face_video

from .conftest import identity_app
from .fake_rekognition import FakeCollection

pytestmark = [pytest.mark.faces, pytest.mark.slow, pytest.mark.timeout(300)]

HAPPY = "images/Sanjay_Gupta_0001.jpg"  # read as HAPPY by the shipped models


@pytest.fixture
def kiosk(qtbot: QtBot, tmp_path: Path, faces_dir: Path,
          collection: FakeCollection) -> Iterator[Kiosk]:
    # one visitor who stays: a short clip of one face, looped
    video = write_face_video(tmp_path / "visitor.avi", faces_dir, [Segment("happy", 6.0)],
                             chosen={"happy": faces_dir / HAPPY})
    with identity_app(qtbot, tmp_path, video, collection) as app:
        yield app


def queue_text(kiosk: Kiosk) -> str:
    """Everything the event queue holds, as text (to look for an id anywhere)."""
    with sqlite3.connect(str(kiosk.settings.events_db)) as conn:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master "
                                             "WHERE type = 'table'")]
        rows = [repr(row) for t in tables for row in conn.execute(f"SELECT * FROM {t}")]
    return "\n".join(rows)


def click(qtbot: QtBot, widget: Any) -> None:
    assert widget.isVisible(), widget.objectName()
    qtbot.waitUntil(widget.isEnabled, timeout=5000)  # a fresh card's Like: ui.like_guard_s
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def test_forget_me_deletes_the_face_and_the_id_is_never_used_again(
    kiosk: Kiosk, qtbot: QtBot, collection: FakeCollection
) -> None:
    controller, flow = kiosk.controller, kiosk.consent_flow
    assert flow is not None
    overlay: Any = flow.prompt
    qtbot.waitUntil(lambda: controller.page is not None, timeout=60000)
    qtbot.waitUntil(lambda: overlay.mode() == "ask", timeout=20000)
    qtbot.wait(400)  # the touch guard ignores taps on a card that just appeared
    click(qtbot, overlay.yes_button)
    qtbot.waitUntil(lambda: overlay.mode() == "offer", timeout=20000)
    user_id = controller.user_id
    assert user_id and list(collection.faces.values()) == [user_id]
    assert collection.calls[:2] == ["SearchFacesByImage", "IndexFaces"]

    # the page re-ranked with the user id arrives; like its first card
    qtbot.waitUntil(lambda: controller._in_flight is None and not controller._again,
                    timeout=20000)
    qtbot.wait(400)
    card = kiosk.window.main.grid.cards()[0]
    click(qtbot, card.like_button)
    qtbot.waitUntil(lambda: card.like_state() == "confirmed", timeout=20000)

    click(qtbot, overlay.forget_button)
    qtbot.waitUntil(lambda: overlay.mode() == "confirm", timeout=5000)
    qtbot.wait(400)
    click(qtbot, overlay.delete_button)
    qtbot.waitUntil(lambda: overlay.mode() == "forgotten", timeout=20000)
    assert collection.faces == {}  # DeleteFaces went out and the face is gone
    assert controller.user_id is None
    assert "forgotten" in overlay.title.text() or "deleted" in overlay.title.text()

    # Pages and likes after the tap never carry the id; the queue no longer holds it.
    calls_before = len(collection.calls)
    controller.on_next()
    qtbot.waitUntil(lambda: controller._in_flight is None, timeout=20000)
    qtbot.wait(400)
    new_card = kiosk.window.main.grid.cards()[0]
    click(qtbot, new_card.like_button)
    qtbot.waitUntil(lambda: new_card.like_state() == "confirmed", timeout=20000)
    qtbot.waitUntil(lambda: user_id not in queue_text(kiosk), timeout=20000)
    assert flow.usable_user_id(user_id) is None
    assert len(collection.calls) == calls_before  # no further collection call
