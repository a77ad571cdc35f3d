"""The local register: ids and dates only, retention by enrolment date, forget moves a
visitor's faces to pending deletions in one step."""

from __future__ import annotations

import json
import sqlite3
import sys
from pathlib import Path

import pytest

from kiosk.config import Settings
from kiosk.identity.errors import RegisterError
from kiosk.identity.register import IdentityRegister, register_path

from .conftest import Clock, face_id


def test_the_schema_holds_no_images(register: IdentityRegister) -> None:
    schema = register.columns()
    assert set(schema) == {"enrolments", "pending_deletions", "pending_enrolments"}
    assert set(schema["pending_enrolments"]) == {"user_id", "requested_at"}
    assert set(schema["enrolments"]) == {"user_id", "face_id", "enrolled_at", "last_seen_at"}
    for table, columns in schema.items():
        for name, declared in columns.items():
            assert declared.upper() in ("TEXT", "REAL"), (table, name, declared)
            assert not any(word in name for word in ("image", "crop", "jpeg", "vector", "blob"))


def test_no_blob_is_ever_stored(register: IdentityRegister) -> None:
    register.add("u1", face_id())
    register.forget("u1")
    with sqlite3.connect(register.path) as conn:
        for table in ("enrolments", "pending_deletions"):
            types = conn.execute(
                f"SELECT DISTINCT typeof(user_id), typeof(face_id) FROM {table}"
            ).fetchall()
            assert all("blob" not in row for row in types)


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX file modes")
def test_the_register_file_is_private(register: IdentityRegister) -> None:
    assert register.path.stat().st_mode & 0o077 == 0


def test_add_get_touch(register: IdentityRegister, clock: Clock) -> None:
    fid = face_id()
    added = register.add("u1", fid)
    assert register.get("u1") == added and added.enrolled_at == clock.now
    clock.advance_days(2)
    assert register.touch("u1")
    row = register.get("u1")
    assert row is not None and row.last_seen_at == clock.now
    assert row.enrolled_at == added.enrolled_at
    assert register.get("nobody") is None and not register.touch("nobody")


def test_purge_older_than_returns_and_removes_only_old_rows(
    register: IdentityRegister, clock: Clock
) -> None:
    old, new = face_id(), face_id()
    register.add("old", old)
    clock.advance_days(31)
    register.add("new", new)
    assert register.count_expired(30) == 1
    purged = register.purge_older_than(30)
    assert [(r.user_id, r.face_id) for r in purged] == [("old", old)]
    assert [e.user_id for e in register.enrolments()] == ["new"]
    assert [(p.face_id, p.reason) for p in register.pending()] == [(old, "retention")]
    assert register.is_forgotten("old") and not register.is_forgotten("new")
    assert register.purge_older_than(30) == []  # idempotent


