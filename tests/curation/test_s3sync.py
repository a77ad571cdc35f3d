"""Fleet sync against a real S3 API: moto in server mode on 127.0.0.1, reached through
the kiosk's own client factory (no mocked boto3 calls)."""

from __future__ import annotations

import os
import sqlite3
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from moto.server import ThreadedMotoServer

from kiosk.admin.cli import main as admin_main
from kiosk.aws import make_client
from kiosk.config import AwsSettings
from kiosk.curation.errors import SyncError
from kiosk.curation.periodic import PeriodicSync
from kiosk.curation.s3sync import S3Sync, SyncFailure, parse_s3_url
from kiosk.imaging import NOT_READABLE
from kiosk.recommend.catalog import Catalog

from .conftest import all_files, image_bytes, visible_files


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()


@pytest.fixture
def aws(s3_endpoint: str) -> AwsSettings:
    return AwsSettings(region="us-east-1", endpoint_s3=s3_endpoint, read_timeout_s=10.0)


@pytest.fixture
def s3(aws: AwsSettings) -> Any:
    return make_client("s3", aws)


@pytest.fixture
def bucket(s3: Any) -> str:
    name = f"kiosk-{uuid.uuid4().hex[:12]}"
    s3.create_bucket(Bucket=name)
    return name


@pytest.fixture
def syncer(s3: Any, catalog_root: Path, data_dir: Path) -> Iterator[S3Sync]:
    sync = S3Sync(s3, catalog_root, data_dir / "s3sync.sqlite3")
    yield sync
    sync.close()


def put(s3: Any, bucket: str, key: str, data: bytes) -> None:
    s3.put_object(Bucket=bucket, Key=key, Body=data)


def count_gets(s3: Any) -> list[str]:
    """Keys fetched with GetObject from now on."""
    fetched: list[str] = []
    s3.meta.events.register("before-call.s3.GetObject",
                            lambda params, **_: fetched.append(params["url_path"]))
    return fetched


def hidden(folder: Path) -> list[str]:
    return [n for n in all_files(folder) if n.startswith(".")]


def test_parse_s3_url() -> None:
    assert parse_s3_url("s3://my-bucket/emotions/").prefix == "emotions/"
    assert parse_s3_url("s3://my-bucket").prefix == ""
    assert parse_s3_url("s3://my-bucket/a/b").url == "s3://my-bucket/a/b/"
    for bad in ("my-bucket/emotions", "s3://My_Bucket/x", "s3:///x"):
        with pytest.raises(SyncError):
            parse_s3_url(bad)


def test_mirror_download_unchanged_changed_deleted(
    s3: Any, bucket: str, syncer: S3Sync, catalog_root: Path, data_dir: Path
) -> None:
    a, b, c = image_bytes(seed=1), image_bytes(seed=2, fmt="PNG"), image_bytes(seed=3)
    put(s3, bucket, "emotions/happy/a.jpg", a)
    put(s3, bucket, "emotions/sad/b.png", b)
    put(s3, bucket, "emotions/Calm/c.jpg", c)  # folder case does not matter
    put(s3, bucket, "emotions/bored/x.jpg", image_bytes())  # not an emotion
    put(s3, bucket, "emotions/happy/notes.txt", b"hello")  # not an image
    put(s3, bucket, "emotions/happy/deeper/d.jpg", image_bytes())  # not <emotion>/<file>
    put(s3, bucket, "emotions/happy/", b"")  # a folder marker
    put(s3, bucket, "other/happy/e.jpg", image_bytes())  # outside the prefix
    mine = catalog_root / "happy" / "mine.jpg"  # the operator's own image
    mine.write_bytes(image_bytes(seed=4))
    url = f"s3://{bucket}/emotions"

    first = syncer.sync(url)
    assert first.downloaded == ("calm/c.jpg", "happy/a.jpg", "sad/b.png")
    assert first.ignored == ("bored",) and first.failed == () and first.ok
    # named, not downloaded, and no failure (tester round 25 D7: it was passed over)
    assert first.skipped == (SyncFailure("emotions/happy/notes.txt", NOT_READABLE),)
    assert first.bytes_downloaded == len(a) + len(b) + len(c)
    assert (catalog_root / "happy" / "a.jpg").read_bytes() == a
    assert (catalog_root / "calm" / "c.jpg").read_bytes() == c
    assert visible_files(catalog_root / "happy") == ["a.jpg", "mine.jpg"]
    assert all(hidden(catalog_root / e) == [] for e in ("happy", "sad", "calm"))

    catalog = Catalog(catalog_root, data_dir / "catalog.sqlite3")
    catalog.rescan()
    assert {i.id for i in catalog.items()} == {
        "emotions/happy/a.jpg", "emotions/happy/mine.jpg", "emotions/sad/b.png",
        "emotions/calm/c.jpg"}
    catalog.close()

    fetched = count_gets(s3)
    second = syncer.sync(url)
    assert (second.unchanged, second.downloaded, second.updated, second.deleted) == (3, (), (), ())
    assert fetched == [] and second.bytes_downloaded == 0 and not second.changed

    a2 = image_bytes(seed=5)
    put(s3, bucket, "emotions/happy/a.jpg", a2)
    s3.delete_object(Bucket=bucket, Key="emotions/sad/b.png")
    third = syncer.sync(url)
    assert third.updated == ("happy/a.jpg",) and third.deleted == ("sad/b.png",)
    assert third.unchanged == 1 and len(fetched) == 1
    assert (catalog_root / "happy" / "a.jpg").read_bytes() == a2
    assert not (catalog_root / "sad" / "b.png").exists()
    assert mine.read_bytes() == image_bytes(seed=4)  # never touched


