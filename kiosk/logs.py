"""Logging: a rotating file in the platform log folder plus stderr.

No secrets and no face data are ever logged: settings are logged only through
`config.describe` (redacted), and vision code logs boxes and scores, never pixels.
"""

from __future__ import annotations

import logging
import logging.handlers
import os
import sys
from collections.abc import MutableMapping
from datetime import datetime, tzinfo
from pathlib import Path

from kiosk.config.timezone import store_zone, zone_label

FORMAT = "%(asctime)s %(levelname)-7s %(threadName)s %(name)s: %(message)s"
LOG_FILE = "kiosk.log"
OPENCV_LOG_ENV = "OPENCV_LOG_LEVEL"


def duration_text(seconds: float) -> str:
    """A span for an operator to read: "45 s" below 2 min, "12 min" below 2 h, else
    "3.5 h" (camera losses in the log, heartbeat ages in `kiosk-admin fleet`)."""
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 7200:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


def local_time(epoch: float, zone: tzinfo | None = None) -> str:
    """An instant for a log line (a bucket's start): ISO 8601 in `zone`, to the second,
    with the zone named ("2026-12-02T10:05:00+09:00 (Asia/Seoul)"). The kiosk passes
    the store's zone (`[analytics] timezone`), the one `kiosk-admin fleet status` and
    `report` name their hours in, so a bucket has the same hour in the log and
    centrally; None: the machine's zone (what `[analytics] timezone = ""` means).
    Before, the log used the machine's zone unnamed: on a kiosk set to UTC in a Seoul
    store, "01:05+00:00" in the log was "10:05" centrally."""
    if zone is None:
        zone = store_zone()
    when = datetime.fromtimestamp(epoch, zone).isoformat(timespec="seconds")
    return f"{when} ({zone_label(zone)})"


def log_zone(name: str) -> tzinfo | None:
    """The zone for `local_time` of `[analytics] timezone` (`name`); None (the machine's)
    when the tz database cannot give it (the settings' check said so at load)."""
    try:
        return store_zone(name)
    except ValueError:
        return None


def quiet_opencv(environ: MutableMapping[str, str] | None = None) -> None:
    """Limit OpenCV's native logger to errors, unless the operator chose a level.

    OpenCV writes its warnings straight to stderr in its own format, outside this log:
    every failed open of a missing camera adds `[ WARN:0@…] global cap_v4l.cpp …
    can't open camera by index` (and an FFmpeg line) per retry. The capture state
    machine already logs what failed and what to do (`camera lost: camera 0 not
    found …`), so those lines are only noise in the journal. An `OPENCV_LOG_LEVEL`
    already in the environment wins (`OPENCV_LOG_LEVEL=DEBUG kiosk …` to debug a
    driver). OpenCV reads the variable once, when cv2 is imported: call this in an
    entry point before that; if cv2 is already imported its level is set directly.
    `environ`: the environment to change (default `os.environ`); never raises.
    """
    env = os.environ if environ is None else environ
    if env.get(OPENCV_LOG_ENV):
        return
    env[OPENCV_LOG_ENV] = "ERROR"
    cv2 = sys.modules.get("cv2")
    if cv2 is not None:
        try:
            cv2.utils.logging.setLogLevel(cv2.utils.logging.LOG_LEVEL_ERROR)
        except AttributeError:  # a cv2 build without the utils.logging binding
            pass


def setup_logging(log_dir: Path, level: str = "INFO", *, to_stderr: bool = True) -> Path | None:
    """Configure the root logger; returns the log file path (None if it can't be written)."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "_kiosk", False):
            root.removeHandler(handler)
            handler.close()
    root.setLevel(level)
    formatter = logging.Formatter(FORMAT)
    path: Path | None = log_dir / LOG_FILE
    try:
        log_dir.mkdir(parents=True, exist_ok=True)
        file_handler = logging.handlers.RotatingFileHandler(
            log_dir / LOG_FILE, maxBytes=5 * 1024 * 1024, backupCount=5, encoding="utf-8"
        )
        file_handler.setFormatter(formatter)
        file_handler._kiosk = True  # type: ignore[attr-defined]
        root.addHandler(file_handler)
    except OSError as exc:
        path = None
        print(f"kiosk: cannot write the log folder {log_dir} ({exc.strerror}); "
              "logging to stderr only — set [app] log_dir", file=sys.stderr)
    if to_stderr:
        stream = logging.StreamHandler(sys.stderr)
        stream.setFormatter(formatter)
        stream._kiosk = True  # type: ignore[attr-defined]
        root.addHandler(stream)
    for noisy in ("botocore", "boto3", "urllib3", "PIL"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, root.level))
    return path


def close_logging() -> None:
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "_kiosk", False):
            root.removeHandler(handler)
            handler.close()
