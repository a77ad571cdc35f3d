"""The pending pool: images waiting for an operator's review before they go live.

Imported and generated images land in `<data_dir>/pending/` (one file per image,
named by its id) with a SQLite index (`pool.sqlite3`: id, source name, emotion,
checksum, size, width × height, added_at, origin `import` or `generate`, and a
JSON `meta` such as the prompt of a generated image).

An image is taken only when it passes the intake checks (`intake`: a complete
JPEG, PNG or WebP within the size limits) and is not a duplicate (sha256) of an
image already pending or live in the catalog. Approving copies it into `<catalog>/<emotion>/`
without ever showing a partial file (see `files`), drops it from the pool,
rescans the catalog and queues a PutItems record, so Amazon Personalize learns
the new item. Every step is safe to repeat after a crash: an approval that
finds its file already in the catalog finishes the job instead of copying again.

Thread-safe (one connection guarded by a lock); several processes (the kiosk
and `kiosk-admin`) may share the pool through SQLite's locking. The index is opened
by `kiosk.storage.sqlite` (schema version 1; on a full or read-only disk it can be
listed as it is, and changes are refused with the cause).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import re
import sqlite3
import threading
import time
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from kiosk.config import Settings
from kiosk.curation import files
from kiosk.curation.errors import CurationError, NotFoundError, RejectedImage
from kiosk.curation.intake import FORMATS, MAX_SIDE, MIN_SIDE, IntakeLimits, parse_emotion
from kiosk.curation.locations import pending_dir
from kiosk.domain import Emotion, Item
from kiosk.errors import KioskError
from kiosk.events.queue import EventQueue
from kiosk.imaging import MAX_PIXELS, ImageError, load_image
from kiosk.recommend.catalog import Catalog, item_id, open_read_only, storage_problem
from kiosk.recommend.errors import CatalogError
from kiosk.recommend.images import CARD_POLICY
from kiosk.storage.sqlite import NewerStoreError, NotADatabaseError, Schema, open_store

log = logging.getLogger(__name__)

ORIGINS = ("import", "generate")
INDEX_NAME = "pool.sqlite3"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS pending (
    id TEXT PRIMARY KEY,
    file TEXT NOT NULL,            -- name inside the pool folder
    source_name TEXT NOT NULL,     -- the imported file's name, or the generated name
    emotion TEXT NOT NULL,         -- emotion folder (lower case)
    checksum TEXT NOT NULL UNIQUE, -- sha256 hex
    size INTEGER NOT NULL,
    width INTEGER NOT NULL,
    height INTEGER NOT NULL,
    added_at REAL NOT NULL,
    origin TEXT NOT NULL,
    meta TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX IF NOT EXISTS pending_added ON pending (added_at);
"""
# version 1 is the index as it was before versions (IF NOT EXISTS: adopted as is)
SCHEMA = Schema("the pending pool", (_SCHEMA,),
                remedy="move the file aside (the images waiting in the pool folder are "
                       "then no longer listed; import them again)")
_COLUMNS = "id, file, source_name, emotion, checksum, size, width, height, added_at, origin, meta"


@dataclass(frozen=True, slots=True)
class PendingImage:
    """One image waiting for review; `path` is its file in the pool folder."""

    id: str
    path: str
    source_name: str
    emotion: Emotion
    checksum: str
    size: int
    width: int
    height: int
    added_at: float
    origin: str
    meta: Mapping[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id, "path": self.path, "source_name": self.source_name,
            "emotion": self.emotion.folder, "checksum": self.checksum, "size": self.size,
            "width": self.width, "height": self.height, "added_at": self.added_at,
            "origin": self.origin, "meta": dict(self.meta),
        }


@dataclass(frozen=True, slots=True)
class Rejection:
    source: str
    reason: str  # RejectedImage.reason
    message: str


@dataclass(frozen=True, slots=True)
class ImportReport:
    added: tuple[PendingImage, ...] = ()
    rejected: tuple[Rejection, ...] = ()


@dataclass(frozen=True, slots=True)
class Approval:
    """An approved image: now `item` in the catalog. `queued`: a PutItems record is
    waiting in the event queue. `warnings`: follow-ups that did not work (the
    approval itself stands)."""

    pending_id: str
    item: Item
    queued: bool
    warnings: tuple[str, ...] = ()


