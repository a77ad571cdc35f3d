"""`kiosk-admin report`: JSON shape, CSV tables and the self-contained HTML page."""

from __future__ import annotations

import csv
import json
import time
from pathlib import Path

import pytest

from kiosk.admin.cli import main
from kiosk.analytics import AnalyticsStore, BucketStats, Mix


def seed(data: Path) -> None:
    now = time.time()
    start = now - (now % 300) - 3600
    store = AnalyticsStore(data / "analytics.sqlite3", k=5)
    for i in range(3):
        b = BucketStats(start + 300 * i, 300, pages=4, likes=2, camera_s={"LIVE": 300.0})
        for dwell in (2.0, 6.0, 12.0):
            b.add_visit(dwell, 4.0)
        store.write(b)
    store.write(BucketStats(start + 900, 300),
                Mix(start, start + 900, visits=9, emotions={"HAPPY": 6, "SAD": 3},
                    pages_by_emotion={"HAPPY": 8, "SAD": 4}, likes_by_emotion={"HAPPY": 6},
                    items={"emotions/happy/a.jpg": 4, "emotions/happy/b.jpg": 2}))
    store.close()


def test_json_has_totals_and_buckets(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    seed(tmp_path / "data")
    assert main(["report", "--since", "2h", "--json", "--data-dir", str(tmp_path / "data")]) == 0
    report = json.loads(capsys.readouterr().out)
    t = report["totals"]
    assert (t["visits"], t["engaged"], t["pages"], t["likes"]) == (9, 6, 12, 6)
    assert t["camera_live_pct"] == 100.0
    assert len(report["buckets"]) == 4 and report["buckets"][0]["visits"] == 3
    assert report["like_rate_by_emotion"] == {"HAPPY": 0.75, "SAD": 0.0}
    assert report["top_items"][0] == {"item": "emotions/happy/a.jpg", "likes": 4}


def test_out_writes_csv_and_html_with_charts(tmp_path: Path) -> None:
    seed(tmp_path / "data")
    out = tmp_path / "out"
    assert main(["report", "--out", str(out), "--data-dir", str(tmp_path / "data")]) == 0
    with (out / "buckets.csv").open() as f:
        rows = list(csv.DictReader(f))
    assert [r["visits"] for r in rows] == ["3", "3", "3", "0"]
    page = (out / "report.html").read_text()
    assert page.count("data:image/png;base64,") == 6  # six charts, embedded
    assert "src='http" not in page and "<script" not in page  # self-contained
    assert "emotions/happy/a.jpg" in (out / "top_items.csv").read_text()


def test_missing_database_and_bad_since(tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", "--data-dir", str(tmp_path / "none")]) == 1
    assert "no analytics database" in capsys.readouterr().err
    seed(tmp_path / "data")
    assert main(["report", "--since", "yesterday", "--data-dir", str(tmp_path / "data")]) == 2
    assert "use a duration such as 7d" in capsys.readouterr().err


def test_json_errors_keep_stdout_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", "--json", "--data-dir", str(tmp_path / "none")]) == 1
    out = capsys.readouterr()
    assert "no analytics database" in json.loads(out.out)["error"]
    assert "no analytics database" in out.err


def test_summary_says_what_is_missing_instead_of_none(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # a period with a page but no finished visit and no camera time
    store = AnalyticsStore(tmp_path / "analytics.sqlite3", k=5)
    now = time.time()
    store.write(BucketStats(now - (now % 300) - 600, 300, pages=1, likes=1, crashes=1), None)
    store.close()
    assert main(["report", "--since", "1h", "--data-dir", str(tmp_path)]) == 0
    line = capsys.readouterr().out
    assert "None" not in line
    assert "0 visits (0 engaged), 1 page, 1 like, dwell p50 -- (no finished visits), " \
           "camera LIVE -- (no camera time recorded), 1 crash" in line


def test_summary_prints_measured_numbers(tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    seed(tmp_path)
    assert main(["report", "--since", "2h", "--data-dir", str(tmp_path)]) == 0
    line = capsys.readouterr().out
    assert "12 pages, 6 likes, dwell p50 " in line and " s, camera LIVE 100 %, 0 crashes" in line


def test_the_open_bucket_has_its_camera_time_in_the_report(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`kiosk-admin report` reads only the store: the running kiosk's open bucket is
    there as its early writes (each minute, `Recorder.save_counts`), which had no camera
    time (old code: camera LIVE "--" for a kiosk live the whole open bucket, as a
    closed bucket would not say). Now each early write takes the camera's seconds up
    to then, and the bucket's close writes only the rest."""
    from kiosk.analytics import Recorder
    from kiosk.testing import FakeClock

    data = tmp_path / "data"
    now = time.time()
    clock = FakeClock(now - (now % 300) - 600)  # a bucket boundary, 10 min ago
    store = AnalyticsStore(data / "analytics.sqlite3", k=5)
    rec = Recorder(store, bucket_s=300, clock=clock)
    rec.started()
    rec.camera_state("OPENING")
    clock.now += 2
    rec.camera_state("LIVE")
    clock.now += 58
    rec.save_counts()  # the analytics thread, each minute
    assert main(["report", "--since", "1h", "--json", "--data-dir", str(data)]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["camera_s"]["OPENING"] == 2.0 and report["camera_s"]["LIVE"] == 58.0
    assert report["totals"]["camera_live_pct"] == pytest.approx(96.67)
    clock.now += 30
    rec.save_counts()  # the next minute adds only the seconds since
    clock.now += 10
    rec.close_all()  # the close writes the rest: nothing counted twice
    [bucket] = store.buckets()
    assert bucket.camera_s == {"OPENING": 2.0, "LIVE": 98.0}
    store.close()
