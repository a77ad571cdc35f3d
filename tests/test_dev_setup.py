"""The developer setup and the Makefile: which torch build is installed, and `make run`.

`build/dev/setup.sh --torch-plan` prints the torch decision without installing anything;
the tests run it in a scratch copy of the repository layout with a stand-in `.venv/bin/python`
that reports a chosen installed torch version.
"""

from __future__ import annotations

import os
import shlex
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.cli import build_parser

REPO = Path(__file__).resolve().parents[1]
CPU_INDEX = "https://download.pytorch.org/whl/cpu"

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="bash scripts")


def _plan(tmp_path: Path, installed: str | None, index_url: str | None) -> tuple[int, str]:
    root = tmp_path / "repo"
    (root / "build" / "dev").mkdir(parents=True, exist_ok=True)
    shutil.copy(REPO / "build" / "dev" / "setup.sh", root / "build" / "dev" / "setup.sh")
    if installed is not None:
        python = root / ".venv" / "bin" / "python"
        python.parent.mkdir(parents=True, exist_ok=True)
        python.write_text(f"#!/bin/sh\necho {shlex.quote(installed)}\n")
        python.chmod(python.stat().st_mode | stat.S_IXUSR)
    env = {k: v for k, v in os.environ.items() if k != "TORCH_INDEX_URL"}
    if index_url is not None:
        env["TORCH_INDEX_URL"] = index_url
    done = subprocess.run(["bash", str(root / "build" / "dev" / "setup.sh"), "--torch-plan"],
                          capture_output=True, text=True, env=env, timeout=30)
    return done.returncode, done.stdout + done.stderr


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the CPU index is Linux's default")
def test_fresh_linux_setup_installs_the_cpu_build_not_pypis_cuda_one(tmp_path: Path) -> None:
    rc, out = _plan(tmp_path, None, None)
    assert rc == 0, out
    assert out.strip() == f"torch: pip install torch==2.13.0+cpu --index-url {CPU_INDEX}"


def test_a_torch_already_installed_is_kept_when_no_index_is_asked_for(tmp_path: Path) -> None:
    for have in ("2.13.0+cpu", "2.13.0"):
        rc, out = _plan(tmp_path, have, None)
        assert (rc, out.strip()) == (0, f"torch: keep {have}")


def test_an_operator_index_url_selects_the_gpu_build_and_replaces_the_cpu_one(
    tmp_path: Path,
) -> None:
    cuda = "https://download.pytorch.org/whl/cu128"
    rc, out = _plan(tmp_path, "2.13.0+cpu", cuda)
    assert (rc, out.strip()) == (0, f"torch: pip install torch==2.13.0+cu128 --index-url {cuda}")
    rc, out = _plan(tmp_path, "2.13.0+cu128", cuda + "/")
    assert (rc, out.strip()) == (0, "torch: keep 2.13.0+cu128")
    rc, out = _plan(tmp_path, "2.12.1+cpu", "pypi")
    assert (rc, out.strip()) == (0, "torch: pip install torch==2.13.0")


def test_a_bad_index_url_is_refused_with_examples(tmp_path: Path) -> None:
    rc, out = _plan(tmp_path, None, "download.pytorch.org/whl/cpu")
    assert rc == 2
    assert "TORCH_INDEX_URL" in out and "https://download.pytorch.org/whl/cu128" in out


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
@pytest.mark.parametrize(("args", "kiosk_mode"), [("--kiosk", True), ("", False),
                                                  ("--camera 1", False)])
def test_make_run_passes_args_the_kiosk_parser_accepts(args: str, kiosk_mode: bool) -> None:
    """`make run ARGS="--kiosk"` used to add --windowed too, which argparse refused."""
    done = subprocess.run(["make", "-n", "-s", "run", f"ARGS={args}"], cwd=REPO,
                          capture_output=True, text=True, timeout=30)
    assert done.returncode == 0, done.stderr
    line = next(ln for ln in done.stdout.splitlines() if " -m kiosk" in ln)
    argv = shlex.split(line.split(" -m kiosk", 1)[1])
    parsed = build_parser().parse_args(argv)
    assert parsed.kiosk_mode is kiosk_mode
