"""kiosk.events after the split of the queue by job: the public names import from the
package and from kiosk.events.queue as before, and importing the queue does not load
botocore (the uploader comes on first use)."""

from __future__ import annotations

import subprocess
import sys

import kiosk.events as events
import kiosk.events.queue as queue_module
from kiosk.events.uploader import Uploader


def test_public_names_import_from_the_package_and_the_queue_module() -> None:
    for name in ("EventQueue", "Batch", "QueuedRow", "QueueCounts", "CORRUPT_ROW"):
        assert getattr(events, name) is getattr(queue_module, name)
    assert events.Uploader is Uploader
    assert set(events.__all__) >= {"EventQueue", "Uploader", "QueueReadOnlyError"}


def test_recording_likes_does_not_load_botocore() -> None:
    code = ("import sys, kiosk.events; from kiosk.events import EventQueue; "
            "print('botocore' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "False"
