"""Child process of test_spool_crash.py: likes kept in the spool of a queue another
process holds locked, or the spool queued once the lock is gone, killed (SIGKILL, by
itself) at a chosen step.

    python spool_child.py DB record COUNT   # record COUNT likes (printing each event
                                            # id once `record_like` returned), then wait
    python spool_child.py DB ingest STEP    # open the queue (which queues the spool),
                                            # SIGKILLing itself at STEP: "taken" (the
                                            # spool renamed, nothing committed) or
                                            # "committed" (before the taken file went)
"""

from __future__ import annotations

import os
import signal
import sys
import time
import uuid
from pathlib import Path
from typing import Any

from kiosk.domain import Emotion, Like
from kiosk.events import spool as spool_module
from kiosk.events.queue import EventQueue


def die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def main(argv: list[str]) -> int:
    db, mode = argv[0], argv[1]
    if mode == "record":
        queue = EventQueue(db, busy_timeout_s=0.01, lock_wait_s=0.05)
        print("READY", flush=True)
        for n in range(int(argv[2])):
            like = Like(str(uuid.uuid4()), time.time(), f"visit-{n // 3}",
                        f"emotions/happy/{n}.jpg", Emotion.HAPPY)
            queue.record_like(like)
            print(like.event_id, flush=True)
        sys.stdin.read()  # until the parent kills us
        return 0
    step = argv[2]
    real_take, real_done = spool_module.Spool.take, spool_module.Spool.done

    def take(self: Any) -> list[Path]:
        taken = real_take(self)
        if step == "taken":
            die()
        return taken

    def done(self: Any, taken: Path) -> None:
        if step == "committed":
            die()
        real_done(self, taken)

    spool_module.Spool.take = take  # type: ignore[method-assign]
    spool_module.Spool.done = done  # type: ignore[method-assign]
    EventQueue(db).close()
    print("QUEUED", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
