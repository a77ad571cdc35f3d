"""Child of test_trace_cache.py: save a trace bigger than the tmpfs at argv[1]; prints
"saved", "not saved" or dies (torch's file writer used to abort the process here)."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import torch
from torch import nn

from kiosk.vision.trace_cache import TraceCache

logging.basicConfig(level=logging.WARNING, stream=sys.stdout, format="%(message)s")
model = nn.Linear(512, 512).eval()  # 1 MB of weights: more than the tmpfs holds
example = torch.ones(1, 512)
with torch.no_grad():
    module = torch.jit.freeze(torch.jit.trace(model, example))
folder = Path(sys.argv[1]) / "traces"
print("saved" if TraceCache(folder).save(module, model, example) else "not saved")
print("left:", sorted(p.name for p in folder.iterdir()))
