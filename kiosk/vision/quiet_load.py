"""How the model load shares the interpreter with the GUI thread: no full garbage
collection during it (nor over what it made, afterwards), and quick GIL handoffs.

CPython's cyclic collector runs on whichever thread allocates past its threshold,
holds the GIL throughout, and a full (oldest generation) collection walks every
tracked object in the process. `import torch` and the model building add about
170,000 of them, and full collections fell inside that: measured on the 2-core
machine, 25, 79-89 and 151 ms each (the last during the first model's construction,
the heap then holding everything torch had made). Whatever thread triggered them, the
GUI thread could not run meanwhile, so they were stalls of the window.

`no_full_collection()` raises the oldest generation's threshold out of reach for the
load (`gc.set_threshold`: process-wide), so only the young generations are collected,
in a few milliseconds each: the garbage of the other threads (camera frames caught in
reference cycles) is still freed while it is young. On leaving, everything alive is
moved into the permanent generation (`gc.freeze()`: torch's modules, the models, the
app's own objects; none of it becomes garbage while the kiosk runs) and the threshold
is restored, so later full collections walk only what was made after the load, as in
the steady state before. Turning the collector off instead (`gc.disable()`) kept the
frames' cycles too, and froze them for good: runs peaked 60 MB higher.

`quick_handoffs()` shortens the interpreter's switch interval (`sys.setswitchinterval`,
process-wide) from 5 ms to `LOAD_SWITCH_S` for the load. The GUI thread releases the
GIL around each Qt call it makes (PySide does), and while the vision thread runs
Python the GUI waits up to one interval to get it back after every such call: a paint
of 20-30 Qt calls took 15-30 ms on the GUI thread during the load and sat next to the
stalls left over 50 ms. Measured on the 2-core machine with a thread that makes 20
GIL-releasing calls every 5 ms while another imports torch (two runs each): worst
round 46-71 ms at 5 ms, 28-41 ms at 1 ms, 19-24 ms at 0.5 ms; `import torch` took
1.02-1.09 s, 1.07-1.09 s and 1.22-1.23 s. 1 ms costs the load nothing measurable.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import sys
from collections.abc import Iterator

log = logging.getLogger(__name__)

OUT_OF_REACH = 1 << 30  # young-generation collections before a full one
LOAD_SWITCH_S = 0.001  # the switch interval while the models load (default 0.005)


@contextlib.contextmanager
def no_full_collection() -> Iterator[None]:
    """Only young-generation collections inside; on leaving (also on an exception) the
    objects alive are frozen and the thresholds are restored. One load at a time."""
    thresholds = gc.get_threshold()
    gc.set_threshold(thresholds[0], thresholds[1], OUT_OF_REACH)
    try:
        yield
    finally:
        gc.freeze()
        gc.set_threshold(*thresholds)
        log.debug("full collections resumed; %d objects frozen", gc.get_freeze_count())


@contextlib.contextmanager
def quick_handoffs(interval_s: float = LOAD_SWITCH_S) -> Iterator[None]:
    """The switch interval is `interval_s` seconds inside and restored on leaving (also
    on an exception). One load at a time."""
    before = sys.getswitchinterval()
    sys.setswitchinterval(interval_s)
    try:
        yield
    finally:
        sys.setswitchinterval(before)
