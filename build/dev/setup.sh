#!/usr/bin/env bash
# Idempotent setup of the development environment in .venv at the repository root.
#   build/dev/setup.sh          # runtime + dev tools (tests)
#   build/dev/setup.sh --gui    # also the X11/xcb libraries and CJK font for a real screen
#   build/dev/setup.sh --torch-plan   # only print what would be done about torch
#   build/dev/setup.sh --kiosk-plan   # only print whether the kiosk would be (re)installed
# Installs torch==2.13.0 before anything else can ask for torch, from TORCH_INDEX_URL:
#   unset (default)  the CPU build: https://download.pytorch.org/whl/cpu on Linux (PyPI's
#                    Linux wheel pulls gigabytes of CUDA libraries), PyPI elsewhere
#   TORCH_INDEX_URL=https://download.pytorch.org/whl/cu128   a CUDA build for an NVIDIA GPU
#   TORCH_INDEX_URL=pypi                                     PyPI's own wheel
# A torch 2.13.0 already in .venv is kept when TORCH_INDEX_URL is unset; with it set, it is
# replaced when its build (+cpu, +cu128, …) is not the one asked for.
# Re-running only does what is missing. The kiosk itself (`pip install -e ".[dev]"`) is
# installed again only when what it is installed from changed: .venv/.kiosk-installed holds
# a hash of pyproject.toml (plus any requirements*.txt / *.lock) and the torch pin, not a
# time, so a .venv shared (symlinked) between checkouts is not reinstalled on every run.
set -euo pipefail
cd "$(dirname "$0")/../.."

GUI=0
PLAN=0
KIOSK_PLAN=0
for arg in "$@"; do
  case "$arg" in
    --gui) GUI=1 ;;
    --torch-plan) PLAN=1 ;;
    --kiosk-plan) KIOSK_PLAN=1 ;;
    *) echo "setup: unknown option $arg (known: --gui, --torch-plan, --kiosk-plan)" >&2; exit 2 ;;
  esac
done
PYTHON="${PYTHON:-python3}"
TORCH_VERSION=2.13.0

# --- which torch: the index, and the build (local version) it serves -------------------
torch_explicit=1
if [ -z "${TORCH_INDEX_URL:-}" ]; then
  torch_explicit=0
  if [ "$(uname -s)" = Linux ]; then TORCH_INDEX_URL=https://download.pytorch.org/whl/cpu
  else TORCH_INDEX_URL=pypi; fi
fi
torch_build=""   # cpu, cu128, rocm6.4, …: the last path part of a download.pytorch.org index
case "$TORCH_INDEX_URL" in
  pypi|https://pypi.org/simple|https://pypi.org/simple/) TORCH_INDEX_URL=pypi ;;
  http://*|https://*|file://*)
    case "$TORCH_INDEX_URL" in */whl/*) torch_build="${TORCH_INDEX_URL%/}"; torch_build="${torch_build##*/}" ;; esac ;;
  *) echo "setup: TORCH_INDEX_URL=$TORCH_INDEX_URL is not a URL; use e.g." \
          "https://download.pytorch.org/whl/cpu, https://download.pytorch.org/whl/cu128 or pypi" >&2
     exit 2 ;;
