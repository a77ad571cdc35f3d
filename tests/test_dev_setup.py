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


# --- the kiosk's own install: a content stamp, so a shared .venv is not reinstalled ----

STUB_PYTHON = """#!/bin/sh
# stands in for .venv/bin/python: torch is there; `-m pip` is recorded, and makes the
# console script a real editable install would
here=$(dirname "$0")
case "$*" in
  *" pip "*) echo "$*" >> "$here/pip.log"; touch "$here/kiosk" ;;
  *) echo 2.13.0+cpu ;;
esac
"""


def _checkout(tmp_path: Path, name: str, venv: Path, pyproject: str) -> Path:
    """A scratch checkout: the real setup.sh, a pyproject.toml, and `.venv` as a symlink
    to a shared stand-in virtual environment (as the helpers' worktrees have it)."""
    root = tmp_path / name
    (root / "build" / "dev").mkdir(parents=True)
    shutil.copy(REPO / "build" / "dev" / "setup.sh", root / "build" / "dev" / "setup.sh")
    (root / "pyproject.toml").write_text(pyproject)
    (root / ".venv").symlink_to(venv, target_is_directory=True)
    return root


def _setup(root: Path, tmp_path: Path, *args: str) -> str:
    """Run setup.sh offline: a stand-in `dpkg` says every Debian package is there (so no
    apt-get), and the stand-in python never reaches a network."""
    tools = tmp_path / "tools"
    if not tools.is_dir():
        tools.mkdir()
        dpkg = tools / "dpkg"
        dpkg.write_text("#!/bin/sh\nexit 0\n")
        dpkg.chmod(0o755)
    env = {k: v for k, v in os.environ.items() if k != "TORCH_INDEX_URL"}
    env["PATH"] = f"{tools}{os.pathsep}{env.get('PATH', '')}"
    done = subprocess.run(["bash", str(root / "build" / "dev" / "setup.sh"), *args],
                          capture_output=True, text=True, env=env, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout + done.stderr


def _pip_runs(venv: Path) -> int:
    log = venv / "bin" / "pip.log"
    return len(log.read_text().splitlines()) if log.is_file() else 0


@pytest.mark.skipif(shutil.which("sha256sum") is None and shutil.which("shasum") is None,
                    reason="needs sha256sum or shasum")
def test_a_shared_venv_is_installed_once_and_again_only_when_pyproject_changes(
    tmp_path: Path,
) -> None:
    venv = tmp_path / "shared-venv"
    (venv / "bin").mkdir(parents=True)
    (venv / "bin" / "python").write_text(STUB_PYTHON)
    (venv / "bin" / "python").chmod(0o755)
    first = _checkout(tmp_path, "main", venv, "[project]\nname = 'kiosk'\n")
    assert "kiosk: pip install -e .[dev] (not installed in .venv yet)" in _setup(
        first, tmp_path, "--kiosk-plan")
    out = _setup(first, tmp_path)
    assert "installing kiosk" in out and _pip_runs(venv) == 1
    assert "-e .[dev]" in (venv / "bin" / "pip.log").read_text()

    # a second checkout sharing the .venv: same content, newer file time (the old stamp
    # compared times and reinstalled here on every run)
    other = _checkout(tmp_path, "worktree", venv, "[project]\nname = 'kiosk'\n")
    future = (venv / ".kiosk-installed").stat().st_mtime + 3600
    os.utime(other / "pyproject.toml", (future, future))
    assert _setup(other, tmp_path, "--kiosk-plan").startswith("kiosk: keep (stamp ")
    out = _setup(other, tmp_path)
    assert "installing kiosk" not in out and "setup: ready" in out
    assert _pip_runs(venv) == 1
    assert _setup(first, tmp_path).count("installing kiosk") == 0 and _pip_runs(venv) == 1

    # what the install depends on changed: installed again, then stamped again
    (other / "pyproject.toml").write_text("[project]\nname = 'kiosk'\nversion = '2'\n")
    assert "pyproject.toml (or the torch pin) changed" in _setup(other, tmp_path,
                                                                 "--kiosk-plan")
    assert "installing kiosk" in _setup(other, tmp_path) and _pip_runs(venv) == 2
    assert "installing kiosk" not in _setup(other, tmp_path) and _pip_runs(venv) == 2


def test_an_old_time_stamp_or_a_missing_kiosk_command_means_install(tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    (venv / "bin").mkdir(parents=True)
    (venv / "bin" / "kiosk").touch()
    (venv / ".kiosk-installed").touch()  # what the old setup.sh left: an empty file
    root = _checkout(tmp_path, "repo", venv, "[project]\nname = 'kiosk'\n")
    assert "(the stamp is an older setup.sh's (a file time))" in _setup(
        root, tmp_path, "--kiosk-plan")
    (venv / "bin" / "kiosk").unlink()
    assert "(the kiosk command is missing from .venv)" in _setup(root, tmp_path,
                                                                 "--kiosk-plan")


NO_TORCH_PYTHON = """#!/bin/sh
here=$(dirname "$0")
case "$*" in
  *" pip "*) echo "$*" >> "$here/pip.log"; touch "$here/kiosk" ;;
  *) exit 1 ;;
esac
"""


def _closed_port() -> int:
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_an_index_that_does_not_answer_falls_back_to_pips_own_sources_for_the_same_build(
    tmp_path: Path,
) -> None:
    """download.pytorch.org without DNS made pip retry it for every dependency of torch
    (about a minute) and fail where no other source held the wheel; now the same build is
    asked of pip's configured sources (PyPI, a mirror, find-links) at once."""
    venv = tmp_path / "venv"
    (venv / "bin").mkdir(parents=True)
    (venv / "bin" / "python").write_text(NO_TORCH_PYTHON)
    (venv / "bin" / "python").chmod(0o755)
    root = _checkout(tmp_path, "repo", venv, "[project]\nname = 'kiosk'\n")
    _setup(root, tmp_path, "--kiosk-plan")  # creates the stand-in dpkg
    env = {k: v for k, v in os.environ.items() if k != "TORCH_INDEX_URL"}
    env["PATH"] = f"{tmp_path / 'tools'}{os.pathsep}{env.get('PATH', '')}"
    env["TORCH_INDEX_URL"] = f"http://127.0.0.1:{_closed_port()}/whl/cpu"
    done = subprocess.run(["bash", str(root / "build" / "dev" / "setup.sh")],
                          capture_output=True, text=True, env=env, timeout=60)
    out = done.stdout + done.stderr
    assert done.returncode == 0, out
    assert "does not answer; installing torch==2.13.0+cpu from pip's configured sources" in out
    first = (venv / "bin" / "pip.log").read_text().splitlines()[0]
    assert first.endswith("install -q --disable-pip-version-check torch==2.13.0+cpu"), first
    assert "--index-url" not in first
