"""Child process of test_app_faults.py: the real kiosk (window, controller, both workers,
event queue, uploader wiring) on the offscreen platform, driven through its widgets:
pick a mood, tap Like on the first card, report what the card shows.

    python app_child.py DATA_DIR CATALOG_DIR exit   # like, then quit cleanly
    python app_child.py DATA_DIR CATALOG_DIR wait   # like, then wait to be killed

Prints, one per line: `PAGE`, `PENDING <item>` once the tap shows "Saving…",
`LIKED <item>` once the card says "Liked", `FAILED <item>` if it reverts, `PROBLEM
<text>` with the back end's operator message, `EXITED <code>`.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from kiosk.app import Kiosk
from kiosk.config import load_settings
from kiosk.logs import close_logging, setup_logging


def main(argv: list[str]) -> int:
    data_dir, catalog_dir, mode = argv[0], argv[1], argv[2]
    settings = load_settings(env={}, overrides={
        "app.data_dir": data_dir, "app.log_dir": str(Path(data_dir) / "log"),
        "recommend.catalog_dir": catalog_dir,
        "camera.source": "",  # no camera (NONE): the mood picker
    })
    setup_logging(settings.log_dir, "INFO", to_stderr=False)
    app = QApplication(sys.argv[:1])
    kiosk = Kiosk(settings)
    kiosk.start()
    seen: dict[str, str] = {}

    def say(line: str) -> None:
        print(line, flush=True)

    def step() -> None:
        controller = kiosk.controller
        if "picked" not in seen:
            controller.on_mood_picked("happy")
            seen["picked"] = "yes"
            return
        if controller.page is None:
            return
        card = kiosk.window.main.grid.cards()[0]
        if "page" not in seen:
            if not card.likes_open():
                return  # a freshly drawn card's Like opens after ui.like_guard_s
            seen["page"] = "yes"
            say("PAGE")
            card.like_button.click()
        state = card.like_state()
        if state == seen.get("state"):
            return
        seen["state"] = state
        if state == "pending":
            say(f"PENDING {card.item_id} {card.like_button.text()}")
        elif state == "confirmed":
            say(f"LIKED {card.item_id} {card.like_button.text()}")
            if kiosk.backend.open_error:
                say(f"PROBLEM {kiosk.backend.open_error}")
            if mode == "exit":
                app.quit()
        elif state == "idle" and "page" in seen:
            say(f"FAILED {card.item_id}")
            if mode == "exit":
                app.quit()

    timer = QTimer()
    timer.timeout.connect(step)
    timer.start(20)
    code = app.exec()
    timer.stop()
    failed = kiosk.shutdown()
    kiosk.window.close()
    say(f"EXITED {code} {','.join(failed)}")
    close_logging()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
