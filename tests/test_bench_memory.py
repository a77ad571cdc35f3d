"""`python -m kiosk.bench memory`: its /proc reader and its report without the faces.
(A run of the real app in the test process quits the QApplication's event loop, which
later tests need; the bench is run as `python -m kiosk.bench memory`.)"""

from __future__ import annotations

from pathlib import Path

from kiosk.bench import memory


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
