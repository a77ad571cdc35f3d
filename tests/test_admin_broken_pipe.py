"""`kiosk-admin … | head`: when the reader goes away the command ends quietly with 141
(128 + SIGPIPE), never a BrokenPipeError traceback."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kiosk.analytics import AnalyticsStore, BucketStats
from kiosk.pipes import BROKEN_PIPE_EXIT

REPO = Path(__file__).resolve().parents[1]


def run_into_a_closed_pipe(*args: str) -> subprocess.CompletedProcess[bytes]:
    """Run kiosk-admin with stdout a pipe whose reader is already gone (as after `head`
    has read its lines), so the first write fails: no race with the reader."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        env = {**os.environ, "PYTHONPATH": str(REPO), "KIOSK_CONFIG": os.devnull}
        return subprocess.run([sys.executable, "-m", "kiosk.admin", *args], stdout=write_end,
                              stderr=subprocess.PIPE, env=env, timeout=120, check=False)
    finally:
        os.close(write_end)


@pytest.mark.parametrize("command", [["report", "--since", "2h"],
                                     ["report", "--json", "--since", "2h"]])
def test_a_reader_that_went_away_ends_the_command_quietly(tmp_path: Path,
                                                           command: list[str]) -> None:
    store = AnalyticsStore(tmp_path / "analytics.sqlite3", k=5)
    for i in range(200):
        store.write(BucketStats(time.time() - 300 * (i + 1), 300, pages=1), None)
    store.close()
    done = run_into_a_closed_pipe(*command, "--data-dir", str(tmp_path))
    assert done.stderr.decode() == ""
    assert done.returncode == BROKEN_PIPE_EXIT
