"""Fleet sync: mirror `s3://BUCKET/PREFIX/<emotion>/<file>` into the local catalog.

The AWS sample keeps its live images under `emotions/<emotion>/<file>`; a fleet
of kiosks can share one such prefix. Each run lists the prefix (ListObjectsV2,
paginated), then per object:

* unchanged (same ETag as recorded in the sync state): nothing is transferred;
* new or changed: downloaded through boto3's transfer manager (modest
  concurrency, optional bandwidth cap) into a hidden `.s3sync-<file>.<random>.part`
  in the same folder (swept after an hour if a crash leaves one), fsynced, its
  size checked, then renamed over the final name, so the catalog never sees half
  a file;
* gone from the bucket: the local copy is deleted.

Ownership: the sync state (`s3sync.sqlite3`, one row per file, committed after
each file so an interrupted run resumes where it stopped) records which catalog
files the sync wrote, with their size and modification time. Only those files
are ever replaced or deleted; an operator's own files, or a synced file an
operator has since edited, are left alone (a local file identical to the object
is adopted). Unknown emotion folders are ignored with a log line; a key the kiosk does
not show (`happy/x.gif`, `happy/notes.txt`) is not downloaded and is named in `skipped`
(a warning, not a failure: the run is still ok).
A listing that finds no images while the sync owns files deletes nothing unless
`allow_empty` is set, so a mistyped prefix cannot wipe a kiosk's catalog. The
state is opened by `kiosk.storage.sqlite` (schema version 1).
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import re
import stat
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kiosk.aws import Backoff, Cancelled, error_code, make_client, retry_call
from kiosk.config import Settings
from kiosk.curation import files
from kiosk.curation.errors import KEPT, DiskFullError, SyncError, is_disk_full
from kiosk.curation.locations import catalog_root, sync_state_db
from kiosk.domain import Emotion
from kiosk.errors import KioskError
from kiosk.recommend.catalog import IMAGE_SUFFIXES, SYSTEM_FILES, not_shown
from kiosk.storage.sqlite import Schema, open_store

log = logging.getLogger(__name__)

TEMP_PREFIX = ".s3sync-"
STALE_TEMP_S = 3600.0  # a temporary this old is a crash's leftover, not a running download
_BAD_NAME = re.compile(r'[\\:*?"<>|\x00-\x1f]')
_SCHEMA = """
CREATE TABLE IF NOT EXISTS files (
    root TEXT NOT NULL,            -- catalog folder
    path TEXT NOT NULL,            -- <emotion>/<file> inside it
    bucket TEXT NOT NULL,
    key TEXT NOT NULL,
    etag TEXT NOT NULL,
    size INTEGER NOT NULL,
    local_size INTEGER NOT NULL,   -- the file as written, to recognise an operator's edit
    local_mtime_ns INTEGER NOT NULL,
    synced_at REAL NOT NULL,
    PRIMARY KEY (root, path)
);
"""
# version 1 is the state as it was before versions (IF NOT EXISTS: adopted as is)
SCHEMA = Schema("the sync state", (_SCHEMA,),
                remedy="move the file aside (the next run then adopts the catalog files "
                       "identical to the bucket's and leaves the others alone)")


@dataclass(frozen=True, slots=True)
class S3Location:
    bucket: str
    prefix: str  # "" or ending in "/"

    @property
    def url(self) -> str:
        return f"s3://{self.bucket}/{self.prefix}"


def parse_s3_url(url: str) -> S3Location:
    """`s3://bucket/prefix` (the prefix may be empty); raises SyncError otherwise."""
    if not url.startswith("s3://"):
        raise SyncError(f"{url!r} is not an S3 URL; write s3://BUCKET/PREFIX "
                        "(e.g. s3://my-kiosk-images/emotions)")
    bucket, _, prefix = url[5:].partition("/")
    if not re.fullmatch(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]", bucket):
        raise SyncError(f"{bucket!r} is not a valid S3 bucket name (in {url!r})")
    prefix = prefix.strip("/")
    return S3Location(bucket, f"{prefix}/" if prefix else "")


@dataclass(frozen=True, slots=True)
class SyncFailure:
    path: str  # the S3 key, or the local path for a deletion
    reason: str


@dataclass(frozen=True, slots=True)
class SyncReport:
    """What one run did; paths are `<emotion>/<file>` inside the catalog."""

    source: str
    downloaded: tuple[str, ...] = ()
    updated: tuple[str, ...] = ()
    deleted: tuple[str, ...] = ()
    unchanged: int = 0
    failed: tuple[SyncFailure, ...] = ()
    ignored: tuple[str, ...] = ()
    skipped: tuple[SyncFailure, ...] = ()  # keys the kiosk does not show: not downloaded
    bytes_downloaded: int = 0
    seconds: float = 0.0
    stopped: bool = False

    @property
    def changed(self) -> bool:
        return bool(self.downloaded or self.updated or self.deleted)

    @property
    def ok(self) -> bool:
        return not self.failed and not self.stopped

    def summary(self) -> str:
        text = (f"{self.source}: {len(self.downloaded)} downloaded, {len(self.updated)} updated, "
                f"{len(self.deleted)} deleted, {self.unchanged} unchanged, "
                f"{len(self.failed)} failed"
                + (f", {len(self.skipped)} skipped" if self.skipped else "")
                + f" ({self.bytes_downloaded / 1e6:.1f} MB, "
                f"{self.seconds:.1f} s)")
        return text + (" — stopped early" if self.stopped else "")

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source, "downloaded": list(self.downloaded),
            "updated": list(self.updated), "deleted": list(self.deleted),
            "unchanged": self.unchanged, "ignored": list(self.ignored),
            "failed": [{"path": f.path, "reason": f.reason} for f in self.failed],
            "skipped": [{"path": f.path, "reason": f.reason} for f in self.skipped],
            "bytes_downloaded": self.bytes_downloaded, "seconds": round(self.seconds, 3),
            "stopped": self.stopped,
        }


@dataclass(frozen=True, slots=True)
class _Remote:
    key: str
    etag: str
    size: int


@dataclass(slots=True)
class _Run:
    downloaded: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    failed: list[SyncFailure] = field(default_factory=list)
    skipped: list[SyncFailure] = field(default_factory=list)
    unchanged: int = 0
    bytes: int = 0


class S3Sync:
    """Mirrors an S3 prefix into `root`; see the module docstring."""

    def __init__(
        self,
        client: Any,
        root: str | Path,
        state_path: str | Path,
        *,
        max_bytes_per_s: int | None = None,
        max_image_mb: float = 20.0,
        max_concurrency: int = 2,
        page_size: int = 1000,
    ) -> None:
        from boto3.s3.transfer import TransferConfig

        self.client = client
        self.root = Path(root).expanduser()
        self.max_image_bytes = int(max_image_mb * 1024 * 1024)
        self.page_size = max(1, min(1000, page_size))
        self.transfer = TransferConfig(
            multipart_threshold=16 * 1024 * 1024,
            multipart_chunksize=8 * 1024 * 1024,
            max_concurrency=max(1, max_concurrency),
            max_bandwidth=int(max_bytes_per_s) if max_bytes_per_s else None,
        )
        state_path = Path(state_path).expanduser()
        try:
            self._db = open_store(state_path, SCHEMA, isolation_level="DEFERRED")
        except KioskError as exc:  # StoreError (newer, damaged, read-only), DiskFullError
            raise SyncError(str(exc)) from exc
        self._lock = threading.Lock()  # one run at a time
        self.retries = 2  # transient failures (throttling, 5xx, network) per listing/file
        self.backoff = Backoff(base_s=1.0, cap_s=20.0)
        self._stop = threading.Event()

    @classmethod
    def from_settings(cls, settings: Settings, *, max_bytes_per_s: int | None = None) -> S3Sync:
        return cls(
            make_client("s3", settings.aws), catalog_root(settings), sync_state_db(settings),
            max_bytes_per_s=max_bytes_per_s, max_image_mb=settings.recommend.max_image_mb,
        )

    def close(self) -> None:
        self._db.close()

    # ------------------------------------------------------------------ run

    def sync(
        self,
        source: str | S3Location,
        *,
        stop: threading.Event | None = None,
        allow_empty: bool = False,
    ) -> SyncReport:
        """One mirror run. Raises SyncError when the prefix cannot be listed at all;
        per-file problems are in the report's `failed`."""
        loc = parse_s3_url(source) if isinstance(source, str) else source
        started = time.perf_counter()
        with self._lock:
            self._stop = stop if stop is not None else threading.Event()
            stopped = False
            try:
                remote, ignored, run = self._list(loc)
            except Cancelled:  # stopped before or while listing: nothing touched
                remote, ignored, run, stopped = {}, [], _Run(), True
            if not stopped:
                self._sweep_temp()
            for rel in sorted(remote):
                if stop is not None and stop.is_set():
                    stopped = True
                    break
                try:
                    self._one(loc, rel, remote[rel], run)
                except DiskFullError as exc:
                    run.failed.append(SyncFailure(remote[rel].key, str(exc)))
                    stopped = True
                    break
            if not stopped:
                self._delete_gone(remote, run, allow_empty)
        report = SyncReport(
            source=loc.url, downloaded=tuple(run.downloaded), updated=tuple(run.updated),
            deleted=tuple(run.deleted), unchanged=run.unchanged, failed=tuple(run.failed),
            ignored=tuple(ignored), skipped=tuple(run.skipped), bytes_downloaded=run.bytes,
            seconds=time.perf_counter() - started, stopped=stopped,
        )
        log.info("s3 sync %s", report.summary())
        for failure in report.failed:
            log.warning("s3 sync: %s: %s", failure.path, failure.reason)
        for skip in report.skipped:
            log.warning("s3 sync: skipping %s: %s", skip.path, skip.reason)
        return report

    def _list(self, loc: S3Location) -> tuple[dict[str, _Remote], list[str], _Run]:
        """The prefix's objects. Raises SyncError, or Cancelled when stopped."""
        from botocore.exceptions import BotoCoreError, ClientError

        remote: dict[str, _Remote] = {}
        ignored: list[str] = []
        run = _Run()
        try:
            # The whole listing is retried on a transient failure (it is cheap).
            listing = retry_call(lambda: list(self._objects(loc)), backoff=self.backoff,
                                 retries=self.retries, stop=self._stop,
                                 what=f"s3 sync: list {loc.url}")
        except ClientError as exc:
            raise SyncError(_listing_message(loc, exc)) from None
        except BotoCoreError as exc:
            raise SyncError(f"cannot list {loc.url}: {exc}; check the network, "
                            "aws.endpoint_s3 and the AWS credentials") from None
        for obj in listing:
            key = str(obj["Key"])
            rel = self._local_rel(loc, key, ignored, run)
            if rel is None:
                continue
            if rel in remote:
                run.failed.append(SyncFailure(key, f"same file as {remote[rel].key}; skipped"))
                continue
            size = int(obj.get("Size", 0))
            if size > self.max_image_bytes:
                run.failed.append(SyncFailure(key, f"{size / 1024 / 1024:.2f} MB is larger "
                                              "than recommend.max_image_mb; not downloaded"))
                continue
            remote[rel] = _Remote(key, str(obj.get("ETag", "")).strip('"'), size)
        return remote, ignored, run

    def _objects(self, loc: S3Location) -> Iterator[dict[str, Any]]:
        paginator = self.client.get_paginator("list_objects_v2")
        pages = paginator.paginate(
            Bucket=loc.bucket, Prefix=loc.prefix, PaginationConfig={"PageSize": self.page_size}
        )
        for page in pages:
            yield from page.get("Contents", [])

    def _local_rel(self, loc: S3Location, key: str, ignored: list[str], run: _Run) -> str | None:
        parts = key[len(loc.prefix):].split("/")
        if len(parts) != 2 or not parts[1] or parts[1].startswith("."):
            if parts[-1]:  # folder markers end in "/" and are not worth a line
                log.debug("s3 sync: ignoring %s: not <emotion>/<file>", key)
            return None
        folder, name = parts
        try:
            emotion = Emotion.parse(folder)
        except ValueError:
            if folder not in ignored:
                ignored.append(folder)
                log.info("s3 sync: ignoring %s%s/: not an emotion folder (allowed: %s)",
                         loc.prefix, folder, ", ".join(e.folder for e in Emotion))
            return None
        if name.lower() in SYSTEM_FILES:  # Thumbs.db of a Windows upload
            return None
        if Path(name).suffix.lower() not in IMAGE_SUFFIXES:  # not downloaded, but named
            run.skipped.append(SyncFailure(key, not_shown(Path(name))))
            return None
        if _BAD_NAME.search(name):
            run.failed.append(SyncFailure(key, "the name cannot be a local file name"))
            return None
        return f"{emotion.folder}/{name}"

    def _one(self, loc: S3Location, rel: str, obj: _Remote, run: _Run) -> None:
        row = self._db.execute(
            "SELECT etag, local_size, local_mtime_ns FROM files WHERE root = ? AND path = ?",
            (str(self.root), rel),
        ).fetchone()
        local = self.root / rel
        st = _stat(local)
        owned = row is not None and st is not None and (
            st.st_size, st.st_mtime_ns) == (row[1], row[2])
        if owned and row is not None and row[0] == obj.etag:
            run.unchanged += 1
            return
        if st is not None and not owned:
            if _md5_matches(local, obj.etag):
                self._record(loc, rel, obj, local)  # identical already: adopt it
                run.unchanged += 1
                return
            why = ("was changed here since the last sync" if row is not None
                   else "exists here and was not made by the sync")
            run.failed.append(SyncFailure(obj.key, f"{local} {why}; left as is (delete or "
                                          "rename it to take the bucket's copy)"))
            return
        if self._download(loc, rel, obj, local, run):
            (run.updated if st is not None else run.downloaded).append(rel)

    def _download(self, loc: S3Location, rel: str, obj: _Remote, local: Path, run: _Run) -> bool:
        from botocore.exceptions import BotoCoreError, ClientError

        # Unique per run, so two runs at once (the kiosk and kiosk-admin) never share one.
        tmp = local.with_name(f"{TEMP_PREFIX}{local.name}.{uuid.uuid4().hex[:8]}"
                              f"{files.PART_SUFFIX}")
        try:
            local.parent.mkdir(parents=True, exist_ok=True)

            def fetch() -> None:  # each attempt starts the file afresh
                with tmp.open("wb") as fh:
                    self.client.download_fileobj(loc.bucket, obj.key, fh, Config=self.transfer)
                    fh.flush()
                    os.fsync(fh.fileno())

            retry_call(fetch, backoff=self.backoff, retries=self.retries, stop=self._stop,
                       what=f"s3 sync: download {obj.key}")
            if tmp.stat().st_size != obj.size:
                raise _Changed()
            tmp.replace(local)
        except Cancelled:
            _unlink(tmp)
            run.failed.append(SyncFailure(obj.key, "stopped before the download finished"))
            return False
        except _Changed:
            _unlink(tmp)
            run.failed.append(SyncFailure(obj.key, "changed while downloading; the next sync "
                                          "fetches the new version"))
            return False
        except OSError as exc:
            _unlink(tmp)
            if is_disk_full(exc):
                raise DiskFullError(local.parent, f"download {obj.key}", kept=KEPT) from exc
            run.failed.append(SyncFailure(obj.key, f"cannot write {local}: {exc.strerror}"))
            return False
        except ClientError as exc:
            _unlink(tmp)
            code = error_code(exc)
            reason = ("removed from the bucket during the sync" if code in ("404", "NoSuchKey")
                      else f"{code}: {exc}")
            run.failed.append(SyncFailure(obj.key, reason))
            return False
        except BotoCoreError as exc:
            _unlink(tmp)
            run.failed.append(SyncFailure(obj.key, f"{type(exc).__name__}: {exc}"))
            return False
        except BaseException:
            _unlink(tmp)
            raise
        files.fsync_dir(local.parent)
        self._record(loc, rel, obj, local)
        run.bytes += obj.size
        return True

    def _record(self, loc: S3Location, rel: str, obj: _Remote, local: Path) -> None:
        st = local.stat()
        with self._db:
            self._db.execute(
                "INSERT OR REPLACE INTO files (root, path, bucket, key, etag, size, local_size,"
                " local_mtime_ns, synced_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (str(self.root), rel, loc.bucket, obj.key, obj.etag, obj.size, st.st_size,
                 st.st_mtime_ns, time.time()),
            )

    def _delete_gone(self, remote: dict[str, _Remote], run: _Run, allow_empty: bool) -> None:
        rows = self._db.execute(
            "SELECT path, local_size, local_mtime_ns FROM files WHERE root = ?", (str(self.root),)
        ).fetchall()
        gone = [r for r in rows if r[0] not in remote]
        if not remote and gone and not allow_empty:
            run.failed.append(SyncFailure(
                "(listing)", f"the bucket prefix lists no images but {len(gone)} synced file(s) "
                "are here; nothing deleted (check the URL, or allow an empty mirror)"))
            return
        for rel, size, mtime_ns in gone:
            local = self.root / rel
            st = _stat(local)
            if st is not None and (st.st_size, st.st_mtime_ns) == (size, mtime_ns):
                try:
                    local.unlink()
                except OSError as exc:
                    run.failed.append(SyncFailure(str(local), f"cannot delete: {exc.strerror}"))
                    continue
                run.deleted.append(rel)
            elif st is not None:
                log.info("s3 sync: %s is gone from the bucket but was edited here; kept", local)
            with self._db:
                self._db.execute(
                    "DELETE FROM files WHERE root = ? AND path = ?", (str(self.root), rel)
                )

    def _sweep_temp(self) -> None:
        if not self.root.is_dir():
            return
        for folder in self.root.iterdir():
            if folder.is_dir() and not folder.name.startswith("."):
                files.sweep_parts(folder, older_than_s=STALE_TEMP_S, prefix=TEMP_PREFIX)


