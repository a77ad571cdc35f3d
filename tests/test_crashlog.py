"""The run record counts restarts after failures and unclean exits across processes;
a start after a clean shutdown is not a restart."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk import crashlog
from kiosk.crashlog import CrashLog
from kiosk.testing import FakeClock

EPOCH = 1_800_000_000.0  # wall-clock seconds the fake clock starts at


def test_first_start_counts_nothing(tmp_path: Path) -> None:
    info = CrashLog(tmp_path, FakeClock(EPOCH)).record_start()
    assert (info.restarts_last_hour, info.unclean_exits_last_hour) == (0, 0)
    assert not info.crash_loop
    assert (tmp_path / crashlog.FILE_NAME).is_file()


def test_starts_after_clean_shutdowns_are_neither_restarts_nor_crashes(tmp_path: Path
                                                                        ) -> None:
    clock = FakeClock(EPOCH)
    for code in (0, 3, 0):  # SIGTERM / Exit (0) and the admin panel's Restart (3)
        run = CrashLog(tmp_path, clock)
        run.record_start()
        clock.now += 60
        run.mark_clean_exit(code)
    info = CrashLog(tmp_path, clock).record_start()
    assert (info.restarts_last_hour, info.unclean_exits_last_hour) == (0, 0)
    assert not info.after_unclean
    runs = json.loads((tmp_path / crashlog.FILE_NAME).read_text())["runs"]
    assert [r["clean"] for r in runs] == [True, True, True, None]
    assert [r.get("code") for r in runs[:3]] == [0, 3, 0]


def test_only_the_start_after_an_unclean_end_is_a_restart(tmp_path: Path) -> None:
    clock = FakeClock(EPOCH)
    clean = CrashLog(tmp_path, clock)
    clean.record_start()
    clean.mark_clean_exit()
    clock.now += 60
    CrashLog(tmp_path, clock).record_start()  # killed: never marked
    clock.now += 60
    after_crash = CrashLog(tmp_path, clock)
    info = after_crash.record_start()
    assert (info.restarts_last_hour, info.unclean_exits_last_hour) == (1, 1)
    assert info.after_unclean
    after_crash.mark_clean_exit()
    clock.now += 60
    info = CrashLog(tmp_path, clock).record_start()
    assert (info.restarts_last_hour, info.unclean_exits_last_hour) == (1, 1)  # still that one
    assert not info.after_unclean


def test_unmarked_runs_are_unclean_exits(tmp_path: Path, caplog: pytest.LogCaptureFixture
                                         ) -> None:
    clock = FakeClock(EPOCH)
    for _ in range(2):
        CrashLog(tmp_path, clock).record_start()  # never marked clean: it "crashed"
        clock.now += 30
    with caplog.at_level(logging.WARNING, "kiosk.crashlog"):
        info = CrashLog(tmp_path, clock).record_start()
    assert info.restarts_last_hour == 2
    # the first was noticed by the second start, the second by this one
    assert info.unclean_exits_last_hour == 2
    assert info.last_unclean_start == clock.now - 30
    assert "without an orderly shutdown" in caplog.text
    assert not info.crash_loop


def test_crash_loop_is_logged_as_an_error(tmp_path: Path, caplog: pytest.LogCaptureFixture
                                          ) -> None:
    clock = FakeClock(EPOCH)
    for _ in range(crashlog.LOOP_THRESHOLD):
        CrashLog(tmp_path, clock).record_start()
        clock.now += 20
    with caplog.at_level(logging.INFO, "kiosk.crashlog"):
        info = CrashLog(tmp_path, clock).record_start()
    assert info.crash_loop
    assert info.summary().startswith("CRASH LOOP")
    assert info.as_status() == {"restarts_last_hour": 3, "unclean_exits_last_hour": 3,
                                "crash_loop": True}
    errors = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert errors and "crash loop" in errors[0].getMessage()


def test_old_runs_leave_the_window_and_the_file(tmp_path: Path) -> None:
    clock = FakeClock(EPOCH)
    CrashLog(tmp_path, clock).record_start()  # unclean, long ago
    clock.now += 10
    CrashLog(tmp_path, clock).record_start()  # notices it now
    clock.now += 2 * crashlog.WINDOW_S
    info = CrashLog(tmp_path, clock).record_start()
    assert info.restarts_last_hour == 1  # this start, after the second run died
    assert info.unclean_exits_last_hour == 1  # the second run, noticed just now
    assert info.unclean_exits_total == 2
    clock.now += crashlog.KEEP_S + 1
    CrashLog(tmp_path, clock).record_start()
    runs = json.loads((tmp_path / crashlog.FILE_NAME).read_text())["runs"]
    assert len(runs) == 1  # everything older than KEEP_S was dropped


def test_a_long_run_that_crashes_counts_when_noticed(tmp_path: Path) -> None:
    clock = FakeClock(EPOCH)
    CrashLog(tmp_path, clock).record_start()
    clock.now += 3 * 24 * 3600  # ran for three days, then died
    info = CrashLog(tmp_path, clock).record_start()
    assert (info.restarts_last_hour, info.unclean_exits_last_hour) == (1, 1)


def test_corrupt_or_unwritable_record_never_stops_the_kiosk(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (tmp_path / crashlog.FILE_NAME).write_text("{not json")
    with caplog.at_level(logging.WARNING, "kiosk.crashlog"):
        info = CrashLog(tmp_path, FakeClock(EPOCH)).record_start()
    assert info.unclean_exits_last_hour == 0
    assert "unreadable" in caplog.text
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with caplog.at_level(logging.WARNING, "kiosk.crashlog"):
        run = CrashLog(blocker / "sub", FakeClock(EPOCH))  # parent is a file: cannot be created
        assert run.record_start().restarts_last_hour == 0
        run.mark_clean_exit()
    assert "cannot write the run record" in caplog.text


def test_mark_clean_exit_without_start_is_a_no_op(tmp_path: Path) -> None:
    crashlog.mark_clean_exit()
    CrashLog(tmp_path).mark_clean_exit()
    assert not (tmp_path / crashlog.FILE_NAME).exists()


CHILD = """
import os, sys
from kiosk import crashlog
info = crashlog.record_start(sys.argv[1])
print(info.restarts_last_hour, info.unclean_exits_last_hour, flush=True)
if sys.argv[2] == "clean":
    crashlog.mark_clean_exit()
