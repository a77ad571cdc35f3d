"""OpenCV's own warnings stay out of the journal: the entry points limit its native
logger to errors before cv2 is imported (`kiosk.logs.quiet_opencv`), and the capture
state machine's log line says what failed and what to do instead."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.logs import OPENCV_LOG_ENV, quiet_opencv

REPO = Path(__file__).resolve().parents[2]
MISSING = next(i for i in range(90, 200) if not Path(f"/dev/video{i}").exists())

OPEN_MISSING_CAMERA = f"""
import sys
{{before}}
from kiosk.camera import CameraError, DeviceSource
try:
    DeviceSource({MISSING}).open()
except CameraError as exc:
    print(exc)
"""


def _run(before: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != OPENCV_LOG_ENV}
    env["PYTHONPATH"] = str(REPO)
    return subprocess.run([sys.executable, "-c", OPEN_MISSING_CAMERA.format(before=before)],
                          capture_output=True, text=True, env=env, timeout=60, cwd=REPO)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="V4L2 device indexes")
@pytest.mark.parametrize("entry", ["kiosk.__main__", "kiosk.admin.cli"])
def test_the_entry_points_keep_opencv_warnings_off_stderr(entry: str) -> None:
    control = _run("")
    if "[ WARN" not in control.stderr:
        pytest.skip("this OpenCV build does not warn about a missing camera")
    # main() quiets OpenCV first thing; --version / --help exit before cv2 is imported
    quiet = _run(f"from {entry} import main\ntry:\n    main(['--version'])\n"
                 "except SystemExit:\n    pass")
    assert quiet.returncode == 0, quiet.stderr
    assert "[ WARN" not in quiet.stderr, quiet.stderr
    # the kiosk's own message says what failed and what to do
    assert f"camera {MISSING} not found" in quiet.stdout and "plugged in" in quiet.stdout


def test_an_operators_level_wins_and_an_imported_cv2_is_set_directly() -> None:
    import cv2

    env: dict[str, str] = {OPENCV_LOG_ENV: "DEBUG"}
    quiet_opencv(env)
    assert env == {OPENCV_LOG_ENV: "DEBUG"}
    before = cv2.utils.logging.getLogLevel()
    try:
        cv2.utils.logging.setLogLevel(cv2.utils.logging.LOG_LEVEL_WARNING)
        env = {}
        quiet_opencv(env)  # cv2 is already imported here: its level is set now
        assert env == {OPENCV_LOG_ENV: "ERROR"}
        assert cv2.utils.logging.getLogLevel() == cv2.utils.logging.LOG_LEVEL_ERROR
    finally:
        cv2.utils.logging.setLogLevel(before)


def test_durations_read_as_seconds_minutes_or_hours() -> None:
    """One formatter for the camera-loss log lines and the fleet's heartbeat ages."""
    from kiosk.logs import duration_text

    assert [duration_text(s) for s in (0, 45.4, 119, 120, 719, 7199, 7200, 12600)] == [
        "0 s", "45 s", "119 s", "2 min", "12 min", "120 min", "2.0 h", "3.5 h"]
