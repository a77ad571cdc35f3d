"""Child of test_disk_faults.py: the real kiosk (window, controller, workers, queue,
uploader) on the offscreen platform, on a data folder that is a tmpfs in the child's
own mount namespace (tests/events/tmpfs.py), driven through its widgets.

    python app_disk_child.py DATA CATALOG LOGDIR full
        show a page, tap Like on one card, fill the disk, tap Like on every other card;
        report each card's outcome and the admin panel's view; then quit.
    python app_disk_child.py DATA CATALOG LOGDIR readonly URL
        (DATA already read-only) pick a mood, page with Next, tap Like; upload the
        queue to the endpoint at URL; report; quit.
    python app_disk_child.py DATA CATALOG LOGDIR dump
        print the item ids of the likes in the queue file as JSON.

Report lines: `PAGE <n>`, `LIKED <item>`, `FAILED <item> <toast>`, `STATUS <json>`,
`DRAINED`, `TIMEOUT`, `EXITED <code> <clean-ups that did not finish>`.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import sys
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from kiosk.app import Kiosk
from kiosk.config import load_settings
from kiosk.logs import close_logging, setup_logging

TICK_MS = 20
DEADLINE_MS = 120_000  # report and quit rather than hang the test


def say(line: str) -> None:
    print(line, flush=True)


def fill_disk(folder: Path) -> int:
    """Write a filler file until the disk is full (a real ENOSPC); returns its bytes."""
    written = 0
    with contextlib.suppress(OSError), (folder / "filler.bin").open("wb") as out:
        block = b"\0" * 4096
        while True:
            out.write(block)
            out.flush()
            os.fsync(out.fileno())
            written += len(block)
    return written


def dump(data: Path) -> int:
    with contextlib.closing(sqlite3.connect(data / "events.sqlite3")) as conn:
        bodies = conn.execute("SELECT body FROM records WHERE kind = 'event'").fetchall()
    say(json.dumps(sorted(json.loads(body)["itemId"] for (body,) in bodies)))
    return 0


def main(argv: list[str]) -> int:
    data, catalog, log_dir, mode = Path(argv[0]), argv[1], argv[2], argv[3]
    if mode == "dump":
        return dump(data)
    overrides = {
        "app.data_dir": str(data), "app.log_dir": log_dir,
        "recommend.catalog_dir": catalog,
        "camera.source": "",  # no camera (NONE): the mood picker
    }
    if mode == "readonly":
        overrides |= {"personalize.tracking_id": "disk-tracker",
                      "aws.endpoint_personalize_events": argv[4], "aws.region": "us-east-1"}
    settings = load_settings(env={}, overrides=overrides)
    setup_logging(settings.log_dir, "INFO", to_stderr=False)
    app = QApplication(sys.argv[:1])
    kiosk = Kiosk(settings)
    kiosk.start()
    window = kiosk.window
    state: dict[str, Any] = {"pages": 0, "tapped": [], "done": {}}

    def status() -> dict[str, Any]:
        return kiosk.backend.status().as_dict()

    def finish() -> None:
        say("STATUS " + json.dumps(status(), default=str))
        app.quit()

    def step() -> None:
        controller = kiosk.controller
        if not state.get("picked"):
            controller.on_mood_picked("happy")
            state["picked"] = True
            return
        page = controller.page
        if page is None or not window.touch_guard.settled():
            return
        if state["pages"] == 0 or (state["pages"] == 1 and mode == "readonly"
                                   and state.get("page_key") != (page.visit_id, page.index)):
            if state.get("page_key") == (page.visit_id, page.index):
                return
            state["page_key"] = (page.visit_id, page.index)
            state["pages"] += 1
            say(f"PAGE {state['pages']}")
            if state["pages"] == 1 and mode == "readonly":
                controller.on_next()
                return
        # Only the page's own cards, and only while their Like buttons are open: while a
        # page request is in flight they take no tap (2026-12-01), so a tap then did
        # nothing and the card, still "idle" with no notice, read as a refused like (the
        # full suite failed so twice; alone it never did).
        cards = [c for c in window.main.grid.cards() if c.item_id in page.item_ids]
        if len(cards) < len(page.item_ids):
            return
        if mode == "full" and "filled" not in state and state["done"]:
            state["filled"] = True  # one like saved before the disk is full
            say(f"FILLED {fill_disk(data)}")
        if not all(c.likes_open() for c in cards):
            return  # a page request is in flight: Like takes no tap until its page is drawn
        for card in cards:
            if card.item_id not in state["tapped"] and not any(
                    c.like_state() == "pending" for c in cards):
                state["tapped"].append(card.item_id)
                card.like_button.click()
                return
            outcome = card.like_state()
            if card.item_id in state["tapped"] and card.item_id not in state["done"]:
                if outcome == "confirmed":
                    state["done"][card.item_id] = "LIKED"
                    say(f"LIKED {card.item_id}")
                elif outcome == "idle":
                    state["done"][card.item_id] = "FAILED"
                    say(f"FAILED {card.item_id} {window.toast.text()}")
        if mode == "readonly" and state["done"]:
            # Both, not depth alone: the uploader deletes the sent rows before it
            # sets itself back to "idle", so depth 0 can be read while it still says
            # "sending" (CI on 64d6dd0 did, once).
            now = status()
            if now.get("queue_depth") == 0 and now.get("uploader") == "idle":
                say("DRAINED")
                finish()
        elif len(state["done"]) == len(cards):
            finish()

    def give_up() -> None:
        say("TIMEOUT")
        finish()

    timer = QTimer()
    timer.timeout.connect(step)
    timer.start(TICK_MS)
    QTimer.singleShot(DEADLINE_MS, give_up)
    code = app.exec()
    timer.stop()
    failed = kiosk.shutdown()
    window.close()
    say(f"EXITED {code} {','.join(failed)}")
    close_logging()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
