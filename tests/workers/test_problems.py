"""Worker errors reach the GUI thread as one operator line each (kiosk.workers.problems)."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from PySide6.QtCore import QObject, Signal
from pytestqt.qtbot import QtBot

from kiosk.testing import FakeClock
from kiosk.workers.problems import WorkerProblems
from kiosk.workers.runner import SerialWorker


class FrameSource(QObject):
    """Stands in for VisionWorker: only its `errored(str)` signal."""

    errored = Signal(str)


@pytest.fixture
def worker() -> Iterator[SerialWorker]:
    w = SerialWorker("recommend")
    w.start()
    yield w
    assert w.stop(2.0)


def test_a_failed_job_becomes_a_line_on_the_gui_thread(qtbot: QtBot,
                                                       worker: SerialWorker) -> None:
    problems = WorkerProblems(clock=FakeClock(0.0))
    problems.watch_jobs("recommend", worker)
    threads: list[str] = []
    problems.reported.connect(lambda _line: threads.append(threading.current_thread().name))

    def page() -> None:
        raise OSError("catalog folder unreadable")

    with qtbot.waitSignal(problems.reported, timeout=2000) as blocker:
        worker.submit(page)
    line = blocker.args[0]
    assert "recommend: " in line and "page failed: catalog folder unreadable" in line
    assert line.endswith("(1 error since start)") and problems.last == line
    assert threads == [threading.main_thread().name]


def test_frames_and_jobs_are_counted_together(qtbot: QtBot, worker: SerialWorker) -> None:
    problems, frames = WorkerProblems(clock=FakeClock(0.0)), FrameSource()
    problems.watch_jobs("events", worker)
    problems.watch_frames("vision", frames)  # type: ignore[arg-type]
    emitter = threading.Thread(target=frames.errored.emit, args=("model output has NaN",))
    with qtbot.waitSignal(problems.reported, timeout=2000):
        emitter.start()
    emitter.join()
    assert "vision: a frame failed: model output has NaN (1 error" in problems.last
    with qtbot.waitSignal(problems.reported, timeout=2000):
        worker.submit(int, "not a number")
    assert "events: " in problems.last and "(2 errors since start)" in problems.last
    assert problems.count == 2
