"""`kiosk-admin catalog import | list | approve | reject | remove | retag | sync | rescan`:
curate the image catalog.

`--catalog DIR` (a global option, `kiosk.admin.cli`) points every command at another
catalog folder, as `kiosk --catalog DIR` does for the kiosk. `rescan` prints its report
(skipped files and ignored folders included) on standard output only: they are not
logged to standard error as well.

New images wait in the pending pool (`<data_dir>/pending/`) until approved; an
approval moves the image into `<catalog>/<emotion>/` and queues a PutItems record
for Amazon Personalize. `sync` mirrors `s3://BUCKET/PREFIX/<emotion>/<file>` into
the catalog. Each command prints one line per result (JSON with `--json`) and
exits 0 when everything worked, 1 when something did not, 2 for bad arguments.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from kiosk.config import Settings
from kiosk.curation import live
from kiosk.curation.errors import CurationError, DiskFullError
from kiosk.curation.locations import open_catalog
from kiosk.curation.pool import PendingPool
from kiosk.curation.s3sync import S3Sync
from kiosk.domain import Emotion
from kiosk.errors import KioskError
from kiosk.events.queue import EventQueue
from kiosk.recommend.catalog import MIN_SIDE, SYSTEM_FILES, Catalog, folder_emotion
from kiosk.recommend.catalog_names import escaped

OPERATOR_ERRORS = (KioskError,)


def emotion_arg(text: str) -> Emotion:
    try:
        return Emotion.parse(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


class _LiveOrFolder(argparse.Action):
    """`catalog list --catalog` alone lists the live images (what it meant before
    every command took `--catalog DIR`); `--catalog DIR` is the catalog folder."""

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace,
                 values: Any, option_string: str | None = None) -> None:
        if values is None:
            namespace.live = True
        else:
            namespace.catalog_dir = values


def register(subparsers: Any) -> None:
    """Add the `catalog` command group to the admin cli's subparsers."""
    catalog = subparsers.add_parser(
        "catalog", help="review new images, curate and sync the image catalog",
        description="Curate the image catalog: the pending pool, the live images, S3 sync.",
    )
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--json", action="store_true", help="print the result as JSON")
    sub = catalog.add_subparsers(dest="catalog_command", metavar="COMMAND", required=True)

    p = sub.add_parser("import", parents=[common], help="copy images into the pending pool")
    p.add_argument("paths", nargs="+", metavar="PATH", help="image files or folders of images")
    p.add_argument("--emotion", type=emotion_arg, required=True,
                   help="emotion folder: " + ", ".join(e.folder for e in Emotion))
    p.set_defaults(func=cmd_import)

    p = sub.add_parser("list", parents=[common], help="list pending (default) or live images")
    which = p.add_mutually_exclusive_group()
    which.add_argument("--pending", action="store_true", help="images waiting for review")
    which.add_argument("--live", action="store_true", help="images live in the catalog")
    p.add_argument("--catalog", nargs="?", action=_LiveOrFolder, dest="catalog_dir",
                   default=argparse.SUPPRESS, metavar="DIR",
                   help="with DIR: the catalog folder, as for every command; alone: "
                   "the same as --live (its meaning before --live)")
    p.add_argument("--emotion", type=emotion_arg, help="only this emotion")
    p.set_defaults(func=cmd_list)

    for name, func, text in (
        ("approve", cmd_approve, "move pending images into the live catalog"),
        ("reject", cmd_reject, "drop pending images"),
        ("remove", cmd_remove, "delete images: pending ids or catalog item ids "
                               "(emotions/<emotion>/<file>)"),
    ):
        p = sub.add_parser(name, parents=[common], help=text)
        p.add_argument("ids", nargs="+", metavar="ID")
        p.set_defaults(func=func)

    p = sub.add_parser("retag", parents=[common],
                       help="change the emotion of pending or live images")
    p.add_argument("ids", nargs="+", metavar="ID")
    p.add_argument("--emotion", type=emotion_arg, required=True, help="the new emotion")
    p.set_defaults(func=cmd_retag)

    p = sub.add_parser("sync", parents=[common], help="mirror s3://BUCKET/PREFIX/<emotion>/ here")
    p.add_argument("url", metavar="s3://BUCKET/PREFIX")
    p.add_argument("--max-kbps", type=float, default=0.0,
                   help="download bandwidth cap in kilobytes per second (default: none)")
    p.add_argument("--allow-empty", action="store_true",
                   help="mirror even an empty prefix (deletes every synced image)")
    p.set_defaults(func=cmd_sync)

    p = sub.add_parser("rescan", parents=[common], help="bring the catalog manifest up to date")
    p.set_defaults(func=cmd_rescan)


