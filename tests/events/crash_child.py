"""Child process of test_crash.py: records likes while the uploader drains them into the
fake endpoint, and prints each event id once `record_like` has returned (committed).

    python crash_child.py DB URL record COUNT   # record COUNT likes, then flush and wait
    python crash_child.py DB URL drain          # flush what is queued, print DRAINED, exit

The parent kills it with SIGKILL at random points; a restart must lose nothing.
"""

from __future__ import annotations

import sys
import time
import uuid

from kiosk.config import AwsSettings
from kiosk.domain import Emotion, Like
from kiosk.events.queue import EventQueue
from kiosk.events.records import Targets
from kiosk.events.uploader import Uploader


def main(argv: list[str]) -> int:
    db, url, mode = argv[0], argv[1], argv[2]
    queue = EventQueue(db)
    aws = AwsSettings(region="us-east-1", endpoint_personalize_events=url,
                      connect_timeout_s=1.0, read_timeout_s=1.0)
    uploader = Uploader(queue, Targets(tracking_id="crash-tracker"), aws=aws,
                        base_backoff_s=0.01, max_backoff_s=0.1, offline_retry_s=0.05,
                        max_requests_per_s=1000.0)
    uploader.start()
    print("READY", flush=True)
    if mode == "record":
        visit = str(uuid.uuid4())
        for n in range(int(argv[3])):
            if n % 7 == 0:
                visit = str(uuid.uuid4())
            like = Like(str(uuid.uuid4()), time.time(), visit, f"emotions/happy/{n}.jpg",
                        Emotion.HAPPY)
            queue.record_like(like)
            print(like.event_id, flush=True)
    drained = uploader.flush(timeout=30.0)
    print(f"DRAINED {drained}", flush=True)
    if mode == "record":
        sys.stdin.read()  # stay up until the parent kills us or closes stdin
    uploader.stop()
    queue.close()
    return 0 if drained else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
