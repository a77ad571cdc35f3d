"""Item ids from catalog file names: `emotions/<emotion>/<file>`, the key the AWS sample
used in S3 and Amazon Personalize, so a fleet of kiosks can share one items dataset.

The id of a NEW file is its name NFC-normalised: a Mac writes names decomposed (NFD:
Hangul as jamo, `é` as `e` + accent), so a copy by hand from a Mac, a copy from
elsewhere and `kiosk-admin catalog approve` (`kiosk.curation.files.safe_stem`, NFC too)
give one id for one name. A name with invisible format characters (a byte order mark
U+FEFF that Windows tools put at the start of a name, zero-width spaces, direction
marks) gets the name import gives it (`visible`: `readable_stem`, the one rule of
import, rescan and a manifest rebuilt from the folder): `\ufeffbom.jpg` is `bom.jpg`,
`\ufeff photo.jpg` is `photo.jpg`, the name the operator sees and types. An image the
manifest already holds keeps its id, found by its path: a store's history (likes,
Personalize events) is keyed by it. `assign_ids`
applies both rules to one folder and finds two files whose names differ only in their
Unicode form or in invisible characters (possible on Linux; a Mac's disk treats the
Unicode forms as one name): the first keeps the id, the other is skipped with what to do.
An id indexed by an earlier build with such characters is found by its visible form
(`loose`) and shown escaped (`escaped`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import PurePosixPath

from kiosk.domain import Emotion

ID_PREFIX = "emotions"
MAX_ITEM_ID = 256  # characters of an Amazon Personalize itemId (kiosk.events.records.MAX_ID)
CONTROL_PROBLEM = "file name has control characters (tab, new line, …); rename it"


def item_id(emotion: Emotion, filename: str) -> str:
    """`emotions/<emotion>/<file>`: the item key shared with S3 and Personalize, the
    file name NFC-normalised (the same id for a name written decomposed by a Mac) and
    its invisible format characters as `catalog import` treats them (`visible`)."""
    return f"{ID_PREFIX}/{emotion.folder}/{visible(unicodedata.normalize('NFC', filename))}"


def _invisible(ch: str) -> bool:
    return unicodedata.category(ch) == "Cf"


def visible(name: str) -> str:
    """File name `name` as `kiosk-admin catalog import` names it when it has invisible
    format characters (category Cf: U+FEFF, the byte order mark Windows tools write at
    the start; zero-width spaces; direction marks): `readable_stem`, the stem an
    approval gives the file, and the extension without them. `\ufeffbom.jpg` →
    `bom.jpg`, `a\u200bb.jpg` → `a-b.jpg`, `\ufeff photo.jpg` → `photo.jpg` (the space
    the mark hid is stripped as import strips it). Nothing visible before the extension
    gives `.jpg` (`id_problem`: rename it). A name with none is returned as it is: a
    copy by hand keeps its own name as its id."""
    if not any(_invisible(ch) for ch in name):
        return name
    ext = PurePosixPath(name.replace("\\", "/").rsplit("/", 1)[-1]).suffix
    return readable_stem(name) + "".join(ch for ch in ext if not _invisible(ch))


# Replaced in a file name: path separators, and what Windows, exFAT and FAT refuse (a
# catalog copied to a USB stick); control and format characters go by category below.
_UNSAFE = re.compile(r'[/\\<>:"|?*]+')
_DASHES = re.compile(r"-{2,}")
_SPACES = re.compile(r"\s+")
_REPLACED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Zl", "Zp"})
MAX_STEM = 80  # characters: `emotions/<emotion>/<stem>-<tag>-<n>.webp` stays far below 256


def readable_stem(name: str) -> str:
    """The stem `kiosk-admin catalog import` gives file name `name`
    (`kiosk.curation.files.safe_stem`, which says "image" for ""), and the id's stem
    of a file copied by hand with invisible characters in its name (`visible`).

    Unicode is kept (Korean, accents, spaces), NFC-normalised (a Mac writes Hangul
    decomposed); a path (`/` or `\\`) gives its last part; only what is unsafe is
    replaced by "-": `<>:"|?*` (refused by Windows and exFAT: a catalog copied to a USB
    stick), control and invisible format characters. Runs of white space become one
    space; leading dots (a hidden file), dashes and spaces and trailing dots and spaces
    (Windows drops them) are stripped; at most `MAX_STEM` characters; "" when nothing
    is left."""
    text = unicodedata.normalize("NFC", name.replace("\\", "/"))
    stem = PurePosixPath(text.rsplit("/", 1)[-1]).stem
    stem = "".join("-" if unicodedata.category(ch) in _REPLACED_CATEGORIES and not ch.isspace()
                   else ch for ch in stem)
    stem = _DASHES.sub("-", _UNSAFE.sub("-", _SPACES.sub(" ", stem)))
    stem = stem.lstrip(".-_ ").rstrip(". ")
    return stem[:MAX_STEM].rstrip(". ")


def loose(key: str) -> str:
    """`key` NFC-normalised without invisible format characters: an id typed as it looks
    (`emotions/calm/bom.jpg`) matches one indexed with a byte order mark or a name
    written decomposed."""
    return "".join(ch for ch in unicodedata.normalize("NFC", key) if not _invisible(ch))


_HIDDEN = frozenset({"Cc", "Cf", "Cs", "Co", "Zl", "Zp"})
_ESCAPE = re.compile(r"\\(?:x([0-9a-fA-F]{2})|u([0-9a-fA-F]{4})|U([0-9a-fA-F]{8}))")


def escaped(text: str) -> str:
    """`text` with characters that do not show (control, format, private use, line
    separators) as `\\xNN`, `\\uNNNN`: an id as the operator can see and type it
    (`unescaped` reads it back). Other text, Korean included, is left as it is."""
    if not any(unicodedata.category(ch) in _HIDDEN for ch in text):
        return text
    out = []
    for ch in text:
        if unicodedata.category(ch) not in _HIDDEN:
            out.append(ch)
        elif ord(ch) <= 0xFF:
            out.append(f"\\x{ord(ch):02x}")
        elif ord(ch) <= 0xFFFF:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(f"\\U{ord(ch):08x}")
    return "".join(out)


def unescaped(text: str) -> str:
    """`escaped`'s text read back: `\\ufeff` → U+FEFF."""
    return _ESCAPE.sub(lambda m: chr(int(next(g for g in m.groups() if g), 16)), text)


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
    if key.rsplit("/", 1)[-1].startswith("."):  # `\ufeff.jpg`: nothing visible is left
        return "file name has only invisible characters before its extension; rename it"
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