class PendingPool:
    """See the module docstring. `queue` None: approvals queue no PutItems record."""

    def __init__(
        self,
        root: str | Path,
        catalog: Catalog,
        queue: EventQueue | None = None,
        *,
        max_image_mb: float = 20.0,
        min_side: int = MIN_SIDE,
        max_side: int = MAX_SIDE,
        max_pixels: int = MAX_PIXELS,
    ) -> None:
        self.root = Path(root).expanduser()
        self.catalog = catalog
        self.queue = queue
        self.intake = IntakeLimits(int(max_image_mb * 1024 * 1024), min_side, max_side,
                                   max_pixels)
        self._lock = threading.RLock()
        self._live: dict[str, str] | None = None  # catalog checksums during a batch import
        self.read_only = ""  # why the pool cannot change (full disk, read-only folder)
        index = self.root / INDEX_NAME
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            self._db = open_store(index, SCHEMA, isolation_level="DEFERRED")
        except (NewerStoreError, NotADatabaseError) as exc:  # no safe way to read it
            raise CurationError(str(exc)) from exc
        except (OSError, KioskError) as exc:
            # listing keeps working from the index as it is on disk; changes are refused
            problem = storage_problem(index, exc, "the pending pool")
            read_only = open_read_only(index, "pending", SCHEMA)
            if read_only is None:
                raise CurationError(problem) from exc
            self._db, self.read_only = read_only, problem
            log.error("%s; the pool can be listed but not changed", problem)
            return
        files.sweep_parts(self.root)

    def _writable(self) -> None:
        """Refuse a change with the plain cause when the pool is read-only."""
        if self.read_only:
            raise CurationError(self.read_only)

    @classmethod
    def from_settings(
        cls, settings: Settings, catalog: Catalog, queue: EventQueue | None = None
    ) -> PendingPool:
        return cls(
            pending_dir(settings), catalog, queue, max_image_mb=settings.recommend.max_image_mb
        )

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def __enter__(self) -> PendingPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ import

    def import_files(self, paths: Iterable[str | Path], emotion: Emotion | str) -> ImportReport:
        """Import each file; a bad one is reported and the rest go on."""
        self._writable()
        added: list[PendingImage] = []
        rejected: list[Rejection] = []
        with self._live_checksums_cached():
            for path in paths:
                try:
                    added.append(self.add_file(path, emotion))
                except RejectedImage as exc:
                    rejected.append(Rejection(str(path), exc.reason, str(exc)))
        return ImportReport(tuple(added), tuple(rejected))

    def add_file(self, path: str | Path, emotion: Emotion | str) -> PendingImage:
        path = Path(path)
        emo = parse_emotion(emotion)
        return self.add_bytes(self.intake.read(path), emo, path.name, origin="import")

    def add_bytes(
        self,
        data: bytes,
        emotion: Emotion | str,
        source_name: str,
        *,
        origin: str = "import",
        meta: Mapping[str, Any] | None = None,
    ) -> PendingImage:
        """Validate and store one image; raises RejectedImage (or DiskFullError)."""
        self._writable()
        if origin not in ORIGINS:
            raise ValueError(f"origin {origin!r}; allowed: {', '.join(ORIGINS)}")
        emo = parse_emotion(emotion)
        notes: list[str] = []
        fmt, width, height = self.intake.check(data, source_name, notes)
        for note in notes:  # damaged EXIF data: taken, with the kiosk's line (no raw warning)
            log.warning("pool: %s", note)
        checksum = hashlib.sha256(data).hexdigest()
        with self._lock:
            self._check_duplicate(checksum, source_name)
            key = self._new_id(checksum)
            name = f"{key}{FORMATS[fmt]}"
            files.write_bytes_atomic(self.root / name, data, what="add the image to the pool")
            row = (key, name, source_name, emo.folder, checksum, len(data), width, height,
                   time.time(), origin, json.dumps(dict(meta or {}), ensure_ascii=False))
            try:
                with self._db:
                    self._db.execute(
                        f"INSERT INTO pending ({_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?,?)", row
                    )
            except sqlite3.Error as exc:
                with contextlib.suppress(OSError):
                    (self.root / name).unlink()
                raise CurationError(f"cannot record {source_name} in the pool: {exc}") from exc
        entry = self._entry(row)
        log.info("pool: %s added as %s (%s, %d×%d, %s)", source_name, key, emo.folder,
                 width, height, origin)
        return entry

    def _check_duplicate(self, checksum: str, source: str) -> None:
        row = self._db.execute(
            "SELECT id FROM pending WHERE checksum = ?", (checksum,)
        ).fetchone()
        if row is not None:
            raise RejectedImage("duplicate", f"{source}: already waiting for review as {row[0]}")
        live = self._catalog_item_with(checksum)
        if live is not None:
            raise RejectedImage("duplicate", f"{source}: already in the catalog as {live}")

    def _catalog_item_with(self, checksum: str) -> str | None:
        live = self._live if self._live is not None else self._live_checksums()
        return live.get(checksum)

    def _live_checksums(self) -> dict[str, str]:
        return {item.checksum: item.id for item in self.catalog.items(enabled=None)}

    @contextlib.contextmanager
    def _live_checksums_cached(self) -> Iterator[None]:
        """Read the catalog's checksums once for a batch of imports."""
        with self._lock:
            self._live = self._live_checksums()
            try:
                yield
            finally:
                self._live = None

    def _new_id(self, checksum: str) -> str:
        for length in (12, 16, 24, 64):
            key = checksum[:length]
            if self._db.execute("SELECT 1 FROM pending WHERE id = ?", (key,)).fetchone() is None:
                return key
        raise CurationError("pool id collision")  # pragma: no cover - sha256 prefixes

    # ------------------------------------------------------------------ queries

    def entries(self, emotion: Emotion | None = None) -> list[PendingImage]:
        """Pending images, oldest first."""
        sql, args = f"SELECT {_COLUMNS} FROM pending", []
        if emotion is not None:
            sql += " WHERE emotion = ?"
            args.append(emotion.folder)
        with self._lock:
            rows = self._db.execute(sql + " ORDER BY added_at, id", args).fetchall()
        return [self._entry(r) for r in rows]

    def get(self, key: str) -> PendingImage:
        """The pending image with this id, or a unique prefix of it (4+ characters)."""
        key = key.strip().lower()
        with self._lock:
            rows = self._db.execute(
                f"SELECT {_COLUMNS} FROM pending WHERE id = ? OR (length(?) >= 4 AND id LIKE ?)",
                (key, key, key.replace("%", "").replace("_", "") + "%"),
            ).fetchall()
        exact = [r for r in rows if r[0] == key]
        if exact or len(rows) == 1:
            return self._entry((exact or rows)[0])
        if rows:
            raise NotFoundError(f"{key!r} matches {len(rows)} pending images; give more of the id")
        if len(key) < 4:
            raise NotFoundError(f"no pending image {key!r}: give the id or at least its "
                                "first 4 characters; see `kiosk-admin catalog list`")
        raise NotFoundError(f"no pending image {key!r}; see `kiosk-admin catalog list`")

    def thumbnails(
        self, max_side: int = 512, emotion: Emotion | None = None
    ) -> list[tuple[PendingImage, np.ndarray]]:
        """Pending images with an RGB uint8 thumbnail each (longest side `max_side`),
        for the curation screen: decode on a worker, `rgb_to_qimage` on the GUI thread.
        An image that cannot be read any more gets a 1×1 grey placeholder."""
        out = []
        for entry in self.entries(emotion):
            try:  # upright (EXIF), transparency on the card's colour, JPEGs at a lower scale
                rgb = load_image(entry.path, max_side=max_side, policy=CARD_POLICY)
                array = np.asarray(rgb, dtype=np.uint8)
            except ImageError as exc:
                log.warning("pool: cannot show a thumbnail: %s", exc)
                array = np.full((1, 1, 3), 128, np.uint8)
            out.append((entry, array))
        return out

    def __len__(self) -> int:
        with self._lock:
            return int(self._db.execute("SELECT count(*) FROM pending").fetchone()[0])

    # ------------------------------------------------------------------ decisions

    def approve(self, key: str) -> Approval:
        """Move a pending image into the live catalog (see the module docstring)."""
        self._writable()
        with self._lock:
            return self._approve(key)

    def _approve(self, key: str) -> Approval:
        entry = self.get(key)
        folder = self.catalog.root / entry.emotion.folder
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise CurationError(f"cannot create the catalog folder {folder}: {exc.strerror}; "
                                "check recommend.catalog_dir") from None
        src = Path(entry.path)
        if not src.is_file():
            raise CurationError(f"the pool file of {entry.id} is missing ({src}); reject it "
                                "and import the image again")
        dest = self._approved_path(entry, folder)
        if not dest.exists():
            other = self._catalog_item_with(entry.checksum)
            if other is not None:
                raise CurationError(f"{entry.id} is already in the catalog as {other}; "
                                    "reject the pending copy")
            files.copy_atomic(src, dest, what=f"approve {entry.id} into {folder}")
        self._forget(entry)
        key_id = item_id(entry.emotion, dest.name)
        item, warnings = self._refresh_catalog(dest, key_id)
        queued = False
        if item is None:
            item = Item(key_id, entry.emotion, str(dest), entry.checksum, time.time())
        elif self.queue is not None:
            try:
                if self.queue.record_item(item) == 0:  # a lock kept it in the spool
                    warnings.append("the event queue is locked: the PutItems record is "
                                    "kept and queued at the next start")
                queued = True
            except KioskError as exc:
                warnings.append(f"the PutItems record was not queued: {exc}")
        log.info("pool: approved %s as %s%s", entry.id, item.id,
                 "" if queued else " (no PutItems record queued)")
        return Approval(entry.id, item, queued, tuple(warnings))

    def reject(self, key: str) -> PendingImage:
        """Drop a pending image for good."""
        self._writable()
        entry = self.get(key)
        self._forget(entry)
        log.info("pool: rejected %s (%s)", entry.id, entry.source_name)
        return entry

    def retag(self, key: str, emotion: Emotion | str) -> PendingImage:
        """Change the emotion of a pending image."""
        self._writable()
        emo = parse_emotion(emotion)
        entry = self.get(key)
        with self._lock, self._db:
            self._db.execute("UPDATE pending SET emotion = ? WHERE id = ?", (emo.folder, entry.id))
        return self.get(entry.id)

    def _approved_path(self, entry: PendingImage, folder: Path) -> Path:
        """The catalog file for `entry`: an identical file already there under a name an
        approval of it gives (a crash after the copy, `_earlier_copy`), else its own
        readable name (`files.safe_stem`: the id a copy by hand of that name gets), or
        the name with a short tag (8 hex digits of its checksum, as `live.retag_item`
        does) appended when taken."""
        ext = Path(entry.path).suffix
        stem = files.safe_stem(entry.source_name)
        tag = entry.checksum[:8]
        earlier = _earlier_copy(entry, folder, ext, [
            (stem, tag), (files.legacy_stem(entry.source_name), entry.id)])
        return earlier or files.unique_path(folder, stem, ext, tag)

    def _forget(self, entry: PendingImage) -> None:
        with self._lock, self._db:
            self._db.execute("DELETE FROM pending WHERE id = ?", (entry.id,))
        with contextlib.suppress(FileNotFoundError):
            Path(entry.path).unlink()

    def _refresh_catalog(self, dest: Path, key: str) -> tuple[Item | None, list[str]]:
        """The catalog's item for the approved file `dest` after a rescan: by its path
        (a file an earlier approval left keeps the id the manifest gave it), else `key`."""
        try:
            self.catalog.rescan()
        except CatalogError as exc:
            return None, [f"the catalog could not be rescanned: {exc}"]
        item = self.catalog.item_at(dest) or self.catalog.get(key)
        if item is not None:
            return item, []
        rel = f"{dest.parent.name}/{dest.name}"
        reasons = [s.reason for s in self.catalog.skipped if s.path == rel]
        why = reasons[0] if reasons else "disabled or filtered"
        return None, [f"the catalog did not take {key}: {why}"]

    def _entry(self, row: tuple[Any, ...]) -> PendingImage:
        key, name, source, emotion, checksum, size, width, height, added, origin, meta = row
        return PendingImage(
            id=key, path=str(self.root / name), source_name=source,
            emotion=Emotion.parse(emotion), checksum=checksum, size=int(size),
            width=int(width), height=int(height), added_at=float(added), origin=origin,
            meta=json.loads(meta or "{}"),
        )


