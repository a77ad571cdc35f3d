"""A known error (a `KioskError`, e.g. no catalog folder) is logged once, as one ERROR
line without a traceback, however many jobs hit it; the admin panel still hears of
every failure; an unexpected exception keeps its traceback every time."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from kiosk.backend import KioskBackend
from kiosk.config import load_settings
from kiosk.domain import Emotion, RecommendMode
from kiosk.errors import KioskError
from kiosk.workers.problems import WorkerProblems
from kiosk.workers.runner import SerialWorker

RUNNER = "kiosk.workers.runner"


def _errors(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == RUNNER and r.levelno >= logging.ERROR]


def test_a_missing_catalog_folder_is_one_error_line_without_a_traceback(
        worker: SerialWorker, qtbot: QtBot, tmp_path: Path,
        caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    settings = load_settings(env={}, overrides={
        "app.data_dir": str(tmp_path / "data"),
        "recommend.catalog_dir": str(tmp_path / "nocat"),
    })
    backend = KioskBackend.from_settings(settings)
    problems = WorkerProblems(clock=lambda: 0.0)
    problems.watch_jobs("recommend", worker)
    failed: list[BaseException] = []
    # what the kiosk asks at start-up, then a visitor tapping Next four times
    worker.submit(backend.open, False, on_error=failed.append)
    worker.submit(backend.attract_images, 8, on_error=failed.append)
    for request in range(1, 5):
        worker.submit(backend.page, request, "v1", Emotion.HAPPY, None,
                      RecommendMode.EMOTION, 6, on_error=failed.append)
    qtbot.waitUntil(lambda: len(failed) == 6 and problems.count == 6, timeout=5000)

    # logged once where it was found (the back end's catalog watch), not by the worker
    errors = [r for r in caplog.records if r.name.startswith("kiosk")
              and r.levelno >= logging.ERROR]
    assert len(errors) == 1, [r.getMessage() for r in errors]
    assert errors[0].exc_info is None and errors[0].exc_text is None
    assert "Traceback" not in caplog.text
    assert f"catalog folder {tmp_path / 'nocat'} does not exist" in errors[0].getMessage()
    assert "set recommend.catalog_dir" in errors[0].getMessage()
    # every failure is a known error with the same clear message ...
    assert all(isinstance(exc, KioskError) for exc in failed)
    assert {str(exc) for exc in failed} == {str(failed[0])}
    # ... and the admin panel's "Last problem" says it, counting each request
    assert "KioskBackend.page failed: catalog folder" in problems.last
    assert "(6 errors since start)" in problems.last
    assert "recommendations unavailable" in backend.status().problem


def test_a_known_error_is_logged_again_when_it_changes_or_comes_back(
        worker: SerialWorker, qtbot: QtBot, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger=RUNNER)
    answers: list[str] = ["broken A", "broken A", "broken B", "", "broken B"]
    done: list[object] = []

    def job() -> str:
        message = answers.pop(0)
        if message:
            raise KioskError(message)
        return "ok"

    for _ in range(5):
        worker.submit(job, on_result=done.append, on_error=done.append)
    qtbot.waitUntil(lambda: len(done) == 5, timeout=5000)
    # A once, B when it differs, B again after the job worked in between
    assert [r.getMessage().rsplit(": ", 1)[1] for r in _errors(caplog)] == [
        "broken A", "broken B", "broken B"]
    assert all(r.exc_info is None for r in _errors(caplog))


def test_an_unexpected_exception_keeps_its_traceback_every_time(
        worker: SerialWorker, qtbot: QtBot, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger=RUNNER)
    failed: list[BaseException] = []

    def boom() -> None:
        raise ValueError("index out of range")

    for _ in range(3):
        worker.submit(boom, on_error=failed.append)
    qtbot.waitUntil(lambda: len(failed) == 3, timeout=5000)
    errors = _errors(caplog)
    assert len(errors) == 3
    assert all(r.exc_info is not None and r.exc_info[0] is ValueError for r in errors)
    assert caplog.text.count("Traceback") == 3
