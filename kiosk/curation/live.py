"""Operator changes to images already live in the catalog: remove one, or move it to
another emotion (retag).

Items are named by their id (`emotions/<emotion>/<file>`) or by their path inside
the catalog (`<emotion>/<file>`). A retag is a rename inside the catalog folder
(atomic), so the image is never missing nor shown twice; the moved image gets a
new item id, which is queued as a PutItems record like an approval. Amazon
Personalize has no call to delete an item: a removed or moved id simply stops
being recommended because the kiosk filters recommendations by its catalog.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from kiosk.curation import files
from kiosk.curation.errors import KEPT, CurationError, DiskFullError, NotFoundError, is_disk_full
from kiosk.domain import Emotion, Item
from kiosk.events.errors import EventsError
from kiosk.events.queue import EventQueue
from kiosk.recommend.catalog import ID_PREFIX, Catalog, item_id
from kiosk.recommend.catalog_names import escaped

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Retag:
    old: Item
    new: Item
    queued: bool
    warnings: tuple[str, ...] = ()


def is_item_ref(ref: str) -> bool:
    """True for `emotions/<emotion>/<file>` or `<emotion>/<file>` (not a pool id)."""
    return "/" in ref.strip()


def find_item(catalog: Catalog, ref: str) -> Item:
    ref = ref.strip().strip("/")
    key = ref if ref.startswith(ID_PREFIX + "/") else f"{ID_PREFIX}/{ref}"
    # a name typed on a Mac comes decomposed; an id indexed with a byte order mark is
    # typed as it looks, or escaped as `catalog list --live` shows it (`Catalog.find`)
    found = catalog.find(key)
    if len(found) > 1:
        raise NotFoundError(
            f"{ref!r} names {len(found)} catalog items whose ids differ only in invisible "
            f"characters: {', '.join(escaped(i.id) for i in found)}; give one as written here")
    if not found:
        raise NotFoundError(f"no catalog item {ref!r}; ids look like emotions/happy/sunrise.jpg "
                            "(see `kiosk-admin catalog list --catalog`)")
    return found[0]


def remove_item(catalog: Catalog, ref: str) -> Item:
    """Delete a live image's file and drop it from the manifest."""
    item = find_item(catalog, ref)
    try:
        Path(item.path).unlink(missing_ok=True)
    except OSError as exc:
        raise CurationError(f"cannot remove {item.path}: {exc.strerror}") from None
    files.fsync_dir(Path(item.path).parent)
    catalog.rescan()
    log.info("catalog: removed %s", item.id)
    return item


def retag_item(
    catalog: Catalog, ref: str, emotion: Emotion, queue: EventQueue | None = None
) -> Retag:
    """Move a live image to `emotion`'s folder; queue a PutItems record for its new id."""
    old = find_item(catalog, ref)
    if old.emotion == emotion:
        return Retag(old, old, False, (f"{old.id} is already {emotion.folder}",))
    src = Path(old.path)
    folder = catalog.root / emotion.folder
    try:
        folder.mkdir(parents=True, exist_ok=True)
        dest = files.unique_path(folder, src.stem, src.suffix, old.checksum[:8] or "moved")
        src.replace(dest)
    except OSError as exc:
        if is_disk_full(exc):
            raise DiskFullError(folder, f"move {old.id}", kept=KEPT) from exc
        raise CurationError(f"cannot move {src} to {folder}: {exc.strerror}") from None
    files.fsync_dir(folder)
    files.fsync_dir(src.parent)
    catalog.rescan()
    new = catalog.item_at(dest)
    warnings: list[str] = []
    queued = False
    if new is None:
        new = Item(item_id(emotion, dest.name), emotion, str(dest), old.checksum)
        warnings.append(f"the catalog did not take {new.id}; see the kiosk log")
    elif queue is not None:
        try:
            queue.record_item(new)
            queued = True
        except EventsError as exc:
            warnings.append(f"the PutItems record was not queued: {exc}")
    log.info("catalog: %s retagged as %s", old.id, new.id)
    return Retag(old, new, queued, tuple(warnings))