esac
# the installed torch's version from its metadata (0.05 s; importing torch takes 1.5 s)
TORCH_VERSION_OF='from importlib.metadata import version; print(version("torch"))'
torch_wanted() {  # $1: the installed torch version ("" when none); 0 when it will do
  local have="$1" base local_part
  base="${have%%+*}"
  local_part=""
  [ "$have" != "$base" ] && local_part="${have#*+}"
  [ "$base" = "$TORCH_VERSION" ] || return 1
  [ "$torch_explicit" = 0 ] && return 0
  [ "$local_part" = "$torch_build" ]
}
torch_install_args() {
  local spec="torch==$TORCH_VERSION"
  [ -n "$torch_build" ] && spec="$spec+$torch_build"
  if [ "$TORCH_INDEX_URL" = pypi ]; then echo "$spec"
  else echo "$spec --index-url $TORCH_INDEX_URL"; fi
}
# --- the kiosk's own install: stamped by content, not by file times --------------------
STAMP=.venv/.kiosk-installed
KIOSK_EXTRAS='.[dev]'
kiosk_stamp() {  # one line: what the editable install depends on (no network, no venv)
  local sum f
  if command -v sha256sum >/dev/null 2>&1; then sum="sha256sum"; else sum="shasum -a 256"; fi
  {
    echo "torch==$TORCH_VERSION pip install -e $KIOSK_EXTRAS"
    for f in pyproject.toml requirements*.txt *.lock; do
      if [ -f "$f" ]; then echo "== $f"; cat "$f"; fi
    done
  } | $sum | cut -d' ' -f1
}
kiosk_install_reason() {  # prints why the kiosk must be (re)installed; empty: keep it
  if [ ! -f "$STAMP" ]; then echo "not installed in .venv yet"
  elif [ ! -e .venv/bin/kiosk ]; then echo "the kiosk command is missing from .venv"
  elif [ ! -s "$STAMP" ]; then echo "the stamp is an older setup.sh's (a file time)"
  elif [ "$(head -n 1 "$STAMP")" != "$(kiosk_stamp)" ]; then
    echo "pyproject.toml (or the torch pin) changed since the last install"
  fi
}
if [ "$KIOSK_PLAN" = 1 ]; then
  why=$(kiosk_install_reason)
  if [ -z "$why" ]; then echo "kiosk: keep (stamp $(kiosk_stamp | cut -c1-12))"
  else echo "kiosk: pip install -e $KIOSK_EXTRAS ($why)"; fi
  exit 0
fi

if [ "$PLAN" = 1 ]; then
  have=""
  [ -x .venv/bin/python ] && have=$(.venv/bin/python -c "$TORCH_VERSION_OF" 2>/dev/null || true)
  if torch_wanted "$have"; then echo "torch: keep $have"
  else echo "torch: pip install $(torch_install_args)"; fi
  exit 0
fi

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
have=$($PY -c "$TORCH_VERSION_OF" 2>/dev/null || true)
index_reachable() {  # 0 when $TORCH_INDEX_URL answers within 10 s (pypi: always)
  [ "$TORCH_INDEX_URL" = pypi ] && return 0
  case "$TORCH_INDEX_URL" in file://*) return 0 ;; esac
  "$PYTHON" - "$TORCH_INDEX_URL" <<'PYEOF' >/dev/null 2>&1
import sys, urllib.request
urllib.request.urlopen(sys.argv[1].rstrip("/") + "/torch/", timeout=10).close()
PYEOF
}
if ! torch_wanted "$have"; then
  if index_reachable; then
    echo "setup: installing $(torch_install_args) first"
    # shellcheck disable=SC2046  # the arguments are split on purpose
    $PY -m pip install -q --disable-pip-version-check $(torch_install_args)
  else
    # Offline or behind a proxy that blocks download.pytorch.org: pip's own sources
    # (PyPI, a mirror, a find-links folder of wheels) may still hold this exact build.
    spec="torch==$TORCH_VERSION"
    [ -n "$torch_build" ] && spec="$spec+$torch_build"
    echo "setup: $TORCH_INDEX_URL does not answer; installing $spec from pip's configured sources"
    if ! $PY -m pip install -q --disable-pip-version-check "$spec"; then
      echo "setup: could not install $spec. Make $TORCH_INDEX_URL reachable, put the wheel in a" \
           "folder and set PIP_FIND_LINKS to it, or set TORCH_INDEX_URL=pypi for PyPI's own build." >&2
      exit 1
    fi
  fi
fi
why=$(kiosk_install_reason)
if [ -n "$why" ]; then
  echo "setup: installing kiosk and its development tools ($why)"
  $PY -m pip install -q --disable-pip-version-check -e "$KIOSK_EXTRAS"
  kiosk_stamp > "$STAMP"  # only after a successful install (set -e)
fi
echo "setup: ready (.venv)"
