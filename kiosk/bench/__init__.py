"""Benchmarks: `python -m kiosk.bench NAME` prints JSON."""
