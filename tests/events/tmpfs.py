"""Genuine disk faults without root: a child process in its own user and mount namespace
(`unshare -rm`) mounts a small tmpfs, so a write past its size fails with a real ENOSPC,
and `mount -o remount,ro` gives a real EROFS. Nothing outside the child sees the mount.

    reason = unshare_problem()          # None when this machine allows it
    proc = run_in_tmpfs(folder, 256, [sys.executable, script, ...])

Inside the child, `remount(folder, "ro")` / `remount(folder, "rw,size=4m")` change the
mount (a read-only remount is refused while a file there is open for writing).
"""

from __future__ import annotations

import contextlib
import functools
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


@functools.cache
def unshare_problem() -> str | None:
    """Why a tmpfs cannot be mounted in a user namespace here, or None when it can."""
    if not sys.platform.startswith("linux") or shutil.which("unshare") is None:
        return "needs Linux with util-linux `unshare`"
    with tempfile.TemporaryDirectory(prefix="kiosk-unshare-") as folder:
        try:
            probe = subprocess.run(
                ["unshare", "-rm", "sh", "-c",
                 'mount -t tmpfs -o size=64k tmpfs "$0" && mount -o remount,ro "$0"', folder],
                capture_output=True, text=True, timeout=30)
        except (OSError, subprocess.TimeoutExpired) as exc:
            return f"`unshare -rm` cannot run here ({exc})"
    if probe.returncode != 0:
        return ("user namespaces are not permitted here (`unshare -rm` + tmpfs mount "
                f"failed: {probe.stderr.strip()[:200]})")
    return None


def require_unshare() -> None:
    """Skip the calling test, naming the reason, where namespaces are not allowed."""
    problem = unshare_problem()
    if problem:
        pytest.skip(problem)


def child_env() -> dict[str, str]:
    return {**os.environ, "QT_QPA_PLATFORM": "offscreen",
            "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")])}


def tmpfs_command(folder: Path, size_kb: int, argv: Sequence[str]) -> list[str]:
    """`argv` run in a fresh namespace where `folder` is an empty tmpfs of `size_kb`."""
    return ["unshare", "-rm", "sh", "-c",
            f'mount -t tmpfs -o size={int(size_kb)}k tmpfs "$0" && exec "$@"',
            str(folder), *argv]


def run_in_tmpfs(folder: Path, size_kb: int, argv: Sequence[str], timeout: float = 120.0
                 ) -> subprocess.CompletedProcess[str]:
    """Run `argv` with `folder` as a fresh tmpfs; on a timeout the whole process group
    (the namespace's shell and everything it started) is killed, then it is re-raised."""
    folder.mkdir(parents=True, exist_ok=True)
    command = tmpfs_command(folder, size_kb, argv)
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                          env=child_env(), start_new_session=True) as proc:
        try:
            out, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
            raise
    return subprocess.CompletedProcess(command, proc.returncode, out, err)


def remount(folder: Path | str, options: str) -> None:
    """In the child: change the tmpfs's mount options ("ro", "rw", "rw,size=4m")."""
    done = subprocess.run(["mount", "-o", f"remount,{options}", str(folder)],
                          capture_output=True, text=True)
    if done.returncode != 0:
        raise OSError(f"remount,{options} {folder} failed: {done.stderr.strip()}")
