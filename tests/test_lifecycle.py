"""Shutdown clean-ups: reverse order, bounded, failures don't stop the rest."""

from __future__ import annotations

import threading

import pytest

from kiosk.lifecycle import Cleanups


def test_reverse_order_and_failures_reported(caplog: pytest.LogCaptureFixture) -> None:
    order: list[str] = []
    c = Cleanups()
    c.register("camera", lambda: order.append("camera"))
    c.register("broken", lambda: 1 / 0)
    c.register("ui", lambda: order.append("ui"))
    assert c.run() == ["broken"]
    assert order == ["ui", "camera"]
    assert "broken failed" in caplog.text


def test_overrunning_cleanup_is_abandoned_after_its_budget() -> None:
    release = threading.Event()
    done: list[str] = []
    c = Cleanups()
    c.register("after", lambda: done.append("after"))
    c.register("hangs", lambda: release.wait(5), timeout_s=0.05)
    assert c.run() == ["hangs"]
    assert done == ["after"]
    release.set()  # let the abandoned daemon thread finish before the leak guard looks
    for t in threading.enumerate():
        if t.name == "kiosk-cleanup-hangs":
            t.join(1)


def test_inline_cleanups_run_on_the_calling_thread() -> None:
    threads: list[str] = []
    c = Cleanups()
    c.register("qt timer", lambda: threads.append(threading.current_thread().name), inline=True)
    c.register("worker", lambda: threads.append(threading.current_thread().name))
    assert c.run() == []
    assert threads == ["kiosk-cleanup-worker", threading.current_thread().name]


def test_a_stop_that_returns_false_counts_as_not_stopped(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """`SerialWorker.stop` and friends return False when their thread is still busy: the
    shutdown must name them (run_app then leaves with os._exit instead of letting the
    interpreter finalize around a thread inside native code, which aborts)."""
    c = Cleanups()
    c.register("fine", lambda: True)
    c.register("nothing to say", lambda: None)
    c.register("busy worker", lambda: False)
    c.register("busy inline", lambda: False, inline=True)
    assert c.run() == ["busy inline", "busy worker"]
    assert "busy worker did not stop" in caplog.text


class _FakeJoins:
    """A clock and `Thread.join` stand-in: each join "waits" its whole timeout (a
    clean-up that hangs) by moving the clock, and is recorded."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.waits: list[tuple[str, float]] = []

    def clock(self) -> float:
        return self.now

    def join(self, thread: threading.Thread, timeout_s: float) -> None:
        self.waits.append((thread.name.removeprefix("kiosk-cleanup-"), timeout_s))
        self.now += timeout_s


def test_the_whole_shutdown_waits_within_one_budget() -> None:
    """The clean-ups' own budgets add up to far more than systemd's TimeoutStopSec (20 s):
    the event uploader's wait for its call in flight (11 s) then the fleet metrics' (11 s)
    alone went past it, and systemd SIGKILLed the kiosk mid-shutdown. Now each waits at
    most what is left of one budget (old code: no budget, 11 + 11 + 8 + 25 s)."""
    from kiosk.lifecycle import SHUTDOWN_BUDGET_S

    fake = _FakeJoins()
    release = threading.Event()
    shares: list[float] = []
    c = Cleanups(clock=fake.clock, join=fake.join)

    def fleet_stop() -> bool:  # its own wait for a call in flight asks for 10 s
        shares.append(c.share(10.0))
        return release.wait()

    c.register("events worker", release.wait, 25.0)
    c.register("fleet metrics", fleet_stop, 11.0)
    c.register("recommend worker", release.wait, 8.0)
    c.register("uploader", release.wait, 11.0)
    c.register("timer", lambda: None, inline=True)  # quick, on this thread: always runs
    try:
        assert c.run(SHUTDOWN_BUDGET_S) == [
            "uploader", "recommend worker", "fleet metrics", "events worker"]
    finally:
        release.set()
        for t in threading.enumerate():
            if t.name.startswith("kiosk-cleanup-"):
                t.join(5)
    assert fake.waits == [("uploader", 11.0), ("recommend worker", 4.0),
                          ("fleet metrics", 0.0), ("events worker", 0.0)]
    assert sum(wait for _name, wait in fake.waits) <= SHUTDOWN_BUDGET_S
    assert shares == [0.0]  # a stop's own timeout gets what is left, not its 10 s
    assert c.time_left() == float("inf")  # outside a run: no budget


def test_a_shutdown_within_its_budget_waits_each_its_own() -> None:
    fake = _FakeJoins()
    c = Cleanups(clock=fake.clock, join=fake.join)
    c.register("camera", lambda: True, 4.0)
    c.register("vision", lambda: True, 5.0)
    assert c.run(15.0) == []
    assert fake.waits == [("vision", 5.0), ("camera", 4.0)]


def test_the_units_stop_timeout_leaves_the_shutdown_its_budget_and_a_margin() -> None:
    """systemd SIGKILLs a kiosk still stopping after TimeoutStopSec; the shutdown's
    budget must fit in it with room for the window, the logs and the exit."""
    import re
    from pathlib import Path

    from kiosk.lifecycle import SHUTDOWN_BUDGET_S, SHUTDOWN_MARGIN_S

    unit = Path(__file__).resolve().parents[1] / "build" / "systemd" / "kiosk.service"
    [value] = re.findall(r"^TimeoutStopSec=(\d+)s?$", unit.read_text(), re.MULTILINE)
    assert float(value) >= SHUTDOWN_BUDGET_S + SHUTDOWN_MARGIN_S
