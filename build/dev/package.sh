#!/usr/bin/env bash
# Build the one-folder bundle dist/kiosk/ from kiosk.spec and prove that it runs.
#   build/dev/package.sh              # build, strip, check, self-test, smoke run
#   build/dev/package.sh --no-build   # check and smoke-test the existing dist/kiosk
#   build/dev/package.sh --no-strip   # keep the libraries' symbol tables
# Steps:
#   1. host libraries the bundle should carry (Qt's xcb helpers), installed when missing:
#      PyInstaller bundles the system libraries it finds on the build host
#   2. PyInstaller (work folder build/pyinstaller/), sizes before and after the spec's trim
#   3. strip the symbol tables of chosen libraries (torch, libpython), size after
#   4. list what the bundle still needs from the system, with the Debian packages
#   5. dist/kiosk/kiosk --self-test with a generated camera video
#   6. a windowed run on the offscreen platform that must show a camera frame and quit
set -euo pipefail
cd "$(dirname "$0")/../.."

PY=.venv/bin/python
BUILD=1
STRIP=1
for arg in "$@"; do
  case "$arg" in
    --no-build) BUILD=0 ;;
    --no-strip) STRIP=0 ;;
    *) echo "package: unknown option $arg" >&2; exit 2 ;;
  esac
done
DIST=dist/kiosk
WORK=build/pyinstaller
SMOKE=$PWD/$WORK/smoke
mb() { du -sm "$1" | cut -f1; }