def same_name(key: str) -> str:
    """The id a new file named as `key`'s file would get: NFC, invisible characters as
    `visible` has them. Two ids with one `same_name` are one name to the operator."""
    head, _, name = key.rpartition("/")
    return f"{head}/{visible(unicodedata.normalize('NFC', name))}"


def by_form(paths: Mapping[str, str]) -> dict[str, str]:
    """The manifest's ids (`paths`: id → path) by `same_name`, for `assign_ids`."""
    return {same_name(k): k for k in paths}


def assign_ids(emotion: Emotion, names: Iterable[str], by_path: Mapping[str, str],
               paths: Mapping[str, str], forms: Mapping[str, str]) -> dict[str, Claim]:
    """The id of each file `names` of `emotion`'s folder (all valid UTF-8): the id the
    manifest holds for its path (`by_path`: path → id), else `item_id`'s, which is the
    id of a file gone from the folder whose name differs only in its Unicode form
    (`forms`: `same_name` → id, `paths`: id → path) or a new id. Two files with one
    `same_name` (Unicode form, invisible characters) get one id: the one the manifest
    holds, else the one whose name is already that id's."""
    folder = emotion.folder
    names = list(names)
    present = {f"{folder}/{n}" for n in names}
    out: dict[str, Claim] = {}
    holder: dict[str, str] = {}  # `same_name` → the file name holding it
    for name in names:
        key = by_path.get(f"{folder}/{name}")
        if key is not None:
            out[name] = Claim(key)
            holder.setdefault(same_name(key), name)
    new = sorted((n for n in names if n not in out),
                 key=lambda n: (visible(unicodedata.normalize("NFC", n)) != n, n))
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
