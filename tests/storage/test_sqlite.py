"""The one way to open a SQLite store: create, upgrade, refuse, read only."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from kiosk.errors import DiskFullError, KioskError
from kiosk.storage import sqlite as store
from kiosk.storage.sqlite import (
    NewerStoreError,
    NotADatabaseError,
    ReadOnlyStoreError,
    Schema,
    StoreBusyError,
    StoreError,
    StoreOpenError,
    WalUnavailableError,
    connect,
    open_store,
    user_version,
    write_refused,
)

ROOT = Path(__file__).resolve().parents[2]

V1 = """
CREATE TABLE IF NOT EXISTS notes (
    id INTEGER PRIMARY KEY,
    text TEXT NOT NULL DEFAULT 'a;b'   -- a ';' in a comment; and in a string
);
CREATE INDEX IF NOT EXISTS notes_text ON notes (text);
CREATE TRIGGER IF NOT EXISTS notes_no_empty BEFORE INSERT ON notes
WHEN NEW.text = '' BEGIN SELECT RAISE(ABORT, 'empty note'); END;
"""
V2 = "ALTER TABLE notes ADD COLUMN stars INTEGER NOT NULL DEFAULT 0"


def _tags(conn: sqlite3.Connection) -> None:
    conn.execute("CREATE TABLE tags (note INTEGER NOT NULL REFERENCES notes (id), tag TEXT)")
    conn.execute("INSERT INTO tags SELECT id, 'old' FROM notes")


SCHEMA = Schema("the test store", (V1, V2, _tags))


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "sub" / "store.sqlite3"


def _legacy(path: Path) -> None:
    """A file as unversioned code wrote it: today's tables, version 0, rows."""
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path)
    conn.executescript(V1)
    conn.executemany("INSERT INTO notes (text) VALUES (?)", [("one",), ("two",)])
    conn.commit()
    conn.close()