def test_an_enrolment_dated_in_the_future_is_purged_with_a_warning(
    register: IdentityRegister, clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    # the clock ran a year ahead when "ahead" enrolled; NTP then set it right. By its
    # date it would stay a year past the retention: its age cannot be known.
    clock.advance_days(365)
    register.add("ahead", face_id())
    clock.advance_days(-365)
    register.add("now", face_id())
    clock.advance_days(0.5)  # within the tolerance: a small correction is not a jump
    register.add("slightly-ahead", face_id())
    clock.advance_days(-0.5)
    assert register.count_expired(30) == 1
    flagged = {e["user_id"]: e.get("dated_in_future") for e in register.export()["enrolments"]}
    assert flagged == {"ahead": True, "now": None, "slightly-ahead": None}  # the export says so
    with caplog.at_level("WARNING", logger="kiosk.identity.register"):
        purged = register.purge_older_than(30)
    assert [r.user_id for r in purged] == ["ahead"]
    assert sorted(e.user_id for e in register.enrolments()) == ["now", "slightly-ahead"]
    assert [p.reason for p in register.pending()] == ["retention"]
    assert "in the future" in caplog.text and "365 days" in caplog.text
    assert register.purge_older_than(30) == [] and register.count_expired(30) == 0


def test_a_touch_does_not_extend_retention(register: IdentityRegister, clock: Clock) -> None:
    register.add("u1", face_id())
    clock.advance_days(29)
    register.touch("u1")
    clock.advance_days(2)
    assert [r.user_id for r in register.purge_older_than(30)] == ["u1"]


def test_forget_removes_the_enrolment_at_once(register: IdentityRegister) -> None:
    fid, extra = face_id(), face_id()
    register.add("u1", fid)
    register.add("u2", face_id())
    faces = register.forget("u1", [extra])
    assert sorted(faces) == sorted([fid, extra])
    assert register.get("u1") is None and register.get("u2") is not None
    assert register.is_forgotten("u1")
    assert register.deletion_confirmed(faces) == 2
    assert register.pending() == [] and not register.has_pending()


def test_export_lists_everything_held(register: IdentityRegister) -> None:
    register.add("u1", "f1")
    register.add("u2", "f2")
    register.forget("u2")
    data = register.export()
    json.dumps(data)  # JSON-ready
    assert [e["user_id"] for e in data["enrolments"]] == ["u1"]
    assert data["enrolments"][0]["enrolled_at"].endswith("+00:00")
    assert [(p["face_id"], p["reason"]) for p in data["pending_deletions"]] == [("f2", "forget")]


def test_negative_days_are_refused(register: IdentityRegister) -> None:
    with pytest.raises(ValueError):
        register.purge_older_than(-1)


def test_path_follows_the_data_dir(tmp_path: Path) -> None:
    settings = Settings().with_overrides({"app.data_dir": str(tmp_path / "d")}, "test")
    assert register_path(settings) == tmp_path / "d" / "identity.sqlite3"
    assert IdentityRegister.from_settings(settings).path.is_file()


def test_an_unreadable_register_says_what_to_do(tmp_path: Path) -> None:
    path = tmp_path / "identity.sqlite3"
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(RegisterError, match=str(path)):
        IdentityRegister(path)


# The schema as the register wrote it before `kiosk.storage` (version 2; version 1 had
# no pending_enrolments, and the first files no version at all).
_TODAY = """
CREATE TABLE enrolments (user_id TEXT PRIMARY KEY, face_id TEXT NOT NULL UNIQUE,
    enrolled_at REAL NOT NULL, last_seen_at REAL NOT NULL);
CREATE INDEX enrolments_enrolled_at ON enrolments (enrolled_at);
CREATE TABLE pending_deletions (face_id TEXT PRIMARY KEY, user_id TEXT NOT NULL,
    requested_at REAL NOT NULL, reason TEXT NOT NULL);
CREATE INDEX pending_deletions_user ON pending_deletions (user_id);
"""


@pytest.mark.parametrize("version", [0, 1, 2])
def test_a_register_written_before_versioned_steps_keeps_its_rows(
    tmp_path: Path, version: int
) -> None:
    path = tmp_path / "identity.sqlite3"
    with sqlite3.connect(path) as conn:
        conn.executescript(_TODAY)
        if version == 2:
            conn.execute("CREATE TABLE pending_enrolments (user_id TEXT PRIMARY KEY,"
                         " requested_at REAL NOT NULL)")
            conn.execute("INSERT INTO pending_enrolments VALUES ('u9', 5.0)")
        conn.execute("INSERT INTO enrolments VALUES ('u1', 'f1', 1.0, 2.0)")
        conn.execute("INSERT INTO pending_deletions VALUES ('f0', 'u0', 3.0, 'forget')")
        conn.execute(f"PRAGMA user_version = {version}")
    conn.close()
    register = IdentityRegister(path)
    enrolment = register.get("u1")
    assert enrolment is not None and (enrolment.face_id, enrolment.enrolled_at) == ("f1", 1.0)
    assert [(p.face_id, p.reason) for p in register.pending()] == [("f0", "forget")]
    assert register.unsettled() == ([("u9", 5.0)] if version == 2 else [])
    register.intend("u2")  # the table added by version 2 is there
    with sqlite3.connect(path) as check:
        assert check.execute("PRAGMA user_version").fetchone()[0] == 2
        assert check.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    check.close()


def test_a_register_from_a_newer_kiosk_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "identity.sqlite3"
    IdentityRegister(path).add("u1", face_id())
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA user_version = 3")
    conn.close()
    with pytest.raises(RegisterError, match="version 3, newer than this kiosk"):
        IdentityRegister(path)
    with sqlite3.connect(path) as check:
        assert check.execute("SELECT user_id FROM enrolments").fetchall() == [("u1",)]
    check.close()
