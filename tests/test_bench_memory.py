"""`python -m kiosk.bench memory`: its /proc reader and a short run of the real app."""

from __future__ import annotations

from pathlib import Path

import pytest

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


@pytest.mark.faces
@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/status").is_file(), reason="reads Linux /proc")
def test_a_short_run_samples_the_running_kiosk(faces_dir: Path) -> None:
    result = memory.run(["--seconds", "4", "--every", "1", "--absent", "1", "--segment", "0.5",
                         "--size", "800x600",
                         "--faces", str(faces_dir)])
    assert result["samples"] and all("rss_mb" in s for s in result["samples"])
    assert result["peak_rss_mb"] >= result["steady_rss_mb"] > 50
    assert result["target_mb"] == 400.0