# --- 1. libraries the bundle carries from the build host ---------------------------------
# libQt6XcbQpa links these; without them on the build host the bundle's xcb plugin would
# need them on every kiosk instead.
HOST_LIBS="libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-randr0 \
libxcb-render-util0 libxcb-shape0 libxcb-xkb1 libxkbcommon-x11-0 libx11-xcb1 libxcb-xfixes0 \
libxkbcommon0 libfontconfig1 libglib2.0-0 libdbus-1-3"
if [ "$BUILD" = 1 ] && command -v dpkg >/dev/null 2>&1; then
  missing=""
  for pkg in $HOST_LIBS; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing="$missing $pkg"
  done
  if [ -n "$missing" ]; then
    SUDO=""
    [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    echo "package: installing build-host libraries:$missing"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing
  fi
fi

# --- 2. PyInstaller ------------------------------------------------------------------------------
if [ "$BUILD" = 1 ]; then
  started=$(date +%s)
  # (torch's deprecated modules warn when PyInstaller's hook walks them: noise)
  PYTHONWARNINGS=ignore::DeprecationWarning $PY -m PyInstaller --noconfirm --clean --log-level WARN \
    --workpath "$WORK" --distpath dist kiosk.spec
  built=$(date +%s)
  trimmed_mb=$(mb "$DIST")
  dropped_mb=$($PY -c "import json,sys; print(round(json.load(open(sys.argv[1]))['dropped_bytes']/2**20))" \
    "$WORK/kiosk/trim-report.json")
  echo "package: built in $((built - started)) s"
  echo "package: size as collected by the hooks ≈ $((trimmed_mb + dropped_mb)) MB" \
    "(excluded modules not counted)"
  echo "package: size after the spec's trim     = $trimmed_mb MB"
fi
[ -x "$DIST/kiosk" ] || { echo "package: $DIST/kiosk not found; build first" >&2; exit 1; }
# The log, the self-test and the admin panel name the operator's commands `kiosk-admin …`
# (as a source install has them): the bundle carries that name too, beside `kiosk`.
cat > "$DIST/kiosk-admin" <<'LAUNCHER'
#!/bin/sh
# The kiosk's operator commands: the same as `kiosk admin …` (see README, "Packaging").
exec "$(dirname "$(readlink -f "$0")")/kiosk" admin "$@"
LAUNCHER
chmod 755 "$DIST/kiosk-admin"

# --- 3. strip chosen libraries ----------------------------------------------------------------
# Only libraries built without auditwheel/patchelf rewriting: stripping numpy's and
# OpenCV's vendored libraries (*.libs/) breaks them (OpenBLAS), so they are left alone.
if [ "$BUILD" = 1 ] && [ "$STRIP" = 1 ] && command -v strip >/dev/null 2>&1; then
  before=$(mb "$DIST")
  while IFS= read -r -d '' lib; do
    if file -b "$lib" | grep -q "not stripped"; then
      strip --strip-unneeded "$lib"
    fi
  done < <(find "$DIST/_internal/torch/lib" "$DIST/_internal/python3."*/lib-dynload \
             "$DIST/_internal" -maxdepth 1 -type f \( -name '*.so' -o -name '*.so.*' \) \
             \( -path '*/torch/lib/*' -o -path '*/lib-dynload/*' -o -name 'libpython3*' \) -print0)
  echo "package: size after strip               = $(mb "$DIST") MB (was $before MB)"
fi

# --- 4. what the bundle needs from the system ---------------------------------------------
$PY - "$DIST" <<'PYTHON'
"""List the shared libraries that the bundle's ELF files need but do not carry,
and the Debian packages that provide them on this machine (dpkg -S)."""
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

dist = Path(sys.argv[1])
# glibc and the graphics stack are never bundled (PyInstaller excludes them on purpose)
EXPECTED = ("libc.so", "libm.so", "libdl.so", "libpthread.so", "librt.so", "ld-linux",
            "libGL", "libEGL", "libGLX", "libOpenGL", "libdrm", "libxcb.so", "libwayland-")
files = [p for p in dist.rglob("*") if p.is_file() and not p.is_symlink()
         and p.read_bytes()[:4] == b"\x7fELF"]
carried = {p.name for p in dist.rglob("*") if ".so" in p.name}
needs: dict[str, set[str]] = defaultdict(set)
for elf in files:
    out = subprocess.run(["readelf", "-d", str(elf)], capture_output=True, text=True).stdout
    for line in out.splitlines():
        if "(NEEDED)" in line:
            name = line.split("[", 1)[1].split("]", 1)[0]
            if name not in carried:
                needs[name].add(str(elf.relative_to(dist)))
cache = subprocess.run(["/sbin/ldconfig", "-p"], capture_output=True, text=True).stdout
where = {}
for line in cache.splitlines()[1:]:
    name, _, path = line.strip().partition(" => ")
    if "x86-64" in name or "x86_64" in path or "aarch64" in path:
        where.setdefault(name.split(" (")[0], path)
packages: dict[str, set[str]] = defaultdict(set)
unexpected = []
for name in sorted(needs):
    path = where.get(name)
    pkg = "(not installed on this build host)"
    if path:
        found = subprocess.run(["dpkg", "-S", str(Path(path).resolve())],
                               capture_output=True, text=True)
        if found.returncode != 0:
            found = subprocess.run(["dpkg", "-S", path], capture_output=True, text=True)
        pkg = found.stdout.split(":")[0] if found.returncode == 0 else "?"
    packages[pkg].add(name)
    if not name.startswith(EXPECTED):
        users = sorted(needs[name])
        unexpected.append(f"{name} ({pkg}), needed by {', '.join(users[:3])}"
                          + (" …" if len(users) > 3 else ""))
print("package: libraries the bundle takes from the system, by Debian package:")
for pkg in sorted(packages):
    print(f"  {pkg}: {' '.join(sorted(packages[pkg]))}")
print("  (plus fontconfig-config and a font, e.g. fonts-dejavu-core; libwayland-* only "
      "for QT_QPA_PLATFORM=wayland)")
if unexpected:
    print("package: WARNING not carried by the bundle (install them on the build host "
          "and rebuild, or on every kiosk):")
    for line in unexpected:
        print(f"  {line}")
PYTHON

# --- 5. self-test -----------------------------------------------------------------------
rm -rf "$SMOKE" && mkdir -p "$SMOKE"
$PY -c "from kiosk.bench.startup import write_test_video; write_test_video('$SMOKE/camera.avi')"
for var in $(compgen -e | grep '^KIOSK_' || true); do unset "$var"; done
: > "$SMOKE/kiosk.toml"
export KIOSK_CONFIG="$SMOKE/kiosk.toml"   # built-in defaults, never the operator's settings
export XDG_DATA_HOME="$SMOKE/data" XDG_STATE_HOME="$SMOKE/state" XDG_CONFIG_HOME="$SMOKE/config"
echo "package: $DIST/kiosk --self-test"
QT_QPA_PLATFORM=offscreen "$DIST/kiosk" --self-test --camera "$SMOKE/camera.avi" \
  --data-dir "$SMOKE/data"

echo "package: $DIST/kiosk-admin pin --help"
"$DIST/kiosk-admin" pin --help > /dev/null \
  || { echo "package: kiosk-admin in the bundle does not run" >&2; exit 1; }

# --- 6. windowed smoke run --------------------------------------------------------------------
echo "package: $DIST/kiosk --windowed --quit-after 5 (offscreen)"
started=$SECONDS
QT_QPA_PLATFORM=offscreen timeout 60 "$DIST/kiosk" --windowed --quit-after 5 \
  --camera "$SMOKE/camera.avi" --data-dir "$SMOKE/data" 2> "$SMOKE/smoke.log" \
  || { tail -40 "$SMOKE/smoke.log"; echo "package: smoke run FAILED" >&2; exit 1; }
if grep -E "Traceback|CRITICAL|No module named" "$SMOKE/smoke.log"; then
  echo "package: smoke run logged errors (full log: $SMOKE/smoke.log)" >&2
  exit 1
fi
grep -q "first frame shown" "$SMOKE/smoke.log" \
  || { tail -40 "$SMOKE/smoke.log"; echo "package: no camera frame was shown" >&2; exit 1; }
echo "package: smoke run OK in $((SECONDS - started)) s; bundle $(mb "$DIST") MB in $DIST"
