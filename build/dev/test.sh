#!/usr/bin/env bash
# The whole test suite: lint, types, import contracts, then pytest (offscreen Qt).
set -euo pipefail
cd "$(dirname "$0")/../.."
PY=.venv/bin/python
echo "== ruff";          $PY -m ruff check kiosk tests
echo "== mypy";          $PY -m mypy
echo "== import-linter"; .venv/bin/lint-imports
echo "== pytest"
QT_QPA_PLATFORM=offscreen $PY -m pytest "$@"
