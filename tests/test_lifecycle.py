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
