"""A reader that went away (`kiosk … | head`): end the command quietly with 141.

Shared by the `kiosk` command (`kiosk.__main__`) and `kiosk-admin` (`kiosk.admin.cli`):
`quiet_when_reader_leaves(run)` flushes stdout while the command can still answer for it
and, on BrokenPipeError, points stdout at devnull (the Python docs' recipe for SIGPIPE)
so the interpreter's own flush at exit raises nothing either.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable

BROKEN_PIPE_EXIT = 141  # 128 + SIGPIPE, as a shell reports a command `head` cut short


def quiet_when_reader_leaves(run: Callable[[], int]) -> int:
    """`run()`'s exit code, or BROKEN_PIPE_EXIT when its reader closed stdout (argparse's
    --help and --version need nothing: argparse drops a failed write itself)."""
    try:
        code = run()
        sys.stdout.flush()  # a closed pipe shows here at the latest, not at exit
    except BrokenPipeError:
        discard_stdout()
        return BROKEN_PIPE_EXIT
    return code


def discard_stdout() -> None:
    """The reader closed the pipe: what is left for stdout goes to devnull, so flushing it
    at exit raises nothing (the Python docs' recipe for SIGPIPE)."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):  # no file descriptor (a test's capture): nothing to flush
        pass
