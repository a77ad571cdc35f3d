"""`kiosk --self-test | head -2`: every path of the `kiosk` command that prints ends
quietly with 141 (128 + SIGPIPE) when its reader went away, never a BrokenPipeError
traceback (as kiosk-admin, tests/test_admin_broken_pipe.py)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.pipes import BROKEN_PIPE_EXIT

REPO = Path(__file__).resolve().parents[1]


def run_kiosk_into_a_closed_pipe(tmp_path: Path, *args: str
                                 ) -> subprocess.CompletedProcess[bytes]:
    """`python -m kiosk ARGS` with stdout a pipe whose reader is already gone (as after
    `head` has read its lines), so the first write fails: no race with the reader."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    env = {**os.environ, "PYTHONPATH": str(REPO), "KIOSK_CONFIG": os.devnull,
           "HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path / "config"),
           "XDG_DATA_HOME": str(tmp_path / "data"), "XDG_STATE_HOME": str(tmp_path / "state"),
           "XDG_CACHE_HOME": str(tmp_path / "cache"), "QT_QPA_PLATFORM": "offscreen"}
    try:
        return subprocess.run([sys.executable, "-m", "kiosk", *args], stdout=write_end,
                              stderr=subprocess.PIPE, env=env, timeout=120, check=False)
    finally:
        os.close(write_end)


@pytest.mark.parametrize("args", [["--self-test"], ["--print-config"]])
def test_a_reader_that_went_away_ends_the_kiosk_command_quietly(tmp_path: Path,
                                                                args: list[str]) -> None:
    done = run_kiosk_into_a_closed_pipe(
        tmp_path, *args, "--data-dir", str(tmp_path / "kiosk-data"),
        "--set", f"app.log_dir={tmp_path / 'logs'}")
    assert done.stderr.decode() == ""
    assert done.returncode == BROKEN_PIPE_EXIT
