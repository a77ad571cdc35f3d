"""`kiosk-admin events status | flush | export FILE | retry-dead`."""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from kiosk.admin.events_cmds import register
from kiosk.config import Settings, load_settings
from kiosk.domain import Emotion, Like
from kiosk.events.queue import EventQueue
from kiosk.events.testing import FakePersonalizeEvents, Mode
from kiosk.events.uploader import Uploader

from .conftest import TRACKING_ID


def _run(argv: list[str], settings: Settings) -> int:
    parser = argparse.ArgumentParser(prog="kiosk-admin")
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    args.settings = settings
    result: int = args.func(args)
    return result


def _settings(db: Path, **extra: Any) -> Settings:
    return load_settings(overrides={"events.db_path": str(db), **extra})


def _online(db: Path, url: str) -> Settings:
    return _settings(db, **{
        "personalize.tracking_id": TRACKING_ID, "aws.region": "us-east-1",
        "aws.endpoint_personalize_events": url,
        "aws.connect_timeout_s": 1.0, "aws.read_timeout_s": 1.0,
    })


@pytest.fixture
def filled(db_path: Path, new_like: Callable[..., Like]) -> list[str]:
    with EventQueue(db_path) as q:
        likes = [new_like() for _ in range(3)]
        rows = [q.record_like(x) for x in likes]
        q.record_user("user-1", Emotion.HAPPY)
        q.dead_letter(rows[:1], "InvalidInputException", "bad item")
    return [x.event_id for x in likes]


