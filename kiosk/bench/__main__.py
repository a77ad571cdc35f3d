"""`python -m kiosk.bench NAME [args]`: run one benchmark and print its JSON.

Benchmarks live in `kiosk/bench/<name>.py` and expose `run(argv) -> dict`. Every
benchmark's JSON also gets `reference`: the time of one fixed workload on this
machine (`kiosk.bench.reference`, in a fresh child process), so figures compare
across machines.
"""

from __future__ import annotations

import importlib
import json
import sys

BENCHMARKS = ("vision", "events", "recommend", "ui", "startup", "memory")


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] not in BENCHMARKS:
        print(f"usage: python -m kiosk.bench {{{'|'.join(BENCHMARKS)}}} [options]", file=sys.stderr)
        return 2
    module = importlib.import_module(f"kiosk.bench.{argv[0]}")
    result = module.run(argv[1:])
    from kiosk.bench import reference

    if "reference" not in result:  # a benchmark may measure it itself, beside its own run
        result["reference"] = reference.measure_in_child()
    print(json.dumps(result, indent=2, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
