"""Item ids from catalog file names: `emotions/<emotion>/<file>`, the key the AWS sample
used in S3 and Amazon Personalize, so a fleet of kiosks can share one items dataset.

The id of a NEW file is its name NFC-normalised: a Mac writes names decomposed (NFD:
Hangul as jamo, `é` as `e` + accent), so a copy by hand from a Mac, a copy from
elsewhere and `kiosk-admin catalog approve` (`kiosk.curation.files.safe_stem`, NFC too)
give one id for one name. An image the manifest already holds keeps its id, found by
its path: a store's history (likes, Personalize events) is keyed by it. `assign_ids`
applies both rules to one folder and finds two files whose names differ only in their
Unicode form (possible on Linux; a Mac's disk treats them as one name): the first
keeps the id, the other is skipped with what to do.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from kiosk.domain import Emotion

ID_PREFIX = "emotions"
MAX_ITEM_ID = 256  # characters of an Amazon Personalize itemId (kiosk.events.records.MAX_ID)
CONTROL_PROBLEM = "file name has control characters (tab, new line, …); rename it"


def item_id(emotion: Emotion, filename: str) -> str:
    """`emotions/<emotion>/<file>`: the item key shared with S3 and Personalize, the
    file name NFC-normalised (the same id for a name written decomposed by a Mac)."""
    return f"{ID_PREFIX}/{emotion.folder}/{unicodedata.normalize('NFC', filename)}"


def representable(name: str) -> bool:
    """False for a file name that is not valid UTF-8 on disk (Python shows its bytes as
    lone surrogates): it can be neither an item id nor a row in the manifest."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def shown(name: str) -> str:
    """`name` as text that can be logged and stored: bytes that are not UTF-8 as `\\xff`."""
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def id_problem(key: str, *, first_index: bool = False) -> str:
    """Why `key` (`item_id`'s) cannot be an item id, "" when it can: not valid UTF-8,
    longer than a Personalize itemId may be, or a file name with control characters (a
    log line or a CSV row it would break). The file name is the id, so the cure is
    renaming the file; `kiosk-admin catalog import` names files so that they never have
    these problems (`kiosk.curation.files.safe_stem`). `first_index`: the manifest is
    empty (a first index, or one rebuilt after its file was deleted), so the file may
    have been live before under this very id: control characters are then allowed (the
    caller logs a warning), as a rescan keeps them for an image it already holds."""
    if not representable(key):
        return (f"file name is not valid UTF-8 text ({shown(key.rsplit('/', 1)[-1])!r}); "
                "rename it")
    if len(key) > MAX_ITEM_ID:
        return (f"file name too long for an item id ({len(key)} characters with "
                f"{ID_PREFIX}/<emotion>/, at most {MAX_ITEM_ID}); rename it shorter")
    if not first_index and any(unicodedata.category(ch) == "Cc" for ch in key):
        return CONTROL_PROBLEM
    return ""


def has_control(key: str) -> bool:
    return any(unicodedata.category(ch) == "Cc" for ch in key)


@dataclass(frozen=True, slots=True)
class Claim:
    """The id of one file of a folder. `moved`: the manifest holds `key` for a file of
    the same name in another Unicode form that is gone (the row follows the file).
    `twin`: another file of the folder has this name in another Unicode form and holds
    the id; this file is not shown."""

    key: str
    moved: bool = False
    twin: str = ""


def by_form(paths: Mapping[str, str]) -> dict[str, str]:
    """The manifest's ids (`paths`: id → path) by their NFC form, for `assign_ids`."""
    return {unicodedata.normalize("NFC", k): k for k in paths}


def assign_ids(emotion: Emotion, names: Iterable[str], by_path: Mapping[str, str],
               paths: Mapping[str, str], forms: Mapping[str, str]) -> dict[str, Claim]:
    """The id of each file `names` of `emotion`'s folder (all valid UTF-8): the id the
    manifest holds for its path (`by_path`: path → id), else `item_id`'s, which is the
    id of a file gone from the folder whose name differs only in its Unicode form
    (`forms`: NFC id → id, `paths`: id → path) or a new id. Two files with one NFC name
    get one id: the one the manifest holds, else the one whose name is NFC."""
    folder = emotion.folder
    names = list(names)
    present = {f"{folder}/{n}" for n in names}
    out: dict[str, Claim] = {}
    holder: dict[str, str] = {}  # NFC id → the file name holding it
    for name in names:
        key = by_path.get(f"{folder}/{name}")
        if key is not None:
            out[name] = Claim(key)
            holder.setdefault(unicodedata.normalize("NFC", key), name)
    new = sorted((n for n in names if n not in out),
                 key=lambda n: (unicodedata.normalize("NFC", n) != n, n))
    for name in new:
        key = item_id(emotion, name)
        if key in holder:
            out[name] = Claim(key, twin=holder[key])
            continue
        holder[key] = name
        old = forms.get(key)
        if old is not None and paths[old] not in present:
            out[name] = Claim(old, moved=True)
        else:
            out[name] = Claim(key)
    return out