def _earlier_copy(entry: PendingImage, folder: Path, ext: str,
                  rules: list[tuple[str, str]]) -> Path | None:
    """The file in `folder` identical to `entry` (sha256) that an approval of it left
    there before a crash, or None: its name is `<stem><ext>`, `<stem>-<tag><ext>` or
    `<stem>-<tag>-<n><ext>` for one of the `rules` (stem, tag) — this build's name and
    tag, and the name builds before readable names gave with the pool id
    (`files.legacy_stem`) — in any Unicode form (a Mac writes names decomposed). Without
    it, an approval that crashed under the previous build would go live a second time
    under the new name: two item ids for one image."""
    patterns = [re.compile(rf"{re.escape(stem)}(?:-{re.escape(tag)}(?:-\d+)?)?{re.escape(ext)}")
                for stem, tag in rules]
    try:
        names = [p.name for p in folder.iterdir()]
    except OSError:
        return None
    matches = sorted((n for n in names if not n.startswith(".") and any(
        p.fullmatch(unicodedata.normalize("NFC", n)) for p in patterns)), key=lambda n: (len(n), n))
    for name in matches:
        path = folder / name
        try:
            if (path.is_file() and path.stat().st_size == entry.size
                    and files.sha256_file(path) == entry.checksum):
                return path
        except OSError:
            continue
    return None
