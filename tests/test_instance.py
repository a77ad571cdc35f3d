"""One kiosk per data folder (`kiosk.instance`): a second start is refused, not judged."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk import crashlog, instance
from kiosk.__main__ import main

REPO = Path(__file__).resolve().parents[1]

# a live kiosk as far as the data folder can tell: the lock, then its run in runs.json
HOLDER = """
import sys
from kiosk import crashlog, instance
held = instance.take(sys.argv[1])
crashlog.record_start(sys.argv[1])
print("started", flush=True)
sys.stdin.readline()  # until the test lets it end
crashlog.mark_clean_exit()
"""


def test_a_second_kiosk_on_the_data_folder_exits_and_does_not_judge_the_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import kiosk.app
    from kiosk.config import Settings

    data = tmp_path / "d"
    argv = ["--data-dir", str(data), "--set", f"app.log_dir={tmp_path / 'log'}",
            "--camera", "", "--windowed", "--quit-after", "0.1"]
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(REPO)}
    with subprocess.Popen([sys.executable, "-c", HOLDER, str(data)], stdin=subprocess.PIPE,
                          stdout=subprocess.PIPE, text=True, cwd=REPO, env=env) as first:
        assert first.stdout is not None and first.stdout.readline().strip() == "started"
        second = subprocess.run([sys.executable, "-m", "kiosk", *argv], capture_output=True,
                                text=True, timeout=60, cwd=REPO, env=env)
        assert second.returncode == instance.ALREADY_RUNNING_EXIT_CODE, second.stderr
        assert (f"not starting: another kiosk (pid {first.pid}) is running on {data}; "
                "stop it (systemctl --user stop kiosk") in second.stderr
        assert "--data-dir" in second.stderr
        assert "without an orderly shutdown" not in second.stderr
        runs = json.loads((data / crashlog.FILE_NAME).read_text())["runs"]
        assert len(runs) == 1  # only the first's run: the second recorded nothing
        assert first.stdin is not None
        first.stdin.write("\n")
        first.stdin.flush()
        assert first.wait(timeout=30) == 0
    # the first ended (its lock went with it): a start on the folder goes ahead,
    # holding the lock while it runs and letting it go after
    held_while_running: list[bool] = []

    def run_app(settings: Settings, quit_after: float | None = None) -> int:
        try:
            instance.take(settings.data_dir).release()
        except instance.AlreadyRunning as exc:
            held_while_running.append(exc.pid == os.getpid())
        return 0

    monkeypatch.setattr(kiosk.app, "run_app", run_app)
    assert main(argv) == 0
    assert held_while_running == [True]
    instance.take(data).release()  # released when main returned
    info = crashlog.CrashLog(data).record_start()
    assert (info.restarts_last_hour, info.unclean_exits_total) == (0, 0)


def test_closing_the_file_releases_the_lock_and_the_pid_is_written(tmp_path: Path) -> None:
    first = instance.take(tmp_path)
    assert first.held
    assert instance.holder_pid(tmp_path / instance.LOCK_NAME) == os.getpid()
    with pytest.raises(instance.AlreadyRunning) as refused:
        instance.take(tmp_path)
    assert refused.value.pid == os.getpid() and refused.value.data_dir == tmp_path
    first.release()
    second = instance.take(tmp_path)  # the stale file (pid still in it) is no obstacle
    assert second.held
    second.release()


def test_a_bounded_wait_takes_the_lock_once_it_is_let_go(tmp_path: Path) -> None:
    first = instance.take(tmp_path)
    now = [0.0]
    naps: list[float] = []

    def sleep(s: float) -> None:
        naps.append(s)
        now[0] += s
        if len(naps) == 3:
            first.release()  # the previous kiosk ends while the new one waits

    second = instance.take(tmp_path, wait_s=15.0, clock=lambda: now[0], sleep=sleep)
    assert second.held and len(naps) == 3
    second.release()
    # and a holder that does not let go is refused after the wait, not waited on for ever
    third = instance.take(tmp_path)
    naps.clear()
    with pytest.raises(instance.AlreadyRunning):
        instance.take(tmp_path, wait_s=1.0, clock=lambda: now[0], sleep=sleep)
    assert 9 <= len(naps) <= 11
    third.release()


def test_without_flock_there_is_no_guard(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(instance, "fcntl", None)
    with caplog.at_level(logging.DEBUG, logger="kiosk.instance"):
        lock = instance.take(tmp_path)
    assert not lock.held and not instance.take(tmp_path).held
    assert any(r.levelno == logging.DEBUG and "not guarding" in r.message
               for r in caplog.records)
