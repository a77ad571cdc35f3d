"""The catalog indexing yields to the model load until vision is settled (issue #15 §4)."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from kiosk.recommend.catalog import Catalog
from kiosk.recommend.pacing import IndexPacer
from kiosk.testing import FakeClock


class Harness:
    """A thread CPU clock (`kiosk.testing.FakeClock`) that moves 4 ms per reading, as
    if each image took 4 ms of CPU, and a wait that records instead of waiting."""

    def __init__(self) -> None:
        self.clock = FakeClock(0.0)
        self.waits: list[float] = []

    def cpu(self) -> float:
        return self.clock.advance(0.004)

    def wait(self, seconds: float) -> bool:
        self.waits.append(seconds)
        return False  # the time ran out; nothing settled meanwhile


def test_pauses_follow_the_cpu_time_and_stop_once_settled() -> None:
    clock = Harness()
    pacer = IndexPacer(ratio=2.0, min_pause_s=0.005, max_pause_s=0.05,
                       wait=clock.wait, cpu_clock=clock.cpu)
    pacer.start()
    pacer.pause()
    pacer.pause()
    assert clock.waits == pytest.approx([0.008, 0.008])  # 2 × the 4 ms between readings
    pacer.settle("cpu")
    for _ in range(5):
        pacer.pause()
    assert len(clock.waits) == 2 and pacer.pauses == 2
    assert pacer.paused_s == pytest.approx(0.016)


def test_pauses_are_clamped_and_bounded_in_all() -> None:
    clock = Harness()
    pacer = IndexPacer(ratio=100.0, min_pause_s=0.005, max_pause_s=0.05, limit_s=0.12,
                       wait=clock.wait, cpu_clock=clock.cpu)
    pacer.start()
    for _ in range(10):
        pacer.pause()
    # 100 × 4 ms is clamped to 50 ms; the budget of 120 ms ends the pauses
    assert clock.waits == pytest.approx([0.05, 0.05, 0.02])
    assert not pacer.settled


def test_a_wait_ended_by_settle_ends_the_pausing() -> None:
    waits: list[float] = []

    def settled_meanwhile(seconds: float) -> bool:
        waits.append(seconds)
        return True  # as Event.wait returns when set() came during the wait

    pacer = IndexPacer(wait=settled_meanwhile)
    pacer.start()
    pacer.pause()
    pacer.pause()
    assert len(waits) == 1 and pacer.settled


def test_the_real_wait_returns_at_once_after_settle_from_another_thread() -> None:
    pacer = IndexPacer(min_pause_s=60.0, max_pause_s=60.0, limit_s=600.0)
    pacer.start()
    done = threading.Event()

    def index() -> None:
        pacer.pause()  # would wait 60 s unless settled
        done.set()

    thread = threading.Thread(target=index)
    thread.start()
    pacer.settle()
    assert done.wait(10.0), "settle() did not end the pause"
    thread.join()


def test_invalid_settings_are_refused() -> None:
    with pytest.raises(ValueError):
        IndexPacer(min_pause_s=0.1, max_pause_s=0.01)


def test_catalog_pauses_between_decoded_images_only_before_ready(
    catalog_dir: Path, data_dir: Path
) -> None:
    clock = Harness()
    pacer = IndexPacer(wait=clock.wait, cpu_clock=clock.cpu)
    settle_after = 5

    def wait(seconds: float) -> bool:
        clock.wait(seconds)
        if len(clock.waits) == settle_after:
            pacer.settle("vision ready")  # as the GUI thread's slot would, meanwhile
        return False

    pacer._wait = wait
    cat = Catalog(catalog_dir, data_dir / "catalog.sqlite3", pacer=pacer)
    try:
        report = cat.rescan()
        assert len(report.added) == 16  # every image indexed
        assert len(clock.waits) == settle_after  # no pause once vision was ready
        # a normal start decodes nothing, so it does not pause at all
        again = IndexPacer(wait=clock.wait, cpu_clock=clock.cpu)
        cat.pacer = again
        assert cat.rescan().unchanged == 16 and again.pauses == 0
    finally:
        cat.close()


def test_catalog_indexes_everything_when_vision_never_becomes_ready(
    catalog_dir: Path, data_dir: Path
) -> None:
    clock = Harness()
    pacer = IndexPacer(wait=clock.wait, cpu_clock=clock.cpu, limit_s=0.05)
    cat = Catalog(catalog_dir, data_dir / "catalog.sqlite3", pacer=pacer)
    try:
        report = cat.rescan()
        assert len(report.added) == 16 and len(cat.items()) == 16
        assert not pacer.settled
        assert sum(clock.waits) == pytest.approx(0.05)  # the budget, then full speed
        assert 0 < len(clock.waits) < 16
    finally:
        cat.close()


def test_cancel_ends_a_pause_at_once_and_is_a_settle() -> None:
    pacer = IndexPacer(min_pause_s=60.0, max_pause_s=60.0, limit_s=600.0)
    pacer.start()
    pacer.cancel()  # the shutdown, before the indexer's next pause
    pacer.pause()  # would wait 60 s unless settled: returns at once
    assert pacer.cancelled and pacer.settled and pacer.pauses == 0


def test_a_shutdown_stops_the_indexing_and_keeps_what_was_indexed(
    catalog_dir: Path, data_dir: Path
) -> None:
    """kiosk.app cancels the pacer when it stops the recommend worker: a stop during a
    first start's indexing must not wait for the rest of the catalog (under load that
    overran the worker's stop budget and the process aborted at exit)."""
    clock = Harness()
    pacer = IndexPacer(wait=clock.wait, cpu_clock=clock.cpu)
    cancel_after = 3

    def wait(seconds: float) -> bool:
        clock.wait(seconds)
        if len(clock.waits) == cancel_after:
            pacer.cancel()  # as the shutdown would, from the GUI thread, meanwhile
        return False

    pacer._wait = wait
    cat = Catalog(catalog_dir, data_dir / "catalog.sqlite3", pacer=pacer)
    try:
        first = cat.rescan()
        assert len(first.added) == cancel_after and first.removed == ()
        assert len(cat.items()) == cancel_after  # committed, not rolled back
        cat.pacer = IndexPacer(wait=clock.wait, cpu_clock=clock.cpu)
        cat.pacer.settle()
        rest = cat.rescan()  # the next start indexes the rest and removes nothing
        assert len(rest.added) == 16 - cancel_after and rest.unchanged == cancel_after
        assert rest.removed == () and len(cat.items()) == 16
    finally:
        cat.close()


def test_a_pause_does_not_hold_the_manifest_from_other_threads(
    catalog_dir: Path, data_dir: Path
) -> None:
    """The pauses used to keep the catalog's lock: a read from another thread (an item,
    the counts) waited behind every pause of a first start's indexing."""
    clock = Harness()
    pacer = IndexPacer(wait=clock.wait, cpu_clock=clock.cpu)
    read: list[int] = []

    def wait(seconds: float) -> bool:
        clock.wait(seconds)
        if len(clock.waits) == 2:  # during the second pause, another thread reads
            reader = threading.Thread(target=lambda: read.append(sum(cat.counts().values())))
            reader.start()
            reader.join(30.0)  # a bound for the old code, where it waits for the rescan
            assert not reader.is_alive(), "the read waited for the indexing's pause"
        return False

    pacer._wait = wait
    cat = Catalog(catalog_dir, data_dir / "catalog.sqlite3", pacer=pacer)
    try:
        report = cat.rescan()
        assert read == [2] and len(report.added) == 16  # the two indexed so far
    finally:
        cat.close()
