"""Child of test_disk_faults.py, run in its own mount namespace where FOLDER is a small
tmpfs (tests/events/tmpfs.py). Prints one JSON object with what it saw.

    python fs_child.py FOLDER readonly clean|crashed|wal-only
        25 likes and a user queued, the file left as a clean exit, a crash (-wal and
        -shm) or a -wal without -shm leaves it; the folder remounted read-only; then
        the queue opened and uploaded to a local endpoint, a like tried; then the
        folder made writable again and the queue opened and uploaded once more.
    python fs_child.py FOLDER write N
        (internal) queue N likes in FOLDER and end without closing (a crash).
"""

from __future__ import annotations

import json
import os
import sys
import time
import uuid
from pathlib import Path
from typing import Any

from kiosk.config import AwsSettings
from kiosk.domain import Emotion, Like
from kiosk.events.errors import QueueReadOnlyError
from kiosk.events.queue import EventQueue
from kiosk.events.records import Targets
from kiosk.events.testing import FakePersonalizeEvents
from kiosk.events.uploader import Uploader
from tests.events.tmpfs import remount

USERS_ARN = "arn:aws:personalize:us-east-1:123456789012:dataset/kiosk/USERS"


def _like(n: int) -> Like:
    return Like(str(uuid.uuid4()), time.time(), f"visit-{n % 3}", f"emotions/happy/{n}.jpg",
                Emotion.HAPPY)


def write(db: Path, count: int, close: bool = True) -> list[str]:
    queue = EventQueue(db)
    ids = []
    for n in range(count):
        like = _like(n)
        queue.record_like(like)
        ids.append(like.event_id)
    queue.record_user("user-1", Emotion.HAPPY)
    if close:  # the last connection checkpoints and removes -wal and -shm
        queue.close()
    return ids


def upload(queue: EventQueue, endpoint: FakePersonalizeEvents) -> dict[str, Any]:
    aws = AwsSettings(region="us-east-1", endpoint_personalize_events=endpoint.url,
                      connect_timeout_s=2.0, read_timeout_s=2.0)
    uploader = Uploader(queue, Targets("fs-tracker", dataset_arn_users=USERS_ARN), aws=aws,
                        base_backoff_s=0.01, max_backoff_s=0.1, max_requests_per_s=1000.0)
    uploader.start()
    try:
        first = uploader.flush(30.0)
        calls = len(endpoint.calls())
        second = uploader.flush(30.0)
        return {"flushed": first and second, "calls": calls,
                "calls_after_second_flush": len(endpoint.calls()),
                "status": uploader.status().to_dict()}
    finally:
        uploader.stop()


def readonly(folder: Path, state: str) -> dict[str, Any]:
    db = folder / "events.sqlite3"
    if state == "clean":
        recorded = write(db, 25)
    else:
        import subprocess

        out = subprocess.run([sys.executable, __file__, str(folder), "write", "25"],
                             capture_output=True, text=True, check=True)
        recorded = json.loads(out.stdout)
        if state == "wal-only":
            (folder / "events.sqlite3-shm").unlink()
    files = sorted(p.name for p in folder.iterdir())
    remount(folder, "ro")
    result: dict[str, Any] = {"recorded": recorded, "files": files}
    with FakePersonalizeEvents() as endpoint:
        queue = EventQueue(db, recover=True)
        try:
            result["read_only"] = queue.read_only
            result["status"] = queue.status()
            try:
                queue.record_like(_like(99))
                result["like"] = "saved"
            except QueueReadOnlyError as exc:
                result["like"] = f"refused: {exc}"
            result["upload"] = upload(queue, endpoint)
            result["counts"] = queue.refresh_counts().pending_total
        finally:
            queue.close()
        result["sent"] = endpoint.event_ids()
        result["users"] = sum(len(c.body.get("users", [])) for c in endpoint.calls()
                              if c.operation == "PutUsers")
        result["files_after"] = sorted(p.name for p in folder.iterdir())
    remount(folder, "rw")  # writable again: the acks of this run were not written
    with FakePersonalizeEvents() as endpoint:
        queue = EventQueue(db, recover=True)
        try:
            result["again_read_only"] = queue.read_only
            result["again_pending"] = queue.refresh_counts().pending_total
            result["again_upload"] = upload(queue, endpoint)
            result["again_left"] = queue.refresh_counts().pending_total
        finally:
            queue.close()
        result["again_sent"] = endpoint.event_ids()
    return result


def main(argv: list[str]) -> int:
    folder, mode = Path(argv[0]), argv[1]
    if mode == "write":
        print(json.dumps(write(folder / "events.sqlite3", int(argv[2]), close=False)),
              flush=True)
        os._exit(0)  # no close: the -wal and -shm stay as a crash leaves them
    if mode == "readonly":
        print(json.dumps(readonly(folder, argv[2]), default=str), flush=True)
        return 0
    raise SystemExit(f"unknown mode {mode!r}")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
