"""SerialWorker: jobs run off the GUI thread, in order; results and errors come back."""

from __future__ import annotations

import threading

from pytestqt.qtbot import QtBot

from kiosk.workers.runner import SerialWorker


def test_runs_off_the_gui_thread_and_delivers_on_it(worker: SerialWorker, qtbot: QtBot) -> None:
    seen: list[tuple[str, str]] = []
    gui = threading.current_thread().name

    def job() -> str:
        return threading.current_thread().name

    with qtbot.waitSignal(worker.finished, timeout=2000):
        worker.submit(
            job, on_result=lambda name: seen.append((name, threading.current_thread().name))
        )
    assert seen == [("kiosk-test", gui)]


def test_jobs_run_in_order(worker: SerialWorker, qtbot: QtBot) -> None:
    results: list[int] = []
    for i in range(20):
        worker.submit(lambda i=i: i, on_result=results.append)
    qtbot.waitUntil(lambda: len(results) == 20, timeout=2000)
    assert results == list(range(20))


def test_exception_becomes_error_signal_and_callback(worker: SerialWorker, qtbot: QtBot) -> None:
    errors: list[BaseException] = []

    def boom() -> None:
        raise ValueError("disk on fire")

    with qtbot.waitSignal(worker.errored, timeout=2000) as blocker:
        worker.submit(boom, on_error=errors.append)
    assert blocker.args == ["test_exception_becomes_error_signal_and_callback.<locals>.boom",
                            "disk on fire"]
    qtbot.waitUntil(lambda: bool(errors), timeout=2000)
    assert isinstance(errors[0], ValueError)
    # the worker survives a failed job
    with qtbot.waitSignal(worker.finished, timeout=2000):
        worker.submit(lambda: 1, on_result=lambda _: None)


def test_stop_is_prompt_and_drops_queued_jobs(qtbot: QtBot) -> None:
    w = SerialWorker("stopper")
    w.start()
    release = threading.Event()
    ran: list[int] = []
    w.submit(release.wait, 5)
    for i in range(5):
        w.submit(ran.append, i)
    closed: list[str] = []
    stopped = threading.Thread(
        target=lambda: w.stop(2.0, last=lambda: closed.append(threading.current_thread().name))
    )
    stopped.start()  # stop() drops the queued jobs while the first one still runs
    w._stopping.wait(2.0)
    release.set()
    stopped.join(3.0)
    assert ran == []  # queued jobs were dropped ...
    assert closed == ["kiosk-stopper"]  # ... but the final clean-up ran, on the worker
    w.submit(ran.append, 99)  # after stop: ignored, not an error
    assert 99 not in ran
