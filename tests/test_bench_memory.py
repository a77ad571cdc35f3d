"""`python -m kiosk.bench memory`: its /proc reader and its report without the faces.
(A run of the real app in the test process quits the QApplication's event loop, which
later tests need; the bench is run as `python -m kiosk.bench memory`.)"""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.bench import memory, memory_process


def test_read_status_parses_the_memory_lines(tmp_path: Path) -> None:
    status = tmp_path / "status"
    status.write_text("Name:\tpython\nVmHWM:\t  483732 kB\nVmRSS:\t  471040 kB\n"
                      "RssAnon:\t  317672 kB\nRssFile:\t  153368 kB\nThreads:\t12\n")
    assert memory.read_status(status) == {"hwm_mb": 472, "rss_mb": 460, "anon_mb": 310,
                                          "file_mb": 149, "threads": 12}
    assert memory.read_status(tmp_path / "missing") == {}


def test_without_the_faces_it_says_why(tmp_path: Path) -> None:
    result = memory.run(["--faces", str(tmp_path)])
    assert "real faces not found" in result["error"]


def test_the_kiosk_log_tells_visits_and_pages_turned_by_next() -> None:
    log = memory_process.LogState()
    lines = [
        "... INFO    MainThread kiosk.startup: start-up: vision ready at 3.1 s after launch; x",
        "... INFO    kiosk-recommend kiosk.recommend.catalog: catalog /c: 0 added, 0 updated",
        "... INFO    MainThread kiosk.controllers.visit: visit 5b7e4ca1 started",
        "... INFO    MainThread kiosk.controllers.visit: page 0 shown: HAPPY, emotion, 3 items",
        "... INFO    MainThread kiosk.controllers.visit: page 1 shown: HAPPY, emotion, 3 items",
    ]
    for line in lines:
        log.feed(line, 4.0)
    assert (log.in_visit, log.visits, log.pages, log.next_pages) == (True, 1, 2, 1)
    assert log.vision_ready_s == 4.0 and log.catalog_done
    log.feed("... INFO    MainThread kiosk.controllers.visit: visit 5b7e4ca1 ended", 5.0)
    assert not log.in_visit


def test_the_slope_is_fitted_after_the_settling_time() -> None:
    samples = [{"t_s": 0.0, "rss_mb": 100}, {"t_s": 60.0, "rss_mb": 400},
               {"t_s": 120.0, "rss_mb": 401}, {"t_s": 180.0, "rss_mb": 402},
               {"t_s": 240.0, "rss_mb": 403}]
    assert memory_process.slope_mb_per_hour(samples, after_s=60.0) == 60.0
    assert memory_process.slope_mb_per_hour(samples[:3], after_s=60.0) is None


def test_read_memory_of_this_process_has_pss() -> None:
    import os

    figures = memory_process.read_memory(os.getpid())
    if not figures:
        pytest.skip("no /proc here")
    assert figures["pss_mb"] > 0 and figures["rss_mb"] >= figures["pss_mb"] * 0.5
    assert memory_process.read_memory(2**22 + 7) == {}


def test_a_bundle_that_is_not_built_is_named(tmp_path: Path) -> None:
    if memory_process.missing_tools():
        pytest.skip("no Xvfb/xdotool")
    faces = Path(memory.FACES)
    if not (faces / "labels.csv").is_file():
        pytest.skip("no real faces")
    result = memory.run(["--variant", "bundle", "--bundle", str(tmp_path / "kiosk")])
    assert "not built" in result["error"]


def test_a_measured_kiosk_gets_its_own_settings_and_folders(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from kiosk.bench.isolation import isolated_env

    monkeypatch.setenv("KIOSK_CONFIG", "/etc/kiosk.toml")
    monkeypatch.setenv("KIOSK_APP__LANGUAGE", "ko")
    monkeypatch.setenv("PYTHONDONTWRITEBYTECODE", "1")
    env = isolated_env(tmp_path, "xcb", drop=("PYTHONDONTWRITEBYTECODE",), DISPLAY=":9")
    assert env["KIOSK_CONFIG"] == str(tmp_path / "kiosk.toml")
    assert "KIOSK_APP__LANGUAGE" not in env and "PYTHONDONTWRITEBYTECODE" not in env
    assert env["QT_QPA_PLATFORM"] == "xcb" and env["DISPLAY"] == ":9"
    assert all(env[f"XDG_{k}_HOME"].startswith(str(tmp_path))
               for k in ("DATA", "STATE", "CONFIG", "CACHE"))