else:
    os._exit(3)  # dies without an orderly shutdown, like a hard crash
"""


def test_across_real_processes(tmp_path: Path) -> None:
    def start(how: str) -> str:
        done = subprocess.run([sys.executable, "-c", CHILD, str(tmp_path), how],
                              capture_output=True, text=True, timeout=60,
                              cwd=Path(__file__).resolve().parents[1])
        assert done.returncode == (0 if how == "clean" else 3), done.stderr
        return done.stdout.strip()

    assert start("crash") == "0 0"
    assert start("crash") == "1 1"
    assert start("clean") == "2 2"
    assert start("clean") == "2 2"  # the start after a clean exit is not a restart
    assert start("clean") == "2 2"


KILLED = """
import sys
from kiosk import crashlog
crashlog.record_start(sys.argv[1])
print("started", flush=True)
sys.stdin.readline()  # waits for the SIGKILL
crashlog.mark_clean_exit()
"""


def test_a_kill_9_leaves_no_clean_mark(tmp_path: Path) -> None:
    import signal

    with subprocess.Popen([sys.executable, "-c", KILLED, str(tmp_path)],
                          stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                          cwd=Path(__file__).resolve().parents[1]) as proc:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "started"
        proc.send_signal(signal.SIGKILL)
        assert proc.wait(timeout=30) == -signal.SIGKILL
    runs = json.loads((tmp_path / crashlog.FILE_NAME).read_text())["runs"]
    assert [r["clean"] for r in runs] == [None]
    info = CrashLog(tmp_path).record_start()
    assert (info.restarts_last_hour, info.unclean_exits_last_hour) == (1, 1)
    assert not list(tmp_path.glob(".runs-*"))  # no temporary file left behind