# ---------------------------------------------------------------------- plumbing


def _settings(args: argparse.Namespace) -> Settings:
    settings = getattr(args, "settings", None)
    return settings if isinstance(settings, Settings) else Settings()


@contextlib.contextmanager
def _opened(args: argparse.Namespace, *, queue: bool = False) -> Iterator[PendingPool]:
    settings = _settings(args)
    catalog = open_catalog(settings)
    catalog.quiet = True  # bad files are `catalog rescan`'s to report, not every command's
    events = EventQueue.from_settings(settings) if queue else None
    try:
        if catalog.root.is_dir():
            catalog.rescan()
        with PendingPool.from_settings(settings, catalog, events) as pool:
            yield pool
    finally:
        if events is not None:
            events.close()
        catalog.close()


def _run(args: argparse.Namespace, body: Callable[[], int]) -> int:
    try:
        return body()
    except OPERATOR_ERRORS as exc:
        _error(str(exc))
        if args.json:  # standard output stays JSON for scripts
            print(json.dumps({"error": str(exc)}, ensure_ascii=False))
        return 1


def _error(text: str) -> None:
    print(f"error: {text}", file=sys.stderr)


def _emit(args: argparse.Namespace, data: Any, lines: list[str]) -> None:
    if args.json:
        print(json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False))
    else:
        for line in lines:
            print(line)


def _expand(paths: list[str]) -> list[Path]:
    """Files as given, and a folder's visible files: one the kiosk does not show (a
    `.gif`, a `.txt`) is rejected by name in the report, never passed over without a
    word. Hidden files and those Windows writes by itself are left out."""
    out: list[Path] = []
    for raw in paths:
        path = Path(raw).expanduser()
        if path.is_dir():
            out.extend(p for p in sorted(path.iterdir())
                       if p.is_file() and not p.name.startswith(".")
                       and p.name.lower() not in SYSTEM_FILES)
        else:
            out.append(path)
    return out


