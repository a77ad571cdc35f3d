"""No full garbage collection while the models load, and none over them afterwards.

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
"""

from __future__ import annotations

import contextlib
import gc
import logging
from collections.abc import Iterator

log = logging.getLogger(__name__)

OUT_OF_REACH = 1 << 30  # young-generation collections before a full one


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
