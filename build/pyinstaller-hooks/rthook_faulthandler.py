"""Bundle run-time hook: dump every thread's Python stack on a fatal signal.

The bundle ignores PYTHON* variables, so PYTHONFAULTHANDLER=1 has no effect there.
systemd's watchdog kills a hung kiosk with SIGABRT; with the fault handler on, the
journal then shows where the GUI thread was stuck, not just "watchdog timeout".
"""

import faulthandler
import sys

if sys.stderr is not None:  # a windowed Windows build has no stderr
    faulthandler.enable(all_threads=True)