def test_operator_files_are_never_overwritten_or_deleted(
    s3: Any, bucket: str, syncer: S3Sync, catalog_root: Path
) -> None:
    same, theirs, ours = image_bytes(seed=10), image_bytes(seed=11), image_bytes(seed=12)
    put(s3, bucket, "emotions/fear/same.jpg", same)
    put(s3, bucket, "emotions/fear/clash.jpg", theirs)
    put(s3, bucket, "emotions/fear/edited.jpg", image_bytes(seed=13))
    (catalog_root / "fear" / "same.jpg").write_bytes(same)  # identical: adopted
    (catalog_root / "fear" / "clash.jpg").write_bytes(ours)  # same name, other image
    url = f"s3://{bucket}/emotions/"

    report = syncer.sync(url)
    assert report.downloaded == ("fear/edited.jpg",) and report.unchanged == 1
    assert [f.path for f in report.failed] == ["emotions/fear/clash.jpg"]
    assert "was not made by the sync; left as is" in report.failed[0].reason
    assert (catalog_root / "fear" / "clash.jpg").read_bytes() == ours

    # An operator edits a synced file; then the object changes and later goes away.
    edited = catalog_root / "fear" / "edited.jpg"
    edited.write_bytes(image_bytes(seed=14))
    put(s3, bucket, "emotions/fear/edited.jpg", image_bytes(seed=15))
    report = syncer.sync(url)
    assert "was changed here since the last sync" in report.failed[-1].reason
    assert edited.read_bytes() == image_bytes(seed=14)
    for key in ("same.jpg", "clash.jpg", "edited.jpg"):
        s3.delete_object(Bucket=bucket, Key=f"emotions/fear/{key}")
    put(s3, bucket, "emotions/calm/keep.jpg", image_bytes(seed=16))
    report = syncer.sync(url)
    assert report.deleted == ("fear/same.jpg",)  # the adopted file is the sync's now
    assert visible_files(catalog_root / "fear") == ["clash.jpg", "edited.jpg"]