def _when(epoch: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M", time.localtime(epoch))


# ---------------------------------------------------------------------- commands


def cmd_import(args: argparse.Namespace) -> int:
    def body() -> int:
        with _opened(args) as pool:
            report = pool.import_files(_expand(args.paths), args.emotion)
        lines = [f"added    {e.id}  {e.source_name} ({e.emotion.folder}, {e.width}×{e.height})"
                 for e in report.added]
        lines += [f"rejected {r.source}: {r.message}" for r in report.rejected]
        lines.append(f"{len(report.added)} added to the pending pool, {len(report.rejected)} "
                     "rejected; review with `kiosk-admin catalog list`")
        _emit(args, {"added": [e.to_dict() for e in report.added],
                     "rejected": [{"source": r.source, "reason": r.reason, "message": r.message}
                                  for r in report.rejected]}, lines)
        return 0 if not report.rejected else 1

    return _run(args, body)


def cmd_list(args: argparse.Namespace) -> int:
    def body() -> int:
        if args.live:
            settings = _settings(args)
            catalog = open_catalog(settings)
            catalog.quiet = True  # a list, not a rescan report: a pointer to it below
            try:
                scan = catalog.rescan()
                items = catalog.items(args.emotion, enabled=None)
            finally:
                catalog.close()
            # an id with invisible characters (a byte order mark) escaped: `\ufeffx.jpg`
            lines = [escaped(i.id) for i in items] + [
                f"{len(items)} image(s) in {catalog.root}"]
            notes = [f"{n} {what}" for n, what in (
                (len(scan.skipped), "skipped"),
                (len(scan.ignored_folders), "folder(s) ignored"),
                (len(scan.small), f"under {MIN_SIDE} px"),
                (len(scan.duplicates), "the same image as another")) if n]
            if notes:
                lines.append(f"({', '.join(notes)}: see `kiosk-admin catalog rescan`)")
            _emit(args, [{"id": i.id, "emotion": i.emotion.folder, "path": i.path}
                         for i in items], lines)
            return 0
        with _opened(args) as pool:
            entries = pool.entries(args.emotion)
        lines = [f"{e.id}  {e.emotion.folder:<9} {e.width}×{e.height:<5} {e.origin:<8} "
                 f"{_when(e.added_at)}  {e.source_name}" for e in entries]
        lines.append(f"{len(entries)} image(s) waiting for review")
        _emit(args, [e.to_dict() for e in entries], lines)
        return 0

    return _run(args, body)


def cmd_approve(args: argparse.Namespace) -> int:
    def body() -> int:
        results, lines, failed = [], [], 0
        with _opened(args, queue=True) as pool:
            for key in args.ids:
                try:
                    done = pool.approve(key)
                except (CurationError, DiskFullError) as exc:
                    failed += 1
                    results.append({"id": key, "error": str(exc)})
                    lines.append(f"not approved {key}: {exc}")
                    continue
                results.append({"id": done.pending_id, "item_id": done.item.id,
                                "path": done.item.path, "queued": done.queued,
                                "warnings": list(done.warnings)})
                if not done.queued and pool.queue is not None:
                    failed += 1  # live, but Personalize would never hear of it
                note = "PutItems queued" if done.queued else "no PutItems record queued"
                lines.append(f"approved {done.pending_id} → {done.item.id} ({note})")
                lines += [f"  warning: {w}" for w in done.warnings]
        _emit(args, results, lines)
        return 1 if failed else 0

    return _run(args, body)


def cmd_reject(args: argparse.Namespace) -> int:
    def body() -> int:
        results, lines, failed = [], [], 0
        with _opened(args) as pool:
            for key in args.ids:
                try:
                    entry = pool.reject(key)
                except (CurationError, DiskFullError) as exc:
                    failed += 1
                    results.append({"id": key, "error": str(exc)})
                    lines.append(f"not rejected {key}: {exc}")
                    continue
                results.append({"id": entry.id, "rejected": True})
                lines.append(f"rejected {entry.id} ({entry.source_name})")
        _emit(args, results, lines)
        return 1 if failed else 0

    return _run(args, body)


def cmd_remove(args: argparse.Namespace) -> int:
    def body() -> int:
        results, lines, failed = [], [], 0
        with _opened(args) as pool:
            for key in args.ids:
                try:
                    if live.is_item_ref(key):
                        item = live.remove_item(pool.catalog, key)
                        results.append({"id": item.id, "removed": item.path})
                        lines.append(f"removed {item.id} from the catalog ({item.path})")
                    else:
                        entry = pool.reject(key)
                        results.append({"id": entry.id, "removed": entry.path})
                        lines.append(f"removed pending {entry.id} ({entry.source_name})")
                except OPERATOR_ERRORS as exc:
                    failed += 1
                    results.append({"id": key, "error": str(exc)})
                    lines.append(f"not removed {key}: {exc}")
        _emit(args, results, lines)
        return 1 if failed else 0

    return _run(args, body)


def cmd_retag(args: argparse.Namespace) -> int:
    def body() -> int:
        results: list[dict[str, Any]] = []
        lines: list[str] = []
        failed = 0
        with _opened(args, queue=True) as pool:
            for key in args.ids:
                try:
                    if live.is_item_ref(key):
                        moved = live.retag_item(pool.catalog, key, args.emotion, pool.queue)
                        results.append({"id": moved.old.id, "new_id": moved.new.id,
                                        "queued": moved.queued, "warnings": list(moved.warnings)})
                        lines.append(f"retagged {moved.old.id} → {moved.new.id}")
                        lines += [f"  warning: {w}" for w in moved.warnings]
                    else:
                        entry = pool.retag(key, args.emotion)
                        results.append({"id": entry.id, "emotion": entry.emotion.folder})
                        lines.append(f"retagged pending {entry.id} as {entry.emotion.folder}")
                except OPERATOR_ERRORS as exc:
                    failed += 1
                    results.append({"id": key, "error": str(exc)})
                    lines.append(f"not retagged {key}: {exc}")
        _emit(args, results, lines)
        return 1 if failed else 0

    return _run(args, body)


def cmd_sync(args: argparse.Namespace) -> int:
    def body() -> int:
        settings = _settings(args)
        rate = int(args.max_kbps * 1000) if args.max_kbps > 0 else None
        syncer = S3Sync.from_settings(settings, max_bytes_per_s=rate)
        try:
            report = syncer.sync(args.url, allow_empty=args.allow_empty)
        finally:
            syncer.close()
        data = report.to_dict()
        lines = [f"sync {report.summary()}"]
        lines += [f"  failed {f.path}: {f.reason}" for f in report.failed]
        lines += [f"  skipped {f.path}: {f.reason}" for f in report.skipped]
        if report.ignored:
            lines.append(f"  ignored folders (not emotions): {', '.join(report.ignored)}")
        if report.changed:
            catalog = open_catalog(settings)
            try:
                scan = catalog.rescan()
            finally:
                catalog.close()
            data["catalog"] = {"added": len(scan.added), "updated": len(scan.updated),
                               "removed": len(scan.removed), "skipped": len(scan.skipped)}
            lines.append(f"catalog: {len(scan.added)} added, {len(scan.updated)} updated, "
                         f"{len(scan.removed)} removed, {len(scan.skipped)} skipped")
        _emit(args, data, lines)
        return 0 if report.ok else 1

    return _run(args, body)


def cmd_rescan(args: argparse.Namespace) -> int:
    def body() -> int:
        catalog: Catalog = open_catalog(_settings(args))
        catalog.quiet = True  # skipped files and ignored folders: in the report, once
        try:
            scan = catalog.rescan()
            counts = catalog.counts()
        finally:
            catalog.close()
        lines = [f"catalog {catalog.root}: {len(scan.added)} added, {len(scan.updated)} updated,"
                 f" {len(scan.removed)} removed, {scan.unchanged} unchanged, "
                 f"{len(scan.skipped)} skipped"]
        lines += [f"  skipped {escaped(s.path)}: {s.reason}" for s in scan.skipped]
        lines += [f"  ignored folder {escaped(name)}: {folder_emotion(name)[1]}"
                  for name in scan.ignored_folders]
        lines += [f"  small   {escaped(s.path)}: {s.width}×{s.height} pixels, under the "
                  f"{MIN_SIDE} a side that catalog import takes; shown upscaled (blurry): "
                  "replace it with a larger image" for s in scan.small]
        lines += [f"  same    {escaped(d.path)}: the same image (bytes) as {escaped(d.same_as)}, "
                  "shown twice; remove the copy unless it is meant to be there"
                  for d in scan.duplicates]
        lines += [f"  note    {escaped(n.path)}: {n.reason}" for n in scan.notes]
        lines.append("  " + ", ".join(f"{k} {v}" for k, v in counts.items()))
        _emit(args, {"root": str(catalog.root), "added": list(scan.added),
                     "ignored_folders": list(scan.ignored_folders),
                     "updated": list(scan.updated), "removed": list(scan.removed),
                     "unchanged": scan.unchanged, "counts": counts,
                     "skipped": [{"path": s.path, "reason": s.reason} for s in scan.skipped],
                     "small": [{"path": s.path, "width": s.width, "height": s.height}
                               for s in scan.small],
                     "duplicates": [{"path": d.path, "same_as": d.same_as}
                                    for d in scan.duplicates],
                     "notes": [{"path": n.path, "note": n.reason} for n in scan.notes]},
              lines)
        if catalog.read_only:  # indexed in memory only: the manifest on disk is unchanged
            _error(f"the manifest was not saved: {catalog.read_only}")
            return 1
        return 0

    return _run(args, body)
