#!/usr/bin/env bash
# The whole test suite (what `make test` and CI run):
#   lint, types and import contracts; the packaged bundle (build, self-test, smoke run);
#   then pytest on the offscreen platform, whose slow tests also run the fresh bundle.
#   KIOSK_SKIP_PACKAGE=1 skips the bundle build (a quicker local loop).
set -euo pipefail
cd "$(dirname "$0")/../.."
PY=.venv/bin/python
echo "== ruff";          $PY -m ruff check kiosk tests
echo "== mypy";          $PY -m mypy
echo "== import-linter"; .venv/bin/lint-imports
echo "== cfn-lint";      .venv/bin/cfn-lint build/aws/*.yaml
if [ "${KIOSK_SKIP_PACKAGE:-0}" != 1 ]; then
  echo "== package";     bash build/dev/package.sh
fi
echo "== pytest"
QT_QPA_PLATFORM=offscreen $PY -m pytest "$@"