def test_an_interrupted_sync_resumes_and_never_shows_a_partial_file(
    s3: Any, bucket: str, syncer: S3Sync, catalog_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for n in range(5):
        put(s3, bucket, f"emotions/happy/{n}.jpg", image_bytes(seed=20 + n))
    real = s3.download_fileobj
    calls = []

    class PowerCut(BaseException):
        pass

    def failing(bucket_: str, key: str, fh: Any, **kwargs: Any) -> None:
        calls.append(key)
        if len(calls) == 3:
            fh.write(b"\xff\xd8\xff half an image")
            fh.flush()
            raise PowerCut()
        real(bucket_, key, fh, **kwargs)

    monkeypatch.setattr(s3, "download_fileobj", failing)
    with pytest.raises(PowerCut):
        syncer.sync(f"s3://{bucket}/emotions")
    assert visible_files(catalog_root / "happy") == ["0.jpg", "1.jpg"]
    # A hard crash would leave its temporary behind: hidden, and swept by the next run.
    stale = catalog_root / "happy" / ".s3sync-2.jpg.0badf00d.part"
    stale.write_bytes(b"\xff\xd8\xff half an image")
    os.utime(stale, (time.time() - 7200, time.time() - 7200))
    running = catalog_root / "happy" / ".s3sync-9.jpg.12345678.part"  # another run's, fresh
    running.write_bytes(b"\xff\xd8\xff")
    monkeypatch.setattr(s3, "download_fileobj", real)

    fetched = count_gets(s3)
    report = syncer.sync(f"s3://{bucket}/emotions")
    assert report.downloaded == ("happy/2.jpg", "happy/3.jpg", "happy/4.jpg")
    assert report.unchanged == 2 and len(fetched) == 3
    assert all_files(catalog_root / "happy") == [running.name, *(f"{n}.jpg" for n in range(5))]
    assert (catalog_root / "happy" / "2.jpg").read_bytes() == image_bytes(seed=22)


def test_per_file_failures_and_the_empty_listing_guard(
    s3: Any, bucket: str, syncer: S3Sync, catalog_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    put(s3, bucket, "e/sad/one.jpg", image_bytes(seed=30))
    put(s3, bucket, "e/sad/two.jpg", image_bytes(seed=31))
    put(s3, bucket, "e/sad/big.jpg", b"x" * 300_000)
    small = S3Sync(s3, catalog_root, syncer_state(syncer), max_image_mb=0.2)
    real = s3.download_fileobj

    def flaky(bucket_: str, key: str, fh: Any, **kwargs: Any) -> None:
        if key.endswith("one.jpg"):
            s3.delete_object(Bucket=bucket_, Key=key)  # gone between listing and download
        real(bucket_, key, fh, **kwargs)

    monkeypatch.setattr(s3, "download_fileobj", flaky)
    report = small.sync(f"s3://{bucket}/e")
    small.close()
    reasons = {f.path: f.reason for f in report.failed}
    assert "larger than recommend.max_image_mb" in reasons["e/sad/big.jpg"]
    assert reasons["e/sad/one.jpg"] == "removed from the bucket during the sync"
    assert report.downloaded == ("sad/two.jpg",) and not report.ok
    assert visible_files(catalog_root / "sad") == ["two.jpg"] and hidden(catalog_root / "sad") == []
    monkeypatch.undo()

    s3.delete_object(Bucket=bucket, Key="e/sad/two.jpg")
    s3.delete_object(Bucket=bucket, Key="e/sad/big.jpg")
    report = syncer.sync(f"s3://{bucket}/e")
    assert report.deleted == () and "nothing deleted" in report.failed[0].reason
    assert visible_files(catalog_root / "sad") == ["two.jpg"]
    report = syncer.sync(f"s3://{bucket}/e", allow_empty=True)
    assert report.deleted == ("sad/two.jpg",) and report.ok


def syncer_state(syncer: S3Sync) -> Path:
    return Path(syncer._db.execute("PRAGMA database_list").fetchone()[2])


def test_listing_errors_are_clear(syncer: S3Sync) -> None:
    with pytest.raises(SyncError, match="bucket 'no-such-bucket-here' does not exist"):
        syncer.sync("s3://no-such-bucket-here/emotions")


def test_bandwidth_and_concurrency_settings(s3: Any, tmp_path: Path) -> None:
    sync = S3Sync(s3, tmp_path / "c", tmp_path / "state.sqlite3", max_bytes_per_s=250_000)
    assert sync.transfer.max_bandwidth == 250_000 and sync.transfer.max_concurrency == 2
    sync.close()


def test_stop_ends_a_run_between_files(s3: Any, bucket: str, syncer: S3Sync) -> None:
    put(s3, bucket, "emotions/calm/a.jpg", image_bytes(seed=60))
    stop = threading.Event()
    stop.set()
    report = syncer.sync(f"s3://{bucket}/emotions", stop=stop)
    assert report.stopped and report.downloaded == () and not report.ok


def test_periodic_sync_runs_and_stops_at_once() -> None:
    ran = threading.Event()
    results: list[Any] = []
    errors: list[BaseException] = []
    calls = []

    def once(stop: threading.Event) -> str:
        calls.append(stop)
        if len(calls) == 1:
            raise RuntimeError("network down")
        ran.set()
        return "ok"

    periodic = PeriodicSync(once, interval_s=0.01, on_result=results.append,
                            on_error=errors.append)
    periodic.interval_s = 0.01
    periodic.start()
    assert ran.wait(5)
    assert periodic.stop(timeout=5)
    assert results[0] == "ok" and str(errors[0]) == "network down"


def test_cli_sync_then_rescan(s3: Any, bucket: str, s3_endpoint: str, tmp_path: Path,
                              data_dir: Path, catalog_root: Path, monkeypatch: pytest.MonkeyPatch,
                              capsys: pytest.CaptureFixture[str]) -> None:
    put(s3, bucket, "emotions/surprised/pop.jpg", image_bytes(seed=70))
    config = tmp_path / "kiosk.toml"
    config.write_text(f'[app]\ndata_dir = "{data_dir.as_posix()}"\n'
                      f'[recommend]\ncatalog_dir = "{catalog_root.as_posix()}"\n'
                      f'[aws]\nregion = "us-east-1"\nendpoint_s3 = "{s3_endpoint}"\n')
    monkeypatch.setattr("kiosk.admin.cli.COMMAND_MODULES", ("kiosk.admin.catalog_cmds",))
    code = admin_main(["--config", str(config), "catalog", "sync", f"s3://{bucket}/emotions",
                       "--max-kbps", "10000"])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "1 downloaded, 0 updated, 0 deleted, 0 unchanged, 0 failed" in out
    assert "catalog: 1 added" in out
    assert (catalog_root / "surprised" / "pop.jpg").is_file()


def test_listing_is_paginated(s3: Any, bucket: str, catalog_root: Path, data_dir: Path) -> None:
    for n in range(23):
        put(s3, bucket, f"emotions/calm/{n:02d}.png", image_bytes(64, 64, fmt="PNG", seed=n))
    pages: list[str] = []
    s3.meta.events.register("before-call.s3.ListObjectsV2",
                            lambda params, **_: pages.append(params["url_path"]))
    sync = S3Sync(s3, catalog_root, data_dir / "s3sync.sqlite3", page_size=10)
    report = sync.sync(f"s3://{bucket}/emotions")
    sync.close()
    assert len(pages) == 3 and len(report.downloaded) == 23
    assert len(visible_files(catalog_root / "calm")) == 23


def test_a_state_from_before_versions_keeps_what_the_sync_owns(
    s3: Any, bucket: str, catalog_root: Path, data_dir: Path
) -> None:
    state = data_dir / "s3sync.sqlite3"
    put(s3, bucket, "emotions/happy/a.jpg", image_bytes(seed=11))
    first = S3Sync(s3, catalog_root, state)
    assert first.sync(f"s3://{bucket}/emotions").downloaded == ("happy/a.jpg",)
    first.close()
    conn = sqlite3.connect(state, isolation_level=None)
    conn.execute("PRAGMA user_version = 0")  # what the sync wrote before versions
    conn.close()

    again = S3Sync(s3, catalog_root, state)
    try:
        fetched = count_gets(s3)
        report = again.sync(f"s3://{bucket}/emotions")
        assert (report.unchanged, report.downloaded, fetched) == (1, (), [])
        s3.delete_object(Bucket=bucket, Key="emotions/happy/a.jpg")
        put(s3, bucket, "emotions/sad/b.jpg", image_bytes(seed=12))
        # still owned: deleted with its object
        assert again.sync(f"s3://{bucket}/emotions").deleted == ("happy/a.jpg",)
    finally:
        again.close()
    with sqlite3.connect(state) as check:
        assert check.execute("PRAGMA user_version").fetchone()[0] == 1
    check.close()


def test_a_state_from_a_newer_kiosk_is_a_sync_error(
    s3: Any, catalog_root: Path, data_dir: Path
) -> None:
    state = data_dir / "s3sync.sqlite3"
    S3Sync(s3, catalog_root, state).close()
    with sqlite3.connect(state) as conn:
        conn.execute("PRAGMA user_version = 2")
    conn.close()
    with pytest.raises(SyncError, match="version 2, newer than this kiosk"):
        S3Sync(s3, catalog_root, state)
