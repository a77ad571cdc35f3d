"""The image catalog: `<root>/<emotion>/<file>` on disk, mirrored by a SQLite manifest.

Item ids are `emotions/<emotion>/<file>`, the key the AWS sample used in S3 and
Amazon Personalize, so a fleet of kiosks can share one items dataset; a new file's id
is its name NFC-normalised and an indexed image keeps its id (`catalog_names`).

`rescan()` keeps the manifest (`catalog.sqlite3` in the data folder) in step with
the folder. It is incremental: a file whose size and modification time match the
manifest is not read again, so start-up stays fast with thousands of images. New
or changed files are read once: checksummed (sha256), validated by decoding them
under the one image policy (`kiosk.imaging.load_image`), and their content features
(`features.image_features`) computed and stored. Unreadable and oversized files
are skipped with a log line naming the file and counted for the status screen;
they are remembered too, so an unchanged bad file is not decoded again. So are
files the kiosk does not show: another format (`.gif`, `.tif`, `.txt`; by name, never
decoded, and a file of another format named `.jpg`), and an image that shows nothing
(fully transparent, one flat colour: `kiosk.imaging.blank`, judged on the card's
colour that transparent pixels are composited on). Only hidden files and the files
Windows writes by itself (`SYSTEM_FILES`) are passed over without a word. Damaged EXIF
data in an image that is used is a note in the report (`RescanReport.notes`).

An operator can disable an item (`set_enabled`); a rescan keeps that choice.
Thread-safe: one connection guarded by a lock. The manifest is opened by
`kiosk.storage.sqlite` (schema version 1; a newer or damaged manifest is refused
with what to do). On a full disk or a read-only data folder the manifest is copied
into memory (or started there when there is none yet) and indexed there for the run:
the images are still shown, `read_only` says why and that the index lives in memory.
A read-only mount that SQLite opens as writable (an earlier run's `-wal` and `-shm`
left there) is found at the open (`kiosk.storage.sqlite.write_refused`) and goes to
memory the same way: read from the file, its `PRAGMA data_version` would move on at
every look, and the kiosk's catalog watch would reload a manifest nobody changed.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import sqlite3
import threading
import time
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import numpy as np
from PIL import Image

from kiosk.domain import Emotion, Item
from kiosk.errors import KioskError
from kiosk.heap import release_free_heap
from kiosk.imaging import NOT_READABLE, ImageError, blank, load_image, probe
from kiosk.recommend import features as feats
from kiosk.recommend.catalog_names import (  # noqa: F401 (item_id, MAX_ITEM_ID: the API)
    ID_PREFIX,
    MAX_ITEM_ID,
    assign_ids,
    by_form,
    escaped,
    has_control,
    id_problem,
    item_id,
    loose,
    representable,
    shown,
    unescaped,
)
from kiosk.recommend.errors import CatalogError
from kiosk.recommend.images import CARD_POLICY
from kiosk.recommend.pacing import IndexPacer
from kiosk.storage.sqlite import (
    NewerStoreError,
    NotADatabaseError,
    Schema,
    migrate,
    open_store,
    write_refused,
)

log = logging.getLogger(__name__)

SHOWN_NAMES = 3  # names per kind in a `RescanReport`'s log line
IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".webp"})
FORMATS = frozenset({"JPEG", "MPO", "PNG", "WEBP"})  # what Pillow calls the formats shown
SYSTEM_FILES = frozenset({"thumbs.db", "desktop.ini"})  # Windows writes them into folders
EMPTY_IMAGE = "the image is empty (fully transparent or one flat colour); replace it"
MIN_SIDE = 256  # px: `kiosk-admin catalog import` refuses a smaller side; a rescan names them

_SCHEMA = """
CREATE TABLE IF NOT EXISTS items (
    id TEXT PRIMARY KEY,
    emotion TEXT NOT NULL,
    path TEXT NOT NULL,          -- relative to the catalog root: <emotion>/<file>
    size INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL,
    checksum TEXT NOT NULL,      -- sha256 hex of the file
    added_at REAL NOT NULL,      -- epoch seconds the id first appeared
    enabled INTEGER NOT NULL DEFAULT 1,
    width INTEGER NOT NULL DEFAULT 0,
    height INTEGER NOT NULL DEFAULT 0,
    features BLOB,
    features_version INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS items_emotion ON items (emotion, enabled);
CREATE TABLE IF NOT EXISTS skipped (
    path TEXT PRIMARY KEY,       -- relative to the catalog root
    size INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL,
    reason TEXT NOT NULL
);
"""
# version 1 is the manifest as it was before versions (IF NOT EXISTS: adopted as is)
SCHEMA = Schema("the catalog manifest", (_SCHEMA,),
                remedy="move the file aside (the kiosk rebuilds it from the catalog folder; "
                       "items an operator disabled are shown again)")


@dataclass(frozen=True, slots=True)
class SkippedFile:
    """A catalog file that is not shown, and why (for the status screen)."""

    path: str  # relative to the catalog root
    reason: str


@dataclass(frozen=True, slots=True)
class SmallImage:
    """A catalog image with a side under `MIN_SIDE` pixels (as shown, EXIF applied): it
    is shown, upscaled and blurry on a big screen, and `kiosk-admin catalog import`
    would have refused it."""

    path: str  # relative to the catalog root
    width: int
    height: int

    def __str__(self) -> str:
        return f"{self.path} ({self.width}×{self.height})"


@dataclass(frozen=True, slots=True)
class Duplicate:
    """A catalog image whose bytes are another item's (sha256): a file copied by hand
    into a second folder. It is shown (an operator may mean it); `catalog import` would
    have refused it."""

    path: str  # relative to the catalog root
    same_as: str  # the id of the item indexed first with these bytes

    def __str__(self) -> str:
        return f"{escaped(self.path)} (same image as {escaped(self.same_as)})"


@dataclass(frozen=True, slots=True)
class RescanReport:
    """What one rescan changed."""

    added: tuple[str, ...] = ()
    updated: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    unchanged: int = 0
    skipped: tuple[SkippedFile, ...] = ()
    ignored_folders: tuple[str, ...] = ()
    seconds: float = 0.0
    small: tuple[SmallImage, ...] = ()  # live images under MIN_SIDE, all of them
    duplicates: tuple[Duplicate, ...] = ()  # live images whose bytes another item has
    notes: tuple[SkippedFile, ...] = ()  # images decoded now and used, with a fault

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.removed)

    def __str__(self) -> str:
        """Counts and at most `SHOWN_NAMES` names per kind, for a log line: a catalog
        swapped for another removes every id, which is no log line (`repr` has them all)."""
        parts = []
        for kind in ("added", "updated", "removed"):
            ids: tuple[str, ...] = getattr(self, kind)
            text = f"{len(ids)} {kind}"
            if ids:
                names = ", ".join(PurePosixPath(i).name for i in ids[:SHOWN_NAMES])
                more = f", … {len(ids) - SHOWN_NAMES} more" if len(ids) > SHOWN_NAMES else ""
                text += f" ({names}{more})"
            parts.append(text)
        parts.append(f"{self.unchanged} unchanged, {len(self.skipped)} skipped")
        if self.ignored_folders:
            parts.append(f"{len(self.ignored_folders)} folders ignored")
        if self.small:
            parts.append(f"{len(self.small)} under {MIN_SIDE} px")
        if self.duplicates:
            parts.append(f"{len(self.duplicates)} the same image as another")
        if self.notes:
            parts.append(f"{len(self.notes)} with damaged EXIF data")
        return ", ".join(parts) + f" ({self.seconds:.2f} s)"


@dataclass(slots=True)
class _Scan:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    skipped: list[SkippedFile] = field(default_factory=list)
    notes: list[SkippedFile] = field(default_factory=list)
    unchanged: int = 0


def folder_emotion(name: str) -> tuple[Emotion | None, str]:
    """The emotion of the catalog's sub-folder `name`, or (None, why it is ignored):
    not an emotion, or not lower case (`Fear/`). Hidden folders are the caller's."""
    try:
        emotion = Emotion.parse(name)
    except ValueError:
        return None, f"not an emotion (allowed: {', '.join(e.folder for e in Emotion)})"
    if name != emotion.folder:
        return None, f"emotion folders are lower case ({emotion.folder})"
    return emotion, ""


class Catalog:
    """The manifest of the images under `root`, stored in `db_path`."""

    def __init__(self, root: str | Path, db_path: str | Path, *, max_image_mb: float = 20.0,
                 pacer: IndexPacer | None = None):
        self.root = Path(root).expanduser()
        # pauses between decoded images while the models load (kiosk.recommend.pacing)
        self.pacer = pacer
        # True: skipped files and ignored folders are logged at DEBUG, not WARNING (the
        # caller reports them itself: `kiosk-admin catalog rescan`)
        self.quiet = False
        self.db_path = Path(db_path).expanduser()
        self.max_image_bytes = int(max_image_mb * 1024 * 1024)
        self._lock = threading.RLock()  # the manifest's connection
        self._rescanning = threading.Lock()  # one rescan at a time (its pauses free _lock)
        self._skipped: tuple[SkippedFile, ...] = ()
        self._last_report: RescanReport | None = None
        self.read_only = ""  # why the manifest cannot be written (full disk, read-only)
        self.in_memory = False  # True: the manifest lives in memory for this run
        try:
            self._db = open_store(self.db_path, SCHEMA, synchronous="NORMAL",
                                  isolation_level="DEFERRED")
        except (NewerStoreError, NotADatabaseError) as exc:  # no safe way to read it
            raise CatalogError(str(exc)) from exc
        except KioskError as exc:  # full disk, read-only folder: index in memory
            self._db = self._go_to_memory(open_read_only(self.db_path), exc)
        else:  # a read-only mount with an earlier run's -wal/-shm opens "writable"
            refused = write_refused(self._db, self.db_path, SCHEMA.what)
            if refused is not None:  # and its data_version would move at every look
                self._db = self._go_to_memory(self._db, refused)

    # ------------------------------------------------------------------ scanning

    def rescan(self) -> RescanReport:
        """Bring the manifest in step with the folder: add, update, remove, skip. When
        the manifest cannot be written (full disk, read-only folder) what it holds is
        copied into memory and the rescan goes on there, for this run: the images are
        shown, the cause goes to `read_only` and the log."""
        try:
            return self._rescan()
        except sqlite3.OperationalError as exc:
            with contextlib.suppress(sqlite3.Error):
                self._db.rollback()
            if self.in_memory:  # out of memory: keep what is indexed
                log.error("catalog: indexing in memory failed (%s); showing the %d images "
                          "indexed so far", exc, self._count())
                return self._unchanged()
            with self._lock:
                self._db = self._go_to_memory(self._db, exc)
        try:
            return self._rescan()
        except sqlite3.OperationalError as exc:
            log.error("catalog: indexing in memory failed (%s); showing the %d images "
                      "indexed so far", exc, self._count())
            return self._unchanged()

    def _go_to_memory(self, source: sqlite3.Connection | None, exc: BaseException
                      ) -> sqlite3.Connection:
        """A manifest in memory holding what `source` (the file, read-only, or None when
        there is none) holds; `source` is closed. Sets `read_only` and logs it once."""
        problem = storage_problem(self.db_path, exc, "the catalog manifest")
        self.read_only = (f"{problem.rstrip('. ')}; the catalog is indexed in memory for "
                          "this run (again at every start until the data folder can be "
                          "written)")
        self.in_memory = True
        log.error("%s", self.read_only)
        memory = sqlite3.connect(":memory:", isolation_level="DEFERRED",
                                 check_same_thread=False)
        if source is not None:
            try:
                source.backup(memory)
            except sqlite3.Error as err:  # unreadable now: start from an empty index
                log.warning("catalog: cannot copy the manifest %s into memory (%s); "
                            "indexing every image again", self.db_path, err)
            finally:
                source.close()
        migrate(memory, SCHEMA, self.db_path)  # a copy from before versions, or empty
        return memory

    def _unchanged(self) -> RescanReport:
        with self._lock:
            count = int(self._db.execute("SELECT count(*) FROM items").fetchone()[0])
        report = RescanReport(unchanged=count)
        self._last_report = report
        return report

    def problem(self) -> str:
        """Why the catalog folder cannot be used now, "" when it can (`folder_problem`,
        with this manifest's item count)."""
        return folder_problem(self.root, self._count)

    def manifest_version(self) -> int:
        """SQLite's `PRAGMA data_version` of the manifest: it moves on when another
        process (`kiosk-admin catalog approve | rescan | remove`) commits to it, never
        for this connection's own commits; constant for a manifest held in memory."""
        with self._lock:
            return int(self._db.execute("PRAGMA data_version").fetchone()[0])

    def _count(self) -> int:
        with self._lock:
            return int(self._db.execute("SELECT count(*) FROM items").fetchone()[0])

    def _rescan(self) -> RescanReport:
        start = time.perf_counter()
        if not self.root.is_dir():
            raise CatalogError(missing_message(self.root))
        with self._rescanning, self._lock:
            known: dict[str, tuple[int, int, str, int]] = {}
            paths: dict[str, str] = {}  # id → path
            for key, size, mtime_ns, checksum, version, rel in self._db.execute(
                "SELECT id, size, mtime_ns, checksum, features_version, path FROM items"
            ):
                known[key] = (size, mtime_ns, checksum, version)
                paths[key] = rel
            by_path = {rel: key for key, rel in paths.items()}
            forms = by_form(paths)
            bad = {
                row[0]: (row[1], row[2], row[3])
                for row in self._db.execute("SELECT path, size, mtime_ns, reason FROM skipped")
            }
            # an empty manifest: a first index, or one rebuilt after its file was deleted
            first_index = not known and not bad
            scan = _Scan()
            seen: dict[str, str] = {}  # id → the path that holds it in this scan
            seen_bad: set[str] = set()
            ignored = []
            cancelled = False  # the pacer was cancelled (shutdown): keep what is indexed
            if self.pacer is not None:
                self.pacer.start()
            for folder in sorted(p for p in self.root.iterdir() if p.is_dir()):
                if cancelled:
                    break
                if folder.name.startswith("."):
                    continue
                emotion, why = folder_emotion(folder.name)
                if emotion is None:
                    ignored.append(folder.name)
                    log.log(self._level, "catalog: ignoring folder %s: %s", folder, why)
                    continue
                images, others = _folder_files(folder)
                for path in others:  # by name: not decoded, remembered like a bad file
                    rel = shown(f"{emotion.folder}/{path.name}")
                    try:
                        stat = path.stat()
                    except OSError as exc:
                        self._skip(scan, rel, path, f"unreadable ({exc.strerror})")
                    else:
                        self._skip(scan, rel, Path(shown(str(path))), not_shown(path),
                                   stat.st_size, stat.st_mtime_ns)
                    seen_bad.add(rel)
                claims = assign_ids(emotion, (p.name for p in images if representable(p.name)),
                                    by_path, paths, forms)
                for path in images:
                    rel = f"{emotion.folder}/{path.name}"
                    claim = claims.get(path.name)
                    if claim is None:  # not valid UTF-8: no id, no row in the manifest
                        rel = shown(rel)
                        self._skip(scan, rel, Path(shown(str(path))),
                                   id_problem(item_id(emotion, path.name)))
                        seen_bad.add(rel)
                        continue
                    if claim.twin:  # not remembered: it is shown once its twin is gone
                        self._skip(scan, rel, path, twin_problem(emotion, claim.twin))
                        seen_bad.add(rel)
                        continue
                    key = claim.key
                    seen[key] = rel
                    if claim.moved:
                        self._db.execute("UPDATE items SET path = ? WHERE id = ?", (rel, key))
                        log.info("catalog: %s keeps its id %s (the same name as the file it "
                                 "replaces, in another Unicode form)", path, key)
                    try:
                        stat = path.stat()
                    except OSError as exc:
                        self._skip(scan, rel, path, f"unreadable ({exc.strerror})")
                        seen_bad.add(rel)
                        continue
                    old = known.get(key)
                    problem = "" if old is not None else id_problem(key, first_index=first_index)
                    if problem:  # a live image keeps its id: a store's history is keyed by it
                        self._skip(scan, rel, path, problem, stat.st_size, stat.st_mtime_ns)
                        seen_bad.add(rel)
                        continue
                    if old is None and has_control(key):  # kept: it may have been live
                        log.log(self._level, "catalog: %r has control characters in its "
                                "name (tab, new line, …); it is shown under that name, as a "
                                "manifest that held it did (a store's history is keyed by "
                                "its id); rename the file for a clean id (a new item: its "
                                "history starts again)", str(path))
                    if (
                        old is not None and old[0] == stat.st_size and old[1] == stat.st_mtime_ns
                        and old[3] == feats.FEATURE_VERSION
                    ):
                        scan.unchanged += 1
                        continue
                    prior_bad = bad.get(rel)
                    if prior_bad and prior_bad[:2] == (stat.st_size, stat.st_mtime_ns):
                        seen_bad.add(rel)
                        self._skip(scan, rel, path, prior_bad[2])
                        continue
                    if old is None and loose(path.name) != unicodedata.normalize(
                            "NFC", path.name):  # a byte order mark, a zero-width space
                        log.warning("catalog: %s has invisible characters in its name "
                                    "(%s); its item id is %s, as `catalog import` "
                                    "names it; rename the file to that name", path,
                                    escaped(path.name), key)
                    imported = self._import(scan, key, emotion, rel, path, stat, old)
                    if self.pacer is not None:
                        self._pause(self.pacer)  # returns at once once vision is settled
                        cancelled = self.pacer.cancelled
                    if not imported:
                        seen_bad.add(rel)
                    if cancelled:
                        break
            removed: list[str] = []
            if cancelled:  # files not looked at yet are not gone: remove nothing
                log.info("catalog: indexing stopped (shutting down) after %d new or changed "
                         "images; the rest is indexed at the next start",
                         len(scan.added) + len(scan.updated))
            else:
                removed = sorted(set(known) - set(seen))
                # Files that turned bad leave the manifest too: they are not shown any more.
                removed += sorted(k for k in set(known) & set(seen) if seen[k] in seen_bad)
                for rel in set(bad) - seen_bad:
                    self._db.execute("DELETE FROM skipped WHERE path = ?", (rel,))
            for key in removed:
                self._db.execute("DELETE FROM items WHERE id = ?", (key,))
            self._db.commit()
            small = tuple(SmallImage(rel, int(w), int(h)) for rel, w, h in self._db.execute(
                "SELECT path, width, height FROM items WHERE width > 0 AND height > 0 "
                "AND min(width, height) < ? ORDER BY path", (MIN_SIDE,)))
            duplicates = self._duplicates()
            self._skipped = tuple(scan.skipped)
            report = RescanReport(
                added=tuple(scan.added),
                updated=tuple(scan.updated),
                removed=tuple(removed),
                unchanged=scan.unchanged,
                skipped=tuple(scan.skipped),
                notes=tuple(scan.notes),
                ignored_folders=tuple(ignored),
                seconds=time.perf_counter() - start,
                small=small,
                duplicates=duplicates,
            )
            self._last_report = report
        if report.added or report.updated:  # images were decoded: see kiosk.heap
            release_free_heap("indexing the catalog")
        log.info(
            "catalog %s: %d added, %d updated, %d removed, %d unchanged, %d skipped (%.2f s)",
            self.root, len(report.added), len(report.updated), len(report.removed),
            report.unchanged, len(report.skipped), report.seconds,
        )
        if report.small:
            log.log(self._level, "catalog: %d images are smaller than %d px on a side and "
                    "shown upscaled (blurry): %s; replace them with larger ones",
                    len(report.small), MIN_SIDE, shown_names(map(str, report.small)))
        for note in report.notes:
            log.log(self._level, "catalog: %s: %s", self.root / note.path, note.reason)
        if report.duplicates:
            log.log(self._level, "catalog: %d images are the same image (the same bytes) as "
                    "another item, each shown twice: %s; remove the copy unless it is meant "
                    "to be there", len(report.duplicates),
                    shown_names(map(str, report.duplicates)))
        return report

    def _duplicates(self) -> tuple[Duplicate, ...]:
        """Items whose checksum an item indexed before them has: from the manifest's
        stored sha256, no file read (a rescan of unchanged files stays fast)."""
        first: dict[str, str] = {}
        out = []
        for key, rel, checksum in self._db.execute(
            "SELECT id, path, checksum FROM items WHERE checksum IN (SELECT checksum FROM "
            "items WHERE checksum != '' GROUP BY checksum HAVING count(*) > 1) "
            "ORDER BY checksum, added_at, id"
        ):
            if checksum in first:
                out.append(Duplicate(rel, first[checksum]))
            else:
                first[checksum] = key
        return tuple(sorted(out, key=lambda d: d.path))

    def _pause(self, pacer: IndexPacer) -> None:
        """The pacer's pause between two images, without the manifest's lock: another
        thread's read (`items`, `counts`, `get`) is not held up for the pause. Rescans
        stay one at a time (`_rescanning`)."""
        self._lock.release()
        try:
            pacer.pause()
        finally:
            self._lock.acquire()

    def _import(
        self, scan: _Scan, key: str, emotion: Emotion, rel: str, path: Path,
        stat: os.stat_result, old: tuple[int, int, str, int] | None,
    ) -> bool:
        size, mtime_ns = stat.st_size, stat.st_mtime_ns
        if size > self.max_image_bytes:
            mb = size / 1024 / 1024
            self._skip(scan, rel, path, f"oversized ({mb:.1f} MB > "
                       f"{self.max_image_bytes / 1024 / 1024:.1f} MB)", size, mtime_ns)
            return False
        try:
            data = path.read_bytes()
        except OSError as exc:
            self._skip(scan, rel, path, f"unreadable ({exc.strerror})")
            return False
        checksum = hashlib.sha256(data).hexdigest()
        if old is not None and old[2] == checksum and old[3] == feats.FEATURE_VERSION:
            # Touched but not changed: only the file's stamp moves on.
            self._db.execute(
                "UPDATE items SET size = ?, mtime_ns = ? WHERE id = ?", (size, mtime_ns, key)
            )
            scan.unchanged += 1
            return True
        notes: list[str] = []
        try:
            image = decode_checked(data, str(path), notes)
        except CatalogError as exc:
            self._skip(scan, rel, path, str(exc), size, mtime_ns)
            return False
        prefix = f"{path}: "
        scan.notes += [SkippedFile(rel, n.removeprefix(prefix)) for n in notes]
        vector = feats.image_features(image)
        self._db.execute(
            """INSERT INTO items (id, emotion, path, size, mtime_ns, checksum, added_at, enabled,
                                  width, height, features, features_version)
               VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?)
               ON CONFLICT (id) DO UPDATE SET
                   path = excluded.path, size = excluded.size, mtime_ns = excluded.mtime_ns,
                   checksum = excluded.checksum, width = excluded.width,
                   height = excluded.height, features = excluded.features,
                   features_version = excluded.features_version""",
            (key, emotion.folder, rel, size, mtime_ns, checksum, time.time(), image.width,
             image.height, feats.to_blob(vector), feats.FEATURE_VERSION),
        )
        (scan.updated if old is not None else scan.added).append(key)
        return True

    def _skip(
        self, scan: _Scan, rel: str, path: Path, reason: str, size: int = -1, mtime_ns: int = -1
    ) -> None:
        log.log(self._level, "catalog: skipping %s: %s", path, reason)
        scan.skipped.append(SkippedFile(rel, reason))
        self._db.execute(
            "INSERT OR REPLACE INTO skipped (path, size, mtime_ns, reason) VALUES (?, ?, ?, ?)",
            (rel, size, mtime_ns, reason),
        )

    @property
    def _level(self) -> int:
        return logging.DEBUG if self.quiet else logging.WARNING

    # ------------------------------------------------------------------ queries

    def items(self, emotion: Emotion | None = None, enabled: bool | None = True) -> list[Item]:
        """Items sorted by id; `emotion` None: all emotions; `enabled` None: both states."""
        sql = "SELECT id, emotion, path, checksum, added_at FROM items"
        where: list[str] = []
        args: list[str | int] = []
        if emotion is not None:
            where.append("emotion = ?")
            args.append(emotion.folder)
        if enabled is not None:
            where.append("enabled = ?")
            args.append(int(enabled))
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY id"
        with self._lock:
            rows = self._db.execute(sql, args).fetchall()
        return [self._item(*row) for row in rows]

    def item_at(self, path: str | Path) -> Item | None:
        """The item of the file at `path` (under `root`), whatever its id: an image the
        manifest held before keeps its id (a name written decomposed, control characters)."""
        try:
            rel = Path(path).relative_to(self.root).as_posix()
        except ValueError:
            return None
        with self._lock:
            row = self._db.execute(
                "SELECT id, emotion, path, checksum, added_at FROM items WHERE path = ?", (rel,)
            ).fetchone()
        return self._item(*row) if row else None

    def get(self, key: str) -> Item | None:
        with self._lock:
            row = self._db.execute(
                "SELECT id, emotion, path, checksum, added_at FROM items WHERE id = ?", (key,)
            ).fetchone()
        return self._item(*row) if row else None

    def find(self, ref: str) -> list[Item]:
        """The items id `ref` names as an operator types it: the id itself, else the id
        with `\\ufeff`-style escapes read back (`catalog list --live` shows ids so), else
        every item whose id looks the same (NFC, invisible format characters dropped:
        `emotions/calm/bom.jpg` finds an id an earlier build indexed with a byte order
        mark). More than one: ids that differ only in invisible characters."""
        for key in dict.fromkeys((ref, unescaped(ref), unicodedata.normalize("NFC", ref))):
            item = self.get(key)
            if item is not None:
                return [item]
        wanted = loose(unescaped(ref))
        return [i for i in self.items(enabled=None) if loose(i.id) == wanted]

    def features(self, ids: list[str] | tuple[str, ...]) -> np.ndarray:
        """Feature vectors (len(ids) × FEATURE_DIM) in the order of `ids`; zeros if unknown."""
        with self._lock:
            rows = dict(self._db.execute("SELECT id, features FROM items").fetchall())
        out = np.zeros((len(ids), feats.FEATURE_DIM), np.float32)
        for i, key in enumerate(ids):
            out[i] = feats.from_blob(rows.get(key))
        return out

    def set_enabled(self, key: str, enabled: bool) -> bool:
        """Show or hide one item (kept across rescans). False if the id is unknown."""
        with self._lock:
            cur = self._db.execute(
                "UPDATE items SET enabled = ? WHERE id = ?", (int(enabled), key)
            )
            self._db.commit()
        return cur.rowcount > 0

    def counts(self) -> dict[str, int]:
        """Enabled items per emotion folder (every emotion present, zeros included)."""
        out = {e.folder: 0 for e in Emotion}
        with self._lock:
            for emotion, n in self._db.execute(
                "SELECT emotion, COUNT(*) FROM items WHERE enabled = 1 GROUP BY emotion"
            ):
                out[emotion] = int(n)
        return out

    @property
    def skipped(self) -> tuple[SkippedFile, ...]:
        """Files skipped by the last rescan."""
        return self._skipped

    @property
    def last_report(self) -> RescanReport | None:
        return self._last_report

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def _item(self, key: str, emotion: str, rel: str, checksum: str, added_at: float) -> Item:
        return Item(
            id=key, emotion=Emotion.parse(emotion), path=str(self.root / rel),
            checksum=checksum, added_at=float(added_at),
        )


def twin_problem(emotion: Emotion, twin: str) -> str:
    """Why a file is not shown whose name is `twin`'s in another Unicode form or with
    invisible characters (`catalog_names.same_name`)."""
    return (f"the same name as {emotion.folder}/{escaped(twin)} in another Unicode form (a Mac "
            "writes names decomposed) or with invisible characters (a byte order mark): both "
            "would be one item id, which that file keeps; remove one of the two files (or "
            "rename this one)")


def shown_names(names: Iterable[str], limit: int = SHOWN_NAMES) -> str:
    """The first `limit` of `names`, then "… N more"."""
    names = list(names)
    more = f", … {len(names) - limit} more" if len(names) > limit else ""
    return ", ".join(names[:limit]) + more


def missing_message(root: Path) -> str:
    """The operator's sentence for a catalog folder that does not exist."""
    return (f"catalog folder {root} does not exist; set recommend.catalog_dir to a folder "
            "with one sub-folder per emotion (happy, sad, …)")


def folder_problem(root: Path, listed: Callable[[], int] = lambda: 0) -> str:
    """Why the catalog folder `root` cannot be used now, "" when it can: it does not
    exist (or is not a folder, or cannot be listed), or it is empty while the manifest
    lists `listed()` images, which is what a USB stick or network share that is not
    mounted looks like (its empty mount point), so the manifest is kept rather than
    emptied. One stat and the folder's first entry; `listed` is asked only when the
    folder is empty. An empty folder and an empty manifest (a new catalog) are usable."""
    try:
        if not root.is_dir():
            return missing_message(root)
        with os.scandir(root) as entries:
            empty = next(entries, None) is None
    except OSError as exc:
        return (f"catalog folder {root} cannot be read ({exc.strerror or exc}); check the "
                "disk or share it is on, or recommend.catalog_dir")
    if empty:
        count = listed()
        if count:
            return (f"catalog folder {root} is empty but held {count} images: is the USB "
                    "stick or network share not mounted? The kiosk keeps the catalog's "
                    "manifest and uses it again once the images are back (after emptying "
                    "it on purpose, run `kiosk-admin catalog rescan`)")
    return ""


FolderStamp = tuple[tuple[str, int, int, int], ...]


def folder_stamp(root: Path) -> FolderStamp:
    """What a change to the catalog folder changes, cheaply: (name, device, inode,
    mtime) of `root` and of each of its sub-folders — one listing and a stat per
    folder, no image read. Adding, removing or renaming an image moves its folder's
    mtime; a folder swapped for another (`mv cat_new cat`) or a remount changes the
    inode or device. An image overwritten in place changes none of them (a card that
    cannot be shown, or Reload catalog, rescans). () when `root` cannot be read."""
    try:
        st = root.stat()
        out = [("", st.st_dev, st.st_ino, st.st_mtime_ns)]
        with os.scandir(root) as entries:
            for entry in entries:
                if entry.name.startswith(".") or not entry.is_dir():
                    continue
                s = entry.stat()
                out.append((entry.name, s.st_dev, s.st_ino, s.st_mtime_ns))
    except OSError:
        return ()
    return tuple(sorted(out))


def decode_checked(data: bytes, name: str = "image",
                   notes: list[str] | None = None) -> Image.Image:
    """Decode image bytes fully under the one image policy (`kiosk.imaging`: size
    and shape limits before decoding, truncation check, EXIF orientation,
    transparency on the card's colour) as an RGB image, or raise CatalogError saying
    why they cannot be shown: "oversized (…)", "wrong shape (…)", "unreadable (…)",
    another format than JPEG, PNG or WebP (whatever the name says), or `EMPTY_IMAGE`.
    Damaged EXIF data (the image is used) is a line in `notes` (`load_image`)."""
    try:
        image = load_image(data, name=name, policy=CARD_POLICY, notes=notes)
        fmt = probe(data, name=name).format  # the header again: no pixel decoded
    except ImageError as exc:
        label = {"too_large": "oversized", "aspect": "wrong shape"}.get(exc.kind, "unreadable")
        raise CatalogError(f"{label} ({exc.detail})") from None
    if fmt not in FORMATS:
        raise CatalogError(f"a {fmt} image, which the kiosk does not show, whatever its name "
                           "says; convert it to JPEG, PNG or WebP")
    if blank(image):
        raise CatalogError(EMPTY_IMAGE)
    return image


def not_shown(path: Path) -> str:
    """Why the file at `path` is not shown, by its name alone (not one of
    `IMAGE_SUFFIXES`): an image format the kiosk does not show (`.gif`, `.tif`), or
    not an image it can read."""
    suffix = path.suffix.lower()
    if suffix in Image.registered_extensions():
        return f"{suffix} files are not shown by the kiosk; convert it to JPEG, PNG or WebP"
    return NOT_READABLE


def _folder_files(folder: Path) -> tuple[list[Path], list[Path]]:
    """The visible files of an emotion folder: (images by their name, the others).
    Hidden files and `SYSTEM_FILES` are left out without a word."""
    images: list[Path] = []
    others: list[Path] = []
    for path in sorted(folder.iterdir()):
        if path.name.startswith(".") or path.name.lower() in SYSTEM_FILES or not path.is_file():
            continue
        (images if path.suffix.lower() in IMAGE_SUFFIXES else others).append(path)
    return images, others


def storage_problem(path: Path, exc: BaseException, what: str) -> str:
    """An operator sentence for a database that cannot be written: a full disk (with
    the space left) or a folder that is not writable."""
    from kiosk.diskspace import looks_full
    from kiosk.errors import DiskFullError, is_disk_full

    if looks_full(path) or "full" in str(exc).lower() or is_disk_full(exc):
        return str(DiskFullError(path, f"write {what}", kept="what is already in it is "
                                 "still used."))
    if isinstance(exc, KioskError):  # already a sentence naming the file and the cure
        return str(exc)
    return (f"cannot write {what} {path} ({exc}); check that the data folder is writable "
            "(app.data_dir)")


def open_read_only(path: Path, table: str = "items", schema: Schema = SCHEMA
                   ) -> sqlite3.Connection | None:
    """The database as it is on disk, read-only (see `kiosk.storage.sqlite`), when it
    has `table`; None otherwise."""
    if not path.is_file():
        return None
    try:
        conn = open_store(path, schema, read_only=True)
    except KioskError:
        return None
    try:
        conn.execute(f"SELECT count(*) FROM {table}").fetchone()
    except sqlite3.Error:
        conn.close()
        return None
    return conn