class _Changed(Exception):
    """The downloaded bytes do not match the listing (the object changed meanwhile)."""


def _listing_message(loc: S3Location, exc: BaseException) -> str:
    code = error_code(exc)
    if code == "NoSuchBucket":
        return f"bucket {loc.bucket!r} does not exist (or is in another account); check {loc.url}"
    if code in ("AccessDenied", "AllAccessDisabled", "InvalidAccessKeyId",
                "SignatureDoesNotMatch"):
        return (f"access denied listing {loc.url} ({code}); the kiosk's role needs "
                f"s3:ListBucket on arn:aws:s3:::{loc.bucket} and s3:GetObject on "
                f"arn:aws:s3:::{loc.bucket}/{loc.prefix}*")
    return f"cannot list {loc.url}: {code}: {exc}"


def _stat(path: Path) -> os.stat_result | None:
    try:
        result = path.stat()
    except OSError:
        return None
    return result if stat.S_ISREG(result.st_mode) else None


def _md5_matches(path: Path, etag: str) -> bool:
    """Whether the file's MD5 is the ETag (False for multipart ETags, which are not)."""
    if not re.fullmatch(r"[0-9a-f]{32}", etag):
        return False
    digest = hashlib.md5(usedforsecurity=False)
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest() == etag


def _unlink(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.unlink()
