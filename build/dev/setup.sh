#!/usr/bin/env bash
# Idempotent setup of the development environment in .venv at the repository root.
#   build/dev/setup.sh          # runtime + dev tools (tests)
#   build/dev/setup.sh --gui    # also the X11/xcb libraries and CJK font for a real screen
# Installs torch==2.13.0 (CPU) before anything else can ask for torch, so pip never
# pulls a multi-gigabyte CUDA build. Re-running only does what is missing.
set -euo pipefail
cd "$(dirname "$0")/../.."

GUI=0
[ "${1:-}" = "--gui" ] && GUI=1
PYTHON="${PYTHON:-python3}"

# --- Debian libraries Qt needs (installed only when missing) ---------------------
QT_LIBS="libgl1 libegl1 libglib2.0-0 libfontconfig1 libxkbcommon0 libdbus-1-3 fonts-dejavu-core"
XCB_LIBS="libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-randr0 \
libxcb-render-util0 libxcb-shape0 libxcb-xinerama0 libxcb-xkb1 libxkbcommon-x11-0 \
libx11-xcb1 libxcb-xfixes0 fonts-noto-cjk"
want="$QT_LIBS"
[ "$GUI" = 1 ] && want="$want $XCB_LIBS"
# Debian splits venv's pip bootstrap (ensurepip) into python3-venv
[ -x .venv/bin/python ] || "$PYTHON" -c "import ensurepip" >/dev/null 2>&1 || want="$want python3-venv"
missing=""
if command -v dpkg >/dev/null 2>&1; then
  for pkg in $want; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing="$missing $pkg"
  done
fi
if [ -n "$missing" ]; then
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  echo "setup: installing Debian packages:$missing"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing
fi

# --- virtual environment ------------------------------------------------------------
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
PY=.venv/bin/python
if ! $PY -c 'import torch, sys; sys.exit(torch.__version__.split("+")[0] != "2.13.0")' 2>/dev/null; then
  echo "setup: installing torch==2.13.0 (CPU) first"
  $PY -m pip install -q --disable-pip-version-check torch==2.13.0
fi
stamp=.venv/.kiosk-installed
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  echo "setup: installing kiosk and its development tools"
  $PY -m pip install -q --disable-pip-version-check -e ".[dev]"
  touch "$stamp"
fi
echo "setup: ready (.venv)"