def test_fresh_file_is_created_at_the_latest_version_with_the_policy(db: Path) -> None:
    conn = open_store(db, SCHEMA, busy_timeout_s=2.5, synchronous="NORMAL", file_mode=0o600)
    try:
        assert user_version(conn) == SCHEMA.version == 3
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert conn.execute("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL
        assert conn.execute("PRAGMA busy_timeout").fetchone()[0] == 2500
        assert conn.isolation_level is None  # autocommit unless asked
        conn.execute("INSERT INTO notes (text, stars) VALUES ('x', 2)")
        with pytest.raises(sqlite3.IntegrityError):  # foreign keys are enforced
            conn.execute("INSERT INTO tags VALUES (99, 'dangling')")
        with pytest.raises(sqlite3.IntegrityError, match="empty note"):  # the trigger
            conn.execute("INSERT INTO notes (text) VALUES ('')")
        for suffix in ("", "-wal", "-shm"):  # private from the first byte, journal included
            assert Path(f"{db}{suffix}").stat().st_mode & 0o777 == 0o600, suffix
    finally:
        conn.close()
    assert db.stat().st_mode & 0o777 == 0o600
    again = open_store(db, SCHEMA)  # reopening changes nothing
    assert again.execute("SELECT text, stars FROM notes").fetchall() == [("x", 2)]
    again.close()


def test_an_unversioned_file_is_upgraded_keeping_its_rows(db: Path) -> None:
    _legacy(db)
    conn = open_store(db, SCHEMA)
    try:
        assert user_version(conn) == 3
        assert conn.execute("SELECT id, text, stars FROM notes ORDER BY id").fetchall() == [
            (1, "one", 0), (2, "two", 0)]
        assert conn.execute("SELECT note, tag FROM tags ORDER BY note").fetchall() == [
            (1, "old"), (2, "old")]
    finally:
        conn.close()


def test_migrate_reports_the_version_found_and_skips_done_steps(db: Path) -> None:
    _legacy(db)
    conn = connect(db, "the test store")
    try:
        conn.execute("PRAGMA user_version = 2")  # as if steps 1-2 ran; step 3 is due
        conn.execute("ALTER TABLE notes ADD COLUMN stars INTEGER NOT NULL DEFAULT 0")
        assert store.migrate(conn, SCHEMA, db) == 2
        assert user_version(conn) == 3
        assert store.migrate(conn, SCHEMA, db) == 3
    finally:
        conn.close()


def test_a_failing_step_leaves_the_previous_version_intact(db: Path) -> None:
    _legacy(db)

    def broken(conn: sqlite3.Connection) -> None:
        conn.execute("CREATE TABLE half_done (x)")
        raise RuntimeError("step failed")

    with pytest.raises(RuntimeError, match="step failed"):
        open_store(db, Schema("the test store", (V1, V2, broken)))
    conn = sqlite3.connect(db)
    try:
        assert user_version(conn) == 2  # steps 1 and 2 committed, 3 rolled back whole
        assert conn.execute("SELECT count(*) FROM sqlite_master WHERE name = 'half_done'"
                            ).fetchone()[0] == 0
        assert conn.execute("SELECT count(*) FROM notes").fetchone()[0] == 2
    finally:
        conn.close()


def test_a_step_another_process_applied_meanwhile_is_not_applied_twice(db: Path) -> None:
    conn = open_store(db, Schema("the test store", (V1,)))
    other = sqlite3.connect(db)
    calls = []

    def v2(c: sqlite3.Connection) -> None:
        calls.append(1)
        c.execute(V2)

    original = store._check_not_newer

    def stale_read(conn_: sqlite3.Connection, path: Path, schema: Schema) -> int:
        found = original(conn_, path, schema)
        other.execute(V2)  # the other process upgrades between our read and our BEGIN
        other.execute("PRAGMA user_version = 2")
        other.commit()
        return found

    try:
        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(store, "_check_not_newer", stale_read)
            store.migrate(conn, Schema("the test store", (V1, v2)), db)
        assert calls == []
        assert user_version(conn) == 2
    finally:
        other.close()
        conn.close()


def test_a_newer_file_is_refused_and_left_untouched(db: Path) -> None:
    _legacy(db)  # a rollback-journal file: even its journal mode must stay as it is
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA user_version = 7")
    conn.close()
    before = db.read_bytes()
    for read_only in (False, True):
        with pytest.raises(NewerStoreError) as caught:
            open_store(db, SCHEMA, read_only=read_only)
        error = caught.value
        assert isinstance(error, KioskError)
        assert (error.found, error.known, error.path) == (7, 3, db)
        assert "version 7, newer than this kiosk (knows up to 3)" in str(error)
        assert "update the kiosk" in str(error) and str(db) in str(error)
    assert db.read_bytes() == before


@pytest.mark.parametrize("content", [b"hello, this is a text file\n" * 40, os.urandom(4096)])
def test_a_file_that_is_not_a_database_is_named(db: Path, content: bytes) -> None:
    db.parent.mkdir(parents=True)
    db.write_bytes(content)
    for read_only in (False, True):
        with pytest.raises(NotADatabaseError, match="is not a SQLite database") as caught:
            open_store(db, SCHEMA, read_only=read_only)
        assert str(db) in str(caught.value) and "move the file aside" in str(caught.value)
    assert db.read_bytes() == content  # never overwritten
    own = Schema("the test store", SCHEMA.steps, remedy="run `kiosk-admin rebuild` on it")
    for read_only in (False, True):
        with pytest.raises(NotADatabaseError, match="run `kiosk-admin rebuild` on it"):
            open_store(db, own, read_only=read_only)


def test_read_only_open_never_creates_writes_or_upgrades(db: Path) -> None:
    with pytest.raises(StoreOpenError, match="does not exist"):
        open_store(db, SCHEMA, read_only=True)
    assert not db.parent.exists()
    _legacy(db)
    conn = open_store(db, SCHEMA, read_only=True)
    try:
        assert user_version(conn) == 0  # an older file is read as it is
        assert conn.execute("SELECT text FROM notes ORDER BY id").fetchall() == [
            ("one",), ("two",)]
        with pytest.raises(sqlite3.OperationalError):
            conn.execute("INSERT INTO notes (text) VALUES ('no')")
    finally:
        conn.close()
    check = sqlite3.connect(db)
    assert user_version(check) == 0
    check.close()


def test_wal_is_required_unless_the_store_says_otherwise(
    db: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """`nolock=1` makes SQLite itself refuse WAL, as a folder without shared memory does."""
    real = sqlite3.connect

    def without_shared_memory(database: str, **kwargs: object) -> sqlite3.Connection:
        return real(f"file:{database}?nolock=1", uri=True, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(store.sqlite3, "connect", without_shared_memory)
    with pytest.raises(WalUnavailableError, match="cannot hold a write-ahead log") as caught:
        open_store(db, SCHEMA)
    assert "journal mode stays 'delete'" in str(caught.value)
    conn = open_store(db, SCHEMA, require_wal=False)
    assert user_version(conn) == 3
    conn.close()
    assert "cannot hold a write-ahead log" in caplog.text


def test_a_held_write_lock_is_busy_after_the_timeout(db: Path) -> None:
    _legacy(db)
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(StoreBusyError, match="another kiosk or kiosk-admin"):
            open_store(db, SCHEMA, busy_timeout_s=0.05)
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def test_write_refused_asks_with_a_write_it_rolls_back(db: Path) -> None:
    conn = open_store(db, SCHEMA, busy_timeout_s=3.0, isolation_level="DEFERRED")
    conn.execute("INSERT INTO notes (text) VALUES ('kept')")
    conn.commit()
    assert write_refused(conn, db, "the test store") is None
    assert (user_version(conn), conn.isolation_level) == (3, "DEFERRED")
    assert conn.execute("PRAGMA busy_timeout").fetchone()[0] == 3000  # put back
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # kiosk-admin writing now: writable, not waited for
    try:
        assert write_refused(conn, db, "the test store") is None
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    conn.close()
    reader = sqlite3.connect(f"file:{db}?mode=ro", uri=True, isolation_level=None)
    refused = write_refused(reader, db, "the test store")
    assert isinstance(refused, ReadOnlyStoreError) and "writable" in str(refused)
    reader.close()
    check = sqlite3.connect(db)
    assert check.execute("SELECT text FROM notes").fetchall() == [("kept",)]
    check.close()


def test_an_uncreatable_folder_is_named(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(StoreError, match="cannot create the folder of the test store"):
        open_store(blocker / "store.sqlite3", SCHEMA)


def test_statements_split_only_between_statements() -> None:
    parts = list(store._statements(V1 + "\n-- trailing comment only\n"))
    assert len(parts) == 3
    assert parts[0].lstrip().startswith("CREATE TABLE") and "'a;b'" in parts[0]
    assert parts[2].rstrip().endswith("END;")
    assert list(store._statements("SELECT 1")) == ["SELECT 1;"]


def test_translate_maps_full_and_readonly() -> None:
    full = sqlite3.OperationalError("database or disk is full")
    full.sqlite_errorcode = sqlite3.SQLITE_FULL
    assert isinstance(store.translate(full, "/x/db", "the test store"), DiskFullError)
    ro = sqlite3.OperationalError("attempt to write a readonly database")
    ro.sqlite_errorcode = sqlite3.SQLITE_READONLY_DBMOVED
    error = store.translate(ro, "/x/db", "the test store")
    assert isinstance(error, ReadOnlyStoreError) and "are writable" in str(error)


def _io_error() -> sqlite3.OperationalError:
    error = sqlite3.OperationalError("disk I/O error")
    error.sqlite_errorcode = sqlite3.SQLITE_IOERR_WRITE
    return error


def test_an_io_error_on_a_full_disk_is_the_kiosks_disk_full_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SQLite says only "disk I/O error" when a full disk stops its -wal or -shm file
    from growing: with the disk (nearly) full that is a DiskFullError, as SQLITE_FULL."""
    import kiosk.diskspace

    monkeypatch.setattr(kiosk.diskspace, "free_mb", lambda path: 0.2)
    error = store.translate(_io_error(), tmp_path / "db", "the test store")
    assert isinstance(error, DiskFullError)
    assert "is full" in str(error) and str(tmp_path / "db") in str(error)
    assert "disk I/O error" in str(error)  # SQLite's own words stay, in brackets


def test_an_io_error_with_room_on_the_disk_stays_an_io_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import kiosk.diskspace

    monkeypatch.setattr(kiosk.diskspace, "free_mb", lambda path: 5000.0)
    error = store.translate(_io_error(), tmp_path / "db", "the test store")
    assert not isinstance(error, DiskFullError) and "disk I/O error" in str(error)


# ------------------------------------------------- real read-only and full disks

_CHILD = textwrap.dedent("""
    import sqlite3, sys
    from pathlib import Path
    from kiosk.storage.sqlite import Schema, open_store, StoreError
    from kiosk.errors import DiskFullError
    folder, action = Path(sys.argv[1]), sys.argv[2]
    db = folder / "store.sqlite3"
    schema = Schema("the test store", ("CREATE TABLE IF NOT EXISTS notes (text TEXT)",))
    if action == "make":
        conn = open_store(db, schema)
        conn.execute("INSERT INTO notes VALUES ('kept')")
        conn.close()  # the last close checkpoints and removes -wal and -shm
    elif action == "upgrade":  # a step that needs more room than the disk has
        big = (schema.steps[0], "INSERT INTO notes SELECT hex(randomblob(2000)) "
               "FROM (WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n "
               "WHERE i < 500) SELECT i FROM n)")
        try:
            open_store(db, Schema("the test store", big))
        except DiskFullError as exc:
            print("FULL", exc)
        conn = open_store(db, schema, read_only=True)
        print("READ", conn.execute("PRAGMA user_version").fetchone()[0],
              conn.execute("SELECT text FROM notes").fetchall())
    else:
        try:
            open_store(db, schema)
        except StoreError as exc:
            print("WRITE", type(exc).__name__, exc)
        conn = open_store(db, schema, read_only=True)
        print("READ", conn.execute("SELECT text FROM notes").fetchall())
""")


def _in_tmpfs(tmp_path: Path, script: str) -> str:
    """Run `script` (sh, with $DIR a 256 KiB tmpfs and $CHILD the child above) in a
    user+mount namespace; skip when the machine does not permit one."""
    if shutil.which("unshare") is None:
        pytest.skip("unshare is not installed: cannot mount a real read-only/full disk")
    probe = subprocess.run(["unshare", "-rm", "true"], capture_output=True, check=False)
    if probe.returncode != 0:
        pytest.skip(f"unshare is not permitted here ({probe.stderr.decode().strip()})")
    folder = tmp_path / "mnt"
    folder.mkdir()
    child = tmp_path / "child.py"
    child.write_text(_CHILD)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "DIR": str(folder), "CHILD": str(child),
           "PY": sys.executable}
    mount = 'mount -t tmpfs -o size=256k tmpfs "$DIR"; '
    done = subprocess.run(["unshare", "-rm", "sh", "-c", mount + script], env=env,
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_read_only_media_opens_read_only_and_refuses_writing(tmp_path: Path) -> None:
    out = _in_tmpfs(tmp_path, '"$PY" "$CHILD" "$DIR" make && mount -o remount,ro "$DIR" && '
                              '"$PY" "$CHILD" "$DIR" read')
    assert "READ [('kept',)]" in out  # no -shm can be made: opened as immutable
    assert "WRITE ReadOnlyStoreError cannot write the test store" in out
    assert "store.sqlite3" in out and "are writable" in out


def test_a_full_disk_is_the_kiosks_disk_full_error(tmp_path: Path) -> None:
    out = _in_tmpfs(tmp_path, '"$PY" "$CHILD" "$DIR" make && '
                              '"$PY" "$CHILD" "$DIR" upgrade')
    assert out.startswith("FULL cannot write the test store"), out
    assert "is full" in out
    assert "READ 1 [('kept',)]" in out  # the failed step left version 1 and its rows


def test_immediate_commits_the_block_and_rolls_back_on_error(tmp_path: Path) -> None:
    from kiosk.storage.sqlite import immediate

    conn = sqlite3.connect(tmp_path / "t.sqlite3", isolation_level=None)
    conn.execute("CREATE TABLE t (x INTEGER)")
    with immediate(conn):
        conn.execute("INSERT INTO t VALUES (1)")
    with pytest.raises(ValueError, match="block failed"), immediate(conn):
        conn.execute("INSERT INTO t VALUES (2)")
        raise ValueError("block failed")
    assert not conn.in_transaction
    assert conn.execute("SELECT x FROM t").fetchall() == [(1,)]
    conn.close()
