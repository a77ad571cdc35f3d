# The two commands in the README:
#   make run    set up .venv (idempotent) and start the kiosk in a window
#               (ARGS="--kiosk" for exhibit mode; TORCH_INDEX_URL: see build/dev/setup.sh)
#   make test   set up .venv (idempotent) and run the whole test suite
.PHONY: setup setup-gui run test lint package screenshots bench clean

PY := .venv/bin/python
ARGS ?=
# A window unless ARGS asks for exhibit mode (argparse refuses --windowed with --kiosk).
WINDOW := $(if $(filter --kiosk,$(ARGS)),,--windowed)

setup:
	bash build/dev/setup.sh

setup-gui:
	bash build/dev/setup.sh --gui

run: setup-gui
	$(PY) -m kiosk $(WINDOW) $(ARGS)

test: setup
	bash build/dev/test.sh

lint: setup
	$(PY) -m ruff check kiosk tests
	$(PY) -m mypy
	.venv/bin/lint-imports

package: setup
	bash build/dev/package.sh

screenshots: setup
	QT_QPA_PLATFORM=offscreen $(PY) -m kiosk.tools.screenshots --out docs-shots

bench: setup
	for b in vision events recommend ui startup; do $(PY) -m kiosk.bench $$b; done

clean:
	rm -rf build/pyinstaller dist .mypy_cache .ruff_cache