def test_status_prints_json(
    db_path: Path, filled: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert _run(["events", "status"], _settings(db_path)) == 0
    status = json.loads(capsys.readouterr().out)
    assert status["pending"] == 3
    assert status["pending_by_kind"] == {"event": 2, "impression": 0, "user": 1, "item": 0}
    assert status["dead"] == 1 and status["dead_by_error"] == {"InvalidInputException": 1}
    assert status["upload_configured"] == {"events": False, "users": False, "items": False}
    assert status["path"] == str(db_path)


def test_export_writes_dead_letters(
    db_path: Path, tmp_path: Path, filled: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "export" / "dead.jsonl"
    out.parent.mkdir()
    assert _run(["events", "export", str(out)], _settings(db_path)) == 0
    lines = [json.loads(x) for x in out.read_text().splitlines()]
    assert [x["recordId"] for x in lines] == filled[:1]
    assert "1 record(s) written" in capsys.readouterr().err

    assert _run(["events", "export", "-", "--pending"], _settings(db_path)) == 0
    assert len(capsys.readouterr().out.splitlines()) == 4


def test_export_to_a_missing_folder_fails_cleanly(
    db_path: Path, tmp_path: Path, filled: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert _run(["events", "export", str(tmp_path / "no" / "x.jsonl")], _settings(db_path)) == 1
    assert "cannot export" in capsys.readouterr().err


def test_retry_dead_requeues(db_path: Path, filled: list[str]) -> None:
    assert _run(["events", "retry-dead", "--error", "InvalidInputException"],
                _settings(db_path)) == 0
    with EventQueue(db_path) as q:
        assert q.counts().dead == 0 and q.counts().pending_total == 4


def test_flush_without_a_tracking_id_says_what_to_set(
    db_path: Path, filled: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert _run(["events", "flush"], _settings(db_path)) == 1  # 2 is for bad arguments
    assert "personalize.tracking_id" in capsys.readouterr().err


def test_status_accepts_json_like_the_other_commands(
    db_path: Path, filled: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert _run(["events", "status", "--json"], _settings(db_path)) == 0
    assert json.loads(capsys.readouterr().out)["pending"] == 3


@pytest.mark.parametrize("command", [["status"], ["export", "-"], ["retry-dead"], ["flush"]])
def test_a_folder_without_a_queue_is_named_not_filled_with_a_new_one(
    tmp_path: Path, command: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    typo = tmp_path / "typo" / "events.sqlite3"
    settings = _settings(typo, **{"personalize.tracking_id": TRACKING_ID})
    assert _run(["events", *command], settings) == 1
    err = capsys.readouterr().err
    assert f"no event queue at {typo}" in err and "--data-dir" in err
    assert not typo.exists()


def test_flush_uploads_and_reports(
    db_path: Path, filled: list[str], endpoint: FakePersonalizeEvents,
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert _run(["events", "flush", "--timeout", "10"], _online(db_path, endpoint.url)) == 0
    status = json.loads(capsys.readouterr().out)
    assert status["drained"] is True and status["online"] is True
    assert sorted(endpoint.accepted_event_ids) == sorted(filled[1:])
    assert status["pending_by_kind"]["user"] == 1  # no users dataset configured


def test_flush_offline_fails_with_the_error(
    db_path: Path, filled: list[str], endpoint: FakePersonalizeEvents,
    capsys: pytest.CaptureFixture[str],
) -> None:
    endpoint.set_mode(Mode.REFUSE)
    assert _run(["events", "flush", "--timeout", "10"], _online(db_path, endpoint.url)) == 1
    captured = capsys.readouterr()
    assert json.loads(captured.out)["online"] is False
    assert "EndpointConnectionError" in captured.err


def _scribble(db_path: Path, n_likes: int, new_like: Callable[..., Like]) -> None:
    with EventQueue(db_path, synchronous="NORMAL") as q:
        for _ in range(n_likes):
            q.record_like(new_like())
        page = q._page_size
    with db_path.open("r+b") as fh:  # damage pages in the middle, header intact
        fh.seek(page * 3)
        fh.write(b"\xff" * page * 4)


def test_self_test_runs_the_integrity_check(
    db_path: Path, new_like: Callable[..., Like]
) -> None:
    from kiosk.selftest import check_events_db

    settings = _settings(db_path)
    with EventQueue(db_path) as q:
        q.record_like(new_like())
    ok = check_events_db(settings)
    assert ok.status == "PASS" and "integrity ok, 1 pending" in ok.detail
    _scribble(db_path, 300, new_like)
    bad = check_events_db(settings)
    assert bad.status == "FAIL" and "damaged" in bad.detail
    assert not list(db_path.parent.glob("*.damaged-*"))  # the self-test moves nothing


def test_admin_reports_a_damaged_queue_and_leaves_it_in_place(
    db_path: Path, new_like: Callable[..., Like], capsys: pytest.CaptureFixture[str]
) -> None:
    db_path.parent.mkdir(parents=True)
    db_path.write_bytes(b"SQLite format 3\x00" + b"\x07" * 5000)
    assert _run(["events", "status"], _settings(db_path)) == 1
    assert "damaged" in capsys.readouterr().err
    assert not list(db_path.parent.glob("*.damaged-*"))


def test_admin_reports_a_full_disk_with_exit_1(
    db_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from kiosk.errors import DiskFullError

    def full(*args: Any, **kwargs: Any) -> int:
        raise DiskFullError(db_path, "save to the event queue")

    EventQueue(db_path).close()
    monkeypatch.setattr(EventQueue, "retry_dead", full)
    assert _run(["events", "retry-dead"], _settings(db_path)) == 1
    assert "is full" in capsys.readouterr().err


def test_status_shows_what_the_kiosks_uploader_recorded(
    db_path: Path, queue: EventQueue, endpoint: FakePersonalizeEvents,
    make_uploader: Callable[..., Uploader], new_like: Callable[..., Like],
    capsys: pytest.CaptureFixture[str],
) -> None:
    # before: `events status` printed only the queue's counts; remote IT could not tell
    # a kiosk waiting to retry from one failing for hours
    assert _run(["events", "status"], _settings(db_path)) == 0
    assert json.loads(capsys.readouterr().out)["uploader_recorded_at"] is None

    endpoint.set_mode(Mode.REFUSE)
    queue.record_like(new_like())
    kiosk = make_uploader(offline_retry_s=30.0, base_backoff_s=20.0, max_backoff_s=30.0)
    kiosk.start()
    assert not kiosk.flush(10.0)  # answered once the failed try is written down
    assert _run(["events", "status"], _settings(db_path)) == 0
    status = json.loads(capsys.readouterr().out)
    assert status["uploader_state"] == "offline" and status["online"] is False
    assert "EndpointConnectionError" in status["last_error"]
    assert status["last_error_at"] > 0 and status["last_success_at"] is None
    assert 0 < status["retry_in_s"] <= 30.0
    assert status["pending"] == 1

    assert kiosk.stop()
    assert _run(["events", "status"], _settings(db_path)) == 0
    status = json.loads(capsys.readouterr().out)
    assert status["uploader_state"] == "stopped" and status["retry_in_s"] is None


def test_flush_from_the_shell_waits_for_the_kiosks_call_instead_of_sending_it_again(
    db_path: Path, queue: EventQueue, make_uploader: Callable[..., Uploader],
    new_like: Callable[..., Like], capsys: pytest.CaptureFixture[str],
) -> None:
    # before: `events flush` run while the kiosk was uploading sent the same batch at
    # the same time
    like = new_like()
    queue.record_like(like)
    with FakePersonalizeEvents(Mode.SLOW, slow_s=2.0) as endpoint:
        kiosk = make_uploader(url=endpoint.url)
        kiosk.start()
        assert endpoint.wait_for(lambda e: len(e.calls()) == 1, timeout=10.0)
        assert _run(["events", "flush", "--timeout", "20"], _online(db_path, endpoint.url)) == 0
        assert json.loads(capsys.readouterr().out)["drained"] is True
        assert [c.event_ids for c in endpoint.calls()] == [[like.event_id]]
